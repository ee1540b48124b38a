# Compile options shared by every mspipe target.
add_library(mspipe_options INTERFACE)
target_compile_options(mspipe_options INTERFACE -Wall -Wextra -Wno-unknown-pragmas)
# GCC 12 reports impossible -Wrestrict overlaps inside std::string concatenation
# (GCC bug 105651); the warning is noise there and nowhere else.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(mspipe_options INTERFACE -Wno-restrict)
endif()
if(MSPIPE_NATIVE)
  target_compile_options(mspipe_options INTERFACE -march=native)
endif()
target_include_directories(mspipe_options INTERFACE ${PROJECT_SOURCE_DIR}/src)

# The dependency rule, written once: "module:modules it may use", in dependency order.
# A module's sources may include headers of the modules named here and of no other; the
# libraries link exactly these edges (mspipe_add_module) and the test module_deps checks
# every #include "<module>/..." under src/ against them. A module named a_b lives in
# src/a/b/ (cp_damask: src/cp/damask/, DAMASK's files and the DAMASK_grid engine).
# io holds every file schema and stores the VE type, so it sits above microstructure.
# analysis reads VEs and lattice tables (descriptors) but no files: it sits beside io, under
# pipeline.
set(MSPIPE_MODULE_DEPS
  "core:"
  "texture:core"
  "microstructure:core texture"
  "io:core texture microstructure"
  "cp:core texture microstructure"
  "cp_damask:core texture microstructure cp io"
  "ml:core"
  "analysis:core texture microstructure cp"
  "campaign:core texture microstructure io cp"
  "pipeline:core texture microstructure io cp cp_damask ml analysis campaign")

set(MSPIPE_MODULES "")
foreach(rule ${MSPIPE_MODULE_DEPS})
  string(REGEX REPLACE ":.*" "" module "${rule}")
  list(APPEND MSPIPE_MODULES ${module})
endforeach()
string(REPLACE ";" "|" _mspipe_module_names "${MSPIPE_MODULES}")

# The modules `name` may use (empty for core; an error for a module the rule lacks).
function(mspipe_module_deps name out)
  foreach(rule ${MSPIPE_MODULE_DEPS})
    if(rule MATCHES "^${name}:(.*)$")
      string(REPLACE " " ";" deps "${CMAKE_MATCH_1}")
      set(${out} ${deps} PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "module '${name}' is not in MSPIPE_MODULE_DEPS (cmake/MspipeTargets.cmake)")
endfunction()

# mspipe_add_module(name SOURCES ... LIBS ... PRIVATE_LIBS ... [NOT_LINKED module ...]): one
# static library per module. It links the mspipe modules the rule allows (those built in
# this configuration: ml only with LibTorch) but those NOT_LINKED names (their users link
# them: the pipeline's torch-using files, src/pipeline/CMakeLists.txt); LIBS and
# PRIVATE_LIBS are outside libraries.
function(mspipe_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;LIBS;PRIVATE_LIBS;NOT_LINKED" ${ARGN})
  foreach(lib ${M_LIBS} ${M_PRIVATE_LIBS})
    if(lib MATCHES "^mspipe(::|_)(${_mspipe_module_names})$")
      message(FATAL_ERROR "mspipe_${name}: module edges come from MSPIPE_MODULE_DEPS, not LIBS (${lib})")
    endif()
  endforeach()
  mspipe_module_deps(${name} allowed)
  set(modules "")
  foreach(dep ${allowed})
    if(TARGET mspipe_${dep} AND NOT dep IN_LIST M_NOT_LINKED)
      list(APPEND modules mspipe::${dep})
    endif()
  endforeach()
  add_library(mspipe_${name} STATIC ${M_SOURCES})
  add_library(mspipe::${name} ALIAS mspipe_${name})
  target_link_libraries(mspipe_${name} PUBLIC mspipe_options ${modules} ${M_LIBS} PRIVATE ${M_PRIVATE_LIBS})
endfunction()

# src/, tests/<kind>/ and bench/ each hold one folder per module; mspipe_add_module_dirs(dir)
# adds those that exist, in dependency order (ml only with LibTorch).
function(mspipe_add_module_dirs dir)
  foreach(module ${MSPIPE_MODULES})
    if(module STREQUAL "ml" AND NOT MSPIPE_WITH_TORCH)
      continue()
    endif()
    string(REPLACE "_" "/" folder ${module})
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${folder}/CMakeLists.txt)
      add_subdirectory(${dir}/${folder})
    endif()
  endforeach()
endfunction()

# The rule as the module_deps test reads it: one "module: deps" line per module.
set(_rules "")
foreach(rule ${MSPIPE_MODULE_DEPS})
  string(APPEND _rules "${rule}\n")
endforeach()
file(WRITE ${PROJECT_BINARY_DIR}/module_deps.txt "${_rules}")

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

# mspipe_add_module(name SOURCES ... DEPS ...): one static library per src/ folder.
function(mspipe_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(mspipe_${name} STATIC ${M_SOURCES})
  add_library(mspipe::${name} ALIAS mspipe_${name})
  target_link_libraries(mspipe_${name} PUBLIC mspipe_options ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()

# The modules in dependency order. src/, tests/<kind>/ and bench/ each hold one folder per
# module; mspipe_add_module_dirs(dir) adds those that exist (ml only with LibTorch).
set(MSPIPE_MODULES core texture io microstructure cp ml analysis campaign pipeline)
function(mspipe_add_module_dirs dir)
  foreach(module ${MSPIPE_MODULES})
    if(module STREQUAL "ml" AND NOT MSPIPE_WITH_TORCH)
      continue()
    endif()
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${module}/CMakeLists.txt)
      add_subdirectory(${dir}/${module})
    endif()
  endforeach()
endfunction()

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

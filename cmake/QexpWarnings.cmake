# Warning flags for every qexp target: qexp_set_warnings(target).
function(qexp_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                           -Wno-missing-field-initializers)
  # GCC 12 reports false -Wrestrict positives inside libstdc++'s std::string operator+ at -O2
  # (GCC bug 105329); they are not actionable in qexp code.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(QEXP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# qexp_add_library(NAME name SOURCES ... DEPS ... [PRIVATE_DEPS ...])
# Creates qexp_<name> with alias qexp::<name>; include root is the repository root so headers
# are included as "framework/<subsystem>/x.h".
function(qexp_add_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(qexp_${A_NAME} STATIC ${A_SOURCES})
  add_library(qexp::${A_NAME} ALIAS qexp_${A_NAME})
  target_include_directories(qexp_${A_NAME} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}>)
  target_link_libraries(qexp_${A_NAME} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
  qexp_set_warnings(qexp_${A_NAME})
endfunction()

find_package(GTest REQUIRED)
include(GoogleTest)

# qexp_add_test(NAME name SOURCES ... DEPS ... [LABELS ...])
# One googletest executable; each TEST becomes its own CTest entry.
function(qexp_add_test)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SOURCES})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main)
  target_include_directories(${A_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${A_NAME} PRIVATE QEXP_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                               QEXP_BINARY_DIR="${PROJECT_BINARY_DIR}")
  qexp_set_warnings(${A_NAME})
  gtest_discover_tests(${A_NAME} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${A_LABELS}")
endfunction()

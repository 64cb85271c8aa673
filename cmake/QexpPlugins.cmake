# Plugin mechanics (see plugins/README.md and ARCHITECTURE.md "Extension points").
#
#   qexp_add_plugin(NAME <name> KIND calibrator|analysis SOURCES <x.cc>... [TESTS <x_test.cc>...]
#                   [DEPS <target>...] [SHARED])
#     In-tree (default): builds the static library qexp_plugin_<name> (linking qexp::plugin_api)
#     and records the plugin for the generated table. <name> is [a-z][a-z0-9_]* and must equal
#     the first argument of the source's registration line, e.g. QEXP_REGISTER_CALIBRATOR(<name>,
#     …), which defines the entry function qexp_plugin_entry_<name>(). TESTS become the
#     googletest executable plugin_<name>_test (linked with qexp::plugin_registry), labelled
#     "plugin".
#
#     SHARED, and always out of tree (after find_package(qexp)): builds the loadable module
#     libqexp_plugin_<name>.so instead, compiled with QEXP_PLUGIN_SHARED so the registration
#     macro also exports the entry qexp_plugin_entry() that `--plugin`, `plugins:` and
#     QEXP_PLUGIN_PATH load. The module links qexp::plugin_api statically, hides every other
#     symbol, and is not put into the table. TESTS become plugin_<name>_test, linked with the
#     plugin's object files (so the test calls qexp_plugin_entry_<name>() directly).
#
#   qexp_generate_plugin_table()
#     Called once, after every qexp_add_plugin() (at the end of plugins/CMakeLists.txt). Writes
#     plugin_table.cc into the build tree — a table calling each recorded entry function by name,
#     in registration order, plus calibrator_registry() — and builds it as qexp::plugins, which
#     links every plugin library. The table references each entry symbol, so the linker keeps
#     every plugin and no static initializer is involved.

set(QEXP_PLUGIN_KINDS calibrator analysis)

function(qexp_add_plugin)
  cmake_parse_arguments(A "SHARED" "NAME;KIND" "SOURCES;TESTS;DEPS" ${ARGN})
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qexp_add_plugin: unexpected arguments: ${A_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT A_NAME OR NOT A_NAME MATCHES "^[a-z][a-z0-9_]*$")
    message(FATAL_ERROR "qexp_add_plugin: NAME '${A_NAME}' must match [a-z][a-z0-9_]*")
  endif()
  if(NOT A_KIND IN_LIST QEXP_PLUGIN_KINDS)
    message(FATAL_ERROR
      "qexp_add_plugin(${A_NAME}): KIND '${A_KIND}' is not one of: ${QEXP_PLUGIN_KINDS}")
  endif()
  if(NOT A_SOURCES)
    message(FATAL_ERROR "qexp_add_plugin(${A_NAME}): SOURCES is empty")
  endif()
  get_property(out_of_tree GLOBAL PROPERTY QEXP_PLUGINS_OUT_OF_TREE)
  if(A_SHARED OR out_of_tree)
    _qexp_add_shared_plugin(${A_NAME} ${A_KIND} "${A_SOURCES}" "${A_TESTS}" "${A_DEPS}")
    return()
  endif()
  get_property(names GLOBAL PROPERTY QEXP_PLUGIN_NAMES)
  if(A_NAME IN_LIST names)
    message(FATAL_ERROR "qexp_add_plugin: duplicate plugin name '${A_NAME}'")
  endif()
  get_property(generated GLOBAL PROPERTY QEXP_PLUGIN_TABLE_GENERATED)
  if(generated)
    message(FATAL_ERROR "qexp_add_plugin(${A_NAME}): called after qexp_generate_plugin_table()")
  endif()

  set(target qexp_plugin_${A_NAME})
  add_library(${target} STATIC ${A_SOURCES})
  add_library(qexp::plugin_${A_NAME} ALIAS ${target})
  target_link_libraries(${target} PUBLIC qexp::plugin_api ${A_DEPS})
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  qexp_set_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY QEXP_PLUGIN_NAMES ${A_NAME})
  set_property(GLOBAL APPEND PROPERTY QEXP_PLUGIN_TARGETS ${target})

  if(A_TESTS AND QEXP_BUILD_TESTS AND COMMAND qexp_add_test)
    qexp_add_test(NAME plugin_${A_NAME}_test
      SOURCES ${A_TESTS}
      DEPS ${target} qexp::plugin_registry
      LABELS plugin ${A_KIND})
  endif()
endfunction()

# A loadable module plugin (see SHARED above) and its test.
function(_qexp_add_shared_plugin name kind sources tests deps)
  set(objects qexp_plugin_${name}_objects)
  add_library(${objects} OBJECT ${sources})
  target_link_libraries(${objects} PUBLIC qexp::plugin_api ${deps})
  target_compile_definitions(${objects} PUBLIC QEXP_PLUGIN_SHARED)
  target_compile_features(${objects} PUBLIC cxx_std_20)
  target_include_directories(${objects} PRIVATE ${PROJECT_SOURCE_DIR})
  set_target_properties(${objects} PROPERTIES
    POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(COMMAND qexp_set_warnings)
    qexp_set_warnings(${objects})
  endif()

  set(target qexp_plugin_${name})
  add_library(${target} MODULE)
  target_link_libraries(${target} PRIVATE ${objects})
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # A missing symbol is a link error here rather than a load error in qexp; the statically
    # linked SDK stays private, so the module exports only its entry.
    target_link_options(${target} PRIVATE "LINKER:-z,defs" "LINKER:--exclude-libs,ALL")
  endif()

  if(NOT tests)
    return()
  endif()
  if(COMMAND qexp_add_test)
    if(QEXP_BUILD_TESTS)
      qexp_add_test(NAME plugin_${name}_test SOURCES ${tests} DEPS ${objects}
                    LABELS plugin ${kind})
    endif()
    return()
  endif()
  # Out of tree: a plain googletest executable, one CTest entry per TEST.
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(plugin_${name}_test ${tests})
  target_link_libraries(plugin_${name}_test PRIVATE ${objects} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(plugin_${name}_test PROPERTIES LABELS "plugin;${kind}")
endfunction()

function(qexp_generate_plugin_table)
  get_property(generated GLOBAL PROPERTY QEXP_PLUGIN_TABLE_GENERATED)
  if(generated)
    message(FATAL_ERROR "qexp_generate_plugin_table() called twice")
  endif()
  set_property(GLOBAL PROPERTY QEXP_PLUGIN_TABLE_GENERATED TRUE)
  get_property(names GLOBAL PROPERTY QEXP_PLUGIN_NAMES)
  get_property(targets GLOBAL PROPERTY QEXP_PLUGIN_TARGETS)

  set(declarations "")
  set(entries "")
  foreach(name IN LISTS names)
    string(APPEND declarations
      "extern \"C\" const QexpPluginInfo* qexp_plugin_entry_${name}(void);\n")
    string(APPEND entries "      &qexp_plugin_entry_${name},\n")
  endforeach()
  if(names)
    set(table_body
"  static constexpr QexpPluginEntryFn kEntries[] = {\n${entries}  };\n  return kEntries;")
  else()
    set(table_body "  return {};")
  endif()

  set(out ${CMAKE_CURRENT_BINARY_DIR}/plugin_table.cc)
  file(CONFIGURE OUTPUT ${out} @ONLY CONTENT
"// Generated by qexp_generate_plugin_table() in cmake/QexpPlugins.cmake from the\n\
// qexp_add_plugin() calls under plugins/. Do not edit: re-run cmake to regenerate.\n\
\n\
#include <span>\n\
\n\
#include \"framework/calibration/registry.h\"\n\
#include \"framework/core/logging.h\"\n\
\n\
@declarations@\
\n\
namespace qexp::calib {\n\
\n\
std::span<const QexpPluginEntryFn> builtin_plugin_entries() {\n\
@table_body@\n\
}\n\
\n\
const PluginRegistry& calibrator_registry() {\n\
  static const PluginRegistry registry = [] {\n\
    auto r = PluginRegistry::from_entries(builtin_plugin_entries(), \"built-in\");\n\
    QEXP_CHECK_MSG(r.ok(), r.status().message());\n\
    return std::move(r).value();\n\
  }();\n\
  return registry;\n\
}\n\
\n\
}  // namespace qexp::calib\n")

  add_library(qexp_plugins STATIC ${out})
  add_library(qexp::plugins ALIAS qexp_plugins)
  target_link_libraries(qexp_plugins PUBLIC qexp::plugin_registry ${targets})
  target_include_directories(qexp_plugins PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}>)
  qexp_set_warnings(qexp_plugins)
endfunction()

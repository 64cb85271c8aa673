# An object-API copy of qexp's TFLite schema subset for tests that edit models
# (UnPackModel → mutate → Pack). flatc generates it from a copy of tflite_subset.fbs whose
# namespace is renamed to `tflite_obj`, so its types never mix with the plain ::tflite types that
# the importer and exporter libraries are built with. Include the header as
# "tflite_subset_obj_generated.h" after linking qexp_tflite_test_schema.
#
# This file has two roles: included from CMakeLists.txt it defines the target; run with
# `cmake -DIN=… -DOUT=… -P` it writes the renamed copy.

if(CMAKE_SCRIPT_MODE_FILE)
  file(READ "${IN}" _schema)
  string(REPLACE "namespace tflite;" "namespace tflite_obj;" _schema "${_schema}")
  file(WRITE "${OUT}" "// Generated from ${IN} by tests/importers/tflite_test_schema.cmake.\n"
                      "${_schema}")
  return()
endif()

set(_qexp_obj_src ${PROJECT_SOURCE_DIR}/framework/importers/tflite/schema/tflite_subset.fbs)
set(_qexp_obj_dir ${CMAKE_CURRENT_BINARY_DIR}/tflite_obj)
set(_qexp_obj_fbs ${_qexp_obj_dir}/tflite_subset_obj.fbs)
set(_qexp_obj_h ${_qexp_obj_dir}/tflite_subset_obj_generated.h)
add_custom_command(
  OUTPUT ${_qexp_obj_h}
  COMMAND ${CMAKE_COMMAND} -DIN=${_qexp_obj_src} -DOUT=${_qexp_obj_fbs}
          -P ${CMAKE_CURRENT_LIST_FILE}
  COMMAND ${QEXP_FLATC} --cpp --gen-object-api -o ${_qexp_obj_dir} ${_qexp_obj_fbs}
  DEPENDS ${_qexp_obj_src} ${CMAKE_CURRENT_LIST_FILE} ${QEXP_FLATC}
  COMMENT "flatc: generating the object-API test schema (namespace tflite_obj)"
  VERBATIM)
add_custom_target(qexp_tflite_test_schema_gen DEPENDS ${_qexp_obj_h})

add_library(qexp_tflite_test_schema INTERFACE)
add_dependencies(qexp_tflite_test_schema qexp_tflite_test_schema_gen)
target_sources(qexp_tflite_test_schema INTERFACE $<BUILD_INTERFACE:${_qexp_obj_h}>)
target_include_directories(qexp_tflite_test_schema INTERFACE $<BUILD_INTERFACE:${_qexp_obj_dir}>)
target_link_libraries(qexp_tflite_test_schema INTERFACE flatbuffers::flatbuffers)

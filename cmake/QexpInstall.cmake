# `cmake --install`: the qexp binary and the plugin SDK, exported so that an out-of-tree project
# does find_package(qexp) and gets qexp::plugin_api and qexp_add_plugin() (qexpConfig.cmake.in).
#
# A plugin may include exactly the headers installed here: the plugin API
# (framework/calibration/plugin_api/*.h) and the framework/core headers it uses (status.h,
# strings.h, logging.h). qexp::plugin_api links its implementation and qexp::core statically
# (both are position-independent), so a plugin .so carries its own copy and needs no symbols
# from the host.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(QEXP_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR}/qexp)
set(QEXP_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/qexp)

install(TARGETS qexp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

foreach(t qexp_core qexp_plugin_api)
  target_include_directories(${t} INTERFACE $<INSTALL_INTERFACE:${QEXP_INSTALL_INCLUDEDIR}>)
endforeach()
# A sanitizer build's static libraries call the sanitizer runtime: consumers must link it too.
if(NOT QEXP_SANITIZE STREQUAL "")
  target_link_options(qexp_core INTERFACE $<INSTALL_INTERFACE:-fsanitize=${QEXP_SANITIZE}>)
endif()
set_target_properties(qexp_core PROPERTIES EXPORT_NAME core)
set_target_properties(qexp_plugin_api PROPERTIES EXPORT_NAME plugin_api)
install(TARGETS qexp_core qexp_plugin_api EXPORT qexpTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES
          framework/calibration/plugin_api/calibrator.h
          framework/calibration/plugin_api/histogram.h
          framework/calibration/plugin_api/options.h
          framework/calibration/plugin_api/plugin.h
          framework/calibration/plugin_api/statistics.h
        DESTINATION ${QEXP_INSTALL_INCLUDEDIR}/framework/calibration/plugin_api)
install(FILES framework/core/logging.h framework/core/status.h framework/core/strings.h
        DESTINATION ${QEXP_INSTALL_INCLUDEDIR}/framework/core)

install(EXPORT qexpTargets NAMESPACE qexp:: DESTINATION ${QEXP_INSTALL_CMAKEDIR})
configure_package_config_file(cmake/qexpConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/qexpConfig.cmake
  INSTALL_DESTINATION ${QEXP_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/qexpConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
          ${CMAKE_CURRENT_BINARY_DIR}/qexpConfig.cmake
          ${CMAKE_CURRENT_BINARY_DIR}/qexpConfigVersion.cmake
          cmake/QexpPlugins.cmake
        DESTINATION ${QEXP_INSTALL_CMAKEDIR})

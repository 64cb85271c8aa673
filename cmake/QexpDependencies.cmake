# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(FlatBuffers REQUIRED CONFIG)
find_program(QEXP_FLATC flatc REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Eigen3 QUIET NO_MODULE)

# Debian splits OpenCV into per-module -dev packages; only libopencv-dev (which pulls in every
# module, GDAL and Qt) ships OpenCVConfig.cmake. Find just the four modules qexp uses.
find_path(QEXP_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
foreach(m core imgproc imgcodecs dnn)
  find_library(QEXP_OPENCV_${m}_LIB opencv_${m} REQUIRED)
  if(NOT TARGET qexp_opencv_${m})
    add_library(qexp_opencv_${m} UNKNOWN IMPORTED)
    set_target_properties(qexp_opencv_${m} PROPERTIES
      IMPORTED_LOCATION ${QEXP_OPENCV_${m}_LIB}
      INTERFACE_INCLUDE_DIRECTORIES ${QEXP_OPENCV_INCLUDE_DIR})
  endif()
endforeach()

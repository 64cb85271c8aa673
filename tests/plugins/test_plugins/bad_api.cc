// A shared library exporting the entry with an API version this qexp does not have.

#include "framework/calibration/plugin_api/plugin.h"

extern "C" __attribute__((visibility("default"))) const QexpPluginInfo* qexp_plugin_entry(void) {
  static const QexpPluginInfo info = {
      QEXP_PLUGIN_API_VERSION + 98,  // a future API
      static_cast<uint32_t>(sizeof(QexpPluginInfo)),
      QEXP_PLUGIN_KIND_CALIBRATOR,
      "test_bad_api",
      "9.0.0",
      "Test plugin: built for another plugin API",
      QEXP_PLUGIN_CXX_ABI,
      nullptr,
      nullptr,
  };
  return &info;
}

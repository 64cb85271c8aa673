#pragma once
/// Loading out-of-tree plugins: shared libraries that export the unnamed entry
/// `qexp_plugin_entry()` (QEXP_REGISTER_CALIBRATOR compiled with QEXP_PLUGIN_SHARED, which
/// qexp_add_plugin() defines for shared builds; see plugins/README.md).
///
/// A loaded library is never unloaded: the registry, every calibrator it creates and the info
/// structs point into it, so it stays mapped for the rest of the process.

#include <string>
#include <vector>

#include "framework/calibration/registry.h"
#include "framework/core/status.h"

namespace qexp::calib {

/// The environment variable naming extra plugin files and directories.
inline constexpr const char* kPluginPathEnv = "QEXP_PLUGIN_PATH";

/// The symbol every shared-library plugin exports.
inline constexpr const char* kPluginEntrySymbol = "qexp_plugin_entry";

/// dlopen()s `path` (RTLD_NOW | RTLD_LOCAL), finds the `extern "C"` entry symbol, checks the
/// plugin and adds it to `registry` with origin = `path` (as given) and the file's SHA-256.
/// Errors are one line naming the file:
///   plugin file 'x.so' not found                                  (kNotFound)
///   plugin file 'x.so' is not a loadable shared library: invalid ELF header  (kInvalidArgument)
///   plugin file 'x.so' has no entry symbol 'qexp_plugin_entry' (…)            (kInvalidArgument)
/// and PluginRegistry::add()'s checks (API version, info struct, duplicate name), which name the
/// file as the plugin's origin. On error `registry` is unchanged.
Status load_plugin_file(PluginRegistry& registry, const std::string& path);

/// The files named by QEXP_PLUGIN_PATH: ':'-separated files or directories (empty entries are
/// skipped); a directory contributes its regular `*.so` files in sorted order. An unset or empty
/// variable gives an empty list. Error: an entry that does not exist
/// ("QEXP_PLUGIN_PATH: 'dir' does not exist").
Result<std::vector<std::string>> plugin_files_from_env();

/// A copy of calibrator_registry() (the built-ins), plus the plugins named by QEXP_PLUGIN_PATH,
/// plus `paths`, loaded in that order. Errors: the first load error.
Result<PluginRegistry> registry_with_plugins(const std::vector<std::string>& paths);

}  // namespace qexp::calib

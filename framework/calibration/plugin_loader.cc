#include "framework/calibration/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "framework/core/sha256.h"
#include "framework/core/strings.h"

namespace qexp::calib {
namespace {

namespace fs = std::filesystem;

std::string file_label(const std::string& path) { return str_cat("plugin file ", quoted(path)); }

// dlerror() usually reads "<path>: <reason>"; the path is already in our message, so keep the
// reason only, on one line.
std::string dl_reason(const std::string& dlopen_path) {
  const char* raw = dlerror();
  std::string reason = raw != nullptr ? raw : "unknown dlopen error";
  const std::string prefix = dlopen_path + ": ";
  if (reason.starts_with(prefix)) reason.erase(0, prefix.size());
  std::replace(reason.begin(), reason.end(), '\n', ' ');
  return reason;
}

// dlopen() searches the library path for names without a slash; a plugin path always means a
// file, so make it explicit.
std::string dlopen_name(const std::string& path) {
  return path.find('/') == std::string::npos ? "./" + path : path;
}

}  // namespace

Status load_plugin_file(PluginRegistry& registry, const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) return not_found(str_cat(file_label(path), " not found"));
  if (!fs::is_regular_file(st)) {
    return invalid_argument(str_cat(file_label(path), " is not a regular file"));
  }
  QEXP_ASSIGN_OR_RETURN(std::string digest, sha256_file(path));

  const std::string name = dlopen_name(path);
  // Never dlclose()d on success: see the header.
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return invalid_argument(
        str_cat(file_label(path), " is not a loadable shared library: ", dl_reason(name)));
  }
  dlerror();  // clear any stale error before dlsym
  void* symbol = dlsym(handle, kPluginEntrySymbol);
  if (symbol == nullptr) {
    dlclose(handle);
    return invalid_argument(
        str_cat(file_label(path), " has no entry symbol ", quoted(kPluginEntrySymbol),
                " (build it with qexp_add_plugin(), which compiles QEXP_REGISTER_CALIBRATOR with "
                "QEXP_PLUGIN_SHARED)"));
  }
  auto entry = reinterpret_cast<QexpPluginEntryFn>(symbol);
  Status added = registry.add(entry(), path, std::move(digest));
  // A refused library holds nothing the registry points to, so it can go again. dlopen() counts
  // references: a second load of an already registered file only drops the extra reference.
  if (!added.ok()) dlclose(handle);
  return added;
}

Result<std::vector<std::string>> plugin_files_from_env() {
  std::vector<std::string> files;
  const char* value = std::getenv(kPluginPathEnv);
  if (value == nullptr) return files;
  for (const std::string& entry : str_split(value, ':')) {
    if (entry.empty()) continue;
    std::error_code ec;
    if (!fs::exists(entry, ec)) {
      return not_found(str_cat(kPluginPathEnv, ": ", quoted(entry), " does not exist"));
    }
    if (!fs::is_directory(entry, ec)) {
      files.push_back(entry);
      continue;
    }
    std::vector<std::string> in_dir;
    for (const fs::directory_entry& f : fs::directory_iterator(entry, ec)) {
      if (f.is_regular_file(ec) && f.path().extension() == ".so") {
        in_dir.push_back(f.path().string());
      }
    }
    if (ec) {
      return io_error(str_cat(kPluginPathEnv, ": cannot list ", quoted(entry), ": ", ec.message()));
    }
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  return files;
}

Result<PluginRegistry> registry_with_plugins(const std::vector<std::string>& paths) {
  PluginRegistry registry = calibrator_registry();
  QEXP_ASSIGN_OR_RETURN(std::vector<std::string> files, plugin_files_from_env());
  files.insert(files.end(), paths.begin(), paths.end());
  for (const std::string& f : files) QEXP_RETURN_IF_ERROR(load_plugin_file(registry, f));
  return registry;
}

}  // namespace qexp::calib

#pragma once
/// The plugin entry point: a C-compatible, versioned description of one plugin, and the one-line
/// registration macro every plugin source uses.
///
/// In-tree plugins are linked statically: CMake (cmake/QexpPlugins.cmake) generates a table that
/// calls each plugin's entry function `qexp_plugin_entry_<name>()` by name, so nothing depends on
/// static initializers and the linker cannot drop a plugin. Out-of-tree plugins are shared
/// libraries built with QEXP_PLUGIN_SHARED defined; the same macro then also exports the unnamed
/// entry `qexp_plugin_entry()` that a loader finds with dlsym. Either way the host receives the
/// same QexpPluginInfo and checks api_version and struct_size before touching anything else.
///
/// Usage, once per plugin, at namespace scope after the class definition:
///   QEXP_REGISTER_CALIBRATOR(percentile, PercentileCalibrator, "1.0.0",
///                            "Clip |x| at the p-th percentile of its histogram");

#include <stdint.h>  // NOLINT(modernize-deprecated-headers): this header is C-compatible

/// Bumped whenever QexpPluginInfo, the Calibrator interface or any type a plugin sees changes
/// layout or meaning. A plugin built against another version is refused with a clear error.
#define QEXP_PLUGIN_API_VERSION 1u

/// The C++ standard library ABI the plugin was built with; a shared library must match the host
/// (the Calibrator interface passes std::string, std::vector and std::map across the boundary).
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
#define QEXP_PLUGIN_CXX_ABI "libstdc++-cxx11"
#elif defined(__GLIBCXX__)
#define QEXP_PLUGIN_CXX_ABI "libstdc++-cow"
#elif defined(_LIBCPP_VERSION)
#define QEXP_PLUGIN_CXX_ABI "libc++"
#else
#define QEXP_PLUGIN_CXX_ABI "unknown"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/// What a plugin provides; the value of QexpPluginInfo::kind.
enum QexpPluginKind {
  QEXP_PLUGIN_KIND_CALIBRATOR = 1,  ///< create() returns a qexp::calib::Calibrator*
  QEXP_PLUGIN_KIND_ANALYSIS = 2,    ///< reserved for weight / layer analyses
};

/// One plugin's identity and factory. Plain data with static storage duration: the host never
/// frees it. Fields are only ever appended; struct_size tells the host which ones exist.
typedef struct QexpPluginInfo {
  uint32_t api_version;     ///< QEXP_PLUGIN_API_VERSION the plugin was compiled against
  uint32_t struct_size;     ///< sizeof(QexpPluginInfo) the plugin was compiled with
  uint32_t kind;            ///< a QexpPluginKind
  const char* name;         ///< [a-z][a-z0-9_]*, unique among loaded plugins, e.g. "percentile"
  const char* version;      ///< the plugin's own version, e.g. "1.0.0" (goes into reports)
  const char* description;  ///< one line for `qexp plugins`
  const char* cxx_abi;      ///< QEXP_PLUGIN_CXX_ABI of the plugin's build
  /// Makes a new instance; NULL if construction failed (never throws). The instance is released
  /// with destroy() from the same plugin, so allocation and deallocation stay in one module.
  void* (*create)(void);
  void (*destroy)(void* instance);
} QexpPluginInfo;

/// Signature of every entry function.
typedef const QexpPluginInfo* (*QexpPluginEntryFn)(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#ifdef QEXP_PLUGIN_SHARED
/// Shared-library builds also export the unnamed entry the loader looks up.
#define QEXP_PLUGIN_EXPORT_UNNAMED_ENTRY_(name)                                              \
  extern "C" __attribute__((visibility("default"))) const QexpPluginInfo* qexp_plugin_entry( \
      void) {                                                                                \
    return qexp_plugin_entry_##name();                                                       \
  }
#else
#define QEXP_PLUGIN_EXPORT_UNNAMED_ENTRY_(name)
#endif

/// Defines `extern "C" const QexpPluginInfo* qexp_plugin_entry_<name>(void)` for a plugin of
/// `kind` whose create() returns a `base*` made from `new cls()` (the shared body of the
/// QEXP_REGISTER_<KIND> macros).
#define QEXP_REGISTER_PLUGIN_(name, kind, base, cls, version, description)     \
  extern "C" const QexpPluginInfo* qexp_plugin_entry_##name(void) {            \
    static const QexpPluginInfo info = {                                       \
        QEXP_PLUGIN_API_VERSION,                                               \
        static_cast<uint32_t>(sizeof(QexpPluginInfo)),                         \
        kind,                                                                  \
        #name,                                                                 \
        version,                                                               \
        description,                                                           \
        QEXP_PLUGIN_CXX_ABI,                                                   \
        []() -> void* {                                                        \
          try {                                                                \
            return static_cast<void*>(static_cast<base*>(new cls()));          \
          } catch (...) {                                                      \
            return nullptr;                                                    \
          }                                                                    \
        },                                                                     \
        [](void* instance) { delete static_cast<base*>(instance); },           \
    };                                                                         \
    return &info;                                                              \
  }                                                                            \
  QEXP_PLUGIN_EXPORT_UNNAMED_ENTRY_(name)

/// Defines `extern "C" const QexpPluginInfo* qexp_plugin_entry_<name>(void)` for a calibrator.
/// `name` is a bare identifier ([a-z][a-z0-9_]*) equal to the NAME given to qexp_add_plugin();
/// `cls` is a default-constructible class derived from qexp::calib::Calibrator; `version` and
/// `description` are string literals. Exceptions thrown by the constructor make create() return
/// NULL, which the host reports as an error naming the plugin.
#define QEXP_REGISTER_CALIBRATOR(name, cls, version, description)                          \
  QEXP_REGISTER_PLUGIN_(name, QEXP_PLUGIN_KIND_CALIBRATOR, ::qexp::calib::Calibrator, cls, \
                        version, description)

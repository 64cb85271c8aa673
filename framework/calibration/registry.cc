#include "framework/calibration/registry.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <exception>
#include <string_view>

#include "framework/core/strings.h"

namespace qexp::calib {
namespace {

// The last field a host of this API version reads; struct_size must cover it.
constexpr size_t kRequiredInfoSize = offsetof(QexpPluginInfo, destroy) + sizeof(void (*)(void*));

bool valid_plugin_name(std::string_view name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string plugin_label(const QexpPluginInfo* info, std::string_view origin) {
  return str_cat("plugin ", qexp::quoted(info->name != nullptr ? info->name : "?"), " (", origin,
                 ")");
}

// Runs `fn` and turns an escaping exception into an error.
template <typename Fn>
auto guarded(Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return internal_error(str_cat("threw an exception: ", e.what()));
  } catch (...) {
    return internal_error("threw an exception of unknown type");
  }
}

std::string calibrator_label(std::string_view name) {
  return str_cat("calibrator ", qexp::quoted(name));
}

// A plugin from a file is the user's input: its faults are bad input (exit code 2), while the
// same fault in a built-in plugin is a qexp bug and stays kInternal.
Status as_plugin_fault(Status s, std::string_view origin) {
  if (s.code() == StatusCode::kInternal && origin != "built-in") {
    return Status(StatusCode::kInvalidArgument, s.message());
  }
  return s;
}

}  // namespace

std::string_view plugin_kind_name(PluginKind kind) {
  return kind == PluginKind::kCalibrator ? "calibrator" : "analysis";
}

ConfiguredCalibrator::ConfiguredCalibrator(const QexpPluginInfo* info, std::string origin,
                                           Calibrator* instance)
    : info_(info), origin_(std::move(origin)), instance_(instance) {}

ConfiguredCalibrator::~ConfiguredCalibrator() {
  if (instance_ != nullptr) info_->destroy(instance_);
}

Status ConfiguredCalibrator::configure(const std::map<std::string, std::string>& values) {
  QEXP_RETURN_IF_ERROR(
      as_plugin_fault(guarded([&]() -> Status { return instance_->configure(values); }), origin_));
  return as_plugin_fault(guarded([&]() -> Status {
                           resolved_ = instance_->resolved_options();
                           return ok_status();
                         }),
                         origin_);
}

Result<Range> ConfiguredCalibrator::range(const TensorStatistics& stats) const {
  const std::string context =
      str_cat(calibrator_label(info_->name), " on tensor ", qexp::quoted(stats.name));
  Result<Range> r = guarded([&]() -> Result<Range> { return instance_->compute_range(stats); });
  if (!r.ok()) return as_plugin_fault(std::move(r).status().with_context(context), origin_);
  const Range v = *r;
  if (!std::isfinite(v.min) || !std::isfinite(v.max) || v.min > v.max || v.min > 0.0f ||
      v.max < 0.0f) {
    return as_plugin_fault(
        internal_error(str_cat(context, ": returned [", format_float(v.min), ", ",
                               format_float(v.max),
                               "]; a range must be finite with min <= 0 <= max")),
        origin_);
  }
  return v;
}

Result<PluginRegistry> PluginRegistry::from_entries(std::span<const QexpPluginEntryFn> entries,
                                                    std::string_view origin) {
  PluginRegistry registry;
  for (size_t i = 0; i < entries.size(); ++i) {
    const QexpPluginInfo* info = entries[i] != nullptr ? entries[i]() : nullptr;
    QEXP_RETURN_IF_ERROR_CTX(registry.add(info, std::string(origin)),
                             str_cat(origin, " plugin table entry ", i));
  }
  return registry;
}

Status PluginRegistry::add(const QexpPluginInfo* info, std::string origin, std::string sha256) {
  if (info == nullptr) return invalid_argument(str_cat(origin, ": the plugin entry returned null"));
  if (info->api_version != QEXP_PLUGIN_API_VERSION) {
    return failed_precondition(str_cat(plugin_label(info, origin), " was built for plugin API ",
                                       info->api_version, ", this qexp has API ",
                                       QEXP_PLUGIN_API_VERSION));
  }
  if (info->struct_size < kRequiredInfoSize) {
    return failed_precondition(str_cat(plugin_label(info, origin), ": info struct has ",
                                       info->struct_size, " bytes, API ", QEXP_PLUGIN_API_VERSION,
                                       " needs ", kRequiredInfoSize));
  }
  if (info->name == nullptr || !valid_plugin_name(info->name)) {
    return invalid_argument(
        str_cat(plugin_label(info, origin), ": the name must match [a-z][a-z0-9_]*"));
  }
  if (info->cxx_abi == nullptr || std::string_view(info->cxx_abi) != QEXP_PLUGIN_CXX_ABI) {
    return failed_precondition(str_cat(plugin_label(info, origin), " was built with C++ ABI ",
                                       qexp::quoted(info->cxx_abi ? info->cxx_abi : "?"),
                                       ", this qexp uses ", qexp::quoted(QEXP_PLUGIN_CXX_ABI)));
  }
  if (info->kind != QEXP_PLUGIN_KIND_CALIBRATOR && info->kind != QEXP_PLUGIN_KIND_ANALYSIS) {
    return invalid_argument(str_cat(plugin_label(info, origin), ": unknown kind ", info->kind));
  }
  if (info->version == nullptr || info->description == nullptr || info->create == nullptr ||
      info->destroy == nullptr) {
    return invalid_argument(str_cat(plugin_label(info, origin),
                                    ": version, description, create and destroy must be set"));
  }
  if (const Entry* other = find(info->name)) {
    return invalid_argument(str_cat("duplicate plugin name ", qexp::quoted(info->name), ": ",
                                    other->origin, " and ", origin));
  }
  entries_.push_back({info, std::move(origin), std::move(sha256)});
  return ok_status();
}

const PluginRegistry::Entry* PluginRegistry::find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (name == e.info->name) return &e;
  }
  return nullptr;
}

std::pair<const QexpPluginInfo*, std::string> PluginRegistry::plugin(std::string_view name,
                                                                     PluginKind kind) const {
  const Entry* e = find(name);
  const uint32_t k =
      kind == PluginKind::kCalibrator ? QEXP_PLUGIN_KIND_CALIBRATOR : QEXP_PLUGIN_KIND_ANALYSIS;
  if (e == nullptr || e->info->kind != k) return {nullptr, ""};
  return {e->info, e->origin};
}

std::vector<PluginDescription> PluginRegistry::list() const {
  std::vector<PluginDescription> out;
  for (const Entry& e : entries_) {
    PluginDescription d;
    d.name = e.info->name;
    d.kind = e.info->kind == QEXP_PLUGIN_KIND_CALIBRATOR ? PluginKind::kCalibrator
                                                         : PluginKind::kAnalysis;
    d.version = e.info->version;
    d.description = e.info->description;
    d.origin = e.origin;
    d.sha256 = e.sha256;
    if (d.kind == PluginKind::kCalibrator) {
      if (void* p = e.info->create()) {
        auto* c = static_cast<Calibrator*>(p);
        (void)guarded([&]() -> Status {
          d.options = c->option_specs();
          return ok_status();
        });
        e.info->destroy(p);
      }
    }
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(),
            [](const PluginDescription& a, const PluginDescription& b) { return a.name < b.name; });
  return out;
}

std::vector<PluginDescription> PluginRegistry::list(PluginKind kind) const {
  std::vector<PluginDescription> all = list();
  std::erase_if(all, [kind](const PluginDescription& d) { return d.kind != kind; });
  return all;
}

std::vector<std::string> PluginRegistry::calibrator_names() const {
  std::vector<std::string> names;
  for (const Entry& e : entries_) {
    if (e.info->kind == QEXP_PLUGIN_KIND_CALIBRATOR) names.emplace_back(e.info->name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::unique_ptr<ConfiguredCalibrator>> PluginRegistry::create_calibrator(
    std::string_view name, const std::map<std::string, std::string>& options) const {
  const Entry* e = find(name);
  if (e == nullptr || e->info->kind != QEXP_PLUGIN_KIND_CALIBRATOR) {
    const std::vector<std::string> names = calibrator_names();
    std::string hint = closest_match(name, names);
    return not_found(
        str_cat("unknown calibrator ", qexp::quoted(name),
                hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                "; known calibrators: ", names.empty() ? "(none)" : str_join(names, ", ")));
  }
  void* instance = e->info->create();
  if (instance == nullptr) {
    return as_plugin_fault(internal_error(str_cat(calibrator_label(name), " (", e->origin,
                                                  "): create() failed (the constructor threw)")),
                           e->origin);
  }
  auto configured = std::make_unique<ConfiguredCalibrator>(e->info, e->origin,
                                                           static_cast<Calibrator*>(instance));
  QEXP_RETURN_IF_ERROR_CTX(configured->configure(options), calibrator_label(name));
  return configured;
}

}  // namespace qexp::calib

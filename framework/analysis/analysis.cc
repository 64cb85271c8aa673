#include "framework/analysis/analysis.h"

#include <algorithm>
#include <exception>
#include <fstream>
#include <memory>

#include "framework/core/strings.h"
#include "framework/importers/tf/graphdef_importer.h"

namespace qexp::analysis {

std::vector<std::string> analysis_names(const calib::PluginRegistry& registry) {
  std::vector<std::string> names;
  for (const calib::PluginDescription& d : registry.list(calib::PluginKind::kAnalysis)) {
    names.push_back(d.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<nlohmann::json> run_analyses(const calib::PluginRegistry& registry,
                                    const std::vector<std::string>& names,
                                    const AnalysisInput& input) {
  if (input.float_graph == nullptr) return invalid_argument("analysis: no float graph");
  nlohmann::json out = nlohmann::json::object();
  for (const std::string& name : names) {
    auto [info, origin] = registry.plugin(name, calib::PluginKind::kAnalysis);
    if (info == nullptr) {
      const std::vector<std::string> known = analysis_names(registry);
      const std::string hint = closest_match(name, known);
      return not_found(
          str_cat("unknown analysis ", quoted(name),
                  hint.empty() ? "" : str_cat(" (did you mean ", quoted(hint), "?)"),
                  "; known analyses: ", known.empty() ? "none" : str_join(known, ", ")));
    }
    auto deleter = [info = info](Analysis* a) { info->destroy(a); };
    std::unique_ptr<Analysis, decltype(deleter)> instance(static_cast<Analysis*>(info->create()),
                                                          deleter);
    if (!instance) {
      return internal_error(str_cat("analysis ", quoted(name), " (", origin, "): create() failed"));
    }
    Result<nlohmann::json> section = invalid_argument("");
    try {
      section = instance->run(input);
    } catch (const std::exception& e) {
      return internal_error(str_cat("analysis ", quoted(name), " threw: ", e.what()));
    } catch (...) {
      return internal_error(str_cat("analysis ", quoted(name), " threw"));
    }
    QEXP_RETURN_IF_ERROR_CTX(section, str_cat("analysis ", quoted(name)));
    out[name] = std::move(section).value();
  }
  return out;
}

Result<nlohmann::json> run_analyses_on_model(const calib::PluginRegistry& registry,
                                             const std::vector<std::string>& names,
                                             const std::string& model_path,
                                             const std::vector<std::string>& input_arrays,
                                             const std::vector<std::string>& output_arrays,
                                             AnalysisInput input) {
  std::optional<ir::Graph> imported;
  char head[8] = {};
  std::ifstream in(model_path, std::ios::binary);
  in.read(head, 8);
  const bool tflite = ends_with(model_path, ".tflite") ||
                      (in.gcount() == 8 && std::string_view(head + 4, 4) == "TFL3");
  if (!tflite) {
    tf::GraphDefImportOptions o;
    o.input_arrays = input_arrays;
    o.output_arrays = output_arrays;
    auto g = tf::import_graphdef_file(model_path, o);
    if (g.ok()) imported = std::move(g).value();
  }
  input.imported = imported ? &*imported : nullptr;
  return run_analyses(registry, names, input);
}

}  // namespace qexp::analysis

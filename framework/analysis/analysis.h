#pragma once
/// Analysis plugins: read a model (and optionally the runner's per-layer measurements) and
/// return one section of report.json (`analysis: {<name>: …}`, docs/report-schema.md).
///
/// An analysis is a plugin of kind QEXP_PLUGIN_KIND_ANALYSIS whose create() returns a
/// qexp::analysis::Analysis*. In-tree analyses live in plugins/analysis/<name>/ and register with
/// QEXP_REGISTER_ANALYSIS; `qexp analyze` and `qexp run` (config `analysis: [name, …]`) call them
/// through run_analyses().

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "framework/calibration/plugin_api/plugin.h"
#include "framework/calibration/registry.h"
#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::analysis {

/// L2 regularization stated by the user rather than found in the model.
struct RegularizationRule {
  std::string pattern;  ///< ECMAScript regex, searched in the weight tensor's and op's names
  double l2 = 0.0;      ///< the scale of loss += scale · Σw² / 2
};
struct RegularizationConfig {
  std::optional<double> l2;                ///< every conv / depthwise / fully-connected kernel
  std::vector<RegularizationRule> layers;  ///< first matching rule wins over `l2`
};

/// What an analysis reads. Pointers are not owned and must outlive run().
struct AnalysisInput {
  /// The graph as imported, before any conversion pass (GraphDef: with Graph::aside holding the
  /// training-only nodes). nullptr when the model has no such form (TFLite files).
  const ir::Graph* imported = nullptr;
  /// The converted float graph the quantizer sees (required).
  const ir::Graph* float_graph = nullptr;
  RegularizationConfig regularization;
  /// report.json `variants` (docs/report-schema.md) when run inside `qexp run`; nullptr
  /// stand-alone. Analyses read the per-layer measurements from it.
  const nlohmann::json* variants = nullptr;
};

/// One analysis. Implementations must not throw (run_analyses catches anyway).
class Analysis {
 public:
  virtual ~Analysis() = default;
  /// The report section. Errors: the input is unusable for this analysis.
  virtual Result<nlohmann::json> run(const AnalysisInput& input) const = 0;
};

/// Runs the analyses `names` in order from `registry`; returns {name: section, …}.
/// Errors: unknown name ("unknown analysis 'wieghts' (did you mean 'weights'?); known analyses:
/// weights"), a plugin that cannot be created, and a failing or throwing analysis (named).
Result<nlohmann::json> run_analyses(const calib::PluginRegistry& registry,
                                    const std::vector<std::string>& names,
                                    const AnalysisInput& input);

/// For a caller that holds only the converted graph and the model file (the runner): imports a
/// GraphDef `model_path` again (with `input_arrays` / `output_arrays`) to recover the imported
/// graph, then run_analyses(). A TFLite file, or a GraphDef that does not import, gives
/// `imported` = nullptr (analyses then see only the converted graph).
Result<nlohmann::json> run_analyses_on_model(const calib::PluginRegistry& registry,
                                             const std::vector<std::string>& names,
                                             const std::string& model_path,
                                             const std::vector<std::string>& input_arrays,
                                             const std::vector<std::string>& output_arrays,
                                             AnalysisInput input);

/// Names of the analysis plugins in `registry`, sorted.
std::vector<std::string> analysis_names(const calib::PluginRegistry& registry);

}  // namespace qexp::analysis

/// Defines `extern "C" const QexpPluginInfo* qexp_plugin_entry_<name>(void)` for an analysis;
/// `cls` is default-constructible and derived from qexp::analysis::Analysis. Arguments as for
/// QEXP_REGISTER_CALIBRATOR (framework/calibration/plugin_api/plugin.h).
#define QEXP_REGISTER_ANALYSIS(name, cls, version, description)                                    \
  QEXP_REGISTER_PLUGIN_(name, QEXP_PLUGIN_KIND_ANALYSIS, ::qexp::analysis::Analysis, cls, version, \
                        description)

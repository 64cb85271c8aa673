#pragma once
// Shared state of one run, and the pieces runner.cc composes: one variant as a task
// (variant_task.cc) and the report document (report_builder.cc). Internal to the experiment
// library.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "framework/calibration/driver.h"
#include "framework/calibration/registry.h"
#include "framework/core/tensor.h"
#include "framework/data/dataset.h"
#include "framework/data/manifest.h"
#include "framework/experiment/config.h"
#include "framework/experiment/journal.h"
#include "framework/experiment/runner.h"

namespace qexp::exp {

struct RunContext {
  const ExperimentConfig& config;
  const calib::PluginRegistry& registry;
  const RunOptions& options;
  std::shared_ptr<const ir::Graph> float_graph;
  Journal journal;
  std::string out_dir;
  int threads = 1;
  int64_t reused = 0;  ///< variants taken from the journal

  data::Manifest eval_manifest;
  std::shared_ptr<const data::Dataset> eval_dataset;
  std::vector<int64_t> eval_indices;
  std::vector<Tensor> layer_samples;  ///< the first metrics.layer_samples eval inputs
  Tensor first_input;                 ///< the first eval input (latency measurements)
  int64_t classes = 0;
  bool probabilities = false;  ///< the float model ends in SOFTMAX

  int baseline = -1;                    ///< index of the baseline variant, -1 if none
  std::vector<float> baseline_outputs;  ///< [eval images × classes]; empty until known
  /// Statistics per calibration key, computed on first use.
  std::map<std::string, std::shared_ptr<const calib::CalibrationStatistics>> statistics;
};

/// Identifies a variant's calibration subset; variants with equal keys share statistics.
std::string calibration_key(const ExperimentConfig& config, const VariantConfig& variant);
/// Journal task names.
std::string variant_task(const VariantConfig& v);             ///< "variant-<name>.json"
std::string outputs_task(const VariantConfig& v);             ///< "outputs-<name>.bin"
std::string calibration_task(const std::string& key);         ///< "calib-<hash>.json"

/// Builds, measures and exports one variant. Returns the task document
/// {"result": {…report variant…}, "timing": {…}}; kCancelled when interrupted.
Result<nlohmann::json> run_variant(RunContext& ctx, size_t index);

/// Calibration statistics for a variant (computed once per key and recorded as a histogram
/// summary task for the report).
Result<std::shared_ptr<const calib::CalibrationStatistics>> statistics_for(RunContext& ctx,
                                                                          const VariantConfig& v);

/// One variant's place in the report: its task document, or why it has none.
struct VariantOutcome {
  std::optional<nlohmann::json> task;  ///< {"result", "timing"} when it ran
  std::string status = "not_run";      ///< ok, failed, not_run
  std::string error;
};

/// The whole report.json document.
nlohmann::json build_report(const RunContext& ctx, const std::vector<VariantOutcome>& outcomes,
                            bool interrupted, double total_seconds);

/// The resolved settings of a variant (report.json `variants[].settings`).
nlohmann::json settings_json(const VariantConfig& v);

/// JSON number or null for an optional value.
nlohmann::json opt_number(const std::optional<double>& v);

}  // namespace qexp::exp

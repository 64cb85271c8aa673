#pragma once
// Shared state of one run and the pieces runner.cc composes. Internal to the experiment library.
//
// A run is a fixed list of tasks (tasks.cc), each writing one journal file:
//   calib-<key>.json          statistics of one calibration subset → every using variant's ranges
//   eval-<variant>-<shard>.json  accuracy counts (+ fidelity sums) of one evaluation shard
//   outputs-<baseline>-<shard>.bin  the baseline's outputs on that shard (fidelity reference)
//   layers-<variant>.json     export, size, per-layer errors, latency of one variant
// Phase 1 holds the calibration tasks and the baseline's shards; phase 2 everything else. A task
// whose input is missing computes it first (and records it), so any subset of tasks can run in
// any process; results are the same bytes wherever a task ran. report_builder.cc merges the task
// files into report.json.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
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

struct Task {
  enum Kind { kCalibration, kEval, kLayers } kind = kEval;
  int phase = 2;
  size_t variant = 0;  ///< kEval, kLayers; kCalibration: the first variant using the key
  int shard = 0;       ///< kEval
  std::string file;    ///< journal file name
};

struct RunContext {
  const ExperimentConfig& config;
  const calib::PluginRegistry& registry;
  const RunOptions& options;
  std::shared_ptr<const ir::Graph> float_graph;
  Journal journal;
  std::string out_dir;
  int threads = 1;              ///< evaluation workers
  int calibration_threads = 1;  ///< statistics workers

  data::Manifest eval_manifest;
  std::shared_ptr<const data::Dataset> eval_dataset;
  std::vector<int64_t> eval_indices;
  std::vector<Tensor> layer_samples;  ///< the first metrics.layer_samples eval inputs
  Tensor first_input;                 ///< the first eval input (latency measurements)
  int64_t classes = 0;
  bool probabilities = false;  ///< the float model ends in SOFTMAX
  std::string model_sha256;
  std::string calibration_manifest_sha256;  ///< of the calibration manifest file (its content)

  int baseline = -1;  ///< index of the baseline variant, -1 if none
  std::vector<Task> tasks;
  int64_t computed = 0, reused = 0;  ///< tasks run / found finished by this process
  std::set<std::string> done;        ///< task files this process recorded

  // In-process caches.
  std::map<std::string, std::shared_ptr<const calib::CalibrationStatistics>> statistics;
  std::map<size_t, std::shared_ptr<const ir::Graph>> graphs;

  int num_shards() const {
    const int64_t size = config.dataset.shard_size;
    return static_cast<int>((static_cast<int64_t>(eval_indices.size()) + size - 1) / size);
  }
};

/// The tasks of a run, in their fixed order (phase 1 first).
std::vector<Task> plan_tasks(const RunContext& ctx);
/// Identifies a calibration subset (content-addressed: model, data, preprocessing, subset).
std::string calibration_key(const RunContext& ctx, const VariantConfig& v);
std::string calibration_task(const RunContext& ctx, const VariantConfig& v);
std::string eval_task(const VariantConfig& v, int shard);
std::string outputs_task(const VariantConfig& v, int shard);
std::string layers_task(const VariantConfig& v);

/// Whether a journal file holds a finished task (present, parseable, without "error" when
/// `retry_errors`).
bool finished(const RunContext& ctx, const std::string& file, bool retry_errors);

/// Runs one task and records it (a failure is recorded as {"error": …}). kCancelled when
/// interrupted (nothing recorded); other errors are file-system errors.
Status run_task(RunContext& ctx, const Task& task);

/// The resolved settings of a variant (report.json `variants[].settings`).
nlohmann::json settings_json(const VariantConfig& v);
/// JSON number or null for an optional value.
nlohmann::json opt_number(const std::optional<double>& v);
/// A journal file parsed, or null when missing / malformed.
nlohmann::json load_json(const RunContext& ctx, const std::string& file);

/// The whole report.json document from the task files (missing ones make variants `not_run`).
nlohmann::json build_report(const RunContext& ctx, bool interrupted, double total_seconds);

}  // namespace qexp::exp

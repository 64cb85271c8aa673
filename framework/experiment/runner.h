#pragma once
/// The experiment runner behind `qexp run CONFIG`: builds every variant of a config, measures
/// it and writes the report directory (docs/report-schema.md).
///
/// The work is a fixed list of tasks (docs/scale-out.md): one calibration task per distinct
/// calibration subset (statistics collected once, every calibrator using them evaluated on
/// them), the evaluation of each variant split into shards of 1000 images (the float baseline's
/// shards first: their outputs are every fidelity figure's reference), and one task per variant
/// for export, size, per-layer errors and latency. Each finished task is a file in the journal
/// (journal.h); `resume` skips finished tasks; several processes can share the tasks
/// (shard_index / shard_count, MPI). Results do not depend on `threads` or on who ran a task.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "framework/core/status.h"
#include "framework/experiment/config.h"
#include "framework/ir/graph.h"

namespace qexp::calib {
class PluginRegistry;
}

namespace qexp::exp {

struct RunOptions {
  std::string out_dir;  ///< empty: config.report.out
  /// Skip tasks already finished in the output directory's journal (failed ones are retried).
  bool resume = false;
  /// This process runs task i when i mod shard_count == shard_index (the same assignment for any
  /// scheduler). With shard_count > 1 the journal is shared (never cleared) and no report is
  /// written unless `barrier` is set and shard_index is 0.
  int shard_index = 0, shard_count = 1;
  /// MPI: called by every process after each phase; the last call returns when every process
  /// has finished its tasks, then shard 0 writes the report.
  std::function<void()> barrier;
  /// Run no task: merge the journals of `merge_from` into out_dir's and write the report (tasks
  /// nobody finished make their variants `not_run`). `qexp merge`.
  bool merge_only = false;
  std::vector<std::string> merge_from;
  /// For tasks/run.json (what `qexp merge` needs to load the config again).
  std::string config_path;
  std::vector<std::string> overrides, plugin_files;
  /// Threads for evaluation and calibration; 0: the config's interpreter / calibration threads.
  /// Execution-only: not part of the resolved config, recorded under `timing`.
  int threads = 0;
  bool progress = true;  ///< progress lines on stderr
  /// Checked between samples and tasks; when it becomes true the run stops, writes a partial
  /// report and returns with `interrupted`. Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // Provenance the caller knows (the CLI): version, revision, model format, dependencies.
  std::string qexp_version, git_revision, model_format;
  std::map<std::string, std::string> dependencies;
};

struct RunOutcome {
  std::string out_dir;
  bool interrupted = false;
  bool report_written = false;
  int variants_ok = 0, variants_failed = 0, variants_not_run = 0;
  int64_t tasks_total = 0, tasks_mine = 0, tasks_run = 0, tasks_reused = 0, tasks_missing = 0;
  std::string summary;  ///< a few lines for the terminal: float vs each variant top-1
};

/// Runs `config` (already loaded and checked) on `float_graph` (the imported, converted model),
/// resolving calibrators in `registry`. Errors are setup failures (output directory, datasets,
/// journal of another config); a failing variant is recorded in the report instead
/// (`status: failed`) and counted in variants_failed.
Result<RunOutcome> run_experiment(const ExperimentConfig& config,
                                  std::shared_ptr<const ir::Graph> float_graph,
                                  const calib::PluginRegistry& registry,
                                  const RunOptions& options);

}  // namespace qexp::exp

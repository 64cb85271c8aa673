#pragma once
/// The experiment runner behind `qexp run CONFIG`: builds every variant of a config, measures
/// it and writes the report directory (docs/report-schema.md).
///
/// Order of work: the float baseline first (its outputs are every fidelity figure's
/// reference), then the variants in config order. Calibration statistics are collected once per
/// distinct calibration subset (manifest, split, samples, seed) and shared by every calibrator
/// that uses it. Each finished variant is a task file in the journal (journal.h); `resume`
/// skips finished tasks. Results do not depend on `threads`.

#include <atomic>
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
  bool resume = false;
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
  int variants_ok = 0, variants_failed = 0, variants_not_run = 0;
  int64_t tasks_reused = 0;
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

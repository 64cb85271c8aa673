#pragma once
/// The calibration driver: runs the float interpreter over the calibration samples, streams
/// every float activation through the statistics of plugin_api/statistics.h, and evaluates
/// calibrators on the result.
///
/// Two passes: pass 1 gives per-tensor counts, min / max, the per-sample EMA and the sums; pass 2
/// (optional) fills fixed-range histograms whose ranges pass 1 fixed, and Σ|x - mean|. With
/// num_threads workers (one Interpreter each), batch b of the samples goes to worker
/// b mod num_threads; per-sample summaries are folded in sample order and histogram counts are
/// integers, so the statistics are bit-identical for every thread count and batch size. Memory is
/// bounded: no activation outlives its sample's summary, and the statistics hold two histograms
/// per tensor regardless of the number of samples.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "framework/calibration/collector.h"
#include "framework/calibration/plugin_api/statistics.h"
#include "framework/calibration/registry.h"
#include "framework/calibration/sample_source.h"
#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::calib {

struct CalibrationOptions {
  /// Worker threads, each with its own Interpreter, in [1, 64].
  int num_threads = 1;
  /// Samples per interpreter invocation, in [1, 4096]. Above 1 the graph's input batch dimension
  /// (which must be 1) is set to batch_size and shapes are re-inferred; every observed tensor
  /// must then scale with the batch (a fixed-batch RESHAPE is an error naming the tensor).
  int batch_size = 1;
  StatisticsOptions statistics;
};

/// What collecting the statistics cost.
struct CalibrationCost {
  int64_t samples = 0;
  double pass1_seconds = 0.0;        ///< wall time of pass 1 (min / max / EMA / sums)
  double pass2_seconds = 0.0;        ///< wall time of pass 2 (histograms); 0 without histograms
  int64_t rss_before_bytes = 0;      ///< VmRSS when collection started
  int64_t peak_rss_bytes = 0;        ///< highest resident size seen during collection
  int64_t peak_rss_delta_bytes = 0;  ///< peak_rss_bytes - rss_before_bytes (>= 0)
  int64_t statistics_bytes = 0;      ///< heap bytes of the returned statistics
  int64_t arena_bytes = 0;           ///< activation arenas of all workers' interpreters
};

/// The statistics of every observed tensor: float32 activations (graph inputs and op outputs,
/// not constants), in graph tensor order, keyed by their (unique) names.
struct CalibrationStatistics {
  std::vector<TensorStatistics> tensors;
  StatisticsOptions options;
  int64_t num_samples = 0;
  /// One line per tensor with NaN / Inf values (also logged as warnings).
  std::vector<std::string> warnings;
  CalibrationCost cost;

  /// The tensor named `name`, or nullptr.
  const TensorStatistics* find(std::string_view name) const;
  /// Heap bytes held (independent of the number of samples).
  size_t memory_bytes() const;
};

/// Collects statistics of `float_graph` (exactly one float32 input) over all samples of
/// `source`. Errors: an empty calibration set, bad options (naming the option), a graph that
/// cannot be batched, duplicate names among observed tensors, interpreter errors, and sample
/// errors (naming the sample) — the first failing batch's error when several fail.
Result<CalibrationStatistics> collect_statistics(std::shared_ptr<const ir::Graph> float_graph,
                                                 const SampleSource& source,
                                                 const CalibrationOptions& options);

/// The calibrator's range of every tensor in `stats`, keyed by tensor name. Errors: the first
/// failing tensor's error (naming the calibrator and the tensor).
Result<std::map<std::string, Range>> compute_ranges(const ConfiguredCalibrator& calibrator,
                                                    const CalibrationStatistics& stats);

/// One calibrator's outcome, with what a report needs to reproduce it.
struct CalibratorResult {
  std::string name;
  std::string version;
  std::string origin;
  std::map<std::string, std::string> options;  ///< resolved (defaults filled in)
  std::map<std::string, Range> ranges;         ///< by tensor name
  double seconds = 0.0;                        ///< wall time of computing the ranges
};

/// compute_ranges plus identity, resolved options and timing. The statistics are read-only, so
/// any number of calibrators can be evaluated from one collection.
Result<CalibratorResult> evaluate_calibrator(const ConfiguredCalibrator& calibrator,
                                             const CalibrationStatistics& stats);

}  // namespace qexp::calib

#pragma once
/// Latency measurement behind `qexp bench`: seeded random inputs, warm-up, timed runs, latency
/// percentiles and a per-op time breakdown from the interpreter's profile.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/interpreter/interpreter.h"

namespace qexp::cli {

/// The q-quantile (q in [0, 1]) of ascending `sorted` values, interpolating linearly between
/// the two nearest ranks (numpy's default "linear" method). Precondition: `sorted` non-empty.
double percentile(std::span<const double> sorted, double q);

/// Fills every graph input of `interp` with values from a splitmix64 stream seeded by `seed`
/// (the same seed gives the same inputs): float32 / float16 uniform in [-1, 1], integer dtypes
/// uniform over their whole range, bool 0 / 1.
void fill_random_inputs(interp::Interpreter& interp, uint64_t seed);

struct BenchOptions {
  int warmup = 5;  ///< untimed invokes first (>= 0)
  int runs = 50;   ///< timed invokes (>= 1)
};

struct LatencySummary {
  double median_ms = 0, p10_ms = 0, p90_ms = 0, mean_ms = 0, min_ms = 0, max_ms = 0;
};

/// One op's share of the runs.
struct OpTiming {
  int index = 0;           ///< position in graph().ops (execution order)
  std::string type, name;  ///< e.g. "CONV_2D", the op's name in the model
  std::string kernel;      ///< Interpreter::kernel_name, e.g. "conv2d_int8"
  std::string variant;     ///< Interpreter::kernel_variant, e.g. "reference"
  double median_ms = 0;    ///< median over the timed runs
  double mean_ms = 0;      ///< total over the timed runs / runs
  double percent = 0;      ///< mean_ms / the sum of all ops' mean_ms, in percent
};

struct BenchResult {
  std::vector<double> run_ms;  ///< wall time of each timed invoke, in run order
  LatencySummary latency;      ///< over run_ms
  double ops_mean_ms = 0;      ///< mean over the runs of the summed per-op times
  std::vector<OpTiming> ops;   ///< every op, slowest (by mean_ms) first; ties by index
};

/// Runs options.warmup untimed and options.runs timed invokes of `interp` on its current inputs
/// and summarizes them. Precondition: `interp` was created with InterpreterOptions::profile.
/// Errors: runs < 1 or warmup < 0 (kInvalidArgument), an invoke failure.
Result<BenchResult> run_benchmark(interp::Interpreter& interp, const BenchOptions& options);

}  // namespace qexp::cli

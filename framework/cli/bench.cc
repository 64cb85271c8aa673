#include "framework/cli/bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "framework/core/dtype.h"
#include "framework/core/strings.h"
#include "framework/data/dataset.h"
#include "framework/ir/graph.h"

namespace qexp::cli {
namespace {

using data::SplitMix64;

/// Uniform in [-1, 1].
float symmetric_unit(SplitMix64& rng) {
  return static_cast<float>(static_cast<double>(rng.next() >> 11) * 0x1.0p-52 - 1.0);
}

/// Integer T uniform over its whole range: the low bits of the stream reinterpreted.
template <typename T>
void fill_integers(T* out, int64_t n, SplitMix64& rng) {
  for (int64_t i = 0; i < n; ++i) {
    using U = std::make_unsigned_t<T>;
    out[i] = static_cast<T>(static_cast<U>(rng.next()));
  }
}

void fill_tensor(const TensorView& v, SplitMix64& rng) {
  const int64_t n = v.num_elements();
  switch (v.dtype()) {
    case DType::kFloat32:
      for (int64_t i = 0; i < n; ++i) v.data<float>()[i] = symmetric_unit(rng);
      break;
    case DType::kFloat16:
      for (int64_t i = 0; i < n; ++i) v.data<uint16_t>()[i] = float_to_half(symmetric_unit(rng));
      break;
    case DType::kInt8:
      fill_integers(v.data<int8_t>(), n, rng);
      break;
    case DType::kUInt8:
      fill_integers(v.data<uint8_t>(), n, rng);
      break;
    case DType::kInt16:
      fill_integers(v.data<int16_t>(), n, rng);
      break;
    case DType::kInt32:
      fill_integers(v.data<int32_t>(), n, rng);
      break;
    case DType::kInt64:
      fill_integers(v.data<int64_t>(), n, rng);
      break;
    case DType::kBool:
      for (int64_t i = 0; i < n; ++i) v.data<bool>()[i] = (rng.next() & 1) != 0;
      break;
  }
}

LatencySummary summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  LatencySummary s;
  s.median_ms = percentile(values, 0.5);
  s.p10_ms = percentile(values, 0.1);
  s.p90_ms = percentile(values, 0.9);
  s.mean_ms =
      std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  s.min_ms = values.front();
  s.max_ms = values.back();
  return s;
}

/// Per-op statistics from the runs x ops matrix of nanoseconds (row-major).
std::vector<OpTiming> op_timings(const interp::Interpreter& interp,
                                 const std::vector<int64_t>& op_ns, int runs) {
  const ir::Graph& g = interp.graph();
  const size_t num_ops = g.ops.size();
  std::vector<OpTiming> ops(num_ops);
  std::vector<double> column(static_cast<size_t>(runs));
  double sum_of_means = 0;
  for (size_t k = 0; k < num_ops; ++k) {
    for (size_t r = 0; r < column.size(); ++r) column[r] = 1e-6 * op_ns[r * num_ops + k];
    const LatencySummary s = summarize(column);
    OpTiming& t = ops[k];
    t.index = static_cast<int>(k);
    t.type = std::string(ir::op_type_name(g.ops[k].type));
    t.name = g.ops[k].name;
    t.kernel = std::string(interp.kernel_name(t.index));
    t.variant = std::string(interp.kernel_variant(t.index));
    t.median_ms = s.median_ms;
    t.mean_ms = s.mean_ms;
    sum_of_means += s.mean_ms;
  }
  for (OpTiming& t : ops) t.percent = sum_of_means > 0 ? 100.0 * t.mean_ms / sum_of_means : 0.0;
  std::stable_sort(ops.begin(), ops.end(),
                   [](const OpTiming& a, const OpTiming& b) { return a.mean_ms > b.mean_ms; });
  return ops;
}

}  // namespace

double percentile(std::span<const double> sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

void fill_random_inputs(interp::Interpreter& interp, uint64_t seed) {
  SplitMix64 rng(seed);
  for (int i = 0; i < interp.num_inputs(); ++i) fill_tensor(interp.input(i), rng);
}

Result<BenchResult> run_benchmark(interp::Interpreter& interp, const BenchOptions& options) {
  if (options.runs < 1) {
    return invalid_argument(str_cat("--runs: ", options.runs, " is not a positive count"));
  }
  if (options.warmup < 0) {
    return invalid_argument(str_cat("--warmup: ", options.warmup, " is negative"));
  }
  const size_t num_ops = interp.graph().ops.size();
  if (interp.op_time_ns().size() != num_ops) {
    return failed_precondition("run_benchmark needs an interpreter created with profile = true");
  }
  for (int i = 0; i < options.warmup; ++i) QEXP_RETURN_IF_ERROR(interp.invoke());
  BenchResult result;
  result.run_ms.resize(static_cast<size_t>(options.runs));
  std::vector<int64_t> op_ns(static_cast<size_t>(options.runs) * num_ops);
  for (size_t r = 0; r < result.run_ms.size(); ++r) {
    interp.reset_profile();
    const auto start = std::chrono::steady_clock::now();
    QEXP_RETURN_IF_ERROR(interp.invoke());
    const auto end = std::chrono::steady_clock::now();
    result.run_ms[r] = std::chrono::duration<double, std::milli>(end - start).count();
    std::span<const int64_t> t = interp.op_time_ns();
    std::copy(t.begin(), t.end(), op_ns.begin() + static_cast<std::ptrdiff_t>(r * num_ops));
  }
  result.latency = summarize(result.run_ms);
  const int64_t total_ns = std::accumulate(op_ns.begin(), op_ns.end(), int64_t{0});
  result.ops_mean_ms = 1e-6 * static_cast<double>(total_ns) / options.runs;
  result.ops = op_timings(interp, op_ns, options.runs);
  return result;
}

}  // namespace qexp::cli

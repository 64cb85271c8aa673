// The calibration driver over a tiny float graph (input → CONV_2D → RELU6 → output): observed
// statistics equal brute force over the interpreter's tensors, are bit-identical for every
// batch size and thread count, do not grow with the number of samples, and errors are clear.

#include "framework/calibration/driver.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"
#include "framework/ir/shape_inference.h"

namespace qexp::calib {
namespace {

std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(float));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

// Deterministic values in [-scale, scale] from (seed, i).
float hash_value(uint64_t seed, uint64_t i, float scale) {
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + i + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (static_cast<float>(z >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f) * scale;
}

// input [1,5,5,2] → conv 3x3 SAME (3 filters) → "conv" → RELU6 → "relu6".
std::shared_ptr<const ir::Graph> conv_relu6_graph() {
  auto g = std::make_shared<ir::Graph>();
  int x = g->add_tensor("input", DType::kFloat32, Shape{1, 5, 5, 2});
  std::vector<float> w(3 * 3 * 3 * 2);
  for (size_t i = 0; i < w.size(); ++i) w[i] = hash_value(99, i, 0.8f);
  int wt = g->add_const("conv/weights", DType::kFloat32, Shape{3, 3, 3, 2}, float_bytes(w));
  int bt = g->add_const("conv/bias", DType::kFloat32, Shape{3}, float_bytes({0.5f, -0.25f, 1.0f}));
  int conv = g->add_tensor("conv", DType::kFloat32, Shape{1, 5, 5, 3});
  int relu = g->add_tensor("relu6", DType::kFloat32, Shape{1, 5, 5, 3});
  ir::Conv2DOptions o;
  o.padding = ir::Padding::kSame;
  g->add_op(ir::OpType::kConv2D, "conv", {x, wt, bt}, {conv}, o);
  g->add_op(ir::OpType::kRelu6, "relu6", {conv}, {relu}, ir::NoOptions{});
  g->inputs = {x};
  g->outputs = {relu};
  EXPECT_TRUE(ir::infer_shapes(*g).ok());
  return g;
}

// Sample i: 50 values in [-3, 3] from a hash; optional NaN / Inf at fixed spots.
class SyntheticSource final : public SampleSource {
 public:
  explicit SyntheticSource(int64_t n, std::vector<int64_t> order = {})
      : n_(n), order_(std::move(order)) {}
  int64_t size() const override { return n_; }
  Status fill(int64_t index, TensorView input) const override {
    const int64_t id = order_.empty() ? index : order_[static_cast<size_t>(index)];
    if (id == fail_at_) return data_loss("corrupt image");
    float* p = input.data<float>();
    for (int64_t i = 0; i < input.num_elements(); ++i) {
      p[i] = hash_value(static_cast<uint64_t>(id), static_cast<uint64_t>(i), 3.0f);
    }
    if (id == nonfinite_at_) {
      p[0] = std::numeric_limits<float>::quiet_NaN();
      p[1] = std::numeric_limits<float>::infinity();
    }
    return ok_status();
  }
  int64_t fail_at_ = -1;
  int64_t nonfinite_at_ = -1;

 private:
  int64_t n_;
  std::vector<int64_t> order_;
};

CalibrationStatistics collect(const SampleSource& source, int threads, int batch,
                              std::shared_ptr<const ir::Graph> g = conv_relu6_graph()) {
  CalibrationOptions o;
  o.num_threads = threads;
  o.batch_size = batch;
  auto r = collect_statistics(std::move(g), source, o);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : CalibrationStatistics{};
}

// Runs every sample one at a time with all tensors preserved, applying the definitions of
// plugin_api/statistics.h directly to the activations.
TEST(CalibrationDriver, StatisticsEqualBruteForceOverTheInterpretersTensors) {
  const int64_t n = 7;
  SyntheticSource source(n);
  CalibrationStatistics stats = collect(source, 1, 1);
  ASSERT_EQ(stats.tensors.size(), 3u);
  EXPECT_EQ(stats.tensors[0].name, "input");
  EXPECT_EQ(stats.tensors[1].name, "conv");
  EXPECT_EQ(stats.tensors[2].name, "relu6");

  auto g = conv_relu6_graph();
  interp::InterpreterOptions io;
  io.preserve_all_tensors = true;
  auto interp = interp::Interpreter::create(g, io);
  ASSERT_TRUE(interp.ok());
  const int ids[3] = {g->find_tensor("input"), g->find_tensor("conv"), g->find_tensor("relu6")};
  std::vector<std::vector<float>> values(3);
  std::vector<float> lo(3, INFINITY), hi(3, -INFINITY);
  std::vector<double> ema_lo(3), ema_hi(3);
  std::vector<double> sums(3, 0.0);
  for (int64_t s = 0; s < n; ++s) {
    ASSERT_TRUE(source.fill(s, (*interp)->input(0)).ok());
    ASSERT_TRUE((*interp)->invoke().ok());
    for (int t = 0; t < 3; ++t) {
      TensorView v = (*interp)->tensor(ids[t]);
      const float* p = v.data<float>();
      float slo = INFINITY, shi = -INFINITY;
      double ssum = 0.0;
      for (int64_t i = 0; i < v.num_elements(); ++i) {
        values[t].push_back(p[i]);
        slo = std::min(slo, p[i]);
        shi = std::max(shi, p[i]);
        ssum += p[i];
      }
      lo[t] = std::min(lo[t], slo);
      hi[t] = std::max(hi[t], shi);
      sums[t] += ssum;
      ema_lo[t] = s == 0 ? slo : ema_lo[t] + 0.01 * (static_cast<double>(slo) - ema_lo[t]);
      ema_hi[t] = s == 0 ? shi : ema_hi[t] + 0.01 * (static_cast<double>(shi) - ema_hi[t]);
    }
  }
  for (int t = 0; t < 3; ++t) {
    const TensorStatistics& st = stats.tensors[static_cast<size_t>(t)];
    EXPECT_EQ(st.min, lo[t]) << st.name;
    EXPECT_EQ(st.max, hi[t]) << st.name;
    EXPECT_EQ(st.count, static_cast<int64_t>(values[t].size())) << st.name;
    EXPECT_EQ(st.sum, sums[t]) << st.name;
    EXPECT_EQ(st.ema_min, ema_lo[t]) << st.name;
    EXPECT_EQ(st.ema_max, ema_hi[t]) << st.name;
    EXPECT_EQ(st.samples, n);
    Histogram abs(0.0, st.absmax(), 2048), sgn(st.min, st.max, 2048);
    for (float x : values[t]) {
      abs.add(std::fabs(x));
      sgn.add(x);
    }
    EXPECT_EQ(st.abs_histogram, abs) << st.name;
    EXPECT_EQ(st.signed_histogram, sgn) << st.name;
  }
  EXPECT_EQ(stats.tensors[2].min, 0.0f);  // relu6 clamps …
  EXPECT_EQ(stats.tensors[2].max, 6.0f);  // … at both ends with these weights
  EXPECT_LT(stats.tensors[1].min, 0.0f);
  EXPECT_GT(stats.tensors[1].max, 6.0f);
}

void expect_identical(const CalibrationStatistics& a, const CalibrationStatistics& b,
                      const std::string& what) {
  ASSERT_EQ(a.tensors.size(), b.tensors.size()) << what;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    EXPECT_TRUE(identical(a.tensors[i], b.tensors[i])) << what << ": " << a.tensors[i].name;
  }
}

TEST(CalibrationDriver, BitIdenticalForAnyBatchSizeAndThreadCount) {
  SyntheticSource source(37);  // 37: the last batch is partial for every batch size below
  const CalibrationStatistics reference = collect(source, 1, 1);
  for (int threads : {1, 2, 3}) {
    for (int batch : {1, 3, 8, 32}) {
      expect_identical(reference, collect(source, threads, batch),
                       str_cat(threads, " threads, batch ", batch));
    }
  }
}

TEST(CalibrationDriver, OrderFreeStatisticsDoNotDependOnSampleOrder) {
  std::vector<int64_t> reversed;
  for (int64_t i = 36; i >= 0; --i) reversed.push_back(i);
  const CalibrationStatistics a = collect(SyntheticSource(37), 1, 4);
  const CalibrationStatistics b = collect(SyntheticSource(37, reversed), 2, 5);
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const TensorStatistics& x = a.tensors[i];
    const TensorStatistics& y = b.tensors[i];
    EXPECT_EQ(x.min, y.min);
    EXPECT_EQ(x.max, y.max);
    EXPECT_EQ(x.count, y.count);
    EXPECT_EQ(x.abs_histogram, y.abs_histogram);
    EXPECT_EQ(x.signed_histogram, y.signed_histogram);
    // Sums are folded in sample order: equal up to rounding. The EMA depends on the order by
    // definition.
    EXPECT_NEAR(x.sum, y.sum, 1e-9 * std::fabs(x.sum_squares));
  }
}

TEST(CalibrationDriver, StatisticsMemoryDoesNotGrowWithTheNumberOfSamples) {
  const CalibrationStatistics small = collect(SyntheticSource(2), 2, 1);
  const CalibrationStatistics large = collect(SyntheticSource(300), 2, 4);
  EXPECT_EQ(small.memory_bytes(), large.memory_bytes());
  EXPECT_EQ(small.cost.statistics_bytes, large.cost.statistics_bytes);
  // Two 2048-bin int64 histograms per tensor dominate.
  EXPECT_GE(large.memory_bytes(), 3u * 2u * 2048u * sizeof(int64_t));
  EXPECT_LT(large.memory_bytes(), 3u * 2u * 2048u * sizeof(int64_t) + 4096u);
}

TEST(CalibrationDriver, ReportsCost) {
  const CalibrationStatistics s = collect(SyntheticSource(20), 1, 1);
  EXPECT_EQ(s.cost.samples, 20);
  EXPECT_GT(s.cost.pass1_seconds, 0.0);
  EXPECT_GT(s.cost.pass2_seconds, 0.0);
  EXPECT_GT(s.cost.rss_before_bytes, 0);
  EXPECT_GE(s.cost.peak_rss_bytes, s.cost.rss_before_bytes);
  EXPECT_GE(s.cost.peak_rss_delta_bytes, 0);
  EXPECT_GT(s.cost.arena_bytes, 0);
}

TEST(CalibrationDriver, NanAndInfAreCountedWarnedAndExcluded) {
  SyntheticSource source(5);
  source.nonfinite_at_ = 2;
  CalibrationStatistics s = collect(source, 2, 2);
  const TensorStatistics* input = s.find("input");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->nan_count, 1);
  EXPECT_EQ(input->pos_inf_count, 1);
  EXPECT_EQ(input->count, 5 * 50 - 2);
  EXPECT_TRUE(std::isfinite(input->min) && std::isfinite(input->max));
  EXPECT_EQ(input->abs_histogram.total(), input->count);
  ASSERT_FALSE(s.warnings.empty());
  EXPECT_EQ(s.warnings[0],
            "tensor 'input': 1 NaN, 1 +Inf and 0 -Inf values in the calibration data (excluded "
            "from statistics)");
  // The NaN spreads through the conv window into later tensors, which are warned about too.
  EXPECT_GT(s.find("conv")->nan_count, 0);
}

TEST(CalibrationDriver, EveryCalibratorEvaluatesFromOneCollection) {
  const CalibrationStatistics s = collect(SyntheticSource(16), 2, 4);
  for (const std::string& name : calibrator_registry().calibrator_names()) {
    auto c = calibrator_registry().create_calibrator(name);
    ASSERT_TRUE(c.ok()) << c.status().message();
    auto result = evaluate_calibrator(**c, s);
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->name, name);
    EXPECT_EQ(result->version, (*c)->version());
    EXPECT_EQ(result->origin, "built-in");
    EXPECT_GE(result->seconds, 0.0);
    const auto& ranges = result->ranges;
    ASSERT_EQ(ranges.size(), 3u) << name;
    const Range relu = ranges.at("relu6");
    EXPECT_EQ(relu.min, 0.0f) << name;
    EXPECT_GT(relu.max, 0.0f) << name;
    EXPECT_LE(relu.max, 6.0f) << name;
  }
}

TEST(CalibrationDriver, EmptyCalibrationSetIsAnError) {
  auto r = collect_statistics(conv_relu6_graph(), SyntheticSource(0), CalibrationOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "empty calibration set: the sample source has no samples");
}

TEST(CalibrationDriver, SampleErrorsAreReported) {
  SyntheticSource source(9);
  source.fail_at_ = 6;
  CalibrationOptions o;
  o.num_threads = 2;
  o.batch_size = 2;
  auto r = collect_statistics(conv_relu6_graph(), source, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "calibration pass 1 (ranges): corrupt image");
}

TEST(CalibrationDriver, BadOptionsAreErrors) {
  CalibrationOptions o;
  o.statistics.bins = 0;
  auto r = collect_statistics(conv_relu6_graph(), SyntheticSource(1), o);
  EXPECT_EQ(r.status().message(), "bins: 0 is outside [1, 65536]");
  o = CalibrationOptions{};
  o.num_threads = 0;
  r = collect_statistics(conv_relu6_graph(), SyntheticSource(1), o);
  EXPECT_EQ(r.status().message(), "num_threads: 0 is outside [1, 64]");
}

TEST(CalibrationDriver, WithoutHistogramsOnlyPassOneRuns) {
  CalibrationOptions o;
  o.statistics.histograms = false;
  auto r = collect_statistics(conv_relu6_graph(), SyntheticSource(3), o);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->tensors[0].has_histograms());
  EXPECT_EQ(r->cost.pass2_seconds, 0.0);
}

TEST(CalibrationDriver, GraphWithAFixedBatchIsAnErrorNamingTheOpForBatchesAboveOne) {
  auto g = std::make_shared<ir::Graph>(*conv_relu6_graph());
  // A RESHAPE to a fixed [1, 75] after relu6 does not scale with the batch.
  int flat = g->add_tensor("flat", DType::kFloat32, Shape{1, 75});
  ir::ReshapeOptions ro;
  ro.new_shape = {1, 75};
  g->add_op(ir::OpType::kReshape, "flat", {g->outputs[0]}, {flat}, ro);
  g->outputs = {flat};
  CalibrationOptions o;
  o.batch_size = 4;
  auto r = collect_statistics(g, SyntheticSource(3), o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "batch_size 4: the graph cannot be batched: op 'flat' (RESHAPE): cannot reshape "
            "[4,5,5,3] (300 elements) to [1,75] (75 elements)");
  o.batch_size = 1;
  EXPECT_TRUE(collect_statistics(g, SyntheticSource(3), o).ok());
}

}  // namespace
}  // namespace qexp::calib

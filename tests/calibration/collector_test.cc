// Per-sample summaries and their in-order accumulation: NaN / Inf handling and the EMA.

#include "framework/calibration/collector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace qexp::calib {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(SummarizeSample, CountsNanAndInfAndExcludesThemFromEverythingElse) {
  std::vector<float> v = {1.0f, kNaN, -2.0f, kInf, -kInf, kInf, 0.0f, 3.0f};
  SampleSummary s = summarize_sample(v.data(), static_cast<int64_t>(v.size()));
  EXPECT_EQ(s.nan, 1);
  EXPECT_EQ(s.pos_inf, 2);
  EXPECT_EQ(s.neg_inf, 1);
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.zeros, 1);
  EXPECT_EQ(s.min, -2.0f);
  EXPECT_EQ(s.max, 3.0f);
  EXPECT_EQ(s.sum, 2.0);
  EXPECT_EQ(s.sum_squares, 14.0);
}

TEST(SummarizeSample, NegativeZeroExtremeIsReportedAsPositiveZero) {
  std::vector<float> v = {-0.0f, 0.0f, 1.0f};
  SampleSummary s = summarize_sample(v.data(), 3);
  EXPECT_FALSE(std::signbit(s.min));
}

// Samples with (min, max) = (-1, 1), (-3, 5), (-2, 2) and c = 0.1:
//   ema_min = -1 → -1 + 0.1 (-3 - -1) = -1.2 → -1.2 + 0.1 (-2 - -1.2) = -1.28
//   ema_max =  1 →  1 + 0.1 ( 5 -  1) =  1.4 →  1.4 + 0.1 ( 2 -  1.4) =  1.46
TEST(SummaryAccumulator, EmaIsPerSampleInOrderStartingFromTheFirstSample) {
  SummaryAccumulator acc(0.1);
  for (auto [lo, hi] : std::vector<std::pair<float, float>>{{-1, 1}, {-3, 5}, {-2, 2}}) {
    std::vector<float> v = {lo, hi};
    acc.add(summarize_sample(v.data(), 2));
  }
  TensorStatistics t;
  acc.finish(&t);
  double ema_min = -1.0, ema_max = 1.0;
  ema_min += 0.1 * (-3.0 - ema_min);
  ema_max += 0.1 * (5.0 - ema_max);
  ema_min += 0.1 * (-2.0 - ema_min);
  ema_max += 0.1 * (2.0 - ema_max);
  EXPECT_EQ(t.ema_min, ema_min);
  EXPECT_EQ(t.ema_max, ema_max);
  EXPECT_NEAR(t.ema_min, -1.28, 1e-12);
  EXPECT_NEAR(t.ema_max, 1.46, 1e-12);
  EXPECT_EQ(t.min, -3.0f);
  EXPECT_EQ(t.max, 5.0f);
  EXPECT_EQ(t.samples, 3);
  EXPECT_EQ(t.count, 6);
  EXPECT_EQ(t.ema_constant, 0.1);
}

TEST(SummaryAccumulator, SamplesWithoutFiniteValuesAreSkippedByTheEma) {
  SummaryAccumulator acc(0.5);
  std::vector<float> nan_only = {kNaN, kNaN};
  std::vector<float> a = {-4.0f, 4.0f};
  std::vector<float> b = {-2.0f, 2.0f};
  acc.add(summarize_sample(nan_only.data(), 2));
  acc.add(summarize_sample(a.data(), 2));
  acc.add(summarize_sample(nan_only.data(), 2));
  acc.add(summarize_sample(b.data(), 2));
  TensorStatistics t;
  acc.finish(&t);
  EXPECT_EQ(t.ema_min, -3.0);
  EXPECT_EQ(t.ema_max, 3.0);
  EXPECT_EQ(t.nan_count, 4);
  EXPECT_EQ(t.samples, 4);
}

TEST(HistogramPair, RangesComeFromPassOneAndNonFiniteValuesAreSkipped) {
  TensorStatistics pass1;
  pass1.min = -1.0f;
  pass1.max = 4.0f;
  HistogramPair h(pass1, 5, /*symmetric=*/false);
  EXPECT_EQ(h.abs().lo(), 0.0);
  EXPECT_EQ(h.abs().hi(), 4.0);
  EXPECT_EQ(h.signed_values().lo(), -1.0);
  std::vector<float> v = {-1.0f, 0.5f, kNaN, 4.0f, kInf};
  EXPECT_EQ(h.add_sample(v.data(), 5, 1.0), 2.0 + 0.5 + 3.0);
  EXPECT_EQ(h.abs().total(), 3);
  EXPECT_EQ(h.signed_values().count(0), 1);  // -1 in [-1, 0)
  EXPECT_EQ(h.signed_values().count(1), 1);  // 0.5 in [0, 1)
  EXPECT_EQ(h.signed_values().count(4), 1);  // 4 = hi
  HistogramPair sym(pass1, 4, /*symmetric=*/true);
  EXPECT_EQ(sym.signed_values().lo(), -4.0);
}

// Values taken as one sample: the same statistics the driver would give an activation seen once.
TEST(StatisticsOfValues, MatchesOneSampleThroughTheAccumulatorAndHistograms) {
  const std::vector<float> v = {0.0f, -1.0f, 0.5f, 2.0f, 0.0f};
  StatisticsOptions o;
  o.bins = 4;
  TensorStatistics s = statistics_of_values("w", v.data(), 5, o);
  EXPECT_EQ(s.name, "w");
  EXPECT_EQ(s.samples, 1);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.zero_count, 2);
  EXPECT_EQ(s.min, -1.0f);
  EXPECT_EQ(s.max, 2.0f);
  EXPECT_DOUBLE_EQ(s.mean(), 0.3);
  EXPECT_DOUBLE_EQ(s.sum_abs_deviation, 0.3 + 1.3 + 0.2 + 1.7 + 0.3);
  ASSERT_EQ(s.abs_histogram.num_bins(), 4);  // |x| over [0, 2]: {0, 0} {0.5} {1} {2}
  EXPECT_EQ(s.abs_histogram.count(0), 2);
  EXPECT_EQ(s.abs_histogram.count(1), 1);
  EXPECT_EQ(s.abs_histogram.count(2), 1);
  EXPECT_EQ(s.abs_histogram.count(3), 1);
  o.histograms = false;
  EXPECT_FALSE(statistics_of_values("w", v.data(), 5, o).has_histograms());
}

}  // namespace
}  // namespace qexp::calib

// percentile: thresholds land on exact bin edges of the histogram; option errors are exact.

#include <gtest/gtest.h>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_percentile(void);

namespace qexp::calib {
namespace {

using testing::make_calibrator;
using testing::range_of;

// |x| histogram over [0, 10], bin width 1; cumulative counts 50, 80, 90, 95, 98, 99, 100.
TensorStatistics ten_bins() {
  return testing::stats_from_abs_counts({50, 30, 10, 5, 3, 1, 1, 0, 0, 0}, 10.0);
}

TEST(PercentileCalibrator, AbsThresholdIsTheUpperEdgeOfTheBinReachingP) {
  EXPECT_EQ(
      range_of(*make_calibrator(qexp_plugin_entry_percentile, {{"percentile", "90"}}), ten_bins()),
      (Range{0.0f, 3.0f}));
  EXPECT_EQ(
      range_of(*make_calibrator(qexp_plugin_entry_percentile, {{"percentile", "99"}}), ten_bins()),
      (Range{0.0f, 6.0f}));
}

TEST(PercentileCalibrator, CumulativeCountExactlyAtPStopsAtThatBin) {
  // 80 % is reached exactly at the end of bin 1: T = 2, not 3.
  EXPECT_EQ(
      range_of(*make_calibrator(qexp_plugin_entry_percentile, {{"percentile", "80"}}), ten_bins()),
      (Range{0.0f, 2.0f}));
}

TEST(PercentileCalibrator, HundredPercentIsTheLastNonEmptyBin) {
  EXPECT_EQ(
      range_of(*make_calibrator(qexp_plugin_entry_percentile, {{"percentile", "100"}}), ten_bins()),
      (Range{0.0f, 7.0f}));
}

TEST(PercentileCalibrator, AbsThresholdClipsBothSidesOfASignedTensor) {
  // Values -20 .. 79: |x| up to 79; 99.99 % of 100 values keeps all, so T = absmax.
  std::vector<float> v;
  for (int i = -20; i < 80; ++i) v.push_back(static_cast<float>(i));
  TensorStatistics s = testing::stats_from_values(v, 2048);
  Range r = range_of(*make_calibrator(qexp_plugin_entry_percentile), s);
  EXPECT_EQ(r, (Range{-20.0f, 79.0f}));
  // 50 %: |x| sorted is 0, 1, 1, …, 20, 20 (41 values), 21, …, 79; the 50th is 29, so T is
  // the upper edge of the bin holding 29 (width 79/2048) and the negative side stays -20.
  r = range_of(*make_calibrator(qexp_plugin_entry_percentile, {{"percentile", "50"}}), s);
  EXPECT_EQ(r.min, -20.0f);
  const int bin29 = s.abs_histogram.bin_index(29.0);
  EXPECT_EQ(r.max, static_cast<float>(s.abs_histogram.bin_upper(bin29)));
  EXPECT_GT(r.max, 29.0f);
}

TEST(PercentileCalibrator, SignedHistogramCutsHalfTheRestOffEachTail) {
  // 100 values -49.5 .. 49.5 step 1 in 10 bins of width 9.9, ten values per bin. p = 80 cuts
  // 10 % per tail: the lower bound is bin 1's lower edge, the upper bound bin 8's upper edge.
  std::vector<float> v;
  for (int k = 0; k < 100; ++k) v.push_back(-49.5f + static_cast<float>(k));
  TensorStatistics s = testing::stats_from_values(v, 10);
  for (int b = 0; b < 10; ++b) ASSERT_EQ(s.signed_histogram.count(b), 10) << "bin " << b;
  Range r = range_of(*make_calibrator(qexp_plugin_entry_percentile,
                                      {{"percentile", "80"}, {"histogram", "signed"}}),
                     s);
  EXPECT_EQ(r.min, static_cast<float>(s.signed_histogram.bin_lower(1)));
  EXPECT_EQ(r.max, static_cast<float>(s.signed_histogram.bin_upper(8)));
}

TEST(PercentileCalibrator, DefaultIs9999OnTheAbsHistogram) {
  auto c = make_calibrator(qexp_plugin_entry_percentile);
  EXPECT_EQ(c->resolved_options().at("percentile"), "99.99");
  EXPECT_EQ(c->resolved_options().at("histogram"), "abs");
}

TEST(PercentileCalibrator, OptionErrorsNameTheOptionValueAndRange) {
  using testing::option_error;
  EXPECT_EQ(option_error(qexp_plugin_entry_percentile, {{"percentile", "101"}}),
            "calibrator 'percentile': percentile: 101 is outside [0, 100]");
  EXPECT_EQ(option_error(qexp_plugin_entry_percentile, {{"percentile", "-0.5"}}),
            "calibrator 'percentile': percentile: -0.5 is outside [0, 100]");
  EXPECT_EQ(option_error(qexp_plugin_entry_percentile, {{"percentile", "high"}}),
            "calibrator 'percentile': percentile: 'high' is not a number");
  EXPECT_EQ(option_error(qexp_plugin_entry_percentile, {{"histogram", "sign"}}),
            "calibrator 'percentile': histogram: 'sign' is not one of abs, signed "
            "(did you mean 'signed'?)");
  EXPECT_EQ(option_error(qexp_plugin_entry_percentile, {{"percentil", "99"}}),
            "calibrator 'percentile': unknown option 'percentil' (did you mean 'percentile'?); "
            "valid options: histogram, percentile");
}

TEST(PercentileCalibrator, WithoutHistogramsIsAnErrorNamingPluginAndTensor) {
  TensorStatistics s;
  s.name = "conv1";
  s.count = 3;
  auto r = make_calibrator(qexp_plugin_entry_percentile)->range(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "calibrator 'percentile' on tensor 'conv1': needs histograms (the driver's second "
            "pass), but none were collected");
}

}  // namespace
}  // namespace qexp::calib

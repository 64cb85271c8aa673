// kl: TensorRT entropy calibration on hand-built |x| histograms.

#include <gtest/gtest.h>

#include <vector>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_kl(void);

namespace qexp::calib {
namespace {

using testing::make_calibrator;
using testing::range_of;
using testing::stats_from_abs_counts;

// 2048 bins of width 1; the mass is uniform over the first 256 bins. For i = 256 the 128
// levels are pairs of equal bins, so Q == P and KL = 0; every i < 256 folds a tail into bin
// i-1 and has KL > 0; larger i tie at 0 and the first minimum wins: T = 256.5.
TEST(KlCalibrator, UniformMassOver256BinsGivesThreshold256Point5) {
  std::vector<int64_t> counts(2048, 0);
  for (int k = 0; k < 256; ++k) counts[static_cast<size_t>(k)] = 100;
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl), stats_from_abs_counts(counts, 2048)),
            (Range{0.0f, 256.5f}));
}

// 8 bins, start_bin 4, 2 levels, counts 8 4 2 1 1 0 1 1. By hand (natural log):
//   i=4: P = 8 4 2 4 /18, Q = 6 6 | 1.5 1.5 /15        -> 0.10536
//   i=5: P = 8 4 2 1 3 /18, Q = 6 6 | 4/3 4/3 4/3 /16  -> 0.08420
//   i=6: P[5] = 0 + tail 2 > 0 but bin 5 is empty, Q[5] = 0 -> infinite
//   i=7: P = 8 4 2 1 1 0 2 /18, Q = 6 6 6 | 1 1 0 1 /16 -> 0.13101
// so i = 5 and T = 5.5 bin widths.
TEST(KlCalibrator, SmallHistogramMatchesHandComputedDivergences) {
  auto c = make_calibrator(qexp_plugin_entry_kl, {{"start_bin", "4"}, {"levels", "2"}});
  EXPECT_EQ(range_of(*c, stats_from_abs_counts({8, 4, 2, 1, 1, 0, 1, 1}, 8.0)),
            (Range{0.0f, 5.5f}));
  // Same shape, width 0.5: the threshold scales with the bin width.
  EXPECT_EQ(range_of(*c, stats_from_abs_counts({8, 4, 2, 1, 1, 0, 1, 1}, 4.0)),
            (Range{0.0f, 2.75f}));
}

TEST(KlCalibrator, SkipZerosRemovesExactZerosFromBinZero) {
  // With 1000 exact zeros in bin 0 the distribution is dominated by them; skipping them gives
  // the 8 4 2 1 1 0 1 1 case back.
  TensorStatistics s = stats_from_abs_counts({1008, 4, 2, 1, 1, 0, 1, 1}, 8.0);
  s.zero_count = 1000;
  auto c = make_calibrator(qexp_plugin_entry_kl,
                           {{"start_bin", "4"}, {"levels", "2"}, {"skip_zeros", "true"}});
  EXPECT_EQ(range_of(*c, s), (Range{0.0f, 5.5f}));
}

TEST(KlCalibrator, ThresholdIsAppliedToBothSidesOfASignedTensor) {
  std::vector<int64_t> counts(2048, 0);
  for (int k = 0; k < 256; ++k) counts[static_cast<size_t>(k)] = 100;
  TensorStatistics s = stats_from_abs_counts(counts, 2048);
  s.min = -1000.0f;
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl), s), (Range{-256.5f, 256.5f}));
  s.min = -10.0f;  // a smaller negative side is kept as observed
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl), s), (Range{-10.0f, 256.5f}));
}

TEST(KlCalibrator, AllZeroTensorGivesZeroRange) {
  TensorStatistics s = stats_from_abs_counts(std::vector<int64_t>(2048, 0), 0.0);
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl), s), (Range{0.0f, 0.0f}));
}

TEST(KlCalibrator, TooFewBinsAndBadOptionsAreErrors) {
  auto r = make_calibrator(qexp_plugin_entry_kl)->range(stats_from_abs_counts({1, 2, 3}, 3.0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "calibrator 'kl' on tensor 't': needs at least 129 histogram bins, the statistics "
            "have 3");
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_kl, {{"levels", "256"}}),
            "calibrator 'kl': levels: 256 is greater than start_bin 128; every level needs at "
            "least one bin");
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_kl, {{"start_bin", "1.5"}}),
            "calibrator 'kl': start_bin: '1.5' is not an integer");
}

}  // namespace
}  // namespace qexp::calib

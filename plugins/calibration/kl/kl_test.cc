// kl: TensorRT entropy calibration on hand-built |x| histograms.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
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

// 8 bins, start_bin 4, 2 levels, counts 8 4 2 1 1 0 1 1, TensorRT's merge (⌊i/2⌋ bins per
// level, the remainder in the last). By hand (natural log):
//   i=4: P = 8 4 2 4 /18, Q = 6 6 | 1.5 1.5 /15        -> 0.10536
//   i=5: P = 8 4 2 1 3 /18, Q = 6 6 | 4/3 4/3 4/3 /16  -> 0.08420
//   i=6: P[5] = 0 + tail 2 > 0 but bin 5 is empty, Q[5] = 0 -> infinite
//   i=7: P = 8 4 2 1 1 0 2 /18, Q = 6 6 6 | 1 1 0 1 /16 -> 0.13101
// so i = 5 and T = 5.5 bin widths.
TEST(KlCalibrator, RemainderMergeMatchesHandComputedDivergences) {
  auto c = make_calibrator(qexp_plugin_entry_kl,
                           {{"start_bin", "4"}, {"levels", "2"}, {"merge", "remainder"}});
  EXPECT_EQ(range_of(*c, stats_from_abs_counts({8, 4, 2, 1, 1, 0, 1, 1}, 8.0)),
            (Range{0.0f, 5.5f}));
  // Same shape, width 0.5: the threshold scales with the bin width.
  EXPECT_EQ(range_of(*c, stats_from_abs_counts({8, 4, 2, 1, 1, 0, 1, 1}, 4.0)),
            (Range{0.0f, 2.75f}));
}

// The same histogram with the equal-width merge (bin k in level ⌊2k/i⌋):
//   i=4: levels {0,1} {2,3}: as above                    -> 0.10536
//   i=5: levels {0,1,2} {3,4}: Q = 14/3 ×3 | 1 1 /16     -> 0.17647
//   i=6: infinite (as above)
//   i=7: levels {0..3} {4,5,6}: Q = 3.75 ×4 | 1 0 1 /17  -> 0.22767
// so i = 4 and T = 4.5.
TEST(KlCalibrator, UniformMergeMatchesHandComputedDivergences) {
  auto c = make_calibrator(qexp_plugin_entry_kl,
                           {{"start_bin", "4"}, {"levels", "2"}, {"merge", "uniform"}});
  EXPECT_EQ(range_of(*c, stats_from_abs_counts({8, 4, 2, 1, 1, 0, 1, 1}, 8.0)),
            (Range{0.0f, 4.5f}));
}

TEST(KlCalibrator, SkipZerosRemovesExactZerosFromBinZeroByDefault) {
  // With 1000 exact zeros in bin 0 the distribution is dominated by them; skipping them (the
  // default) gives the 8 4 2 1 1 0 1 1 case back, with either merge.
  TensorStatistics s = stats_from_abs_counts({1008, 4, 2, 1, 1, 0, 1, 1}, 8.0);
  s.zero_count = 1000;
  EXPECT_EQ(
      range_of(*make_calibrator(qexp_plugin_entry_kl, {{"start_bin", "4"}, {"levels", "2"}}), s),
      (Range{0.0f, 5.5f}));
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl,
                                      {{"start_bin", "4"}, {"levels", "2"}, {"merge", "uniform"}}),
                     s),
            (Range{0.0f, 4.5f}));
}

// A ReLU-like tensor: 2048 bins, counts round(1000 · e^(-k/300)) plus 200 000 exact zeros. The
// zeros quantize exactly, so the default ignores them and keeps the whole range (T = 2047.5,
// the same as without zeros). The pseudocode with the zeros kept lands on i = 895 = 7 · 128 - 1,
// the failure that collapsed the demo model: a zero spike in bin 0 makes a level 0 of k bins
// cost ≈ p0 · ln k, and the candidates 128k - 1 have the narrowest levels (⌊i/128⌋ = k - 1
// bins). Equal-width levels are pulled down too (1024.5). (Values from a direct Python
// transcription of the algorithm.)
TEST(KlCalibrator, ExactZerosOfAReluTensorDoNotPullTheThresholdDown) {
  std::vector<int64_t> counts(2048);
  for (int k = 0; k < 2048; ++k) {
    counts[static_cast<size_t>(k)] = std::llround(1000.0 * std::exp(-k / 300.0));
  }
  const TensorStatistics no_zeros = stats_from_abs_counts(counts, 2048);
  counts[0] += 200000;
  TensorStatistics s = stats_from_abs_counts(counts, 2048);
  s.zero_count = 200000;
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl), s), (Range{0.0f, 2047.5f}));
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl), no_zeros), (Range{0.0f, 2047.5f}));
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl, {{"skip_zeros", "false"}}), s),
            (Range{0.0f, 895.5f}));
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_kl,
                                      {{"skip_zeros", "false"}, {"merge", "uniform"}}),
                     s),
            (Range{0.0f, 1024.5f}));
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
  EXPECT_NE(testing::option_error(qexp_plugin_entry_kl, {{"merge", "even"}}).find("merge"),
            std::string::npos);
}

}  // namespace
}  // namespace qexp::calib

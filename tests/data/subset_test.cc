#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "framework/data/dataset.h"

namespace qexp::data {
namespace {

// Reference outputs of Vigna's splitmix64.c.
TEST(SplitMix64, MatchesTheReferenceSequence) {
  SplitMix64 rng(1234567);
  EXPECT_EQ(rng.next(), 6457827717110365317ULL);
  EXPECT_EQ(rng.next(), 3203168211198807973ULL);
  EXPECT_EQ(rng.next(), 9817491932198370423ULL);
  EXPECT_EQ(SplitMix64(0).next(), 0xe220a8397b1dcdafULL);
}

// Goldens from an independent Python transcription of the documented algorithm (partial
// Fisher–Yates with splitmix64 and rejection sampling, then sorted): the same on every platform.
TEST(Subset, SelectIsPinnedToGoldenIndices) {
  EXPECT_EQ(Dataset::select_indices(100, 42, 5), (std::vector<int64_t>{2, 9, 13, 83, 86}));
  EXPECT_EQ(Dataset::select_indices(60000, 7, 8),
            (std::vector<int64_t>{14487, 18338, 20236, 20720, 22122, 27240, 45313, 46311}));
}

TEST(Subset, SameSeedSameIndicesDifferentSeedDifferentIndices) {
  const auto a = Dataset::select_indices(10000, 1, 100);
  EXPECT_EQ(a, Dataset::select_indices(10000, 1, 100));
  EXPECT_NE(a, Dataset::select_indices(10000, 2, 100));
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::set<int64_t>(a.begin(), a.end()).size(), 100u);
  EXPECT_GE(a.front(), 0);
  EXPECT_LT(a.back(), 10000);
}

TEST(Subset, SmallerSelectionIsContainedInALargerOneWithTheSameSeed) {
  const auto small = Dataset::select_indices(5000, 99, 50);
  const auto large = Dataset::select_indices(5000, 99, 500);
  EXPECT_TRUE(std::includes(large.begin(), large.end(), small.begin(), small.end()));
}

TEST(Subset, CountAtLeastSizeSelectsEverythingAndZeroSelectsNothing) {
  EXPECT_EQ(Dataset::select_indices(4, 3, 10), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_TRUE(Dataset::select_indices(4, 3, 0).empty());
  EXPECT_TRUE(Dataset::select_indices(0, 3, 5).empty());
}

TEST(Subset, BelowIsUniformEnoughAndInRange) {
  SplitMix64 rng(5);
  std::vector<int> counts(3);
  for (int i = 0; i < 30000; ++i) ++counts[rng.below(3)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

}  // namespace
}  // namespace qexp::data

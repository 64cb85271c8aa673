// Histogram: the bin formula, edges, and exact merging.

#include "framework/calibration/plugin_api/histogram.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace qexp::calib {
namespace {

TEST(Histogram, BinIndexIsFloorOfScaledOffsetClampedToTheLastBin) {
  Histogram h(0.0, 8.0, 4);  // width 2
  EXPECT_EQ(h.bin_width(), 2.0);
  EXPECT_EQ(h.bin_index(0.0), 0);
  EXPECT_EQ(h.bin_index(1.999), 0);
  EXPECT_EQ(h.bin_index(2.0), 1);
  EXPECT_EQ(h.bin_index(7.5), 3);
  EXPECT_EQ(h.bin_index(8.0), 3);  // hi lands in the last bin
  EXPECT_EQ(h.bin_index(-1.0), 0);
  EXPECT_EQ(h.bin_index(100.0), 3);
}

TEST(Histogram, EdgesAndCenters) {
  Histogram h(-1.0, 3.0, 4);
  EXPECT_EQ(h.bin_lower(0), -1.0);
  EXPECT_EQ(h.bin_upper(0), 0.0);
  EXPECT_EQ(h.bin_center(1), 0.5);
  EXPECT_EQ(h.bin_upper(3), 3.0);  // exactly hi
}

TEST(Histogram, ZeroWidthRangePutsEverythingInBinZero) {
  Histogram h(2.0, 2.0, 16);
  h.add(2.0);
  h.add(2.0);
  EXPECT_EQ(h.count(0), 2);
  EXPECT_EQ(h.total(), 2);
}

TEST(Histogram, MergingHalvesEqualsOneHistogramOfAllValues) {
  std::mt19937 rng(1);
  std::normal_distribution<double> d(0.0, 2.0);
  std::vector<double> values(5000);
  for (double& v : values) v = d(rng);
  Histogram all(-8.0, 8.0, 2048), a(-8.0, 8.0, 2048), b(-8.0, 8.0, 2048);
  for (size_t i = 0; i < values.size(); ++i) {
    all.add(values[i]);
    (i % 3 == 0 ? a : b).add(values[i]);
  }
  Histogram ab = a, ba = b;
  ASSERT_TRUE(ab.merge(b).ok());
  ASSERT_TRUE(ba.merge(a).ok());
  EXPECT_EQ(ab, all);
  EXPECT_EQ(ba, all);
  EXPECT_EQ(all.total(), 5000);
}

TEST(Histogram, MergeIntoEmptyCopiesAndMismatchedRangesAreAnError) {
  Histogram h(0.0, 1.0, 4);
  h.add(0.3);
  Histogram empty;
  ASSERT_TRUE(empty.merge(h).ok());
  EXPECT_EQ(empty, h);
  Status s = h.merge(Histogram(0.0, 2.0, 4));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "cannot merge histograms with different ranges: 4 bins over [0, 1] and 4 bins over "
            "[0, 2]");
}

}  // namespace
}  // namespace qexp::calib

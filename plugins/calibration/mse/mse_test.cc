// mse: the chosen threshold is the brute-force minimizer of the squared error over bin centers.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_mse(void);

namespace qexp::calib {
namespace {

using testing::make_calibrator;
using testing::range_of;

// Brute force: every counted value is placed at its bin center, fake-quantized one by one.
double brute_force_threshold(const Histogram& h, int start_bin, double levels) {
  std::vector<double> values;
  for (int k = 0; k < h.num_bins(); ++k) {
    for (int64_t j = 0; j < h.count(k); ++j) values.push_back(h.bin_center(k));
  }
  double best = std::numeric_limits<double>::infinity(), best_t = 0.0;
  for (int i = start_bin; i <= h.num_bins(); ++i) {
    const double t = h.bin_center(i - 1);
    double err = 0.0;
    for (double v : values) {
      double q = std::nearbyint(v / t * levels);
      q = std::min(q, levels) * t / levels;
      err += (q - v) * (q - v);
    }
    if (err < best) {
      best = err;
      best_t = t;
    }
  }
  return best_t;
}

std::vector<float> laplace_values(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> e(1.0f);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v;
  for (int i = 0; i < n; ++i) v.push_back(sign(rng) ? e(rng) : -e(rng));
  return v;
}

TEST(MseCalibrator, MatchesBruteForceOnASignedLaplaceSample) {
  TensorStatistics s = testing::stats_from_values(laplace_values(3000, 7), 256);
  auto c = make_calibrator(qexp_plugin_entry_mse, {{"start_bin", "16"}});
  const float t = static_cast<float>(brute_force_threshold(s.abs_histogram, 16, 127.0));
  EXPECT_EQ(range_of(*c, s), (Range{std::max(s.min, -t), std::min(s.max, t)}));
  EXPECT_LT(t, s.absmax());  // heavy tails get clipped
}

TEST(MseCalibrator, UsesTheUnsignedGridForNonNegativeTensors) {
  std::vector<float> v = laplace_values(3000, 11);
  for (float& x : v) x = std::fabs(x);
  TensorStatistics s = testing::stats_from_values(v, 256);
  auto c = make_calibrator(qexp_plugin_entry_mse, {{"start_bin", "16"}});
  const float t = static_cast<float>(brute_force_threshold(s.abs_histogram, 16, 255.0));
  EXPECT_EQ(range_of(*c, s), (Range{0.0f, t}));
  auto signed_grid =
      make_calibrator(qexp_plugin_entry_mse, {{"start_bin", "16"}, {"grid", "signed"}});
  const float t_signed = static_cast<float>(brute_force_threshold(s.abs_histogram, 16, 127.0));
  EXPECT_EQ(range_of(*signed_grid, s), (Range{0.0f, t_signed}));
}

TEST(MseCalibrator, LowBitWidthClipsHarder) {
  TensorStatistics s = testing::stats_from_values(laplace_values(3000, 3), 256);
  auto eight = make_calibrator(qexp_plugin_entry_mse, {{"start_bin", "1"}});
  auto four = make_calibrator(qexp_plugin_entry_mse, {{"start_bin", "1"}, {"num_bits", "4"}});
  EXPECT_LT(range_of(*four, s).max, range_of(*eight, s).max);
  const float t4 = static_cast<float>(brute_force_threshold(s.abs_histogram, 1, 7.0));
  EXPECT_EQ(range_of(*four, s).max, std::min(s.max, t4));
}

TEST(MseCalibrator, OptionErrors) {
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_mse, {{"num_bits", "1"}}),
            "calibrator 'mse': num_bits: 1 is outside [2, 16]");
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_mse, {{"stride", "0"}}),
            "calibrator 'mse': stride: 0 is outside [1, 65536]");
}

}  // namespace
}  // namespace qexp::calib

// aciq: Banner et al.'s optimal clipping values for Gaussian and Laplace priors.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_aciq(void);

namespace qexp::calib {
namespace {

using testing::make_calibrator;
using testing::range_of;

const std::map<std::string, std::string> kGaussian = {{"distribution", "gaussian"}};

// Mean `mean`, σ = 1 and b = 1 around it, observed range [-100, 100], histograms present.
TensorStatistics unit_stats(double mean) {
  TensorStatistics s = testing::stats_from_abs_counts({1}, 100.0);
  s.min = -100.0f;
  s.max = 100.0f;
  s.count = 1000;
  s.sum = 1000.0 * mean;
  s.sum_squares = 1000.0 * (1.0 + mean * mean);
  s.sum_abs_deviation = 1000.0;
  return s;
}

TEST(AciqCalibrator, GaussianEightBitsClipsAt392Sigma) {
  Range r = range_of(*make_calibrator(qexp_plugin_entry_aciq, kGaussian), unit_stats(0.0));
  EXPECT_NEAR(r.max, 3.92, 0.01);
  EXPECT_NEAR(r.min, -3.92, 0.01);
}

TEST(AciqCalibrator, LaplaceEightBitsClipsAt989B) {
  Range r = range_of(*make_calibrator(qexp_plugin_entry_aciq, {{"distribution", "laplace"}}),
                     unit_stats(0.0));
  EXPECT_NEAR(r.max, 9.89, 0.01);
}

// Laplace is the default (README.md: on the demo model Gaussian clips the ReLU6 outputs to ~3
// and loses 4.4 points, Laplace loses nothing).
TEST(AciqCalibrator, DefaultPriorIsLaplace) {
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_aciq), unit_stats(0.0)),
            range_of(*make_calibrator(qexp_plugin_entry_aciq, {{"distribution", "laplace"}}),
                     unit_stats(0.0)));
  EXPECT_EQ(make_calibrator(qexp_plugin_entry_aciq)->resolved_options().at("distribution"),
            "laplace");
}

// Banner et al., Table: 4 bits — Gaussian 2.55 σ, Laplace 5.03 b; 2 bits — 1.71 σ, 2.83 b.
TEST(AciqCalibrator, LowerBitWidthsMatchThePublishedTable) {
  EXPECT_NEAR(range_of(*make_calibrator(qexp_plugin_entry_aciq,
                                        {{"num_bits", "4"}, {"distribution", "gaussian"}}),
                       unit_stats(0.0))
                  .max,
              2.55, 0.01);
  EXPECT_NEAR(range_of(*make_calibrator(qexp_plugin_entry_aciq,
                                        {{"num_bits", "4"}, {"distribution", "laplace"}}),
                       unit_stats(0.0))
                  .max,
              5.03, 0.01);
  EXPECT_NEAR(range_of(*make_calibrator(qexp_plugin_entry_aciq,
                                        {{"num_bits", "2"}, {"distribution", "gaussian"}}),
                       unit_stats(0.0))
                  .max,
              1.71, 0.01);
  EXPECT_NEAR(range_of(*make_calibrator(qexp_plugin_entry_aciq,
                                        {{"num_bits", "2"}, {"distribution", "laplace"}}),
                       unit_stats(0.0))
                  .max,
              2.83, 0.01);
}

TEST(AciqCalibrator, ClipIsCenteredOnTheMeanAndWidenedToZero) {
  Range r = range_of(*make_calibrator(qexp_plugin_entry_aciq, kGaussian), unit_stats(5.0));
  EXPECT_EQ(r.min, 0.0f);  // 5 - 3.92 > 0, widened to contain 0
  EXPECT_NEAR(r.max, 8.92, 0.01);
}

TEST(AciqCalibrator, ClipNeverExceedsTheObservedRange) {
  TensorStatistics s = unit_stats(0.0);
  s.min = -2.0f;
  s.max = 3.0f;
  EXPECT_EQ(range_of(*make_calibrator(qexp_plugin_entry_aciq, kGaussian), s), (Range{-2.0f, 3.0f}));
}

TEST(AciqCalibrator, LaplaceNeedsTheHistogramPass) {
  TensorStatistics s = unit_stats(0.0);
  s.abs_histogram = Histogram();
  s.signed_histogram = Histogram();
  EXPECT_TRUE(make_calibrator(qexp_plugin_entry_aciq, kGaussian)->range(s).ok());
  EXPECT_FALSE(make_calibrator(qexp_plugin_entry_aciq)->range(s).ok());
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_aciq, {{"distribution", "gausian"}}),
            "calibrator 'aciq': distribution: 'gausian' is not one of gaussian, laplace (did you "
            "mean 'gaussian'?)");
}

}  // namespace
}  // namespace qexp::calib

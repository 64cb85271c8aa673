// sigma: [μ − kσ, μ + kσ] within [min, max], widened to contain 0.

#include <gtest/gtest.h>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_sigma(void);

namespace qexp::calib {
namespace {

using testing::make_calibrator;
using testing::range_of;
using testing::stats_from_values;

// {-1, -1, 3, 3}: μ = 1, σ = 2.
const std::vector<float> kValues = {-1.0f, -1.0f, 3.0f, 3.0f};

TEST(SigmaCalibrator, ClipsAtKStandardDeviationsAroundTheMean) {
  auto c = make_calibrator(qexp_plugin_entry_sigma, {{"k", "0.5"}});
  EXPECT_EQ(range_of(*c, stats_from_values(kValues)), (Range{0.0f, 2.0f}));
}

TEST(SigmaCalibrator, NeverWidensBeyondTheObservedRange) {
  auto c = make_calibrator(qexp_plugin_entry_sigma);  // k = 3: [-5, 7]
  EXPECT_EQ(range_of(*c, stats_from_values(kValues)), (Range{-1.0f, 3.0f}));
}

TEST(SigmaCalibrator, WidensToContainZero) {
  auto c = make_calibrator(qexp_plugin_entry_sigma, {{"k", "0.25"}});  // [0.5, 1.5]
  EXPECT_EQ(range_of(*c, stats_from_values(kValues)), (Range{0.0f, 1.5f}));
}

TEST(SigmaCalibrator, EmptyStatisticsGiveTheZeroRange) {
  auto c = make_calibrator(qexp_plugin_entry_sigma);
  EXPECT_EQ(range_of(*c, stats_from_values({})), (Range{0.0f, 0.0f}));
}

TEST(SigmaCalibrator, RejectsANegativeK) {
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_sigma, {{"k", "-1"}}),
            "calibrator 'sigma': k: -1 is outside [0, 1000]");
}

}  // namespace
}  // namespace qexp::calib

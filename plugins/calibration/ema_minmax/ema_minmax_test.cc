// ema_minmax: the range is the statistics' per-sample moving average of min / max.

#include <gtest/gtest.h>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_ema_minmax(void);

namespace qexp::calib {
namespace {

TEST(EmaMinMaxCalibrator, ReturnsTheMovingAverageNotTheExtremes) {
  auto c = testing::make_calibrator(qexp_plugin_entry_ema_minmax);
  TensorStatistics s = testing::stats_from_values({-10.0f, 10.0f});
  // Two samples with (min, max) = (-2, 4) then (-10, 10), c = 0.5: ema = (-6, 7).
  s.ema_constant = 0.5;
  s.ema_min = -2.0 + 0.5 * (-10.0 - -2.0);
  s.ema_max = 4.0 + 0.5 * (10.0 - 4.0);
  EXPECT_EQ(testing::range_of(*c, s), (Range{-6.0f, 7.0f}));
}

TEST(EmaMinMaxCalibrator, WidensToContainZero) {
  auto c = testing::make_calibrator(qexp_plugin_entry_ema_minmax);
  TensorStatistics s = testing::stats_from_values({1.0f, 3.0f});
  s.ema_min = 1.5;
  s.ema_max = 2.5;
  EXPECT_EQ(testing::range_of(*c, s), (Range{0.0f, 2.5f}));
}

}  // namespace
}  // namespace qexp::calib

// minmax: the range is the observed [min, max], widened to contain 0.

#include <gtest/gtest.h>

#include "tests/calibration/calibrator_test_util.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_minmax(void);

namespace qexp::calib {
namespace {

using testing::make_calibrator;
using testing::range_of;
using testing::stats_from_values;

TEST(MinMaxCalibrator, ReturnsObservedMinAndMax) {
  auto c = make_calibrator(qexp_plugin_entry_minmax);
  EXPECT_EQ(range_of(*c, stats_from_values({-1.5f, 0.25f, 3.0f})), (Range{-1.5f, 3.0f}));
}

TEST(MinMaxCalibrator, WidensAOneSidedRangeToContainZero) {
  auto c = make_calibrator(qexp_plugin_entry_minmax);
  EXPECT_EQ(range_of(*c, stats_from_values({2.0f, 5.0f})), (Range{0.0f, 5.0f}));
  EXPECT_EQ(range_of(*c, stats_from_values({-4.0f, -1.0f})), (Range{-4.0f, 0.0f}));
}

TEST(MinMaxCalibrator, TakesNoOptions) {
  EXPECT_EQ(testing::option_error(qexp_plugin_entry_minmax, {{"x", "1"}}),
            "calibrator 'minmax': unknown option 'x'; this takes no options");
}

}  // namespace
}  // namespace qexp::calib

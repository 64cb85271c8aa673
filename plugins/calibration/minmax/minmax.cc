// minmax: the global min / max over all calibration data (TFLite's own calibrator).

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

class MinMaxCalibrator final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> schema;
    return schema;
  }
  Result<Range> compute(const TensorStatistics& stats,
                        const NoCalibratorOptions& /*options*/) const override {
    return range_containing_zero(stats.min, stats.max);
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(minmax, qexp::calib::MinMaxCalibrator, "1.0.0",
                         "Global min / max over all calibration data (TFLite's calibrator)")

// ema_minmax: exponential moving average of the per-sample min / max (ONNX Runtime's
// moving_average option, PyTorch's MovingAverageMinMaxObserver, MNN's EMA).

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

class EmaMinMaxCalibrator final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> schema;
    return schema;
  }
  Result<Range> compute(const TensorStatistics& stats,
                        const NoCalibratorOptions& /*options*/) const override {
    // The averaging constant is a statistics option (ema_constant), fixed while collecting.
    return range_containing_zero(stats.ema_min, stats.ema_max);
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(ema_minmax, qexp::calib::EmaMinMaxCalibrator, "1.0.0",
                         "Moving average (constant ema_constant, 0.01) of per-sample min / max")

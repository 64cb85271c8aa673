// A shared-library test plugin whose range computation returns an error.

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

class Fails final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> schema;
    return schema;
  }
  Result<Range> compute(const TensorStatistics&, const NoCalibratorOptions&) const override {
    return failed_precondition("statistics rejected by test_error");
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(test_error, qexp::calib::Fails, "0.1.0",
                         "Test plugin: returns an error from compute_range")

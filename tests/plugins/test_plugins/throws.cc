// A shared-library test plugin whose range computation throws.

#include <stdexcept>

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

class Throws final : public CalibratorWithOptions<NoCalibratorOptions> {
 protected:
  const OptionsSchema<NoCalibratorOptions>& schema() const override {
    static const OptionsSchema<NoCalibratorOptions> schema;
    return schema;
  }
  Result<Range> compute(const TensorStatistics&, const NoCalibratorOptions&) const override {
    throw std::runtime_error("deliberate failure in test_throws");
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(test_throws, qexp::calib::Throws, "0.1.0",
                         "Test plugin: throws from compute_range")

// A well-formed shared-library test plugin: the observed range scaled by an option.

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

struct ScaledOptions {
  double scale = 1.0;
};

class ScaledMinMax final : public CalibratorWithOptions<ScaledOptions> {
 protected:
  const OptionsSchema<ScaledOptions>& schema() const override {
    static const OptionsSchema<ScaledOptions> schema = OptionsSchema<ScaledOptions>().add_float(
        "scale", &ScaledOptions::scale, 0, 10, "multiplies the observed min and max");
    return schema;
  }
  Result<Range> compute(const TensorStatistics& s, const ScaledOptions& o) const override {
    return range_containing_zero(o.scale * s.min, o.scale * s.max);
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(test_good, qexp::calib::ScaledMinMax, "2.3.4",
                         "Test plugin: the observed range times a scale")

// sigma: clip at k standard deviations around the mean, [μ − kσ, μ + kσ] ∩ [min, max] — the
// "k-sigma rule" with k as an option (ACIQ's Gaussian prior chooses k from the bit width
// instead). Needs only the first pass: μ = Σx / n, σ² = Σx² / n − μ².

#include <algorithm>

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

struct SigmaOptions {
  double k = 3.0;
};

class SigmaCalibrator final : public CalibratorWithOptions<SigmaOptions> {
 protected:
  const OptionsSchema<SigmaOptions>& schema() const override {
    static const OptionsSchema<SigmaOptions> schema = OptionsSchema<SigmaOptions>().add_float(
        "k", &SigmaOptions::k, 0, 1000, "half-width of the range in standard deviations");
    return schema;
  }
  Result<Range> compute(const TensorStatistics& s, const SigmaOptions& o) const override {
    if (s.count == 0) return range_containing_zero(0.0, 0.0);
    const double half = o.k * s.stddev();
    const double lo = std::max(static_cast<double>(s.min), s.mean() - half);
    const double hi = std::min(static_cast<double>(s.max), s.mean() + half);
    return range_containing_zero(lo, hi);
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(sigma, qexp::calib::SigmaCalibrator, "1.0.0",
                         "Mean +- k standard deviations, within the observed range (k = 3)")

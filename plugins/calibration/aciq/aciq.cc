// aciq: analytical clipping (Banner, Nahshan, Soudry, "Post training 4-bit quantization of
// convolutional networks for rapid-deployment", arXiv 1810.05723). The values are modelled as
// a Gaussian N(μ, σ²) or a Laplace(μ, b) around their mean μ; the clip α minimizes the model's
// expected squared error with 2^M levels over [μ - α, μ + α]:
//   Laplace:  E(α) = 2 b² e^(-α/b) + α² / (3 · 4^M)                 (M = 8: α ≈ 9.89 b)
//   Gaussian: E(α) = (α² + σ²) (1 - erf(α / (σ√2))) - √(2/π) α σ e^(-α²/(2σ²))
//                    + α² / (3 · 4^M)                                  (M = 8: α ≈ 3.92 σ)
// σ is the population standard deviation, b the mean absolute deviation around the mean (the
// Laplace scale estimate about the mean; it needs the driver's second pass). α/scale is found
// by golden-section search on (0, 64]. Range = [μ - α, μ + α] ∩ [min, max], widened to hold 0.
// Laplace is the default: the half-rectified, zero-heavy ReLU6 outputs have heavier tails than a
// Gaussian with their σ, and the Gaussian clip (3.92 σ ≈ 3 on the demo model's ReLU6 tensors)
// cost 4.4 points of top-1 where Laplace (9.89 b ≈ 5) cost none (experiments/calibrators).

#include <algorithm>
#include <cmath>

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

struct AciqOptions {
  std::string distribution = "laplace";
  int num_bits = 8;
};

// Expected squared error for a unit scale (σ = 1 or b = 1) and clip a.
double unit_error(bool laplace, double a, int bits) {
  const double rounding = a * a / (3.0 * std::ldexp(1.0, 2 * bits));
  if (laplace) return 2.0 * std::exp(-a) + rounding;
  constexpr double kSqrt2OverPi = 0.7978845608028654;
  return (a * a + 1.0) * std::erfc(a / std::sqrt(2.0)) - kSqrt2OverPi * a * std::exp(-a * a / 2) +
         rounding;
}

// The clip a (in units of σ or b) minimizing unit_error; the error is unimodal in a.
double optimal_unit_clip(bool laplace, int bits) {
  constexpr double kInvPhi = 0.6180339887498949;
  double lo = 0.0, hi = 64.0;
  for (int iter = 0; iter < 200; ++iter) {
    const double a = hi - kInvPhi * (hi - lo);
    const double b = lo + kInvPhi * (hi - lo);
    if (unit_error(laplace, a, bits) <= unit_error(laplace, b, bits)) {
      hi = b;
    } else {
      lo = a;
    }
  }
  return (lo + hi) / 2;
}

class AciqCalibrator final : public CalibratorWithOptions<AciqOptions> {
 protected:
  const OptionsSchema<AciqOptions>& schema() const override {
    static const OptionsSchema<AciqOptions> schema =
        OptionsSchema<AciqOptions>()
            .add_enum("distribution", &AciqOptions::distribution, {"gaussian", "laplace"},
                      "prior fitted to the values (laplace needs the histogram pass)")
            .add_int("num_bits", &AciqOptions::num_bits, 2, 16, "bits M of the quantization grid");
    return schema;
  }

  Result<Range> compute(const TensorStatistics& stats, const AciqOptions& o) const override {
    const bool laplace = o.distribution == "laplace";
    if (laplace) QEXP_RETURN_IF_ERROR(require_histograms(stats));
    if (stats.count == 0) return range_containing_zero(0.0, 0.0);
    const double scale = laplace ? stats.mean_abs_deviation() : stats.stddev();
    const double alpha = optimal_unit_clip(laplace, o.num_bits) * scale;
    const double mean = stats.mean();
    const double lo = std::max(mean - alpha, static_cast<double>(stats.min));
    const double hi = std::min(mean + alpha, static_cast<double>(stats.max));
    return range_containing_zero(std::min(lo, hi), std::max(lo, hi));
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(aciq, qexp::calib::AciqCalibrator, "1.1.0",
                         "Analytical clip for a Gaussian (3.92 sigma at 8 bits) or Laplace prior")

// lp_norm: the clip threshold minimizing the L_p norm of the quantization error over the |x|
// histogram, the layer-wise initialization of LAPQ (Nahshan et al., "Loss Aware Post-training
// Quantization", arXiv 1911.07190). Every bin k stands for its center c_k with weight count_k;
// the candidates are the bin edges T_i = i · w (i = 1 … num_bins, so T = max|x| is one), and
//   E_p(T) = Σ_k count_k · |fq(c_k, T) − c_k|^p,
//   fq(c, T) = min(round(c · L / T), L) · T / L        (round half to even)
// with L = 2^(b−1) − 1 levels per side on a signed grid, 2^b − 1 on an unsigned grid (`grid:
// auto` picks unsigned when the tensor is never negative). The first minimum wins.
// p = 2 is the mean squared error; a larger p punishes the few large clipping errors more (the
// threshold grows towards max|x|), a smaller p favours the many small rounding errors.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "framework/calibration/plugin_api/calibrator.h"

namespace lp_norm {
namespace {

using qexp::Result;
using qexp::calib::CalibratorWithOptions;
using qexp::calib::Histogram;
using qexp::calib::OptionsSchema;
using qexp::calib::Range;
using qexp::calib::TensorStatistics;

struct LpNormOptions {
  double p = 3.0;
  int num_bits = 8;
  std::string grid = "auto";
};

// The occupied bins of a histogram: (center, count), so each candidate skips the empty ones.
struct Bin {
  double center;
  double count;
};

std::vector<Bin> occupied_bins(const Histogram& h) {
  std::vector<Bin> bins;
  for (int k = 0; k < h.num_bins(); ++k) {
    if (h.count(k) > 0) bins.push_back({h.bin_center(k), static_cast<double>(h.count(k))});
  }
  return bins;
}

double lp_error(const std::vector<Bin>& bins, double threshold, double levels, double p) {
  const double scale = levels / threshold;
  double error = 0.0;
  for (const Bin& b : bins) {
    const double q = std::min(std::nearbyint(b.center * scale), levels) / scale;
    error += b.count * std::pow(std::fabs(q - b.center), p);
  }
  return error;
}

class LpNormCalibrator final : public CalibratorWithOptions<LpNormOptions> {
 protected:
  const OptionsSchema<LpNormOptions>& schema() const override {
    static const OptionsSchema<LpNormOptions> schema =
        OptionsSchema<LpNormOptions>()
            .add_float("p", &LpNormOptions::p, 0.5, 16, "exponent of the error norm (2 = MSE)")
            .add_int("num_bits", &LpNormOptions::num_bits, 2, 16, "bits of the simulated grid")
            .add_enum("grid", &LpNormOptions::grid, {"auto", "signed", "unsigned"},
                      "levels: signed 2^(b-1)-1 per side, unsigned 2^b-1; auto: unsigned when "
                      "min >= 0");
    return schema;
  }

  Result<Range> compute(const TensorStatistics& stats, const LpNormOptions& o) const override {
    QEXP_RETURN_IF_ERROR(qexp::calib::require_histograms(stats));
    const Histogram& h = stats.abs_histogram;
    if (stats.count == 0 || h.hi() <= 0.0) return qexp::calib::range_containing_zero(0.0, 0.0);
    const bool is_unsigned = o.grid == "unsigned" || (o.grid == "auto" && stats.min >= 0.0f);
    const double levels =
        is_unsigned ? std::ldexp(1.0, o.num_bits) - 1.0 : std::ldexp(1.0, o.num_bits - 1) - 1.0;
    const std::vector<Bin> bins = occupied_bins(h);
    double best = std::numeric_limits<double>::infinity();
    double best_threshold = h.hi();
    for (int i = 1; i <= h.num_bins(); ++i) {
      const double threshold = h.bin_upper(i - 1);
      const double error = lp_error(bins, threshold, levels, o.p);
      if (error < best) {
        best = error;
        best_threshold = threshold;
      }
    }
    return qexp::calib::clip_to_threshold(stats, best_threshold);
  }
};

}  // namespace
}  // namespace lp_norm

QEXP_REGISTER_CALIBRATOR(lp_norm, lp_norm::LpNormCalibrator, "1.0.0",
                         "Threshold minimizing the L_p norm of the quantization error over the "
                         "|x| histogram (LAPQ's initialization)")

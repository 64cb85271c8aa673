// mse: the clip threshold minimizing the expected squared quantization error over the |x|
// histogram — the variant of NVIDIA's pytorch-quantization (HistogramCalibrator, method "mse"):
// every bin is represented by its center c_k with weight count_k; for candidates
// i = start_bin, start_bin + stride, … ≤ num_bins the threshold is T_i = c_{i-1}, and
//   error(T) = Σ_k count_k · (fq(c_k, T) - c_k)²,
//   fq(c, T) = clamp(round(c · L / T), 0, L) · T / L   (round half to even)
// with L = 2^(num_bits-1) - 1 levels per side on a signed grid (127 for 8 bits) or 2^num_bits - 1
// on an unsigned grid (255; used by `grid: auto` when the tensor is never negative, because the
// asymmetric quantizer then spends all levels on [0, T]). The first minimum wins.

#include <algorithm>
#include <cmath>
#include <limits>

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

struct MseOptions {
  int start_bin = 128;
  int stride = 1;
  int num_bits = 8;
  std::string grid = "auto";
};

double squared_error(const Histogram& h, double threshold, double levels) {
  const double scale = levels / threshold;
  double error = 0.0;
  for (int k = 0; k < h.num_bins(); ++k) {
    if (h.count(k) == 0) continue;
    const double c = h.bin_center(k);
    const double q = std::min(std::nearbyint(c * scale), levels) / scale;
    error += static_cast<double>(h.count(k)) * (q - c) * (q - c);
  }
  return error;
}

class MseCalibrator final : public CalibratorWithOptions<MseOptions> {
 protected:
  const OptionsSchema<MseOptions>& schema() const override {
    static const OptionsSchema<MseOptions> schema =
        OptionsSchema<MseOptions>()
            .add_int("start_bin", &MseOptions::start_bin, 1, 65536,
                     "first candidate: the center of bin start_bin-1 (pytorch-quantization: 128)")
            .add_int("stride", &MseOptions::stride, 1, 65536, "step between candidate bins")
            .add_int("num_bits", &MseOptions::num_bits, 2, 16, "bits of the simulated grid")
            .add_enum("grid", &MseOptions::grid, {"auto", "signed", "unsigned"},
                      "levels per side: signed 2^(b-1)-1, unsigned 2^b-1; auto: unsigned when "
                      "min >= 0");
    return schema;
  }

  Result<Range> compute(const TensorStatistics& stats, const MseOptions& o) const override {
    QEXP_RETURN_IF_ERROR(require_histograms(stats, o.start_bin));
    const Histogram& h = stats.abs_histogram;
    if (stats.count == 0 || h.hi() == 0.0) return range_containing_zero(0.0, 0.0);
    const bool is_unsigned = o.grid == "unsigned" || (o.grid == "auto" && stats.min >= 0.0f);
    const double levels =
        is_unsigned ? std::ldexp(1.0, o.num_bits) - 1.0 : std::ldexp(1.0, o.num_bits - 1) - 1.0;
    double best = std::numeric_limits<double>::infinity();
    double best_threshold = h.hi();
    for (int i = o.start_bin; i <= h.num_bins(); i += o.stride) {
      const double threshold = h.bin_center(i - 1);
      const double error = squared_error(h, threshold, levels);
      if (error < best) {
        best = error;
        best_threshold = threshold;
      }
    }
    return clip_to_threshold(stats, best_threshold);
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(mse, qexp::calib::MseCalibrator, "1.0.0",
                         "Threshold minimizing the squared quantization error over the |x| "
                         "histogram (pytorch-quantization's mse)")

// kl: TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017) on the
// |x| histogram. For every candidate i in [start_bin, num_bins):
//   P = bins[0 .. i-1], with the outlier mass Σ bins[i ..] added to P[i-1]
//   Q = bins[0 .. i-1] (without the outliers) merged into `levels` groups (see level_of), each
//       group's mass spread evenly over the group's non-empty bins, 0 on empty bins
//   divergence(i) = KL(P/ΣP ‖ Q/ΣQ) = Σ_{P>0} p log(p / q)
// and T = (m + 0.5) · bin_width for the first m with the smallest divergence. A candidate with
// p > 0 where q = 0 has infinite divergence (never chosen); when every candidate is infinite the
// full range (T = absmax) is returned.
//
// skip_zeros is on by default, unlike the pseudocode: exact zeros (most ReLU outputs) quantize
// without error, yet in bin 0 they make every candidate whose level 0 spans k bins pay
// ≈ p0 · ln k, so the minimum tracks "keep bin 0 narrow" instead of the data. On the demo model
// that put every ReLU6 threshold at (128k - 1 + 0.5) bins — 0.75 to 1.87 of 6 — and top-1 at
// 10 %. ncnn skips exact zeros; NVIDIA's pytorch-quantization overwrites bins[0] with bins[1].
// merge = uniform (equal-width levels, the grid the quantizer really uses) is a variant; on the
// demo model it does worse (13 %): the first layers' outputs have spikes at nonzero values
// (background pixels give ReLU6(bias) per channel), and the same spreading penalty then favours
// the smallest candidates (experiments/calibrators/README.md).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "framework/calibration/plugin_api/calibrator.h"
#include "framework/core/strings.h"

namespace qexp::calib {
namespace {

struct KlOptions {
  int start_bin = 128;
  int levels = 128;
  bool skip_zeros = true;
  std::string merge = "remainder";
};

// The quantization level of bin k < i when bins [0, i) are merged into `levels` levels.
//  - uniform: bin k goes to level ⌊k · levels / i⌋, so every level spans i / levels bins (up to
//    one bin of rounding): the equal-width grid the quantizer really applies to [0, T].
//  - remainder: TensorRT's pseudocode (and MXNet, ncnn): ⌊i / levels⌋ bins per level, the last
//    level taking the remainder (up to levels - 1 extra bins).
int level_of(int k, int i, int levels, bool uniform) {
  if (uniform) return static_cast<int>(static_cast<int64_t>(k) * levels / i);
  return std::min(k / (i / levels), levels - 1);
}

// KL(P ‖ Q) for candidate i over `bins`, +inf when Q misses mass P has.
double divergence(const std::vector<double>& bins, int i, int levels, bool uniform, double tail) {
  const size_t n = static_cast<size_t>(i);
  std::vector<double> mass(static_cast<size_t>(levels), 0.0);
  std::vector<int> nonempty(static_cast<size_t>(levels), 0);
  for (int k = 0; k < i; ++k) {
    const auto l = static_cast<size_t>(level_of(k, i, levels, uniform));
    mass[l] += bins[static_cast<size_t>(k)];
    nonempty[l] += bins[static_cast<size_t>(k)] != 0.0;
  }
  std::vector<double> q(n, 0.0);
  for (int k = 0; k < i; ++k) {
    const auto l = static_cast<size_t>(level_of(k, i, levels, uniform));
    if (bins[static_cast<size_t>(k)] != 0.0) q[static_cast<size_t>(k)] = mass[l] / nonempty[l];
  }
  double p_total = tail, q_total = 0.0;
  for (size_t k = 0; k < n; ++k) {
    p_total += bins[k];
    q_total += q[k];
  }
  if (q_total == 0.0) return std::numeric_limits<double>::infinity();
  double kl = 0.0;
  for (size_t k = 0; k < n; ++k) {
    const double p = (bins[k] + (k + 1 == n ? tail : 0.0)) / p_total;
    if (p == 0.0) continue;
    if (q[k] == 0.0) return std::numeric_limits<double>::infinity();
    kl += p * std::log(p / (q[k] / q_total));
  }
  return kl;
}

class KlCalibrator final : public CalibratorWithOptions<KlOptions> {
 protected:
  const OptionsSchema<KlOptions>& schema() const override {
    static const OptionsSchema<KlOptions> schema =
        OptionsSchema<KlOptions>()
            .add_int("start_bin", &KlOptions::start_bin, 2, 65536,
                     "first candidate bin count i (TensorRT: 128)")
            .add_int("levels", &KlOptions::levels, 2, 65536,
                     "quantization levels Q is merged into (TensorRT: 128 for int8)")
            .add_bool("skip_zeros", &KlOptions::skip_zeros,
                      "leave exact zeros out of the histogram (ncnn; they quantize exactly)")
            .add_enum("merge", &KlOptions::merge, {"remainder", "uniform"},
                      "how bins [0, i) merge into levels: TensorRT's floor(i / levels) with the "
                      "remainder in the last level, or equal widths");
    return schema;
  }

  Status validate(const KlOptions& o) const override {
    if (o.levels > o.start_bin) {
      return invalid_argument(str_cat("levels: ", o.levels, " is greater than start_bin ",
                                      o.start_bin, "; every level needs at least one bin"));
    }
    return ok_status();
  }

  Result<Range> compute(const TensorStatistics& stats, const KlOptions& o) const override {
    QEXP_RETURN_IF_ERROR(require_histograms(stats, o.start_bin + 1));
    const Histogram& h = stats.abs_histogram;
    std::vector<double> bins(static_cast<size_t>(h.num_bins()));
    for (int k = 0; k < h.num_bins(); ++k)
      bins[static_cast<size_t>(k)] = static_cast<double>(h.count(k));
    if (o.skip_zeros) bins[0] -= static_cast<double>(stats.zero_count);
    std::vector<double> tail_after(bins.size() + 1, 0.0);  // Σ bins[k ..]
    for (size_t k = bins.size(); k-- > 0;) tail_after[k] = tail_after[k + 1] + bins[k];
    if (tail_after[0] == 0.0) return range_containing_zero(0.0, 0.0);

    double best = std::numeric_limits<double>::infinity();
    int best_i = -1;
    for (int i = o.start_bin; i < h.num_bins(); ++i) {
      const double d =
          divergence(bins, i, o.levels, o.merge == "uniform", tail_after[static_cast<size_t>(i)]);
      if (d < best) {
        best = d;
        best_i = i;
      }
    }
    const double threshold = best_i < 0 ? h.hi() : (best_i + 0.5) * h.bin_width();
    return clip_to_threshold(stats, threshold);
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(kl, qexp::calib::KlCalibrator, "1.1.0",
                         "TensorRT entropy: threshold minimizing KL(P||Q) over the |x| histogram")

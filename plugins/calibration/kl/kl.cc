// kl: TensorRT's entropy calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017) on the
// |x| histogram. For every candidate i in [start_bin, num_bins):
//   P = bins[0 .. i-1], with the outlier mass Σ bins[i ..] added to P[i-1]
//   Q = bins[0 .. i-1] (without the outliers) merged into `levels` groups of i / levels bins
//       (integer division; the last group takes the remainder), each group's mass spread evenly
//       over the group's non-empty bins, 0 on empty bins
//   divergence(i) = KL(P/ΣP ‖ Q/ΣQ) = Σ_{P>0} p log(p / q)
// and T = (m + 0.5) · bin_width for the first m with the smallest divergence. A candidate with
// p > 0 where q = 0 has infinite divergence (never chosen); when every candidate is infinite the
// full range (T = absmax) is returned.

#include <cmath>
#include <limits>
#include <vector>

#include "framework/calibration/plugin_api/calibrator.h"
#include "framework/core/strings.h"

namespace qexp::calib {
namespace {

struct KlOptions {
  int start_bin = 128;
  int levels = 128;
  bool skip_zeros = false;
};

// KL(P ‖ Q) for candidate i over `bins`, +inf when Q misses mass P has.
double divergence(const std::vector<double>& bins, int i, int levels, double tail) {
  const size_t n = static_cast<size_t>(i);
  std::vector<double> q(n, 0.0);
  const int per_level = i / levels;
  for (int j = 0; j < levels; ++j) {
    const int start = j * per_level;
    const int stop = j == levels - 1 ? i : start + per_level;
    double mass = 0.0;
    int nonempty = 0;
    for (int k = start; k < stop; ++k) {
      mass += bins[static_cast<size_t>(k)];
      nonempty += bins[static_cast<size_t>(k)] != 0.0;
    }
    if (nonempty == 0) continue;
    for (int k = start; k < stop; ++k) {
      if (bins[static_cast<size_t>(k)] != 0.0) q[static_cast<size_t>(k)] = mass / nonempty;
    }
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
                      "leave exact zeros out of the histogram (ncnn)");
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
      const double d = divergence(bins, i, o.levels, tail_after[static_cast<size_t>(i)]);
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

QEXP_REGISTER_CALIBRATOR(kl, qexp::calib::KlCalibrator, "1.0.0",
                         "TensorRT entropy: threshold minimizing KL(P||Q) over the |x| histogram")

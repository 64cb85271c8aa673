// percentile: clip at the p-th percentile of the calibration values, read off a histogram.
//
// histogram: abs (default) — on the |x| histogram, T = upper edge of the first bin where the
// cumulative count reaches p % of the total; range = [max(min, -T), min(max, T)] ∪ {0}.
// histogram: signed — on the x histogram, (100 - p) / 2 % is cut from each tail: lower = lower
// edge of the bin holding the q-quantile (q = (100 - p) / 2 %), upper = upper edge of the first
// bin where the cumulative count reaches (100 - q) %; range = [lower, upper] ∪ {0}.
// Either way at least p % of the finite values lie inside the range.

#include <algorithm>

#include "framework/calibration/plugin_api/calibrator.h"

namespace qexp::calib {
namespace {

struct PercentileOptions {
  double percentile = 99.99;
  std::string histogram = "abs";
};

// Smallest bin whose cumulative count reaches `fraction_percent` % of the total (strictly
// exceeds it when `strict`).
int crossing_bin(const Histogram& h, double fraction_percent, bool strict) {
  const double target = fraction_percent * static_cast<double>(h.total());
  int64_t cumulative = 0;
  for (int i = 0; i < h.num_bins(); ++i) {
    cumulative += h.count(i);
    const double reached = static_cast<double>(cumulative) * 100.0;
    if (strict ? reached > target : reached >= target) return i;
  }
  return h.num_bins() - 1;
}

class PercentileCalibrator final : public CalibratorWithOptions<PercentileOptions> {
 protected:
  const OptionsSchema<PercentileOptions>& schema() const override {
    static const OptionsSchema<PercentileOptions> schema =
        OptionsSchema<PercentileOptions>()
            .add_float("percentile", &PercentileOptions::percentile, 0, 100,
                       "share of the values kept inside the range, in % (NVIDIA 99.99, "
                       "ONNX Runtime 99.999)")
            .add_enum("histogram", &PercentileOptions::histogram, {"abs", "signed"},
                      "abs: symmetric threshold on |x|; signed: cut (100-p)/2 % off each tail");
    return schema;
  }

  Result<Range> compute(const TensorStatistics& stats,
                        const PercentileOptions& options) const override {
    QEXP_RETURN_IF_ERROR(require_histograms(stats));
    if (stats.count == 0) return range_containing_zero(0.0, 0.0);
    if (options.histogram == "abs") {
      const Histogram& h = stats.abs_histogram;
      return clip_to_threshold(stats, h.bin_upper(crossing_bin(h, options.percentile, false)));
    }
    const Histogram& h = stats.signed_histogram;
    const double tail = (100.0 - options.percentile) / 2.0;
    const double lower = h.bin_lower(crossing_bin(h, tail, true));
    const double upper = h.bin_upper(crossing_bin(h, 100.0 - tail, false));
    return range_containing_zero(std::max(lower, static_cast<double>(stats.min)),
                                 std::min(upper, static_cast<double>(stats.max)));
  }
};

}  // namespace
}  // namespace qexp::calib

QEXP_REGISTER_CALIBRATOR(percentile, qexp::calib::PercentileCalibrator, "1.0.0",
                         "Clip at the p-th percentile (default 99.99) of the |x| or x histogram")

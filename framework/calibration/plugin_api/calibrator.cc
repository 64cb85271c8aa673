#include "framework/calibration/plugin_api/calibrator.h"

#include <algorithm>
#include <cmath>

#include "framework/core/strings.h"

namespace qexp::calib {

Range range_containing_zero(double lo, double hi) {
  return Range{static_cast<float>(std::min(lo, 0.0)), static_cast<float>(std::max(hi, 0.0))};
}

Range clip_to_threshold(const TensorStatistics& stats, double threshold) {
  const double t = std::max(threshold, 0.0);
  const double lo = std::max(static_cast<double>(stats.min), -t);
  const double hi = std::min(static_cast<double>(stats.max), t);
  return range_containing_zero(std::min(lo, hi), std::max(lo, hi));
}

Status require_histograms(const TensorStatistics& stats, int min_bins) {
  if (!stats.has_histograms()) {
    return failed_precondition(
        "needs histograms (the driver's second pass), but none were collected");
  }
  if (stats.abs_histogram.num_bins() < min_bins) {
    return failed_precondition(str_cat("needs at least ", min_bins,
                                       " histogram bins, the statistics have ",
                                       stats.abs_histogram.num_bins()));
  }
  return ok_status();
}

}  // namespace qexp::calib

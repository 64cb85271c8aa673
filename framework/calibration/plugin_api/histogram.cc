#include "framework/calibration/plugin_api/histogram.h"

#include <cmath>
#include <numeric>

#include "framework/core/logging.h"
#include "framework/core/strings.h"

namespace qexp::calib {

Histogram::Histogram(double lo, double hi, int num_bins) : lo_(lo), hi_(hi) {
  QEXP_CHECK(num_bins >= 1);
  QEXP_CHECK(std::isfinite(lo) && std::isfinite(hi) && lo <= hi);
  counts_.assign(static_cast<size_t>(num_bins), 0);
  last_bin_ = num_bins - 1;
  width_ = (hi - lo) / num_bins;
  inv_width_ = hi > lo ? num_bins / (hi - lo) : 0.0;
}

double Histogram::bin_lower(int i) const {
  // The last edge is exactly hi, not lo + n * width (which may round differently).
  return i >= num_bins() ? hi_ : lo_ + i * width_;
}

int64_t Histogram::total() const {
  return std::accumulate(counts_.begin(), counts_.end(), int64_t{0});
}

void Histogram::add_to_bin(int i, int64_t n) {
  QEXP_CHECK(i >= 0 && i < num_bins() && n >= 0);
  counts_[static_cast<size_t>(i)] += n;
}

Status Histogram::merge(const Histogram& other) {
  if (other.empty()) return ok_status();
  if (empty()) {
    *this = other;
    return ok_status();
  }
  if (lo_ != other.lo_ || hi_ != other.hi_ || num_bins() != other.num_bins()) {
    return failed_precondition(
        str_cat("cannot merge histograms with different ranges: ", num_bins(), " bins over [",
                format_double(lo_), ", ", format_double(hi_), "] and ", other.num_bins(),
                " bins over [", format_double(other.lo_), ", ", format_double(other.hi_), "]"));
  }
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  return ok_status();
}

bool Histogram::operator==(const Histogram& other) const {
  return lo_ == other.lo_ && hi_ == other.hi_ && counts_ == other.counts_;
}

}  // namespace qexp::calib

#pragma once
/// Histogram: the one fixed-range, mergeable statistics type that percentile, KL, MSE and any
/// other histogram-based calibrator consume.
///
/// A histogram has `num_bins` equal-width bins over the closed range [lo, hi] with integer
/// counts, so two histograms over the same range merge exactly (counts add) in any order. The
/// range is fixed before the first value is added (the calibration driver takes it from a first
/// pass over the data), which makes the result independent of batch size and data order.

#include <cstdint>
#include <vector>

#include "framework/core/status.h"

namespace qexp::calib {

class Histogram {
 public:
  /// An empty histogram with no bins (nothing was collected).
  Histogram() = default;
  /// `num_bins` zero counts over [lo, hi]. Preconditions (checked): num_bins >= 1, lo and hi
  /// finite, lo <= hi. A zero-width range (lo == hi) puts every value into bin 0.
  Histogram(double lo, double hi, int num_bins);

  bool empty() const { return counts_.empty(); }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  int num_bins() const { return static_cast<int>(counts_.size()); }
  /// (hi - lo) / num_bins.
  double bin_width() const { return width_; }
  /// lo + i * bin_width(); bin_lower(num_bins()) == hi.
  double bin_lower(int i) const;
  double bin_upper(int i) const { return bin_lower(i + 1); }
  double bin_center(int i) const { return lo_ + (i + 0.5) * width_; }

  const std::vector<int64_t>& counts() const { return counts_; }
  int64_t count(int i) const { return counts_[static_cast<size_t>(i)]; }
  /// Sum of all counts.
  int64_t total() const;

  /// The bin of a finite value x: min(num_bins - 1, max(0, floor((x - lo) * num_bins /
  /// (hi - lo)))), with num_bins / (hi - lo) computed once in double; 0 when lo == hi. Values
  /// outside [lo, hi] land in the first or last bin.
  int bin_index(double x) const {
    double pos = (x - lo_) * inv_width_;
    if (!(pos > 0.0)) return 0;  // also a zero-width range
    if (pos >= static_cast<double>(last_bin_)) return last_bin_;
    return static_cast<int>(pos);
  }
  /// Adds one finite value. Precondition: !empty().
  void add(double x) { ++counts_[static_cast<size_t>(bin_index(x))]; }
  /// Adds `n` to bin i (for building histograms by hand). Preconditions: 0 <= i < num_bins(),
  /// n >= 0.
  void add_to_bin(int i, int64_t n);

  /// Adds other's counts. Errors (kFailedPrecondition): different lo, hi or bin count — the
  /// message gives both ranges. Merging into an empty histogram copies `other`.
  Status merge(const Histogram& other);

  /// Same range, bin count and counts.
  bool operator==(const Histogram& other) const;

  /// Bytes of heap memory held (for memory accounting).
  size_t memory_bytes() const { return counts_.capacity() * sizeof(int64_t); }

 private:
  double lo_ = 0.0, hi_ = 0.0, width_ = 0.0, inv_width_ = 0.0;
  int last_bin_ = 0;
  std::vector<int64_t> counts_;
};

}  // namespace qexp::calib

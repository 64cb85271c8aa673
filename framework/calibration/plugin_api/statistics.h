#pragma once
/// TensorStatistics: everything the calibration driver knows about one activation tensor after
/// streaming the calibration set through the float interpreter. Calibrators are pure functions
/// of this struct, so any number of them can be evaluated from one collection.
///
/// Definitions (N = calibration samples, in the order the sample source lists them):
///  - Every count, sum and extreme is over the *finite* values only. NaN and ±Inf are counted in
///    nan_count / pos_inf_count / neg_inf_count and excluded from everything else.
///  - min / max: exact extremes over all finite values of all samples (0 / 0 when count == 0).
///  - ema_min / ema_max: exponential moving average of the per-sample min / max with constant c
///    (ema_constant): the first sample with a finite value sets it, each later one s applies
///    ema += c * (m_s - ema), in sample order, in double. Samples without a finite value are
///    skipped. It depends on the sample order by definition, never on batch size or threads.
///  - sum, sum_squares: Σx and Σx² in double: each sample's values are summed in memory order,
///    then the per-sample sums are added in sample order.
///  - sum_abs_deviation: Σ|x - mean()| (second pass, mean from the first), summed the same way.
///  - abs_histogram: |x| over [0, absmax()] and signed_histogram: x over [min, max] (or
///    [-absmax, absmax], see signed_symmetric), both with the same number of bins (2048 by
///    default), filled in a second pass once the ranges are known. Empty when the driver ran
///    without histograms.

#include <cstdint>
#include <string>

#include "framework/calibration/plugin_api/histogram.h"

namespace qexp::calib {

struct TensorStatistics {
  std::string name;  ///< tensor name in the float graph (the key ranges are returned under)

  int64_t samples = 0;        ///< calibration samples that produced this tensor
  int64_t count = 0;          ///< finite values
  int64_t zero_count = 0;     ///< finite values exactly equal to 0 (±0)
  int64_t nan_count = 0;      ///< NaN values (excluded from the rest)
  int64_t pos_inf_count = 0;  ///< +Inf values (excluded from the rest)
  int64_t neg_inf_count = 0;  ///< -Inf values (excluded from the rest)

  float min = 0.0f;  ///< smallest finite value
  float max = 0.0f;  ///< largest finite value

  double ema_constant = 0.01;  ///< c used for ema_min / ema_max
  double ema_min = 0.0;
  double ema_max = 0.0;

  double sum = 0.0;
  double sum_squares = 0.0;
  double sum_abs_deviation = 0.0;  ///< Σ|x - mean()|; 0 when histograms were not collected

  bool signed_symmetric = false;  ///< signed_histogram covers [-absmax, absmax], not [min, max]
  Histogram abs_histogram;
  Histogram signed_histogram;

  /// max(|min|, |max|).
  float absmax() const;
  /// sum / count (0 when count == 0).
  double mean() const;
  /// Population variance sum_squares / count - mean², clamped at 0.
  double variance() const;
  double stddev() const;
  /// sum_abs_deviation / count: the maximum-likelihood Laplace scale b around mean().
  double mean_abs_deviation() const;
  bool has_histograms() const { return !abs_histogram.empty(); }

  /// Bytes of heap memory held (histogram counts and the name).
  size_t memory_bytes() const;
};

/// Field-by-field, bit-for-bit equality (doubles compared by their bits), used by determinism
/// tests and checks.
bool identical(const TensorStatistics& a, const TensorStatistics& b);

}  // namespace qexp::calib

#pragma once
/// Building blocks of the statistics definition in plugin_api/statistics.h: per-sample summaries
/// (pass 1), their in-order accumulation, and the fixed-range histograms of pass 2.
///
/// The driver splits every activation into samples, summarizes each sample independently, and
/// folds the summaries in sample order; histograms hold integer counts and merge exactly. That
/// is what makes the statistics bit-identical for any batch size and thread count.

#include <cstdint>
#include <map>
#include <string>

#include "framework/calibration/plugin_api/options.h"
#include "framework/calibration/plugin_api/statistics.h"
#include "framework/core/status.h"

namespace qexp::calib {

/// How statistics are collected. Parsed from text with the same strict rules as calibrator
/// options (e.g. "bins: 0 is outside [1, 65536]").
struct StatisticsOptions {
  int bins = 2048;             ///< bins of both histograms
  double ema_constant = 0.01;  ///< c of the per-sample moving average (ONNX Runtime's default)
  std::string signed_range = "min_max";  ///< signed histogram over [min, max] or "symmetric"
  bool histograms = true;                ///< run the second pass (needed by histogram calibrators)
};

const OptionsSchema<StatisticsOptions>& statistics_options_schema();

/// One sample's values of one tensor, summarized (pass 1).
struct SampleSummary {
  int64_t count = 0, zeros = 0, nan = 0, pos_inf = 0, neg_inf = 0;
  float min = 0.0f, max = 0.0f;  ///< over finite values; meaningless when count == 0
  double sum = 0.0, sum_squares = 0.0;
};

/// Summarizes n values (NaN / ±Inf counted and excluded; sums in memory order, in double).
SampleSummary summarize_sample(const float* values, int64_t n);

/// Folds pass-1 summaries of one tensor, in sample order, into TensorStatistics.
class SummaryAccumulator {
 public:
  explicit SummaryAccumulator(double ema_constant = 0.01) : ema_constant_(ema_constant) {}
  void add(const SampleSummary& s);
  /// Writes samples, counts, min / max (a -0 extreme is written as +0), EMA and sums.
  void finish(TensorStatistics* out) const;

 private:
  double ema_constant_;
  int64_t samples_ = 0, count_ = 0, zeros_ = 0, nan_ = 0, pos_inf_ = 0, neg_inf_ = 0;
  bool any_finite_ = false;
  float min_ = 0.0f, max_ = 0.0f;
  double ema_min_ = 0.0, ema_max_ = 0.0;
  double sum_ = 0.0, sum_squares_ = 0.0;
};

/// The pass-2 histograms of one tensor, with ranges fixed from pass-1 statistics.
class HistogramPair {
 public:
  HistogramPair() = default;
  /// |x| over [0, absmax], x over [min, max] (or [-absmax, absmax] when symmetric).
  HistogramPair(const TensorStatistics& pass1, int bins, bool symmetric);
  /// Adds a sample's finite values; returns Σ|x - mean| over them (memory order, double).
  double add_sample(const float* values, int64_t n, double mean);
  Status merge(const HistogramPair& other);
  const Histogram& abs() const { return abs_; }
  const Histogram& signed_values() const { return signed_; }

 private:
  Histogram abs_, signed_;
};

/// The statistics of one set of values (weights, say) taken as a single sample: pass 1 and,
/// when options.histograms, pass 2, exactly as the driver computes them for an activation seen
/// in one sample. Lets any calibrator choose a range for constant data.
TensorStatistics statistics_of_values(std::string name, const float* values, int64_t n,
                                      const StatisticsOptions& options);

}  // namespace qexp::calib

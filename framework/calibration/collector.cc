#include "framework/calibration/collector.h"

#include <algorithm>
#include <cmath>

namespace qexp::calib {

const OptionsSchema<StatisticsOptions>& statistics_options_schema() {
  static const OptionsSchema<StatisticsOptions> schema =
      OptionsSchema<StatisticsOptions>()
          .add_int("bins", &StatisticsOptions::bins, 1, 65536,
                   "bins of the |x| and signed histograms (KL and MSE expect 2048)")
          .add_float("ema_constant", &StatisticsOptions::ema_constant, 0, 1,
                     "moving-average constant c: ema += c * (sample min/max - ema)")
          .add_enum("signed_range", &StatisticsOptions::signed_range, {"min_max", "symmetric"},
                    "range of the signed histogram: [min, max] or [-absmax, absmax]")
          .add_bool("histograms", &StatisticsOptions::histograms,
                    "collect histograms in a second pass (percentile, kl, mse, aciq need them)");
  return schema;
}

SampleSummary summarize_sample(const float* values, int64_t n) {
  SampleSummary s;
  float lo = INFINITY, hi = -INFINITY;
  double sum = 0.0, sum_squares = 0.0;
  int64_t count = 0, zeros = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float x = values[i];
    if (!std::isfinite(x)) {
      if (std::isnan(x)) {
        ++s.nan;
      } else if (x > 0) {
        ++s.pos_inf;
      } else {
        ++s.neg_inf;
      }
      continue;
    }
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    const double d = x;
    sum += d;
    sum_squares += d * d;
    ++count;
    zeros += (x == 0.0f);
  }
  s.count = count;
  s.zeros = zeros;
  // ±0 compare equal, so which zero wins depends on the order; always report +0.
  s.min = count > 0 ? lo + 0.0f : 0.0f;
  s.max = count > 0 ? hi + 0.0f : 0.0f;
  s.sum = sum;
  s.sum_squares = sum_squares;
  return s;
}

void SummaryAccumulator::add(const SampleSummary& s) {
  ++samples_;
  nan_ += s.nan;
  pos_inf_ += s.pos_inf;
  neg_inf_ += s.neg_inf;
  if (s.count == 0) return;  // no finite value: nothing for extremes, EMA or sums
  count_ += s.count;
  zeros_ += s.zeros;
  sum_ += s.sum;
  sum_squares_ += s.sum_squares;
  if (!any_finite_) {
    any_finite_ = true;
    min_ = s.min;
    max_ = s.max;
    ema_min_ = s.min;
    ema_max_ = s.max;
    return;
  }
  min_ = std::min(min_, s.min);
  max_ = std::max(max_, s.max);
  ema_min_ += ema_constant_ * (static_cast<double>(s.min) - ema_min_);
  ema_max_ += ema_constant_ * (static_cast<double>(s.max) - ema_max_);
}

void SummaryAccumulator::finish(TensorStatistics* out) const {
  out->samples = samples_;
  out->count = count_;
  out->zero_count = zeros_;
  out->nan_count = nan_;
  out->pos_inf_count = pos_inf_;
  out->neg_inf_count = neg_inf_;
  out->min = min_;
  out->max = max_;
  out->ema_constant = ema_constant_;
  out->ema_min = ema_min_;
  out->ema_max = ema_max_;
  out->sum = sum_;
  out->sum_squares = sum_squares_;
}

HistogramPair::HistogramPair(const TensorStatistics& pass1, int bins, bool symmetric) {
  const double absmax = pass1.absmax();
  abs_ = Histogram(0.0, absmax, bins);
  signed_ = symmetric
                ? Histogram(-absmax, absmax, bins)
                : Histogram(static_cast<double>(pass1.min), static_cast<double>(pass1.max), bins);
}

double HistogramPair::add_sample(const float* values, int64_t n, double mean) {
  double abs_deviation = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    const float x = values[i];
    if (!std::isfinite(x)) continue;
    const double d = x;
    abs_.add(std::fabs(d));
    signed_.add(d);
    abs_deviation += std::fabs(d - mean);
  }
  return abs_deviation;
}

Status HistogramPair::merge(const HistogramPair& other) {
  QEXP_RETURN_IF_ERROR(abs_.merge(other.abs_));
  return signed_.merge(other.signed_);
}

TensorStatistics statistics_of_values(std::string name, const float* values, int64_t n,
                                      const StatisticsOptions& options) {
  TensorStatistics stats;
  stats.name = std::move(name);
  SummaryAccumulator acc(options.ema_constant);
  acc.add(summarize_sample(values, n));
  acc.finish(&stats);
  if (!options.histograms) return stats;
  HistogramPair h(stats, options.bins, options.signed_range == "symmetric");
  stats.sum_abs_deviation = h.add_sample(values, n, stats.mean());
  stats.signed_symmetric = options.signed_range == "symmetric";
  stats.abs_histogram = h.abs();
  stats.signed_histogram = h.signed_values();
  return stats;
}

}  // namespace qexp::calib

#include "framework/calibration/plugin_api/statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace qexp::calib {

float TensorStatistics::absmax() const { return std::max(std::fabs(min), std::fabs(max)); }

double TensorStatistics::mean() const {
  return count == 0 ? 0.0 : sum / static_cast<double>(count);
}

double TensorStatistics::variance() const {
  if (count == 0) return 0.0;
  const double m = mean();
  return std::max(0.0, sum_squares / static_cast<double>(count) - m * m);
}

double TensorStatistics::stddev() const { return std::sqrt(variance()); }

double TensorStatistics::mean_abs_deviation() const {
  return count == 0 ? 0.0 : sum_abs_deviation / static_cast<double>(count);
}

size_t TensorStatistics::memory_bytes() const {
  return name.capacity() + abs_histogram.memory_bytes() + signed_histogram.memory_bytes();
}

namespace {
bool same_bits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}
bool same_bits(float a, float b) {
  return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b);
}
}  // namespace

bool identical(const TensorStatistics& a, const TensorStatistics& b) {
  return a.name == b.name && a.samples == b.samples && a.count == b.count &&
         a.zero_count == b.zero_count && a.nan_count == b.nan_count &&
         a.pos_inf_count == b.pos_inf_count && a.neg_inf_count == b.neg_inf_count &&
         same_bits(a.min, b.min) && same_bits(a.max, b.max) &&
         same_bits(a.ema_constant, b.ema_constant) && same_bits(a.ema_min, b.ema_min) &&
         same_bits(a.ema_max, b.ema_max) && same_bits(a.sum, b.sum) &&
         same_bits(a.sum_squares, b.sum_squares) &&
         same_bits(a.sum_abs_deviation, b.sum_abs_deviation) &&
         a.signed_symmetric == b.signed_symmetric && a.abs_histogram == b.abs_histogram &&
         a.signed_histogram == b.signed_histogram;
}

}  // namespace qexp::calib

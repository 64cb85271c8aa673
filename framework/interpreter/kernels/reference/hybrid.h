#pragma once
/// On-the-fly input quantization of TFLite's hybrid (dynamic-range) kernels: float activations
/// are quantized to int8 per batch right before an int8 × int8 product (TFLite's
/// tensor_utils::SymmetricQuantizeFloats / AsymmetricQuantizeFloats, portable versions). The
/// float steps are written in TFLite's order and precision, so the int8 values are identical.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace qexp::interp::reference {

/// Symmetric: range = max(|min x|, |max x|), scale = range / 127 and
/// q = clamp(round(x · (127 / range)), −127, 127) in float, ties away from zero. An all-zero
/// input (or n == 0) gives q = 0 and scale 1.
inline void symmetric_quantize_floats(const float* x, int64_t n, int8_t* q, float* scale) {
  if (n <= 0) {
    *scale = 1.0f;
    return;
  }
  const auto [lo, hi] = std::minmax_element(x, x + n);
  const float range = std::max(std::abs(*lo), std::abs(*hi));
  if (range == 0.0f) {
    std::memset(q, 0, static_cast<size_t>(n));
    *scale = 1.0f;
    return;
  }
  constexpr int32_t kScale = 127;
  *scale = range / kScale;
  const float inverse = kScale / range;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = static_cast<int32_t>(std::round(x[i] * inverse));
    q[i] = static_cast<int8_t>(std::min(kScale, std::max(-kScale, v)));
  }
}

/// Asymmetric: the range [min(0, min x), max(0, max x)] over [−128, 127] in double, the zero
/// point taken from whichever end has the smaller rounding error and rounded (ties away from
/// zero) and clamped, the scale stored as float; then q = clamp(round(zp + x · (1 / scale))) with
/// the reciprocal and the product in float. A zero-width range gives q = 0, scale 1, zp 0.
inline void asymmetric_quantize_floats(const float* x, int64_t n, int8_t* q, float* scale,
                                       int32_t* zero_point) {
  constexpr int32_t kQMin = -128, kQMax = 127;
  const double qmin = kQMin, qmax = kQMax;
  double rmin = 0.0, rmax = 0.0;
  if (n > 0) {
    const auto [lo, hi] = std::minmax_element(x, x + n);
    rmin = std::fmin(0.0, static_cast<double>(*lo));
    rmax = std::fmax(0.0, static_cast<double>(*hi));
  }
  if (rmin == rmax) {
    if (n > 0) std::memset(q, 0, static_cast<size_t>(n));
    *scale = 1.0f;
    *zero_point = 0;
    return;
  }
  const double s = (rmax - rmin) / (qmax - qmin);
  const double zp_from_min = qmin - rmin / s;
  const double zp_from_max = qmax - rmax / s;
  const double err_min = std::abs(qmin) + std::abs(rmin / s);
  const double err_max = std::abs(qmax) + std::abs(rmax / s);
  const double zp = err_min < err_max ? zp_from_min : zp_from_max;
  int32_t nudged = 0;
  if (zp <= qmin) {
    nudged = kQMin;
  } else if (zp >= qmax) {
    nudged = kQMax;
  } else {
    nudged = static_cast<int8_t>(std::round(zp));
  }
  *scale = static_cast<float>(s);
  *zero_point = nudged;
  const float inverse = static_cast<float>(1.0 / static_cast<double>(*scale));
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = static_cast<int32_t>(std::round(static_cast<float>(nudged) + x[i] * inverse));
    q[i] = static_cast<int8_t>(std::min(kQMax, std::max(kQMin, v)));
  }
}

}  // namespace qexp::interp::reference

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

/// A rounded float clamped to [lo, hi] as int8 (TFLite clamps after converting to int32; the
/// result is the same for every finite value, and a NaN gives 0 instead of undefined behaviour).
inline int8_t clamp_rounded(float r, int32_t lo, int32_t hi) {
  if (r != r) return 0;
  if (r <= static_cast<float>(lo)) return static_cast<int8_t>(lo);
  if (r >= static_cast<float>(hi)) return static_cast<int8_t>(hi);
  return static_cast<int8_t>(static_cast<int32_t>(r));
}

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
  // A non-finite range (inf / NaN inputs, where TFLite's result is undefined) quantizes like an
  // all-zero input, so nothing below converts a NaN to an integer.
  if (range == 0.0f || !std::isfinite(range)) {
    std::memset(q, 0, static_cast<size_t>(n));
    *scale = 1.0f;
    return;
  }
  constexpr int32_t kScale = 127;
  *scale = range / kScale;
  const float inverse = kScale / range;
  for (int64_t i = 0; i < n; ++i) {
    q[i] = clamp_rounded(std::round(x[i] * inverse), -kScale, kScale);
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
  if (rmin == rmax || !std::isfinite(rmin) || !std::isfinite(rmax)) {
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
    q[i] = clamp_rounded(std::round(static_cast<float>(nudged) + x[i] * inverse), kQMin, kQMax);
  }
}

}  // namespace qexp::interp::reference

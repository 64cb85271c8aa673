#pragma once
/// XNNPACK's quantized arithmetic, for the `xnnpack` rounding profile (kernels/rounding.h): what
/// TFLite computes when its XNNPACK delegate takes an int8 node. Each rule was fitted to, and is
/// tested against, the real runtime (tests/conformance_ops), including exact ties.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace qexp::interp::reference {

/// XNNPACK's "fp32" requantization: float(acc) · scale rounded to nearest, ties to even (its
/// magic-bias trick), saturated to int32. `scale` is computed in float by the caller in
/// XNNPACK's order (e.g. s_in · s_w[c] / s_out).
inline int32_t fp32_requantize(int32_t acc, float scale) {
  const float v = static_cast<float>(acc) * scale;
  if (!(v > -2147483648.0f)) return std::numeric_limits<int32_t>::min();
  if (!(v < 2147483648.0f)) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>(std::nearbyint(v));
}

/// XNNPACK's int8 ADD: both operands scaled by ~20-bit integer multipliers sharing one shift,
/// summed with a bias that folds in the zero points and the rounding, shifted right (so ties
/// round up): out = (bias + a·m_a + b·m_b) >> shift, then + z_out.
struct XnnpackAddParams {
  int32_t a_multiplier = 0, b_multiplier = 0, bias = 0;
  int shift = 0;
};

/// XNNPACK's parameter rule: with r_a = s_a / s_out and r_b = s_b / s_out in float, shift =
/// 20 − exponent(max(r_a, r_b)) and m = lrint(r · 2^shift); bias = 2^(shift−1) − m_a·z_a −
/// m_b·z_b. Precondition: both ratios in [2^-10, 2^8) (what the delegate accepts).
inline XnnpackAddParams xnnpack_add_params(float a_scale, float b_scale, float out_scale,
                                           int32_t a_zero_point, int32_t b_zero_point) {
  const float ra = a_scale / out_scale, rb = b_scale / out_scale;
  XnnpackAddParams p;
  p.shift = 20 - std::ilogb(std::max(ra, rb));
  p.a_multiplier = static_cast<int32_t>(std::lrint(std::ldexp(ra, p.shift)));
  p.b_multiplier = static_cast<int32_t>(std::lrint(std::ldexp(rb, p.shift)));
  p.bias =
      (int32_t{1} << (p.shift - 1)) - p.a_multiplier * a_zero_point - p.b_multiplier * b_zero_point;
  return p;
}

/// (bias + a·m_a + b·m_b) >> shift (arithmetic), before the output zero point.
inline int32_t xnnpack_add(int32_t a, int32_t b, const XnnpackAddParams& p) {
  const int64_t acc = int64_t{p.bias} + int64_t{a} * p.a_multiplier + int64_t{b} * p.b_multiplier;
  return static_cast<int32_t>(acc >> p.shift);
}

/// Whether XNNPACK's delegate takes an int8 ADD with these input-to-output scale ratios.
inline bool xnnpack_add_supported(float a_scale, float b_scale, float out_scale) {
  for (float r : {a_scale / out_scale, b_scale / out_scale}) {
    if (!(r >= 0x1.0p-10f && r < 0x1.0p+8f)) return false;
  }
  return true;
}

/// XNNPACK's int8 → int8 QUANTIZE (its convert operator): an 8-bit fixed-point multiplier
/// m = lrint(256 · s_in / s_out) (ratio in float), out = ((x − z_in)·m + 128) >> 8, then + z_out
/// (ties round up). Supported for ratios in [2^-8, 2^7].
inline int32_t xnnpack_requantize_multiplier(float in_scale, float out_scale) {
  return static_cast<int32_t>(std::lrint(256.0f * (in_scale / out_scale)));
}
inline bool xnnpack_requantize_supported(float in_scale, float out_scale) {
  const float r = in_scale / out_scale;
  return r >= 0x1.0p-8f && r <= 0x1.0p+7f;
}
inline int32_t xnnpack_requantize(int32_t centred, int32_t multiplier) {
  return (centred * multiplier + 0x80) >> 8;
}

}  // namespace qexp::interp::reference

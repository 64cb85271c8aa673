#pragma once
/// QUANTIZE references: float → integer (TFLite's AffineQuantize, or XNNPACK's convert) and
/// integer → integer requantization (TFLite's Requantize).

#include <cmath>
#include <cstdint>
#include <limits>

#include "framework/interpreter/kernels/rounding.h"
#include "framework/quantization/fixed_point.h"

namespace qexp::interp::reference {

/// round(x / scale) as `rounding` says, saturated to int32 (NaN gives 0: TFLite leaves NaN and
/// out-of-range values undefined).
inline int64_t quantize_value(float x, float scale, QuantizeRounding rounding) {
  double r;
  if (rounding == QuantizeRounding::kDivideHalfAway) {
    // TFLite: TfLiteRound(val / scale) with scale held as double, so the quotient is a double.
    r = std::round(static_cast<double>(x) / static_cast<double>(scale));
  } else {
    // XNNPACK: x · (1 / scale) in float, rounded to nearest even.
    r = std::nearbyint(x * (1.0f / scale));
  }
  if (std::isnan(r)) return 0;
  if (r < -2147483648.0) return std::numeric_limits<int32_t>::min();
  if (r > 2147483647.0) return std::numeric_limits<int32_t>::max();
  return static_cast<int64_t>(r);
}

/// out[i] = clamp(round(in[i] / scale) + zero_point) into Out's range.
template <typename Out>
inline void quantize(int64_t n, const float* input, float scale, int32_t zero_point,
                     QuantizeRounding rounding, Out* output) {
  constexpr int64_t kMin = std::numeric_limits<Out>::min(), kMax = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t q = quantize_value(input[i], scale, rounding) + zero_point;
    output[i] = static_cast<Out>(q < kMin ? kMin : (q > kMax ? kMax : q));
  }
}

/// out[i] = clamp(requant(in[i] − z_in, s_in / s_out) + z_out) into Out's range.
template <typename In, typename Out>
inline void requantize(int64_t n, const In* input, int32_t in_zero_point,
                       quant::QuantizedMultiplier multiplier, quant::RoundingMode rounding,
                       int32_t out_zero_point, Out* output) {
  constexpr int64_t kMin = std::numeric_limits<Out>::min(), kMax = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t centred = static_cast<int32_t>(input[i]) - in_zero_point;
    const int64_t q =
        int64_t{quant::multiply_by_quantized_multiplier(centred, multiplier, rounding)} +
        out_zero_point;
    output[i] = static_cast<Out>(q < kMin ? kMin : (q > kMax ? kMax : q));
  }
}

}  // namespace qexp::interp::reference

#pragma once
/// Quantized SOFTMAX, LOGISTIC and TANH references (TFLite 2.12 builtin kernels): int8 through
/// float lookup tables built once at prepare time, int16 SOFTMAX through TFLite's int16 tables.
/// The float steps follow TFLite's order and precision (float, libm expf / tanhf).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "framework/quantization/fixed_point.h"

namespace qexp::interp::reference {

/// The 256-entry int8 → int8 table of an elementwise function `fn` (TFLite's
/// PopulateLookupTable): entry (uint8)v = clamp(round(fn(s_in·(v − z_in)) · (1/s_out)) + z_out),
/// all in float, rounding ties away from zero.
template <typename Fn>
inline void populate_int8_lut(float in_scale, int32_t in_zero_point, float out_scale,
                              int32_t out_zero_point, Fn fn, int8_t table[256]) {
  const float inverse_scale = 1 / out_scale;
  for (int32_t v = -128; v <= 127; ++v) {
    const float dequantized = in_scale * static_cast<float>(v - in_zero_point);
    const float rescaled = std::round(fn(dequantized) * inverse_scale);
    const int32_t q = static_cast<int32_t>(rescaled + static_cast<float>(out_zero_point));
    table[static_cast<uint8_t>(static_cast<int8_t>(v))] =
        static_cast<int8_t>(std::max(std::min(q, int32_t{127}), int32_t{-128}));
  }
}

/// out[i] = table[(uint8)in[i]].
inline void apply_int8_lut(int64_t n, const int8_t table[256], const int8_t* in, int8_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = table[static_cast<uint8_t>(in[i])];
}

/// TFLite's PopulateSoftmaxLookupTable: table[255 − v] = expf(−s_in·β · v) for v in [0, 255],
/// so table[255 − max + x] = e^{−s_in·β·(max − x)}.
inline void populate_softmax_table(float in_scale, float beta, float table[256]) {
  const float scale = -in_scale * beta;
  for (int32_t v = 0; v <= 255; ++v) table[255 - v] = std::exp(scale * static_cast<float>(v));
}

/// int8 SOFTMAX over the last axis (TFLite's optimized Softmax with the float table): per row,
/// e_j = table[255 − max + x_j], sum in float in order, and
/// out_j = clamp(round(e_j · (1 / (sum · s_out))) + z_out), ties away from zero.
inline void softmax_int8(int64_t rows, int64_t depth, const float table[256], float out_scale,
                         int32_t out_zero_point, const int8_t* input, int8_t* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const int8_t* x = input + r * depth;
    int8_t* y = output + r * depth;
    int32_t max = std::numeric_limits<int8_t>::min();
    for (int64_t j = 0; j < depth; ++j) max = std::max(max, static_cast<int32_t>(x[j]));
    const float* t = table + 255 - max;
    float sum = 0.0f;
    for (int64_t j = 0; j < depth; ++j) sum += t[x[j]];
    const float inverse = 1.0f / (sum * out_scale);
    for (int64_t j = 0; j < depth; ++j) {
      const int32_t q = static_cast<int32_t>(std::round(t[x[j]] * inverse)) + out_zero_point;
      y[j] = static_cast<int8_t>(std::max(std::min(q, int32_t{127}), int32_t{-128}));
    }
  }
}

/// Tables and multiplier of int16 SOFTMAX (TFLite's SoftmaxPrepare for int16).
struct SoftmaxInt16Params {
  quant::QuantizedMultiplier input_multiplier;  ///< s_in·β / (10 / 65535)
  quant::RoundingMode rounding = quant::RoundingMode::kDoubleRounding;
  int16_t exp_lut[quant::kInt16LutSize];                  ///< e^x on [−10, 0]
  int16_t one_over_one_plus_x_lut[quant::kInt16LutSize];  ///< 1 / (1 + x) on [0, 1]
};

/// int16 SOFTMAX over the last axis (TFLite's reference SoftmaxInt16): the differences to the
/// row maximum are scaled so that [−65535, 0] covers [−10, 0], exponentiated through the table,
/// summed in Q16.15, inverted through the 1/(1+x) table, and each output is
/// clamp((e_j · reciprocal + round) >> (31 − headroom), 0, 32767).
inline void softmax_int16(int64_t rows, int64_t depth, const SoftmaxInt16Params& p,
                          const int16_t* input, int16_t* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const int16_t* x = input + r * depth;
    int16_t* y = output + r * depth;  // holds the exponentials until the last loop
    int16_t max = std::numeric_limits<int16_t>::min();
    for (int64_t j = 0; j < depth; ++j) max = std::max(max, x[j]);
    int32_t sum = 0;
    for (int64_t j = 0; j < depth; ++j) {
      const int32_t diff = x[j] - max;
      const int32_t scaled =
          quant::multiply_by_quantized_multiplier(diff, p.input_multiplier, p.rounding);
      const int32_t centred = std::min(std::max(scaled + 32767, -32768), 32767);
      y[j] = static_cast<int16_t>(quant::int16_table_lookup(centred, p.exp_lut));
      sum += y[j];
    }
    const int headroom_plus_one = std::countl_zero(static_cast<uint32_t>(sum));
    const int32_t shifted_sum = static_cast<int32_t>(
        ((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    // The table computes 1 / (1 + x), so x = sum − 1, recentred from [0, 65535] to int16.
    const int32_t centred_sum =
        std::min(std::max(shifted_sum - ((1 << 15) + (1 << 16)), -32768), 32767);
    const int64_t reciprocal = quant::int16_table_lookup(centred_sum, p.one_over_one_plus_x_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int64_t j = 0; j < depth; ++j) {
      const int64_t v = (int64_t{y[j]} * reciprocal + round) >> right_shift;
      y[j] = static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(v, 0), 32767));
    }
  }
}

}  // namespace qexp::interp::reference

#pragma once
/// Quantized MEAN references. TFLite 2.12's int8 MEAN has three code paths with three different
/// arithmetics, and which one runs depends on the shapes and parameters; all three are here.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "framework/core/shape.h"
#include "framework/quantization/fixed_point.h"

namespace qexp::interp::reference {

/// Sums the input elements that reduce to each output element, in int64 (exact), into `sums`
/// (`out_size` entries). `out_strides[d]` is the output stride of input axis d, 0 for a reduced
/// axis (the layout of reference::mean).
template <typename T>
inline void reduce_sums(const Shape& in_shape, std::span<const int64_t> out_strides,
                        int64_t out_size, const T* input, int64_t* sums) {
  for (int64_t j = 0; j < out_size; ++j) sums[j] = 0;
  const int rank = in_shape.rank();
  const int64_t total = in_shape.num_elements();
  std::array<int64_t, kMaxRank> index{};
  int64_t dst = 0;
  for (int64_t i = 0; i < total; ++i) {
    sums[dst] += input[i];
    for (int d = rank - 1; d >= 0; --d) {
      const size_t u = static_cast<size_t>(d);
      ++index[u];
      dst += out_strides[u];
      if (index[u] < in_shape[d]) break;
      dst -= out_strides[u] * in_shape[d];
      index[u] = 0;
    }
  }
}

/// Path "spatial" (4-D input, keep_dims, axes {1, 2}; TFLite's optimized_integer_ops::Mean):
/// out = clamp(requant(Σ q, s_in / (n · s_out)) + bias) with
/// bias = z_out − trunc(z_in · s_in / s_out ± 0.5) and every factor computed in float.
struct SpatialMeanParams {
  quant::QuantizedMultiplier multiplier;
  quant::RoundingMode rounding = quant::RoundingMode::kDoubleRounding;
  int32_t bias = 0;
};

inline SpatialMeanParams spatial_mean_params(float in_scale, int32_t in_zero_point, float out_scale,
                                             int32_t out_zero_point, int64_t count) {
  SpatialMeanParams p;
  float temp = static_cast<float>(in_zero_point) * in_scale / out_scale;
  temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
  p.bias = out_zero_point - static_cast<int32_t>(temp);
  const float real_scale = in_scale / (static_cast<float>(count) * out_scale);
  p.multiplier = quant::quantize_multiplier(real_scale);
  return p;
}

inline int32_t spatial_mean(int64_t sum, const SpatialMeanParams& p) {
  const int32_t scaled =
      quant::multiply_by_quantized_multiplier(static_cast<int32_t>(sum), p.multiplier, p.rounding);
  return scaled + p.bias;
}

/// Path "same parameters" (TFLite's reference_ops::Mean when input and output share scale and
/// zero point): Σ q / n with C++ integer division, which truncates toward zero.
inline int64_t truncating_mean(int64_t sum, int64_t count) { return sum / count; }

/// Path "rescale" (TFLite's QuantizedMeanOrSum): in float, mean = float(Σ q) / float(n),
/// out = round(mean · (s_in / s_out) − z_in · (s_in / s_out)) + z_out, ties away from zero.
inline float float_rescaled_mean(int64_t sum, int64_t count, float in_scale, int32_t in_zero_point,
                                 float out_scale, int32_t out_zero_point) {
  const float scale = in_scale / out_scale;
  const float bias = static_cast<float>(-in_zero_point) * scale;
  const float mean = static_cast<float>(sum) / static_cast<float>(count);
  return std::round(mean * scale + bias) + static_cast<float>(out_zero_point);
}

}  // namespace qexp::interp::reference

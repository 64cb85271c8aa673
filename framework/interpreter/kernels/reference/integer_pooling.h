#pragma once
/// AVERAGE_POOL_2D and MAX_POOL_2D integer references (TFLite's int8 kernels). Input and output
/// share scale and zero point, so the pools work on the stored integers directly.

#include <algorithm>
#include <cstdint>

#include "framework/core/shape.h"
#include "framework/interpreter/kernels/reference/pooling.h"

namespace qexp::interp::reference {

/// Integer division of a window sum by its element count, rounded to nearest with ties away
/// from zero (TFLite: (acc ± count/2) / count with truncating division).
inline int32_t rounded_average(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

/// output[b, oy, ox, c] = clamp(rounded_average(Σ window), act_min, act_max) over the in-bounds
/// window (padding is not counted). `p.activation` is ignored; [act_min, act_max] is the
/// quantized activation range. Shapes: input [N,H,W,C], output [N,OH,OW,C].
template <typename T>
inline void average_pool2d_integer(const PoolParams& p, int32_t act_min, int32_t act_max,
                                   const Shape& input_shape, const T* input,
                                   const Shape& output_shape, T* output) {
  const int64_t batches = input_shape[0], in_h = input_shape[1], in_w = input_shape[2];
  const int64_t channels = input_shape[3];
  const int64_t out_h = output_shape[1], out_w = output_shape[2];
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t oy = 0; oy < out_h; ++oy) {
      int64_t fy0, fy1;
      pool_window(oy, p.stride_h, p.pad_top, p.filter_h, in_h, &fy0, &fy1);
      for (int64_t ox = 0; ox < out_w; ++ox) {
        int64_t fx0, fx1;
        pool_window(ox, p.stride_w, p.pad_left, p.filter_w, in_w, &fx0, &fx1);
        const int64_t iy0 = oy * p.stride_h - p.pad_top, ix0 = ox * p.stride_w - p.pad_left;
        const int32_t count =
            static_cast<int32_t>(std::max<int64_t>(fy1 - fy0, 0) * std::max<int64_t>(fx1 - fx0, 0));
        for (int64_t c = 0; c < channels; ++c) {
          int32_t sum = 0;
          for (int64_t fy = fy0; fy < fy1; ++fy) {
            for (int64_t fx = fx0; fx < fx1; ++fx) {
              sum += input[((b * in_h + iy0 + fy) * in_w + ix0 + fx) * channels + c];
            }
          }
          // SAME/VALID windows always hold an element; the guard keeps malformed parameters
          // from dividing by zero.
          const int32_t avg = count > 0 ? rounded_average(sum, count) : 0;
          output[((b * out_h + oy) * out_w + ox) * channels + c] =
              static_cast<T>(std::min(std::max(avg, act_min), act_max));
        }
      }
    }
  }
}

/// output[b, oy, ox, c] = clamp(max of the in-bounds window, act_min, act_max).
template <typename T>
inline void max_pool2d_integer(const PoolParams& p, int32_t act_min, int32_t act_max,
                               const Shape& input_shape, const T* input, const Shape& output_shape,
                               T* output) {
  const int64_t batches = input_shape[0], in_h = input_shape[1], in_w = input_shape[2];
  const int64_t channels = input_shape[3];
  const int64_t out_h = output_shape[1], out_w = output_shape[2];
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t oy = 0; oy < out_h; ++oy) {
      int64_t fy0, fy1;
      pool_window(oy, p.stride_h, p.pad_top, p.filter_h, in_h, &fy0, &fy1);
      for (int64_t ox = 0; ox < out_w; ++ox) {
        int64_t fx0, fx1;
        pool_window(ox, p.stride_w, p.pad_left, p.filter_w, in_w, &fx0, &fx1);
        const int64_t iy0 = oy * p.stride_h - p.pad_top, ix0 = ox * p.stride_w - p.pad_left;
        for (int64_t c = 0; c < channels; ++c) {
          int32_t max = act_min;  // TFLite starts from the lowest value, then clamps
          bool any = false;
          for (int64_t fy = fy0; fy < fy1; ++fy) {
            for (int64_t fx = fx0; fx < fx1; ++fx) {
              const int32_t v = input[((b * in_h + iy0 + fy) * in_w + ix0 + fx) * channels + c];
              max = any ? std::max(max, v) : v;
              any = true;
            }
          }
          output[((b * out_h + oy) * out_w + ox) * channels + c] =
              static_cast<T>(std::min(std::max(max, act_min), act_max));
        }
      }
    }
  }
}

}  // namespace qexp::interp::reference

#pragma once
/// AVERAGE_POOL_2D and MAX_POOL_2D references (TFLite semantics).

#include <algorithm>
#include <cstdint>
#include <limits>

#include "framework/core/shape.h"
#include "framework/interpreter/kernels/activation.h"

namespace qexp::interp::reference {

struct PoolParams {
  int64_t stride_h = 1, stride_w = 1;
  int64_t filter_h = 1, filter_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  ActivationRange activation;
};

/// The window of output position `o` along one axis, clipped to the input: [*begin, *end) in
/// filter coordinates. Padding positions are not part of the window.
inline void pool_window(int64_t o, int64_t stride, int64_t pad, int64_t filter, int64_t in,
                        int64_t* begin, int64_t* end) {
  const int64_t origin = o * stride - pad;
  *begin = std::max<int64_t>(0, -origin);
  *end = std::min<int64_t>(filter, in - origin);
}

/// output[b, oy, ox, c] = act(mean of the in-bounds input values under the window): with SAME
/// padding the divisor is the number of in-bounds elements, not filter_h·filter_w (TFLite).
/// Shapes: input [N,H,W,C], output [N,OH,OW,C].
inline void average_pool2d(const PoolParams& p, const Shape& input_shape, const float* input,
                           const Shape& output_shape, float* output) {
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
          float total = 0.0f;
          int64_t count = 0;
          for (int64_t fy = fy0; fy < fy1; ++fy) {
            for (int64_t fx = fx0; fx < fx1; ++fx) {
              total += input[((b * in_h + iy0 + fy) * in_w + ix0 + fx) * channels + c];
              ++count;
            }
          }
          // SAME/VALID windows always hold an input element; the guard keeps malformed
          // parameters from dividing by zero.
          const float average = count > 0 ? total / static_cast<float>(count) : 0.0f;
          output[((b * out_h + oy) * out_w + ox) * channels + c] =
              apply_activation(average, p.activation);
        }
      }
    }
  }
}

/// output[b, oy, ox, c] = act(max of the in-bounds input values under the window).
inline void max_pool2d(const PoolParams& p, const Shape& input_shape, const float* input,
                       const Shape& output_shape, float* output) {
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
          float max = std::numeric_limits<float>::lowest();
          for (int64_t fy = fy0; fy < fy1; ++fy) {
            for (int64_t fx = fx0; fx < fx1; ++fx) {
              max = std::max(max, input[((b * in_h + iy0 + fy) * in_w + ix0 + fx) * channels + c]);
            }
          }
          output[((b * out_h + oy) * out_w + ox) * channels + c] =
              apply_activation(max, p.activation);
        }
      }
    }
  }
}

}  // namespace qexp::interp::reference

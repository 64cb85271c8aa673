#pragma once
/// DEPTHWISE_CONV_2D reference (TFLite semantics).

#include <cstdint>

#include "framework/core/shape.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/reference/conv2d.h"

namespace qexp::interp::reference {

/// With oc = c·M + m:
/// output[b, oy, ox, oc] = act(bias[oc] + Σ input[b, iy, ix, c] · filter[0, ky, kx, oc])
/// over ky, kx with iy = oy·stride_h − pad_top + ky·dilation_h (likewise x); out-of-bounds
/// positions contribute zero. Shapes: input [N,H,W,C], filter [1,KH,KW,C·M], output
/// [N,OH,OW,C·M], M = depth_multiplier. `bias` may be null.
inline void depthwise_conv2d(const ConvParams& p, int64_t depth_multiplier,
                             const Shape& input_shape, const float* input,
                             const Shape& filter_shape, const float* filter, const float* bias,
                             const Shape& output_shape, float* output) {
  const int64_t batches = input_shape[0], in_h = input_shape[1], in_w = input_shape[2];
  const int64_t in_c = input_shape[3];
  const int64_t k_h = filter_shape[1], k_w = filter_shape[2];
  const int64_t out_h = output_shape[1], out_w = output_shape[2], out_c = output_shape[3];
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const int64_t in_y0 = oy * p.stride_h - p.pad_top;
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t in_x0 = ox * p.stride_w - p.pad_left;
        for (int64_t ic = 0; ic < in_c; ++ic) {
          for (int64_t m = 0; m < depth_multiplier; ++m) {
            const int64_t oc = ic * depth_multiplier + m;
            float total = 0.0f;
            for (int64_t ky = 0; ky < k_h; ++ky) {
              const int64_t iy = in_y0 + ky * p.dilation_h;
              if (iy < 0 || iy >= in_h) continue;
              for (int64_t kx = 0; kx < k_w; ++kx) {
                const int64_t ix = in_x0 + kx * p.dilation_w;
                if (ix < 0 || ix >= in_w) continue;
                total += input[((b * in_h + iy) * in_w + ix) * in_c + ic] *
                         filter[(ky * k_w + kx) * out_c + oc];
              }
            }
            const float bias_value = bias != nullptr ? bias[oc] : 0.0f;
            output[((b * out_h + oy) * out_w + ox) * out_c + oc] =
                apply_activation(total + bias_value, p.activation);
          }
        }
      }
    }
  }
}

}  // namespace qexp::interp::reference

#pragma once
/// CONV_2D reference (TFLite semantics): the specification optimized kernels are tested against.

#include <cstdint>

#include "framework/core/shape.h"
#include "framework/interpreter/kernels/activation.h"

namespace qexp::interp::reference {

struct ConvParams {
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  ///< leading padding (ir::conv_padding_before)
  ActivationRange activation;
};

/// output[b, oy, ox, oc] = act(bias[oc] + Σ input[b, iy, ix, g·Cf + ic] · filter[oc, ky, kx, ic])
/// over ky, kx, ic with iy = oy·stride_h − pad_top + ky·dilation_h (likewise x); positions outside
/// the input contribute zero. Shapes: input [N,H,W,C], filter [O,KH,KW,Cf] (OHWI), output
/// [N,OH,OW,O]. Grouped convolution: C = groups·Cf, group g = oc / (O / groups). `bias` may be
/// null. The sum runs over ky, kx, ic in that order, then the bias is added (as TFLite).
inline void conv2d(const ConvParams& p, const Shape& input_shape, const float* input,
                   const Shape& filter_shape, const float* filter, const float* bias,
                   const Shape& output_shape, float* output) {
  const int64_t batches = input_shape[0], in_h = input_shape[1], in_w = input_shape[2];
  const int64_t in_c = input_shape[3];
  const int64_t k_h = filter_shape[1], k_w = filter_shape[2], filter_c = filter_shape[3];
  const int64_t out_h = output_shape[1], out_w = output_shape[2], out_c = output_shape[3];
  const int64_t groups = in_c / filter_c;
  const int64_t filters_per_group = out_c / groups;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const int64_t in_y0 = oy * p.stride_h - p.pad_top;
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t in_x0 = ox * p.stride_w - p.pad_left;
        for (int64_t oc = 0; oc < out_c; ++oc) {
          const int64_t group = oc / filters_per_group;
          float total = 0.0f;
          for (int64_t ky = 0; ky < k_h; ++ky) {
            const int64_t iy = in_y0 + ky * p.dilation_h;
            if (iy < 0 || iy >= in_h) continue;
            for (int64_t kx = 0; kx < k_w; ++kx) {
              const int64_t ix = in_x0 + kx * p.dilation_w;
              if (ix < 0 || ix >= in_w) continue;
              const float* in_px = input + ((b * in_h + iy) * in_w + ix) * in_c + group * filter_c;
              const float* w = filter + ((oc * k_h + ky) * k_w + kx) * filter_c;
              for (int64_t ic = 0; ic < filter_c; ++ic) total += in_px[ic] * w[ic];
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

}  // namespace qexp::interp::reference

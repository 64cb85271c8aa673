#pragma once
/// Integer CONV_2D and DEPTHWISE_CONV_2D references (TFLite semantics): the exact integer
/// accumulation shared by the int8, int16x8 and hybrid kernels. What happens to the accumulator
/// (bias, requantization, clamp, or float rescaling) is the caller's `emit` step, so each kernel
/// states its own output rule while the loops exist once.

#include <cstdint>
#include <limits>

#include "framework/core/shape.h"
#include "framework/interpreter/kernels/reference/conv2d.h"

namespace qexp::interp::reference {

/// The input zero-point correction: input_offset[b · batch_stride] is added to every input value
/// of batch b (TFLite's input_offset = −zero_point). batch_stride is 0 for a per-tensor zero
/// point and 1 for the per-batch zero points of asymmetric hybrid kernels.
struct InputOffsets {
  const int32_t* values = nullptr;
  int64_t batch_stride = 0;
  int32_t at(int64_t b) const { return values[b * batch_stride]; }
};

/// For every output element (b, oy, ox, oc) of a CONV_2D, computes the exact sum
///   Σ_{ky,kx,ic} (input[b, iy, ix, ic] + offset_b) · filter[oc, ky, kx, ic]
/// over the taps inside the input (padding contributes nothing: TFLite's im2col fills it with
/// the zero point, whose corrected value is 0), and calls emit(output_index, oc, b, sum).
/// `p.activation` is ignored. Shapes: input [N,H,W,C], filter [O,KH,KW,C], output [N,OH,OW,O].
/// The sum is exact in int64; kernels reduce it to TFLite's accumulator width themselves.
template <typename In, typename Emit>
inline void conv2d_accumulate(const ConvParams& p, const Shape& input_shape, const In* input,
                              InputOffsets offsets, const Shape& filter_shape, const int8_t* filter,
                              const Shape& output_shape, Emit emit) {
  const int64_t batches = input_shape[0], in_h = input_shape[1], in_w = input_shape[2];
  const int64_t in_c = input_shape[3];
  const int64_t k_h = filter_shape[1], k_w = filter_shape[2];
  const int64_t out_h = output_shape[1], out_w = output_shape[2], out_c = output_shape[3];
  for (int64_t b = 0; b < batches; ++b) {
    const int64_t offset = offsets.at(b);
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const int64_t in_y0 = oy * p.stride_h - p.pad_top;
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t in_x0 = ox * p.stride_w - p.pad_left;
        const int64_t out_base = ((b * out_h + oy) * out_w + ox) * out_c;
        for (int64_t oc = 0; oc < out_c; ++oc) {
          int64_t sum = 0;
          for (int64_t ky = 0; ky < k_h; ++ky) {
            const int64_t iy = in_y0 + ky * p.dilation_h;
            if (iy < 0 || iy >= in_h) continue;
            for (int64_t kx = 0; kx < k_w; ++kx) {
              const int64_t ix = in_x0 + kx * p.dilation_w;
              if (ix < 0 || ix >= in_w) continue;
              const In* px = input + ((b * in_h + iy) * in_w + ix) * in_c;
              const int8_t* w = filter + ((oc * k_h + ky) * k_w + kx) * in_c;
              for (int64_t ic = 0; ic < in_c; ++ic) sum += (px[ic] + offset) * int64_t{w[ic]};
            }
          }
          emit(out_base + oc, oc, b, sum);
        }
      }
    }
  }
}

/// DEPTHWISE_CONV_2D: with oc = ic · M + m, the exact sum
///   Σ_{ky,kx} (input[b, iy, ix, ic] + offset_b) · filter[0, ky, kx, oc]
/// over the taps inside the input, then emit(output_index, oc, b, sum). Shapes: input [N,H,W,C],
/// filter [1,KH,KW,C·M], output [N,OH,OW,C·M], M = depth_multiplier.
template <typename In, typename Emit>
inline void depthwise_conv2d_accumulate(const ConvParams& p, int64_t depth_multiplier,
                                        const Shape& input_shape, const In* input,
                                        InputOffsets offsets, const Shape& filter_shape,
                                        const int8_t* filter, const Shape& output_shape,
                                        Emit emit) {
  const int64_t batches = input_shape[0], in_h = input_shape[1], in_w = input_shape[2];
  const int64_t in_c = input_shape[3];
  const int64_t k_h = filter_shape[1], k_w = filter_shape[2];
  const int64_t out_h = output_shape[1], out_w = output_shape[2], out_c = output_shape[3];
  for (int64_t b = 0; b < batches; ++b) {
    const int64_t offset = offsets.at(b);
    for (int64_t oy = 0; oy < out_h; ++oy) {
      const int64_t in_y0 = oy * p.stride_h - p.pad_top;
      for (int64_t ox = 0; ox < out_w; ++ox) {
        const int64_t in_x0 = ox * p.stride_w - p.pad_left;
        const int64_t out_base = ((b * out_h + oy) * out_w + ox) * out_c;
        for (int64_t ic = 0; ic < in_c; ++ic) {
          for (int64_t m = 0; m < depth_multiplier; ++m) {
            const int64_t oc = ic * depth_multiplier + m;
            int64_t sum = 0;
            for (int64_t ky = 0; ky < k_h; ++ky) {
              const int64_t iy = in_y0 + ky * p.dilation_h;
              if (iy < 0 || iy >= in_h) continue;
              for (int64_t kx = 0; kx < k_w; ++kx) {
                const int64_t ix = in_x0 + kx * p.dilation_w;
                if (ix < 0 || ix >= in_w) continue;
                sum += (input[((b * in_h + iy) * in_w + ix) * in_c + ic] + offset) *
                       int64_t{filter[(ky * k_w + kx) * out_c + oc]};
              }
            }
            emit(out_base + oc, oc, b, sum);
          }
        }
      }
    }
  }
}

/// FULLY_CONNECTED: input viewed as [batches, depth], weights [units, depth]; for every (b, n)
/// the exact sum Σ_k (input[b, k] + offset_b) · (weights[n, k] + weights_offset), then
/// emit(b · units + n, n, b, sum).
template <typename In, typename Emit>
inline void fully_connected_accumulate(int64_t batches, int64_t depth, int64_t units,
                                       const In* input, InputOffsets offsets, const int8_t* weights,
                                       int32_t weights_offset, Emit emit) {
  for (int64_t b = 0; b < batches; ++b) {
    const int64_t offset = offsets.at(b);
    const In* x = input + b * depth;
    for (int64_t n = 0; n < units; ++n) {
      const int8_t* w = weights + n * depth;
      int64_t sum = 0;
      for (int64_t k = 0; k < depth; ++k) sum += (x[k] + offset) * int64_t{w[k] + weights_offset};
      emit(b * units + n, n, b, sum);
    }
  }
}

/// TFLite's int32 accumulators wrap in two's complement; sums of int8 products only do so for
/// absurd depths, but the reduction is defined (modulo 2^32) rather than undefined.
inline int32_t wrap_to_int32(int64_t v) { return static_cast<int32_t>(v); }

/// sum + bias for the int64 accumulators of the int16x8 kernels, saturating instead of
/// overflowing (a bias near the int64 limits can only come from a malformed file).
inline int64_t add_bias_saturating(int64_t sum, int64_t bias) {
  int64_t out;
  if (!__builtin_add_overflow(sum, bias, &out)) return out;
  return bias > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

}  // namespace qexp::interp::reference

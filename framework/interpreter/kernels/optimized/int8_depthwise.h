#pragma once
/// Optimized int8 DEPTHWISE_CONV_2D (depth multiplier 1, any kernel size up to
/// kMaxDepthwiseTaps taps, any stride, dilation and padding), bit-identical to the reference.
///
/// Per output pixel the kernel gathers one pointer per tap: into the input, or (for a tap in the
/// padding) to a row of z_in values. With x_pad = z_in in the padding,
///   Σ_valid (x − z_in)·w + bias = Σ_all x_pad·w + (bias − z_in·Σ_all w)   (mod 2^32),
/// so prepare folds z_in into the bias and eval accumulates int8 × int8 products in int32 over
/// channel vectors, then requantizes (int8_requant.h).

#include <cstdint>
#include <string_view>
#include <vector>

#include "framework/core/shape.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/kernels/optimized/int8_requant.h"
#include "framework/interpreter/kernels/reference/conv2d.h"

namespace qexp::interp::kernels::optimized {

inline constexpr int64_t kMaxDepthwiseTaps = 64;

struct Int8DepthwisePlan {
  /// The channel loop: kPortable, kAvx2 or kAvx512 (the AVX2 loop with AVX-512
  /// requantization).
  Isa simd = Isa::kPortable;
  reference::ConvParams params;
  int64_t batches = 0, in_h = 0, in_w = 0, channels = 0;
  int64_t k_h = 0, k_w = 0, out_h = 0, out_w = 0;
  std::vector<int32_t> weights;  ///< [taps][channels padded to kInt8ChannelPad]
  /// The AVX2 layout: per block of 16 channels and pair of taps (t, t + 1) (a missing last tap
  /// has weight 0), 32 int16 in vpunpck{l,h}wd order: channels 0-3 and 8-11 (t, t + 1
  /// alternating), then 4-7 and 12-15.
  std::vector<int16_t> weight_pairs;
  std::vector<int32_t> bias;    ///< bias − z_in·Σ_taps w, padded
  std::vector<int8_t> pad_row;  ///< channels (padded) copies of z_in
  Int8Requant requant;

  int64_t padded_channels() const { return round_up(channels, kInt8ChannelPad); }
  /// "depthwise_avx512", "depthwise_avx2" or "depthwise_portable".
  std::string_view variant() const {
    return simd == Isa::kAvx512 ? "depthwise_avx512"
           : simd == Isa::kAvx2 ? "depthwise_avx2"
                                : "depthwise_portable";
  }
};

/// Whether the fast path takes this geometry: depth multiplier 1 and at most kMaxDepthwiseTaps
/// taps (input [N,H,W,C], filter [1,KH,KW,C]).
bool int8_depthwise_supported(const Shape& filter, int64_t depth_multiplier);

/// Builds the plan from the filter values [1,KH,KW,C], the bias (C values, or empty) and the
/// input zero point. Precondition: int8_depthwise_supported.
Int8DepthwisePlan make_int8_depthwise_plan(Isa isa, const reference::ConvParams& params,
                                           const Shape& input, const Shape& filter,
                                           const Shape& output, const int8_t* weights,
                                           const int32_t* bias, int32_t input_zero_point,
                                           Int8Requant requant);

/// Computes output rows [row_begin, row_end) (row = b·out_h + oy) of the whole op.
void int8_depthwise_rows(const Int8DepthwisePlan& plan, const int8_t* input, int8_t* output,
                         int64_t row_begin, int64_t row_end);

/// One output pixel's taps: pointers to `channels` int8 values each (input or pad row).
/// Returns the tap count.
int64_t int8_depthwise_taps(const Int8DepthwisePlan& plan, const int8_t* input, int64_t b,
                            int64_t oy, int64_t ox, const int8_t** taps);

#if defined(QEXP_HAVE_X86_KERNELS)
/// AVX2 loop over one output row, channels [0, channels − channels % 16): rows[ky] points at
/// input row oy·stride − pad_top + ky·dilation of the batch, or is null in the padding.
void int8_depthwise_row_avx2(const Int8DepthwisePlan& plan, const int8_t* const* rows, int8_t* out);
/// The same loop with AVX-512 requantization.
void int8_depthwise_row_avx512(const Int8DepthwisePlan& plan, const int8_t* const* rows,
                               int8_t* out);
#endif

}  // namespace qexp::interp::kernels::optimized

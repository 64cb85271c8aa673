#include "framework/interpreter/kernels/optimized/int8_depthwise.h"

#include <utility>

namespace qexp::interp::kernels::optimized {

namespace {

std::vector<int16_t> pack_weight_pairs(const Int8DepthwisePlan& p) {
  const int64_t taps = p.k_h * p.k_w, pairs = (taps + 1) / 2, cp = p.padded_channels();
  std::vector<int16_t> packed(static_cast<size_t>(cp / 16 * pairs * 32), 0);
  for (int64_t block = 0; block < cp / 16; ++block) {
    for (int64_t pair = 0; pair < pairs; ++pair) {
      for (int64_t e = 0; e < 32; ++e) {
        // e: register (lo/hi) · 16 + 128-bit lane · 8 + channel-in-lane · 2 + tap-in-pair.
        const int64_t reg = e / 16, lane = e % 16 / 8, i = e % 8;
        const int64_t ch = block * 16 + lane * 8 + reg * 4 + i / 2, t = 2 * pair + i % 2;
        if (t < taps) {
          packed[static_cast<size_t>((block * pairs + pair) * 32 + e)] =
              static_cast<int16_t>(p.weights[static_cast<size_t>(t * cp + ch)]);
        }
      }
    }
  }
  return packed;
}

}  // namespace

bool int8_depthwise_supported(const Shape& filter, int64_t depth_multiplier) {
  return depth_multiplier == 1 && filter[1] * filter[2] <= kMaxDepthwiseTaps;
}

Int8DepthwisePlan make_int8_depthwise_plan(Isa isa, const reference::ConvParams& params,
                                           const Shape& input, const Shape& filter,
                                           const Shape& output, const int8_t* weights,
                                           const int32_t* bias, int32_t input_zero_point,
                                           Int8Requant requant) {
  Int8DepthwisePlan p;
#if defined(QEXP_HAVE_X86_KERNELS)
  if (requant.simd_exact() && isa >= Isa::kAvx2) {
    p.simd = isa >= Isa::kAvx512 ? Isa::kAvx512 : Isa::kAvx2;
  }
#else
  (void)isa;
#endif
  p.params = params;
  p.batches = input[0];
  p.in_h = input[1];
  p.in_w = input[2];
  p.channels = input[3];
  p.k_h = filter[1];
  p.k_w = filter[2];
  p.out_h = output[1];
  p.out_w = output[2];
  p.requant = std::move(requant);
  const int64_t taps = p.k_h * p.k_w, cp = p.padded_channels();
  p.weights.assign(static_cast<size_t>(taps * cp), 0);
  p.bias.assign(static_cast<size_t>(cp), 0);
  for (int64_t c = 0; c < p.channels; ++c) {
    int64_t sum = 0;
    for (int64_t t = 0; t < taps; ++t) {
      const int8_t w = weights[t * p.channels + c];
      p.weights[static_cast<size_t>(t * cp + c)] = w;
      sum += w;
    }
    const int64_t b = bias != nullptr ? bias[c] : 0;
    const uint64_t corrected =
        static_cast<uint64_t>(b) - static_cast<uint64_t>(int64_t{input_zero_point} * sum);
    p.bias[static_cast<size_t>(c)] = static_cast<int32_t>(static_cast<uint32_t>(corrected));
  }
  if (p.simd != Isa::kPortable) p.weight_pairs = pack_weight_pairs(p);
  p.pad_row.assign(static_cast<size_t>(cp), static_cast<int8_t>(input_zero_point));
  return p;
}

int64_t int8_depthwise_taps(const Int8DepthwisePlan& p, const int8_t* input, int64_t b, int64_t oy,
                            int64_t ox, const int8_t** taps) {
  const int64_t y0 = oy * p.params.stride_h - p.params.pad_top;
  const int64_t x0 = ox * p.params.stride_w - p.params.pad_left;
  int64_t n = 0;
  for (int64_t ky = 0; ky < p.k_h; ++ky) {
    const int64_t iy = y0 + ky * p.params.dilation_h;
    const bool row_ok = iy >= 0 && iy < p.in_h;
    for (int64_t kx = 0; kx < p.k_w; ++kx) {
      const int64_t ix = x0 + kx * p.params.dilation_w;
      taps[n++] = row_ok && ix >= 0 && ix < p.in_w
                      ? input + ((b * p.in_h + iy) * p.in_w + ix) * p.channels
                      : p.pad_row.data();
    }
  }
  return n;
}

void int8_depthwise_rows(const Int8DepthwisePlan& p, const int8_t* input, int8_t* output,
                         int64_t row_begin, int64_t row_end) {
  const int8_t* taps[kMaxDepthwiseTaps];
  const int64_t cp = p.padded_channels();
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / p.out_h, oy = row % p.out_h;
    int64_t c_begin = 0;
#if defined(QEXP_HAVE_X86_KERNELS)
    if (p.simd != Isa::kPortable) {
      const int8_t* rows[kMaxDepthwiseTaps];
      for (int64_t ky = 0; ky < p.k_h; ++ky) {
        const int64_t iy = oy * p.params.stride_h - p.params.pad_top + ky * p.params.dilation_h;
        rows[ky] =
            iy >= 0 && iy < p.in_h ? input + (b * p.in_h + iy) * p.in_w * p.channels : nullptr;
      }
      int8_t* out_row = output + row * p.out_w * p.channels;
      if (p.simd == Isa::kAvx512) {
        int8_depthwise_row_avx512(p, rows, out_row);
      } else {
        int8_depthwise_row_avx2(p, rows, out_row);
      }
      c_begin = p.channels - p.channels % 16;
      if (c_begin == p.channels) continue;
    }
#endif
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t num_taps = int8_depthwise_taps(p, input, b, oy, ox, taps);
      int8_t* out = output + (row * p.out_w + ox) * p.channels;
      for (int64_t c = c_begin; c < p.channels; ++c) {
        // Unsigned arithmetic: wraps modulo 2^32 like the reference's int32 accumulator.
        uint32_t acc = static_cast<uint32_t>(p.bias[static_cast<size_t>(c)]);
        for (int64_t t = 0; t < num_taps; ++t) {
          acc += static_cast<uint32_t>(int32_t{taps[t][c]} *
                                       p.weights[static_cast<size_t>(t * cp + c)]);
        }
        out[c] = requantize_one(p.requant, static_cast<int32_t>(acc), c);
      }
    }
  }
}

}  // namespace qexp::interp::kernels::optimized

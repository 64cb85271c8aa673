#pragma once
// The x86 channel loop of the optimized int8 DEPTHWISE_CONV_2D, shared by the AVX2 and AVX-512
// files (each includes it under its own -m flags, hence internal linkage; they differ in the
// requantization step): 16 channels × one output pixel at a time. Two taps are interleaved as
// int16 pairs and multiplied by vpmaddwd against weight pairs packed in prepare
// (Int8DepthwisePlan::weight_pairs): each int32 lane gets x_t·w_t + x_u·w_u (at most 2·2^14,
// exact).

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include "framework/interpreter/kernels/optimized/int8_depthwise.h"

namespace qexp::interp::kernels::optimized {
namespace {  // NOLINT(build/namespaces): internal linkage per ISA

// Taps of one output row: tap t of pixel ox reads row[t] + (ox·stride_w − pad_left + dx[t])·C,
// null row for a tap in the vertical padding. An odd tap count gets a copy of tap 0 (its packed
// weights are 0).
struct RowTaps {
  const int8_t* row[kMaxDepthwiseTaps + 1];
  int64_t dx[kMaxDepthwiseTaps + 1];
  int64_t pairs = 0;
  bool rows_inside = true;
};

RowTaps row_taps(const Int8DepthwisePlan& p, const int8_t* const* rows) {
  RowTaps r;
  const int64_t taps = p.k_h * p.k_w;
  for (int64_t t = 0; t < taps; ++t) {
    r.row[t] = rows[t / p.k_w];
    r.dx[t] = t % p.k_w * p.params.dilation_w;
    r.rows_inside = r.rows_inside && r.row[t] != nullptr;
  }
  r.row[taps] = r.row[0];
  r.dx[taps] = r.dx[0];
  r.pairs = (taps + 1) / 2;
  return r;
}

// acc_lo / acc_hi += the products of taps t and t + 1 at 16 channels: x_t, x_u the 16 input
// bytes of each, w the 32 packed int16 weights of the pair.
inline void pair_madd(const int8_t* x_t, const int8_t* x_u, const int16_t* w, __m256i& acc_lo,
                      __m256i& acc_hi) {
  const __m256i t = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x_t)));
  const __m256i u = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x_u)));
  acc_lo = _mm256_add_epi32(
      acc_lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(t, u),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w))));
  acc_hi = _mm256_add_epi32(
      acc_hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(t, u),
                                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 16))));
}

// One output row, channels [0, channels − channels % 16), for kPairs tap pairs (0: any count,
// taps.pairs). Store<kRule>(requant, c) holds the requantization constants of channels
// [c, c + 16) and stores two accumulator vectors there.
template <int kPairs, template <RequantRule> class Store, RequantRule kRule>
void row_blocks(const Int8DepthwisePlan& p, const RowTaps& taps, int8_t* out) {
  const int64_t pairs = kPairs > 0 ? kPairs : taps.pairs;
  const int64_t channels = p.channels, full = channels - channels % 16;
  const int64_t span = (p.k_w - 1) * p.params.dilation_w + 1;
  for (int64_t c = 0; c < full; c += 16) {
    const Store<kRule> store(p.requant, c);
    const __m256i bias0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&p.bias[c]));
    const __m256i bias1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&p.bias[c + 8]));
    const int16_t* w_block = p.weight_pairs.data() + c / 16 * pairs * 32;
    const int8_t* pad = p.pad_row.data() + c;
    // Tap t of the pixel with x0 = 0 (only dereferenced with the offset of an interior pixel).
    const int8_t* tap0[kMaxDepthwiseTaps + 1];
    for (int64_t t = 0; t < 2 * pairs; ++t) {
      tap0[t] = taps.row[t] != nullptr ? taps.row[t] + taps.dx[t] * channels + c : nullptr;
    }
    for (int64_t ox = 0; ox < p.out_w; ++ox) {
      const int64_t x0 = ox * p.params.stride_w - p.params.pad_left;
      __m256i acc_lo = _mm256_setzero_si256(), acc_hi = _mm256_setzero_si256();
      if (taps.rows_inside && x0 >= 0 && x0 + span <= p.in_w) {
        const int64_t offset = x0 * channels;
        for (int64_t i = 0; i < pairs; ++i) {
          pair_madd(tap0[2 * i] + offset, tap0[2 * i + 1] + offset, w_block + 32 * i, acc_lo,
                    acc_hi);
        }
      } else {
        auto at = [&](int64_t t) {
          const int64_t ix = x0 + taps.dx[t];
          return taps.row[t] != nullptr && ix >= 0 && ix < p.in_w ? taps.row[t] + ix * channels + c
                                                                  : pad;
        };
        for (int64_t i = 0; i < pairs; ++i) {
          pair_madd(at(2 * i), at(2 * i + 1), w_block + 32 * i, acc_lo, acc_hi);
        }
      }
      // acc_lo holds channels 0-3 | 8-11, acc_hi 4-7 | 12-15 (vpunpck*wd work per 128 bits).
      const __m256i acc0 = _mm256_add_epi32(_mm256_permute2x128_si256(acc_lo, acc_hi, 0x20), bias0);
      const __m256i acc1 = _mm256_add_epi32(_mm256_permute2x128_si256(acc_lo, acc_hi, 0x31), bias1);
      store(out + ox * channels + c, acc0, acc1);
    }
  }
}

// row_blocks for the row whose input rows are `rows`, with the 3×3 filter's 5 pairs unrolled.
template <template <RequantRule> class Store>
void depthwise_row(const Int8DepthwisePlan& p, const int8_t* const* rows, int8_t* out) {
  const RowTaps taps = row_taps(p, rows);
  dispatch_requant_rule(p.requant.rule, [&](auto rule) {
    if (taps.pairs == 5) {
      row_blocks<5, Store, decltype(rule)::value>(p, taps, out);
    } else {
      row_blocks<0, Store, decltype(rule)::value>(p, taps, out);
    }
  });
}

}  // namespace
}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

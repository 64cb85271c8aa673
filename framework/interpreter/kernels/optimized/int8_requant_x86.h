#pragma once
// AVX2 requantization of int32 accumulators to int8, bit-identical to requantize_one()
// (int8_requant.h). Included only by the per-ISA sources (*_avx2.cc, *_avx512vnni.cc), each
// compiled with its own -m flags: everything here has internal linkage so that no copy built
// for a higher ISA can be picked by the linker for a lower one. (The AVX-512 files use it on
// both 256-bit halves: Zen 4 splits 512-bit operations into two 256-bit ones anyway.)
//
// The rules, per 32-bit lane (x = accumulator, m = Q0.31 multiplier, s = shift):
//   double rounding: h = SRDHM(x << max(s,0), m) = (x·m + 2^30) >> 31 (exact: the nudge of
//                    saturating_rounding_doubling_high_mul is floor(ab/2^31 + 1/2) for both
//                    signs, and m >= 0 excludes its saturation case), then
//                    rounding_divide_by_pot(h, max(-s,0)).
//   single rounding: (x·m + 2^(t-1)) >> t, t = 31 - s >= 31 (Int8Requant::simd_exact), computed
//                    as a logical shift of the non-negative x·m + 2^(t-1) + 2^62 and corrected
//                    by 2^(62-t); the result always fits int32 for t >= 31.
//   fp32:            nearbyint(float(x)·scale) (ties to even, the default MXCSR mode), clamped
//                    in float first (the same as clamping the rounded integer).
// then clamp to [out_min − z, out_max − z] and + z.

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include <cstdint>

#include "framework/interpreter/kernels/optimized/int8_requant.h"

namespace qexp::interp::kernels::optimized {
namespace {  // NOLINT(build/namespaces): internal linkage per ISA, see above

// Constants for 8 consecutive channels, derived once per channel block.
struct Requant8 {
  __m256i mult, mult_odd;             // multiplier; odd lanes moved to the low half of 64 bits
  __m256i left, right, mask, thresh;  // double rounding
  __m256i t_even, t_odd, add_even, add_odd, sub;  // single rounding
  __m256 scale, fmin, fmax;                       // fp32
  __m256i lo, hi, zero_point;
};

inline Requant8 load_requant8(const Int8Requant& r, int64_t c0) {
  Requant8 q;
  const __m256i zero = _mm256_setzero_si256();
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i shift = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&r.shift[c0]));
  q.mult = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&r.multiplier[c0]));
  q.mult_odd = _mm256_srli_epi64(q.mult, 32);
  q.left = _mm256_max_epi32(shift, zero);
  q.right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
  q.mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, q.right), one);
  q.thresh = _mm256_srai_epi32(q.mask, 1);
  const __m256i t = _mm256_sub_epi32(_mm256_set1_epi32(31), shift);
  q.t_even = _mm256_and_si256(t, _mm256_set1_epi64x(0xffffffff));
  q.t_odd = _mm256_srli_epi64(t, 32);
  const __m256i one64 = _mm256_set1_epi64x(1);
  const __m256i bias62 = _mm256_set1_epi64x(int64_t{1} << 62);
  q.add_even =
      _mm256_add_epi64(_mm256_sllv_epi64(one64, _mm256_sub_epi64(q.t_even, one64)), bias62);
  q.add_odd = _mm256_add_epi64(_mm256_sllv_epi64(one64, _mm256_sub_epi64(q.t_odd, one64)), bias62);
  q.sub = _mm256_sllv_epi32(one, _mm256_sub_epi32(_mm256_set1_epi32(62), t));
  q.scale = _mm256_loadu_ps(&r.scale[c0]);
  q.lo = _mm256_set1_epi32(r.out_min - r.zero_point);
  q.hi = _mm256_set1_epi32(r.out_max - r.zero_point);
  q.fmin = _mm256_cvtepi32_ps(q.lo);
  q.fmax = _mm256_cvtepi32_ps(q.hi);
  q.zero_point = _mm256_set1_epi32(r.zero_point);
  return q;
}

template <RequantRule kRule>
inline __m256i requant8(__m256i acc, const Requant8& q) {
  __m256i v;
  if constexpr (kRule == RequantRule::kFloatHalfEven) {
    __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), q.scale);
    f = _mm256_min_ps(_mm256_max_ps(f, q.fmin), q.fmax);
    return _mm256_add_epi32(_mm256_cvtps_epi32(f), q.zero_point);
  } else if constexpr (kRule == RequantRule::kSingleRounding) {
    const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(acc, q.mult), q.add_even);
    const __m256i po =
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(acc, 32), q.mult_odd), q.add_odd);
    const __m256i re = _mm256_srlv_epi64(pe, q.t_even);
    const __m256i ro = _mm256_slli_epi64(_mm256_srlv_epi64(po, q.t_odd), 32);
    v = _mm256_sub_epi32(_mm256_blend_epi32(re, ro, 0xAA), q.sub);
  } else {
    const __m256i k2p30 = _mm256_set1_epi64x(int64_t{1} << 30);
    const __m256i x = _mm256_sllv_epi32(acc, q.left);
    const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, q.mult), k2p30);
    const __m256i po =
        _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), q.mult_odd), k2p30);
    const __m256i h = _mm256_blend_epi32(_mm256_srli_epi64(pe, 31), _mm256_slli_epi64(po, 1), 0xAA);
    const __m256i rem = _mm256_and_si256(h, q.mask);
    const __m256i thr = _mm256_sub_epi32(q.thresh, _mm256_srai_epi32(h, 31));
    v = _mm256_sub_epi32(_mm256_srav_epi32(h, q.right), _mm256_cmpgt_epi32(rem, thr));
  }
  v = _mm256_min_epi32(_mm256_max_epi32(v, q.lo), q.hi);
  return _mm256_add_epi32(v, q.zero_point);
}

// 16 int32 values already in [-128, 127] (a: channels 0-7, b: 8-15) → 16 int8 in order.
inline __m128i pack16(__m256i a, __m256i b) {
  const __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
  return _mm_packs_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
}

// Stores the first n (<= 16) bytes of v.
inline void store_partial(int8_t* dst, __m128i v, int64_t n) {
  if (n >= 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
    return;
  }
  alignas(16) int8_t tmp[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(tmp), v);
  for (int64_t i = 0; i < n; ++i) dst[i] = tmp[i];
}

}  // namespace
}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

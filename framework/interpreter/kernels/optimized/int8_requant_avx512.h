#pragma once
// AVX-512 requantization of 16 int32 accumulators to int8: the rules of int8_requant_x86.h
// (which explains the arithmetic) on 512-bit vectors, for the AVX-512 files only. Internal
// linkage for the same reason as there. (Conversions use the zero-masking forms: GCC 12 warns
// that the plain ones read an uninitialized register.)

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include <cstdint>

#include "framework/interpreter/kernels/optimized/int8_requant.h"

namespace qexp::interp::kernels::optimized {
namespace {  // NOLINT(build/namespaces): internal linkage per ISA

// Constants for 16 consecutive channels.
struct Requant16 {
  __m512i mult, mult_odd;
  __m512i left, right, mask, thresh;
  __m512i t_even, t_odd, add_even, add_odd, sub;
  __m512 scale, fmin, fmax;
  __m512i lo, hi, zero_point;
};

inline Requant16 load_requant16(const Int8Requant& r, int64_t c0) {
  Requant16 q;
  const __m512i zero = _mm512_setzero_si512();
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i shift = _mm512_loadu_si512(&r.shift[c0]);
  q.mult = _mm512_loadu_si512(&r.multiplier[c0]);
  q.mult_odd = _mm512_srli_epi64(q.mult, 32);
  q.left = _mm512_max_epi32(shift, zero);
  q.right = _mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero);
  q.mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, q.right), one);
  q.thresh = _mm512_srai_epi32(q.mask, 1);
  const __m512i t = _mm512_sub_epi32(_mm512_set1_epi32(31), shift);
  q.t_even = _mm512_and_si512(t, _mm512_set1_epi64(0xffffffff));
  q.t_odd = _mm512_srli_epi64(t, 32);
  const __m512i one64 = _mm512_set1_epi64(1);
  const __m512i bias62 = _mm512_set1_epi64(int64_t{1} << 62);
  q.add_even =
      _mm512_add_epi64(_mm512_sllv_epi64(one64, _mm512_sub_epi64(q.t_even, one64)), bias62);
  q.add_odd = _mm512_add_epi64(_mm512_sllv_epi64(one64, _mm512_sub_epi64(q.t_odd, one64)), bias62);
  q.sub = _mm512_sllv_epi32(one, _mm512_sub_epi32(_mm512_set1_epi32(62), t));
  q.scale = _mm512_loadu_ps(&r.scale[c0]);
  q.lo = _mm512_set1_epi32(r.out_min - r.zero_point);
  q.hi = _mm512_set1_epi32(r.out_max - r.zero_point);
  q.fmin = _mm512_maskz_cvtepi32_ps(0xffff, q.lo);
  q.fmax = _mm512_maskz_cvtepi32_ps(0xffff, q.hi);
  q.zero_point = _mm512_set1_epi32(r.zero_point);
  return q;
}

// 16 accumulators → 16 int8 (requantized, clamped, + zero point).
template <RequantRule kRule>
inline __m128i requant16(__m512i acc, const Requant16& q) {
  __m512i v;
  if constexpr (kRule == RequantRule::kFloatHalfEven) {
    __m512 f = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(0xffff, acc), q.scale);
    f = _mm512_min_ps(_mm512_max_ps(f, q.fmin), q.fmax);
    return _mm512_maskz_cvtepi32_epi8(
        0xffff, _mm512_add_epi32(_mm512_maskz_cvtps_epi32(0xffff, f), q.zero_point));
  } else if constexpr (kRule == RequantRule::kSingleRounding) {
    const __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(acc, q.mult), q.add_even);
    const __m512i po =
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), q.mult_odd), q.add_odd);
    const __m512i re = _mm512_srlv_epi64(pe, q.t_even);
    const __m512i ro = _mm512_slli_epi64(_mm512_srlv_epi64(po, q.t_odd), 32);
    v = _mm512_sub_epi32(_mm512_mask_blend_epi32(0xAAAA, re, ro), q.sub);
  } else {
    const __m512i k2p30 = _mm512_set1_epi64(int64_t{1} << 30);
    const __m512i x = _mm512_sllv_epi32(acc, q.left);
    const __m512i pe = _mm512_add_epi64(_mm512_mul_epi32(x, q.mult), k2p30);
    const __m512i po =
        _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), q.mult_odd), k2p30);
    const __m512i h =
        _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe, 31), _mm512_slli_epi64(po, 1));
    const __m512i rem = _mm512_and_si512(h, q.mask);
    const __m512i thr = _mm512_sub_epi32(q.thresh, _mm512_srai_epi32(h, 31));
    const __m512i shifted = _mm512_srav_epi32(h, q.right);
    v = _mm512_mask_add_epi32(shifted, _mm512_cmpgt_epi32_mask(rem, thr), shifted,
                              _mm512_set1_epi32(1));
  }
  v = _mm512_min_epi32(_mm512_max_epi32(v, q.lo), q.hi);
  return _mm512_maskz_cvtepi32_epi8(0xffff, _mm512_add_epi32(v, q.zero_point));
}

}  // namespace
}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

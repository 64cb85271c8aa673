// AVX2 QUANTIZE float → int8 (int8_quantize.h states the rules this reproduces).

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include "framework/interpreter/kernels/optimized/int8_quantize.h"
#include "framework/interpreter/kernels/reference/quantize.h"

namespace qexp::interp::kernels::optimized {
namespace {

// 4 floats → round(double(x) / scale) half away from zero, + zero point, clamped to int8, NaN
// as 0 + zero point; returned as 4 int32.
inline __m128i divide_half_away4(__m128 x, __m256d scale, __m256d zero_point) {
  const __m256d q = _mm256_div_pd(_mm256_cvtps_pd(x), scale);
  const __m256d t = _mm256_round_pd(q, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const __m256d sign_bit = _mm256_set1_pd(-0.0);
  const __m256d frac = _mm256_andnot_pd(sign_bit, _mm256_sub_pd(q, t));  // |q − t|, exact
  const __m256d one = _mm256_or_pd(_mm256_and_pd(q, sign_bit), _mm256_set1_pd(1.0));
  const __m256d up = _mm256_cmp_pd(frac, _mm256_set1_pd(0.5), _CMP_GE_OQ);
  __m256d r = _mm256_add_pd(t, _mm256_and_pd(up, one));
  r = _mm256_andnot_pd(_mm256_cmp_pd(q, q, _CMP_UNORD_Q), r);  // NaN → 0
  r = _mm256_add_pd(r, zero_point);
  r = _mm256_min_pd(_mm256_max_pd(r, _mm256_set1_pd(-128.0)), _mm256_set1_pd(127.0));
  return _mm256_cvtpd_epi32(r);
}

// 8 floats → nearbyint(x · inv_scale) in float, + zero point, clamped, NaN as 0.
inline __m256i reciprocal_half_even8(__m256 x, __m256 inv_scale, __m256 zero_point) {
  __m256 r =
      _mm256_round_ps(_mm256_mul_ps(x, inv_scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  r = _mm256_andnot_ps(_mm256_cmp_ps(r, r, _CMP_UNORD_Q), r);
  r = _mm256_add_ps(r, zero_point);
  r = _mm256_min_ps(_mm256_max_ps(r, _mm256_set1_ps(-128.0f)), _mm256_set1_ps(127.0f));
  return _mm256_cvtps_epi32(r);
}

// 8 int32 in [-128, 127] → 8 int8 at out.
inline void store8(int8_t* out, __m256i v) {
  const __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packs_epi16(w, w));
}

}  // namespace

void int8_quantize_avx2(int64_t n, const float* in, float scale, int32_t zero_point,
                        QuantizeRounding rounding, int8_t* out) {
  int64_t i = 0;
  if (rounding == QuantizeRounding::kDivideHalfAway) {
    const __m256d s = _mm256_set1_pd(scale), z = _mm256_set1_pd(zero_point);
    for (; i + 8 <= n; i += 8) {
      const __m256 x = _mm256_loadu_ps(in + i);
      store8(out + i, _mm256_set_m128i(divide_half_away4(_mm256_extractf128_ps(x, 1), s, z),
                                       divide_half_away4(_mm256_castps256_ps128(x), s, z)));
    }
  } else {
    const __m256 inv = _mm256_set1_ps(1.0f / scale);
    const __m256 z = _mm256_set1_ps(static_cast<float>(zero_point));
    for (; i + 8 <= n; i += 8) {
      store8(out + i, reciprocal_half_even8(_mm256_loadu_ps(in + i), inv, z));
    }
  }
  reference::quantize(n - i, in + i, scale, zero_point, rounding, out + i);
}

}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

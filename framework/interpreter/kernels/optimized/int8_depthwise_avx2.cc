// AVX2 channel loop of the optimized int8 DEPTHWISE_CONV_2D: 16 channels at a time, int8 taps
// sign-extended to int32 and multiplied exactly (|x·w| <= 2^14), then requantized in registers.

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include "framework/interpreter/kernels/optimized/int8_depthwise.h"
#include "framework/interpreter/kernels/optimized/int8_requant_x86.h"

namespace qexp::interp::kernels::optimized {
namespace {

template <RequantRule kRule>
void pixel(const Int8DepthwisePlan& p, const int8_t* const* taps, int64_t num_taps, int8_t* out) {
  const int64_t cp = p.padded_channels(), full = p.channels - p.channels % 16;
  for (int64_t c = 0; c < full; c += 16) {
    __m256i acc0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&p.bias[c]));
    __m256i acc1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(&p.bias[c + 8]));
    const int32_t* w = p.weights.data() + c;
    for (int64_t t = 0; t < num_taps; ++t, w += cp) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(taps[t] + c));
      const __m256i x0 = _mm256_cvtepi8_epi32(x);
      const __m256i x1 = _mm256_cvtepi8_epi32(_mm_unpackhi_epi64(x, x));
      acc0 = _mm256_add_epi32(
          acc0, _mm256_mullo_epi32(x0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w))));
      acc1 = _mm256_add_epi32(
          acc1,
          _mm256_mullo_epi32(x1, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 8))));
    }
    const Requant8 q0 = load_requant8(p.requant, c), q1 = load_requant8(p.requant, c + 8);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c),
                     pack16(requant8<kRule>(acc0, q0), requant8<kRule>(acc1, q1)));
  }
}

}  // namespace

void int8_depthwise_pixel_avx2(const Int8DepthwisePlan& plan, const int8_t* const* taps,
                               int64_t num_taps, int8_t* out) {
  dispatch_requant_rule(plan.requant.rule, [&](auto rule) {
    pixel<decltype(rule)::value>(plan, taps, num_taps, out);
  });
}

}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

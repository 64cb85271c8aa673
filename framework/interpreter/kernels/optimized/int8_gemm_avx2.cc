// int8 GEMM microkernel for AVX2: 4 rows × 16 channels of int32 accumulators. Activations are
// widened to u = x + 128 in int16 and multiplied with int16 weight pairs by vpmaddwd, whose pair
// sums (at most 2·255·128) are exact in int32 — vpmaddubsw would saturate them at int16.

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include <algorithm>

#include "framework/interpreter/kernels/optimized/int8_gemm.h"
#include "framework/interpreter/kernels/optimized/int8_requant_x86.h"

namespace qexp::interp::kernels::optimized {
namespace {

constexpr int kMr = 4;

// (x[0] + 128) | (x[1] + 128) << 16: one int16 pair of activations.
inline int32_t load_pair(const int8_t* x) {
  const uint32_t u0 = static_cast<uint8_t>(x[0]) ^ 0x80u, u1 = static_cast<uint8_t>(x[1]) ^ 0x80u;
  return static_cast<int32_t>(u0 | (u1 << 16));
}

template <int kRows, RequantRule kRule>
void tile(const int8_t* a, int64_t a_stride, int64_t k, const int16_t* panel, const int32_t* bias,
          const Requant8* rq, int8_t* out, int64_t out_stride, int64_t n_valid) {
  __m256i acc[kRows][2];
  const __m256i bias0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias));
  const __m256i bias1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 8));
  for (int r = 0; r < kRows; ++r) {
    acc[r][0] = bias0;
    acc[r][1] = bias1;
  }
  const int64_t full = k / 2;
  const int16_t* bp = panel;
  for (int64_t i = 0; i < full; ++i, bp += 32) {
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp + 16));
    for (int r = 0; r < kRows; ++r) {
      const __m256i u = _mm256_set1_epi32(load_pair(a + r * a_stride + 2 * i));
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(u, w0));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(u, w1));
    }
  }
  if (k % 2 != 0) {
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bp + 16));
    for (int r = 0; r < kRows; ++r) {
      const uint32_t u0 = static_cast<uint8_t>(a[r * a_stride + k - 1]) ^ 0x80u;
      const __m256i u = _mm256_set1_epi32(static_cast<int32_t>(u0));
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(u, w0));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(u, w1));
    }
  }
  for (int r = 0; r < kRows; ++r) {
    store_partial(out + r * out_stride,
                  pack16(requant8<kRule>(acc[r][0], rq[0]), requant8<kRule>(acc[r][1], rq[1])),
                  n_valid);
  }
}

}  // namespace

void int8_gemm_avx2(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                    int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end) {
  const int64_t pairs = round_up(plan.k, 2) / 2;
  dispatch_requant_rule(plan.requant.rule, [&](auto rule) {
    for_each_gemm_tile<kMr>(plan, rows, n_begin, n_end, [&](int64_t nb, int64_t n_valid) {
      const Requant8 rq[2] = {load_requant8(plan.requant, nb), load_requant8(plan.requant, nb + 8)};
      const int16_t* panel = plan.packed16.data() + (nb / 16) * pairs * 32;
      return [=, &plan](auto r, int64_t m) {
        tile<decltype(r)::value, decltype(rule)::value>(
            a + m * a_stride, a_stride, plan.k, panel, plan.bias.data() + nb, rq,
            out + m * out_stride + nb, out_stride, n_valid);
      };
    });
  });
}

}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

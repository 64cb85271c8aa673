// int8 GEMM microkernel for AVX2: 3 rows × 16 channels of int32 accumulators (with 4 rows GCC
// spills accumulators). Activations are widened to u = x + 128 in int16 and multiplied with int16
// weight pairs by vpmaddwd, whose pair sums (at most 2·255·128) are exact in int32 — vpmaddubsw
// would saturate them at int16. Four k per step: one broadcast of 4 activation bytes per row,
// split into two pairs by vpshufb.

#if defined(QEXP_HAVE_X86_KERNELS)

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "framework/interpreter/kernels/optimized/int8_gemm.h"
#include "framework/interpreter/kernels/optimized/int8_requant_x86.h"

namespace qexp::interp::kernels::optimized {
namespace {

constexpr int kMr = 3;

// Four activation bytes x[0..4) as u = x + 128 in two int16 pairs, (u0, u1) and (u2, u3), each
// broadcast to every 32-bit lane (one broadcast, one XOR and two vpshufb per row and 4 k).
struct PairSplit {
  __m256i flip = _mm256_set1_epi32(static_cast<int32_t>(0x80808080u));
  __m256i first = _mm256_set1_epi32(static_cast<int32_t>(0x80018000u));   // bytes 0, 1
  __m256i second = _mm256_set1_epi32(static_cast<int32_t>(0x80038002u));  // bytes 2, 3

  void split(int32_t bytes, __m256i& p01, __m256i& p23) const {
    const __m256i u = _mm256_xor_si256(_mm256_set1_epi32(bytes), flip);
    p01 = _mm256_shuffle_epi8(u, first);
    p23 = _mm256_shuffle_epi8(u, second);
  }
};

// Four bytes of activations from x[0, n) (n <= 4; missing bytes are 0x80, i.e. u = 0).
inline int32_t load_group(const int8_t* x, int64_t n) {
  int32_t v = static_cast<int32_t>(0x80808080u);
  std::memcpy(&v, x, static_cast<size_t>(n));
  return v;
}

inline __m256i load8(const int16_t* p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
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
  const PairSplit pairs;
  const int64_t groups = k / 4;
  const int16_t* bp = panel;  // per pair of k: 16 channels × 2 int16
  for (int64_t g = 0; g < groups; ++g, bp += 64) {
    for (int r = 0; r < kRows; ++r) {
      int32_t bytes;
      std::memcpy(&bytes, a + r * a_stride + 4 * g, 4);
      __m256i p01, p23;
      pairs.split(bytes, p01, p23);
      // One product at a time into the accumulators: 8 accumulators, 3 constants and 3
      // temporaries fit the 16 registers.
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(p01, load8(bp)));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(p01, load8(bp + 16)));
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(p23, load8(bp + 32)));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(p23, load8(bp + 48)));
    }
  }
  if (const int64_t rest = k - 4 * groups; rest > 0) {
    for (int r = 0; r < kRows; ++r) {
      __m256i p01, p23;
      pairs.split(load_group(a + r * a_stride + 4 * groups, rest), p01, p23);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(p01, load8(bp)));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(p01, load8(bp + 16)));
      if (rest > 2) {  // the panel has a second pair only then
        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(p23, load8(bp + 32)));
        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(p23, load8(bp + 48)));
      }
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

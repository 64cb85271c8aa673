// int8 GEMM microkernel for AVX-512 VNNI: 8 rows × 32 channels of int32 accumulators in 16 zmm
// registers, one vpdpbusd per 4 k × 16 channels × 1 row; requantized in registers and stored as
// int8 (int8_gemm.h explains the u = x + 128 bias correction that makes this exact).

#if defined(QEXP_HAVE_X86_KERNELS)

// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// _mm512_undefined_* pass-through operand of the unmasked forms) once they are inlined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "framework/interpreter/kernels/optimized/int8_gemm.h"
#include "framework/interpreter/kernels/optimized/int8_requant_avx512.h"

namespace qexp::interp::kernels::optimized {
namespace {

constexpr int kMr = 8;

// acc += dot4(u, w) per lane (vpdpbusd). Inline asm: with the intrinsic, GCC 12 copies every
// accumulator to another register once per k step (the instruction's destination is tied to
// its accumulator input), which costs a third of the loop's instructions.
inline void dpbusd(__m512i& acc, __m512i u, __m512i w) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "v"(w));
}

// Four bytes of activations from x[0, n) (n <= 4; missing bytes are 0x80, i.e. u = 0).
inline int32_t load_group(const int8_t* x, int64_t n) {
  int32_t v = static_cast<int32_t>(0x80808080u);
  std::memcpy(&v, x, static_cast<size_t>(n));
  return v;
}

// Broadcast of four activation bytes as u = x + 128.
inline __m512i broadcast_u(const int8_t* x, __m512i flip) {
  int32_t v;
  std::memcpy(&v, x, 4);
  return _mm512_xor_si512(_mm512_set1_epi32(v), flip);
}

// The accumulators are named variables, not an array: GCC keeps an array that inline asm
// references in memory.
#define QEXP_VNNI_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define QEXP_VNNI_DECLARE(r) __m512i acc##r##0 = bias0, acc##r##1 = bias1;
#define QEXP_VNNI_STEP(r)                              \
  if constexpr (kRows > r) {                           \
    const __m512i u = broadcast_u(rows[r] + at, flip); \
    dpbusd(acc##r##0, u, w0);                          \
    dpbusd(acc##r##1, u, w1);                          \
  }
#define QEXP_VNNI_REST(r)                                           \
  if constexpr (kRows > r) {                                        \
    const int32_t v = load_group(rows[r] + 4 * full, rest);         \
    const __m512i u = _mm512_xor_si512(_mm512_set1_epi32(v), flip); \
    dpbusd(acc##r##0, u, w0);                                       \
    dpbusd(acc##r##1, u, w1);                                       \
  }
#define QEXP_VNNI_SAVE(r)    \
  if constexpr (kRows > r) { \
    acc[r][0] = acc##r##0;   \
    acc[r][1] = acc##r##1;   \
  }

template <int kRows, RequantRule kRule>
void tile(const int8_t* a, int64_t a_stride, int64_t k, const int8_t* panel, const int32_t* bias,
          const Requant16* rq, int8_t* out, int64_t out_stride, int64_t n_valid) {
  const __m512i bias0 = _mm512_loadu_si512(bias), bias1 = _mm512_loadu_si512(bias + 16);
  QEXP_VNNI_ROWS(QEXP_VNNI_DECLARE)
  const int8_t* rows[8];
  for (int r = 0; r < 8; ++r) rows[r] = a + std::min(r, kRows - 1) * a_stride;
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(0x80808080u));
  const int64_t full = k / 4;
  const int8_t* bp = panel;
  for (int64_t at = 0; at < 4 * full; at += 4, bp += 128) {
    const __m512i w0 = _mm512_loadu_si512(bp), w1 = _mm512_loadu_si512(bp + 64);
    QEXP_VNNI_ROWS(QEXP_VNNI_STEP)
  }
  if (const int64_t rest = k - 4 * full; rest > 0) {
    const __m512i w0 = _mm512_loadu_si512(bp), w1 = _mm512_loadu_si512(bp + 64);
    QEXP_VNNI_ROWS(QEXP_VNNI_REST)
  }
  __m512i acc[kRows][2];
  QEXP_VNNI_ROWS(QEXP_VNNI_SAVE)
  const __mmask16 m0 = static_cast<__mmask16>(n_valid >= 16 ? 0xffff : (1u << n_valid) - 1);
  const __mmask16 m1 = static_cast<__mmask16>(n_valid >= 32   ? 0xffff
                                              : n_valid <= 16 ? 0
                                                              : (1u << (n_valid - 16)) - 1);
  for (int r = 0; r < kRows; ++r) {
    int8_t* o = out + r * out_stride;
    _mm_mask_storeu_epi8(o, m0, requant16<kRule>(acc[r][0], rq[0]));
    if (m1 != 0) _mm_mask_storeu_epi8(o + 16, m1, requant16<kRule>(acc[r][1], rq[1]));
  }
}

#undef QEXP_VNNI_ROWS
#undef QEXP_VNNI_DECLARE
#undef QEXP_VNNI_STEP
#undef QEXP_VNNI_REST
#undef QEXP_VNNI_SAVE

}  // namespace

void int8_gemm_avx512vnni(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                          int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end) {
  const int64_t groups = round_up(plan.k, 4) / 4;
  dispatch_requant_rule(plan.requant.rule, [&](auto rule) {
    for_each_gemm_tile<kMr>(plan, rows, n_begin, n_end, [&](int64_t nb, int64_t n_valid) {
      const Requant16 rq[2] = {load_requant16(plan.requant, nb),
                               load_requant16(plan.requant, nb + 16)};
      const int8_t* panel = plan.packed.data() + (nb / 32) * groups * 128;
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

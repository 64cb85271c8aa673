// AVX-512 build of the depthwise channel loop (int8_depthwise_x86.h): the same accumulation,
// with the 16 accumulators of a pixel requantized as one 512-bit vector.

#if defined(QEXP_HAVE_X86_KERNELS)

// GCC 12 reports -Wmaybe-uninitialized inside its own AVX-512 intrinsics (the
// _mm512_undefined_* pass-through operand of the unmasked forms) once they are inlined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "framework/interpreter/kernels/optimized/int8_depthwise_x86.h"
#include "framework/interpreter/kernels/optimized/int8_requant_avx512.h"

namespace qexp::interp::kernels::optimized {
namespace {

template <RequantRule kRule>
struct Store16 {
  Store16(const Int8Requant& r, int64_t c) : q(load_requant16(r, c)) {}
  void operator()(int8_t* out, __m256i acc0, __m256i acc1) const {
    const __m512i acc = _mm512_inserti64x4(_mm512_castsi256_si512(acc0), acc1, 1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), requant16<kRule>(acc, q));
  }
  Requant16 q;
};

}  // namespace

void int8_depthwise_row_avx512(const Int8DepthwisePlan& plan, const int8_t* const* rows,
                               int8_t* out) {
  depthwise_row<Store16>(plan, rows, out);
}

}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

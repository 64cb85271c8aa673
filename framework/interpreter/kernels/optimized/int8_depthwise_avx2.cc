// AVX2 depthwise channel loop (int8_depthwise_x86.h) with AVX2 requantization.

#if defined(QEXP_HAVE_X86_KERNELS)

#include "framework/interpreter/kernels/optimized/int8_depthwise_x86.h"
#include "framework/interpreter/kernels/optimized/int8_requant_x86.h"

namespace qexp::interp::kernels::optimized {
namespace {

template <RequantRule kRule>
struct Store8 {
  Store8(const Int8Requant& r, int64_t c) : q0(load_requant8(r, c)), q1(load_requant8(r, c + 8)) {}
  void operator()(int8_t* out, __m256i acc0, __m256i acc1) const {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                     pack16(requant8<kRule>(acc0, q0), requant8<kRule>(acc1, q1)));
  }
  Requant8 q0, q1;
};

}  // namespace

void int8_depthwise_row_avx2(const Int8DepthwisePlan& plan, const int8_t* const* rows,
                             int8_t* out) {
  depthwise_row<Store8>(plan, rows, out);
}

}  // namespace qexp::interp::kernels::optimized

#endif  // QEXP_HAVE_X86_KERNELS

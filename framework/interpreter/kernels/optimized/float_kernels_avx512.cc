// Float GEMM (8 × 32 register tile) and depthwise kernels with AVX-512F (compiled with the
// AVX-512 flags, see framework/interpreter/CMakeLists.txt).

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

#include "framework/interpreter/kernels/optimized/float_kernels_impl.h"
#include "framework/interpreter/kernels/optimized/float_kernels_isa.h"
#include "framework/interpreter/kernels/optimized/float_softmax_impl.h"

namespace qexp::interp::kernels::optimized::detail {
namespace {

struct VecAvx512 {
  using V = __m512;
  static constexpr int kLanes = 16;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float x) { return _mm512_set1_ps(x); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static __mmask16 mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static V load_partial(const float* p, int n) { return _mm512_maskz_loadu_ps(mask(n), p); }
  static V fmadd(V a, V b, V acc) { return _mm512_fmadd_ps(a, b, acc); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  // std::min(std::max(x, lo), hi) lane by lane: ordered compares leave a NaN x unchanged.
  // (Blends rather than _mm512_max_ps, which trips GCC 12's -Wuninitialized in its header.)
  static V clamp(V x, V lo, V hi) {
    x = _mm512_mask_mov_ps(x, _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ), lo);
    return _mm512_mask_mov_ps(x, _mm512_cmp_ps_mask(hi, x, _CMP_LT_OQ), hi);
  }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static void store_partial(float* p, V v, int n) { _mm512_mask_storeu_ps(p, mask(n), v); }
};

}  // namespace

static_assert(kFloatTileAvx512.nr == 2 * VecAvx512::kLanes);

void float_gemm_avx512(const FloatGemmArgs& args) {
  impl::gemm<VecAvx512, kFloatTileAvx512.mr, 2>(args);
}

void float_depthwise_avx512(const FloatDepthwiseArgs& args, int64_t row_begin, int64_t row_end) {
  impl::depthwise_rows<VecAvx512>(args, row_begin, row_end);
}

#if defined(__GNUC__)
void float_softmax_avx512(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end) {
  impl::softmax_rows<VecAvx512>(args, row_begin, row_end);
}
#endif

}  // namespace qexp::interp::kernels::optimized::detail

#endif

// Float GEMM (6 × 16 register tile) and depthwise kernels with AVX2 + FMA (compiled with the
// AVX2 flags, see framework/interpreter/CMakeLists.txt).

#if defined(__x86_64__) || defined(_M_X64)

#include <immintrin.h>

#include "framework/interpreter/kernels/optimized/float_kernels_impl.h"
#include "framework/interpreter/kernels/optimized/float_kernels_isa.h"
#include "framework/interpreter/kernels/optimized/float_softmax_impl.h"

namespace qexp::interp::kernels::optimized::detail {
namespace {

struct VecAvx2 {
  using V = __m256;
  static constexpr int kLanes = 8;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float x) { return _mm256_set1_ps(x); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static __m256i mask(int n) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
  }
  static V load_partial(const float* p, int n) { return _mm256_maskload_ps(p, mask(n)); }
  static V fmadd(V a, V b, V acc) { return _mm256_fmadd_ps(a, b, acc); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  // max(lo, x) and min(hi, x) return x when x is NaN, as std::min(std::max(x, lo), hi).
  static V clamp(V x, V lo, V hi) { return _mm256_min_ps(hi, _mm256_max_ps(lo, x)); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static void store_partial(float* p, V v, int n) { _mm256_maskstore_ps(p, mask(n), v); }
};

}  // namespace

static_assert(kFloatTileAvx2.nr == 2 * VecAvx2::kLanes);

void float_gemm_avx2(const FloatGemmArgs& args) { impl::gemm<VecAvx2, kFloatTileAvx2.mr, 2>(args); }

void float_depthwise_avx2(const FloatDepthwiseArgs& args, int64_t row_begin, int64_t row_end) {
  impl::depthwise_rows<VecAvx2>(args, row_begin, row_end);
}

#if defined(__GNUC__)
void float_softmax_avx2(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end) {
  impl::softmax_rows<VecAvx2>(args, row_begin, row_end);
}
#endif

}  // namespace qexp::interp::kernels::optimized::detail

#endif

// Float GEMM (4 × 8 tile) and depthwise kernels in plain C++: the fallback on every machine
// (the compiler vectorizes the 4-lane loops for the baseline instruction set).

#include <algorithm>
#include <cstring>

#include "framework/interpreter/kernels/optimized/float_kernels_impl.h"
#include "framework/interpreter/kernels/optimized/float_kernels_isa.h"
#include "framework/interpreter/kernels/optimized/float_softmax_impl.h"

namespace qexp::interp::kernels::optimized::detail {
namespace {

#if defined(__GNUC__)
// GCC / Clang vector extension: 4 floats in one register of whatever the baseline has (SSE2 on
// x86-64, NEON on AArch64), with element-wise arithmetic and comparisons.
using Float4 = float __attribute__((vector_size(16)));
#else
struct Float4 {  // plain array elsewhere; the operators below give it the same interface
  float x[4];
  float& operator[](int i) { return x[i]; }
  float operator[](int i) const { return x[i]; }
};
#endif

struct VecPortable {
  static constexpr int kLanes = 4;
  using V = Float4;
  static V set1(float s) {
#if defined(__GNUC__)
    return V{s, s, s, s};
#else
    return V{{s, s, s, s}};
#endif
  }
  static V zero() { return set1(0.0f); }
  static V load(const float* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static V load_partial(const float* p, int n) {
    V v = zero();
    std::memcpy(&v, p, sizeof(float) * static_cast<size_t>(n));
    return v;
  }
  static V fmadd(V a, V b, V acc) {
#if defined(__GNUC__)
    return a * b + acc;
#else
    for (int i = 0; i < kLanes; ++i) acc[i] += a[i] * b[i];
    return acc;
#endif
  }
  static V add(V a, V b) {
#if defined(__GNUC__)
    return a + b;
#else
    for (int i = 0; i < kLanes; ++i) a[i] += b[i];
    return a;
#endif
  }
  // std::min(std::max(v, lo), hi) lane by lane (a NaN stays NaN).
  static V clamp(V v, V lo, V hi) {
#if defined(__GNUC__)
    v = v < lo ? lo : v;
    return hi < v ? hi : v;
#else
    for (int i = 0; i < kLanes; ++i) v[i] = std::min(std::max(v[i], lo[i]), hi[i]);
    return v;
#endif
  }
  static void store(float* p, V v) { std::memcpy(p, &v, sizeof v); }
  static void store_partial(float* p, V v, int n) {
    std::memcpy(p, &v, sizeof(float) * static_cast<size_t>(n));
  }
};

}  // namespace

static_assert(kFloatTilePortable.nr == 2 * VecPortable::kLanes);

void float_gemm_portable(const FloatGemmArgs& args) {
  impl::gemm<VecPortable, kFloatTilePortable.mr, 2>(args);
}

void float_depthwise_portable(const FloatDepthwiseArgs& args, int64_t row_begin, int64_t row_end) {
  impl::depthwise_rows<VecPortable>(args, row_begin, row_end);
}

#if defined(__GNUC__)
void float_softmax_portable(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end) {
  impl::softmax_rows<VecPortable>(args, row_begin, row_end);
}
#endif

}  // namespace qexp::interp::kernels::optimized::detail

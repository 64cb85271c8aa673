// Float GEMM (4 × 8 tile) and depthwise kernels in plain C++: the fallback on every machine
// (the compiler vectorizes the 4-lane loops for the baseline instruction set).

#include <algorithm>
#include <cstring>

#include "framework/interpreter/kernels/optimized/float_kernels_impl.h"
#include "framework/interpreter/kernels/optimized/float_kernels_isa.h"

namespace qexp::interp::kernels::optimized::detail {
namespace {

struct VecPortable {
  static constexpr int kLanes = 4;
  struct V {
    float x[kLanes];
  };
  static V zero() { return set1(0.0f); }
  static V set1(float s) {
    V v;
    for (float& e : v.x) e = s;
    return v;
  }
  static V load(const float* p) {
    V v;
    std::memcpy(v.x, p, sizeof v.x);
    return v;
  }
  static V load_partial(const float* p, int n) {
    V v = zero();
    std::memcpy(v.x, p, sizeof(float) * static_cast<size_t>(n));
    return v;
  }
  static V fmadd(V a, V b, V acc) {
    for (int i = 0; i < kLanes; ++i) acc.x[i] += a.x[i] * b.x[i];
    return acc;
  }
  static V add(V a, V b) {
    for (int i = 0; i < kLanes; ++i) a.x[i] += b.x[i];
    return a;
  }
  static V clamp(V v, V lo, V hi) {
    for (int i = 0; i < kLanes; ++i) v.x[i] = std::min(std::max(v.x[i], lo.x[i]), hi.x[i]);
    return v;
  }
  static void store(float* p, V v) { std::memcpy(p, v.x, sizeof v.x); }
  static void store_partial(float* p, V v, int n) {
    std::memcpy(p, v.x, sizeof(float) * static_cast<size_t>(n));
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

}  // namespace qexp::interp::kernels::optimized::detail

#pragma once
// Entry points of the per-ISA float kernels (float_kernels_<isa>.cc) and their tile sizes.
// Internal to kernels/optimized: callers go through float_kernels.h, which dispatches.

#include <cstdint>

#include "framework/interpreter/kernels/optimized/float_kernels.h"

namespace qexp::interp::kernels::optimized::detail {

inline constexpr FloatGemmTile kFloatTilePortable{4, 8};
inline constexpr FloatGemmTile kFloatTileAvx2{6, 16};
inline constexpr FloatGemmTile kFloatTileAvx512{8, 32};
// Vector lanes (floats): half the tile width, the GEMM tiles being two vectors wide.
inline constexpr int lanes(FloatGemmTile tile) { return tile.nr / 2; }

void float_gemm_portable(const FloatGemmArgs& args);
void float_softmax_portable(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end);
void float_depthwise_portable(const FloatDepthwiseArgs& args, int64_t row_begin, int64_t row_end);

#if defined(QEXP_HAVE_X86_KERNELS)
void float_gemm_avx2(const FloatGemmArgs& args);
void float_softmax_avx2(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end);
void float_depthwise_avx2(const FloatDepthwiseArgs& args, int64_t row_begin, int64_t row_end);
void float_gemm_avx512(const FloatGemmArgs& args);
void float_softmax_avx512(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end);
void float_depthwise_avx512(const FloatDepthwiseArgs& args, int64_t row_begin, int64_t row_end);
#endif

}  // namespace qexp::interp::kernels::optimized::detail

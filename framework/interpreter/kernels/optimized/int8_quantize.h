#pragma once
/// Optimized QUANTIZE float → int8 (the input op of every int8 model with float I/O), bit-identical
/// to reference::quantize for both roundings (kernels/rounding.h):
///   kDivideHalfAway:     round(double(x) / double(scale)) half away from zero, in double
///                        (t = trunc(q); t + sign(q) where |q − t| >= 0.5, which is exact);
///   kReciprocalHalfEven: nearbyint(x · (1.0f / scale)) in float;
/// then + zero_point and clamp to int8 (NaN quantizes to 0 before the zero point). The SIMD
/// version needs AVX2; below that the kernel stays on the reference loop.

#include <cstdint>

#include "framework/interpreter/kernels/rounding.h"

namespace qexp::interp::kernels::optimized {

#if defined(QEXP_HAVE_X86_KERNELS)
/// out[i] = clamp(round(in[i] / scale) + zero_point) for i < n, as reference::quantize<int8_t>.
void int8_quantize_avx2(int64_t n, const float* in, float scale, int32_t zero_point,
                        QuantizeRounding rounding, int8_t* out);
#endif

}  // namespace qexp::interp::kernels::optimized

#pragma once
/// DEQUANTIZE reference: real = (q − zero_point) · scale, and float16 → float32.

#include <cstdint>

#include "framework/core/dtype.h"

namespace qexp::interp::reference {

/// Per-axis dequantization of a tensor viewed as [outer, channels, inner]: element (o, c, i)
/// uses scale[c] and zero_point[c]. Per-tensor is channels = 1. As TFLite, the product is
/// formed in double and rounded to float once.
template <typename T>
inline void dequantize(int64_t outer, int64_t channels, int64_t inner, const T* input,
                       const float* scale, const int64_t* zero_point, float* output) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const double s = static_cast<double>(scale[c]);
      const int64_t z = zero_point[c];
      const int64_t base = (o * channels + c) * inner;
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t q = static_cast<int64_t>(input[base + i]);
        output[base + i] = static_cast<float>(s * static_cast<double>(q - z));
      }
    }
  }
}

/// IEEE half (stored as uint16 bits) to float; exact.
inline void dequantize_float16(int64_t n, const uint16_t* input, float* output) {
  for (int64_t i = 0; i < n; ++i) output[i] = half_to_float(input[i]);
}

}  // namespace qexp::interp::reference

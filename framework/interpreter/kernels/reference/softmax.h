#pragma once
/// SOFTMAX reference (TFLite float semantics).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace qexp::interp::reference {

/// For each of `rows` rows of `depth` values: out[c] = e^((x[c] − max)·β) / Σ_j e^((x[j] − max)·β).
/// Subtracting the row maximum keeps exp from overflowing and does not change the result.
inline void softmax(int64_t rows, int64_t depth, float beta, const float* input, float* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * depth;
    float* y = output + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int64_t c = 0; c < depth; ++c) {
      const float e = std::exp((x[c] - max) * beta);
      y[c] = e;
      sum += e;
    }
    for (int64_t c = 0; c < depth; ++c) y[c] = y[c] / sum;
  }
}

}  // namespace qexp::interp::reference

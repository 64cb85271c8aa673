#pragma once
/// BATCH_NORM reference (inference-mode batch normalization over the last axis).

#include <cmath>
#include <cstdint>

namespace qexp::interp::reference {

/// y = (x − mean[c]) / sqrt(variance[c] + epsilon) · gamma[c] + beta[c] for every element x
/// of channel c = index mod channels (the last axis). Computed literally, per element: this is
/// the definition fold-batchnorm's rewrites are checked against.
inline void batch_norm(int64_t rows, int64_t channels, float epsilon, const float* input,
                       const float* gamma, const float* beta, const float* mean,
                       const float* variance, float* output) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < channels; ++c) {
      const float x = input[r * channels + c];
      output[r * channels + c] =
          (x - mean[c]) / std::sqrt(variance[c] + epsilon) * gamma[c] + beta[c];
    }
  }
}

}  // namespace qexp::interp::reference

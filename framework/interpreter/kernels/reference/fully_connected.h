#pragma once
/// FULLY_CONNECTED and MATMUL references.

#include <cstdint>

#include "framework/interpreter/kernels/activation.h"

namespace qexp::interp::reference {

/// output[b, n] = act(bias[n] + Σ_k input[b, k] · weights[n, k]): input viewed as [batches, depth],
/// weights [units, depth], output [batches, units]. `bias` may be null. The sum runs over k in
/// order, then the bias is added (as TFLite).
inline void fully_connected(const ActivationRange& activation, int64_t batches, int64_t depth,
                            int64_t units, const float* input, const float* weights,
                            const float* bias, float* output) {
  for (int64_t b = 0; b < batches; ++b) {
    const float* x = input + b * depth;
    for (int64_t n = 0; n < units; ++n) {
      const float* w = weights + n * depth;
      float total = 0.0f;
      for (int64_t k = 0; k < depth; ++k) total += x[k] * w[k];
      const float bias_value = bias != nullptr ? bias[n] : 0.0f;
      output[b * units + n] = apply_activation(total + bias_value, activation);
    }
  }
}

/// output[m, n] = Σ_k A[m, k] · B[k, n] (TensorFlow MatMul) where A is `a` ([M,K]) or, with
/// transpose_a, the transpose of `a` ([K,M]); likewise B and `b`.
inline void matmul(bool transpose_a, bool transpose_b, int64_t m_size, int64_t k_size,
                   int64_t n_size, const float* a, const float* b, float* output) {
  for (int64_t m = 0; m < m_size; ++m) {
    for (int64_t n = 0; n < n_size; ++n) {
      float total = 0.0f;
      for (int64_t k = 0; k < k_size; ++k) {
        const float a_mk = transpose_a ? a[k * m_size + m] : a[m * k_size + k];
        const float b_kn = transpose_b ? b[n * k_size + k] : b[k * n_size + n];
        total += a_mk * b_kn;
      }
      output[m * n_size + n] = total;
    }
  }
}

}  // namespace qexp::interp::reference

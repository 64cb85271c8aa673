#pragma once
/// Standalone activation ops: RELU, RELU6, RELU_N1_TO_1, LOGISTIC, TANH (TFLite float semantics).

#include <cmath>
#include <limits>

#include "framework/interpreter/kernels/activation.h"

namespace qexp::interp::reference {

/// The clamp of a standalone RELU-family op. Unlike the fused RELU range ([0, FLT_MAX], which
/// TFLite uses for fused activations), a standalone RELU passes +inf through, as TFLite's Relu.
inline ActivationRange relu_range() { return {0.0f, std::numeric_limits<float>::infinity()}; }
inline ActivationRange relu6_range() { return {0.0f, 6.0f}; }
inline ActivationRange relu_n1_to_1_range() { return {-1.0f, 1.0f}; }

/// 1 / (1 + e^-x), with TFLite's reference cut-offs: 1 above 16.619047 (where the float result
/// rounds to 1 anyway) and e^x below -9 (where 1 + e^-x loses e^x's precision).
inline float logistic(float x) {
  constexpr float kCutoffUpper = 16.619047164916992188f;
  constexpr float kCutoffLower = -9.0f;
  if (x > kCutoffUpper) return 1.0f;
  if (x < kCutoffLower) return std::exp(x);
  return 1.0f / (1.0f + std::exp(-x));
}

inline float tanh(float x) { return std::tanh(x); }

}  // namespace qexp::interp::reference

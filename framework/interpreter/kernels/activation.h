#pragma once
/// Fused activations: the one clamp every kernel applies to its result.

#include <algorithm>
#include <limits>

#include "framework/core/status.h"
#include "framework/core/strings.h"
#include "framework/ir/op_options.h"

namespace qexp::interp {

/// The closed interval a float result is clamped to.
struct ActivationRange {
  float min = std::numeric_limits<float>::lowest();
  float max = std::numeric_limits<float>::max();
};

/// TFLite's CalculateActivationRange for float: NONE → [lowest, max], RELU → [0, max],
/// RELU6 → [0, 6], RELU_N1_TO_1 → [-1, 1]. TANH and SIGN_BIT are not clamps; TFLite's float
/// kernels reject them, and so does this (kUnimplemented).
inline Result<ActivationRange> float_activation_range(ir::Activation a) {
  constexpr float kMax = std::numeric_limits<float>::max();
  switch (a) {
    case ir::Activation::kNone: return ActivationRange{};
    case ir::Activation::kRelu: return ActivationRange{0.0f, kMax};
    case ir::Activation::kRelu6: return ActivationRange{0.0f, 6.0f};
    case ir::Activation::kReluN1To1: return ActivationRange{-1.0f, 1.0f};
    case ir::Activation::kTanh:
    case ir::Activation::kSignBit: break;
  }
  return unimplemented(str_cat("fused activation ", ir::activation_name(a), " is not supported"));
}

/// min(max(x, range.min), range.max), as TFLite's ActivationFunctionWithMinMax: NaN stays NaN.
inline float apply_activation(float x, const ActivationRange& range) {
  return std::min(std::max(x, range.min), range.max);
}

}  // namespace qexp::interp

#include "framework/interpreter/kernels/rounding.h"

namespace qexp::interp {

std::string_view rounding_profile_name(RoundingProfile profile) {
  return profile == RoundingProfile::kXnnpack ? "xnnpack" : "tflite_builtin";
}

std::optional<RoundingProfile> parse_rounding_profile(std::string_view name) {
  if (name == "tflite_builtin") return RoundingProfile::kTfliteBuiltin;
  if (name == "xnnpack") return RoundingProfile::kXnnpack;
  return std::nullopt;
}

std::string_view requant_rule_name(RequantRule rule) {
  switch (rule) {
    case RequantRule::kDoubleRounding:
      return "double_rounding";
    case RequantRule::kSingleRounding:
      return "single_rounding";
    case RequantRule::kFloatHalfEven:
      return "fp32_half_even";
  }
  return "?";
}

RequantRule requant_rule(ir::OpType op, RoundingProfile profile) {
  const bool xnnpack = profile == RoundingProfile::kXnnpack;
  switch (op) {
    // TFLite's int8 convolution and fully-connected kernels run through cpu_backend_gemm, which
    // for int8 without NEON is ruy: one 64-bit rounding shift. XNNPACK's GEMM microkernels
    // requantize in float.
    case ir::OpType::kConv2D:
    case ir::OpType::kFullyConnected:
      return xnnpack ? RequantRule::kFloatHalfEven : RequantRule::kSingleRounding;
    // The depthwise, MUL and spatial MEAN kernels use common.h's MultiplyByQuantizedMultiplier
    // (gemmlowp double rounding); XNNPACK's again float.
    case ir::OpType::kDepthwiseConv2D:
    case ir::OpType::kMul:
    case ir::OpType::kMean:
      return xnnpack ? RequantRule::kFloatHalfEven : RequantRule::kDoubleRounding;
    default:
      return RequantRule::kDoubleRounding;
  }
}

QuantizeRounding quantize_rounding(RoundingProfile profile, DType dtype) {
  const bool xnnpack_type = dtype == DType::kInt8 || dtype == DType::kUInt8;
  return profile == RoundingProfile::kXnnpack && xnnpack_type
             ? QuantizeRounding::kReciprocalHalfEven
             : QuantizeRounding::kDivideHalfAway;
}

}  // namespace qexp::interp

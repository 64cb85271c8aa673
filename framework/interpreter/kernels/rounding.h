#pragma once
/// Rounding profiles: whose integer arithmetic the quantized kernels reproduce.
///
/// TFLite's builtin kernels are the reference semantics, but they do not share one rounding
/// rule, and XNNPACK (TFLite's default CPU delegate) computes several ops differently again.
/// Every integer kernel therefore names its rule, and the profile picks the rule set. Measured
/// on TFLite 2.12 (npm @tensorflow/tfjs-tflite WASM) with XNNPACK off and on, on seeded random
/// cases including exact .5 ties (tests/conformance_ops):
///
/// | op (int8)              | kTfliteBuiltin (default)          | kXnnpack                      |
/// |------------------------|-----------------------------------|-------------------------------|
/// | CONV_2D                | single rounding (ruy), ties up    | fp32, ties to even            |
/// | DEPTHWISE_CONV_2D      | double rounding (gemmlowp)        | fp32, ties to even            |
/// | FULLY_CONNECTED        | single rounding (ruy)             | fp32 (per-tensor weights;     |
/// |                        |                                   | per-channel stays builtin)    |
/// | ADD                    | double rounding, 20-bit headroom  | XNNPACK's integer add         |
/// | MUL                    | double rounding                   | fp32, ties to even            |
/// | MEAN over H, W         | double rounding (+ float bias)    | fp32 global average pooling   |
/// | QUANTIZE float → int8, | round(x / s) in double, ties away | nearbyint(x · (1/s)) in float |
/// |   uint8                | from zero                         | ties to even                  |
/// | QUANTIZE int8 → int8   | double rounding                   | 8-bit fixed-point multiplier  |
/// | everything else        | (profile-independent)             | same as builtin               |
///
/// "fp32" is XNNPACK's requantization: nearbyint(float(acc) · scale) with scale computed in
/// float (e.g. s_in · s_w[c] / s_out), then the zero point. int16 kernels, pooling, softmax,
/// logistic, tanh, PAD, CONCATENATION and the rest of MEAN / QUANTIZE do not depend on the
/// profile (XNNPACK either does not take them or computes the same thing).

#include <cstdint>
#include <optional>
#include <string_view>

#include "framework/ir/graph.h"
#include "framework/quantization/fixed_point.h"

namespace qexp::interp {

enum class RoundingProfile : uint8_t {
  /// TFLite's builtin kernels (XNNPACK off): the reference semantics.
  kTfliteBuiltin,
  /// TFLite with its XNNPACK delegate (the runtime's default on CPUs).
  kXnnpack,
};

/// "tflite_builtin" / "xnnpack".
std::string_view rounding_profile_name(RoundingProfile profile);
/// Parses rounding_profile_name() output; nullopt for anything else.
std::optional<RoundingProfile> parse_rounding_profile(std::string_view name);

/// How a kernel turns an int32 accumulator into an output value (before the zero point).
enum class RequantRule : uint8_t {
  kDoubleRounding,  ///< quant::multiply_by_quantized_multiplier, RoundingMode::kDoubleRounding
  kSingleRounding,  ///< quant::multiply_by_quantized_multiplier, RoundingMode::kSingleRounding
  kFloatHalfEven,   ///< XNNPACK fp32: nearbyint(float(acc) · scale) with a float scale
};

/// "double_rounding" / "single_rounding" / "fp32_half_even".
std::string_view requant_rule_name(RequantRule rule);

/// The requantization rule of the int8 kernel of `op` under `profile` (the table above; ops
/// with operator-specific XNNPACK arithmetic — ADD, QUANTIZE — report their builtin rule and
/// handle the XNNPACK case themselves).
RequantRule requant_rule(ir::OpType op, RoundingProfile profile);

/// How QUANTIZE (float → integer) rounds x / scale.
enum class QuantizeRounding : uint8_t {
  /// round(double(x) / double(scale)), ties away from zero (TFLite's builtin AffineQuantize).
  kDivideHalfAway,
  /// nearbyint(x · (1.0f / scale)) in float, ties to even (XNNPACK's convert operator).
  kReciprocalHalfEven,
};

/// The QUANTIZE rounding for an output of `dtype` under `profile` (XNNPACK converts to int8 and
/// uint8 only; int16 stays on the builtin kernel).
QuantizeRounding quantize_rounding(RoundingProfile profile, DType dtype);

}  // namespace qexp::interp

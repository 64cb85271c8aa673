#pragma once
// What a one-op int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED case would output if its
// requantization used another rule: computed from the same reference accumulation
// (framework/interpreter/kernels/reference/integer_conv.h) with only the rounding swapped. The
// evidence tests use it to show that the measured rule is the only one that fits TFLite.

#include <cstdint>
#include <vector>

#include "framework/interpreter/kernels/rounding.h"
#include "tests/conformance_ops/tflite_ref.h"

namespace qexp::conformance {

/// The int8 output bytes of `c` (one CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED op with
/// per-tensor int8 activations, int8 weights and int32 bias) requantized with `rule`.
std::vector<uint8_t> int8_output_with_rule(const OpCase& c, interp::RequantRule rule);

}  // namespace qexp::conformance

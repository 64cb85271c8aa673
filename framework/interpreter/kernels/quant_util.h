#pragma once
// Helpers shared by the quantized kernels' prepare steps: validated quantization parameters,
// requantization multipliers and TFLite's quantized activation ranges. Every error names the
// tensor (role, input index and name) and the bad value; the interpreter prefixes the op.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/interpreter/kernel.h"
#include "framework/interpreter/kernels/reference/xnnpack_arith.h"
#include "framework/interpreter/kernels/rounding.h"
#include "framework/quantization/fixed_point.h"

namespace qexp::interp::kernels {

/// Per-tensor quantization parameters of an activation tensor.
struct TensorQuant {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

/// The closed integer interval of a dtype: int8 [-128, 127], uint8 [0, 255], int16, int32.
struct IntRange {
  int32_t min = 0;
  int32_t max = 0;
};
IntRange dtype_range(DType dtype);

/// "input (input 0) 'conv1/x'" — how messages name input `i` of the op.
std::string input_label(const PrepareContext& c, int i, std::string_view role);
/// "output 0 'conv1/y'".
std::string output_label(const PrepareContext& c, int i);

/// Per-tensor parameters of `t` (called `label` in messages). Errors: no quantization
/// parameters, per-axis parameters, a scale that is not finite and > 0, a zero point outside
/// the dtype's range, or (when `require_zero_point_0`) a non-zero zero point.
Result<TensorQuant> per_tensor_quant(const ir::Tensor& t, std::string_view label,
                                     bool require_zero_point_0 = false);

/// Scales of symmetric int8 weights `w` with `channels` slices along `axis`: one scale
/// (per-tensor, broadcast to every channel) or one per channel with quantized_dimension ==
/// axis. Errors: missing parameters, a count other than 1 or `channels`, a wrong axis, a scale
/// that is not finite and >= 0, or a zero point other than 0. Returns `channels` scales.
Result<std::vector<float>> symmetric_weight_scales(const ir::Tensor& w, int axis, int64_t channels,
                                                   std::string_view label);

/// TFLite's rule for bias scales (GetQuantizedConvolutionMultipler): when the bias carries
/// quantization parameters, |s_in·s_w[c] − s_bias[c]| / s_out must be <= 0.02 for every channel,
/// and its zero points must be 0. A bias without parameters passes (TFLite's int8 kernels only
/// read the integers).
Status check_bias_scales(const ir::Tensor& bias, std::string_view label, float input_scale,
                         const std::vector<float>& weight_scales, float output_scale);

/// quantize_multiplier(m) for a requantization multiplier, which must be finite, >= 0 and
/// below 2^max_log2 (the shift each rounding rule supports: 30 for int32, 14 for the int64
/// variant). `what` names it: "effective scale s_in·s_w[3]/s_out".
Result<quant::QuantizedMultiplier> requant_multiplier(double m, std::string_view what,
                                                      int max_log2 = 30);

/// One requantization step with its rule (kernels/rounding.h): the Q0.31 multiplier for the
/// integer rules and the float scale for XNNPACK's fp32 rule.
struct Requantizer {
  RequantRule rule = RequantRule::kDoubleRounding;
  quant::QuantizedMultiplier multiplier;
  float scale = 0.0f;

  /// acc · M rounded by `rule` (before the output zero point).
  int32_t apply(int32_t acc) const {
    switch (rule) {
      case RequantRule::kSingleRounding:
        return quant::multiply_by_quantized_multiplier_single_rounding(acc, multiplier);
      case RequantRule::kFloatHalfEven:
        return reference::fp32_requantize(acc, scale);
      case RequantRule::kDoubleRounding:
        break;
    }
    return quant::multiply_by_quantized_multiplier_double_rounding(acc, multiplier);
  }
};

/// A Requantizer for the real multiplier `m` (in double, as TFLite's kernels compute it) and
/// `scale` (the same ratio in float, as XNNPACK computes it). Errors as requant_multiplier.
Result<Requantizer> make_requantizer(RequantRule rule, double m, float scale, std::string_view what,
                                     int max_log2 = 30);

/// TFLite's CalculateActivationRangeQuantized: the fused activation as a clamp of the output's
/// integer values. NONE → the dtype range; RELU → [max(qmin, z), qmax]; RELU6 → up to
/// z + round(6/s); RELU_N1_TO_1 → [z + round(-1/s), z + round(1/s)], each bound clipped to the
/// dtype (round(f/s) computed in float, ties away from zero). TANH and SIGN_BIT are not clamps:
/// kUnimplemented.
Result<IntRange> quantized_activation_range(ir::Activation activation, const TensorQuant& output,
                                            DType dtype);

/// Error unless `out` (called `out_label`) has the parameters of `in` (called `in_label`), with
/// TFLite's scale tolerance of 1e-6: for ops that move quantized values without requantizing.
Status check_shared_params(const TensorQuant& in, const TensorQuant& out,
                           std::string_view out_label, std::string_view in_label);

/// Clamps v into r (64-bit so that adding a zero point to a saturated value cannot overflow).
inline int32_t clamp_to(int64_t v, IntRange r) {
  return static_cast<int32_t>(v < r.min ? r.min : (v > r.max ? r.max : v));
}

}  // namespace qexp::interp::kernels

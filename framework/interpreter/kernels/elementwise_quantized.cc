// ADD and MUL quantized kernels with numpy broadcasting (TFLite 2.12 builtin semantics):
//   add_int8 / add_int16: both inputs rescaled to a common scale 2·max(s1, s2) with
//     `left_shift` bits of headroom (20 for int8, 15 for int16 — TFLite's general-scale int16
//     path), summed, and requantized to the output:
//       a_i = requant((q_i − z_i) · 2^left_shift, s_i / (2·max))
//       out = clamp(requant(a_1 + a_2, 2·max / (2^left_shift · s_out)) + z_out, act)
//   mul_int8: out = clamp(requant((q_1 − z_1)·(q_2 − z_2), s_1·s_2/s_out) + z_out, act)
// Every requantization uses the rule of kernels/rounding.h (builtin: double rounding, TFLite's
// common.h MultiplyByQuantizedMultiplier). The xnnpack profile replaces int8 ADD by XNNPACK's
// integer add (reference/xnnpack_arith.h) and int8 MUL's requantization by fp32, where XNNPACK's
// delegate accepts the scales.

#include <algorithm>
#include <memory>
#include <type_traits>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/elementwise.h"

namespace qexp::interp::kernels {
namespace {

enum class BinaryKind { kAdd, kMul };

template <BinaryKind kKind, typename T>
class QuantizedBinary final : public Kernel {
  static constexpr DType kDType = DTypeOf<T>::value;
  static constexpr bool kInt16 = std::is_same_v<T, int16_t>;

 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, kDType, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, kDType, "operand"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, kDType));
    QEXP_ASSIGN_OR_RETURN(TensorQuant q1,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input"), kInt16));
    QEXP_ASSIGN_OR_RETURN(TensorQuant q2,
                          per_tensor_quant(c.input(1), input_label(c, 1, "operand"), kInt16));
    QEXP_ASSIGN_OR_RETURN(TensorQuant qo,
                          per_tensor_quant(c.output(0), output_label(c, 0), kInt16));
    offset1_ = -q1.zero_point;
    offset2_ = -q2.zero_point;
    output_offset_ = qo.zero_point;
    const bool xnnpack = !kInt16 && c.rounding_profile() == RoundingProfile::kXnnpack;
    if constexpr (kKind == BinaryKind::kAdd) {
      QEXP_RETURN_IF_ERROR(prepare_add(q1, q2, qo));
      xnnpack_add_ = xnnpack && reference::xnnpack_add_supported(q1.scale, q2.scale, qo.scale);
      if (xnnpack_add_) {
        xnnpack_params_ = reference::xnnpack_add_params(q1.scale, q2.scale, qo.scale, q1.zero_point,
                                                        q2.zero_point);
      }
    } else {
      const double m = static_cast<double>(q1.scale) * static_cast<double>(q2.scale) /
                       static_cast<double>(qo.scale);
      const float scale = q1.scale * q2.scale / qo.scale;  // XNNPACK's product in float
      // XNNPACK's delegate takes product-to-output ratios in [2^-16, 2^8).
      const bool delegated = xnnpack && scale >= 0x1.0p-16f && scale < 0x1.0p+8f;
      QEXP_ASSIGN_OR_RETURN(
          out_,
          make_requantizer(requant_rule(c.op().type, delegated ? RoundingProfile::kXnnpack
                                                               : RoundingProfile::kTfliteBuiltin),
                           m, scale, "input_scale * operand_scale / output_scale"));
    }
    QEXP_ASSIGN_OR_RETURN(act_, quantized_activation_range(
                                    c.options<ir::ElementwiseOptions>().activation, qo, kDType));
    const Shape& a = c.input(0).shape;
    const Shape& b = c.input(1).shape;
    same_shape_ = a == b;
    layout_ = reference::make_broadcast_layout(a, b, c.output(0).shape);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    const T* a = c.input(0).data<T>();
    const T* b = c.input(1).data<T>();
    T* out = c.output(0).data<T>();
    auto op = [this](T x, T y) { return static_cast<T>(clamp_to(compute(x, y), act_)); };
    if (same_shape_) {
      reference::elementwise_binary(c.output(0).num_elements(), a, b, out, op);
    } else {
      reference::broadcast_binary(layout_, a, b, out, op);
    }
  }

 private:
  Status prepare_add(const TensorQuant& q1, const TensorQuant& q2, const TensorQuant& qo) {
    left_shift_ = kInt16 ? 15 : 20;
    const double twice_max = 2.0 * std::max(q1.scale, q2.scale);
    const RequantRule rule = RequantRule::kDoubleRounding;  // TFLite's add: common.h
    QEXP_ASSIGN_OR_RETURN(in1_, make_requantizer(rule, q1.scale / twice_max, 0, "input rescale"));
    QEXP_ASSIGN_OR_RETURN(in2_, make_requantizer(rule, q2.scale / twice_max, 0, "operand rescale"));
    const double out = twice_max / (static_cast<double>(1 << left_shift_) * qo.scale);
    QEXP_ASSIGN_OR_RETURN(out_, make_requantizer(rule, out, 0, "output rescale"));
    return ok_status();
  }

  int64_t compute(T x, T y) const {
    const int32_t v1 = offset1_ + x;
    const int32_t v2 = offset2_ + y;
    if constexpr (kKind == BinaryKind::kAdd) {
      if (xnnpack_add_) {
        return int64_t{reference::xnnpack_add(x, y, xnnpack_params_)} + output_offset_;
      }
      const int32_t s1 = in1_.apply(quant::wrapping_shift_left(v1, left_shift_));
      const int32_t s2 = in2_.apply(quant::wrapping_shift_left(v2, left_shift_));
      return int64_t{out_.apply(s1 + s2)} + output_offset_;
    } else {
      return int64_t{out_.apply(v1 * v2)} + output_offset_;
    }
  }

  int32_t offset1_ = 0, offset2_ = 0, output_offset_ = 0;
  int left_shift_ = 0;
  Requantizer in1_, in2_, out_;
  bool xnnpack_add_ = false;
  reference::XnnpackAddParams xnnpack_params_;
  IntRange act_;
  bool same_shape_ = false;
  reference::BroadcastLayout layout_;
};

}  // namespace

std::unique_ptr<Kernel> make_add_int8_kernel() {
  return std::make_unique<QuantizedBinary<BinaryKind::kAdd, int8_t>>();
}
std::unique_ptr<Kernel> make_add_int16_kernel() {
  return std::make_unique<QuantizedBinary<BinaryKind::kAdd, int16_t>>();
}
std::unique_ptr<Kernel> make_mul_int8_kernel() {
  return std::make_unique<QuantizedBinary<BinaryKind::kMul, int8_t>>();
}

}  // namespace qexp::interp::kernels

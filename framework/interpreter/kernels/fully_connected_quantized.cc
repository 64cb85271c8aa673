// FULLY_CONNECTED quantized kernels (TFLite 2.12 builtin semantics):
//   fully_connected_int8:    clamp(requant(Σ(q_in − z_in)·q_w + bias, s_in·s_w[n]/s_out) + z_out)
//                            with per-tensor or per-channel (axis 0) symmetric weights, int32
//                            bias; requantization rule from kernels/rounding.h (single: the
//                            kernel runs through ruy; xnnpack profile: fp32 for per-tensor
//                            weights, which are all XNNPACK's delegate takes).
//   fully_connected_int16x8: clamp(multiply_by_quantized_multiplier_int64(Σ q_in·q_w + bias, M))
//                            with int16 activations (zero point 0) and int64 bias.
//   fully_connected_hybrid:  float input quantized symmetrically per batch (scale s_b), per-tensor
//                            weights; out = act(bias[n] + float(Σ q·q_w) · (s_b · s_w)).
//                            (TFLite's asymmetric_quantize_inputs option is not in the IR; its
//                            default, symmetric, is what TFLite runs when the option is absent.)

#include <memory>
#include <type_traits>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/int8_conv.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/hybrid.h"
#include "framework/interpreter/kernels/reference/integer_conv.h"

namespace qexp::interp::kernels {
namespace {

// Shape inference proved weights are [units, depth] with depth dividing the input size.
struct FcDims {
  int64_t batches = 0, depth = 0, units = 0;
};

FcDims fc_dims(const PrepareContext& c) {
  const Shape& w = c.input(1).shape;
  FcDims d;
  d.units = w[0];
  d.depth = w[1];
  d.batches = d.depth > 0 ? c.input(0).shape.num_elements() / d.depth : 0;
  return d;
}

template <typename T, typename Bias>
class QuantizedFullyConnected final : public Kernel {
  static constexpr bool kInt16 = std::is_same_v<T, int16_t>;
  static constexpr DType kDType = DTypeOf<T>::value;

 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, kDType, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kInt8, "weights"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DTypeOf<Bias>::value, "bias"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, kDType));
    dims_ = fc_dims(c);
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input"), kInt16));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q,
                          per_tensor_quant(c.output(0), output_label(c, 0), kInt16));
    QEXP_ASSIGN_OR_RETURN(
        std::vector<float> w_scales,
        symmetric_weight_scales(c.input(1), 0, dims_.units, input_label(c, 1, "weights")));
    has_bias_ = c.has_input(2);
    if (has_bias_) {
      QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, dims_.units, "bias"));
      QEXP_RETURN_IF_ERROR(check_bias_scales(c.input(2), input_label(c, 2, "bias"), in_q.scale,
                                             w_scales, out_q.scale));
    }
    // XNNPACK's delegate takes per-tensor weights only; per-channel FC stays on TFLite's kernel.
    const bool per_channel = c.input(1).quant.scale.size() > 1;
    const RequantRule rule = per_channel
                                 ? requant_rule(c.op().type, RoundingProfile::kTfliteBuiltin)
                                 : requant_rule(c.op().type, c.rounding_profile());
    requantizers_.clear();
    for (int64_t n = 0; n < dims_.units; ++n) {
      const float s_w = w_scales[static_cast<size_t>(n)];
      const double m = static_cast<double>(in_q.scale) * static_cast<double>(s_w) /
                       static_cast<double>(out_q.scale);
      QEXP_ASSIGN_OR_RETURN(
          Requantizer r, make_requantizer(rule, m, in_q.scale * s_w / out_q.scale,
                                          str_cat("effective scale input_scale * weights_scale[", n,
                                                  "] / output_scale"),
                                          kInt16 ? 14 : 30));
      requantizers_.push_back(r);
    }
    input_offset_ = -in_q.zero_point;
    output_offset_ = out_q.zero_point;
    QEXP_ASSIGN_OR_RETURN(
        act_, quantized_activation_range(c.options<ir::FullyConnectedOptions>().activation, out_q,
                                         kDType));
    if constexpr (!kInt16) {
      // The optimized GEMM (kernels/optimized/int8_conv.h) for constant weights and bias.
      if (c.optimized() && c.input(1).is_const() && (!has_bias_ || c.input(2).is_const())) {
        fast_ = optimized::make_int8_fully_connected_path(
            c.isa(), dims_.batches, dims_.depth, dims_.units,
            c.input(1).const_data<int8_t>().data(),
            has_bias_ ? c.input(2).const_data<int32_t>().data() : nullptr, -input_offset_,
            optimized::make_int8_requant(requantizers_, output_offset_, act_));
      }
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if constexpr (!kInt16) {
      if (fast_ != nullptr) {
        fast_->eval(c.input(0).data<int8_t>(), c.output(0).data<int8_t>(), c.scratch,
                    *c.thread_pool);
        return;
      }
    }
    const Bias* bias = has_bias_ ? c.input(2).data<Bias>() : nullptr;
    T* out = c.output(0).data<T>();
    reference::fully_connected_accumulate(
        dims_.batches, dims_.depth, dims_.units, c.input(0).data<T>(),
        reference::InputOffsets{&input_offset_, 0}, c.input(1).data<int8_t>(), 0,
        [&](int64_t i, int64_t n, int64_t, int64_t sum) {
          const Requantizer& r = requantizers_[static_cast<size_t>(n)];
          const int64_t b = bias != nullptr ? int64_t{bias[n]} : 0;
          int32_t scaled;
          if constexpr (kInt16) {
            scaled = quant::multiply_by_quantized_multiplier_int64(
                reference::add_bias_saturating(sum, b), r.multiplier);
          } else {
            scaled = r.apply(reference::wrap_to_int32(sum + b));
          }
          out[i] = static_cast<T>(clamp_to(int64_t{scaled} + output_offset_, act_));
        });
  }

  std::string_view variant() const override {
    return fast_ != nullptr ? fast_->variant() : Kernel::variant();
  }

 private:
  FcDims dims_;
  int32_t input_offset_ = 0, output_offset_ = 0;
  std::vector<Requantizer> requantizers_;  // per unit
  IntRange act_;
  bool has_bias_ = false;
  std::unique_ptr<optimized::Int8FastPath> fast_;
};

class HybridFullyConnected final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kInt8, "weights"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DType::kFloat32, "bias"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    dims_ = fc_dims(c);
    QEXP_ASSIGN_OR_RETURN(
        std::vector<float> w_scales,
        symmetric_weight_scales(c.input(1), 0, dims_.units, input_label(c, 1, "weights")));
    for (float s : w_scales) {
      if (s != w_scales[0]) {
        return unimplemented(str_cat(input_label(c, 1, "weights"),
                                     " has per-channel scales; the hybrid FULLY_CONNECTED kernel "
                                     "takes per-tensor weights only"));
      }
    }
    weight_scale_ = w_scales.empty() ? 1.0f : w_scales[0];
    QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, dims_.units, "bias"));
    has_bias_ = c.has_input(2);
    QEXP_ASSIGN_OR_RETURN(
        activation_, float_activation_range(c.options<ir::FullyConnectedOptions>().activation));
    return c.request_scratch(dims_.batches * dims_.depth +
                             dims_.batches * static_cast<int64_t>(sizeof(float)) + 16);
  }

  void eval(const EvalContext& c) const override {
    const int64_t n_in = dims_.batches * dims_.depth;
    int8_t* q = reinterpret_cast<int8_t*>(c.scratch.data());
    float* scales = reinterpret_cast<float*>(c.scratch.data() + (n_in + 15) / 16 * 16);
    const float* input = c.input(0).data<float>();
    for (int64_t b = 0; b < dims_.batches; ++b) {
      reference::symmetric_quantize_floats(input + b * dims_.depth, dims_.depth,
                                           q + b * dims_.depth, &scales[b]);
      scales[b] *= weight_scale_;  // TFLite folds the weight scale into the batch factor
    }
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    float* out = c.output(0).data<float>();
    const int32_t zero = 0;
    reference::fully_connected_accumulate(
        dims_.batches, dims_.depth, dims_.units, q, reference::InputOffsets{&zero, 0},
        c.input(1).data<int8_t>(), 0, [&](int64_t i, int64_t n, int64_t b, int64_t sum) {
          // The output starts as the bias, then accumulates dot · factor.
          const float start = bias != nullptr ? bias[n] : 0.0f;
          const float v = start + static_cast<float>(reference::wrap_to_int32(sum)) * scales[b];
          out[i] = apply_activation(v, activation_);
        });
  }

 private:
  FcDims dims_;
  float weight_scale_ = 1.0f;
  ActivationRange activation_;
  bool has_bias_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_fully_connected_int8_kernel() {
  return std::make_unique<QuantizedFullyConnected<int8_t, int32_t>>();
}
std::unique_ptr<Kernel> make_fully_connected_int16x8_kernel() {
  return std::make_unique<QuantizedFullyConnected<int16_t, int64_t>>();
}
std::unique_ptr<Kernel> make_fully_connected_hybrid_kernel() {
  return std::make_unique<HybridFullyConnected>();
}

}  // namespace qexp::interp::kernels

// CONV_2D and DEPTHWISE_CONV_2D quantized kernels: int8 activations with symmetric per-channel
// (or per-tensor) int8 weights and int32 bias, and int16x8 (int16 activations with zero point
// 0, int8 weights, int64 bias). The math is reference/integer_conv.h; this file states the
// output rule of each kernel and validates everything it relies on.
//
// Output rules (TFLite 2.12 builtin kernels, measured in tests/conformance_ops):
//   int8:    clamp(requant(Σ(q_in − z_in)·q_w + bias, s_in·s_w[c]/s_out) + z_out, act)
//            with requant's rule from kernels/rounding.h: CONV_2D single rounding (ruy),
//            DEPTHWISE_CONV_2D double rounding; the xnnpack profile: fp32 for both.
//   int16x8: clamp(multiply_by_quantized_multiplier_int64(Σ q_in·q_w + bias, M[c]), act).

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/int8_conv.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/integer_conv.h"
#include "framework/ir/shape_inference.h"

namespace qexp::interp::kernels {
namespace {

enum class ConvKind { kConv, kDepthwise };

// Strides, dilations and leading padding (the float kernels' rule; activation unused here).
template <typename Options>
reference::ConvParams integer_conv_params(const Options& o, const Shape& input, const Shape& filter,
                                          const Shape& output) {
  reference::ConvParams p;
  p.stride_h = o.stride_h;
  p.stride_w = o.stride_w;
  p.dilation_h = o.dilation_h;
  p.dilation_w = o.dilation_w;
  p.pad_top =
      ir::conv_padding_before(o.padding, input[1], filter[1], o.stride_h, o.dilation_h, output[1]);
  p.pad_left =
      ir::conv_padding_before(o.padding, input[2], filter[2], o.stride_w, o.dilation_w, output[2]);
  return p;
}

// Checks the filter layout against the input and returns the depth multiplier (1 for CONV_2D).
template <ConvKind kKind>
Result<int64_t> check_filter_layout(const PrepareContext& c) {
  const Shape& input = c.input(0).shape;
  const Shape& filter = c.input(1).shape;
  const Shape& output = c.output(0).shape;
  if constexpr (kKind == ConvKind::kConv) {
    if (filter[3] != input[3]) {
      return unimplemented(str_cat("filter ", filter.to_string(), " on input ", input.to_string(),
                                   " is a grouped convolution, which quantized kernels do not "
                                   "support (TFLite neither)"));
    }
    return int64_t{1};
  } else {
    const int m = c.options<ir::DepthwiseConv2DOptions>().depth_multiplier;
    if (m < 1 || output[3] != input[3] * m) {
      return invalid_argument(str_cat("depth_multiplier ", m, " with input ", input.to_string(),
                                      " does not give the ", output[3], " output channels"));
    }
    return int64_t{m};
  }
}

template <ConvKind kKind, typename T, typename Bias>
class QuantizedConv final : public Kernel {
  static constexpr bool kInt16 = std::is_same_v<T, int16_t>;
  static constexpr DType kDType = DTypeOf<T>::value;

 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, kDType, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kInt8, "filter"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DTypeOf<Bias>::value, "bias"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, kDType));
    QEXP_ASSIGN_OR_RETURN(depth_multiplier_, check_filter_layout<kKind>(c));
    // int16x8: activations are symmetric (TFLite checks both zero points).
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input"), kInt16));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q,
                          per_tensor_quant(c.output(0), output_label(c, 0), kInt16));
    const Shape& output = c.output(0).shape;
    const int64_t channels = output[3];
    const int axis = kKind == ConvKind::kConv ? 0 : 3;
    QEXP_ASSIGN_OR_RETURN(
        std::vector<float> w_scales,
        symmetric_weight_scales(c.input(1), axis, channels, input_label(c, 1, "filter")));
    has_bias_ = c.has_input(2);
    if (has_bias_) {
      QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, channels, "bias"));
      QEXP_RETURN_IF_ERROR(check_bias_scales(c.input(2), input_label(c, 2, "bias"), in_q.scale,
                                             w_scales, out_q.scale));
    }
    const RequantRule rule = requant_rule(c.op().type, c.rounding_profile());
    requantizers_.clear();
    for (int64_t ch = 0; ch < channels; ++ch) {
      const float s_w = w_scales[static_cast<size_t>(ch)];
      // TFLite (PopulateConvolutionQuantizationParams) forms the ratio in double, XNNPACK in
      // float.
      const double m = static_cast<double>(in_q.scale) * static_cast<double>(s_w) /
                       static_cast<double>(out_q.scale);
      QEXP_ASSIGN_OR_RETURN(
          Requantizer r, make_requantizer(rule, m, in_q.scale * s_w / out_q.scale,
                                          str_cat("effective scale input_scale * filter_scale[", ch,
                                                  "] / output_scale"),
                                          kInt16 ? 14 : 30));
      requantizers_.push_back(r);
    }
    input_offset_ = -in_q.zero_point;
    output_offset_ = out_q.zero_point;
    QEXP_ASSIGN_OR_RETURN(act_, quantized_activation_range(activation(c), out_q, kDType));
    params_ = kKind == ConvKind::kConv
                  ? integer_conv_params(c.options<ir::Conv2DOptions>(), c.input(0).shape,
                                        c.input(1).shape, output)
                  : integer_conv_params(c.options<ir::DepthwiseConv2DOptions>(), c.input(0).shape,
                                        c.input(1).shape, output);
    if constexpr (!kInt16) {
      if (c.optimized()) return prepare_fast_path(c);
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
    auto emit = [&](int64_t i, int64_t oc, int64_t, int64_t sum) {
      const Requantizer& r = requantizers_[static_cast<size_t>(oc)];
      const int64_t b = bias != nullptr ? int64_t{bias[oc]} : 0;
      int32_t scaled;
      if constexpr (kInt16) {
        scaled = quant::multiply_by_quantized_multiplier_int64(
            reference::add_bias_saturating(sum, b), r.multiplier);
      } else {
        scaled = r.apply(reference::wrap_to_int32(sum + b));
      }
      out[i] = static_cast<T>(clamp_to(int64_t{scaled} + output_offset_, act_));
    };
    const reference::InputOffsets offsets{&input_offset_, 0};
    if constexpr (kKind == ConvKind::kConv) {
      reference::conv2d_accumulate(params_, c.input(0).shape(), c.input(0).data<T>(), offsets,
                                   c.input(1).shape(), c.input(1).data<int8_t>(),
                                   c.output(0).shape(), emit);
    } else {
      reference::depthwise_conv2d_accumulate(params_, depth_multiplier_, c.input(0).shape(),
                                             c.input(0).data<T>(), offsets, c.input(1).shape(),
                                             c.input(1).data<int8_t>(), c.output(0).shape(), emit);
    }
  }

  std::string_view variant() const override {
    return fast_ != nullptr ? fast_->variant() : Kernel::variant();
  }

 private:
  // The optimized path (kernels/optimized/int8_conv.h), for constant filters and biases in a
  // geometry it takes; otherwise eval stays on the reference loops above.
  Status prepare_fast_path(PrepareContext& c) {
    if (!c.input(1).is_const() || (has_bias_ && !c.input(2).is_const())) return ok_status();
    optimized::Int8ConvSpec s;
    s.params = params_;
    s.input = c.input(0).shape;
    s.filter = c.input(1).shape;
    s.output = c.output(0).shape;
    s.depth_multiplier = depth_multiplier_;
    s.weights = c.input(1).const_data<int8_t>().data();
    s.bias = has_bias_ ? c.input(2).const_data<int32_t>().data() : nullptr;
    s.input_zero_point = -input_offset_;
    s.requant = optimized::make_int8_requant(requantizers_, output_offset_, act_);
    fast_ = kKind == ConvKind::kConv ? optimized::make_int8_conv_path(c.isa(), std::move(s))
                                     : optimized::make_int8_depthwise_path(c.isa(), std::move(s));
    if (fast_ == nullptr) return ok_status();
    return c.request_scratch(fast_->scratch_bytes(c.num_threads()));
  }

  static ir::Activation activation(const PrepareContext& c) {
    if constexpr (kKind == ConvKind::kConv) {
      return c.options<ir::Conv2DOptions>().activation;
    } else {
      return c.options<ir::DepthwiseConv2DOptions>().activation;
    }
  }

  reference::ConvParams params_;
  int64_t depth_multiplier_ = 1;
  int32_t input_offset_ = 0, output_offset_ = 0;
  std::vector<Requantizer> requantizers_;  // per output channel
  IntRange act_;
  bool has_bias_ = false;
  std::unique_ptr<optimized::Int8FastPath> fast_;
};

}  // namespace

std::unique_ptr<Kernel> make_conv2d_int8_per_channel_kernel() {
  return std::make_unique<QuantizedConv<ConvKind::kConv, int8_t, int32_t>>();
}
std::unique_ptr<Kernel> make_depthwise_conv2d_int8_per_channel_kernel() {
  return std::make_unique<QuantizedConv<ConvKind::kDepthwise, int8_t, int32_t>>();
}
std::unique_ptr<Kernel> make_conv2d_int16x8_kernel() {
  return std::make_unique<QuantizedConv<ConvKind::kConv, int16_t, int64_t>>();
}
std::unique_ptr<Kernel> make_depthwise_conv2d_int16x8_kernel() {
  return std::make_unique<QuantizedConv<ConvKind::kDepthwise, int16_t, int64_t>>();
}

}  // namespace qexp::interp::kernels

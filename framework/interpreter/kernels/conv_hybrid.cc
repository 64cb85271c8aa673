// Hybrid (dynamic-range) CONV_2D and DEPTHWISE_CONV_2D: float32 activations, symmetric int8
// weights, float32 bias. Each batch of the input is quantized to int8 on the fly
// (reference/hybrid.h), multiplied with the int8 weights exactly in integers, and the sum is
// rescaled to float — in TFLite 2.12's order of float operations:
//   conv2d_hybrid, per-channel weights (scales differ): asymmetric input (scale s_b, zero point
//     z_b); out = clamp(float(Σ w·(q − z_b)) · (s_w[c] · s_b) + bias[c]);
//   conv2d_hybrid, per-tensor weights: symmetric input; f_b = s_b · s_w;
//     out = clamp(float(Σ w·q) · f_b + bias[c]);
//   depthwise_conv2d_hybrid: asymmetric input; out = clamp(float(Σ w·(q − z_b)) · s_b · s_w[c]
//     + bias[c]), multiplied left to right.
// Weights whose per-channel scales are all equal take the per-tensor path (TFLite would read a
// legacy scale of 0 there and output only the bias).

#include <cstring>
#include <memory>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/hybrid.h"
#include "framework/interpreter/kernels/reference/integer_conv.h"
#include "framework/ir/shape_inference.h"

namespace qexp::interp::kernels {
namespace {

constexpr int64_t align16(int64_t n) { return (n + 15) / 16 * 16; }

// Scratch: the quantized input, then one float scale and one int32 zero point per batch.
struct HybridScratch {
  int8_t* input = nullptr;
  float* scales = nullptr;
  int32_t* zero_points = nullptr;
};

int64_t hybrid_scratch_bytes(int64_t input_elements, int64_t batches) {
  return align16(input_elements) + batches * static_cast<int64_t>(sizeof(float) + sizeof(int32_t));
}

HybridScratch hybrid_scratch(std::span<uint8_t> scratch, int64_t input_elements, int64_t batches) {
  HybridScratch s;
  s.input = reinterpret_cast<int8_t*>(scratch.data());
  s.scales = reinterpret_cast<float*>(scratch.data() + align16(input_elements));
  s.zero_points = reinterpret_cast<int32_t*>(s.scales + batches);
  return s;
}

// Quantizes every batch of `input` into the scratch; symmetric batches get zero point 0.
void quantize_batches(const float* input, int64_t batches, int64_t per_batch, bool asymmetric,
                      const HybridScratch& s) {
  for (int64_t b = 0; b < batches; ++b) {
    const float* x = input + b * per_batch;
    int8_t* q = s.input + b * per_batch;
    if (asymmetric) {
      reference::asymmetric_quantize_floats(x, per_batch, q, &s.scales[b], &s.zero_points[b]);
    } else {
      reference::symmetric_quantize_floats(x, per_batch, q, &s.scales[b]);
      s.zero_points[b] = 0;
    }
  }
}

enum class ConvKind { kConv, kDepthwise };

template <ConvKind kKind>
class HybridConv final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kInt8, "filter"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DType::kFloat32, "bias"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    const Shape& input = c.input(0).shape;
    const Shape& filter = c.input(1).shape;
    const Shape& output = c.output(0).shape;
    const int64_t channels = output[3];
    ir::Padding padding;
    int stride_h, stride_w, dilation_h, dilation_w;
    ir::Activation activation;
    if constexpr (kKind == ConvKind::kConv) {
      const auto& o = c.options<ir::Conv2DOptions>();
      padding = o.padding, stride_h = o.stride_h, stride_w = o.stride_w;
      dilation_h = o.dilation_h, dilation_w = o.dilation_w, activation = o.activation;
      if (filter[3] != input[3]) {
        return unimplemented(str_cat("filter ", filter.to_string(), " on input ", input.to_string(),
                                     " is a grouped convolution, which the "
                                     "hybrid kernel does not support (TFLite neither)"));
      }
      // TFLite's hybrid convolution ignores the dilation (it always runs undilated).
      if (dilation_h != 1 || dilation_w != 1) {
        return unimplemented(str_cat("dilation ", dilation_h, "x", dilation_w,
                                     " is not supported by the hybrid kernel"));
      }
    } else {
      const auto& o = c.options<ir::DepthwiseConv2DOptions>();
      padding = o.padding, stride_h = o.stride_h, stride_w = o.stride_w;
      dilation_h = o.dilation_h, dilation_w = o.dilation_w, activation = o.activation;
      if (o.depth_multiplier < 1 || output[3] != input[3] * o.depth_multiplier) {
        return invalid_argument(str_cat("depth_multiplier ", o.depth_multiplier, " with input ",
                                        input.to_string(), " does not give the ", output[3],
                                        " output channels"));
      }
      depth_multiplier_ = o.depth_multiplier;
    }
    QEXP_ASSIGN_OR_RETURN(weight_scales_,
                          symmetric_weight_scales(c.input(1), kKind == ConvKind::kConv ? 0 : 3,
                                                  channels, input_label(c, 1, "filter")));
    QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, channels, "bias"));
    has_bias_ = c.has_input(2);
    QEXP_ASSIGN_OR_RETURN(activation_, float_activation_range(activation));
    per_channel_ = kKind == ConvKind::kDepthwise;
    for (float s : weight_scales_) per_channel_ = per_channel_ || s != weight_scales_[0];
    params_.stride_h = stride_h;
    params_.stride_w = stride_w;
    params_.dilation_h = dilation_h;
    params_.dilation_w = dilation_w;
    params_.pad_top =
        ir::conv_padding_before(padding, input[1], filter[1], stride_h, dilation_h, output[1]);
    params_.pad_left =
        ir::conv_padding_before(padding, input[2], filter[2], stride_w, dilation_w, output[2]);
    batches_ = input[0];
    per_batch_ = batches_ > 0 ? input.num_elements() / batches_ : 0;
    return c.request_scratch(hybrid_scratch_bytes(input.num_elements(), batches_));
  }

  void eval(const EvalContext& c) const override {
    const HybridScratch s = hybrid_scratch(c.scratch, batches_ * per_batch_, batches_);
    quantize_batches(c.input(0).data<float>(), batches_, per_batch_, per_channel_, s);
    // The per-batch zero points enter the sums as offsets −z_b.
    for (int64_t b = 0; b < batches_; ++b) s.zero_points[b] = -s.zero_points[b];
    const reference::InputOffsets offsets{s.zero_points, 1};
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    float* out = c.output(0).data<float>();
    const ActivationRange act = activation_;
    if constexpr (kKind == ConvKind::kConv) {
      if (per_channel_) {
        reference::conv2d_accumulate(
            params_, c.input(0).shape(), s.input, offsets, c.input(1).shape(),
            c.input(1).data<int8_t>(), c.output(0).shape(),
            [&](int64_t i, int64_t oc, int64_t b, int64_t sum) {
              const float scale = weight_scales_[static_cast<size_t>(oc)] * s.scales[b];
              const float v = static_cast<float>(reference::wrap_to_int32(sum)) * scale +
                              (bias != nullptr ? bias[oc] : 0.0f);
              out[i] = std::max(std::min(v, act.max), act.min);
            });
      } else {
        reference::conv2d_accumulate(
            params_, c.input(0).shape(), s.input, offsets, c.input(1).shape(),
            c.input(1).data<int8_t>(), c.output(0).shape(),
            [&](int64_t i, int64_t oc, int64_t b, int64_t sum) {
              const float factor = s.scales[b] * weight_scales_[0];
              const float v = 0.0f + static_cast<float>(reference::wrap_to_int32(sum)) * factor;
              out[i] = apply_activation(v + (bias != nullptr ? bias[oc] : 0.0f), act);
            });
      }
    } else {
      reference::depthwise_conv2d_accumulate(
          params_, depth_multiplier_, c.input(0).shape(), s.input, offsets, c.input(1).shape(),
          c.input(1).data<int8_t>(), c.output(0).shape(),
          [&](int64_t i, int64_t oc, int64_t b, int64_t sum) {
            float v = static_cast<float>(reference::wrap_to_int32(sum)) * s.scales[b] *
                      weight_scales_[static_cast<size_t>(oc)];
            v += bias != nullptr ? bias[oc] : 0.0f;
            out[i] = std::min(std::max(v, act.min), act.max);
          });
    }
  }

 private:
  reference::ConvParams params_;
  int64_t depth_multiplier_ = 1;
  int64_t batches_ = 0, per_batch_ = 0;
  std::vector<float> weight_scales_;
  ActivationRange activation_;
  bool per_channel_ = false;
  bool has_bias_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_conv2d_hybrid_kernel() {
  return std::make_unique<HybridConv<ConvKind::kConv>>();
}
std::unique_ptr<Kernel> make_depthwise_conv2d_hybrid_kernel() {
  return std::make_unique<HybridConv<ConvKind::kDepthwise>>();
}

}  // namespace qexp::interp::kernels

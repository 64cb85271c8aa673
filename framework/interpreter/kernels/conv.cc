// CONV_2D and DEPTHWISE_CONV_2D float kernels: glue between the IR op and the reference math.

#include <memory>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/conv2d.h"
#include "framework/interpreter/kernels/reference/depthwise_conv2d.h"
#include "framework/ir/shape_inference.h"

namespace qexp::interp::kernels {
namespace {

Status check_conv_dtypes(const PrepareContext& c) {
  QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
  QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kFloat32, "filter"));
  QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DType::kFloat32, "bias"));
  return check_output_dtypes(c, DType::kFloat32);
}

// Strides, dilations and leading padding shared by both convolutions. ir::verify already
// proved stride and dilation >= 1 (conv_output_size rejects anything else).
template <typename Options>
Result<reference::ConvParams> conv_params(const Options& o, const Shape& input,
                                          const Shape& filter, const Shape& output) {
  reference::ConvParams p;
  p.stride_h = o.stride_h;
  p.stride_w = o.stride_w;
  p.dilation_h = o.dilation_h;
  p.dilation_w = o.dilation_w;
  p.pad_top = ir::conv_padding_before(o.padding, input[1], filter[1], o.stride_h, o.dilation_h,
                                      output[1]);
  p.pad_left = ir::conv_padding_before(o.padding, input[2], filter[2], o.stride_w, o.dilation_w,
                                       output[2]);
  QEXP_ASSIGN_OR_RETURN(p.activation, float_activation_range(o.activation));
  return p;
}

class Conv2DFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_conv_dtypes(c));
    const Shape& input = c.input(0).shape;
    const Shape& filter = c.input(1).shape;
    const Shape& output = c.output(0).shape;
    // The shared shape rule allows grouped convolution (input channels a multiple of the
    // filter's); what it cannot check is that the groups split the output channels evenly.
    if (filter[3] < 1) {
      return invalid_argument(str_cat("filter (input 1) has shape ", filter.to_string(),
                                      ", expected at least one input channel"));
    }
    const int64_t groups = input[3] / filter[3];
    if (groups < 1 || output[3] % groups != 0) {
      return invalid_argument(str_cat("filter ", filter.to_string(), " on input ",
                                      input.to_string(), " makes ", groups, " groups, which do ",
                                      "not divide the ", output[3], " output channels"));
    }
    QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, output[3], "bias"));
    QEXP_ASSIGN_OR_RETURN(params_,
                          conv_params(c.options<ir::Conv2DOptions>(), input, filter, output));
    has_bias_ = c.has_input(2);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    reference::conv2d(params_, c.input(0).shape(), c.input(0).data<float>(), c.input(1).shape(),
                      c.input(1).data<float>(), bias, c.output(0).shape(),
                      c.output(0).data<float>());
  }

 private:
  reference::ConvParams params_;
  bool has_bias_ = false;
};

class DepthwiseConv2DFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_conv_dtypes(c));
    const auto& o = c.options<ir::DepthwiseConv2DOptions>();
    if (o.depth_multiplier < 1) {
      return invalid_argument(
          str_cat("depth_multiplier ", o.depth_multiplier, " is not a positive count"));
    }
    const Shape& input = c.input(0).shape;
    const Shape& filter = c.input(1).shape;
    const Shape& output = c.output(0).shape;
    QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, output[3], "bias"));
    QEXP_ASSIGN_OR_RETURN(params_, conv_params(o, input, filter, output));
    depth_multiplier_ = o.depth_multiplier;
    has_bias_ = c.has_input(2);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    reference::depthwise_conv2d(params_, depth_multiplier_, c.input(0).shape(),
                                c.input(0).data<float>(), c.input(1).shape(),
                                c.input(1).data<float>(), bias, c.output(0).shape(),
                                c.output(0).data<float>());
  }

 private:
  reference::ConvParams params_;
  int64_t depth_multiplier_ = 1;
  bool has_bias_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_conv2d_float_kernel() { return std::make_unique<Conv2DFloat>(); }
std::unique_ptr<Kernel> make_depthwise_conv2d_float_kernel() {
  return std::make_unique<DepthwiseConv2DFloat>();
}

}  // namespace qexp::interp::kernels

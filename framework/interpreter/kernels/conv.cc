// CONV_2D and DEPTHWISE_CONV_2D float kernels: glue between the IR op and the reference math.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/float_kernels.h"
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

// True when input `i` is absent or a constant: the optimized paths pack constants in prepare.
bool absent_or_const(const PrepareContext& c, int i) {
  return !c.has_input(i) || c.input(i).is_const();
}

namespace opt = optimized;

// The optimized kernels' view of one convolution: NHWC input / output, [*, KH, KW, *] filter.
opt::FloatConvGeometry conv_geometry(const Shape& in, const Shape& f, const Shape& out,
                                     const reference::ConvParams& p) {
  opt::FloatConvGeometry g;
  g.batches = in[0];
  g.in_h = in[1];
  g.in_w = in[2];
  g.in_c = in[3];
  g.k_h = f[1];
  g.k_w = f[2];
  g.stride_h = p.stride_h;
  g.stride_w = p.stride_w;
  g.dilation_h = p.dilation_h;
  g.dilation_w = p.dilation_w;
  g.pad_top = p.pad_top;
  g.pad_left = p.pad_left;
  g.out_h = out[1];
  g.out_w = out[2];
  return g;
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
    if (c.optimized() && groups == 1 && c.input(1).is_const() && absent_or_const(c, 2)) {
      QEXP_RETURN_IF_ERROR(prepare_gemm(c));
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if (packed_) {
      eval_gemm(c);
      return;
    }
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    reference::conv2d(params_, c.input(0).shape(), c.input(0).data<float>(), c.input(1).shape(),
                      c.input(1).data<float>(), bias, c.output(0).shape(),
                      c.output(0).data<float>());
  }

  std::string_view variant() const override { return variant_; }

 private:
  // Packs the filter as the GEMM's [out_c, KH·KW·C] weights; a 1×1 stride-1 convolution reads
  // its input directly as the GEMM's A, anything else goes through opt::float_conv (windows
  // inside the input read in place, border pixels gathered into scratch).
  Status prepare_gemm(PrepareContext& c) {
    const Shape& in = c.input(0).shape;
    const Shape& f = c.input(1).shape;
    const Shape& out = c.output(0).shape;
    const float* bias = has_bias_ ? c.input(2).const_data<float>().data() : nullptr;
    packed_ = opt::pack_float_weights(c.isa(), c.input(1).const_data<float>().data(), bias, f[0],
                                      f[1] * f[2] * f[3]);
    geometry_ = conv_geometry(in, f, out, params_);
    direct_ = f[1] == 1 && f[2] == 1 && params_.stride_h == 1 && params_.stride_w == 1 &&
              params_.pad_top == 0 && params_.pad_left == 0;
    if (!direct_) {
      QEXP_RETURN_IF_ERROR(
          c.request_scratch(static_cast<int64_t>(sizeof(float)) *
                            opt::float_conv_scratch_floats(*packed_, c.num_threads())));
    }
    variant_ = opt::float_variant_name(direct_ ? "conv1x1_gemm" : "conv_gemm", c.isa());
    return ok_status();
  }

  void eval_gemm(const EvalContext& c) const {
    const float* input = c.input(0).data<float>();
    float* output = c.output(0).data<float>();
    if (direct_) {
      const int64_t rows = geometry_.batches * geometry_.out_h * geometry_.out_w;
      opt::float_gemm_parallel(*c.thread_pool, *packed_, input, geometry_.in_c, rows, output,
                               packed_->n, params_.activation);
    } else {
      opt::float_conv(*c.thread_pool, *packed_, geometry_, input, output,
                      reinterpret_cast<float*>(c.scratch.data()), params_.activation);
    }
  }

  reference::ConvParams params_;
  bool has_bias_ = false;
  std::optional<opt::FloatPackedWeights> packed_;
  opt::FloatConvGeometry geometry_;
  bool direct_ = false;
  std::string variant_ = "reference";
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
    if (c.optimized() && depth_multiplier_ == 1 && c.input(1).is_const() &&
        filter[1] * filter[2] <= opt::kFloatDepthwiseMaxTaps) {
      prepare_fast(c);
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if (fast_) {
      opt::FloatDepthwiseArgs a = args_;
      a.input = c.input(0).data<float>();
      a.bias = has_bias_ ? c.input(2).data<float>() : zero_bias_.data();
      a.output = c.output(0).data<float>();
      opt::float_depthwise_parallel(*c.thread_pool, isa_, a, batches_);
      return;
    }
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    reference::depthwise_conv2d(params_, depth_multiplier_, c.input(0).shape(),
                                c.input(0).data<float>(), c.input(1).shape(),
                                c.input(1).data<float>(), bias, c.output(0).shape(),
                                c.output(0).data<float>());
  }

  std::string_view variant() const override { return variant_; }

 private:
  // Depth multiplier 1: the constant filter [1, KH, KW, C] is blocked by channel vectors once;
  // the activation pointers are filled in at eval.
  void prepare_fast(const PrepareContext& c) {
    const Shape& in = c.input(0).shape;
    const Shape& f = c.input(1).shape;
    const Shape& out = c.output(0).shape;
    args_.geo = conv_geometry(in, f, out, params_);
    args_.act = params_.activation;
    batches_ = in[0];
    packed_filter_ = opt::pack_float_depthwise_filter(
        c.isa(), c.input(1).const_data<float>().data(), f[1] * f[2], in[3]);
    args_.filter = packed_filter_.data();
    if (!has_bias_) zero_bias_.assign(static_cast<size_t>(in[3]), 0.0f);
    isa_ = c.isa();
    fast_ = true;
    variant_ = opt::float_variant_name("depthwise", isa_);
  }

  reference::ConvParams params_;
  int64_t depth_multiplier_ = 1;
  bool has_bias_ = false;
  bool fast_ = false;
  opt::FloatDepthwiseArgs args_;
  int64_t batches_ = 0;
  std::vector<float> packed_filter_;
  std::vector<float> zero_bias_;
  Isa isa_ = Isa::kPortable;
  std::string variant_ = "reference";
};

}  // namespace

std::unique_ptr<Kernel> make_conv2d_float_kernel() { return std::make_unique<Conv2DFloat>(); }
std::unique_ptr<Kernel> make_depthwise_conv2d_float_kernel() {
  return std::make_unique<DepthwiseConv2DFloat>();
}

}  // namespace qexp::interp::kernels

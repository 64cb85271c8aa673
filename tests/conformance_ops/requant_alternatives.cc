#include "tests/conformance_ops/requant_alternatives.h"

#include <algorithm>
#include <cmath>

#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/integer_conv.h"
#include "framework/ir/shape_inference.h"

namespace qexp::conformance {
namespace {

using interp::RequantRule;
namespace ref = interp::reference;

template <typename Options>
ref::ConvParams params_of(const Options& o, const Shape& in, const Shape& filter,
                          const Shape& out) {
  ref::ConvParams p;
  p.stride_h = o.stride_h, p.stride_w = o.stride_w;
  p.dilation_h = o.dilation_h, p.dilation_w = o.dilation_w;
  p.pad_top =
      ir::conv_padding_before(o.padding, in[1], filter[1], o.stride_h, o.dilation_h, out[1]);
  p.pad_left =
      ir::conv_padding_before(o.padding, in[2], filter[2], o.stride_w, o.dilation_w, out[2]);
  return p;
}

ir::Activation activation_of(const ir::Op& op) {
  if (op.type == ir::OpType::kConv2D) return op.opts<ir::Conv2DOptions>().activation;
  if (op.type == ir::OpType::kDepthwiseConv2D) {
    return op.opts<ir::DepthwiseConv2DOptions>().activation;
  }
  return op.opts<ir::FullyConnectedOptions>().activation;
}

}  // namespace

std::vector<uint8_t> int8_output_with_rule(const OpCase& c, RequantRule rule) {
  const ir::Graph& g = c.graph;
  const ir::Op& op = g.ops.at(0);
  const ir::Tensor& in = g.tensors[static_cast<size_t>(op.inputs[0])];
  const ir::Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
  const ir::Tensor& out = g.tensors[static_cast<size_t>(op.outputs[0])];
  const float s_in = in.quant.scale[0], s_out = out.quant.scale[0];
  const int32_t z_in = static_cast<int32_t>(in.quant.zero_point[0]);
  const int32_t z_out = static_cast<int32_t>(out.quant.zero_point[0]);
  const std::vector<int32_t> bias(
      g.tensors[static_cast<size_t>(op.inputs[2])].const_data<int32_t>().begin(),
      g.tensors[static_cast<size_t>(op.inputs[2])].const_data<int32_t>().end());
  auto act =
      interp::kernels::quantized_activation_range(activation_of(op), {s_out, z_out}, DType::kInt8);
  const interp::kernels::IntRange range = act.ok() ? *act : interp::kernels::IntRange{-128, 127};
  std::vector<uint8_t> result(static_cast<size_t>(out.shape.num_elements()));
  auto emit = [&](int64_t i, int64_t ch, int64_t, int64_t sum) {
    const float s_w = w.quant.scale[w.quant.scale.size() == 1 ? 0 : static_cast<size_t>(ch)];
    interp::kernels::Requantizer r;
    r.rule = rule;
    r.multiplier = quant::quantize_multiplier(static_cast<double>(s_in) * s_w / s_out);
    r.scale = s_in * s_w / s_out;
    const int32_t acc = ref::wrap_to_int32(sum + bias[static_cast<size_t>(ch)]);
    const int32_t v = interp::kernels::clamp_to(int64_t{r.apply(acc)} + z_out, range);
    result[static_cast<size_t>(i)] = static_cast<uint8_t>(static_cast<int8_t>(v));
  };
  const int32_t offset = -z_in;
  const ref::InputOffsets offsets{&offset, 0};
  const auto* x = reinterpret_cast<const int8_t*>(c.inputs[0].data());
  const int8_t* weights = w.const_data<int8_t>().data();
  if (op.type == ir::OpType::kConv2D) {
    ref::conv2d_accumulate(params_of(op.opts<ir::Conv2DOptions>(), in.shape, w.shape, out.shape),
                           in.shape, x, offsets, w.shape, weights, out.shape, emit);
  } else if (op.type == ir::OpType::kDepthwiseConv2D) {
    const auto& o = op.opts<ir::DepthwiseConv2DOptions>();
    ref::depthwise_conv2d_accumulate(params_of(o, in.shape, w.shape, out.shape), o.depth_multiplier,
                                     in.shape, x, offsets, w.shape, weights, out.shape, emit);
  } else {
    const int64_t depth = w.shape[1], units = w.shape[0];
    ref::fully_connected_accumulate(in.shape.num_elements() / depth, depth, units, x, offsets,
                                    weights, 0, emit);
  }
  return result;
}

}  // namespace qexp::conformance

#include "framework/ir/dump.h"

#include <sstream>

#include "framework/core/strings.h"

namespace qexp::ir {
namespace {

std::string tensor_ref(int t) { return t < 0 ? std::string("-") : str_cat("%", t); }

struct OptionsPrinter {
  std::string operator()(const NoOptions&) const { return ""; }
  std::string operator()(const Conv2DOptions& o) const {
    return str_cat("{padding=", padding_name(o.padding), " stride=", o.stride_h, "x", o.stride_w,
                   " dilation=", o.dilation_h, "x", o.dilation_w,
                   " act=", activation_name(o.activation), "}");
  }
  std::string operator()(const DepthwiseConv2DOptions& o) const {
    return str_cat("{padding=", padding_name(o.padding), " stride=", o.stride_h, "x", o.stride_w,
                   " dilation=", o.dilation_h, "x", o.dilation_w,
                   " depth_multiplier=", o.depth_multiplier,
                   " act=", activation_name(o.activation), "}");
  }
  std::string operator()(const Pool2DOptions& o) const {
    return str_cat("{padding=", padding_name(o.padding), " filter=", o.filter_h, "x", o.filter_w,
                   " stride=", o.stride_h, "x", o.stride_w, " act=", activation_name(o.activation),
                   "}");
  }
  std::string operator()(const FullyConnectedOptions& o) const {
    return str_cat("{act=", activation_name(o.activation),
                   o.keep_num_dims ? " keep_num_dims" : "", "}");
  }
  std::string operator()(const ElementwiseOptions& o) const {
    return str_cat("{act=", activation_name(o.activation), "}");
  }
  std::string operator()(const SoftmaxOptions& o) const {
    return str_cat("{beta=", format_float(o.beta), "}");
  }
  std::string operator()(const ConcatenationOptions& o) const {
    return str_cat("{axis=", o.axis, " act=", activation_name(o.activation), "}");
  }
  std::string operator()(const ReshapeOptions& o) const {
    return o.new_shape.empty() ? "" : str_cat("{new_shape=", Shape(o.new_shape).to_string(), "}");
  }
  std::string operator()(const SqueezeOptions& o) const {
    return str_cat("{squeeze_dims=[", str_join(o.squeeze_dims, ","), "]}");
  }
  std::string operator()(const ReducerOptions& o) const {
    return str_cat("{keep_dims=", o.keep_dims ? "true" : "false", "}");
  }
  std::string operator()(const BatchNormOptions& o) const {
    return str_cat("{epsilon=", format_float(o.epsilon), "}");
  }
  std::string operator()(const MatMulOptions& o) const {
    return str_cat("{transpose_a=", o.transpose_a ? "true" : "false",
                   " transpose_b=", o.transpose_b ? "true" : "false", "}");
  }
};

}  // namespace

std::string dump_options(const Op& op) { return std::visit(OptionsPrinter{}, op.options); }

std::string dump_tensor_type(const Tensor& t, int max_scales) {
  std::ostringstream os;
  os << dtype_name(t.dtype) << t.shape.to_string();
  if (t.is_const()) os << " const";
  const QuantParams& q = t.quant;
  if (q.is_quantized()) {
    os << " q(";
    if (q.is_per_axis()) os << "axis=" << q.quantized_dimension << " ";
    os << "scale=";
    size_t n = q.scale.size();
    size_t shown = std::min(n, static_cast<size_t>(max_scales));
    for (size_t i = 0; i < shown; ++i) os << (i ? "," : "") << format_float(q.scale[i]);
    if (shown < n) os << ",…(" << n << ")";
    os << " zp=";
    for (size_t i = 0; i < std::min(q.zero_point.size(), shown); ++i) {
      os << (i ? "," : "") << q.zero_point[i];
    }
    if (shown < q.zero_point.size()) os << ",…";
    os << ")";
  }
  return os.str();
}

std::string dump_op(const Graph& g, const Op& op) {
  std::vector<std::string> ins, outs;
  for (int t : op.inputs) ins.push_back(tensor_ref(t));
  for (int t : op.outputs) outs.push_back(tensor_ref(t));
  (void)g;
  std::string opts = dump_options(op);
  return str_cat(op_type_name(op.type), " \"", op.name, "\" (", str_join(ins, ", "), ") -> (",
                 str_join(outs, ", "), ")", opts.empty() ? "" : " ", opts);
}

std::string dump(const Graph& g, const DumpOptions& options) {
  std::ostringstream os;
  os << "graph \"" << g.name << "\"\n";
  std::vector<std::string> ins, outs;
  for (int t : g.inputs) ins.push_back(tensor_ref(t));
  for (int t : g.outputs) outs.push_back(tensor_ref(t));
  os << "  inputs: " << str_join(ins, ", ") << "\n";
  os << "  outputs: " << str_join(outs, ", ") << "\n";
  if (options.tensors) {
    os << "tensors:\n";
    for (size_t i = 0; i < g.tensors.size(); ++i) {
      const Tensor& t = g.tensors[i];
      os << "  %" << i << " \"" << t.name << "\" " << dump_tensor_type(t, options.max_scales)
         << "\n";
    }
  }
  os << "ops:\n";
  for (const Op& op : g.ops) os << "  " << dump_op(g, op) << "\n";
  if (!g.aside.empty()) os << "aside: " << g.aside.size() << " source nodes not in the graph\n";
  return os.str();
}

}  // namespace qexp::ir

// Per-op conversion of TensorFlow nodes into IR ops (NHWC, TFLite layouts).

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>

#include "framework/core/strings.h"
#include "framework/importers/tf/graphdef_internal.h"

namespace qexp::tf::internal {
namespace {

using tfproto::NodeDef;

const tfproto::AttrValue* find_attr(const NodeDef& n, const char* name) {
  auto it = n.attr().find(name);
  return it == n.attr().end() ? nullptr : &it->second;
}

Result<std::string> string_attr(const NodeDef& n, const char* name, ImportContext& ctx,
                                const char* fallback = nullptr) {
  const auto* a = find_attr(n, name);
  if (a == nullptr || a->value_case() != tfproto::AttrValue::kS) {
    if (fallback != nullptr) return std::string(fallback);
    return ctx.node_error(n, str_cat("missing string attr '", name, "'"));
  }
  return a->s();
}

Result<std::vector<int64_t>> int_list_attr(const NodeDef& n, const char* name, ImportContext& ctx,
                                           std::vector<int64_t> fallback = {}) {
  const auto* a = find_attr(n, name);
  if (a == nullptr) {
    if (!fallback.empty()) return fallback;
    return ctx.node_error(n, str_cat("missing attr '", name, "'"));
  }
  if (a->value_case() != tfproto::AttrValue::kList) {
    return ctx.node_error(n, str_cat("attr '", name, "' must be a list of ints"));
  }
  return std::vector<int64_t>(a->list().i().begin(), a->list().i().end());
}

bool bool_attr(const NodeDef& n, const char* name, bool fallback) {
  const auto* a = find_attr(n, name);
  return (a != nullptr && a->value_case() == tfproto::AttrValue::kB) ? a->b() : fallback;
}

float float_attr(const NodeDef& n, const char* name, float fallback) {
  const auto* a = find_attr(n, name);
  return (a != nullptr && a->value_case() == tfproto::AttrValue::kF) ? a->f() : fallback;
}

Status check_nhwc(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(std::string fmt, string_attr(n, "data_format", ctx, "NHWC"));
  if (fmt != "NHWC") {
    return ctx.node_error(n, str_cat("data_format ", quoted(fmt), " is not supported, expected NHWC"));
  }
  return ok_status();
}

Result<ir::Padding> padding_attr(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(std::string p, string_attr(n, "padding", ctx));
  if (p == "SAME") return ir::Padding::kSame;
  if (p == "VALID") return ir::Padding::kValid;
  return ctx.node_error(n, str_cat("padding ", quoted(p), " is not supported, expected SAME or VALID"));
}

/// An NHWC 4-vector attr [1, h, w, 1] (strides, dilations, ksize) → {h, w}.
Result<std::pair<int, int>> hw_attr(const NodeDef& n, const char* name, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(auto v, int_list_attr(n, name, ctx, {1, 1, 1, 1}));
  if (v.size() != 4 || v[0] != 1 || v[3] != 1 || v[1] < 1 || v[2] < 1 || v[1] > 1 << 16 ||
      v[2] > 1 << 16) {
    return ctx.node_error(n, str_cat("attr '", name, "' = [", str_join(v, ","),
                                     "], expected [1,h,w,1] with h, w >= 1"));
  }
  return std::pair<int, int>(static_cast<int>(v[1]), static_cast<int>(v[2]));
}

Result<std::vector<int>> inputs_of(const NodeDef& n, ImportContext& ctx, size_t min_count,
                                   size_t max_count) {
  auto data = ImportContext::data_inputs(n);
  if (data.size() < min_count || data.size() > max_count) {
    return ctx.node_error(n, str_cat("has ", data.size(), " inputs, expected ",
                                     min_count == max_count ? std::to_string(min_count)
                                                            : str_cat(min_count, " to ", max_count)));
  }
  std::vector<int> ids;
  for (size_t i = 0; i < data.size(); ++i) {
    QEXP_ASSIGN_OR_RETURN(int t, ctx.tensor_of(n, static_cast<int>(i)));
    ids.push_back(t);
  }
  return ids;
}

/// Checks the data-input count and returns the tensor of input 0 only (the other inputs are
/// constants the converter reads itself, so no unused copy of them enters the graph).
Result<int> first_input(const NodeDef& n, ImportContext& ctx, size_t count) {
  auto data = ImportContext::data_inputs(n);
  if (data.size() != count) {
    return ctx.node_error(n, str_cat("has ", data.size(), " inputs, expected ", count));
  }
  return ctx.tensor_of(n, 0);
}

Result<const Tensor*> const_input(const NodeDef& n, ImportContext& ctx, int pos, const char* what,
                                  DType want) {
  const Tensor* t = ctx.const_value(n, pos);
  if (t == nullptr) return ctx.node_error(n, str_cat(what, " (input ", pos, ") must be a Const"));
  if (t->dtype() != want) {
    return ctx.node_error(n, str_cat(what, " must be ", dtype_name(want), ", got ",
                                     dtype_name(t->dtype())));
  }
  return t;
}

Result<std::vector<int64_t>> const_ints(const NodeDef& n, ImportContext& ctx, int pos,
                                        const char* what) {
  const Tensor* t = ctx.const_value(n, pos);
  if (t == nullptr) return ctx.node_error(n, str_cat(what, " (input ", pos, ") must be a Const"));
  std::vector<int64_t> out;
  if (t->dtype() == DType::kInt32) {
    for (int64_t i = 0; i < t->num_elements(); ++i) out.push_back(t->data<int32_t>()[i]);
  } else if (t->dtype() == DType::kInt64) {
    for (int64_t i = 0; i < t->num_elements(); ++i) out.push_back(t->data<int64_t>()[i]);
  } else {
    return ctx.node_error(n, str_cat(what, " must be int32 or int64"));
  }
  return out;
}

int int32_const(ImportContext& ctx, const std::string& name, const std::vector<int64_t>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  for (size_t i = 0; i < values.size(); ++i) {
    int32_t v = static_cast<int32_t>(values[i]);
    std::memcpy(bytes.data() + 4 * i, &v, 4);
  }
  return ctx.graph().add_const(name, DType::kInt32, Shape{static_cast<int64_t>(values.size())},
                               std::move(bytes));
}

Status convert_conv2d(const NodeDef& n, ImportContext& ctx) {
  QEXP_RETURN_IF_ERROR(check_nhwc(n, ctx));
  QEXP_ASSIGN_OR_RETURN(int in0, first_input(n, ctx, 2));
  QEXP_ASSIGN_OR_RETURN(const Tensor* hwio, const_input(n, ctx, 1, "filter", DType::kFloat32));
  if (hwio->shape().rank() != 4) return ctx.node_error(n, "filter must be rank 4 HWIO");
  const Shape& s = hwio->shape();
  const int64_t kh = s[0], kw = s[1], ci = s[2], co = s[3];
  Tensor ohwi(DType::kFloat32, Shape{co, kh, kw, ci});
  const float* src = hwio->data<float>();
  float* dst = ohwi.data<float>();
  for (int64_t h = 0; h < kh; ++h)
    for (int64_t w = 0; w < kw; ++w)
      for (int64_t i = 0; i < ci; ++i)
        for (int64_t o = 0; o < co; ++o)
          dst[((o * kh + h) * kw + w) * ci + i] = src[((h * kw + w) * ci + i) * co + o];
  ir::Conv2DOptions o;
  QEXP_ASSIGN_OR_RETURN(o.padding, padding_attr(n, ctx));
  QEXP_ASSIGN_OR_RETURN(auto strides, hw_attr(n, "strides", ctx));
  QEXP_ASSIGN_OR_RETURN(auto dil, hw_attr(n, "dilations", ctx));
  std::tie(o.stride_h, o.stride_w) = strides;
  std::tie(o.dilation_h, o.dilation_w) = dil;
  std::string filter_name = ImportContext::data_inputs(n)[1];
  int w = ctx.graph().add_const(filter_name, ohwi);
  int out = ctx.new_output(n);
  ctx.graph().add_op(ir::OpType::kConv2D, n.name(), {in0, w, -1}, {out}, o);
  return ok_status();
}

Status convert_depthwise(const NodeDef& n, ImportContext& ctx) {
  QEXP_RETURN_IF_ERROR(check_nhwc(n, ctx));
  QEXP_ASSIGN_OR_RETURN(int in0, first_input(n, ctx, 2));
  QEXP_ASSIGN_OR_RETURN(const Tensor* hwcm, const_input(n, ctx, 1, "filter", DType::kFloat32));
  if (hwcm->shape().rank() != 4) return ctx.node_error(n, "filter must be rank 4 [h,w,c,m]");
  const Shape& s = hwcm->shape();
  // TF's output channel c*M + m is TFLite's: the [h,w,c,m] bytes are already [1,h,w,c*m].
  Tensor flat(DType::kFloat32, Shape{1, s[0], s[1], s[2] * s[3]});
  std::memcpy(flat.raw(), hwcm->raw(), hwcm->byte_size());
  ir::DepthwiseConv2DOptions o;
  QEXP_ASSIGN_OR_RETURN(o.padding, padding_attr(n, ctx));
  QEXP_ASSIGN_OR_RETURN(auto strides, hw_attr(n, "strides", ctx));
  QEXP_ASSIGN_OR_RETURN(auto dil, hw_attr(n, "dilations", ctx));
  std::tie(o.stride_h, o.stride_w) = strides;
  std::tie(o.dilation_h, o.dilation_w) = dil;
  o.depth_multiplier = static_cast<int>(s[3]);
  int w = ctx.graph().add_const(ImportContext::data_inputs(n)[1], flat);
  int out = ctx.new_output(n);
  ctx.graph().add_op(ir::OpType::kDepthwiseConv2D, n.name(), {in0, w, -1}, {out}, o);
  return ok_status();
}

Status convert_pool(const NodeDef& n, ImportContext& ctx, ir::OpType type) {
  QEXP_RETURN_IF_ERROR(check_nhwc(n, ctx));
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 1, 1));
  ir::Pool2DOptions o;
  QEXP_ASSIGN_OR_RETURN(o.padding, padding_attr(n, ctx));
  QEXP_ASSIGN_OR_RETURN(auto strides, hw_attr(n, "strides", ctx));
  QEXP_ASSIGN_OR_RETURN(auto ksize, hw_attr(n, "ksize", ctx));
  std::tie(o.stride_h, o.stride_w) = strides;
  std::tie(o.filter_h, o.filter_w) = ksize;
  ctx.graph().add_op(type, n.name(), {in[0]}, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_batch_norm(const NodeDef& n, ImportContext& ctx) {
  QEXP_RETURN_IF_ERROR(check_nhwc(n, ctx));
  if (bool_attr(n, "is_training", true)) {
    return ctx.node_error(n, "is_training is true; a frozen inference graph needs is_training=false");
  }
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 5, 5));
  ir::BatchNormOptions o;
  o.epsilon = float_attr(n, "epsilon", 0.0001f);
  // TF inputs: x, scale (gamma), offset (beta), mean, variance — the IR's order.
  ctx.graph().add_op(ir::OpType::kBatchNorm, n.name(), in, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_unary(const NodeDef& n, ImportContext& ctx, ir::OpType type) {
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 1, 1));
  ctx.graph().add_op(type, n.name(), {in[0]}, {ctx.new_output(n)}, ir::default_options(type));
  return ok_status();
}

Status convert_binary(const NodeDef& n, ImportContext& ctx, ir::OpType type) {
  if (n.op() == "BiasAdd") QEXP_RETURN_IF_ERROR(check_nhwc(n, ctx));
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 2, 2));
  ctx.graph().add_op(type, n.name(), in, {ctx.new_output(n)}, ir::ElementwiseOptions{});
  return ok_status();
}

Status convert_matmul(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 2, 2));
  ir::MatMulOptions o{bool_attr(n, "transpose_a", false), bool_attr(n, "transpose_b", false)};
  ctx.graph().add_op(ir::OpType::kMatMul, n.name(), in, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_reshape(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(int in0, first_input(n, ctx, 2));
  QEXP_ASSIGN_OR_RETURN(auto shape, const_ints(n, ctx, 1, "shape"));
  int s = int32_const(ctx, ImportContext::data_inputs(n)[1], shape);
  ir::ReshapeOptions o{shape};
  ctx.graph().add_op(ir::OpType::kReshape, n.name(), {in0, s}, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_squeeze(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 1, 1));
  const auto* a = find_attr(n, "squeeze_dims");
  ir::SqueezeOptions o;
  if (a != nullptr && a->value_case() == tfproto::AttrValue::kList) {
    for (int64_t d : a->list().i()) o.squeeze_dims.push_back(static_cast<int>(d));
  }
  ctx.graph().add_op(ir::OpType::kSqueeze, n.name(), {in[0]}, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_mean(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(int in0, first_input(n, ctx, 2));
  QEXP_ASSIGN_OR_RETURN(auto axes, const_ints(n, ctx, 1, "reduction_indices"));
  int a = int32_const(ctx, ImportContext::data_inputs(n)[1], axes);
  ir::ReducerOptions o{bool_attr(n, "keep_dims", false)};
  ctx.graph().add_op(ir::OpType::kMean, n.name(), {in0, a}, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_pad(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(int in0, first_input(n, ctx, 2));
  QEXP_ASSIGN_OR_RETURN(auto pads, const_ints(n, ctx, 1, "paddings"));
  if (pads.size() % 2 != 0) return ctx.node_error(n, "paddings must have shape [rank, 2]");
  std::vector<uint8_t> bytes(pads.size() * 4);
  for (size_t i = 0; i < pads.size(); ++i) {
    int32_t v = static_cast<int32_t>(pads[i]);
    std::memcpy(bytes.data() + 4 * i, &v, 4);
  }
  int p = ctx.graph().add_const(ImportContext::data_inputs(n)[1], DType::kInt32,
                                Shape{static_cast<int64_t>(pads.size() / 2), 2}, std::move(bytes));
  ctx.graph().add_op(ir::OpType::kPad, n.name(), {in0, p}, {ctx.new_output(n)},
                     ir::NoOptions{});
  return ok_status();
}

Status convert_concat(const NodeDef& n, ImportContext& ctx) {
  auto data = ImportContext::data_inputs(n);
  if (data.size() < 2) return ctx.node_error(n, "needs at least one value and an axis");
  QEXP_ASSIGN_OR_RETURN(auto axis, const_ints(n, ctx, static_cast<int>(data.size() - 1), "axis"));
  if (axis.size() != 1) return ctx.node_error(n, "axis must be a scalar");
  std::vector<int> ins;
  for (size_t i = 0; i + 1 < data.size(); ++i) {
    QEXP_ASSIGN_OR_RETURN(int t, ctx.tensor_of(n, static_cast<int>(i)));
    ins.push_back(t);
  }
  ir::ConcatenationOptions o;
  o.axis = static_cast<int>(axis[0]);
  ctx.graph().add_op(ir::OpType::kConcatenation, n.name(), ins, {ctx.new_output(n)}, o);
  return ok_status();
}

Status convert_softmax(const NodeDef& n, ImportContext& ctx) {
  QEXP_ASSIGN_OR_RETURN(auto in, inputs_of(n, ctx, 1, 1));
  ctx.graph().add_op(ir::OpType::kSoftmax, n.name(), {in[0]}, {ctx.new_output(n)},
                     ir::SoftmaxOptions{1.0f});
  return ok_status();
}

using Converter = std::function<Status(const NodeDef&, ImportContext&)>;

const std::map<std::string, Converter>& converters() {
  using ir::OpType;
  static const auto* table = new std::map<std::string, Converter>{
      {"Conv2D", convert_conv2d},
      {"DepthwiseConv2dNative", convert_depthwise},
      {"AvgPool", [](auto& n, auto& c) { return convert_pool(n, c, OpType::kAveragePool2D); }},
      {"MaxPool", [](auto& n, auto& c) { return convert_pool(n, c, OpType::kMaxPool2D); }},
      {"FusedBatchNorm", convert_batch_norm},
      {"FusedBatchNormV2", convert_batch_norm},
      {"FusedBatchNormV3", convert_batch_norm},
      {"BiasAdd", [](auto& n, auto& c) { return convert_binary(n, c, OpType::kAdd); }},
      {"Add", [](auto& n, auto& c) { return convert_binary(n, c, OpType::kAdd); }},
      {"AddV2", [](auto& n, auto& c) { return convert_binary(n, c, OpType::kAdd); }},
      {"Sub", [](auto& n, auto& c) { return convert_binary(n, c, OpType::kSub); }},
      {"Mul", [](auto& n, auto& c) { return convert_binary(n, c, OpType::kMul); }},
      {"Relu", [](auto& n, auto& c) { return convert_unary(n, c, OpType::kRelu); }},
      {"Relu6", [](auto& n, auto& c) { return convert_unary(n, c, OpType::kRelu6); }},
      {"Sigmoid", [](auto& n, auto& c) { return convert_unary(n, c, OpType::kLogistic); }},
      {"Tanh", [](auto& n, auto& c) { return convert_unary(n, c, OpType::kTanh); }},
      {"Identity", [](auto& n, auto& c) { return convert_unary(n, c, OpType::kIdentity); }},
      {"StopGradient", [](auto& n, auto& c) { return convert_unary(n, c, OpType::kIdentity); }},
      {"MatMul", convert_matmul},
      {"Reshape", convert_reshape},
      {"Squeeze", convert_squeeze},
      {"Mean", convert_mean},
      {"Pad", convert_pad},
      {"ConcatV2", convert_concat},
      {"Softmax", convert_softmax},
  };
  return *table;
}

}  // namespace

const std::vector<std::string>& converted_ops() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>;
    for (const auto& [name, fn] : converters()) v->push_back(name);
    return v;
  }();
  return *names;
}

Status convert_node(const NodeDef& n, ImportContext& ctx) {
  auto it = converters().find(n.op());
  if (it == converters().end()) {
    return ctx.node_error(n, str_cat("op type ", quoted(n.op()), " is not supported (supported: ",
                                     str_join(converted_ops(), ", "),
                                     ", Placeholder, Const, NoOp)"));
  }
  return it->second(n, ctx);
}

}  // namespace qexp::tf::internal

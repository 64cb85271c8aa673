#include "tools/train/export.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "framework/core/strings.h"
#include "framework/core/tensor.h"

namespace qexp::train {
namespace {

using tf::AttrList;
using tf::AttrValue;
using tf::DataType;

// Copies a float libtorch tensor into a qexp Tensor after permuting its dimensions.
Tensor to_qexp(const torch::Tensor& t, at::IntArrayRef permutation) {
  torch::Tensor c = t.detach().permute(permutation).contiguous().to(torch::kFloat32);
  std::vector<int64_t> dims(c.sizes().begin(), c.sizes().end());
  Tensor out(DType::kFloat32, Shape(std::move(dims)));
  std::memcpy(out.raw(), c.data_ptr<float>(), out.byte_size());
  return out;
}

Tensor to_qexp(const torch::Tensor& t) { return to_qexp(t, {0}); }

AttrList float_t() { return {{"T", AttrValue::type(DataType::kFloat)}}; }

AttrList conv_attrs(int64_t stride, bool depthwise) {
  AttrList attrs = {
      {"T", AttrValue::type(DataType::kFloat)},
      {"data_format", AttrValue::string("NHWC")},
      {"dilations", AttrValue::int_list({1, 1, 1, 1})},
      {"explicit_paddings", AttrValue::int_list({})},
      {"padding", AttrValue::string("SAME")},
      {"strides", AttrValue::int_list({1, stride, stride, 1})},
  };
  if (!depthwise) attrs.emplace_back("use_cudnn_on_gpu", AttrValue::boolean(true));
  return attrs;
}

AttrList bias_add_attrs() {
  return {{"T", AttrValue::type(DataType::kFloat)}, {"data_format", AttrValue::string("NHWC")}};
}

class Exporter {
 public:
  Exporter(tf::GraphDefWriter& w, double l2) : w_(w), l2_(l2) {}

  Status add_const(const std::string& name, const Tensor& value) {
    summary_.values += value.num_elements();
    return w_.add_const(name, value);
  }

  // The kernel Const and, when regularizing, TF1's l2_regularizer subgraph right after it (where
  // tf.get_variable(regularizer=…) creates it in a training graph).
  Status add_kernel(const std::string& name, const Tensor& value) {
    QEXP_RETURN_IF_ERROR(add_const(name, value));
    if (l2_ <= 0.0) return ok_status();
    const std::string reg = name + "/Regularizer/l2_regularizer";
    Tensor scale(DType::kFloat32, Shape{});
    scale.data<float>()[0] = static_cast<float>(l2_);
    QEXP_RETURN_IF_ERROR(w_.add_const(reg + "/scale", scale));
    QEXP_RETURN_IF_ERROR(w_.add_node(reg + "/L2Loss", "L2Loss", {name}, float_t()));
    QEXP_RETURN_IF_ERROR(w_.add_node(reg, "Mul", {reg + "/scale", reg + "/L2Loss"}, float_t()));
    ++summary_.regularized;
    return ok_status();
  }

  Result<std::string> add_layer(const ConvUnit& unit, const std::string& input);
  Status add_head(MobileNet& net, std::string net_out);

  ExportSummary summary() const {
    ExportSummary s = summary_;
    s.nodes = w_.num_nodes();
    return s;
  }

 private:
  tf::GraphDefWriter& w_;
  double l2_;
  ExportSummary summary_;
};

// Conv2D / DepthwiseConv2dNative + (FusedBatchNormV3 | BiasAdd) + Relu6; returns the Relu6 name.
Result<std::string> Exporter::add_layer(const ConvUnit& unit, const std::string& input) {
  const LayerPlan& p = unit->plan();
  const std::string& s = p.scope;
  const bool depthwise = p.kind == LayerKind::kDepthwise;
  // PyTorch OIHW → TF HWIO; depthwise [C, 1, kh, kw] → TF [kh, kw, C, 1]: the same permutation
  // {2, 3, 1, 0} for the first and {2, 3, 0, 1} for the second.
  const std::string weights = kernel_name(p);
  QEXP_RETURN_IF_ERROR(
      add_kernel(weights, to_qexp(unit->conv->weight, depthwise ? at::IntArrayRef{2, 3, 0, 1}
                                                                : at::IntArrayRef{2, 3, 1, 0})));
  const std::string conv = s + (depthwise ? "/depthwise" : "/Conv2D");
  QEXP_RETURN_IF_ERROR(w_.add_node(conv, depthwise ? "DepthwiseConv2dNative" : "Conv2D",
                                   {input, weights}, conv_attrs(p.stride, depthwise)));
  std::string pre_act;
  if (unit->bn) {
    const std::string bn = s + "/BatchNorm";
    QEXP_RETURN_IF_ERROR(add_const(bn + "/gamma", to_qexp(unit->bn->weight)));
    QEXP_RETURN_IF_ERROR(add_const(bn + "/beta", to_qexp(unit->bn->bias)));
    QEXP_RETURN_IF_ERROR(add_const(bn + "/moving_mean", to_qexp(unit->bn->running_mean)));
    QEXP_RETURN_IF_ERROR(add_const(bn + "/moving_variance", to_qexp(unit->bn->running_var)));
    pre_act = bn + "/FusedBatchNormV3";
    const float eps = static_cast<float>(unit->bn->options.eps());
    QEXP_RETURN_IF_ERROR(w_.add_node(
        pre_act, "FusedBatchNormV3",
        {conv, bn + "/gamma", bn + "/beta", bn + "/moving_mean", bn + "/moving_variance"},
        {{"T", AttrValue::type(DataType::kFloat)},
         {"U", AttrValue::type(DataType::kFloat)},
         {"data_format", AttrValue::string("NHWC")},
         {"epsilon", AttrValue::real(eps)},
         {"exponential_avg_factor", AttrValue::real(1.0f)},
         {"is_training", AttrValue::boolean(false)}}));
  } else {
    QEXP_RETURN_IF_ERROR(add_const(s + "/biases", to_qexp(unit->conv->bias)));
    pre_act = s + "/BiasAdd";
    QEXP_RETURN_IF_ERROR(w_.add_node(pre_act, "BiasAdd", {conv, s + "/biases"}, bias_add_attrs()));
  }
  const std::string relu = s + "/Relu6";
  QEXP_RETURN_IF_ERROR(w_.add_node(relu, "Relu6", {pre_act}, float_t()));
  return relu;
}

// AvgPool → Dropout (Identity) → 1×1 Conv2D + BiasAdd → Squeeze → Reshape → Softmax.
Status Exporter::add_head(MobileNet& net, std::string net_out) {
  const int64_t size = net->final_size();
  const int64_t classes = net->options().num_classes;
  const std::string logits = "MobilenetV1/Logits";
  const std::string pool = logits + "/AvgPool_1a/AvgPool";
  QEXP_RETURN_IF_ERROR(w_.add_node(pool, "AvgPool", {net_out},
                                   {{"T", AttrValue::type(DataType::kFloat)},
                                    {"data_format", AttrValue::string("NHWC")},
                                    {"ksize", AttrValue::int_list({1, size, size, 1})},
                                    {"padding", AttrValue::string("VALID")},
                                    {"strides", AttrValue::int_list({1, 2, 2, 1})}}));
  const std::string dropout = logits + "/Dropout_1b/Identity";  // slim.dropout at inference
  QEXP_RETURN_IF_ERROR(w_.add_node(dropout, "Identity", {pool}, float_t()));
  const std::string fc = kLogitsScope;
  QEXP_RETURN_IF_ERROR(add_kernel(fc + "/weights", to_qexp(net->logits()->weight, {2, 3, 1, 0})));
  QEXP_RETURN_IF_ERROR(
      w_.add_node(fc + "/Conv2D", "Conv2D", {dropout, fc + "/weights"}, conv_attrs(1, false)));
  QEXP_RETURN_IF_ERROR(add_const(fc + "/biases", to_qexp(net->logits()->bias)));
  QEXP_RETURN_IF_ERROR(
      w_.add_node(fc + "/BiasAdd", "BiasAdd", {fc + "/Conv2D", fc + "/biases"}, bias_add_attrs()));
  const std::string squeeze = logits + "/SpatialSqueeze";
  QEXP_RETURN_IF_ERROR(w_.add_node(
      squeeze, "Squeeze", {fc + "/BiasAdd"},
      {{"T", AttrValue::type(DataType::kFloat)}, {"squeeze_dims", AttrValue::int_list({1, 2})}}));
  const std::string reshape = "MobilenetV1/Predictions/Reshape";  // slim.softmax: 2-D logits
  Tensor shape(DType::kInt32, Shape{2});
  shape.data<int32_t>()[0] = -1;
  shape.data<int32_t>()[1] = static_cast<int32_t>(classes);
  QEXP_RETURN_IF_ERROR(w_.add_const(reshape + "/shape", shape));
  QEXP_RETURN_IF_ERROR(w_.add_node(
      reshape, "Reshape", {squeeze, reshape + "/shape"},
      {{"T", AttrValue::type(DataType::kFloat)}, {"Tshape", AttrValue::type(DataType::kInt32)}}));
  return w_.add_node(kOutputName, "Softmax", {reshape}, float_t());
}

}  // namespace

std::string kernel_name(const LayerPlan& layer) {
  return layer.scope + (layer.kind == LayerKind::kDepthwise ? "/depthwise_weights" : "/weights");
}

Result<ExportSummary> export_graphdef(MobileNet& net, const ExportOptions& options,
                                      tf::GraphDefWriter* writer) {
  if (!std::isfinite(options.l2_regularizer_scale) || options.l2_regularizer_scale < 0.0) {
    return invalid_argument(str_cat("l2 regularizer scale ",
                                    format_double(options.l2_regularizer_scale),
                                    " must be finite and >= 0"));
  }
  torch::NoGradGuard no_grad;
  const NetOptions& o = net->options();
  Exporter ex(*writer, options.l2_regularizer_scale);
  QEXP_RETURN_IF_ERROR(writer->add_placeholder(kInputName, DType::kFloat32,
                                               {-1, o.input_size, o.input_size, o.channels}));
  std::string out = kInputName;
  for (const ConvUnit& unit : net->units()) {
    QEXP_ASSIGN_OR_RETURN(out, ex.add_layer(unit, out));
  }
  QEXP_RETURN_IF_ERROR(ex.add_head(net, out));
  return ex.summary();
}

}  // namespace qexp::train

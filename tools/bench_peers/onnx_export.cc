#include "tools/bench_peers/onnx_export.h"

#include <cstring>
#include <map>
#include <span>
#include <vector>

#include "framework/core/strings.h"
#include "tools/bench_peers/onnx_proto.h"

namespace qexp::bench_peers {
namespace {

constexpr int kOpset = 13;
const std::vector<int64_t> kToNchw = {0, 3, 1, 2}, kToNhwc = {0, 2, 3, 1};

Result<OnnxType> onnx_type(DType t) {
  switch (t) {
    case DType::kFloat32:
      return OnnxType::kFloat;
    case DType::kUInt8:
      return OnnxType::kUint8;
    case DType::kInt8:
      return OnnxType::kInt8;
    case DType::kInt16:
      return OnnxType::kInt16;
    case DType::kInt32:
      return OnnxType::kInt32;
    case DType::kInt64:
      return OnnxType::kInt64;
    default:
      return unimplemented(str_cat("no ONNX export for ", dtype_name(t), " tensors"));
  }
}

template <typename T>
std::string_view raw(const std::vector<T>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)};
}

/// Reorders a row-major 4-D array: output dim d is input dim perm[d].
std::vector<uint8_t> permute4(std::span<const uint8_t> in, size_t esize,
                              const std::vector<int64_t>& dims, std::span<const int> perm,
                              std::vector<int64_t>* out_dims) {
  int64_t in_stride[4];
  in_stride[3] = 1;
  for (int d = 2; d >= 0; --d) in_stride[d] = in_stride[d + 1] * dims[static_cast<size_t>(d + 1)];
  out_dims->resize(4);
  int64_t stride[4];
  for (int d = 0; d < 4; ++d) {
    (*out_dims)[static_cast<size_t>(d)] = dims[static_cast<size_t>(perm[d])];
    stride[d] = in_stride[perm[d]];
  }
  std::vector<uint8_t> out(in.size());
  const auto& od = *out_dims;
  size_t pos = 0;
  for (int64_t a = 0; a < od[0]; ++a) {
    for (int64_t b = 0; b < od[1]; ++b) {
      for (int64_t c = 0; c < od[2]; ++c) {
        for (int64_t e = 0; e < od[3]; ++e, pos += esize) {
          const int64_t src = a * stride[0] + b * stride[1] + c * stride[2] + e * stride[3];
          std::memcpy(out.data() + pos, in.data() + static_cast<size_t>(src) * esize, esize);
        }
      }
    }
  }
  return out;
}

/// TensorFlow's SAME padding along one spatial dimension: {begin, end}, the odd pixel at the end.
std::pair<int64_t, int64_t> same_pads(int64_t in, int64_t kernel, int stride, int dilation) {
  const int64_t out = (in + stride - 1) / stride;
  const int64_t effective = (kernel - 1) * dilation + 1;
  const int64_t total = std::max<int64_t>(0, (out - 1) * stride + effective - in);
  return {total / 2, total - total / 2};
}

std::vector<int64_t> pads(ir::Padding padding, const Shape& nhwc_in, int64_t kh, int64_t kw, int sh,
                          int sw, int dh, int dw) {
  if (padding == ir::Padding::kValid) return {0, 0, 0, 0};
  auto [top, bottom] = same_pads(nhwc_in.dim(1), kh, sh, dh);
  auto [left, right] = same_pads(nhwc_in.dim(2), kw, sw, dw);
  return {top, left, bottom, right};
}

class Exporter {
 public:
  explicit Exporter(const ir::Graph& g)
      : g_(g), name_(g.tensors.size()), qname_(g.tensors.size()) {}

  Result<std::string> run(OnnxExportSummary* summary) {
    QEXP_RETURN_IF_ERROR(emit_inputs());
    for (const ir::Op& op : g_.ops) {
      current_op_ = op.name;
      Status s = emit_op(op);
      current_op_.clear();
      if (!s.ok()) {
        return Status(s.code(), str_cat("op ", quoted(op.name), " (", ir::op_type_name(op.type),
                                        "): ", s.message()));
      }
    }
    QEXP_RETURN_IF_ERROR(emit_outputs());
    if (summary != nullptr) {
      summary->onnx_nodes = out_.num_nodes();
      summary->quantized_tensors = quantized_;
    }
    return out_.model_bytes("qexp", kOpset);
  }

 private:
  const ir::Tensor& tensor(int id) const { return g_.tensors[static_cast<size_t>(id)]; }
  std::string fresh(std::string_view base) { return str_cat("qexp/", base, "_", next_id_++); }
  bool quantized_activation(int id) const {
    return !tensor(id).is_const() && tensor(id).quant.is_quantized();
  }

  /// One node with one fresh output. Inside an op both are named "<qexp op name>/<op_type>_<n>"
  /// (runtimes name fused nodes after a node or its output), so profiles of other runtimes can
  /// be matched to qexp's ops.
  std::string node1(std::string_view op_type, const std::vector<std::string>& inputs,
                    const std::vector<OnnxAttribute>& attrs = {}) {
    const std::string out =
        current_op_.empty() ? fresh(op_type) : str_cat(current_op_, "/", op_type, "_", next_id_++);
    out_.add_node(op_type, inputs, {out}, attrs, current_op_.empty() ? "" : out);
    return out;
  }

  std::string float_scalar(float v) {
    auto [it, inserted] = scalars_.try_emplace(v);
    if (inserted) {
      it->second = fresh("scalar");
      out_.add_initializer(it->second, OnnxType::kFloat, {}, raw(std::vector<float>{v}));
    }
    return it->second;
  }

  std::string int64_vector(const std::vector<int64_t>& v) {
    std::string name = fresh("shape");
    const std::vector<int64_t> dims = {static_cast<int64_t>(v.size())};
    out_.add_initializer(name, OnnxType::kInt64, dims, raw(v));
    return name;
  }

  /// Scale and zero point initializers of `q` (per-tensor: scalars; per-axis: vectors).
  Result<std::pair<std::string, std::string>> quant_params(const ir::QuantParams& q, DType t) {
    const std::vector<int64_t> dims =
        q.is_per_axis() ? std::vector<int64_t>{static_cast<int64_t>(q.scale.size())}
                        : std::vector<int64_t>{};
    const size_t n = q.is_per_axis() ? q.scale.size() : 1;
    std::string scale = fresh("scale"), zp = fresh("zero_point");
    out_.add_initializer(scale, OnnxType::kFloat, dims,
                         raw(std::vector<float>(q.scale.begin(), q.scale.begin() + n)));
    QEXP_ASSIGN_OR_RETURN(OnnxType type, onnx_type(t));
    std::vector<uint8_t> bytes(n * dtype_size(t));
    for (size_t i = 0; i < n; ++i) {
      const int64_t z = q.zero_point.empty() ? 0 : q.zero_point[q.zero_point.size() > i ? i : 0];
      switch (t) {
        case DType::kInt8:
          bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(z));
          break;
        case DType::kUInt8:
          bytes[i] = static_cast<uint8_t>(z);
          break;
        case DType::kInt32: {
          const auto v = static_cast<int32_t>(z);
          std::memcpy(bytes.data() + 4 * i, &v, 4);
          break;
        }
        default:
          return unimplemented(str_cat(dtype_name(t), " quantized tensors need an opset above 13"));
      }
    }
    out_.add_initializer(zp, type, dims, raw(bytes));
    return std::pair{scale, zp};
  }

  /// Constant `id` as an initializer (4-D ones reordered by `perm`), dequantized when quantized.
  Result<std::string> constant(int id, std::span<const int> perm = {}) {
    const ir::Tensor& t = tensor(id);
    std::vector<int64_t> dims = t.shape.dims();
    std::vector<uint8_t> bytes(t.data->begin(), t.data->end());
    int axis = t.quant.quantized_dimension;
    if (!perm.empty()) {
      std::vector<int64_t> new_dims;
      bytes = permute4(bytes, dtype_size(t.dtype), dims, perm, &new_dims);
      dims = new_dims;
      for (int d = 0; d < 4; ++d) {
        if (perm[d] == t.quant.quantized_dimension) axis = d;
      }
    }
    QEXP_ASSIGN_OR_RETURN(OnnxType type, onnx_type(t.dtype));
    const std::string name = fresh("const");
    out_.add_initializer(name, type, dims, raw(bytes));
    if (!t.quant.is_quantized()) return name;
    QEXP_ASSIGN_OR_RETURN(auto params, quant_params(t.quant, t.dtype));
    std::vector<OnnxAttribute> attrs;
    if (t.quant.is_per_axis()) attrs.push_back(int_attr("axis", axis));
    return node1("DequantizeLinear", {name, params.first, params.second}, attrs);
  }

  /// The float ONNX value of tensor `id` (4-D activations in NCHW).
  Result<std::string> value(int id) {
    if (id < 0) return invalid_argument("missing input");
    if (tensor(id).is_const()) return constant(id);
    if (name_[static_cast<size_t>(id)].empty()) {
      return invalid_argument(str_cat("tensor ", quoted(tensor(id).name), " is not produced"));
    }
    return name_[static_cast<size_t>(id)];
  }

  /// Activation `id` with its elements in NHWC order (a 1x1 NCHW map already is).
  Result<std::string> nhwc_order(int id) {
    QEXP_ASSIGN_OR_RETURN(std::string v, value(id));
    const Shape& s = tensor(id).shape;
    if (s.rank() == 4 && s.dim(1) * s.dim(2) > 1) {
      return node1("Transpose", {v}, {ints_attr("perm", kToNhwc)});
    }
    return v;
  }

  Result<std::string> activation(std::string x, ir::Activation a) {
    switch (a) {
      case ir::Activation::kNone:
        return x;
      case ir::Activation::kRelu:
        return node1("Relu", {x});
      case ir::Activation::kRelu6:
        return node1("Clip", {x, float_scalar(0), float_scalar(6)});
      case ir::Activation::kReluN1To1:
        return node1("Clip", {x, float_scalar(-1), float_scalar(1)});
      default:
        return unimplemented("fused activation other than RELU / RELU6 / RELU_N1_TO_1");
    }
  }

  /// Makes `float_value` the value of activation `id`, through QuantizeLinear → DequantizeLinear
  /// when `id` is quantized.
  Status produce(int id, const std::string& float_value) {
    const ir::Tensor& t = tensor(id);
    for (int64_t d : t.shape.dims()) {
      if (d <= 0) return unimplemented(str_cat("dynamic shape of ", quoted(t.name)));
    }
    if (!quantized_activation(id)) {
      name_[static_cast<size_t>(id)] = float_value;
      return ok_status();
    }
    if (t.quant.is_per_axis()) return unimplemented("per-axis quantized activations");
    QEXP_ASSIGN_OR_RETURN(auto params, quant_params(t.quant, t.dtype));
    const std::string q = node1("QuantizeLinear", {float_value, params.first, params.second});
    qname_[static_cast<size_t>(id)] = q;
    name_[static_cast<size_t>(id)] = node1("DequantizeLinear", {q, params.first, params.second});
    ++quantized_;
    return ok_status();
  }

  Status emit_conv(const ir::Op& op, bool depthwise) {
    static constexpr int kConvPerm[4] = {0, 3, 1, 2}, kDepthwisePerm[4] = {3, 0, 1, 2};
    const ir::Tensor& in = tensor(op.inputs[0]);
    const ir::Tensor& w = tensor(op.inputs[1]);
    if (!w.is_const() || in.shape.rank() != 4) return unimplemented("non-constant 4-D weights");
    std::vector<std::string> inputs;
    QEXP_ASSIGN_OR_RETURN(std::string x, value(op.inputs[0]));
    QEXP_ASSIGN_OR_RETURN(std::string wv,
                          constant(op.inputs[1], depthwise ? kDepthwisePerm : kConvPerm));
    inputs = {x, wv};
    if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
      QEXP_ASSIGN_OR_RETURN(std::string b, constant(op.inputs[2]));
      inputs.push_back(b);
    }
    const int64_t kh = w.shape.dim(1), kw = w.shape.dim(2);
    int sh, sw, dh, dw;
    ir::Padding padding;
    ir::Activation act;
    int64_t group = 1;
    if (depthwise) {
      const auto& o = op.opts<ir::DepthwiseConv2DOptions>();
      std::tie(sh, sw, dh, dw, padding, act) =
          std::tie(o.stride_h, o.stride_w, o.dilation_h, o.dilation_w, o.padding, o.activation);
      group = in.shape.dim(3);
    } else {
      const auto& o = op.opts<ir::Conv2DOptions>();
      std::tie(sh, sw, dh, dw, padding, act) =
          std::tie(o.stride_h, o.stride_w, o.dilation_h, o.dilation_w, o.padding, o.activation);
    }
    const std::string y = node1("Conv", inputs,
                                {ints_attr("kernel_shape", {kh, kw}),
                                 ints_attr("strides", {sh, sw}), ints_attr("dilations", {dh, dw}),
                                 ints_attr("pads", pads(padding, in.shape, kh, kw, sh, sw, dh, dw)),
                                 int_attr("group", group)});
    QEXP_ASSIGN_OR_RETURN(std::string z, activation(y, act));
    return produce(op.outputs[0], z);
  }

  Status emit_pool(const ir::Op& op, std::string_view onnx_op) {
    const auto& o = op.opts<ir::Pool2DOptions>();
    QEXP_ASSIGN_OR_RETURN(std::string x, value(op.inputs[0]));
    const std::string y =
        node1(onnx_op, {x},
              {ints_attr("kernel_shape", {o.filter_h, o.filter_w}),
               ints_attr("strides", {o.stride_h, o.stride_w}),
               ints_attr("pads", pads(o.padding, tensor(op.inputs[0]).shape, o.filter_h, o.filter_w,
                                      o.stride_h, o.stride_w, 1, 1))});
    QEXP_ASSIGN_OR_RETURN(std::string z, activation(y, o.activation));
    return produce(op.outputs[0], z);
  }

  Status emit_reshape(const ir::Op& op) {
    QEXP_ASSIGN_OR_RETURN(std::string x, nhwc_order(op.inputs[0]));
    const Shape& s = tensor(op.outputs[0]).shape;
    if (s.rank() != 4) return produce(op.outputs[0], node1("Reshape", {x, int64_vector(s.dims())}));
    if (s.dim(1) * s.dim(2) == 1) {
      const std::vector<int64_t> nchw = {s.dim(0), s.dim(3), 1, 1};
      return produce(op.outputs[0], node1("Reshape", {x, int64_vector(nchw)}));
    }
    const std::string y = node1("Reshape", {x, int64_vector(s.dims())});
    return produce(op.outputs[0], node1("Transpose", {y}, {ints_attr("perm", kToNchw)}));
  }

  Status emit_softmax(const ir::Op& op) {
    QEXP_ASSIGN_OR_RETURN(std::string x, value(op.inputs[0]));
    const float beta = op.opts<ir::SoftmaxOptions>().beta;
    if (beta != 1.0f) x = node1("Mul", {x, float_scalar(beta)});
    const int rank = tensor(op.inputs[0]).shape.rank();
    return produce(op.outputs[0],
                   node1("Softmax", {x}, {int_attr("axis", rank == 4 ? 1 : rank - 1)}));
  }

  Status emit_fully_connected(const ir::Op& op) {
    const auto& o = op.opts<ir::FullyConnectedOptions>();
    const ir::Tensor& w = tensor(op.inputs[1]);
    if (!w.is_const() || w.shape.rank() != 2 || tensor(op.outputs[0]).shape.rank() != 2) {
      return unimplemented("only constant [out, in] weights and 2-D outputs");
    }
    QEXP_ASSIGN_OR_RETURN(std::string x, nhwc_order(op.inputs[0]));
    x = node1("Reshape", {x, int64_vector({-1, w.shape.dim(1)})});
    QEXP_ASSIGN_OR_RETURN(std::string wv, constant(op.inputs[1]));
    std::vector<std::string> inputs = {x, wv};
    if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
      QEXP_ASSIGN_OR_RETURN(std::string b, constant(op.inputs[2]));
      inputs.push_back(b);
    }
    const std::string y = node1("Gemm", inputs, {int_attr("transB", 1)});
    QEXP_ASSIGN_OR_RETURN(std::string z, activation(y, o.activation));
    return produce(op.outputs[0], z);
  }

  Status emit_op(const ir::Op& op) {
    switch (op.type) {
      case ir::OpType::kConv2D:
        return emit_conv(op, false);
      case ir::OpType::kDepthwiseConv2D:
        return emit_conv(op, true);
      case ir::OpType::kAveragePool2D:
        return emit_pool(op, "AveragePool");
      case ir::OpType::kMaxPool2D:
        return emit_pool(op, "MaxPool");
      case ir::OpType::kReshape:
        return emit_reshape(op);
      case ir::OpType::kSoftmax:
        return emit_softmax(op);
      case ir::OpType::kFullyConnected:
        return emit_fully_connected(op);
      case ir::OpType::kQuantize:
      case ir::OpType::kDequantize: {
        // The float value passes through; produce() adds QuantizeLinear → DequantizeLinear for a
        // quantized output, and a float output is the input's DequantizeLinear result.
        QEXP_ASSIGN_OR_RETURN(std::string x, value(op.inputs[0]));
        return produce(op.outputs[0], x);
      }
      default:
        return unimplemented("no ONNX export for this op type");
    }
  }

  Status emit_inputs() {
    for (int id : g_.inputs) {
      const ir::Tensor& t = tensor(id);
      QEXP_ASSIGN_OR_RETURN(OnnxType type, onnx_type(t.dtype));
      out_.add_input(t.name, type, t.shape.dims());
      std::string v = t.name;
      if (t.quant.is_quantized()) {
        QEXP_ASSIGN_OR_RETURN(auto params, quant_params(t.quant, t.dtype));
        qname_[static_cast<size_t>(id)] = v;
        v = node1("DequantizeLinear", {v, params.first, params.second});
      }
      if (t.shape.rank() == 4) v = node1("Transpose", {v}, {ints_attr("perm", kToNchw)});
      name_[static_cast<size_t>(id)] = v;
    }
    return ok_status();
  }

  Status emit_outputs() {
    for (int id : g_.outputs) {
      const ir::Tensor& t = tensor(id);
      const bool q = quantized_activation(id);
      std::string v = q ? qname_[static_cast<size_t>(id)] : name_[static_cast<size_t>(id)];
      if (v.empty()) return invalid_argument(str_cat("output ", quoted(t.name), " not produced"));
      if (t.shape.rank() == 4) v = node1("Transpose", {v}, {ints_attr("perm", kToNhwc)});
      QEXP_ASSIGN_OR_RETURN(OnnxType type, onnx_type(t.dtype));
      out_.add_node("Identity", {v}, {t.name});
      out_.add_output(t.name, type, t.shape.dims());
    }
    return ok_status();
  }

  const ir::Graph& g_;
  OnnxGraph out_;
  std::vector<std::string> name_;   // float ONNX value of each tensor ("" until produced)
  std::vector<std::string> qname_;  // integer value (QuantizeLinear output) of quantized ones
  std::map<float, std::string> scalars_;
  std::string current_op_;  // name of the qexp op being exported ("" outside ops)
  int next_id_ = 0, quantized_ = 0;
};

}  // namespace

Result<std::string> export_onnx(const ir::Graph& graph, OnnxExportSummary* summary) {
  return Exporter(graph).run(summary);
}

}  // namespace qexp::bench_peers

#include "framework/exporters/tflite/op_versions.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "framework/exporters/tflite/tflite_export_internal.h"

namespace qexp::tflite {
namespace {

using ir::OpType;

/// What GetBuiltinOperatorVersion reads of one operand (TFLite's OpSignatureTensorSpec): the type
/// (nullopt = an absent optional input, kTfLiteNoType), the dims, and whether the tensor has a
/// quantization table.
struct Operand {
  std::optional<DType> type;
  const Shape* shape = nullptr;
  const ir::QuantParams* quant = nullptr;
  bool has_quant_table = false;

  bool is(DType t) const { return type == t; }
  int rank() const { return shape != nullptr ? shape->rank() : 0; }
  size_t num_scales() const { return quant != nullptr ? quant->scale.size() : 0; }
};

struct Signature {
  std::vector<Operand> in, out;
  bool in_out(DType a, DType b, DType c) const {
    return in.size() > 1 && in[0].is(a) && in[1].is(b) && !out.empty() && out[0].is(c);
  }
  bool in0(DType t) const { return !in.empty() && in[0].is(t); }
  bool in0_out0(DType t) const { return in0(t) && !out.empty() && out[0].is(t); }
};

Operand operand(const ir::Graph& g, int index) {
  Operand o;
  if (index < 0) return o;
  const ir::Tensor& t = g.tensors[static_cast<size_t>(index)];
  o.type = t.dtype;
  o.shape = &t.shape;
  o.quant = &t.quant;
  o.has_quant_table = internal::writes_quantization(t);
  return o;
}

Signature signature(const ir::Graph& g, const ir::Op& op) {
  Signature s;
  for (int t : op.inputs) s.in.push_back(operand(g, t));
  for (int t : op.outputs) s.out.push_back(operand(g, t));
  return s;
}

/// Per-channel as op_signature.cc decides it: as many scales as `dim` of the operand's shape.
bool scales_match_dim(const Operand& o, int dim, bool more_than_one) {
  const size_t n = o.num_scales();
  if (n == 0 || (more_than_one && n < 2) || dim < 0 || dim >= o.rank()) return false;
  return static_cast<int64_t>(n) == (*o.shape)[dim];
}

int conv2d_version(const Signature& s) {
  const Operand &in = s.in[0], &w = s.in[1];
  // Grouped convolution: the filter's input depth differs from the input's channels.
  if (in.rank() == 4 && w.rank() == 4 && (*in.shape)[3] != (*w.shape)[3]) return 6;
  if (s.in_out(DType::kInt16, DType::kInt16, DType::kInt16)) return 4;
  if (s.in_out(DType::kInt8, DType::kInt8, DType::kInt8)) return 3;
  if (s.in_out(DType::kFloat32, DType::kInt8, DType::kFloat32)) {
    return scales_match_dim(w, 0, false) ? 5 : 2;  // hybrid, per-channel or not
  }
  return 1;
}

int depthwise_version(const Signature& s, const ir::DepthwiseConv2DOptions& o) {
  if (s.in_out(DType::kInt16, DType::kInt16, DType::kInt16)) return 5;
  if (s.in_out(DType::kFloat32, DType::kInt8, DType::kFloat32)) {
    return scales_match_dim(s.in[1], 3, false) ? 6 : 4;
  }
  if (s.in_out(DType::kInt8, DType::kInt8, DType::kInt8)) return 3;
  if (o.dilation_h != 1 || o.dilation_w != 1) return 2;
  return 1;
}

int fully_connected_version(const Signature& s, const ir::FullyConnectedOptions& o) {
  const bool hybrid = s.in_out(DType::kFloat32, DType::kInt8, DType::kFloat32);
  if (hybrid && scales_match_dim(s.in[1], 0, true)) return 12;
  if (s.in_out(DType::kInt16, DType::kInt16, DType::kInt16)) return 7;
  if (s.in.size() == 2) return 6;  // no bias input at all (a -1 bias still counts as an input)
  if (o.keep_num_dims) return 5;
  if (s.in_out(DType::kInt8, DType::kInt8, DType::kInt8)) return 4;
  if (hybrid) return 3;
  return 1;
}

bool needs_broadcast_beyond_4d(const Signature& s) {
  if (s.in.size() < 2) return false;
  const bool differ =
      s.in[0].shape == nullptr || s.in[1].shape == nullptr || *s.in[0].shape != *s.in[1].shape;
  int max_rank = 0;
  for (const Operand& o : s.in) max_rank = std::max(max_rank, o.rank());
  return differ && max_rank > 4;
}

int add_version(const Signature& s, bool pot_scale_int16) {
  if (s.in0(DType::kInt16) && !s.in[0].has_quant_table) return 5;
  if (s.in0(DType::kInt64)) return 4;
  if (s.in0_out0(DType::kInt16) && !pot_scale_int16) return 3;
  if (s.in0(DType::kInt8)) return 2;
  return 1;
}

int sub_version(const Signature& s, bool pot_scale_int16) {
  if (s.in0_out0(DType::kInt16) && !pot_scale_int16) return 5;
  if (s.in0(DType::kInt64)) return 4;
  if (needs_broadcast_beyond_4d(s)) return 3;
  if (s.in0(DType::kInt8)) return 2;
  return 1;
}

int mul_version(const Signature& s) {
  const bool input_quantized = s.in[0].has_quant_table || s.in[1].has_quant_table;
  if (s.in0(DType::kInt16) && !input_quantized) return 7;
  if (s.in0(DType::kInt64)) return 5;
  if (s.in0(DType::kInt16)) return 4;
  const Operand &a = s.in[0], &b = s.in[1], &out = s.out[0];
  if (a.num_scales() > 0 && b.num_scales() > 0 && out.num_scales() > 0) {
    const float sa = a.quant->scale[0], sb = b.quant->scale[0], so = out.quant->scale[0];
    if (sa != 0 && sb != 0 && so != 0 && sa * sb / so >= 1.0f) return 3;
  }
  if (s.in0(DType::kInt8)) return 2;
  return 1;
}

/// The common pattern: int16 → 3 (optionally only when the output is int16 too), int8 → 2.
int int16_int8_version(const Signature& s, bool int16_needs_output) {
  if (int16_needs_output ? s.in0_out0(DType::kInt16) : s.in0(DType::kInt16)) return 3;
  if (s.in0(DType::kInt8)) return 2;
  return 1;
}

int dequantize_version(const Signature& s) {
  if (s.in0(DType::kInt16) || s.in0(DType::kFloat16)) return 3;
  if (s.in0(DType::kInt8)) {
    const Operand& in = s.in[0];
    return scales_match_dim(in, in.quant->quantized_dimension, true) ? 5 : 2;
  }
  return 1;
}

int quantize_version(const Signature& s) {
  const Operand& out = s.out[0];
  if (out.quant != nullptr && scales_match_dim(out, out.quant->quantized_dimension, true)) {
    return 3;
  }
  if (out.is(DType::kInt16)) return 2;
  return 1;
}

struct RuntimeEntry {
  OpType op;
  int version;
  std::string_view runtime;
};

// tensorflow/lite/tools/versioning/runtime_version.cc (TF 2.13 era), the rows of the ops qexp
// exports.
constexpr RuntimeEntry kRuntimeVersions[] = {
    {OpType::kAdd, 1, "1.5.0"},
    {OpType::kAdd, 2, "1.14.0"},
    {OpType::kAdd, 3, "2.4.0"},
    {OpType::kAdd, 4, "2.6.0"},
    {OpType::kAveragePool2D, 1, "1.5.0"},
    {OpType::kAveragePool2D, 2, "1.14.0"},
    {OpType::kAveragePool2D, 3, "2.3.0"},
    {OpType::kConcatenation, 1, "1.5.0"},
    {OpType::kConcatenation, 2, "1.14.0"},
    {OpType::kConcatenation, 3, "2.3.0"},
    {OpType::kConv2D, 1, "1.5.0"},
    {OpType::kConv2D, 2, "1.14.0"},
    {OpType::kConv2D, 3, "1.14.0"},
    {OpType::kConv2D, 4, "2.3.0"},
    {OpType::kConv2D, 5, "2.4.0"},
    {OpType::kConv2D, 6, "2.9.0"},
    {OpType::kConv2D, 7, "2.11.0"},
    {OpType::kDepthwiseConv2D, 1, "1.5.0"},
    {OpType::kDepthwiseConv2D, 2, "1.12.0"},
    {OpType::kDepthwiseConv2D, 3, "1.14.0"},
    {OpType::kDepthwiseConv2D, 4, "2.2.0"},
    {OpType::kDepthwiseConv2D, 5, "2.3.0"},
    {OpType::kDepthwiseConv2D, 6, "2.3.0"},
    {OpType::kDepthwiseConv2D, 7, "2.11.0"},
    {OpType::kDequantize, 1, "1.13.1"},
    {OpType::kDequantize, 2, "1.14.0"},
    {OpType::kDequantize, 3, "1.15.0"},
    {OpType::kDequantize, 4, "2.2.0"},
    {OpType::kDequantize, 5, "2.7.0"},
    {OpType::kFullyConnected, 1, "1.5.0"},
    {OpType::kFullyConnected, 2, "1.10.0"},
    {OpType::kFullyConnected, 3, "1.14.0"},
    {OpType::kFullyConnected, 4, "1.14.0"},
    {OpType::kFullyConnected, 5, "2.0.0"},
    {OpType::kFullyConnected, 6, "2.1.0"},
    {OpType::kFullyConnected, 7, "2.3.0"},
    {OpType::kFullyConnected, 8, "2.3.0"},
    {OpType::kFullyConnected, 9, "2.3.0"},
    {OpType::kFullyConnected, 10, "2.11.0"},
    {OpType::kLogistic, 1, "1.14.0"},
    {OpType::kLogistic, 2, "1.14.0"},
    {OpType::kLogistic, 3, "2.3.0"},
    {OpType::kMaxPool2D, 1, "1.5.0"},
    {OpType::kMaxPool2D, 2, "1.14.0"},
    {OpType::kMaxPool2D, 3, "2.3.0"},
    {OpType::kMean, 1, "1.6.0"},
    {OpType::kMean, 2, "1.14.0"},
    {OpType::kMean, 3, "2.4.0"},
    {OpType::kMul, 1, "1.5.0"},
    {OpType::kMul, 2, "1.14.0"},
    {OpType::kMul, 3, "1.15.0"},
    {OpType::kMul, 4, "2.3.0"},
    {OpType::kMul, 5, "2.6.0"},
    {OpType::kMul, 6, "2.11.0"},
    {OpType::kPad, 1, "1.5.0"},
    {OpType::kPad, 2, "1.14.0"},
    {OpType::kPad, 3, "2.4.0"},
    {OpType::kPad, 4, "2.6.0"},
    {OpType::kQuantize, 1, "1.14.0"},
    {OpType::kQuantize, 2, "1.15.0"},
    {OpType::kQuantize, 3, "2.7.0"},
    {OpType::kRelu, 1, "1.5.0"},
    {OpType::kRelu, 2, "2.1.0"},
    {OpType::kRelu, 3, "2.5.0"},
    {OpType::kReluN1To1, 1, "1.5.0"},
    {OpType::kRelu6, 1, "1.5.0"},
    {OpType::kRelu6, 2, "1.14.0"},
    {OpType::kRelu6, 3, "2.5.0"},
    {OpType::kReshape, 1, "1.5.0"},
    {OpType::kSoftmax, 1, "1.5.0"},
    {OpType::kSoftmax, 2, "1.14.0"},
    {OpType::kSoftmax, 3, "2.3.0"},
    {OpType::kSqueeze, 1, "1.6.0"},
    {OpType::kSqueeze, 2, "2.5.0"},
    {OpType::kSub, 1, "1.6.0"},
    {OpType::kSub, 2, "1.14.0"},
    {OpType::kSub, 3, "2.3.0"},
    {OpType::kSub, 4, "2.4.0"},
    {OpType::kSub, 5, "2.4.0"},
    {OpType::kTanh, 1, "1.14.0"},
    {OpType::kTanh, 2, "1.14.0"},
    {OpType::kTanh, 3, "2.3.0"},
};

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

}  // namespace

int tflite_op_version(const ir::Graph& graph, const ir::Op& op) {
  const Signature s = signature(graph, op);
  switch (op.type) {
    case OpType::kConv2D:
      return conv2d_version(s);
    case OpType::kDepthwiseConv2D:
      return depthwise_version(s, op.opts<ir::DepthwiseConv2DOptions>());
    case OpType::kFullyConnected:
      return fully_connected_version(s, op.opts<ir::FullyConnectedOptions>());
    case OpType::kAdd:
      return add_version(s, internal::pot_scale_int16(graph, op));
    case OpType::kSub:
      return sub_version(s, internal::pot_scale_int16(graph, op));
    case OpType::kMul:
      return mul_version(s);
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
    case OpType::kLogistic:
    case OpType::kTanh:
      return int16_int8_version(s, true);
    case OpType::kSoftmax:
    case OpType::kMean:
    case OpType::kRelu6:
    case OpType::kConcatenation:
      return int16_int8_version(s, false);
    case OpType::kRelu:
      if (s.in0(DType::kInt16)) return 3;
      return s.in0(DType::kInt8) || s.in0(DType::kUInt8) ? 2 : 1;
    case OpType::kPad:
      if (s.in[0].rank() > 4) return 4;
      return int16_int8_version(s, false);
    case OpType::kDequantize:
      return dequantize_version(s);
    case OpType::kQuantize:
      return quantize_version(s);
    default:
      return 1;  // RESHAPE, SQUEEZE, RELU_N1_TO_1: one version for every type qexp has
  }
}

std::string_view tflite_min_runtime_version(int builtin_code, int version) {
  auto type = ir::op_type_from_tflite(builtin_code);
  if (!type) return {};
  for (const RuntimeEntry& e : kRuntimeVersions) {
    if (e.op == *type && e.version == version) return e.runtime;
  }
  return {};
}

bool runtime_version_less(std::string_view a, std::string_view b) {
  const auto va = split_dots(a), vb = split_dots(b);
  size_t i = 0;
  for (; i < va.size() && i < vb.size(); ++i) {
    auto x = parse_int(va[i]), y = parse_int(vb[i]);
    if (x && y && *x != *y) return *x < *y;  // non-numeric components are skipped, as upstream
  }
  return i < vb.size();
}

std::string model_min_runtime_version(const ir::Graph& graph) {
  std::string best;
  for (const ir::Op& op : graph.ops) {
    const int code = ir::op_info(op.type).tflite_code;
    std::string_view v = tflite_min_runtime_version(code, tflite_op_version(graph, op));
    if (!v.empty() && runtime_version_less(best, v)) best = std::string(v);
  }
  return best;
}

}  // namespace qexp::tflite

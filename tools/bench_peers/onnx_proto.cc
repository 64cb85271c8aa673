#include "tools/bench_peers/onnx_proto.h"

#include <cstring>

namespace qexp::bench_peers {
namespace {

// onnx.proto field numbers.
namespace model {
constexpr int kIrVersion = 1, kProducerName = 2, kGraph = 7, kOpsetImport = 8;
}
namespace opset_id {
constexpr int kDomain = 1, kVersion = 2;
}
namespace graph {
constexpr int kNode = 1, kName = 2, kInitializer = 5, kInput = 11, kOutput = 12;
}
namespace node {
constexpr int kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5;
}
namespace attribute {
constexpr int kName = 1, kF = 2, kI = 3, kInts = 8, kType = 20;
constexpr int kTypeFloat = 1, kTypeInt = 2, kTypeInts = 7;  // AttributeProto.AttributeType
}  // namespace attribute
namespace tensor {
constexpr int kDims = 1, kDataType = 2, kName = 8, kRawData = 9;
}
namespace value_info {
constexpr int kName = 1, kType = 2;
}
constexpr int kTypeTensorType = 1;                    // TypeProto.tensor_type
constexpr int kTensorElemType = 1, kTensorShape = 2;  // TypeProto.Tensor
constexpr int kShapeDim = 1, kDimValue = 1;           // TensorShapeProto, .Dimension

ProtoWriter attribute_proto(const OnnxAttribute& a) {
  ProtoWriter w;
  w.bytes_field(attribute::kName, a.name);
  switch (a.kind) {
    case OnnxAttribute::Kind::kInt:
      w.int_field(attribute::kI, a.i);
      w.int_field(attribute::kType, attribute::kTypeInt);
      break;
    case OnnxAttribute::Kind::kInts:
      for (int64_t v : a.ints) w.int_field(attribute::kInts, v);
      w.int_field(attribute::kType, attribute::kTypeInts);
      break;
    case OnnxAttribute::Kind::kFloat:
      w.float_field(attribute::kF, a.f);
      w.int_field(attribute::kType, attribute::kTypeFloat);
      break;
  }
  return w;
}

ProtoWriter value_info_proto(std::string_view name, OnnxType type, std::span<const int64_t> dims) {
  ProtoWriter shape;
  for (int64_t d : dims) {
    ProtoWriter dim;
    dim.int_field(kDimValue, d);
    shape.message_field(kShapeDim, dim);
  }
  ProtoWriter tensor_type;
  tensor_type.int_field(kTensorElemType, static_cast<int>(type));
  tensor_type.message_field(kTensorShape, shape);
  ProtoWriter type_proto;
  type_proto.message_field(kTypeTensorType, tensor_type);
  ProtoWriter w;
  w.bytes_field(value_info::kName, name);
  w.message_field(value_info::kType, type_proto);
  return w;
}

}  // namespace

void ProtoWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    buf_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  buf_.push_back(static_cast<char>(v));
}

void ProtoWriter::varint_field(int field, uint64_t value) {
  varint(static_cast<uint64_t>(field) << 3 | 0);  // wire type 0: varint
  varint(value);
}

void ProtoWriter::float_field(int field, float value) {
  varint(static_cast<uint64_t>(field) << 3 | 5);  // wire type 5: 32-bit, little-endian
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  buf_.append(bytes, 4);
}

void ProtoWriter::bytes_field(int field, std::string_view bytes) {
  varint(static_cast<uint64_t>(field) << 3 | 2);  // wire type 2: length-delimited
  varint(bytes.size());
  buf_.append(bytes);
}

OnnxAttribute int_attr(std::string name, int64_t value) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = OnnxAttribute::Kind::kInt;
  a.i = value;
  return a;
}

OnnxAttribute ints_attr(std::string name, std::vector<int64_t> values) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = OnnxAttribute::Kind::kInts;
  a.ints = std::move(values);
  return a;
}

OnnxAttribute float_attr(std::string name, float value) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = OnnxAttribute::Kind::kFloat;
  a.f = value;
  return a;
}

void OnnxGraph::add_node(std::string_view op_type, const std::vector<std::string>& inputs,
                         const std::vector<std::string>& outputs,
                         const std::vector<OnnxAttribute>& attributes, std::string_view name) {
  ProtoWriter n;
  for (const auto& in : inputs) n.bytes_field(node::kInput, in);
  for (const auto& out : outputs) n.bytes_field(node::kOutput, out);
  const std::string fallback = std::string(op_type) + "_" + std::to_string(node_count_);
  ++node_count_;
  n.bytes_field(node::kName, name.empty() ? std::string_view(fallback) : name);
  n.bytes_field(node::kOpType, op_type);
  for (const auto& a : attributes) n.message_field(node::kAttribute, attribute_proto(a));
  graph_.message_field(graph::kNode, n);
}

void OnnxGraph::add_initializer(std::string_view name, OnnxType type, std::span<const int64_t> dims,
                                std::string_view raw_data) {
  ProtoWriter t;
  for (int64_t d : dims) t.int_field(tensor::kDims, d);
  t.int_field(tensor::kDataType, static_cast<int>(type));
  t.bytes_field(tensor::kName, name);
  t.bytes_field(tensor::kRawData, raw_data);
  graph_.message_field(graph::kInitializer, t);
}

void OnnxGraph::add_input(std::string_view name, OnnxType type, std::span<const int64_t> dims) {
  graph_.message_field(graph::kInput, value_info_proto(name, type, dims));
}

void OnnxGraph::add_output(std::string_view name, OnnxType type, std::span<const int64_t> dims) {
  graph_.message_field(graph::kOutput, value_info_proto(name, type, dims));
}

std::string OnnxGraph::model_bytes(std::string_view graph_name, int opset) const {
  ProtoWriter g = graph_;
  g.bytes_field(graph::kName, graph_name);
  ProtoWriter opset_import;
  opset_import.bytes_field(opset_id::kDomain, "");
  opset_import.int_field(opset_id::kVersion, opset);
  ProtoWriter m;
  m.int_field(model::kIrVersion, 7);  // IR version 7 goes with opset 13
  m.bytes_field(model::kProducerName, "qexp");
  m.message_field(model::kOpsetImport, opset_import);
  m.message_field(model::kGraph, g);
  return m.bytes();
}

}  // namespace qexp::bench_peers

#pragma once
/// A hand-written protobuf wire-format encoder for the few ONNX messages the benchmark exporter
/// writes (onnx.proto: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
/// ValueInfoProto). Field numbers are ONNX's; repeated scalars are written unpacked, which every
/// proto2 / proto3 parser accepts.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace qexp::bench_peers {

/// One message being encoded: append fields in any order, then take bytes().
class ProtoWriter {
 public:
  void varint_field(int field, uint64_t value);
  /// int32 / int64 / enum fields (negative values as 10-byte varints, like protobuf).
  void int_field(int field, int64_t value) { varint_field(field, static_cast<uint64_t>(value)); }
  void float_field(int field, float value);
  void bytes_field(int field, std::string_view bytes);
  void message_field(int field, const ProtoWriter& message) { bytes_field(field, message.buf_); }
  const std::string& bytes() const { return buf_; }

 private:
  void varint(uint64_t v);
  std::string buf_;
};

/// onnx.TensorProto.DataType values.
enum class OnnxType : int { kFloat = 1, kUint8 = 2, kInt8 = 3, kInt16 = 5, kInt32 = 6, kInt64 = 7 };

/// One NodeProto attribute (only the kinds the exporter uses).
struct OnnxAttribute {
  std::string name;
  enum class Kind { kInt, kInts, kFloat } kind = Kind::kInt;
  int64_t i = 0;
  std::vector<int64_t> ints;
  float f = 0;
};
OnnxAttribute int_attr(std::string name, int64_t value);
OnnxAttribute ints_attr(std::string name, std::vector<int64_t> values);
OnnxAttribute float_attr(std::string name, float value);

/// An ONNX GraphProto under construction, then the ModelProto around it.
class OnnxGraph {
 public:
  /// A node named `name`, or "<op_type>_<count>" when it is empty.
  void add_node(std::string_view op_type, const std::vector<std::string>& inputs,
                const std::vector<std::string>& outputs,
                const std::vector<OnnxAttribute>& attributes = {}, std::string_view name = {});
  void add_initializer(std::string_view name, OnnxType type, std::span<const int64_t> dims,
                       std::string_view raw_data);
  void add_input(std::string_view name, OnnxType type, std::span<const int64_t> dims);
  void add_output(std::string_view name, OnnxType type, std::span<const int64_t> dims);
  int num_nodes() const { return node_count_; }

  /// The serialized ModelProto: IR version 7, default-domain opset `opset`, producer "qexp".
  std::string model_bytes(std::string_view graph_name, int opset) const;

 private:
  ProtoWriter graph_;
  int node_count_ = 0;
};

}  // namespace qexp::bench_peers

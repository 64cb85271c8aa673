#pragma once
/// GraphDefWriter: builds a frozen TensorFlow GraphDef (binary protobuf, `.pb`) node by node.
///
/// Used by the model generators and the trainer to write models that TensorFlow, OpenCV dnn and
/// qexp's own TF importer read. Nodes are written in the order they are added (add producers
/// before consumers, as TensorFlow does). Attributes are serialized sorted by name and the output
/// is byte-for-byte deterministic for the same sequence of calls.
///
/// This header is free of protobuf types; the GraphDef lives behind a pimpl.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "framework/core/dtype.h"
#include "framework/core/status.h"
#include "framework/core/tensor.h"

namespace qexp::tf {

/// TensorFlow's DataType enum (tensorflow/core/framework/types.proto); the numbers are the wire
/// values. Only the types qexp reads or writes are named.
enum class DataType : int32_t {
  kInvalid = 0,
  kFloat = 1,
  kDouble = 2,
  kInt32 = 3,
  kUInt8 = 4,
  kInt16 = 5,
  kInt8 = 6,
  kString = 7,
  kInt64 = 9,
  kBool = 10,
  kHalf = 19,
};

/// The TensorFlow type of a qexp element type (kFloat32 → kFloat, kFloat16 → kHalf, …).
DataType to_tf_data_type(DType dtype);

/// "DT_FLOAT", "DT_HALF", …; "DT_<n>" for a value not named in DataType.
std::string data_type_name(DataType type);

/// Value of a "shape" attr: dims outermost first, -1 for an unknown dimension; `unknown_rank`
/// (with no dims) for a shape whose rank is unknown.
struct ShapeAttr {
  std::vector<int64_t> dims;
  bool unknown_rank = false;
};

/// One typed attr value of a node. Build with the named factories so that a string literal can
/// never silently become a bool.
class AttrValue {
 public:
  struct IntList {
    std::vector<int64_t> values;
  };
  struct StringList {
    std::vector<std::string> values;
  };
  struct FloatList {
    std::vector<float> values;
  };
  using Value = std::variant<std::string, int64_t, float, bool, DataType, ShapeAttr, IntList,
                             StringList, FloatList>;

  static AttrValue string(std::string v) { return AttrValue(Value(std::move(v))); }
  static AttrValue integer(int64_t v) { return AttrValue(Value(v)); }
  static AttrValue real(float v) { return AttrValue(Value(v)); }
  static AttrValue boolean(bool v) { return AttrValue(Value(v)); }
  static AttrValue type(DataType v) { return AttrValue(Value(v)); }
  static AttrValue shape(std::vector<int64_t> dims) {
    return AttrValue(Value(ShapeAttr{std::move(dims), false}));
  }
  static AttrValue unknown_rank_shape() { return AttrValue(Value(ShapeAttr{{}, true})); }
  static AttrValue int_list(std::vector<int64_t> v) {
    return AttrValue(Value(IntList{std::move(v)}));
  }
  static AttrValue string_list(std::vector<std::string> v) {
    return AttrValue(Value(StringList{std::move(v)}));
  }
  static AttrValue float_list(std::vector<float> v) {
    return AttrValue(Value(FloatList{std::move(v)}));
  }

  const Value& value() const { return value_; }

 private:
  explicit AttrValue(Value v) : value_(std::move(v)) {}
  Value value_;
};

/// Attrs of one node, in any order (they are written sorted by name). Names must be unique.
using AttrList = std::vector<std::pair<std::string, AttrValue>>;

/// TensorFlow's GraphDef producer version written by default: TF_GRAPH_DEF_VERSION of
/// TensorFlow 2.12 (which knows every op qexp writes, including FusedBatchNormV3).
inline constexpr int32_t kDefaultGraphDefProducer = 1394;

class GraphDefWriter {
 public:
  GraphDefWriter();
  ~GraphDefWriter();
  GraphDefWriter(GraphDefWriter&&) noexcept;
  GraphDefWriter& operator=(GraphDefWriter&&) noexcept;
  GraphDefWriter(const GraphDefWriter&) = delete;
  GraphDefWriter& operator=(const GraphDefWriter&) = delete;

  /// Sets GraphDef.versions (default: producer kDefaultGraphDefProducer, min_consumer 0).
  void set_versions(int32_t producer, int32_t min_consumer);

  /// Adds a Placeholder with attrs dtype and shape. `dims` may contain -1 (unknown size).
  /// Errors: bad or duplicate name, a dimension below -1.
  Status add_placeholder(std::string_view name, DType dtype, const std::vector<int64_t>& dims);

  /// Adds a Const holding a copy of `value` (attrs dtype and value; the TensorProto carries the
  /// raw little-endian bytes in tensor_content). Every qexp DType is accepted; float16 tensors
  /// hold IEEE half bit patterns. Errors: bad or duplicate name, a tensor without storage.
  Status add_const(std::string_view name, const Tensor& value);

  /// Adds a node running `op`. Each input is "node", "node:index" or a control input "^node";
  /// the referenced nodes must exist by the time serialize() runs.
  /// Errors: bad or duplicate node name, empty op, empty or repeated attr name, malformed input.
  Status add_node(std::string_view name, std::string_view op,
                  const std::vector<std::string>& inputs, const AttrList& attrs);

  bool has_node(std::string_view name) const;
  int64_t num_nodes() const;

  /// The binary GraphDef. Errors: an input naming a node that does not exist, a graph above
  /// protobuf's 2 GiB message limit.
  Result<std::vector<uint8_t>> serialize() const;

  /// serialize() written atomically to `path` (see write_file_atomic).
  Status write(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qexp::tf

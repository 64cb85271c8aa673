#pragma once
/// The IR: a TFLite-style graph of ops over tensors, in execution (topological) order.
///
/// Tensors are referred to by index into Graph::tensors; -1 marks an absent optional input.
/// Constant tensors hold their bytes in a shared, immutable buffer, so copying a Graph (for a
/// quantization variant, or a pass's float-equivalence check) does not copy weights.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/dtype.h"
#include "framework/core/shape.h"
#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/ir/op_options.h"

namespace qexp::ir {

enum class OpType : uint8_t {
#define QEXP_OP(e, name, code, opts, min_in, max_in, n_out) e,
#include "framework/ir/ops.def"
#undef QEXP_OP
};

/// Static facts about an op type (from ops.def).
struct OpInfo {
  std::string_view name;     ///< "CONV_2D"
  int tflite_code;           ///< TFLite BuiltinOperator value, -1 for IR-only ops
  size_t options_index;      ///< index of the OpOptions alternative this op uses
  int min_inputs, max_inputs, num_outputs;
};
const OpInfo& op_info(OpType type);
inline std::string_view op_type_name(OpType type) { return op_info(type).name; }
/// Parses an op type name ("CONV_2D"); nullopt if unknown.
std::optional<OpType> parse_op_type(std::string_view name);
/// The op type with this TFLite builtin code; nullopt if qexp has no such op.
std::optional<OpType> op_type_from_tflite(int builtin_code);
/// All op types, in ops.def order.
std::span<const OpType> all_op_types();

/// Quantization parameters: real = (q - zero_point) * scale.
/// Per-tensor: one scale and zero point. Per-axis: one per slice along quantized_dimension.
struct QuantParams {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int quantized_dimension = 0;
  /// Optional recorded float range (TFLite files may carry min/max).
  std::vector<float> min, max;

  bool is_quantized() const { return !scale.empty(); }
  bool is_per_axis() const { return scale.size() > 1; }
  bool operator==(const QuantParams&) const = default;
};

struct Tensor {
  std::string name;
  DType dtype = DType::kFloat32;
  Shape shape;
  QuantParams quant;
  /// Constant contents (row-major, little-endian); nullptr for activations and graph inputs.
  std::shared_ptr<const std::vector<uint8_t>> data;

  bool is_const() const { return data != nullptr; }
  /// Typed view of the constant bytes. Precondition: is_const() and the dtype matches T.
  template <typename T>
  std::span<const T> const_data() const {
    return {reinterpret_cast<const T*>(data->data()), data->size() / sizeof(T)};
  }
  /// A read-only view of the constant bytes. Precondition: is_const().
  TensorView const_view() const {
    return TensorView(dtype, shape, const_cast<uint8_t*>(data->data()));
  }
};

struct Op {
  OpType type = OpType::kIdentity;
  std::string name;          ///< from the source model (TF node name) or made up by a pass
  std::vector<int> inputs;   ///< tensor indices; -1 = absent optional input
  std::vector<int> outputs;  ///< tensor indices
  OpOptions options;

  template <typename T>
  const T& opts() const {
    return std::get<T>(options);
  }
  template <typename T>
  T& opts() {
    return std::get<T>(options);
  }
};

/// A node of the source model that is not part of the inference graph (e.g. a TF1 training-only
/// regularizer subgraph). Kept verbatim so analyses can read it.
struct ForeignNode {
  std::string name;
  std::string op;                          ///< source op type, e.g. "L2Loss"
  std::vector<std::string> inputs;         ///< source input names (e.g. "a:1", "^ctrl")
  std::map<std::string, std::string> attrs;  ///< attribute values rendered as text
  std::optional<qexp::Tensor> value;       ///< for constants: the decoded value
};

class Graph {
 public:
  std::string name;
  std::vector<Tensor> tensors;
  std::vector<Op> ops;  ///< execution order
  std::vector<int> inputs;
  std::vector<int> outputs;
  std::vector<ForeignNode> aside;
  /// Free-form provenance ("source_format" → "tflite", …), written into dumps and reports.
  std::map<std::string, std::string> metadata;

  /// Appends a tensor and returns its index.
  int add_tensor(Tensor t);
  /// Appends an activation tensor.
  int add_tensor(std::string name, DType dtype, Shape shape);
  /// Appends a constant tensor holding a copy of `value`'s bytes.
  int add_const(std::string name, const qexp::Tensor& value);
  /// Appends a constant tensor taking ownership of raw bytes. Precondition: sizes agree.
  int add_const(std::string name, DType dtype, Shape shape, std::vector<uint8_t> bytes);
  /// Appends an op (at the end of the execution order) and returns a reference to it.
  Op& add_op(OpType type, std::string name, std::vector<int> inputs, std::vector<int> outputs,
             OpOptions options);
  /// Inserts an op before position `pos` in the execution order.
  Op& insert_op(size_t pos, Op op);

  /// Index of the first tensor with this name, or -1.
  int find_tensor(std::string_view name) const;
  /// Index of the first op with this name, or -1.
  int find_op(std::string_view name) const;
  /// Index of the op producing `tensor`, or -1 (constant, graph input or dangling).
  int producer(int tensor) const;
  /// Indices of ops reading `tensor`, in execution order.
  std::vector<int> consumers(int tensor) const;
  bool is_graph_output(int tensor) const;
  bool is_graph_input(int tensor) const;

  /// Replaces every use of tensor `from` (op inputs and graph outputs) with `to`.
  void replace_uses(int from, int to);
  /// Removes ops whose `remove[i]` is true, keeping order.
  void remove_ops(const std::vector<bool>& remove);
  /// Removes tensors no op, graph input or graph output references; remaps indices.
  /// Returns the number removed.
  int remove_unused_tensors();
};

/// Makes a default-constructed options value of the right alternative for `type`.
OpOptions default_options(OpType type);

}  // namespace qexp::ir

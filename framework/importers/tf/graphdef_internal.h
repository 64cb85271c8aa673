#pragma once
// Internal to the GraphDef importer: shared between the driver (graphdef_importer.cc), the
// TensorProto decoder and the per-op converters. Includes protobuf types; never include it from
// a public header.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/importers/tf/proto/tf_graph.pb.h"
#include "framework/ir/graph.h"

namespace qexp::tf::internal {

/// "node:3" → {"node", 3}; "node" → {"node", 0}; "^node" → {"node", -1} (control input).
struct InputRef {
  std::string node;
  int index = 0;
};
bool parse_input_ref(std::string_view input, InputRef* out);

/// Decodes a TensorProto into a dense tensor (tensor_content or typed values, with TensorFlow's
/// rule that the last typed value fills the rest). Errors name `what` and the problem.
Result<Tensor> decode_tensor_proto(const tfproto::TensorProto& proto, std::string_view what);

/// Renders an attr value as short text for ForeignNode::attrs.
std::string attr_to_text(const tfproto::AttrValue& value);

/// State while converting the reachable nodes of one GraphDef in topological order.
class ImportContext {
 public:
  ImportContext(std::string source, ir::Graph* graph) : source_(std::move(source)), graph_(graph) {}

  ir::Graph& graph() { return *graph_; }
  const std::string& source() const { return source_; }

  /// Tensor id of a node output, or an error naming the consumer.
  Result<int> tensor_of(const tfproto::NodeDef& consumer, int input_position);
  /// Records that output `index` of `node` is IR tensor `tensor`.
  void bind(std::string_view node, int index, int tensor);
  /// Constant value of a node output if it is a Const (nullptr otherwise).
  const Tensor* const_value(const tfproto::NodeDef& consumer, int input_position);
  void set_const(std::string_view node, Tensor value) { consts_[std::string(node)] = std::move(value); }

  /// New float32 activation tensor named after the node (output 0: "name", else "name:k").
  int new_output(const tfproto::NodeDef& node, int index = 0, DType dtype = DType::kFloat32);

  /// Error "<source>: node 'x' (Op): message".
  Status node_error(const tfproto::NodeDef& node, std::string_view message) const;

  /// Data (non-control) inputs of a node.
  static std::vector<std::string> data_inputs(const tfproto::NodeDef& node);

 private:
  std::string source_;
  ir::Graph* graph_;
  std::map<std::string, int> tensors_;  // "node:k" → tensor id
  std::map<std::string, Tensor> consts_;
};

/// Converts one reachable node (not Placeholder / Const, which the driver handles).
Status convert_node(const tfproto::NodeDef& node, ImportContext& ctx);

/// Op types convert_node handles.
const std::vector<std::string>& converted_ops();

}  // namespace qexp::tf::internal

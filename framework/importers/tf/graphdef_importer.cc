// GraphDef import driver: parse, pick inputs / outputs, find what the outputs need, convert it in
// topological order, keep everything else aside.

#include "framework/importers/tf/graphdef_importer.h"

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <map>
#include <set>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/importers/tf/graphdef_internal.h"
#include "framework/ir/shape_inference.h"
#include "framework/ir/verifier.h"

namespace qexp::tf {
namespace internal {

Result<int> ImportContext::tensor_of(const tfproto::NodeDef& consumer, int input_position) {
  auto data = data_inputs(consumer);
  if (input_position < 0 || static_cast<size_t>(input_position) >= data.size()) {
    return node_error(consumer, str_cat("has no input ", input_position));
  }
  InputRef ref;
  if (!parse_input_ref(data[static_cast<size_t>(input_position)], &ref)) {
    return node_error(consumer, str_cat("malformed input ", quoted(data[static_cast<size_t>(input_position)])));
  }
  std::string key = str_cat(ref.node, ":", ref.index);
  auto it = tensors_.find(key);
  if (it != tensors_.end()) return it->second;
  auto c = consts_.find(ref.node);
  if (c != consts_.end() && ref.index == 0) {
    int id = graph_->add_const(ref.node, c->second);
    tensors_[key] = id;
    return id;
  }
  return node_error(consumer, str_cat("input ", input_position, " ", quoted(key),
                                      " is not an output qexp knows (only output 0 of most ops)"));
}

void ImportContext::bind(std::string_view node, int index, int tensor) {
  tensors_[str_cat(node, ":", index)] = tensor;
}

const Tensor* ImportContext::const_value(const tfproto::NodeDef& consumer, int input_position) {
  auto data = data_inputs(consumer);
  if (input_position < 0 || static_cast<size_t>(input_position) >= data.size()) return nullptr;
  InputRef ref;
  if (!parse_input_ref(data[static_cast<size_t>(input_position)], &ref) || ref.index != 0) {
    return nullptr;
  }
  auto c = consts_.find(ref.node);
  return c == consts_.end() ? nullptr : &c->second;
}

int ImportContext::new_output(const tfproto::NodeDef& node, int index, DType dtype) {
  std::string name = index == 0 ? node.name() : str_cat(node.name(), ":", index);
  int id = graph_->add_tensor(name, dtype, Shape{});
  bind(node.name(), index, id);
  return id;
}

Status ImportContext::node_error(const tfproto::NodeDef& node, std::string_view message) const {
  return invalid_argument(str_cat(source_, ": node ", quoted(node.name()), " (", node.op(), "): ",
                                  message));
}

std::vector<std::string> ImportContext::data_inputs(const tfproto::NodeDef& node) {
  std::vector<std::string> out;
  for (const auto& in : node.input()) {
    if (!in.empty() && in[0] != '^') out.push_back(in);
  }
  return out;
}

}  // namespace internal

namespace {

using internal::ImportContext;
using internal::InputRef;
using tfproto::NodeDef;

bool is_identity_like(const std::string& op) { return op == "Identity" || op == "StopGradient"; }

struct Parsed {
  const tfproto::GraphDef* gd;
  std::map<std::string, int> index;  // node name → position in the GraphDef
};

Result<int> lookup(const Parsed& p, const std::string& source, const std::string& name,
                   std::string_view role) {
  auto it = p.index.find(name);
  if (it == p.index.end()) {
    return not_found(str_cat(source, ": ", role, " ", quoted(name), " is not a node of the graph"));
  }
  return it->second;
}

/// Data-input node positions of node i (unknown names and control inputs skipped).
std::vector<int> data_predecessors(const Parsed& p, int i) {
  std::vector<int> out;
  for (const auto& in : p.gd->node(i).input()) {
    InputRef ref;
    if (!internal::parse_input_ref(in, &ref) || ref.index < 0) continue;
    auto it = p.index.find(ref.node);
    if (it != p.index.end()) out.push_back(it->second);
  }
  return out;
}

/// Nodes that nothing consumes, that depend on a Placeholder and are not Const / NoOp.
std::vector<std::string> default_outputs(const Parsed& p) {
  const int n = p.gd->node_size();
  std::vector<bool> consumed(static_cast<size_t>(n), false);
  for (int i = 0; i < n; ++i) {
    for (int j : data_predecessors(p, i)) consumed[static_cast<size_t>(j)] = true;
  }
  // Post-order over the whole graph (back edges of malformed cyclic graphs are ignored here;
  // the real traversal reports them), so every node is visited after its inputs.
  std::vector<uint8_t> color(static_cast<size_t>(n), 0);
  std::vector<bool> depends(static_cast<size_t>(n), false);
  for (int root = 0; root < n; ++root) {
    if (color[static_cast<size_t>(root)] != 0) continue;
    std::vector<std::pair<int, std::vector<int>>> stack;
    stack.push_back({root, data_predecessors(p, root)});
    color[static_cast<size_t>(root)] = 1;
    while (!stack.empty()) {
      auto& [i, preds] = stack.back();
      if (preds.empty()) {
        bool d = p.gd->node(i).op() == "Placeholder";
        for (int j : data_predecessors(p, i)) d = d || depends[static_cast<size_t>(j)];
        depends[static_cast<size_t>(i)] = d;
        color[static_cast<size_t>(i)] = 2;
        stack.pop_back();
        continue;
      }
      int j = preds.back();
      preds.pop_back();
      if (color[static_cast<size_t>(j)] == 0) {
        color[static_cast<size_t>(j)] = 1;
        stack.push_back({j, data_predecessors(p, j)});
      }
    }
  }
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const NodeDef& node = p.gd->node(i);
    if (consumed[static_cast<size_t>(i)] || node.op() == "Const" || node.op() == "NoOp" ||
        node.op() == "Placeholder") {
      continue;
    }
    if (depends[static_cast<size_t>(i)]) out.push_back(node.name());
  }
  return out;
}

/// Post-order DFS from the outputs over data inputs, stopping at input nodes. Returns node
/// positions in topological order; errors on cycles and dangling inputs.
Result<std::vector<int>> reachable_in_order(const Parsed& p, const std::string& source,
                                            const std::vector<int>& outputs,
                                            const std::set<int>& inputs) {
  const auto& nodes = p.gd->node();
  std::vector<uint8_t> color(static_cast<size_t>(nodes.size()), 0);  // 0 new, 1 open, 2 done
  std::vector<int> order;
  for (int root : outputs) {
    if (color[static_cast<size_t>(root)] == 2) continue;
    std::vector<std::pair<int, int>> stack{{root, 0}};
    color[static_cast<size_t>(root)] = 1;
    while (!stack.empty()) {
      auto& [i, k] = stack.back();
      const NodeDef& n = nodes[i];
      bool stop = inputs.count(i) > 0;
      if (stop || k >= n.input_size()) {
        color[static_cast<size_t>(i)] = 2;
        order.push_back(i);
        stack.pop_back();
        continue;
      }
      const std::string& in = n.input(k++);
      InputRef ref;
      if (!internal::parse_input_ref(in, &ref)) {
        return invalid_argument(str_cat(source, ": node ", quoted(n.name()), " (", n.op(),
                                        "): malformed input ", quoted(in)));
      }
      if (ref.index < 0) continue;  // control dependency: irrelevant for inference
      auto it = p.index.find(ref.node);
      if (it == p.index.end()) {
        return invalid_argument(str_cat(source, ": node ", quoted(n.name()), " (", n.op(),
                                        "): input ", quoted(in), " names no node of the graph"));
      }
      uint8_t c = color[static_cast<size_t>(it->second)];
      if (c == 1) {
        return invalid_argument(str_cat(source, ": the graph has a cycle through node ",
                                        quoted(ref.node)));
      }
      if (c == 0) {
        color[static_cast<size_t>(it->second)] = 1;
        stack.push_back({it->second, 0});
      }
    }
  }
  return order;
}

Status add_input(const NodeDef& n, const Shape* override_shape, ImportContext& ctx) {
  auto dt = n.attr().find("dtype");
  if (dt != n.attr().end() && dt->second.type() != tfproto::DT_FLOAT) {
    return ctx.node_error(n, str_cat("input type ", tfproto::DataType_Name(dt->second.type()),
                                     " is not supported, expected DT_FLOAT"));
  }
  Shape shape;
  if (override_shape != nullptr) {
    shape = *override_shape;
  } else {
    auto sa = n.attr().find("shape");
    if (sa == n.attr().end() || sa->second.shape().unknown_rank()) {
      return ctx.node_error(n, "input shape is unknown; give it with --input-shape");
    }
    std::vector<int64_t> dims;
    for (const auto& d : sa->second.shape().dim()) dims.push_back(d.size());
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] < 0 && i == 0) dims[i] = 1;  // unknown batch → 1, as TFLite's converter does
      if (dims[i] < 0) {
        return ctx.node_error(n, str_cat("input shape ", Shape(dims).to_string(),
                                         " has an unknown dimension ", i,
                                         "; give the shape with --input-shape"));
      }
    }
    shape = Shape(dims);
  }
  auto count = shape.checked_num_elements();
  if (!count.ok()) return ctx.node_error(n, count.status().message());
  int id = ctx.graph().add_tensor(n.name(), DType::kFloat32, shape);
  ctx.bind(n.name(), 0, id);
  ctx.graph().inputs.push_back(id);
  return ok_status();
}

void keep_aside(const NodeDef& n, ir::Graph& graph) {
  ir::ForeignNode f;
  f.name = n.name();
  f.op = n.op();
  f.inputs.assign(n.input().begin(), n.input().end());
  std::vector<std::string> keys;
  for (const auto& [k, v] : n.attr()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) {
    if (k == "value" && n.op() == "Const") continue;
    f.attrs[k] = internal::attr_to_text(n.attr().at(k));
  }
  if (n.op() == "Const") {
    auto v = n.attr().find("value");
    if (v != n.attr().end()) {
      auto t = internal::decode_tensor_proto(v->second.tensor(), n.name());
      if (t.ok()) {
        f.value = std::move(t).value();
      } else {
        f.attrs["value_error"] = t.status().message();
      }
    }
  }
  graph.aside.push_back(std::move(f));
}

Status convert_reachable(const Parsed& p, const std::vector<int>& order,
                         const std::vector<int>& input_nodes, const GraphDefImportOptions& opts,
                         ImportContext& ctx) {
  const auto& nodes = p.gd->node();
  for (int i : order) {
    const NodeDef& n = nodes[i];
    auto in_it = std::find(input_nodes.begin(), input_nodes.end(), i);
    if (in_it != input_nodes.end()) {
      size_t k = static_cast<size_t>(in_it - input_nodes.begin());
      QEXP_RETURN_IF_ERROR(add_input(n, k < opts.input_shapes.size() ? &opts.input_shapes[k] : nullptr, ctx));
      continue;
    }
    if (n.op() == "Placeholder") {
      return ctx.node_error(n, "the outputs depend on this placeholder, but it is not one of the "
                               "input arrays");
    }
    if (n.op() == "NoOp") continue;
    if (n.op() == "Const") {
      auto v = n.attr().find("value");
      if (v == n.attr().end()) return ctx.node_error(n, "Const without a 'value' attr");
      QEXP_ASSIGN_OR_RETURN(Tensor t, internal::decode_tensor_proto(
                                          v->second.tensor(), str_cat(ctx.source(), ": node ",
                                                                      quoted(n.name()))));
      ctx.set_const(n.name(), std::move(t));
      continue;
    }
    if (is_identity_like(n.op()) && ImportContext::data_inputs(n).size() == 1) {
      // TF1 graphs read every weight through "<w>/read" Identity nodes: alias the constant.
      if (const Tensor* c = ctx.const_value(n, 0)) {
        ctx.set_const(n.name(), *c);
        continue;
      }
    }
    QEXP_RETURN_IF_ERROR(internal::convert_node(n, ctx));
  }
  return ok_status();
}

}  // namespace

std::vector<std::string> supported_tf_ops() {
  std::vector<std::string> ops = internal::converted_ops();
  for (const char* extra : {"Const", "NoOp", "Placeholder"}) ops.emplace_back(extra);
  std::sort(ops.begin(), ops.end());
  return ops;
}

Result<ir::Graph> import_graphdef_file(const std::string& path,
                                       const GraphDefImportOptions& options) {
  Result<std::vector<uint8_t>> bytes = read_file(path, options.max_file_bytes);
  if (!bytes.ok()) return name_limit(bytes.status(), "max_graphdef_bytes");
  return import_graphdef_buffer(*bytes, path, options);
}

Result<ir::Graph> import_graphdef_buffer(std::span<const uint8_t> data,
                                         std::string_view source_name,
                                         const GraphDefImportOptions& options) {
  const std::string source(source_name);
  if (data.empty()) return invalid_argument(str_cat(source, ": empty file, expected a GraphDef"));
  if (static_cast<int64_t>(data.size()) > options.max_file_bytes) {
    return resource_exhausted(str_cat(source, ": ", data.size(), " bytes, the limit is ",
                                      options.max_file_bytes, " (--limit max_graphdef_bytes)"));
  }
  tfproto::GraphDef gd;
  {
    google::protobuf::io::CodedInputStream in(data.data(), static_cast<int>(std::min<size_t>(
                                                               data.size(), INT32_MAX)));
    in.SetRecursionLimit(64);
    in.SetTotalBytesLimit(static_cast<int>(std::min<int64_t>(options.max_file_bytes, INT32_MAX)));
    if (data.size() > static_cast<size_t>(INT32_MAX) || !gd.ParseFromCodedStream(&in) ||
        !in.ConsumedEntireMessage()) {
      return invalid_argument(str_cat(source, ": not a valid GraphDef (protobuf parse failed: "
                                              "truncated or not a frozen TensorFlow graph)"));
    }
  }
  if (gd.node_size() == 0) return invalid_argument(str_cat(source, ": GraphDef has no nodes"));
  Parsed p{&gd, {}};
  for (int i = 0; i < gd.node_size(); ++i) {
    const NodeDef& n = gd.node(i);
    if (n.name().empty()) return invalid_argument(str_cat(source, ": node ", i, " has no name"));
    if (!p.index.emplace(n.name(), i).second) {
      return invalid_argument(str_cat(source, ": two nodes are named ", quoted(n.name())));
    }
  }

  std::vector<std::string> output_names = options.output_arrays;
  if (output_names.empty()) {
    output_names = default_outputs(p);
    if (output_names.size() != 1) {
      return invalid_argument(str_cat(
          source, ": cannot choose the output: ",
          output_names.empty() ? std::string("no node consumes the inputs' data")
                               : str_cat(output_names.size(), " candidates (",
                                         str_join(output_names, ", "), ")"),
          "; name it with --output-arrays"));
    }
  }
  std::vector<InputRef> output_refs;
  std::vector<int> output_nodes;
  for (const auto& name : output_names) {
    InputRef ref;
    if (!internal::parse_input_ref(name, &ref) || ref.index < 0) {
      return invalid_argument(str_cat(source, ": output array ", quoted(name), " is malformed"));
    }
    QEXP_ASSIGN_OR_RETURN(int idx, lookup(p, source, ref.node, "output array"));
    output_refs.push_back(ref);
    output_nodes.push_back(idx);
  }
  std::vector<int> input_nodes;
  for (const auto& name : options.input_arrays) {
    QEXP_ASSIGN_OR_RETURN(int idx, lookup(p, source, name, "input array"));
    input_nodes.push_back(idx);
  }
  std::set<int> input_set(input_nodes.begin(), input_nodes.end());
  QEXP_ASSIGN_OR_RETURN(auto order, reachable_in_order(p, source, output_nodes, input_set));
  if (options.input_arrays.empty()) {
    for (int i : order) {
      if (gd.node(i).op() == "Placeholder") input_nodes.push_back(i);
    }
    std::sort(input_nodes.begin(), input_nodes.end());
  }
  if (input_nodes.empty()) {
    return invalid_argument(str_cat(source, ": the outputs depend on no Placeholder input"));
  }
  if (!options.input_shapes.empty() && options.input_shapes.size() != input_nodes.size()) {
    return invalid_argument(str_cat(source, ": ", options.input_shapes.size(),
                                    " input shapes given for ", input_nodes.size(), " inputs"));
  }

  ir::Graph graph;
  graph.name = source;
  graph.metadata["source_format"] = "graphdef";
  graph.metadata["graphdef_producer"] = std::to_string(gd.versions().producer());
  ImportContext ctx(source, &graph);
  QEXP_RETURN_IF_ERROR(convert_reachable(p, order, input_nodes, options, ctx));
  for (size_t k = 0; k < output_nodes.size(); ++k) {
    const NodeDef& n = gd.node(output_nodes[k]);
    NodeDef probe;
    probe.set_name(n.name());
    probe.set_op(n.op());
    probe.add_input(str_cat(output_refs[k].node, ":", output_refs[k].index));
    QEXP_ASSIGN_OR_RETURN(int t, ctx.tensor_of(probe, 0));
    if (graph.tensors[static_cast<size_t>(t)].is_const()) {
      return invalid_argument(str_cat(source, ": output array ", quoted(output_names[k]),
                                      " is a constant"));
    }
    graph.outputs.push_back(t);
  }
  std::vector<bool> used(static_cast<size_t>(gd.node_size()), false);
  for (int i : order) used[static_cast<size_t>(i)] = true;
  for (int i = 0; i < gd.node_size(); ++i) {
    if (!used[static_cast<size_t>(i)]) keep_aside(gd.node(i), graph);
  }
  QEXP_RETURN_IF_ERROR_CTX(ir::infer_shapes(graph), source);
  QEXP_RETURN_IF_ERROR_CTX(ir::verify(graph), source);
  return graph;
}

}  // namespace qexp::tf

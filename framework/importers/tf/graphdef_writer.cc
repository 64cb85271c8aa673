#include "framework/importers/tf/graphdef_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <bit>
#include <climits>
#include <cstring>
#include <exception>
#include <set>
#include <string>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/importers/tf/proto/tf_graph.pb.h"

namespace qexp::tf {
namespace {

static_assert(std::endian::native == std::endian::little,
              "tensor_content is little-endian; a big-endian host would need byte swapping");

// The public enum mirrors the proto enum value for value; a wrong number here would write
// graphs TensorFlow misreads, so pin every one at compile time.
static_assert(static_cast<int>(DataType::kFloat) == tfproto::DT_FLOAT);
static_assert(static_cast<int>(DataType::kDouble) == tfproto::DT_DOUBLE);
static_assert(static_cast<int>(DataType::kInt32) == tfproto::DT_INT32);
static_assert(static_cast<int>(DataType::kUInt8) == tfproto::DT_UINT8);
static_assert(static_cast<int>(DataType::kInt16) == tfproto::DT_INT16);
static_assert(static_cast<int>(DataType::kInt8) == tfproto::DT_INT8);
static_assert(static_cast<int>(DataType::kString) == tfproto::DT_STRING);
static_assert(static_cast<int>(DataType::kInt64) == tfproto::DT_INT64);
static_assert(static_cast<int>(DataType::kBool) == tfproto::DT_BOOL);
static_assert(static_cast<int>(DataType::kHalf) == tfproto::DT_HALF);

tfproto::DataType to_proto(DataType t) { return static_cast<tfproto::DataType>(t); }

// TensorFlow's rule for node names: [A-Za-z0-9.][A-Za-z0-9_>./]*
bool is_valid_node_name(std::string_view name) {
  if (name.empty()) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(name[0]) && name[0] != '.') return false;
  for (char c : name.substr(1)) {
    if (!alnum(c) && c != '_' && c != '>' && c != '.' && c != '/') return false;
  }
  return true;
}

// Splits "^node", "node:3", "node" into the node name; false if malformed.
bool input_node_name(std::string_view input, std::string_view* node) {
  std::string_view s = input;
  if (!s.empty() && s[0] == '^') s.remove_prefix(1);
  size_t colon = s.rfind(':');
  if (colon != std::string_view::npos && input[0] != '^') {
    std::string_view index = s.substr(colon + 1);
    if (index.empty() || index.size() > 9) return false;
    for (char c : index) {
      if (c < '0' || c > '9') return false;
    }
    s = s.substr(0, colon);
  }
  if (!is_valid_node_name(s)) return false;
  *node = s;
  return true;
}

void fill_shape(const std::vector<int64_t>& dims, bool unknown_rank,
                tfproto::TensorShapeProto* shape) {
  shape->Clear();
  if (unknown_rank) {
    shape->set_unknown_rank(true);
    return;
  }
  for (int64_t d : dims) shape->add_dim()->set_size(d);
}

void fill_attr(const AttrValue& value, tfproto::AttrValue* out) {
  struct Visitor {
    tfproto::AttrValue* out;
    void operator()(const std::string& v) const { out->set_s(v); }
    void operator()(int64_t v) const { out->set_i(v); }
    void operator()(float v) const { out->set_f(v); }
    void operator()(bool v) const { out->set_b(v); }
    void operator()(DataType v) const { out->set_type(to_proto(v)); }
    void operator()(const ShapeAttr& v) const {
      fill_shape(v.dims, v.unknown_rank, out->mutable_shape());
    }
    void operator()(const AttrValue::IntList& v) const {
      auto* list = out->mutable_list();  // set even when empty: an empty list is a value
      for (int64_t i : v.values) list->add_i(i);
    }
    void operator()(const AttrValue::StringList& v) const {
      auto* list = out->mutable_list();
      for (const std::string& s : v.values) list->add_s(s);
    }
    void operator()(const AttrValue::FloatList& v) const {
      auto* list = out->mutable_list();
      for (float f : v.values) list->add_f(f);
    }
  };
  std::visit(Visitor{out}, value.value());
}

}  // namespace

DataType to_tf_data_type(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return DataType::kFloat;
    case DType::kFloat16:
      return DataType::kHalf;
    case DType::kInt8:
      return DataType::kInt8;
    case DType::kUInt8:
      return DataType::kUInt8;
    case DType::kInt16:
      return DataType::kInt16;
    case DType::kInt32:
      return DataType::kInt32;
    case DType::kInt64:
      return DataType::kInt64;
    case DType::kBool:
      return DataType::kBool;
  }
  return DataType::kInvalid;
}

std::string data_type_name(DataType type) {
  auto value = static_cast<int>(type);
  if (tfproto::DataType_IsValid(value)) {
    return tfproto::DataType_Name(static_cast<tfproto::DataType>(value));
  }
  return str_cat("DT_", value);
}

struct GraphDefWriter::Impl {
  tfproto::GraphDef graph;
  std::set<std::string, std::less<>> names;

  // Validates the name and reserves it; returns the new node.
  Result<tfproto::NodeDef*> new_node(std::string_view name, std::string_view op) {
    if (!is_valid_node_name(name)) {
      return invalid_argument(
          str_cat("node name ", quoted(name),
                  " is not a TensorFlow node name ([A-Za-z0-9.][A-Za-z0-9_>./]*)"));
    }
    if (names.count(name) != 0) {
      return invalid_argument(str_cat("node ", quoted(name), " is defined twice"));
    }
    if (op.empty()) return invalid_argument(str_cat("node ", quoted(name), ": empty op name"));
    names.emplace(name);
    tfproto::NodeDef* node = graph.add_node();
    node->set_name(std::string(name));
    node->set_op(std::string(op));
    return node;
  }
};

GraphDefWriter::GraphDefWriter() : impl_(std::make_unique<Impl>()) {
  set_versions(kDefaultGraphDefProducer, 0);
}
GraphDefWriter::~GraphDefWriter() = default;
GraphDefWriter::GraphDefWriter(GraphDefWriter&&) noexcept = default;
GraphDefWriter& GraphDefWriter::operator=(GraphDefWriter&&) noexcept = default;

void GraphDefWriter::set_versions(int32_t producer, int32_t min_consumer) {
  tfproto::VersionDef* v = impl_->graph.mutable_versions();
  v->set_producer(producer);
  v->set_min_consumer(min_consumer);
}

Status GraphDefWriter::add_placeholder(std::string_view name, DType dtype,
                                       const std::vector<int64_t>& dims) {
  for (int64_t d : dims) {
    if (d < -1) {
      return invalid_argument(str_cat("placeholder ", quoted(name), ": dimension ", d,
                                      " in shape [", str_join(dims, ","),
                                      "] is invalid (expected >= 0, or -1 for unknown)"));
    }
  }
  QEXP_ASSIGN_OR_RETURN(tfproto::NodeDef * node, impl_->new_node(name, "Placeholder"));
  auto& attrs = *node->mutable_attr();
  attrs["dtype"].set_type(to_proto(to_tf_data_type(dtype)));
  fill_shape(dims, false, attrs["shape"].mutable_shape());
  return ok_status();
}

Status GraphDefWriter::add_const(std::string_view name, const Tensor& value) {
  QEXP_ASSIGN_OR_RETURN(int64_t count, value.shape().checked_num_elements());
  const size_t bytes = static_cast<size_t>(count) * dtype_size(value.dtype());
  if (bytes != value.byte_size() || (bytes != 0 && value.raw() == nullptr)) {
    return invalid_argument(str_cat("const ", quoted(name), ": tensor ", value.shape().to_string(),
                                    " ", dtype_name(value.dtype()), " has ", value.byte_size(),
                                    " bytes of storage, expected ", bytes));
  }
  if (bytes > static_cast<size_t>(INT_MAX)) {
    return resource_exhausted(str_cat("const ", quoted(name), ": ", bytes,
                                      " bytes exceed protobuf's 2 GiB message limit"));
  }
  QEXP_ASSIGN_OR_RETURN(tfproto::NodeDef * node, impl_->new_node(name, "Const"));
  const tfproto::DataType type = to_proto(to_tf_data_type(value.dtype()));
  auto& attrs = *node->mutable_attr();
  attrs["dtype"].set_type(type);
  tfproto::TensorProto* tensor = attrs["value"].mutable_tensor();
  tensor->set_dtype(type);
  fill_shape(value.shape().dims(), false, tensor->mutable_tensor_shape());
  // tensor_content is what TensorFlow's own AsProtoTensorContent writes for every POD type.
  tensor->set_tensor_content(static_cast<const char*>(value.raw()), bytes);
  return ok_status();
}

Status GraphDefWriter::add_node(std::string_view name, std::string_view op,
                                const std::vector<std::string>& inputs, const AttrList& attrs) {
  for (const std::string& input : inputs) {
    std::string_view node_name;
    if (!input_node_name(input, &node_name)) {
      return invalid_argument(str_cat("node ", quoted(name), " (", op, "): input ", quoted(input),
                                      " is malformed (expected \"node\", \"node:index\" or "
                                      "\"^node\")"));
    }
  }
  std::set<std::string_view> attr_names;
  for (const auto& [attr_name, attr_value] : attrs) {
    if (attr_name.empty() || !attr_names.insert(attr_name).second) {
      return invalid_argument(str_cat("node ", quoted(name), " (", op, "): attr name ",
                                      quoted(attr_name),
                                      attr_name.empty() ? " is empty" : " is repeated"));
    }
  }
  QEXP_ASSIGN_OR_RETURN(tfproto::NodeDef * node, impl_->new_node(name, op));
  for (const std::string& input : inputs) node->add_input(input);
  auto& map = *node->mutable_attr();
  for (const auto& [attr_name, attr_value] : attrs) fill_attr(attr_value, &map[attr_name]);
  return ok_status();
}

bool GraphDefWriter::has_node(std::string_view name) const { return impl_->names.count(name) != 0; }

int64_t GraphDefWriter::num_nodes() const { return impl_->graph.node_size(); }

Result<std::vector<uint8_t>> GraphDefWriter::serialize() const {
  const tfproto::GraphDef& graph = impl_->graph;
  for (const tfproto::NodeDef& node : graph.node()) {
    for (const std::string& input : node.input()) {
      std::string_view source;
      if (input_node_name(input, &source) && impl_->names.count(source) == 0) {
        return not_found(str_cat("node ", quoted(node.name()), " (", node.op(), "): input ",
                                 quoted(input), " names no node of the graph"));
      }
    }
  }
  try {
    const size_t size = graph.ByteSizeLong();
    if (size > static_cast<size_t>(INT_MAX)) {
      return resource_exhausted(str_cat("GraphDef of ", graph.node_size(), " nodes needs ", size,
                                        " bytes, above protobuf's 2 GiB message limit"));
    }
    std::vector<uint8_t> out(size);
    {
      google::protobuf::io::ArrayOutputStream array(out.data(), static_cast<int>(size));
      google::protobuf::io::CodedOutputStream coded(&array);
      // Map entries (node attrs) in key order: the same graph always gives the same bytes.
      coded.SetSerializationDeterministic(true);
      if (!graph.SerializeToCodedStream(&coded) || coded.HadError() ||
          static_cast<size_t>(coded.ByteCount()) != size) {
        return internal_error(str_cat("protobuf failed to serialize a GraphDef of ",
                                      graph.node_size(), " nodes (", size, " bytes)"));
      }
    }
    return out;
  } catch (const std::exception& e) {
    return resource_exhausted(
        str_cat("serializing a GraphDef of ", graph.node_size(), " nodes failed: ", e.what()));
  }
}

Status GraphDefWriter::write(const std::string& path) const {
  Result<std::vector<uint8_t>> bytes = serialize();
  if (!bytes.ok()) return std::move(bytes).status().with_context(str_cat("writing ", path));
  return write_file_atomic(path, *bytes);
}

}  // namespace qexp::tf

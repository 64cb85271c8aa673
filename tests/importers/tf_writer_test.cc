#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "framework/core/dtype.h"
#include "framework/core/file_io.h"
#include "framework/core/tensor.h"
#include "framework/importers/tf/graphdef_writer.h"
#include "framework/importers/tf/proto/tf_graph.pb.h"

namespace qexp::tf {
namespace {

using Bytes = std::vector<uint8_t>;

bool contains(const Bytes& haystack, const Bytes& needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

tfproto::GraphDef parse(const Bytes& bytes) {
  tfproto::GraphDef graph;
  EXPECT_TRUE(graph.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  return graph;
}

const tfproto::NodeDef* find_node(const tfproto::GraphDef& graph, const std::string& name) {
  for (const auto& node : graph.node()) {
    if (node.name() == name) return &node;
  }
  return nullptr;
}

// The expected bytes below are written by hand from TensorFlow's field numbers, independently of
// qexp's .proto: GraphDef.node = 1, NodeDef.name = 1 / op = 2 / attr = 5 (map entry key = 1,
// value = 2), AttrValue.type = 6, DT_HALF = 19, GraphDef.versions = 4, VersionDef.producer = 1.
TEST(GraphDefWriter, WireBytesUseTensorFlowFieldNumbers) {
  GraphDefWriter w;
  w.set_versions(1394, 0);
  ASSERT_TRUE(w.add_node("x", "NoOp", {}, {{"T", AttrValue::type(DataType::kHalf)}}).ok());
  auto bytes = w.serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
  const Bytes expected = {
      0x0a, 18,                         // GraphDef.node (1), 18 bytes
      0x0a, 1,  'x',                    //   NodeDef.name (1)
      0x12, 4,  'N',  'o',  'O',  'p',  //   NodeDef.op (2)
      0x2a, 7,                          //   NodeDef.attr (5) map entry
      0x0a, 1,  'T',                    //     key (1)
      0x12, 2,  0x30, 19,               //     value (2): AttrValue.type (6) = DT_HALF (19)
      0x22, 3,  0x08, 0xf2, 0x0a,       // GraphDef.versions (4): producer (1) = 1394
  };
  EXPECT_EQ(*bytes, expected);
}

// TensorProto.dtype = 1, tensor_shape = 2 (TensorShapeProto.dim = 2, Dim.size = 1),
// tensor_content = 4 (raw little-endian); AttrValue.tensor = 8; DT_INT32 = 3.
TEST(GraphDefWriter, ConstWritesTensorContentWithTensorFlowFieldNumbers) {
  GraphDefWriter w;
  Tensor t(DType::kInt32, Shape{2});
  t.data<int32_t>()[0] = 1;
  t.data<int32_t>()[1] = -2;
  ASSERT_TRUE(w.add_const("c", t).ok());
  auto bytes = w.serialize();
  ASSERT_TRUE(bytes.ok());
  const Bytes tensor_attr = {
      0x42, 18,                                            // AttrValue.tensor (8)
      0x08, 3,                                             //   dtype = DT_INT32
      0x12, 4,  0x12, 2, 0x08, 2,                          //   tensor_shape { dim { size: 2 } }
      0x22, 8,  1,    0, 0,    0, 0xfe, 0xff, 0xff, 0xff,  //   tensor_content
  };
  EXPECT_TRUE(contains(*bytes, tensor_attr));
  const Bytes dtype_attr = {0x0a, 5, 'd', 't', 'y', 'p', 'e', 0x12, 2, 0x30, 3};
  EXPECT_TRUE(contains(*bytes, dtype_attr));
}

TEST(GraphDefWriter, RoundTripsThroughGeneratedParser) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("input", DType::kFloat32, {-1, 8, 8, 3}).ok());

  Tensor f32(DType::kFloat32, Shape{2, 3});
  for (int i = 0; i < 6; ++i) f32.data<float>()[i] = 0.5f * static_cast<float>(i) - 1.0f;
  Tensor i64(DType::kInt64, Shape{3});
  i64.data<int64_t>()[0] = -1;
  i64.data<int64_t>()[1] = int64_t{1} << 40;
  i64.data<int64_t>()[2] = 7;
  Tensor f16(DType::kFloat16, Shape{2});
  f16.data<uint16_t>()[0] = float_to_half(1.5f);
  f16.data<uint16_t>()[1] = float_to_half(-0.25f);
  Tensor scalar(DType::kInt32, Shape{});
  scalar.data<int32_t>()[0] = 42;
  ASSERT_TRUE(w.add_const("w/f32", f32).ok());
  ASSERT_TRUE(w.add_const("w/i64", i64).ok());
  ASSERT_TRUE(w.add_const("w/f16", f16).ok());
  ASSERT_TRUE(w.add_const("w/scalar", scalar).ok());

  AttrList attrs = {
      {"T", AttrValue::type(DataType::kFloat)},
      {"padding", AttrValue::string("SAME")},
      {"count", AttrValue::integer(-5)},
      {"epsilon", AttrValue::real(0.001f)},
      {"is_training", AttrValue::boolean(false)},
      {"shape", AttrValue::shape({1, -1, 4})},
      {"any_shape", AttrValue::unknown_rank_shape()},
      {"strides", AttrValue::int_list({1, 2, 2, 1})},
      {"empty", AttrValue::int_list({})},
      {"names", AttrValue::string_list({"a", "bc"})},
      {"scales", AttrValue::float_list({0.5f, 2.0f})},
  };
  ASSERT_TRUE(w.add_node("op", "MyOp", {"input", "w/f32:0", "^w/i64"}, attrs).ok());
  EXPECT_EQ(w.num_nodes(), 6);
  EXPECT_TRUE(w.has_node("w/f16"));
  EXPECT_FALSE(w.has_node("w/f17"));

  auto bytes = w.serialize();
  ASSERT_TRUE(bytes.ok()) << bytes.status().to_string();
  tfproto::GraphDef g = parse(*bytes);
  ASSERT_EQ(g.node_size(), 6);
  EXPECT_EQ(g.versions().producer(), kDefaultGraphDefProducer);
  // Nodes keep the order they were added in.
  EXPECT_EQ(g.node(0).name(), "input");
  EXPECT_EQ(g.node(5).name(), "op");

  const auto& ph = g.node(0);
  EXPECT_EQ(ph.op(), "Placeholder");
  EXPECT_EQ(ph.attr().at("dtype").type(), tfproto::DT_FLOAT);
  const auto& ph_shape = ph.attr().at("shape").shape();
  ASSERT_EQ(ph_shape.dim_size(), 4);
  EXPECT_EQ(ph_shape.dim(0).size(), -1);
  EXPECT_EQ(ph_shape.dim(3).size(), 3);

  const auto* c = find_node(g, "w/f32");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->op(), "Const");
  EXPECT_EQ(c->attr().at("dtype").type(), tfproto::DT_FLOAT);
  const auto& t = c->attr().at("value").tensor();
  EXPECT_EQ(t.dtype(), tfproto::DT_FLOAT);
  ASSERT_EQ(t.tensor_shape().dim_size(), 2);
  EXPECT_EQ(t.tensor_shape().dim(0).size(), 2);
  EXPECT_EQ(t.tensor_shape().dim(1).size(), 3);
  ASSERT_EQ(t.tensor_content().size(), 24u);
  EXPECT_EQ(std::memcmp(t.tensor_content().data(), f32.raw(), 24), 0);

  const auto& ti64 = find_node(g, "w/i64")->attr().at("value").tensor();
  EXPECT_EQ(ti64.dtype(), tfproto::DT_INT64);
  ASSERT_EQ(ti64.tensor_content().size(), 24u);
  EXPECT_EQ(std::memcmp(ti64.tensor_content().data(), i64.raw(), 24), 0);

  const auto& th = find_node(g, "w/f16")->attr().at("value").tensor();
  EXPECT_EQ(th.dtype(), tfproto::DT_HALF);
  ASSERT_EQ(th.tensor_content().size(), 4u);
  uint16_t halves[2];
  std::memcpy(halves, th.tensor_content().data(), 4);
  EXPECT_EQ(half_to_float(halves[0]), 1.5f);
  EXPECT_EQ(half_to_float(halves[1]), -0.25f);

  const auto& ts = find_node(g, "w/scalar")->attr().at("value").tensor();
  EXPECT_EQ(ts.dtype(), tfproto::DT_INT32);
  EXPECT_EQ(ts.tensor_shape().dim_size(), 0);
  EXPECT_FALSE(ts.tensor_shape().unknown_rank());
  ASSERT_EQ(ts.tensor_content().size(), 4u);

  const auto& op = g.node(5);
  EXPECT_EQ(op.op(), "MyOp");
  ASSERT_EQ(op.input_size(), 3);
  EXPECT_EQ(op.input(1), "w/f32:0");
  EXPECT_EQ(op.input(2), "^w/i64");
  const auto& a = op.attr();
  EXPECT_EQ(a.size(), attrs.size());
  EXPECT_EQ(a.at("T").value_case(), tfproto::AttrValue::kType);
  EXPECT_EQ(a.at("T").type(), tfproto::DT_FLOAT);
  EXPECT_EQ(a.at("padding").s(), "SAME");
  EXPECT_EQ(a.at("count").i(), -5);
  EXPECT_EQ(a.at("epsilon").f(), 0.001f);
  EXPECT_EQ(a.at("is_training").value_case(), tfproto::AttrValue::kB);
  EXPECT_FALSE(a.at("is_training").b());
  ASSERT_EQ(a.at("shape").shape().dim_size(), 3);
  EXPECT_EQ(a.at("shape").shape().dim(1).size(), -1);
  EXPECT_TRUE(a.at("any_shape").shape().unknown_rank());
  EXPECT_EQ(a.at("any_shape").shape().dim_size(), 0);
  ASSERT_EQ(a.at("strides").list().i_size(), 4);
  EXPECT_EQ(a.at("strides").list().i(1), 2);
  // An empty list is still a list value (TensorFlow distinguishes it from "attr not set").
  EXPECT_EQ(a.at("empty").value_case(), tfproto::AttrValue::kList);
  EXPECT_EQ(a.at("empty").list().i_size(), 0);
  ASSERT_EQ(a.at("names").list().s_size(), 2);
  EXPECT_EQ(a.at("names").list().s(1), "bc");
  ASSERT_EQ(a.at("scales").list().f_size(), 2);
  EXPECT_EQ(a.at("scales").list().f(1), 2.0f);
}

TEST(GraphDefWriter, OutputIsDeterministicAndIndependentOfAttrOrder) {
  auto build = [](bool reversed) {
    GraphDefWriter w;
    AttrList attrs = {{"a", AttrValue::integer(1)},
                      {"b", AttrValue::string("x")},
                      {"c", AttrValue::boolean(true)},
                      {"d", AttrValue::real(2.5f)}};
    if (reversed) std::reverse(attrs.begin(), attrs.end());
    EXPECT_TRUE(w.add_node("n", "Op", {}, attrs).ok());
    return w.serialize();
  };
  auto first = build(false);
  auto second = build(true);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(GraphDefWriter, RejectsBadNamesInputsAndAttrs) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("in", DType::kFloat32, {1, 2}).ok());

  Status dup = w.add_placeholder("in", DType::kFloat32, {1});
  EXPECT_EQ(dup.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.message().find("'in' is defined twice"), std::string::npos) << dup.message();

  EXPECT_EQ(w.add_node("", "Op", {}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("_x", "Op", {}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("a b", "Op", {}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("x", "", {}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("x", "Op", {"in:"}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("x", "Op", {"in:a"}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("x", "Op", {"^in:0"}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.add_node("x", "Op", {""}, {}).code(), StatusCode::kInvalidArgument);
  Status repeated =
      w.add_node("x", "Op", {"in"}, {{"T", AttrValue::integer(1)}, {"T", AttrValue::integer(2)}});
  EXPECT_EQ(repeated.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(repeated.message().find("'T' is repeated"), std::string::npos);
  Status bad_dim = w.add_placeholder("p", DType::kFloat32, {1, -2});
  EXPECT_EQ(bad_dim.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_dim.message().find("-2"), std::string::npos);
  EXPECT_EQ(w.add_const("c", Tensor()).code(), StatusCode::kInvalidArgument);
  // Rejected nodes were not added.
  EXPECT_EQ(w.num_nodes(), 1);
  EXPECT_FALSE(w.has_node("x"));

  // A reference to a missing node is found when the graph is serialized.
  ASSERT_TRUE(w.add_node("y", "Op", {"in", "missing:1"}, {}).ok());
  auto bytes = w.serialize();
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bytes.status().message().find("'missing:1'"), std::string::npos)
      << bytes.status().message();
}

TEST(GraphDefWriter, WriteStoresSerializedBytes) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("in", DType::kInt64, {3}).ok());
  ASSERT_TRUE(
      w.add_node("out", "Identity", {"in"}, {{"T", AttrValue::type(DataType::kInt64)}}).ok());
  const std::string path = ::testing::TempDir() + "/qexp_tf_writer_test.pb";
  ASSERT_TRUE(w.write(path).ok());
  auto read = read_file(path);
  ASSERT_TRUE(read.ok());
  auto bytes = w.serialize();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*read, *bytes);

  Status bad = w.write("/nonexistent-dir/x.pb");
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("/nonexistent-dir/x.pb"), std::string::npos) << bad.message();
}

TEST(GraphDefWriter, MapsQexpDTypesToTensorFlowDataTypes) {
  EXPECT_EQ(to_tf_data_type(DType::kFloat32), DataType::kFloat);
  EXPECT_EQ(to_tf_data_type(DType::kFloat16), DataType::kHalf);
  EXPECT_EQ(to_tf_data_type(DType::kInt8), DataType::kInt8);
  EXPECT_EQ(to_tf_data_type(DType::kUInt8), DataType::kUInt8);
  EXPECT_EQ(to_tf_data_type(DType::kInt16), DataType::kInt16);
  EXPECT_EQ(to_tf_data_type(DType::kInt32), DataType::kInt32);
  EXPECT_EQ(to_tf_data_type(DType::kInt64), DataType::kInt64);
  EXPECT_EQ(to_tf_data_type(DType::kBool), DataType::kBool);
  EXPECT_EQ(data_type_name(DataType::kHalf), "DT_HALF");
  EXPECT_EQ(data_type_name(static_cast<DataType>(99)), "DT_99");
}

// TensorFlow's DataType values (types.proto), pinned against qexp's generated enum.
TEST(TfProto, DataTypeValuesMatchTensorFlow) {
  EXPECT_EQ(tfproto::DT_INVALID, 0);
  EXPECT_EQ(tfproto::DT_FLOAT, 1);
  EXPECT_EQ(tfproto::DT_DOUBLE, 2);
  EXPECT_EQ(tfproto::DT_INT32, 3);
  EXPECT_EQ(tfproto::DT_UINT8, 4);
  EXPECT_EQ(tfproto::DT_INT16, 5);
  EXPECT_EQ(tfproto::DT_INT8, 6);
  EXPECT_EQ(tfproto::DT_STRING, 7);
  EXPECT_EQ(tfproto::DT_COMPLEX64, 8);
  EXPECT_EQ(tfproto::DT_INT64, 9);
  EXPECT_EQ(tfproto::DT_BOOL, 10);
  EXPECT_EQ(tfproto::DT_QINT8, 11);
  EXPECT_EQ(tfproto::DT_QUINT8, 12);
  EXPECT_EQ(tfproto::DT_QINT32, 13);
  EXPECT_EQ(tfproto::DT_BFLOAT16, 14);
  EXPECT_EQ(tfproto::DT_UINT16, 17);
  EXPECT_EQ(tfproto::DT_HALF, 19);
  EXPECT_EQ(tfproto::DT_RESOURCE, 20);
  EXPECT_EQ(tfproto::DT_UINT32, 22);
  EXPECT_EQ(tfproto::DT_UINT64, 23);
  EXPECT_EQ(tfproto::DT_FLOAT_REF, 101);
}

}  // namespace
}  // namespace qexp::tf

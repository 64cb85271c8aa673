#include "framework/importers/tf/graphdef_importer.h"

#include <gtest/gtest.h>

#include <cstring>

#include "framework/importers/tf/graphdef_writer.h"
#include "framework/ir/dump.h"

namespace qexp::tf {
namespace {

Tensor float_tensor(Shape shape, float start = 0.0f, float step = 1.0f) {
  Tensor t(DType::kFloat32, std::move(shape));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = start + step * i;
  return t;
}

Tensor int32_tensor(std::vector<int32_t> v) {
  Tensor t(DType::kInt32, Shape{static_cast<int64_t>(v.size())});
  std::memcpy(t.raw(), v.data(), v.size() * 4);
  return t;
}

AttrList conv_attrs(const char* padding, int stride) {
  return {{"T", AttrValue::type(DataType::kFloat)},
          {"padding", AttrValue::string(padding)},
          {"strides", AttrValue::int_list({1, stride, stride, 1})},
          {"data_format", AttrValue::string("NHWC")}};
}

/// input [?,8,8,3] → Conv2D (weights read through Identity) → BiasAdd → FusedBatchNormV3 →
/// Relu6 → depthwise → Mean[1,2] → MatMul → Softmax, plus a TF1 L2 regularizer subgraph.
GraphDefWriter small_mobilenet_like() {
  GraphDefWriter w;
  EXPECT_TRUE(w.add_placeholder("input", DType::kFloat32, {-1, 8, 8, 3}).ok());
  EXPECT_TRUE(w.add_const("conv/weights", float_tensor(Shape{3, 3, 3, 4}, -1.0f, 0.02f)).ok());
  EXPECT_TRUE(w.add_node("conv/weights/read", "Identity", {"conv/weights"},
                         {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_TRUE(w.add_node("conv/Conv2D", "Conv2D", {"input", "conv/weights/read"},
                         conv_attrs("SAME", 2)).ok());
  EXPECT_TRUE(w.add_const("conv/biases", float_tensor(Shape{4}, 0.1f, 0.1f)).ok());
  EXPECT_TRUE(w.add_node("conv/BiasAdd", "BiasAdd", {"conv/Conv2D", "conv/biases"},
                         {{"T", AttrValue::type(DataType::kFloat)},
                          {"data_format", AttrValue::string("NHWC")}}).ok());
  for (const char* p : {"gamma", "beta", "moving_mean", "moving_variance"}) {
    EXPECT_TRUE(w.add_const(std::string("bn/") + p, float_tensor(Shape{4}, 1.0f, 0.1f)).ok());
  }
  EXPECT_TRUE(w.add_node("bn/FusedBatchNormV3", "FusedBatchNormV3",
                         {"conv/BiasAdd", "bn/gamma", "bn/beta", "bn/moving_mean",
                          "bn/moving_variance"},
                         {{"T", AttrValue::type(DataType::kFloat)},
                          {"U", AttrValue::type(DataType::kFloat)},
                          {"epsilon", AttrValue::real(0.001f)},
                          {"is_training", AttrValue::boolean(false)},
                          {"data_format", AttrValue::string("NHWC")}}).ok());
  EXPECT_TRUE(w.add_node("relu", "Relu6", {"bn/FusedBatchNormV3"},
                         {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_TRUE(w.add_const("dw/depthwise_weights", float_tensor(Shape{3, 3, 4, 2}, 0.0f, 0.01f)).ok());
  EXPECT_TRUE(w.add_node("dw/depthwise", "DepthwiseConv2dNative", {"relu", "dw/depthwise_weights"},
                         conv_attrs("VALID", 1)).ok());
  EXPECT_TRUE(w.add_const("pool/axes", int32_tensor({1, 2})).ok());
  EXPECT_TRUE(w.add_node("pool/Mean", "Mean", {"dw/depthwise", "pool/axes"},
                         {{"T", AttrValue::type(DataType::kFloat)},
                          {"keep_dims", AttrValue::boolean(false)}}).ok());
  EXPECT_TRUE(w.add_const("fc/weights", float_tensor(Shape{8, 5}, 0.0f, 0.01f)).ok());
  EXPECT_TRUE(w.add_node("fc/MatMul", "MatMul", {"pool/Mean", "fc/weights"},
                         {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_TRUE(w.add_node("Predictions/Softmax", "Softmax", {"fc/MatMul"},
                         {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  // TF1 training-only subgraph: conv/weights/Regularizer/l2_regularizer = scale * L2Loss(w).
  Tensor scale(DType::kFloat32, Shape{});
  scale.data<float>()[0] = 1e-4f;
  EXPECT_TRUE(w.add_const("conv/weights/Regularizer/l2_regularizer/scale", scale).ok());
  EXPECT_TRUE(w.add_node("conv/weights/Regularizer/l2_regularizer/L2Loss", "L2Loss",
                         {"conv/weights/read"}, {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_TRUE(w.add_node("conv/weights/Regularizer/l2_regularizer", "Mul",
                         {"conv/weights/Regularizer/l2_regularizer/scale",
                          "conv/weights/Regularizer/l2_regularizer/L2Loss"},
                         {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  return w;
}

Result<ir::Graph> import_writer(const GraphDefWriter& w, const GraphDefImportOptions& o = {}) {
  auto bytes = w.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  return import_graphdef_buffer(*bytes, "test.pb", o);
}

std::string error_of(const Result<ir::Graph>& r) { return r.ok() ? "ok" : r.status().message(); }

TEST(GraphDefImporter, MapsOpsOneToOneInTopologicalOrder) {
  auto g = import_writer(small_mobilenet_like());
  ASSERT_TRUE(g.ok()) << g.status().message();
  std::vector<std::string> ops;
  for (const auto& op : g->ops) ops.push_back(std::string(ir::op_type_name(op.type)));
  EXPECT_EQ(ops, (std::vector<std::string>{"CONV_2D", "ADD", "BATCH_NORM", "RELU6",
                                           "DEPTHWISE_CONV_2D", "MEAN", "MATMUL", "SOFTMAX"}));
  const auto& in = g->tensors[static_cast<size_t>(g->inputs[0])];
  EXPECT_EQ(in.name, "input");
  EXPECT_EQ(in.shape, (Shape{1, 8, 8, 3}));  // unknown batch becomes 1
  const auto& out = g->tensors[static_cast<size_t>(g->outputs[0])];
  EXPECT_EQ(out.name, "Predictions/Softmax");
  EXPECT_EQ(out.shape, (Shape{1, 5}));
  EXPECT_EQ(g->metadata.at("source_format"), "graphdef");
}

TEST(GraphDefImporter, TransposesConvFilterFromHwioToOhwi) {
  auto g = import_writer(small_mobilenet_like());
  ASSERT_TRUE(g.ok()) << g.status().message();
  const ir::Op& conv = g->ops[0];
  const auto& w = g->tensors[static_cast<size_t>(conv.inputs[1])];
  ASSERT_EQ(w.shape, (Shape{4, 3, 3, 3}));
  auto v = w.const_data<float>();
  // OHWI[o][h][w][i] == HWIO[h][w][i][o] == -1 + 0.02 * (((h*3 + w)*3 + i)*4 + o)
  auto hwio = [](int h, int ww, int i, int o) { return -1.0f + 0.02f * (((h * 3 + ww) * 3 + i) * 4 + o); };
  EXPECT_FLOAT_EQ(v[((2 * 3 + 1) * 3 + 0) * 3 + 2], hwio(1, 0, 2, 2));
  EXPECT_FLOAT_EQ(v[((3 * 3 + 2) * 3 + 2) * 3 + 1], hwio(2, 2, 1, 3));
  EXPECT_EQ(conv.inputs[2], -1);  // no bias until fuse-bias
  EXPECT_EQ(conv.opts<ir::Conv2DOptions>().stride_h, 2);
}

TEST(GraphDefImporter, DepthwiseFilterBecomesOneByHByWByChannelsTimesMultiplier) {
  auto g = import_writer(small_mobilenet_like());
  ASSERT_TRUE(g.ok());
  const ir::Op& dw = g->ops[4];
  EXPECT_EQ(g->tensors[static_cast<size_t>(dw.inputs[1])].shape, (Shape{1, 3, 3, 8}));
  EXPECT_EQ(dw.opts<ir::DepthwiseConv2DOptions>().depth_multiplier, 2);
  EXPECT_EQ(g->tensors[static_cast<size_t>(dw.outputs[0])].shape, (Shape{1, 2, 2, 8}));
}

TEST(GraphDefImporter, KeepsTrainingOnlyNodesAside) {
  auto g = import_writer(small_mobilenet_like());
  ASSERT_TRUE(g.ok());
  std::vector<std::string> aside;
  for (const auto& n : g->aside) aside.push_back(n.name + ":" + n.op);
  EXPECT_EQ(aside, (std::vector<std::string>{
                       "conv/weights/Regularizer/l2_regularizer/scale:Const",
                       "conv/weights/Regularizer/l2_regularizer/L2Loss:L2Loss",
                       "conv/weights/Regularizer/l2_regularizer:Mul"}));
  ASSERT_TRUE(g->aside[0].value.has_value());
  EXPECT_FLOAT_EQ(g->aside[0].value->data<float>()[0], 1e-4f);
  EXPECT_EQ(g->aside[1].inputs, std::vector<std::string>{"conv/weights/read"});
}

TEST(GraphDefImporter, ExplicitArraysAndInputShape) {
  GraphDefImportOptions o;
  o.input_arrays = {"input"};
  o.output_arrays = {"relu"};
  o.input_shapes = {Shape{2, 16, 16, 3}};
  auto g = import_writer(small_mobilenet_like(), o);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->ops.size(), 4u);
  EXPECT_EQ(g->tensors[static_cast<size_t>(g->outputs[0])].shape, (Shape{2, 8, 8, 4}));
}

TEST(GraphDefImporter, AmbiguousOutputListsCandidates) {
  GraphDefWriter w = small_mobilenet_like();
  ASSERT_TRUE(w.add_node("extra", "Relu", {"relu"}, {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_EQ(error_of(import_writer(w)),
            "test.pb: cannot choose the output: 2 candidates (Predictions/Softmax, extra); name "
            "it with --output-arrays");
}

TEST(GraphDefImporter, UnsupportedOpNamesTypeAndNode) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("x", DType::kFloat32, {1, 4}).ok());
  ASSERT_TRUE(w.add_node("y", "Erf", {"x"}, {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  std::string e = error_of(import_writer(w));
  EXPECT_EQ(e.rfind("test.pb: node 'y' (Erf): op type 'Erf' is not supported (supported: ", 0), 0u)
      << e;
}

TEST(GraphDefImporter, UnknownArraysAreErrors) {
  GraphDefImportOptions o;
  o.output_arrays = {"nope"};
  EXPECT_EQ(error_of(import_writer(small_mobilenet_like(), o)),
            "test.pb: output array 'nope' is not a node of the graph");
  o.output_arrays = {"relu"};
  o.input_arrays = {"missing"};
  EXPECT_EQ(error_of(import_writer(small_mobilenet_like(), o)),
            "test.pb: input array 'missing' is not a node of the graph");
}

TEST(GraphDefImporter, UnknownNonBatchDimensionAsksForInputShape) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("x", DType::kFloat32, {1, -1, 4, 3}).ok());
  ASSERT_TRUE(w.add_node("y", "Relu", {"x"}, {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_EQ(error_of(import_writer(w)),
            "test.pb: node 'x' (Placeholder): input shape [1,-1,4,3] has an unknown dimension 1; "
            "give the shape with --input-shape");
}

TEST(GraphDefImporter, TrainingModeBatchNormIsRejected) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("x", DType::kFloat32, {1, 2, 2, 1}).ok());
  for (const char* p : {"g", "b", "m", "v"}) ASSERT_TRUE(w.add_const(p, float_tensor(Shape{1})).ok());
  ASSERT_TRUE(w.add_node("bn", "FusedBatchNormV3", {"x", "g", "b", "m", "v"},
                         {{"is_training", AttrValue::boolean(true)}}).ok());
  EXPECT_EQ(error_of(import_writer(w)),
            "test.pb: node 'bn' (FusedBatchNormV3): is_training is true; a frozen inference graph "
            "needs is_training=false");
}

TEST(GraphDefImporter, MalformedBytesAreClearErrors) {
  std::vector<uint8_t> random = {0x12, 0xff, 0x00, 0x99, 0x42, 0x13, 0x37, 0xde, 0xad};
  EXPECT_EQ(error_of(import_graphdef_buffer(random, "r.pb")),
            "r.pb: not a valid GraphDef (protobuf parse failed: truncated or not a frozen "
            "TensorFlow graph)");
  EXPECT_EQ(error_of(import_graphdef_buffer({}, "e.pb")), "e.pb: empty file, expected a GraphDef");
  auto good = small_mobilenet_like().serialize();
  ASSERT_TRUE(good.ok());
  for (size_t cut : {good->size() / 3, good->size() / 2, good->size() - 1}) {
    std::vector<uint8_t> part(good->begin(), good->begin() + static_cast<std::ptrdiff_t>(cut));
    auto r = import_graphdef_buffer(part, "t.pb");
    EXPECT_FALSE(r.ok()) << "cut at " << cut;
  }
  auto missing = import_graphdef_file("/nonexistent/model.pb");
  EXPECT_EQ(error_of(missing), "/nonexistent/model.pb: no such file");
}

TEST(GraphDefImporter, ConstantSizeMismatchIsRejected) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("x", DType::kFloat32, {1, 4}).ok());
  ASSERT_TRUE(w.add_const("s", int32_tensor({2, 2, 2})).ok());  // 8 elements, x has 4
  ASSERT_TRUE(w.add_node("r", "Reshape", {"x", "s"}, {{"T", AttrValue::type(DataType::kFloat)}}).ok());
  EXPECT_EQ(error_of(import_writer(w)),
            "test.pb: op 'r' (RESHAPE): cannot reshape [1,4] (4 elements) to [2,2,2] (8 elements)");
}

// Graph cycles (docs/reliability.md, malformed-model classes): a frozen GraphDef is a DAG; the
// importer's depth-first walk from the outputs finds a node that is still open.
TEST(GraphDefImporter, NodeCycleIsRejected) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("x", DType::kFloat32, {1, 4}).ok());
  AttrList t = {{"T", AttrValue::type(DataType::kFloat)}};
  ASSERT_TRUE(w.add_node("a", "AddV2", {"x", "b"}, t).ok());
  ASSERT_TRUE(w.add_node("b", "Relu", {"a"}, t).ok());
  ASSERT_TRUE(w.add_node("y", "Relu", {"b"}, t).ok());
  GraphDefImportOptions o;  // the default output choice needs the inputs' data to reach a node
  o.output_arrays = {"y"};
  EXPECT_EQ(error_of(import_writer(w, o)), "test.pb: the graph has a cycle through node 'b'");
}

TEST(GraphDefImporter, NodeConsumingItselfIsACycle) {
  GraphDefWriter w;
  ASSERT_TRUE(w.add_placeholder("x", DType::kFloat32, {1, 4}).ok());
  AttrList t = {{"T", AttrValue::type(DataType::kFloat)}};
  ASSERT_TRUE(w.add_node("a", "AddV2", {"x", "a"}, t).ok());
  ASSERT_TRUE(w.add_node("y", "Relu", {"a"}, t).ok());
  EXPECT_EQ(error_of(import_writer(w)), "test.pb: the graph has a cycle through node 'a'");
}

TEST(GraphDefImporter, FileLargerThanTheLimitIsRefusedBeforeParsing) {
  auto bytes = small_mobilenet_like().serialize();
  ASSERT_TRUE(bytes.ok());
  GraphDefImportOptions o;
  o.max_file_bytes = 100;
  EXPECT_EQ(error_of(import_graphdef_buffer(*bytes, "big.pb", o)),
            "big.pb: " + std::to_string(bytes->size()) +
                " bytes, the limit is 100 (--limit max_graphdef_bytes)");
  ASSERT_TRUE(set_limit("max_graphdef_bytes=1K").ok());  // the options' default
  GraphDefImportOptions lowered;
  reset_limits();
  EXPECT_EQ(lowered.max_file_bytes, 1024);
  EXPECT_EQ(GraphDefImportOptions().max_file_bytes, int64_t{1} << 30);
}

}  // namespace
}  // namespace qexp::tf

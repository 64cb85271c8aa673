#include "framework/analysis/regularizers.h"

#include <gtest/gtest.h>

#include <functional>

#include "framework/importers/tf/graphdef_importer.h"
#include "framework/importers/tf/graphdef_writer.h"
#include "plugins/analysis/weights/weights.h"

namespace qexp::analysis {
namespace {

using tf::AttrValue;
using tf::DataType;
using tf::GraphDefWriter;

Tensor scalar(float v) {
  Tensor t(DType::kFloat32, Shape{});
  t.data<float>()[0] = v;
  return t;
}

Tensor filled(Shape s, float start) {
  Tensor t(DType::kFloat32, std::move(s));
  for (int64_t i = 0; i < t.num_elements(); ++i) t.data<float>()[i] = start + 0.01f * i;
  return t;
}

const tf::AttrList kT = {{"T", AttrValue::type(DataType::kFloat)}};

// input [1,4,4,2] → Conv2D(conv/weights/read) → BiasAdd(conv/biases) → Relu, then `extra` adds
// the training-only nodes under test.
ir::Graph import_with(const std::function<void(GraphDefWriter&)>& extra) {
  GraphDefWriter w;
  EXPECT_TRUE(w.add_placeholder("input", DType::kFloat32, {1, 4, 4, 2}).ok());
  EXPECT_TRUE(w.add_const("conv/weights", filled(Shape{3, 3, 2, 4}, -0.3f)).ok());
  EXPECT_TRUE(w.add_node("conv/weights/read", "Identity", {"conv/weights"}, kT).ok());
  EXPECT_TRUE(w.add_node("conv/Conv2D", "Conv2D", {"input", "conv/weights/read"},
                         {{"T", AttrValue::type(DataType::kFloat)},
                          {"padding", AttrValue::string("SAME")},
                          {"strides", AttrValue::int_list({1, 1, 1, 1})},
                          {"data_format", AttrValue::string("NHWC")}})
                  .ok());
  EXPECT_TRUE(w.add_const("conv/biases", filled(Shape{4}, 0.1f)).ok());
  EXPECT_TRUE(w.add_node("conv/BiasAdd", "BiasAdd", {"conv/Conv2D", "conv/biases"}, kT).ok());
  EXPECT_TRUE(w.add_node("out", "Relu", {"conv/BiasAdd"}, kT).ok());
  extra(w);
  auto bytes = w.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.status().message();
  tf::GraphDefImportOptions o;
  o.output_arrays = {"out"};
  auto g = tf::import_graphdef_buffer(*bytes, "test.pb", o);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(g).value() : ir::Graph{};
}

// TF1 l2_regularizer(scale) on `weight`, with the scale node given.
void l2_regularizer(GraphDefWriter& w, const std::string& weight, const std::string& scale_node) {
  const std::string p = weight + "/Regularizer/l2_regularizer";
  EXPECT_TRUE(w.add_node(p + "/L2Loss", "L2Loss", {weight}, kT).ok());
  EXPECT_TRUE(w.add_node(p, "Mul", {scale_node, p + "/L2Loss"}, kT).ok());
}

TEST(DetectRegularizers, Tf1L2RegularizerThroughTheReadIdentity) {
  const ir::Graph g = import_with([](GraphDefWriter& w) {
    EXPECT_TRUE(w.add_const("conv/weights/Regularizer/l2_regularizer/scale", scalar(1e-4f)).ok());
    l2_regularizer(w, "conv/weights/read", "conv/weights/Regularizer/l2_regularizer/scale");
  });
  const auto f = detect_regularizers(g);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].understood) << f[0].reason;
  EXPECT_EQ(f[0].source, "l2_regularizer");
  EXPECT_EQ(f[0].op, "conv/Conv2D");
  EXPECT_EQ(*f[0].scale, 1e-4);  // the decimal the user wrote, not float32's 9.99999975e-05
}

TEST(DetectRegularizers, PlainL2LossTimesScaleAndBareL2Loss) {
  const ir::Graph g = import_with([](GraphDefWriter& w) {
    EXPECT_TRUE(w.add_node("loss/l2", "L2Loss", {"conv/weights"}, kT).ok());
    EXPECT_TRUE(w.add_const("loss/decay", scalar(5e-4f)).ok());
    EXPECT_TRUE(w.add_node("loss/weighted", "Mul", {"loss/l2", "loss/decay"}, kT).ok());
    EXPECT_TRUE(w.add_node("loss/bare", "L2Loss", {"conv/weights/read:0"}, kT).ok());
  });
  const auto f = detect_regularizers(g);
  ASSERT_EQ(f.size(), 2u);
  ASSERT_TRUE(f[0].understood) << f[0].reason;
  EXPECT_EQ(f[0].op, "conv/Conv2D");
  EXPECT_EQ(f[0].source, "l2_loss_mul");
  EXPECT_EQ(*f[0].scale, 5e-4);
  ASSERT_TRUE(f[1].understood) << f[1].reason;
  EXPECT_EQ(f[1].source, "l2_loss");
  EXPECT_EQ(*f[1].scale, 1.0);
}

TEST(DetectRegularizers, NonConstantScaleIsNotUnderstood) {
  const ir::Graph g = import_with([](GraphDefWriter& w) {
    EXPECT_TRUE(w.add_placeholder("lambda", DType::kFloat32, {}).ok());
    l2_regularizer(w, "conv/weights/read", "lambda");
  });
  const auto f = detect_regularizers(g);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].understood);
  EXPECT_FALSE(f[0].scale.has_value());
  EXPECT_EQ(f[0].reason, "the scale 'lambda' is a Placeholder node, not a constant");
}

TEST(DetectRegularizers, VectorOrNegativeScaleIsNotUnderstood) {
  const ir::Graph g = import_with([](GraphDefWriter& w) {
    EXPECT_TRUE(w.add_const("s/vec", filled(Shape{2}, 0.1f)).ok());
    l2_regularizer(w, "conv/weights/read", "s/vec");
    EXPECT_TRUE(w.add_const("s/neg", scalar(-1e-4f)).ok());
    l2_regularizer(w, "conv/weights", "s/neg");
  });
  const auto f = detect_regularizers(g);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_FALSE(f[0].understood);
  EXPECT_NE(f[0].reason.find("expected a float32 scalar"), std::string::npos) << f[0].reason;
  EXPECT_FALSE(f[1].understood);
  EXPECT_NE(f[1].reason.find("expected a finite value >= 0"), std::string::npos) << f[1].reason;
}

TEST(DetectRegularizers, L2LossOfANonWeightIsNotUnderstood) {
  const ir::Graph g = import_with([](GraphDefWriter& w) {
    EXPECT_TRUE(w.add_const("s", scalar(1e-4f)).ok());
    l2_regularizer(w, "conv/biases", "s");   // a bias, not a kernel
    l2_regularizer(w, "conv/BiasAdd", "s");  // an activation
  });
  const auto f = detect_regularizers(g);
  ASSERT_EQ(f.size(), 2u);
  for (const RegularizerFinding& x : f) {
    EXPECT_FALSE(x.understood);
    EXPECT_NE(x.reason.find("is not the constant weight tensor"), std::string::npos) << x.reason;
  }
}

TEST(DetectRegularizers, NotUnderstoodFindingsNeverMarkALayerRegularized) {
  const ir::Graph g = import_with([](GraphDefWriter& w) {
    EXPECT_TRUE(w.add_placeholder("lambda", DType::kFloat32, {}).ok());
    l2_regularizer(w, "conv/weights/read", "lambda");
  });
  AnalysisInput in;
  in.imported = &g;
  in.float_graph = &g;
  auto r = analyze_weights(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ((*r)["regularizers"].size(), 1u);
  EXPECT_EQ((*r)["regularizers"][0]["status"], "not understood");
  EXPECT_TRUE((*r)["regularizers"][0]["l2"].is_null());
  ASSERT_EQ((*r)["layers"].size(), 1u);
  EXPECT_TRUE((*r)["layers"][0]["regularization"].is_null());
  EXPECT_EQ((*r)["unregularized"], nlohmann::json::array({"conv/Conv2D"}));
}

TEST(DetectRegularizers, NoL2LossNoFindings) {
  EXPECT_TRUE(detect_regularizers(import_with([](GraphDefWriter&) {})).empty());
}

}  // namespace
}  // namespace qexp::analysis

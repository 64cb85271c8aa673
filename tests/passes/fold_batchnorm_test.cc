#include <gtest/gtest.h>

#include <cmath>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_floats;
using testing::add_ramp;
using testing::expect_dump;
using testing::expect_near_all;
using testing::floats_of;

constexpr float kEps = 0.001f;
const std::vector<float> kGamma = {2.0f, 0.5f}, kBeta = {0.1f, -0.2f}, kMean = {1.0f, -1.0f},
                         kVar = {3.0f, 0.25f};

float bn_scale(size_t c) { return kGamma[c] / std::sqrt(kVar[c] + kEps); }

/// Adds BATCH_NORM "bn" over `x` (2 channels) writing a new tensor "bn"; returns its index.
int add_bn(ir::Graph& g, int x, Shape shape) {
  int gamma = add_floats(g, "bn/gamma", Shape{2}, kGamma);
  int beta = add_floats(g, "bn/beta", Shape{2}, kBeta);
  int mean = add_floats(g, "bn/mean", Shape{2}, kMean);
  int var = add_floats(g, "bn/variance", Shape{2}, kVar);
  int y = add_act(g, "bn", std::move(shape));
  ir::BatchNormOptions o;
  o.epsilon = kEps;
  g.add_op(ir::OpType::kBatchNorm, "bn", {x, gamma, beta, mean, var}, {y}, o);
  return y;
}

/// input [1,2,2,3] → CONV_2D 1x1 (OHWI [2,1,1,3], no bias) → BATCH_NORM → output.
ir::Graph conv_bn(bool const_weights = true) {
  ir::Graph g;
  g.name = "conv_bn";
  int in = add_act(g, "input", Shape{1, 2, 2, 3});
  int w = const_weights ? add_ramp(g, "conv/weights", Shape{2, 1, 1, 3})
                        : add_act(g, "conv/weights", Shape{2, 1, 1, 3});
  int c = add_act(g, "conv", Shape{1, 2, 2, 2});
  g.add_op(ir::OpType::kConv2D, "conv", {in, w, -1}, {c}, ir::Conv2DOptions{});
  g.inputs = {in};
  if (!const_weights) g.inputs.push_back(w);
  g.outputs = {add_bn(g, c, Shape{1, 2, 2, 2})};
  return g;
}

TEST(FoldBatchNorm, FoldsIntoConvWeightsPerOutputChannelAndCreatesTheBias) {
  ir::Graph g = conv_bn();
  PassContext context;
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g, &context));
  expect_dump(g, R"(graph "conv_bn"
  inputs: %0
  outputs: %7
tensors:
  %0 "input" float32[1,2,2,3]
  %1 "conv/weights" float32[2,1,1,3] const
  %2 "conv" float32[1,2,2,2]
  %3 "bn/gamma" float32[2] const
  %4 "bn/beta" float32[2] const
  %5 "bn/mean" float32[2] const
  %6 "bn/variance" float32[2] const
  %7 "bn" float32[1,2,2,2]
  %8 "conv/bias" float32[2] const
ops:
  CONV_2D "conv" (%0, %1, %8) -> (%7) {padding=SAME stride=1x1 dilation=1x1 act=NONE}
)");
  // OHWI: output channel is axis 0, three weights each.
  std::vector<float> w;
  for (size_t i = 0; i < 6; ++i) w.push_back(0.1f * static_cast<float>(i + 1) * bn_scale(i / 3));
  expect_near_all(floats_of(g, "conv/weights"), w);
  expect_near_all(floats_of(g, "conv/bias"),
                  {kBeta[0] - kMean[0] * bn_scale(0), kBeta[1] - kMean[1] * bn_scale(1)});
  EXPECT_EQ(context.log_text(), "fold-batchnorm: folded 1 batch norm, lowered 0 to MUL + ADD\n");
}

TEST(FoldBatchNorm, DepthwiseScalesTheLastFilterAxisAndAdjustsTheExistingBias) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 3, 3, 1});
  int w = add_ramp(g, "dw/weights", Shape{1, 2, 2, 2});  // C=1, depth_multiplier=2
  int b = add_floats(g, "dw/bias", Shape{2}, {0.5f, -0.5f});
  int c = add_act(g, "dw", Shape{1, 3, 3, 2});
  ir::DepthwiseConv2DOptions o;
  o.depth_multiplier = 2;
  g.add_op(ir::OpType::kDepthwiseConv2D, "dw", {in, w, b}, {c}, o);
  g.inputs = {in};
  g.outputs = {add_bn(g, c, Shape{1, 3, 3, 2})};
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].inputs, (std::vector<int>{in, w, b}));  // rewritten in place
  std::vector<float> expected;
  for (size_t i = 0; i < 8; ++i) {
    expected.push_back(0.1f * static_cast<float>(i + 1) * bn_scale(i % 2));
  }
  expect_near_all(floats_of(g, "dw/weights"), expected);
  expect_near_all(floats_of(g, "dw/bias"), {kBeta[0] + (0.5f - kMean[0]) * bn_scale(0),
                                            kBeta[1] + (-0.5f - kMean[1]) * bn_scale(1)});
}

TEST(FoldBatchNorm, FullyConnectedScalesWeightRows) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 3});
  int w = add_ramp(g, "fc/weights", Shape{2, 3});  // [N, K]
  int c = add_act(g, "fc", Shape{1, 2});
  g.add_op(ir::OpType::kFullyConnected, "fc", {in, w, -1}, {c}, ir::FullyConnectedOptions{});
  g.inputs = {in};
  g.outputs = {add_bn(g, c, Shape{1, 2})};
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g));
  ASSERT_EQ(g.ops.size(), 1u);
  std::vector<float> expected;
  for (size_t i = 0; i < 6; ++i) {
    expected.push_back(0.1f * static_cast<float>(i + 1) * bn_scale(i / 3));
  }
  expect_near_all(floats_of(g, "fc/weights"), expected);
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.ops[0].inputs[2])].name, "fc/bias");
}

TEST(FoldBatchNorm, AfterNonConstantWeightsIsLoweredToMulAdd) {
  ir::Graph g = conv_bn(/*const_weights=*/false);
  PassContext context;
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g, &context));
  expect_dump(g, R"(graph "conv_bn"
  inputs: %0, %1
  outputs: %7
tensors:
  %0 "input" float32[1,2,2,3]
  %1 "conv/weights" float32[2,1,1,3]
  %2 "conv" float32[1,2,2,2]
  %3 "bn/gamma" float32[2] const
  %4 "bn/beta" float32[2] const
  %5 "bn/mean" float32[2] const
  %6 "bn/variance" float32[2] const
  %7 "bn" float32[1,2,2,2]
  %8 "bn/scale" float32[2] const
  %9 "bn/offset" float32[2] const
  %10 "bn/scaled" float32[1,2,2,2]
ops:
  CONV_2D "conv" (%0, %1, -) -> (%2) {padding=SAME stride=1x1 dilation=1x1 act=NONE}
  MUL "bn/mul" (%2, %8) -> (%10) {act=NONE}
  ADD "bn/add" (%10, %9) -> (%7) {act=NONE}
)");
  expect_near_all(floats_of(g, "bn/scale"), {bn_scale(0), bn_scale(1)});
  expect_near_all(floats_of(g, "bn/offset"),
                  {kBeta[0] - kMean[0] * bn_scale(0), kBeta[1] - kMean[1] * bn_scale(1)});
  EXPECT_EQ(context.log_text(), "fold-batchnorm: folded 0 batch norms, lowered 1 to MUL + ADD\n");
}

TEST(FoldBatchNorm, ConvOutputWithTwoConsumersIsLoweredNotFolded) {
  ir::Graph g = conv_bn();
  g.outputs.push_back(g.find_tensor("conv"));  // the raw conv output is also needed
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g));
  ASSERT_EQ(g.ops.size(), 3u);
  EXPECT_EQ(g.ops[1].type, ir::OpType::kMul);
  expect_near_all(floats_of(g, "conv/weights"), {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
}

TEST(FoldBatchNorm, ConvWithFusedActivationIsLoweredNotFolded) {
  ir::Graph g = conv_bn();
  g.ops[0].opts<ir::Conv2DOptions>().activation = ir::Activation::kRelu;
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g));
  ASSERT_EQ(g.ops.size(), 3u);
  EXPECT_EQ(g.ops[2].type, ir::OpType::kAdd);
}

TEST(FoldBatchNorm, SharedWeightsGetAFoldedCopyAndTheOtherUserKeepsTheOriginal) {
  ir::Graph g = conv_bn();
  int in = g.inputs[0];
  int w = g.find_tensor("conv/weights");
  int other = add_act(g, "other", Shape{1, 2, 2, 2});
  g.add_op(ir::OpType::kConv2D, "other", {in, w, -1}, {other}, ir::Conv2DOptions{});
  g.outputs.push_back(other);
  EXPECT_TRUE(testing::run_pass("fold-batchnorm", g));
  expect_near_all(floats_of(g, "conv/weights"), {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f});
  const ir::Op& conv = g.ops[static_cast<size_t>(g.find_op("conv"))];
  EXPECT_EQ(g.tensors[static_cast<size_t>(conv.inputs[1])].name, "conv/weights/bn_folded");
  EXPECT_NEAR(floats_of(g, "conv/weights/bn_folded")[0], 0.1f * bn_scale(0), 1e-6f);
}

TEST(FoldBatchNorm, NonConstantParameterIsAnErrorNamingTheOp) {
  ir::Graph g = conv_bn();
  int gamma = add_act(g, "gamma_input", Shape{2});
  g.inputs.push_back(gamma);
  g.ops[1].inputs[1] = gamma;
  EXPECT_EQ(testing::pass_error("fold-batchnorm", g),
            "op 'bn' (BATCH_NORM): gamma (input 1) 'gamma_input' is not constant float32[2]; "
            "fold-batchnorm needs a constant float32 tensor of 2 elements (run fold-constants "
            "first if it is computed from constants)");
}

TEST(FoldBatchNorm, NoBatchNormIsNoChange) {
  ir::Graph g = conv_bn();
  ASSERT_TRUE(testing::run_pass("fold-batchnorm", g));
  testing::expect_no_change("fold-batchnorm", g);
}

}  // namespace
}  // namespace qexp::passes

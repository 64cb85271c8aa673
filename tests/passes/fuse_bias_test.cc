#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_floats;
using testing::add_ramp;
using testing::expect_dump;
using testing::expect_near_all;
using testing::floats_of;

/// input [1,2,2,3] → CONV_2D (no bias) → ADD(conv, const "bias_add/bias" of `bias_shape`)
/// → output.
ir::Graph conv_add(Shape bias_shape = Shape{2}) {
  ir::Graph g;
  g.name = "conv_add";
  int in = add_act(g, "input", Shape{1, 2, 2, 3});
  int w = add_ramp(g, "conv/weights", Shape{2, 1, 1, 3});
  int c = add_act(g, "conv", Shape{1, 2, 2, 2});
  int b = add_ramp(g, "bias_add/bias", std::move(bias_shape), 1.0f);
  int y = add_act(g, "bias_add", Shape{1, 2, 2, 2});
  g.add_op(ir::OpType::kConv2D, "conv", {in, w, -1}, {c}, ir::Conv2DOptions{});
  g.add_op(ir::OpType::kAdd, "bias_add", {c, b}, {y}, ir::ElementwiseOptions{});
  g.inputs = {in};
  g.outputs = {y};
  return g;
}

TEST(FuseBias, AddOfPerChannelConstantBecomesTheConvBias) {
  ir::Graph g = conv_add();
  PassContext context;
  EXPECT_TRUE(testing::run_pass("fuse-bias", g, &context));
  expect_dump(g, R"(graph "conv_add"
  inputs: %0
  outputs: %4
tensors:
  %0 "input" float32[1,2,2,3]
  %1 "conv/weights" float32[2,1,1,3] const
  %2 "conv" float32[1,2,2,2]
  %3 "bias_add/bias" float32[2] const
  %4 "bias_add" float32[1,2,2,2]
  %5 "conv/bias" float32[2] const
ops:
  CONV_2D "conv" (%0, %1, %5) -> (%4) {padding=SAME stride=1x1 dilation=1x1 act=NONE}
)");
  expect_near_all(floats_of(g, "conv/bias"), {1.0f, 2.0f});
  EXPECT_EQ(context.log_text(), "fuse-bias: fused 1 bias add\n");
}

TEST(FuseBias, ConstantFirstAddsIntoExistingBiasAndMovesTheActivation) {
  ir::Graph g = conv_add(Shape{1, 1, 1, 2});
  int old_bias = add_floats(g, "conv/old_bias", Shape{2}, {0.25f, -0.25f});
  g.ops[0].inputs[2] = old_bias;
  std::swap(g.ops[1].inputs[0], g.ops[1].inputs[1]);  // ADD(const, conv)
  g.ops[1].opts<ir::ElementwiseOptions>().activation = ir::Activation::kRelu6;
  EXPECT_TRUE(testing::run_pass("fuse-bias", g));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].opts<ir::Conv2DOptions>().activation, ir::Activation::kRelu6);
  EXPECT_EQ(g.ops[0].inputs[2], old_bias);
  expect_near_all(floats_of(g, "conv/old_bias"), {1.25f, 1.75f});
}

TEST(FuseBias, ScalarConstantIsBroadcastToEveryChannel) {
  ir::Graph g = conv_add(Shape{1});
  EXPECT_TRUE(testing::run_pass("fuse-bias", g));
  expect_near_all(floats_of(g, "conv/bias"), {1.0f, 1.0f});
}

TEST(FuseBias, FullyConnectedTakesTheBias) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 3});
  int w = add_ramp(g, "fc/weights", Shape{2, 3});
  int c = add_act(g, "fc", Shape{1, 2});
  int b = add_floats(g, "fc/add_bias", Shape{2}, {3.0f, 4.0f});
  int y = add_act(g, "fc/add", Shape{1, 2});
  g.add_op(ir::OpType::kFullyConnected, "fc", {in, w, -1}, {c}, ir::FullyConnectedOptions{});
  g.add_op(ir::OpType::kAdd, "fc/add", {c, b}, {y}, ir::ElementwiseOptions{});
  g.inputs = {in};
  g.outputs = {y};
  EXPECT_TRUE(testing::run_pass("fuse-bias", g));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].outputs, std::vector<int>{y});
  expect_near_all(floats_of(g, "fc/bias"), {3.0f, 4.0f});
}

TEST(FuseBias, ConvOutputWithTwoConsumersIsNotFused) {
  ir::Graph g = conv_add();
  g.outputs.push_back(g.find_tensor("conv"));
  testing::expect_no_change("fuse-bias", g);
}

TEST(FuseBias, NonPerChannelConstantIsNotFused) {
  testing::expect_no_change("fuse-bias", conv_add(Shape{1, 2, 2, 2}));  // varies over H, W
  testing::expect_no_change("fuse-bias", conv_add(Shape{2, 1}));        // wrong axis
}

TEST(FuseBias, ConvWithFusedActivationIsNotFused) {
  ir::Graph g = conv_add();
  g.ops[0].opts<ir::Conv2DOptions>().activation = ir::Activation::kRelu;
  testing::expect_no_change("fuse-bias", g);
}

TEST(FuseBias, AddOfTwoActivationsIsNotFused) {
  ir::Graph g = conv_add();
  int other = add_act(g, "other", Shape{2});
  g.inputs.push_back(other);
  g.ops[1].inputs[1] = other;
  testing::expect_no_change("fuse-bias", g);
}

}  // namespace
}  // namespace qexp::passes

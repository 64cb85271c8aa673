#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_ramp;
using testing::expect_dump;

/// input [1,2,2,3] → CONV_2D → RELU6 "conv/Relu6" → output.
ir::Graph conv_relu6() {
  ir::Graph g;
  g.name = "conv_relu6";
  int in = add_act(g, "input", Shape{1, 2, 2, 3});
  int w = add_ramp(g, "conv/weights", Shape{2, 1, 1, 3});
  int b = add_ramp(g, "conv/bias", Shape{2});
  int c = add_act(g, "conv", Shape{1, 2, 2, 2});
  int r = add_act(g, "conv/Relu6", Shape{1, 2, 2, 2});
  g.add_op(ir::OpType::kConv2D, "conv", {in, w, b}, {c}, ir::Conv2DOptions{});
  g.add_op(ir::OpType::kRelu6, "conv/Relu6", {c}, {r}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {r};
  return g;
}

TEST(FuseActivation, Relu6AfterConvBecomesItsFusedActivationAndKeepsTheReluName) {
  ir::Graph g = conv_relu6();
  PassContext context;
  EXPECT_TRUE(testing::run_pass("fuse-activation", g, &context));
  expect_dump(g, R"(graph "conv_relu6"
  inputs: %0
  outputs: %4
tensors:
  %0 "input" float32[1,2,2,3]
  %1 "conv/weights" float32[2,1,1,3] const
  %2 "conv/bias" float32[2] const
  %3 "conv" float32[1,2,2,2]
  %4 "conv/Relu6" float32[1,2,2,2]
ops:
  CONV_2D "conv" (%0, %1, %2) -> (%4) {padding=SAME stride=1x1 dilation=1x1 act=RELU6}
)");
  EXPECT_EQ(context.log_text(), "fuse-activation: fused 1 activation\n");
}

/// input → `type` (with a constant or the input again as second operand) → `act` → output.
ir::Graph op_then_act(ir::OpType type, ir::OpOptions options, ir::OpType act) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 2, 2, 2});
  std::vector<int> ins = {in};
  if (type == ir::OpType::kAdd || type == ir::OpType::kSub || type == ir::OpType::kMul) {
    ins.push_back(add_ramp(g, "k", Shape{2}));
  }
  if (type == ir::OpType::kConcatenation) ins.push_back(in);
  Shape out_shape = type == ir::OpType::kConcatenation ? Shape{1, 2, 2, 4} : Shape{1, 2, 2, 2};
  int x = add_act(g, "x", out_shape);
  int y = add_act(g, "y", out_shape);
  g.add_op(type, "op", ins, {x}, std::move(options));
  g.add_op(act, "act", {x}, {y}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {y};
  return g;
}

TEST(FuseActivation, FusesIntoElementwiseAndPool) {
  struct Case {
    ir::OpType type;
    ir::OpOptions options;
    ir::OpType act;
    ir::Activation expected;
  };
  const Case cases[] = {
      {ir::OpType::kAdd, ir::ElementwiseOptions{}, ir::OpType::kRelu, ir::Activation::kRelu},
      {ir::OpType::kSub, ir::ElementwiseOptions{}, ir::OpType::kRelu6, ir::Activation::kRelu6},
      {ir::OpType::kMul, ir::ElementwiseOptions{}, ir::OpType::kReluN1To1,
       ir::Activation::kReluN1To1},
      {ir::OpType::kMaxPool2D, ir::Pool2DOptions{}, ir::OpType::kRelu, ir::Activation::kRelu},
      {ir::OpType::kAveragePool2D, ir::Pool2DOptions{}, ir::OpType::kRelu6,
       ir::Activation::kRelu6},
  };
  for (const Case& c : cases) {
    ir::Graph g = op_then_act(c.type, c.options, c.act);
    EXPECT_TRUE(testing::run_pass("fuse-activation", g)) << ir::op_type_name(c.type);
    ASSERT_EQ(g.ops.size(), 1u);
    EXPECT_EQ(*std::visit([](auto& o) -> const ir::Activation* {
      if constexpr (requires { o.activation; }) return &o.activation;
      return nullptr;
    }, g.ops[0].options), c.expected);
    EXPECT_EQ(g.ops[0].outputs, std::vector<int>{g.find_tensor("y")});
  }
}

TEST(FuseActivation, ConcatenationIsNotFusedBecauseTfliteRejectsIt) {
  ir::ConcatenationOptions concat;
  concat.axis = -1;
  ir::Graph g = op_then_act(ir::OpType::kConcatenation, concat, ir::OpType::kRelu);
  testing::expect_no_change("fuse-activation", g);
}

TEST(FuseActivation, ConvOutputWithTwoConsumersIsNotFused) {
  ir::Graph g = conv_relu6();
  int t = add_act(g, "tanh", Shape{1, 2, 2, 2});
  g.add_op(ir::OpType::kTanh, "tanh", {g.find_tensor("conv")}, {t}, ir::NoOptions{});
  g.outputs.push_back(t);
  testing::expect_no_change("fuse-activation", g);
}

TEST(FuseActivation, ConvOutputThatIsAGraphOutputIsNotFused) {
  ir::Graph g = conv_relu6();
  g.outputs.push_back(g.find_tensor("conv"));
  testing::expect_no_change("fuse-activation", g);
}

TEST(FuseActivation, OpWithAnActivationAlreadyIsNotFusedAgain) {
  ir::Graph g = conv_relu6();
  g.ops[0].opts<ir::Conv2DOptions>().activation = ir::Activation::kRelu;
  testing::expect_no_change("fuse-activation", g);
}

TEST(FuseActivation, OpsWithoutAFusedActivationAreNotFused) {
  testing::expect_no_change("fuse-activation",
                            op_then_act(ir::OpType::kSoftmax, ir::SoftmaxOptions{},
                                        ir::OpType::kRelu));
  testing::expect_no_change("fuse-activation",
                            op_then_act(ir::OpType::kTanh, ir::NoOptions{}, ir::OpType::kRelu));
}

TEST(FuseActivation, QuantizedTensorsAreNotFused) {
  ir::Graph g = conv_relu6();
  for (const char* name : {"input", "conv", "conv/Relu6"}) {
    ir::Tensor& t = g.tensors[static_cast<size_t>(g.find_tensor(name))];
    t.dtype = DType::kInt8;
    t.quant.scale = {0.1f};
    t.quant.zero_point = {0};
  }
  testing::expect_no_change("fuse-activation", g);
}

TEST(FuseActivation, NothingToFuseIsNoChange) {
  ir::Graph g = conv_relu6();
  ASSERT_TRUE(testing::run_pass("fuse-activation", g));
  testing::expect_no_change("fuse-activation", g);
}

}  // namespace
}  // namespace qexp::passes

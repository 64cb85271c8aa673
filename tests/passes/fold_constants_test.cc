#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_floats;
using testing::add_int32s;
using testing::add_ramp;
using testing::expect_dump;
using testing::expect_near_all;
using testing::floats_of;

/// RESHAPE(ADD(a [2,3], b [3]), [3,2]) is constant; MUL(input, that) is not.
ir::Graph const_subgraph() {
  ir::Graph g;
  g.name = "consts";
  int in = add_act(g, "input", Shape{3, 2});
  int a = add_ramp(g, "a", Shape{2, 3});
  int b = add_floats(g, "b", Shape{3}, {10.0f, 20.0f, 30.0f});
  int sum = add_act(g, "sum", Shape{2, 3});
  int shape = add_int32s(g, "shape", {3, 2});
  int r = add_act(g, "reshaped", Shape{3, 2});
  int out = add_act(g, "output", Shape{3, 2});
  g.add_op(ir::OpType::kAdd, "sum", {a, b}, {sum}, ir::ElementwiseOptions{});
  g.add_op(ir::OpType::kReshape, "reshaped", {sum, shape}, {r}, ir::ReshapeOptions{});
  g.add_op(ir::OpType::kMul, "output", {in, r}, {out}, ir::ElementwiseOptions{});
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

TEST(FoldConstants, FoldsAChainOfConstantOpsIntoConstants) {
  ir::Graph g = const_subgraph();
  PassContext context;
  EXPECT_TRUE(testing::run_pass("fold-constants", g, &context));
  expect_dump(g, R"(graph "consts"
  inputs: %0
  outputs: %6
tensors:
  %0 "input" float32[3,2]
  %1 "a" float32[2,3] const
  %2 "b" float32[3] const
  %3 "sum" float32[2,3] const
  %4 "shape" int32[2] const
  %5 "reshaped" float32[3,2] const
  %6 "output" float32[3,2]
ops:
  MUL "output" (%0, %5) -> (%6) {act=NONE}
)");
  expect_near_all(floats_of(g, "reshaped"), {10.1f, 20.2f, 30.3f, 10.4f, 20.5f, 30.6f});
  EXPECT_EQ(context.log_text(), "fold-constants: folded 2 constant ops\n");
}

/// One op over constants writing graph output "out" of `out_shape`.
ir::Graph single_op(ir::OpType type, std::vector<int> (*make_inputs)(ir::Graph&), Shape out_shape,
                    ir::OpOptions options, DType out_dtype = DType::kFloat32) {
  ir::Graph g;
  std::vector<int> ins = make_inputs(g);
  int out = g.add_tensor("out", out_dtype, std::move(out_shape));
  g.add_op(type, "op", ins, {out}, std::move(options));
  g.outputs = {out};
  return g;
}

TEST(FoldConstants, BroadcastsBothOperandsAndAppliesTheFusedActivation) {
  ir::ElementwiseOptions relu6;
  relu6.activation = ir::Activation::kRelu6;
  ir::Graph g = single_op(
      ir::OpType::kSub,
      [](ir::Graph& h) {
        return std::vector<int>{add_floats(h, "a", Shape{2, 1}, {1.0f, 10.0f}),
                                add_floats(h, "b", Shape{1, 3}, {-1.0f, 0.0f, 2.0f})};
      },
      Shape{2, 3}, relu6);
  EXPECT_TRUE(testing::run_pass("fold-constants", g));
  EXPECT_TRUE(g.ops.empty());
  expect_near_all(floats_of(g, "out"), {2.0f, 1.0f, 0.0f, 6.0f, 6.0f, 6.0f});
}

TEST(FoldConstants, Int32ArithmeticWraps) {
  ir::Graph g = single_op(
      ir::OpType::kMul,
      [](ir::Graph& h) {
        return std::vector<int>{add_int32s(h, "a", {3, 65536}), add_int32s(h, "b", {-2, 65536})};
      },
      Shape{2}, ir::ElementwiseOptions{}, DType::kInt32);
  EXPECT_TRUE(testing::run_pass("fold-constants", g));
  EXPECT_EQ(testing::int32s_of(g, "out"), (std::vector<int32_t>{-6, 0}));
}

TEST(FoldConstants, ConcatenatesAlongAnInnerAxis) {
  ir::ConcatenationOptions o;
  o.axis = -1;
  ir::Graph g = single_op(
      ir::OpType::kConcatenation,
      [](ir::Graph& h) {
        return std::vector<int>{add_floats(h, "a", Shape{2, 1}, {1.0f, 2.0f}),
                                add_floats(h, "b", Shape{2, 2}, {3.0f, 4.0f, 5.0f, 6.0f})};
      },
      Shape{2, 3}, o);
  EXPECT_TRUE(testing::run_pass("fold-constants", g));
  expect_near_all(floats_of(g, "out"), {1.0f, 3.0f, 4.0f, 2.0f, 5.0f, 6.0f});
}

TEST(FoldConstants, DequantizesFloat16Weights) {
  ir::Graph g = single_op(
      ir::OpType::kDequantize,
      [](ir::Graph& h) {
        std::vector<uint16_t> halves = {float_to_half(1.5f), float_to_half(-0.25f)};
        std::vector<uint8_t> bytes(4);
        std::memcpy(bytes.data(), halves.data(), 4);
        return std::vector<int>{h.add_const("w_fp16", DType::kFloat16, Shape{2}, bytes)};
      },
      Shape{2}, ir::NoOptions{});
  EXPECT_TRUE(testing::run_pass("fold-constants", g));
  expect_near_all(floats_of(g, "out"), {1.5f, -0.25f});
}

TEST(FoldConstants, UnaryActivationsOfConstants) {
  ir::Graph g = single_op(
      ir::OpType::kLogistic,
      [](ir::Graph& h) { return std::vector<int>{add_floats(h, "a", Shape{1}, {0.0f})}; },
      Shape{1}, ir::NoOptions{});
  EXPECT_TRUE(testing::run_pass("fold-constants", g));
  expect_near_all(floats_of(g, "out"), {0.5f});
}

TEST(FoldConstants, LeavesAGrowingBroadcastAboveTheLimitAndSaysSo) {
  ir::Graph g = single_op(
      ir::OpType::kAdd,
      [](ir::Graph& h) {
        return std::vector<int>{add_ramp(h, "a", Shape{2, 1}), add_ramp(h, "b", Shape{1, 3})};
      },
      Shape{2, 3}, ir::ElementwiseOptions{});
  PassContext context;
  context.mutable_options().max_folded_elements = 4;
  EXPECT_FALSE(testing::run_pass("fold-constants", g, &context));
  EXPECT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(context.log_text(),
            "fold-constants: left 1 op unfolded: result above max_folded_elements = 4\n");
}

TEST(FoldConstants, QuantizedConstantsAreLeftAlone) {
  ir::Graph g = const_subgraph();
  ir::Tensor& a = g.tensors[static_cast<size_t>(g.find_tensor("a"))];
  a.quant.scale = {0.5f};
  a.quant.zero_point = {0};
  std::string before = ir::dump(g);
  EXPECT_FALSE(testing::run_pass("fold-constants", g));
  EXPECT_EQ(ir::dump(g), before);
}

TEST(FoldConstants, NothingConstantIsNoChange) {
  ir::Graph g = const_subgraph();
  ASSERT_TRUE(testing::run_pass("fold-constants", g));
  testing::expect_no_change("fold-constants", g);
}

}  // namespace
}  // namespace qexp::passes

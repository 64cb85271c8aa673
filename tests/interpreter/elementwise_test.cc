// ADD / SUB / MUL with broadcasting, and the standalone activation ops.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_float_const;
using testing::add_op;
using testing::run_one_input;

ir::ElementwiseOptions act(ir::Activation a) {
  ir::ElementwiseOptions o;
  o.activation = a;
  return o;
}

// Runs `type` on x (graph input) and a constant y.
testing::FloatOutput binary(ir::OpType type, Shape x_shape, std::vector<float> x, Shape y_shape,
                            std::vector<float> y, ir::Activation a = ir::Activation::kNone) {
  return run_one_input(std::move(x_shape), x, [&](ir::Graph& g, int in) {
    int c = add_float_const(g, "y", y_shape, y);
    return add_op(g, type, "op", {in, c}, act(a));
  });
}

TEST(AddFloat, SameShapesAddElementwise) {
  auto out = binary(ir::OpType::kAdd, Shape{2, 2}, {1, 2, 3, 4}, Shape{2, 2}, {10, 20, 30, 40});
  EXPECT_EQ(out.values, (std::vector<float>{11, 22, 33, 44}));
}

TEST(AddFloat, BroadcastsAColumnAgainstARow) {
  auto out = binary(ir::OpType::kAdd, Shape{2, 1}, {10, 20}, Shape{1, 3}, {1, 2, 3});
  EXPECT_EQ(out.shape, (Shape{2, 3}));
  EXPECT_EQ(out.values, (std::vector<float>{11, 12, 13, 21, 22, 23}));
}

TEST(AddFloat, BroadcastsALowerRankOperandOverLeadingAxes) {
  auto out = binary(ir::OpType::kAdd, Shape{2, 2, 3}, {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3},
                    Shape{3}, {10, 20, 30});
  EXPECT_EQ(out.values,
            (std::vector<float>{10, 20, 30, 11, 21, 31, 12, 22, 32, 13, 23, 33}));
}

TEST(AddFloat, BroadcastsAtRank6) {
  // x [2,1,1,1,1,3], y [1,2,1,1,1,1] → [2,2,1,1,1,3]; out[a,b,...,c] = x[a,c] + y[b].
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  auto out = binary(ir::OpType::kAdd, Shape{2, 1, 1, 1, 1, 3}, x, Shape{1, 2, 1, 1, 1, 1},
                    {100, 200});
  EXPECT_EQ(out.shape, (Shape{2, 2, 1, 1, 1, 3}));
  std::vector<float> want;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c) {
        want.push_back(x[static_cast<size_t>(a * 3 + c)] + 100.0f * static_cast<float>(b + 1));
      }
  EXPECT_EQ(out.values, want);
}

TEST(AddFloat, FusedReluClampsTheSum) {
  auto out = binary(ir::OpType::kAdd, Shape{3}, {-5, 1, 2}, Shape{1}, {1},
                    ir::Activation::kRelu);
  EXPECT_EQ(out.values, (std::vector<float>{0, 2, 3}));
}

TEST(SubFloat, SubtractsSecondFromFirstWithBroadcastFirstOperand) {
  auto out = binary(ir::OpType::kSub, Shape{1}, {10}, Shape{3}, {1, 2, 3});
  EXPECT_EQ(out.values, (std::vector<float>{9, 8, 7}));
}

TEST(MulFloat, MultipliesWithScalarOperandAndFusedRelu6) {
  auto out = binary(ir::OpType::kMul, Shape{4}, {-1, 1, 2, 3}, Shape{}, {3},
                    ir::Activation::kRelu6);
  EXPECT_EQ(out.values, (std::vector<float>{0, 3, 6, 6}));
}

testing::FloatOutput unary(ir::OpType type, std::vector<float> x) {
  const int64_t n = static_cast<int64_t>(x.size());
  return run_one_input(Shape{n}, x, [type](ir::Graph& g, int in) {
    return add_op(g, type, "act", {in}, ir::NoOptions{});
  });
}

TEST(ReluFloat, ZeroesNegativesAndPassesInfinity) {
  const float inf = std::numeric_limits<float>::infinity();
  auto out = unary(ir::OpType::kRelu, {-1, 0, 2, inf});
  EXPECT_EQ(out.values, (std::vector<float>{0, 0, 2, inf}));
}

TEST(ReluFloat, PropagatesNan) {
  auto out = unary(ir::OpType::kRelu, {std::nanf("")});
  EXPECT_TRUE(std::isnan(out.values[0]));
}

TEST(Relu6Float, ClampsToZeroSix) {
  auto out = unary(ir::OpType::kRelu6, {-1, 3, 7});
  EXPECT_EQ(out.values, (std::vector<float>{0, 3, 6}));
}

TEST(ReluN1To1Float, ClampsToMinusOneOne) {
  auto out = unary(ir::OpType::kReluN1To1, {-2, -0.5f, 2});
  EXPECT_EQ(out.values, (std::vector<float>{-1, -0.5f, 1}));
}

TEST(LogisticFloat, MatchesSigmoidWithTfliteCutoffs) {
  auto out = unary(ir::OpType::kLogistic, {0, 2, -2, 20, -10});
  EXPECT_FLOAT_EQ(out.values[0], 0.5f);
  EXPECT_FLOAT_EQ(out.values[1], 1.0f / (1.0f + std::exp(-2.0f)));
  EXPECT_FLOAT_EQ(out.values[2], 1.0f / (1.0f + std::exp(2.0f)));
  EXPECT_EQ(out.values[3], 1.0f);                 // above the upper cut-off: exactly 1
  EXPECT_EQ(out.values[4], std::exp(-10.0f));     // below the lower cut-off: e^x
}

TEST(TanhFloat, MatchesStdTanh) {
  auto out = unary(ir::OpType::kTanh, {0, 1, -3});
  EXPECT_EQ(out.values, (std::vector<float>{0, std::tanh(1.0f), std::tanh(-3.0f)}));
}

}  // namespace
}  // namespace qexp::interp

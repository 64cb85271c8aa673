// AVERAGE_POOL_2D and MAX_POOL_2D float.

#include <gtest/gtest.h>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_op;
using testing::run_one_input;

ir::Pool2DOptions pool_options(ir::Padding padding, int filter, int stride,
                               ir::Activation act = ir::Activation::kNone) {
  ir::Pool2DOptions o;
  o.padding = padding;
  o.filter_h = o.filter_w = filter;
  o.stride_h = o.stride_w = stride;
  o.activation = act;
  return o;
}

const std::vector<float> k3x3 = {1, 2, 3, 4, 5, 6, 7, 8, 9};

// 2x2 windows, stride 1, SAME on 3x3: one padding row/column, after. Border windows hold 2 or
// 1 input values and are divided by that count, not by 4.
TEST(AveragePool2DFloat, SamePaddingDividesByInBoundsCount) {
  auto out = run_one_input(Shape{1, 3, 3, 1}, k3x3, [](ir::Graph& g, int x) {
    return add_op(g, ir::OpType::kAveragePool2D, "pool", {x},
                  pool_options(ir::Padding::kSame, 2, 1));
  });
  EXPECT_EQ(out.shape, (Shape{1, 3, 3, 1}));
  EXPECT_EQ(out.values, (std::vector<float>{3, 4, 4.5f, 6, 7, 7.5f, 7.5f, 8.5f, 9}));
}

// 3x3 windows, SAME: padding 1 on each side; the corner window holds 4 values.
TEST(AveragePool2DFloat, SamePaddingWithLeadingPaddingCountsCornersAsFour) {
  auto out = run_one_input(Shape{1, 3, 3, 1}, k3x3, [](ir::Graph& g, int x) {
    return add_op(g, ir::OpType::kAveragePool2D, "pool", {x},
                  pool_options(ir::Padding::kSame, 3, 1));
  });
  EXPECT_EQ(out.values, (std::vector<float>{3, 3.5f, 4, 4.5f, 5, 5.5f, 6, 6.5f, 7}));
}

TEST(AveragePool2DFloat, ValidStride2AveragesEachChannelSeparately) {
  // 2x2 input with 2 channels: channel 0 = 1,2,3,4; channel 1 = 10,20,30,40.
  auto out = run_one_input(Shape{1, 2, 2, 2}, {1, 10, 2, 20, 3, 30, 4, 40},
                           [](ir::Graph& g, int x) {
                             return add_op(g, ir::OpType::kAveragePool2D, "pool", {x},
                                           pool_options(ir::Padding::kValid, 2, 2));
                           });
  EXPECT_EQ(out.values, (std::vector<float>{2.5f, 25}));
}

TEST(MaxPool2DFloat, ValidStride2TakesWindowMaxima) {
  std::vector<float> in(16);
  for (int i = 0; i < 16; ++i) in[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  auto out = run_one_input(Shape{1, 4, 4, 1}, in, [](ir::Graph& g, int x) {
    return add_op(g, ir::OpType::kMaxPool2D, "pool", {x}, pool_options(ir::Padding::kValid, 2, 2));
  });
  EXPECT_EQ(out.values, (std::vector<float>{6, 8, 14, 16}));
}

// All inputs negative: padding must not act as a zero that wins the max.
TEST(MaxPool2DFloat, SamePaddingIgnoresPaddedPositions) {
  auto out = run_one_input(Shape{1, 3, 3, 1}, {-1, -2, -3, -4, -5, -6, -7, -8, -9},
                           [](ir::Graph& g, int x) {
                             return add_op(g, ir::OpType::kMaxPool2D, "pool", {x},
                                           pool_options(ir::Padding::kSame, 2, 2));
                           });
  EXPECT_EQ(out.values, (std::vector<float>{-1, -3, -7, -9}));
}

TEST(MaxPool2DFloat, FusedReluN1To1Clamps) {
  auto out = run_one_input(Shape{1, 1, 3, 1}, {-5, 0.5f, 5}, [](ir::Graph& g, int x) {
    return add_op(g, ir::OpType::kMaxPool2D, "pool", {x},
                  pool_options(ir::Padding::kValid, 1, 1, ir::Activation::kReluN1To1));
  });
  EXPECT_EQ(out.values, (std::vector<float>{-1, 0.5f, 1}));
}

}  // namespace
}  // namespace qexp::interp

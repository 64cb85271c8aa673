// RESHAPE, SQUEEZE, IDENTITY, CONCATENATION and PAD.

#include <gtest/gtest.h>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_float_const;
using testing::add_int32_const;
using testing::add_op;
using testing::run_one_input;

const std::vector<float> k6 = {1, 2, 3, 4, 5, 6};

TEST(ReshapeFloat, KeepsTheBytesUnderTheTargetShape) {
  auto out = run_one_input(Shape{2, 3}, k6, [](ir::Graph& g, int x) {
    int s = add_int32_const(g, "shape", Shape{2}, {3, -1});
    return add_op(g, ir::OpType::kReshape, "reshape", {x, s}, ir::ReshapeOptions{});
  });
  EXPECT_EQ(out.shape, (Shape{3, 2}));
  EXPECT_EQ(out.values, k6);
}

TEST(ReshapeFloat, UsesNewShapeOptionWithoutShapeInput) {
  auto out = run_one_input(Shape{2, 3}, k6, [](ir::Graph& g, int x) {
    ir::ReshapeOptions o;
    o.new_shape = {6};
    return add_op(g, ir::OpType::kReshape, "reshape", {x}, o);
  });
  EXPECT_EQ(out.shape, (Shape{6}));
  EXPECT_EQ(out.values, k6);
}

TEST(SqueezeFloat, DropsUnitDimensions) {
  auto out = run_one_input(Shape{1, 2, 1, 3}, k6, [](ir::Graph& g, int x) {
    return add_op(g, ir::OpType::kSqueeze, "squeeze", {x}, ir::SqueezeOptions{});
  });
  EXPECT_EQ(out.shape, (Shape{2, 3}));
  EXPECT_EQ(out.values, k6);
}

TEST(IdentityFloat, CopiesItsInput) {
  auto out = run_one_input(Shape{6}, k6, [](ir::Graph& g, int x) {
    return add_op(g, ir::OpType::kIdentity, "id", {x}, ir::NoOptions{});
  });
  EXPECT_EQ(out.values, k6);
}

testing::FloatOutput concat(int axis, Shape x_shape, std::vector<float> x, Shape y_shape,
                            std::vector<float> y, ir::Activation a = ir::Activation::kNone) {
  return run_one_input(std::move(x_shape), x, [&](ir::Graph& g, int in) {
    int c = add_float_const(g, "y", y_shape, y);
    ir::ConcatenationOptions o;
    o.axis = axis;
    o.activation = a;
    return add_op(g, ir::OpType::kConcatenation, "concat", {in, c}, o);
  });
}

TEST(ConcatenationFloat, AxisZeroAppendsRows) {
  auto out = concat(0, Shape{1, 2}, {1, 2}, Shape{2, 2}, {3, 4, 5, 6});
  EXPECT_EQ(out.shape, (Shape{3, 2}));
  EXPECT_EQ(out.values, k6);
}

TEST(ConcatenationFloat, InnerAxisInterleavesRows) {
  auto out = concat(1, Shape{2, 1}, {1, 4}, Shape{2, 2}, {2, 3, 5, 6});
  EXPECT_EQ(out.shape, (Shape{2, 3}));
  EXPECT_EQ(out.values, k6);
}

TEST(ConcatenationFloat, NegativeAxisCountsFromTheEnd) {
  auto out = concat(-1, Shape{2, 1}, {1, 4}, Shape{2, 2}, {2, 3, 5, 6});
  EXPECT_EQ(out.values, k6);
}

TEST(ConcatenationFloat, ConcatenatesThreeInputsOnTheChannelAxis) {
  auto out = run_one_input(Shape{1, 1, 2, 1}, {1, 4}, [](ir::Graph& g, int x) {
    int b = add_float_const(g, "b", Shape{1, 1, 2, 1}, {2, 5});
    int c = add_float_const(g, "c", Shape{1, 1, 2, 1}, {3, 6});
    ir::ConcatenationOptions o;
    o.axis = 3;
    return add_op(g, ir::OpType::kConcatenation, "concat", {x, b, c}, o);
  });
  EXPECT_EQ(out.shape, (Shape{1, 1, 2, 3}));
  EXPECT_EQ(out.values, k6);
}

// qexp's fuse-activation pass may fuse a RELU into a concatenation; the clamp is applied.
TEST(ConcatenationFloat, AppliesAFusedActivation) {
  auto out = concat(0, Shape{2}, {-1, 2}, Shape{1}, {7}, ir::Activation::kRelu6);
  EXPECT_EQ(out.values, (std::vector<float>{0, 2, 6}));
}

TEST(PadFloat, PadsWithZerosBeforeAndAfterEachAxis) {
  auto out = run_one_input(Shape{2, 2}, {1, 2, 3, 4}, [](ir::Graph& g, int x) {
    int p = add_int32_const(g, "paddings", Shape{2, 2}, {1, 0, 0, 2});
    return add_op(g, ir::OpType::kPad, "pad", {x, p}, ir::NoOptions{});
  });
  EXPECT_EQ(out.shape, (Shape{3, 4}));
  EXPECT_EQ(out.values, (std::vector<float>{0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0}));
}

TEST(PadFloat, PadsSpatialAxesOfAnNhwcTensor) {
  auto out = run_one_input(Shape{1, 1, 1, 2}, {7, 8}, [](ir::Graph& g, int x) {
    int p = add_int32_const(g, "paddings", Shape{4, 2}, {0, 0, 1, 1, 0, 1, 0, 0});
    return add_op(g, ir::OpType::kPad, "pad", {x, p}, ir::NoOptions{});
  });
  EXPECT_EQ(out.shape, (Shape{1, 3, 2, 2}));
  EXPECT_EQ(out.values, (std::vector<float>{0, 0, 0, 0, 7, 8, 0, 0, 0, 0, 0, 0}));
}

}  // namespace
}  // namespace qexp::interp

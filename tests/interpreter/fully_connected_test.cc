// FULLY_CONNECTED and MATMUL float.

#include <gtest/gtest.h>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_float_const;
using testing::add_op;
using testing::run_one_input;

ir::FullyConnectedOptions fc_options(bool keep_num_dims = false,
                                     ir::Activation act = ir::Activation::kNone) {
  ir::FullyConnectedOptions o;
  o.keep_num_dims = keep_num_dims;
  o.activation = act;
  return o;
}

// W = [[1,0,-1],[2,1,0]], b = [0.5,-1]: row [1,2,3] → [-1.5, 3], row [4,5,6] → [-1.5, 12].
int add_fc(ir::Graph& g, int x, ir::FullyConnectedOptions o, bool bias = true) {
  int w = add_float_const(g, "w", Shape{2, 3}, {1, 0, -1, 2, 1, 0});
  int b = bias ? add_float_const(g, "b", Shape{2}, {0.5f, -1}) : -1;
  return add_op(g, ir::OpType::kFullyConnected, "fc", {x, w, b}, o);
}

TEST(FullyConnectedFloat, WeightsAreUnitsByDepthAndBiasIsPerUnit) {
  auto out = run_one_input(Shape{2, 3}, {1, 2, 3, 4, 5, 6},
                           [](ir::Graph& g, int x) { return add_fc(g, x, fc_options()); });
  EXPECT_EQ(out.shape, (Shape{2, 2}));
  EXPECT_EQ(out.values, (std::vector<float>{-1.5f, 3, -1.5f, 12}));
}

TEST(FullyConnectedFloat, WithoutBiasSumsOnly) {
  auto out = run_one_input(Shape{1, 3}, {1, 2, 3},
                           [](ir::Graph& g, int x) { return add_fc(g, x, fc_options(), false); });
  EXPECT_EQ(out.values, (std::vector<float>{-2, 4}));
}

TEST(FullyConnectedFloat, HigherRankInputIsFlattenedIntoBatchesOfDepth) {
  auto out = run_one_input(Shape{1, 2, 3}, {1, 2, 3, 4, 5, 6},
                           [](ir::Graph& g, int x) { return add_fc(g, x, fc_options()); });
  EXPECT_EQ(out.shape, (Shape{2, 2}));
  EXPECT_EQ(out.values, (std::vector<float>{-1.5f, 3, -1.5f, 12}));
}

TEST(FullyConnectedFloat, KeepNumDimsKeepsLeadingDimensions) {
  auto out = run_one_input(Shape{1, 2, 3}, {1, 2, 3, 4, 5, 6},
                           [](ir::Graph& g, int x) { return add_fc(g, x, fc_options(true)); });
  EXPECT_EQ(out.shape, (Shape{1, 2, 2}));
  EXPECT_EQ(out.values, (std::vector<float>{-1.5f, 3, -1.5f, 12}));
}

TEST(FullyConnectedFloat, FusedReluClampsNegatives) {
  auto out = run_one_input(Shape{2, 3}, {1, 2, 3, 4, 5, 6}, [](ir::Graph& g, int x) {
    return add_fc(g, x, fc_options(false, ir::Activation::kRelu));
  });
  EXPECT_EQ(out.values, (std::vector<float>{0, 3, 0, 12}));
}

TEST(FullyConnectedFloat, RejectsFusedTanhLikeTflite) {
  ir::Graph g;
  int x = g.add_tensor("x", DType::kFloat32, Shape{1, 3});
  g.inputs = {x};
  g.outputs = {add_fc(g, x, fc_options(false, ir::Activation::kTanh))};
  EXPECT_EQ(testing::create_error(g),
            "op 'fc' (FULLY_CONNECTED): fused activation TANH is not supported");
}

// A = [[1,2,3],[4,5,6]] (2x3), B = [[1,0],[0,1],[1,1]] (3x2): A·B = [[4,5],[10,11]].
TEST(MatMulFloat, MultipliesRowsByColumns) {
  auto out = run_one_input(Shape{2, 3}, {1, 2, 3, 4, 5, 6}, [](ir::Graph& g, int x) {
    int b = add_float_const(g, "b", Shape{3, 2}, {1, 0, 0, 1, 1, 1});
    return add_op(g, ir::OpType::kMatMul, "mm", {x, b}, ir::MatMulOptions{});
  });
  EXPECT_EQ(out.shape, (Shape{2, 2}));
  EXPECT_EQ(out.values, (std::vector<float>{4, 5, 10, 11}));
}

TEST(MatMulFloat, TransposeFlagsTransposeTheStoredOperands) {
  // a is stored as Aᵀ (3x2), b as Bᵀ (2x3): same product as above.
  auto out = run_one_input(Shape{3, 2}, {1, 4, 2, 5, 3, 6}, [](ir::Graph& g, int x) {
    int b = add_float_const(g, "b", Shape{2, 3}, {1, 0, 1, 0, 1, 1});
    ir::MatMulOptions o;
    o.transpose_a = o.transpose_b = true;
    return add_op(g, ir::OpType::kMatMul, "mm", {x, b}, o);
  });
  EXPECT_EQ(out.values, (std::vector<float>{4, 5, 10, 11}));
}

}  // namespace
}  // namespace qexp::interp

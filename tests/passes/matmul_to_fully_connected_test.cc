#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_ramp;
using testing::expect_dump;
using testing::expect_near_all;
using testing::floats_of;

/// input [2,3] x B → output [2,4]; B is [3,4] (or [4,3] with transpose_b), const or an input.
ir::Graph matmul(bool transpose_b, bool const_b = true) {
  ir::Graph g;
  g.name = "matmul";
  int in = add_act(g, "input", Shape{2, 3});
  Shape b_shape = transpose_b ? Shape{4, 3} : Shape{3, 4};
  int b = const_b ? add_ramp(g, "dense/kernel", b_shape) : add_act(g, "dense/kernel", b_shape);
  int out = add_act(g, "dense/MatMul", Shape{2, 4});
  ir::MatMulOptions o;
  o.transpose_b = transpose_b;
  g.add_op(ir::OpType::kMatMul, "dense/MatMul", {in, b}, {out}, o);
  g.inputs = {in};
  if (!const_b) g.inputs.push_back(b);
  g.outputs = {out};
  return g;
}

TEST(MatMulToFullyConnected, TransposesConstantBIntoNByKWeights) {
  ir::Graph g = matmul(/*transpose_b=*/false);
  PassContext context;
  EXPECT_TRUE(testing::run_pass("matmul-to-fully-connected", g, &context));
  expect_dump(g, R"(graph "matmul"
  inputs: %0
  outputs: %2
tensors:
  %0 "input" float32[2,3]
  %1 "dense/kernel" float32[4,3] const
  %2 "dense/MatMul" float32[2,4]
ops:
  FULLY_CONNECTED "dense/MatMul" (%0, %1, -) -> (%2) {act=NONE}
)");
  // B[k][n] = 0.1 * (4k + n + 1); W[n][k] = B[k][n].
  expect_near_all(floats_of(g, "dense/kernel"), {0.1f, 0.5f, 0.9f, 0.2f, 0.6f, 1.0f,  //
                                                 0.3f, 0.7f, 1.1f, 0.4f, 0.8f, 1.2f});
  EXPECT_EQ(context.log_text(),
            "matmul-to-fully-connected: converted 1 matmul to FULLY_CONNECTED\n");
}

TEST(MatMulToFullyConnected, TransposedBIsUsedAsIs) {
  ir::Graph g = matmul(/*transpose_b=*/true);
  const auto* before = g.tensors[1].data.get();
  EXPECT_TRUE(testing::run_pass("matmul-to-fully-connected", g));
  EXPECT_EQ(g.ops[0].type, ir::OpType::kFullyConnected);
  EXPECT_EQ(g.tensors[1].data.get(), before);
  EXPECT_EQ(g.tensors[1].shape, (Shape{4, 3}));
}

TEST(MatMulToFullyConnected, SharedBGetsATransposedCopy) {
  ir::Graph g = matmul(/*transpose_b=*/false);
  g.outputs.push_back(1);  // odd, but B is now read by someone else too
  EXPECT_TRUE(testing::run_pass("matmul-to-fully-connected", g));
  EXPECT_EQ(g.tensors[1].shape, (Shape{3, 4}));
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.ops[0].inputs[1])].name, "dense/kernel/transposed");
}

TEST(MatMulToFullyConnected, NonConstantBIsAnErrorNamingTheOp) {
  ir::Graph g = matmul(/*transpose_b=*/false, /*const_b=*/false);
  EXPECT_EQ(testing::pass_error("matmul-to-fully-connected", g),
            "op 'dense/MatMul' (MATMUL): B 'dense/kernel' is not constant float32; "
            "FULLY_CONNECTED needs constant float32 weights (qexp has no BATCH_MATMUL)");
}

TEST(MatMulToFullyConnected, TransposeAIsAnErrorNamingTheOp) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{3, 2});
  int b = add_ramp(g, "b", Shape{3, 4});
  int out = add_act(g, "mm", Shape{2, 4});
  ir::MatMulOptions o;
  o.transpose_a = true;
  g.add_op(ir::OpType::kMatMul, "mm", {in, b}, {out}, o);
  g.inputs = {in};
  g.outputs = {out};
  EXPECT_EQ(testing::pass_error("matmul-to-fully-connected", g),
            "op 'mm' (MATMUL): transpose_a=true is not supported; FULLY_CONNECTED reads its "
            "input as [M,K] and qexp has no TRANSPOSE op");
}

TEST(MatMulToFullyConnected, NoMatMulIsNoChange) {
  ir::Graph g = matmul(false);
  ASSERT_TRUE(testing::run_pass("matmul-to-fully-connected", g));
  testing::expect_no_change("matmul-to-fully-connected", g);
}

}  // namespace
}  // namespace qexp::passes

#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_int32s;
using testing::expect_dump;

/// input [1,7,5,8] → MEAN(axes) → output.
ir::Graph global_mean(std::vector<int32_t> axes, bool keep_dims, Shape out_shape) {
  ir::Graph g;
  g.name = "mean";
  int in = add_act(g, "input", Shape{1, 7, 5, 8});
  int a = add_int32s(g, "pool/axes", std::move(axes));
  int out = add_act(g, "pool", std::move(out_shape));
  ir::ReducerOptions o;
  o.keep_dims = keep_dims;
  g.add_op(ir::OpType::kMean, "pool", {in, a}, {out}, o);
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

TEST(MeanToAveragePool, MeanOverHeightAndWidthBecomesPoolPlusReshape) {
  ir::Graph g = global_mean({1, 2}, false, Shape{1, 8});
  PassContext context;
  EXPECT_TRUE(testing::run_pass("mean-to-average-pool", g, &context));
  expect_dump(g, R"(graph "mean"
  inputs: %0
  outputs: %2
tensors:
  %0 "input" float32[1,7,5,8]
  %1 "pool/axes" int32[2] const
  %2 "pool" float32[1,8]
  %3 "pool/pooled" float32[1,1,1,8]
  %4 "pool/shape" int32[2] const
ops:
  AVERAGE_POOL_2D "pool" (%0) -> (%3) {padding=VALID filter=7x5 stride=1x1 act=NONE}
  RESHAPE "pool/reshape" (%3, %4) -> (%2)
)");
  EXPECT_EQ(testing::int32s_of(g, "pool/shape"), (std::vector<int32_t>{1, 8}));
  EXPECT_EQ(context.log_text(), "mean-to-average-pool: converted 1 mean to AVERAGE_POOL_2D\n");
}

TEST(MeanToAveragePool, KeepDimsNeedsNoReshapeAndNegativeAxesCount) {
  ir::Graph g = global_mean({-2, -3}, true, Shape{1, 1, 1, 8});
  EXPECT_TRUE(testing::run_pass("mean-to-average-pool", g));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].type, ir::OpType::kAveragePool2D);
  EXPECT_EQ(g.ops[0].outputs, g.outputs);
}

TEST(MeanToAveragePool, OtherReductionsAreLeftAlone) {
  testing::expect_no_change("mean-to-average-pool", global_mean({1}, false, Shape{1, 5, 8}));
  testing::expect_no_change("mean-to-average-pool", global_mean({1, 2, 3}, false, Shape{1}));
  testing::expect_no_change("mean-to-average-pool",
                            global_mean({0, 1, 2}, false, Shape{8}));
}

TEST(MeanToAveragePool, NonRank4InputIsLeftAlone) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{7, 5, 8});
  int a = add_int32s(g, "axes", {1, 2});
  int out = add_act(g, "mean", Shape{7});
  g.add_op(ir::OpType::kMean, "mean", {in, a}, {out}, ir::ReducerOptions{});
  g.inputs = {in};
  g.outputs = {out};
  testing::expect_no_change("mean-to-average-pool", g);
}

}  // namespace
}  // namespace qexp::passes

#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_ramp;
using testing::expect_dump;

/// input → RELU → output, plus a dead branch input → MUL(w) → TANH and an unused constant.
ir::Graph with_dead_branch() {
  ir::Graph g;
  g.name = "dead";
  int in = add_act(g, "input", Shape{1, 2});
  int unused = add_ramp(g, "unused", Shape{2});
  (void)unused;
  int w = add_ramp(g, "w", Shape{2});
  int m = add_act(g, "mul", Shape{1, 2});
  int t = add_act(g, "tanh", Shape{1, 2});
  int out = add_act(g, "output", Shape{1, 2});
  g.add_op(ir::OpType::kMul, "mul", {in, w}, {m}, ir::ElementwiseOptions{});
  g.add_op(ir::OpType::kRelu, "output", {in}, {out}, ir::NoOptions{});
  g.add_op(ir::OpType::kTanh, "tanh", {m}, {t}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

TEST(EliminateDeadCode, RemovesOpsNotReachingAnOutputThenUnusedTensors) {
  ir::Graph g = with_dead_branch();
  PassContext context;
  EXPECT_TRUE(testing::run_pass("eliminate-dead-code", g, &context));
  expect_dump(g, R"(graph "dead"
  inputs: %0
  outputs: %1
tensors:
  %0 "input" float32[1,2]
  %1 "output" float32[1,2]
ops:
  RELU "output" (%0) -> (%1)
)");
  EXPECT_EQ(context.log_text(), "eliminate-dead-code: removed 2 dead ops and 4 unused tensors\n");
}

TEST(EliminateDeadCode, KeepsUnusedGraphInputs) {
  ir::Graph g = with_dead_branch();
  int extra = add_act(g, "extra_input", Shape{5});
  g.inputs.push_back(extra);
  EXPECT_TRUE(testing::run_pass("eliminate-dead-code", g));
  EXPECT_EQ(g.inputs.size(), 2u);
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.inputs[1])].name, "extra_input");
}

TEST(EliminateDeadCode, LiveGraphIsNoChange) {
  ir::Graph g = with_dead_branch();
  ASSERT_TRUE(testing::run_pass("eliminate-dead-code", g));
  testing::expect_no_change("eliminate-dead-code", g);
}

}  // namespace
}  // namespace qexp::passes

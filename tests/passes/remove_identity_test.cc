#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::expect_dump;

/// input → IDENTITY "id" → RELU "relu" → IDENTITY "output" (graph output), as a TF graph has.
ir::Graph identity_chain() {
  ir::Graph g;
  g.name = "identity_chain";
  int in = add_act(g, "input", Shape{1, 4});
  int a = add_act(g, "id", Shape{1, 4});
  int r = add_act(g, "relu", Shape{1, 4});
  int out = add_act(g, "output", Shape{1, 4});
  g.add_op(ir::OpType::kIdentity, "id", {in}, {a}, ir::NoOptions{});
  g.add_op(ir::OpType::kRelu, "relu", {a}, {r}, ir::NoOptions{});
  g.add_op(ir::OpType::kIdentity, "output", {r}, {out}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

TEST(RemoveIdentity, BypassesIdentitiesAndKeepsTheGraphOutputName) {
  ir::Graph g = identity_chain();
  PassContext context;
  EXPECT_TRUE(testing::run_pass("remove-identity", g, &context));
  // RELU now reads the input and writes the tensor named "output" directly.
  expect_dump(g, R"(graph "identity_chain"
  inputs: %0
  outputs: %3
tensors:
  %0 "input" float32[1,4]
  %1 "id" float32[1,4]
  %2 "relu" float32[1,4]
  %3 "output" float32[1,4]
ops:
  RELU "relu" (%0) -> (%3)
)");
  EXPECT_EQ(context.log_text(), "remove-identity: removed 2 identity ops\n");
}

TEST(RemoveIdentity, IdentityOfTheGraphInputAsOutputForwardsTheInput) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{3});
  int out = add_act(g, "output", Shape{3});
  g.add_op(ir::OpType::kIdentity, "output", {in}, {out}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {out};
  EXPECT_TRUE(testing::run_pass("remove-identity", g));
  EXPECT_TRUE(g.ops.empty());
  EXPECT_EQ(g.outputs, std::vector<int>{in});
}

TEST(RemoveIdentity, IdentityOfAnotherGraphOutputReadsThatOutput) {
  // outputs: relu and Identity(relu). relu keeps its name; both outputs are the same tensor.
  ir::Graph g = identity_chain();
  g.outputs = {g.find_tensor("relu"), g.find_tensor("output")};
  EXPECT_TRUE(testing::run_pass("remove-identity", g));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.outputs, (std::vector<int>{2, 2}));
  EXPECT_EQ(g.ops[0].outputs, std::vector<int>{2});
}

TEST(RemoveIdentity, NoIdentityIsNoChange) {
  ir::Graph g = identity_chain();
  ASSERT_TRUE(testing::run_pass("remove-identity", g));
  testing::expect_no_change("remove-identity", g);
}

}  // namespace
}  // namespace qexp::passes

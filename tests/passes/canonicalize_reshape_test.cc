#include <gtest/gtest.h>

#include "tests/passes/pass_test_util.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_int32s;
using testing::expect_dump;
using testing::int32s_of;

TEST(CanonicalizeReshape, SqueezeBecomesReshapeWithAConstantShape) {
  ir::Graph g;
  g.name = "squeeze";
  int in = add_act(g, "input", Shape{1, 1, 1, 8});
  int out = add_act(g, "logits", Shape{1, 8});
  ir::SqueezeOptions o;
  o.squeeze_dims = {1, 2};
  g.add_op(ir::OpType::kSqueeze, "logits", {in}, {out}, o);
  g.inputs = {in};
  g.outputs = {out};
  PassContext context;
  EXPECT_TRUE(testing::run_pass("canonicalize-reshape", g, &context));
  expect_dump(g, R"(graph "squeeze"
  inputs: %0
  outputs: %1
tensors:
  %0 "input" float32[1,1,1,8]
  %1 "logits" float32[1,8]
  %2 "logits/shape" int32[2] const
ops:
  RESHAPE "logits" (%0, %2) -> (%1)
)");
  EXPECT_EQ(int32s_of(g, "logits/shape"), (std::vector<int32_t>{1, 8}));
  EXPECT_EQ(context.log_text(),
            "canonicalize-reshape: collapsed 0 reshape chains, removed 0 no-op reshapes, rewrote "
            "1 to canonical RESHAPE\n");
}

/// input [1,2,2,2] → RESHAPE [-1,8] "flat" → RESHAPE [8] "vec" → output.
ir::Graph reshape_chain() {
  ir::Graph g;
  g.name = "chain";
  int in = add_act(g, "input", Shape{1, 2, 2, 2});
  int s1 = add_int32s(g, "flat/shape", {-1, 8});
  int flat = add_act(g, "flat", Shape{1, 8});
  int s2 = add_int32s(g, "vec/shape", {8});
  int vec = add_act(g, "vec", Shape{8});
  g.add_op(ir::OpType::kReshape, "flat", {in, s1}, {flat}, ir::ReshapeOptions{});
  g.add_op(ir::OpType::kReshape, "vec", {flat, s2}, {vec}, ir::ReshapeOptions{});
  g.inputs = {in};
  g.outputs = {vec};
  return g;
}

TEST(CanonicalizeReshape, CollapsesAChainAndDropsTheInnerReshape) {
  ir::Graph g = reshape_chain();
  EXPECT_TRUE(testing::run_pass("canonicalize-reshape", g));
  // "flat" got a concrete shape before "vec" made it dead; orphans are left for
  // eliminate-dead-code.
  expect_dump(g, R"(graph "chain"
  inputs: %0
  outputs: %4
tensors:
  %0 "input" float32[1,2,2,2]
  %1 "flat/shape" int32[2] const
  %2 "flat" float32[1,8]
  %3 "vec/shape" int32[1] const
  %4 "vec" float32[8]
  %5 "flat/shape_1" int32[2] const
ops:
  RESHAPE "vec" (%0, %3) -> (%4)
)");
}

TEST(CanonicalizeReshape, InnerReshapeWithAnotherReaderStaysButGetsAConcreteShape) {
  ir::Graph g = reshape_chain();
  g.outputs.push_back(g.find_tensor("flat"));
  EXPECT_TRUE(testing::run_pass("canonicalize-reshape", g));
  ASSERT_EQ(g.ops.size(), 2u);
  EXPECT_EQ(g.ops[1].inputs[0], g.inputs[0]);  // "vec" reads the input directly
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.ops[0].inputs[1])].name, "flat/shape_1");
  EXPECT_EQ(int32s_of(g, "flat/shape_1"), (std::vector<int32_t>{1, 8}));
}

TEST(CanonicalizeReshape, NoOpReshapeIsRemovedKeepingTheOutputName) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 8});
  int r = add_act(g, "relu", Shape{1, 8});
  int s = add_int32s(g, "output/shape", {1, -1});
  int out = add_act(g, "output", Shape{1, 8});
  g.add_op(ir::OpType::kRelu, "relu", {in}, {r}, ir::NoOptions{});
  g.add_op(ir::OpType::kReshape, "output", {r, s}, {out}, ir::ReshapeOptions{});
  g.inputs = {in};
  g.outputs = {out};
  EXPECT_TRUE(testing::run_pass("canonicalize-reshape", g));
  ASSERT_EQ(g.ops.size(), 1u);
  EXPECT_EQ(g.ops[0].outputs, std::vector<int>{out});
  EXPECT_EQ(g.outputs, std::vector<int>{out});
}

TEST(CanonicalizeReshape, NewShapeOptionBecomesAShapeInput) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{2, 3});
  int out = add_act(g, "r", Shape{3, 2});
  ir::ReshapeOptions o;
  o.new_shape = {3, -1};
  g.add_op(ir::OpType::kReshape, "r", {in}, {out}, o);
  g.inputs = {in};
  g.outputs = {out};
  EXPECT_TRUE(testing::run_pass("canonicalize-reshape", g));
  EXPECT_TRUE(g.ops[0].opts<ir::ReshapeOptions>().new_shape.empty());
  EXPECT_EQ(int32s_of(g, "r/shape"), (std::vector<int32_t>{3, 2}));
}

TEST(CanonicalizeReshape, CanonicalGraphIsNoChange) {
  ir::Graph g = reshape_chain();
  ASSERT_TRUE(testing::run_pass("canonicalize-reshape", g));
  testing::expect_no_change("canonicalize-reshape", g);
}

}  // namespace
}  // namespace qexp::passes

#include "framework/passes/pass_manager.h"

#include <gtest/gtest.h>

#include "framework/core/strings.h"
#include "tests/passes/tf_like_graph.h"

namespace qexp::passes {
namespace {

using testing::add_act;

/// input → RELU → output.
ir::Graph relu_graph() {
  ir::Graph g;
  g.name = "relu";
  int in = add_act(g, "input", Shape{1, 4});
  int out = add_act(g, "output", Shape{1, 4});
  g.add_op(ir::OpType::kRelu, "relu", {in}, {out}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

/// A test pass doing `action` (which returns "changed").
class LambdaPass final : public Pass {
 public:
  LambdaPass(std::string name, std::function<Result<bool>(ir::Graph&)> action,
             bool preserves = true)
      : name_(std::move(name)), action_(std::move(action)), preserves_(preserves) {}
  std::string_view name() const override { return name_; }
  Result<bool> run(ir::Graph& g, PassContext&) override { return action_(g); }
  bool preserves_float_semantics() const override { return preserves_; }

 private:
  std::string name_;
  std::function<Result<bool>(ir::Graph&)> action_;
  bool preserves_;
};

std::unique_ptr<Pass> break_graph_pass() {
  return std::make_unique<LambdaPass>("break-graph", [](ir::Graph& g) -> Result<bool> {
    g.ops[0].inputs[0] = 99;
    return true;
  });
}

std::unique_ptr<Pass> rename_pass(std::string name, bool preserves = true) {
  return std::make_unique<LambdaPass>(std::move(name), [](ir::Graph& g) -> Result<bool> {
    g.name += "+";
    return true;
  }, preserves);
}

TEST(Registry, UnknownPassNameListsTheKnownOnesAndSuggestsTheClosest) {
  auto pass = create_pass("fold-batchnrom");
  ASSERT_FALSE(pass.ok());
  EXPECT_EQ(pass.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(pass.status().message(),
            "unknown pass 'fold-batchnrom' (did you mean 'fold-batchnorm'?); known passes: "
            "remove-identity, fold-constants, matmul-to-fully-connected, fuse-bias, "
            "fold-batchnorm, mean-to-average-pool, canonicalize-reshape, fuse-activation, "
            "eliminate-dead-code");
  EXPECT_EQ(create_pass("quantize").status().message().find("did you mean"), std::string::npos);
}

TEST(Registry, EveryBuiltinIsCreatedUnderItsOwnNameAndHasASummary) {
  for (const std::string& name : builtin_pass_names()) {
    auto pass = create_pass(name);
    ASSERT_TRUE(pass.ok()) << name;
    EXPECT_EQ((*pass)->name(), name);
    EXPECT_TRUE((*pass)->preserves_float_semantics()) << name;
    EXPECT_FALSE(builtin_pass_summary(name).empty()) << name;
  }
  EXPECT_EQ(builtin_pass_summary("nope"), "");
}

TEST(PassManager, VerifyEachNamesThePassThatBrokeTheGraph) {
  PassManagerOptions options;
  options.verify_each = true;
  PassManager pm(options);
  ASSERT_TRUE(pm.add("remove-identity").ok());
  pm.add(break_graph_pass());
  ir::Graph g = relu_graph();
  PassContext context;
  Result<bool> r = pm.run(g, context);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "after pass 'break-graph': op 0 'relu' (RELU): input 0 refers to tensor 99, outside "
            "[0, 2)");
}

TEST(PassManager, WithoutVerifyEachABrokenGraphIsNotNoticed) {
  PassManager pm;
  pm.add(break_graph_pass());
  ir::Graph g = relu_graph();
  PassContext context;
  EXPECT_TRUE(pm.run(g, context).ok());
}

TEST(PassManager, VerifyEachRejectsABrokenInputBeforeBlamingAPass) {
  PassManagerOptions options;
  options.verify_each = true;
  PassManager pm(options);
  ASSERT_TRUE(pm.add("fuse-activation").ok());
  ir::Graph g = relu_graph();
  g.outputs = {7};
  PassContext context;
  EXPECT_EQ(pm.run(g, context).status().message(),
            "before the first pass: graph output index 7 is outside [0, 2)");
}

TEST(PassManager, PassErrorsSayWhichPassWasRunning) {
  PassManager pm;
  ir::Graph g;
  int in = add_act(g, "a", Shape{2, 3});
  int b = add_act(g, "b", Shape{3, 2});
  int out = add_act(g, "mm", Shape{2, 2});
  g.add_op(ir::OpType::kMatMul, "mm", {in, b}, {out}, ir::MatMulOptions{});
  g.inputs = {in, b};
  g.outputs = {out};
  ASSERT_TRUE(pm.add("matmul-to-fully-connected").ok());
  PassContext context;
  Result<bool> r = pm.run(g, context);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(starts_with(r.status().message(),
                          "while running pass 'matmul-to-fully-connected': op 'mm' (MATMUL): B "))
      << r.status().message();
  EXPECT_EQ(r.status().code(), StatusCode::kUnimplemented);
}

TEST(PassManager, PrintAfterSendsDumpsOfTheNamedPassesOnly) {
  std::vector<std::string> printed;
  PassManagerOptions options;
  options.print_after = {"remove-identity"};
  options.print_sink = [&](std::string_view pass, std::string_view text) {
    printed.push_back(str_cat("after ", pass, ":\n", text));
  };
  PassManager pm(options);
  ASSERT_TRUE(pm.add_all(std::vector<std::string>{"remove-identity", "fuse-activation"}).ok());
  ir::Graph g = relu_graph();
  PassContext context;
  ASSERT_TRUE(pm.run(g, context).ok());
  ASSERT_EQ(printed.size(), 1u);
  EXPECT_EQ(printed[0], R"(after remove-identity:
graph "relu"
  inputs: %0
  outputs: %1
tensors:
  %0 "input" float32[1,4]
  %1 "output" float32[1,4]
ops:
  RELU "relu" (%0) -> (%1)
)");
}

TEST(PassManager, PrintAfterAllPrintsAfterEveryPass) {
  std::vector<std::string> passes;
  PassManagerOptions options;
  options.print_after = {"all"};
  options.print_sink = [&](std::string_view pass, std::string_view) {
    passes.emplace_back(pass);
  };
  PassManager pm(options);
  ASSERT_TRUE(pm.add_all(default_conversion_pipeline()).ok());
  ir::Graph g = relu_graph();
  PassContext context;
  ASSERT_TRUE(pm.run(g, context).ok());
  EXPECT_EQ(passes, default_conversion_pipeline());
}

TEST(PassManager, PrintAfterAPassNotInThePipelineIsAnError) {
  PassManagerOptions options;
  options.print_after = {"fuse-activaton"};
  options.print_sink = [](std::string_view, std::string_view) {};
  PassManager pm(options);
  ASSERT_TRUE(pm.add_all(std::vector<std::string>{"fuse-bias", "fuse-activation"}).ok());
  ir::Graph g = relu_graph();
  PassContext context;
  EXPECT_EQ(pm.run(g, context).status().message(),
            "print_after: 'fuse-activaton' is not a pass of this pipeline (did you mean "
            "'fuse-activation'?); expected \"all\" or one of: fuse-bias, fuse-activation");
  PassManagerOptions no_sink;
  no_sink.print_after = {"all"};
  PassManager pm2(no_sink);
  EXPECT_EQ(pm2.run(g, context).status().message(),
            "print_after is set but no print_sink was given");
}

TEST(PassManager, FloatCheckRunsForChangingFloatPreservingPassesOnly) {
  std::vector<std::string> checked;
  PassManagerOptions options;
  options.float_check = [&](const ir::Graph& before, const ir::Graph& after,
                            std::string_view pass) {
    checked.push_back(str_cat(pass, ": ", before.name, " -> ", after.name));
    return ok_status();
  };
  PassManager pm(options);
  pm.add(rename_pass("preserving"));
  pm.add(rename_pass("quantizing", /*preserves=*/false));
  ASSERT_TRUE(pm.add("fuse-activation").ok());  // nothing to fuse: unchanged, not checked
  ir::Graph g = relu_graph();
  PassContext context;
  ASSERT_TRUE(pm.run(g, context).ok());
  EXPECT_EQ(checked, std::vector<std::string>{"preserving: relu -> relu+"});
}

TEST(PassManager, FloatCheckFailureNamesThePass) {
  PassManagerOptions options;
  options.float_check = [](const ir::Graph&, const ir::Graph&, std::string_view) {
    return invalid_argument("output 0 'output' element 3: 1.5 vs 1.25");
  };
  PassManager pm(options);
  pm.add(rename_pass("preserving"));
  ir::Graph g = relu_graph();
  PassContext context;
  EXPECT_EQ(pm.run(g, context).status().message(),
            "after pass 'preserving': output 0 'output' element 3: 1.5 vs 1.25");
}

TEST(PassManager, FixedPointGroupRepeatsUntilNothingChanges) {
  int budget = 3;
  std::vector<std::unique_ptr<Pass>> group;
  group.push_back(std::make_unique<LambdaPass>("countdown", [&](ir::Graph&) -> Result<bool> {
    return budget-- > 0;
  }));
  group.push_back(create_pass("eliminate-dead-code").value());
  PassManager pm;
  pm.add_fixed_point(std::move(group), 10);
  EXPECT_EQ(pm.describe(), "fixed-point(countdown, eliminate-dead-code; max 10)");
  ir::Graph g = relu_graph();
  PassContext context;
  EXPECT_TRUE(*pm.run(g, context));
  EXPECT_EQ(budget, -1);  // 3 changing rounds + 1 quiet round
  EXPECT_EQ(context.log_text(), "");
}

TEST(PassManager, FixedPointGroupStopsAtTheBoundAndLogsIt) {
  PassManager pm;
  std::vector<std::unique_ptr<Pass>> group;
  group.push_back(rename_pass("forever"));
  pm.add_fixed_point(std::move(group), 4);
  ir::Graph g = relu_graph();
  PassContext context;
  EXPECT_TRUE(*pm.run(g, context));
  EXPECT_EQ(g.name, "relu++++");
  EXPECT_EQ(context.log_text(),
            "pass-manager: group (forever) still changed the graph after 4 rounds; stopped at "
            "the bound\n");
}

TEST(PassManager, FixedPointGroupOfBuiltinsValidatesItsArguments) {
  PassManager pm;
  EXPECT_EQ(pm.add_fixed_point(std::vector<std::string>{}).message(),
            "fixed-point group: no passes");
  EXPECT_EQ(pm.add_fixed_point(std::vector<std::string>{"fuse-bias"}, 0).message(),
            "fixed-point group: max_iterations is 0, expected >= 1");
  EXPECT_EQ(pm.add_fixed_point(std::vector<std::string>{"fuse-bais"}).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(pm.add("remove-identity").ok());
  ASSERT_TRUE(
      pm.add_fixed_point(std::vector<std::string>{"fuse-bias", "fold-batchnorm"}, 3).ok());
  EXPECT_EQ(pm.describe(), "remove-identity, fixed-point(fuse-bias, fold-batchnorm; max 3)");
  EXPECT_EQ(pm.pass_names(),
            (std::vector<std::string>{"remove-identity", "fuse-bias", "fold-batchnorm"}));
}

TEST(DefaultConversionPipeline, ConvertsATfGraphIntoExportableTfliteOps) {
  PassManagerOptions options;
  options.verify_each = true;
  PassManager pm(options);
  ASSERT_TRUE(pm.add_all(default_conversion_pipeline()).ok());
  ir::Graph g = testing::tf_like_graph();
  PassContext context;
  Result<bool> r = pm.run(g, context);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(*r);
  for (const ir::Op& op : g.ops) {
    EXPECT_GE(ir::op_info(op.type).tflite_code, 0) << ir::op_type_name(op.type) << " " << op.name;
  }
  testing::expect_dump(g, R"(graph "tf_like"
  inputs: %0
  outputs: %9
tensors:
  %0 "input" float32[1,8,8,3]
  %1 "conv1/weights" float32[4,3,3,3] const
  %2 "conv1/Relu6" float32[1,4,4,4]
  %3 "dw/depthwise_weights/reshaped" float32[1,3,3,4] const
  %4 "dw/Relu" float32[1,4,4,4]
  %5 "pool/Mean" float32[1,1,1,4]
  %6 "squeeze" float32[1,4]
  %7 "fc/kernel" float32[5,4] const
  %8 "fc/BiasAdd" float32[1,5]
  %9 "output" float32[1,5]
  %10 "dw/depthwise/bias" float32[4] const
  %11 "fc/MatMul/bias" float32[5] const
  %12 "conv1/Conv2D/bias" float32[4] const
  %13 "squeeze/shape" int32[2] const
ops:
  CONV_2D "conv1/Conv2D" (%0, %1, %12) -> (%2) {padding=SAME stride=2x2 dilation=1x1 act=RELU6}
  DEPTHWISE_CONV_2D "dw/depthwise" (%2, %3, %10) -> (%4) {padding=SAME stride=1x1 dilation=1x1 depth_multiplier=1 act=RELU}
  AVERAGE_POOL_2D "pool/Mean" (%4) -> (%5) {padding=VALID filter=4x4 stride=1x1 act=NONE}
  RESHAPE "squeeze" (%5, %13) -> (%6)
  FULLY_CONNECTED "fc/MatMul" (%6, %7, %11) -> (%8) {act=NONE}
  SOFTMAX "Softmax" (%8) -> (%9) {beta=1}
)");
  EXPECT_EQ(context.log_text(),
            "remove-identity: removed 2 identity ops\n"
            "fold-constants: folded 1 constant op\n"
            "matmul-to-fully-connected: converted 1 matmul to FULLY_CONNECTED\n"
            "fuse-bias: fused 2 bias adds\n"
            "fold-batchnorm: folded 2 batch norms, lowered 0 to MUL + ADD\n"
            "mean-to-average-pool: converted 1 mean to AVERAGE_POOL_2D\n"
            "canonicalize-reshape: collapsed 0 reshape chains, removed 0 no-op reshapes, rewrote "
            "1 to canonical RESHAPE\n"
            "fuse-activation: fused 2 activations\n"
            "eliminate-dead-code: removed 0 dead ops and 21 unused tensors\n");
}

TEST(DefaultConversionPipeline, IsAFixedPointOnItsOwnOutput) {
  PassManager pm;
  ASSERT_TRUE(pm.add_all(default_conversion_pipeline()).ok());
  ir::Graph g = testing::tf_like_graph();
  PassContext context;
  ASSERT_TRUE(pm.run(g, context).ok());
  std::string once = ir::dump(g);
  EXPECT_FALSE(*pm.run(g, context));
  EXPECT_EQ(ir::dump(g), once);
}

}  // namespace
}  // namespace qexp::passes

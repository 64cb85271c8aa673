// Float equivalence of the float-preserving passes, checked with the real interpreter: the graph
// before and after a pass runs on the same seeded random inputs and the outputs must agree
// within 1e-5 relative to the output's largest magnitude. The check is plugged into
// PassManager's float_check hook exactly as the CLI does, so the hook plumbing is tested too.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"
#include "framework/passes/pass_manager.h"
#include "tests/passes/tf_like_graph.h"

namespace qexp::passes {
namespace {

using testing::add_act;
using testing::add_floats;

constexpr float kRelativeTolerance = 1e-5f;

Result<std::unique_ptr<interp::Interpreter>> make_interpreter(const ir::Graph& g) {
  return interp::Interpreter::create(std::make_shared<const ir::Graph>(g));
}

/// Fills every float32 input of `a` with seeded uniform values in [-1, 1] and copies them to `b`.
Status set_random_inputs(interp::Interpreter& a, interp::Interpreter& b, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int i = 0; i < a.num_inputs(); ++i) {
    TensorView va = a.input(i), vb = b.input(i);
    if (va.dtype() != DType::kFloat32 || vb.dtype() != va.dtype() || vb.shape() != va.shape()) {
      return invalid_argument(str_cat("input ", i, " differs: ", va.shape().to_string(), " vs ",
                                      vb.shape().to_string()));
    }
    float* pa = va.data<float>();
    for (int64_t e = 0; e < va.num_elements(); ++e) pa[e] = dist(rng);
    std::copy(pa, pa + va.num_elements(), vb.data<float>());
  }
  return ok_status();
}

Status compare_output(const ir::Graph& g, int index, const TensorView& before,
                      const TensorView& after) {
  const std::string& name = g.tensors[static_cast<size_t>(g.outputs[index])].name;
  if (before.shape() != after.shape() || before.dtype() != DType::kFloat32 ||
      after.dtype() != DType::kFloat32) {
    return invalid_argument(str_cat("output ", index, " ", qexp::quoted(name), " changed type: ",
                                    before.shape().to_string(), " vs ",
                                    after.shape().to_string()));
  }
  const float* x = before.data<float>();
  const float* y = after.data<float>();
  float scale = 0.0f;
  for (int64_t e = 0; e < before.num_elements(); ++e) scale = std::max(scale, std::abs(x[e]));
  const float tolerance = kRelativeTolerance * std::max(scale, 1e-6f);
  for (int64_t e = 0; e < before.num_elements(); ++e) {
    if (!(std::abs(x[e] - y[e]) <= tolerance)) {
      return invalid_argument(str_cat("output ", index, " ", qexp::quoted(name), " element ", e,
                                      ": before ", format_float(x[e]), ", after ",
                                      format_float(y[e]), " (tolerance ",
                                      format_float(tolerance), ")"));
    }
  }
  return ok_status();
}

/// The FloatCheck hook: both graphs on three seeded random input sets.
Status outputs_match(const ir::Graph& before, const ir::Graph& after, std::string_view) {
  QEXP_ASSIGN_OR_RETURN(auto a, make_interpreter(before));
  QEXP_ASSIGN_OR_RETURN(auto b, make_interpreter(after));
  if (a->num_inputs() != b->num_inputs() || a->num_outputs() != b->num_outputs()) {
    return invalid_argument("the graph's inputs or outputs changed");
  }
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    QEXP_RETURN_IF_ERROR(set_random_inputs(*a, *b, seed));
    QEXP_RETURN_IF_ERROR(a->invoke());
    QEXP_RETURN_IF_ERROR(b->invoke());
    for (int o = 0; o < a->num_outputs(); ++o) {
      QEXP_RETURN_IF_ERROR(compare_output(before, o, a->output(o), b->output(o)));
    }
  }
  return ok_status();
}

/// Runs `passes` with verify_each and the interpreter check; returns the passes it checked.
std::vector<std::string> run_checked(const std::vector<std::string>& passes, ir::Graph& g) {
  std::vector<std::string> checked;
  PassManagerOptions options;
  options.verify_each = true;
  options.float_check = [&](const ir::Graph& before, const ir::Graph& after,
                            std::string_view pass) {
    checked.emplace_back(pass);
    return outputs_match(before, after, pass);
  };
  PassManager pm(options);
  EXPECT_TRUE(pm.add_all(passes).ok());
  PassContext context;
  Result<bool> r = pm.run(g, context);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return checked;
}

int add_random(ir::Graph& g, const std::string& name, Shape shape, std::mt19937& rng,
               float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(shape.num_elements()));
  for (float& f : v) f = dist(rng);
  return add_floats(g, name, std::move(shape), std::move(v));
}

/// Adds BATCH_NORM over `x` with random parameters (variance in [0.1, 2]).
int add_random_bn(ir::Graph& g, const std::string& name, int x, std::mt19937& rng) {
  const Shape shape = g.tensors[static_cast<size_t>(x)].shape;
  const int64_t c = shape[shape.rank() - 1];
  std::vector<int> ins = {x, add_random(g, name + "/gamma", Shape{c}, rng, 0.2f, 2.0f),
                          add_random(g, name + "/beta", Shape{c}, rng),
                          add_random(g, name + "/mean", Shape{c}, rng),
                          add_random(g, name + "/variance", Shape{c}, rng, 0.1f, 2.0f)};
  int y = add_act(g, name, shape);
  g.add_op(ir::OpType::kBatchNorm, name, ins, {y}, ir::BatchNormOptions{});
  return y;
}

TEST(FloatEquivalence, DefaultPipelineKeepsTheOutputsOfATfGraphAfterEveryPass) {
  ir::Graph g = testing::tf_like_graph();
  std::vector<std::string> checked = run_checked(default_conversion_pipeline(), g);
  EXPECT_EQ(checked, (std::vector<std::string>{
                         "remove-identity", "fold-constants", "matmul-to-fully-connected",
                         "fuse-bias", "fold-batchnorm", "mean-to-average-pool",
                         "canonicalize-reshape", "fuse-activation", "eliminate-dead-code"}));
}

TEST(FoldBatchNormEquivalence, FoldedConvDepthwiseAndFcMatchTheBatchNorm) {
  std::mt19937 rng(42);
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 6, 6, 3});
  // CONV_2D 3x3 with an existing bias.
  int c1 = add_act(g, "conv", Shape{1, 6, 6, 4});
  g.add_op(ir::OpType::kConv2D, "conv",
           {in, add_random(g, "conv/w", Shape{4, 3, 3, 3}, rng),
            add_random(g, "conv/b", Shape{4}, rng)},
           {c1}, ir::Conv2DOptions{});
  int bn1 = add_random_bn(g, "bn1", c1, rng);
  // DEPTHWISE_CONV_2D with depth_multiplier 2, no bias.
  int c2 = add_act(g, "dw", Shape{1, 6, 6, 8});
  ir::DepthwiseConv2DOptions dw;
  dw.depth_multiplier = 2;
  g.add_op(ir::OpType::kDepthwiseConv2D, "dw",
           {bn1, add_random(g, "dw/w", Shape{1, 3, 3, 8}, rng), -1}, {c2}, dw);
  int bn2 = add_random_bn(g, "bn2", c2, rng);
  // FULLY_CONNECTED over the flattened map.
  int flat_shape = testing::add_int32s(g, "flat/shape", {1, 288});
  int flat = add_act(g, "flat", Shape{1, 288});
  g.add_op(ir::OpType::kReshape, "flat", {bn2, flat_shape}, {flat}, ir::ReshapeOptions{});
  int fc = add_act(g, "fc", Shape{1, 5});
  g.add_op(ir::OpType::kFullyConnected, "fc",
           {flat, add_random(g, "fc/w", Shape{5, 288}, rng), -1}, {fc},
           ir::FullyConnectedOptions{});
  g.inputs = {in};
  g.outputs = {add_random_bn(g, "bn3", fc, rng)};
  EXPECT_EQ(run_checked({"fold-batchnorm"}, g), std::vector<std::string>{"fold-batchnorm"});
  for (const ir::Op& op : g.ops) EXPECT_NE(op.type, ir::OpType::kBatchNorm);
  EXPECT_EQ(g.ops.size(), 4u);  // all three folded
}

TEST(FoldBatchNormEquivalence, LoweredMulAddAndFusedActivationMatchTheBatchNorm) {
  std::mt19937 rng(7);
  ir::Graph g;
  int in = add_act(g, "input", Shape{2, 5, 3});
  int bn = add_random_bn(g, "bn", in, rng);
  int r = add_act(g, "relu6", Shape{2, 5, 3});
  g.add_op(ir::OpType::kRelu6, "relu6", {bn}, {r}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {r};
  EXPECT_EQ(run_checked({"fold-batchnorm", "fuse-activation"}, g),
            (std::vector<std::string>{"fold-batchnorm", "fuse-activation"}));
  ASSERT_EQ(g.ops.size(), 2u);
  EXPECT_EQ(g.ops[1].opts<ir::ElementwiseOptions>().activation, ir::Activation::kRelu6);
}

TEST(FoldBatchNormEquivalence, ConvWithSecondReaderIsLoweredAndStillMatches) {
  std::mt19937 rng(3);
  ir::Graph g;
  int in = add_act(g, "input", Shape{1, 4, 4, 2});
  int c = add_act(g, "conv", Shape{1, 4, 4, 3});
  g.add_op(ir::OpType::kConv2D, "conv",
           {in, add_random(g, "conv/w", Shape{3, 1, 1, 2}, rng), -1}, {c}, ir::Conv2DOptions{});
  g.inputs = {in};
  g.outputs = {add_random_bn(g, "bn", c, rng), c};
  EXPECT_EQ(run_checked({"fold-batchnorm"}, g), std::vector<std::string>{"fold-batchnorm"});
  EXPECT_EQ(g.ops.size(), 3u);
}

TEST(MeanToAveragePoolEquivalence, PoolPlusReshapeMatchesTheMean) {
  ir::Graph g;
  int in = add_act(g, "input", Shape{2, 7, 5, 3});
  int axes = testing::add_int32s(g, "axes", {2, 1});
  int out = add_act(g, "mean", Shape{2, 3});
  g.add_op(ir::OpType::kMean, "mean", {in, axes}, {out}, ir::ReducerOptions{});
  g.inputs = {in};
  g.outputs = {out};
  EXPECT_EQ(run_checked({"mean-to-average-pool", "canonicalize-reshape"}, g),
            std::vector<std::string>{"mean-to-average-pool"});
}

TEST(FloatCheck, ReportsAChangedOutputWithTheElementAndValues) {
  ir::Graph before;
  int in = add_act(before, "input", Shape{1, 3});
  int out = add_act(before, "output", Shape{1, 3});
  before.add_op(ir::OpType::kRelu, "relu", {in}, {out}, ir::NoOptions{});
  before.inputs = {in};
  before.outputs = {out};
  ir::Graph after = before;
  after.ops[0].type = ir::OpType::kRelu6;
  Status s = outputs_match(before, after, "x");
  // Inputs are in [-1, 1]: RELU and RELU6 agree, so the check must pass...
  EXPECT_TRUE(s.ok()) << s.message();
  after.ops[0].type = ir::OpType::kLogistic;
  s = outputs_match(before, after, "x");
  // ...while LOGISTIC (in (0.26, 0.74) here) differs from RELU almost everywhere.
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(starts_with(s.message(), "output 0 'output' element ")) << s.message();
  EXPECT_NE(s.message().find(", after "), std::string::npos) << s.message();
}

}  // namespace
}  // namespace qexp::passes

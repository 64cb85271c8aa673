// Hand-computed cases for the quantized CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels
// (int8, int16x8, hybrid): the rounding rule of each kernel on exact ties, zero points, padding,
// fused activations, depth multipliers, and the validation messages.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/interpreter/quantized_test_util.h"

namespace qexp::interp::testing {
namespace {

using ir::OpType;

// 1×1 convolution of one input value q = 3 (z_in = 1, so 2 after the zero point) with two
// output channels: weights 1 and -1 at scales 0.5 and 0.25, biases 0 and -2, s_in 0.5, s_out 1,
// z_out 3. Multipliers 0.25 and 0.125; accumulators 2 and -4: exactly +0.5 and -0.5.
ir::Graph tie_conv(OpType type) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt8, Shape{1, 1, 1, 1}, 0.5f, 1);
  const bool dw = type == OpType::kDepthwiseConv2D;
  const int w = add_q_weights(g, "w", dw ? Shape{1, 1, 1, 2} : Shape{2, 1, 1, 1}, {1, -1},
                              {0.5f, 0.25f}, dw ? 3 : 0);
  const int b = add_int32_const(g, "b", Shape{2}, {0, -2});
  g.tensors[static_cast<size_t>(b)].quant.scale = {0.25f, 0.125f};
  g.tensors[static_cast<size_t>(b)].quant.zero_point = {0, 0};
  ir::OpOptions o = ir::Conv2DOptions{};
  if (dw) {
    ir::DepthwiseConv2DOptions d;
    d.depth_multiplier = 2;
    o = d;
  }
  g.inputs = {x};
  g.outputs = {add_q_op(g, type, "conv", {x, w, b}, o, DType::kInt8, 1.0f, 3)};
  return g;
}

TEST(Conv2dInt8, PerChannelBiasMatchesTfliteRounding) {
  // Single rounding (ruy): +0.5 → 1, -0.5 → 0 (ties up). Plus z_out 3.
  EXPECT_EQ(run_int8(tie_conv(OpType::kConv2D), {3}), (std::vector<int>{4, 3}));
}

TEST(Conv2dInt8, XnnpackProfileRoundsTiesToEven) {
  EXPECT_EQ(run_int8(tie_conv(OpType::kConv2D), {3}, RoundingProfile::kXnnpack),
            (std::vector<int>{3, 3}));
}

TEST(DepthwiseConv2dInt8, DoubleRoundingTakesNegativeTiesAwayFromZero) {
  // Double rounding (gemmlowp): +0.5 → 1, -0.5 → -1.
  EXPECT_EQ(run_int8(tie_conv(OpType::kDepthwiseConv2D), {3}), (std::vector<int>{4, 2}));
  EXPECT_EQ(run_int8(tie_conv(OpType::kDepthwiseConv2D), {3}, RoundingProfile::kXnnpack),
            (std::vector<int>{3, 3}));
}

TEST(DepthwiseConv2dInt8, OutputChannelCTimesMPlusMReadsInputChannelC) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt8, Shape{1, 1, 1, 2}, 1.0f, 0);
  const int w = add_q_weights(g, "w", Shape{1, 1, 1, 4}, {1, 2, 3, 4}, {1.0f});
  ir::DepthwiseConv2DOptions o;
  o.depth_multiplier = 2;
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kDepthwiseConv2D, "dw", {x, w}, o, DType::kInt8, 1.0f, 0)};
  EXPECT_EQ(run_int8(g, {10, 20}), (std::vector<int>{10, 20, 60, 80}));
}

TEST(Conv2dInt8, SamePaddingTapsContributeNothing) {
  // 2×2 input of q = 6 with zero point 5 (real 1 each), 3×3 kernel of ones, SAME: every output
  // sees the 4 input values; padding must not count as q = 0 (which would be -5 each).
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt8, Shape{1, 2, 2, 1}, 1.0f, 5);
  const int w = add_q_weights(g, "w", Shape{1, 3, 3, 1}, std::vector<int8_t>(9, 1), {1.0f});
  g.inputs = {x};
  g.outputs = {
      add_q_op(g, OpType::kConv2D, "conv", {x, w}, ir::Conv2DOptions{}, DType::kInt8, 1.0f, 0)};
  EXPECT_EQ(run_int8(g, {6, 6, 6, 6}), (std::vector<int>{4, 4, 4, 4}));
}

TEST(Conv2dInt8, FusedRelu6ClampsInTheOutputDomain) {
  // s_out 0.05, z_out -10: RELU6 is [-10, -10 + round(6 / 0.05)] = [-10, 110].
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt8, Shape{1, 1, 1, 1}, 1.0f, 0);
  const int w = add_q_weights(g, "w", Shape{3, 1, 1, 1}, {100, -100, 1}, {0.01f});
  ir::Conv2DOptions o;
  o.activation = ir::Activation::kRelu6;
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kConv2D, "conv", {x, w}, o, DType::kInt8, 0.05f, -10)};
  // acc = 10000, -10000, 100; · 0.2 = 2000, -2000, 20; + z_out; clamped.
  EXPECT_EQ(run_int8(g, {100}), (std::vector<int>{110, -10, 10}));
}

TEST(FullyConnectedInt8, RoundsOnceLikeRuy) {
  // acc = -2 and 2 at multiplier 0.25: -0.5 → 0, +0.5 → 1.
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt8, Shape{1, 2}, 0.5f, 1);
  const int w = add_q_weights(g, "w", Shape{2, 2}, {1, -2, 1, 0}, {0.5f});
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kFullyConnected, "fc", {x, w}, ir::FullyConnectedOptions{},
                        DType::kInt8, 1.0f, 0)};
  EXPECT_EQ(run_int8(g, {3, 3}), (std::vector<int>{0, 1}));
}

TEST(FullyConnectedInt16x8, Int64BiasAndSixteenBitMultiplierRoundTiesUp) {
  // acc = 1000·100 − 300·50 − 300000 = -215000; M = 2^-10 · 2^-7 / 2^-13 = 1/16 exactly, reduced
  // to 16384 / 2^18: -13437.5 → -13437 (double rounding would give -13438).
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt16, Shape{1, 2}, 1.0f / 1024, 0);
  const int w = add_q_weights(g, "w", Shape{1, 2}, {100, 50}, {1.0f / 128});
  const int b = g.add_const("b", DType::kInt64, Shape{1}, to_bytes(std::vector<int64_t>{-300000}));
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kFullyConnected, "fc", {x, w, b}, ir::FullyConnectedOptions{},
                        DType::kInt16, 1.0f / 8192, 0)};
  auto out = run_raw<int16_t>(g, {to_bytes(std::vector<int16_t>{1000, -300})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0], -13437);
}

TEST(Conv2dHybrid, PerTensorWeightsQuantizeTheInputSymmetrically) {
  // x = [1.0, -0.5]: range 1, q = round(x · 127) = [127, -64]; acc = 2·127 + 1·(-64) = 190;
  // out = 0 + 190 · (1/127 · 0.5) + 0.25 in float (real result 1.0).
  ir::Graph g;
  const int x = add_q(g, "x", DType::kFloat32, Shape{1, 1, 1, 2}, 0, 0);
  const int w = add_q_weights(g, "w", Shape{1, 1, 1, 2}, {2, 1}, {0.5f});
  const int b = add_float_const(g, "b", Shape{1}, {0.25f});
  g.inputs = {x};
  g.outputs = {add_op(g, OpType::kConv2D, "conv", {x, w, b}, ir::Conv2DOptions{})};
  auto out = run_float(g, {{1.0f, -0.5f}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float factor = (1.0f / 127) * 0.5f;
  EXPECT_EQ((*out)[0].values[0], (0.0f + 190.0f * factor) + 0.25f);
  EXPECT_NEAR((*out)[0].values[0], 1.0f, 0.01f);
}

TEST(Conv2dHybrid, PerChannelWeightsQuantizeTheInputAsymmetrically) {
  // x = [1.0, -0.5]: range [-0.5, 1.0] over 255 levels, zero point -43, q = [127, -128];
  // channel c: out = float(Σ w·(q + 43)) · (s_w[c] · s_b) + bias.
  ir::Graph g;
  const int x = add_q(g, "x", DType::kFloat32, Shape{1, 1, 1, 2}, 0, 0);
  const int w = add_q_weights(g, "w", Shape{2, 1, 1, 2}, {2, 1, 1, -1}, {0.5f, 0.25f});
  g.inputs = {x};
  g.outputs = {add_op(g, OpType::kConv2D, "conv", {x, w}, ir::Conv2DOptions{})};
  auto out = run_float(g, {{1.0f, -0.5f}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const float s_b = static_cast<float>(1.5 / 255.0);
  EXPECT_EQ((*out)[0].values[0], 255.0f * (0.5f * s_b));   // 2·170 + 1·(-85)
  EXPECT_EQ((*out)[0].values[1], 255.0f * (0.25f * s_b));  // 1·170 − 1·(-85)
  EXPECT_NEAR((*out)[0].values[0], 0.75f, 0.01f);
}

TEST(FullyConnectedHybrid, StartsFromTheBiasAndAddsTheScaledDotProduct) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kFloat32, Shape{1, 2}, 0, 0);
  const int w = add_q_weights(g, "w", Shape{1, 2}, {2, 1}, {0.5f});
  const int b = add_float_const(g, "b", Shape{1}, {0.25f});
  g.inputs = {x};
  g.outputs = {add_op(g, OpType::kFullyConnected, "fc", {x, w, b}, ir::FullyConnectedOptions{})};
  auto out = run_float(g, {{1.0f, -0.5f}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0].values[0], 0.25f + 190.0f * ((1.0f / 127) * 0.5f));
}

TEST(FullyConnectedInt16x8, AnAbsurdBiasSaturatesInsteadOfOverflowing) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt16, Shape{1, 1}, 1.0f / 1024, 0);
  const int w = add_q_weights(g, "w", Shape{1, 1}, {127}, {1.0f / 128});
  const int b = g.add_const("b", DType::kInt64, Shape{1},
                            to_bytes(std::vector<int64_t>{std::numeric_limits<int64_t>::max()}));
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kFullyConnected, "fc", {x, w, b}, ir::FullyConnectedOptions{},
                        DType::kInt16, 1.0f / 8192, 0)};
  auto out = run_raw<int16_t>(g, {to_bytes(std::vector<int16_t>{32767})});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0], 32767);
}

TEST(FullyConnectedHybrid, NonFiniteInputsQuantizeToZeroInsteadOfUndefinedBehaviour) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kFloat32, Shape{1, 2}, 0, 0);
  const int w = add_q_weights(g, "w", Shape{1, 2}, {2, 1}, {0.5f});
  const int b = add_float_const(g, "b", Shape{1}, {0.25f});
  g.inputs = {x};
  g.outputs = {add_op(g, OpType::kFullyConnected, "fc", {x, w, b}, ir::FullyConnectedOptions{})};
  auto out = run_float(g, {{std::numeric_limits<float>::quiet_NaN(), 1.0f}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)[0].values[0], 0.25f);
}

// ---- validation ---------------------------------------------------------------------------

TEST(Conv2dInt8, RejectsWeightsWithANonZeroZeroPoint) {
  ir::Graph g = tie_conv(OpType::kConv2D);
  g.tensors[static_cast<size_t>(g.ops[0].inputs[1])].quant.zero_point = {0, 3};
  EXPECT_EQ(create_error(g),
            "op 'conv' (CONV_2D): filter (input 1) 'w': zero_point[1] = 3, expected 0 (int8 "
            "weights are symmetric)");
}

TEST(Conv2dInt8, RejectsABiasScaleThatIsNotInputTimesWeightScale) {
  ir::Graph g = tie_conv(OpType::kConv2D);
  g.tensors[static_cast<size_t>(g.ops[0].inputs[2])].quant.scale = {0.25f, 0.5f};
  const std::string e = create_error(g);
  EXPECT_NE(e.find("bias (input 2) 'b': scale[1] = 0.5 differs from input_scale * "
                   "weight_scale[1] = 0.125"),
            std::string::npos)
      << e;
}

TEST(Conv2dInt8, RejectsAnInputWithoutQuantizationParameters) {
  ir::Graph g = tie_conv(OpType::kConv2D);
  g.tensors[static_cast<size_t>(g.inputs[0])].quant = {};
  EXPECT_EQ(create_error(g),
            "op 'conv' (CONV_2D): input (input 0) 'x' is int8 without quantization parameters");
}

TEST(Conv2dInt16x8, RejectsANonZeroActivationZeroPoint) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt16, Shape{1, 1, 1, 1}, 0.01f, 4);
  const int w = add_q_weights(g, "w", Shape{1, 1, 1, 1}, {1}, {0.5f});
  g.inputs = {x};
  g.outputs = {
      add_q_op(g, OpType::kConv2D, "conv", {x, w}, ir::Conv2DOptions{}, DType::kInt16, 0.01f, 0)};
  EXPECT_EQ(create_error(g),
            "op 'conv' (CONV_2D): input (input 0) 'x': zero_point 4, expected 0 (int16 "
            "activations are symmetric here)");
}

TEST(Conv2dInt8, RejectsWeightsQuantizedAlongTheWrongAxis) {
  // Per-axis along the input-channel dimension (which happens to have 2 entries too).
  ir::Graph g;
  const int x = add_q(g, "x", DType::kInt8, Shape{1, 1, 1, 2}, 0.5f, 0);
  const int w = add_q_weights(g, "w", Shape{2, 1, 1, 2}, {1, 2, 3, 4}, {0.5f, 0.25f}, 3);
  g.inputs = {x};
  g.outputs = {
      add_q_op(g, OpType::kConv2D, "conv", {x, w}, ir::Conv2DOptions{}, DType::kInt8, 1.0f, 0)};
  EXPECT_EQ(create_error(g),
            "op 'conv' (CONV_2D): filter (input 1) 'w' is quantized along dimension 3, expected "
            "0");
}

TEST(FullyConnectedHybrid, RejectsPerChannelWeights) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kFloat32, Shape{1, 2}, 0, 0);
  const int w = add_q_weights(g, "w", Shape{2, 2}, {1, 2, 3, 4}, {0.5f, 0.25f});
  g.inputs = {x};
  g.outputs = {add_op(g, OpType::kFullyConnected, "fc", {x, w}, ir::FullyConnectedOptions{})};
  EXPECT_EQ(create_error(g),
            "op 'fc' (FULLY_CONNECTED): weights (input 1) 'w' has per-channel scales; the "
            "hybrid FULLY_CONNECTED kernel takes per-tensor weights only");
}

TEST(QuantizedKernels, KernelNamesStateTheContract) {
  auto r = Interpreter::create(std::make_shared<const ir::Graph>(tie_conv(OpType::kConv2D)));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)->kernel_name(0), "conv2d_int8_per_channel");
}

}  // namespace
}  // namespace qexp::interp::testing

// Hand-computed cases for the quantized pooling, ADD, MUL, SOFTMAX, LOGISTIC, TANH, QUANTIZE,
// CONCATENATION, PAD and MEAN kernels, and the rounding-profile tables: each test pins one
// arithmetic fact (a tie, a truncation, a fixed output parameter) in both profiles where they
// differ.

#include <gtest/gtest.h>

#include "tests/interpreter/quantized_test_util.h"

namespace qexp::interp::testing {
namespace {

using ir::OpType;
constexpr DType kI8 = DType::kInt8;

ir::Graph pool(OpType type, ir::Activation act, int64_t zero_point) {
  ir::Graph g;
  const int x = add_q(g, "x", kI8, Shape{1, 1, 2, 2}, 0.5f, zero_point);
  ir::Pool2DOptions o;
  o.padding = ir::Padding::kValid;
  o.filter_h = 1, o.filter_w = 2, o.stride_h = 1, o.stride_w = 2;
  o.activation = act;
  g.inputs = {x};
  g.outputs = {add_q_op(g, type, "pool", {x}, o, kI8, 0.5f, zero_point)};
  return g;
}

TEST(AveragePool2dInt8, RoundsHalfAwayFromZero) {
  // Channel 0: (-1 + -2) / 2 = -1.5 → -2; channel 1: (1 + 2) / 2 = 1.5 → 2.
  EXPECT_EQ(run_int8(pool(OpType::kAveragePool2D, ir::Activation::kNone, 0), {-1, 1, -2, 2}),
            (std::vector<int>{-2, 2}));
}

TEST(MaxPool2dInt8, FusedReluClampsAtTheZeroPoint) {
  EXPECT_EQ(run_int8(pool(OpType::kMaxPool2D, ir::Activation::kRelu, -4), {-5, -10, -3, -9}),
            (std::vector<int>{-3, -4}));
}

ir::Graph binary(OpType type, float s1, float s2, float s_out) {
  ir::Graph g;
  const int a = add_q(g, "a", kI8, Shape{2}, s1, 0);
  const int b = add_q(g, "b", kI8, Shape{2}, s2, 0);
  g.inputs = {a, b};
  g.outputs = {add_q_op(g, type, "op", {a, b}, ir::ElementwiseOptions{}, kI8, s_out, 0)};
  return g;
}

std::vector<int> run_binary(const ir::Graph& g, std::vector<int8_t> a, std::vector<int8_t> b,
                            RoundingProfile profile) {
  auto r = run_raw<int8_t>(g, {to_bytes(a), to_bytes(b)}, profile);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::vector<int>(r->begin(), r->end()) : std::vector<int>{};
}

TEST(AddInt8, RescalesBothOperandsAndRoundsLikeEachRuntime) {
  // 0.5 + 0.5 = 1.0 → 2; -1.5 + 0.25 = -1.25 → -2.5 LSB: TFLite's double rounding gives -3,
  // XNNPACK's integer add (bias folds in +0.5, then >> 20) gives -2.
  const ir::Graph g = binary(OpType::kAdd, 0.5f, 0.25f, 0.5f);
  EXPECT_EQ(run_binary(g, {1, -3}, {2, 1}, RoundingProfile::kTfliteBuiltin),
            (std::vector<int>{2, -3}));
  EXPECT_EQ(run_binary(g, {1, -3}, {2, 1}, RoundingProfile::kXnnpack), (std::vector<int>{2, -2}));
}

TEST(MulInt8, DoubleRoundingBuiltinFp32HalfEvenXnnpack) {
  // M = 0.5 · 0.5 / 1 = 0.25: 1·(-2) → -0.5 and 2·1 → 0.5.
  const ir::Graph g = binary(OpType::kMul, 0.5f, 0.5f, 1.0f);
  EXPECT_EQ(run_binary(g, {1, 2}, {-2, 1}, RoundingProfile::kTfliteBuiltin),
            (std::vector<int>{-1, 1}));
  EXPECT_EQ(run_binary(g, {1, 2}, {-2, 1}, RoundingProfile::kXnnpack), (std::vector<int>{0, 0}));
}

ir::Graph unary(OpType type, ir::OpOptions options, Shape shape, float s_in, int64_t z_in,
                float s_out, int64_t z_out) {
  ir::Graph g;
  const int x = add_q(g, "x", kI8, std::move(shape), s_in, z_in);
  g.inputs = {x};
  g.outputs = {add_q_op(g, type, "y", {x}, std::move(options), kI8, s_out, z_out)};
  return g;
}

TEST(SoftmaxInt8, EqualLogitsGiveEqualProbabilities) {
  const ir::Graph g =
      unary(OpType::kSoftmax, ir::SoftmaxOptions{}, Shape{1, 4}, 0.1f, 3, 1.0f / 256, -128);
  EXPECT_EQ(run_int8(g, {7, 7, 7, 7}), (std::vector<int>{-64, -64, -64, -64}));  // 0.25 · 256
}

TEST(SoftmaxInt8, RejectsOutputParametersOtherThanTheSpec) {
  const ir::Graph g =
      unary(OpType::kSoftmax, ir::SoftmaxOptions{}, Shape{1, 4}, 0.1f, 3, 1.0f / 256, 0);
  EXPECT_EQ(create_error(g),
            "op 'y' (SOFTMAX): output 0 'y' has scale 0.00390625 and zero_point 0, expected 1/256 "
            "and -128 (fixed by the TFLite quantization spec for SOFTMAX)");
}

TEST(LogisticInt8, ZeroMapsToOneHalfAndTheTailsSaturate) {
  const ir::Graph g =
      unary(OpType::kLogistic, ir::NoOptions{}, Shape{3}, 0.5f, 0, 1.0f / 256, -128);
  EXPECT_EQ(run_int8(g, {0, 127, -128}), (std::vector<int>{0, 127, -128}));
}

TEST(TanhInt8, ZeroMapsToZeroAndTheTailsSaturate) {
  const ir::Graph g = unary(OpType::kTanh, ir::NoOptions{}, Shape{3}, 0.5f, 0, 1.0f / 128, 0);
  EXPECT_EQ(run_int8(g, {0, 127, -128}), (std::vector<int>{0, 127, -128}));
}

ir::Graph quantize_graph(int64_t n, float scale, DType out = kI8) {
  ir::Graph g;
  const int x = add_q(g, "x", DType::kFloat32, Shape{n}, 0, 0);
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kQuantize, "q", {x}, ir::NoOptions{}, out, scale, 0)};
  return g;
}

std::vector<int> run_quantize(const ir::Graph& g, const std::vector<float>& x,
                              RoundingProfile profile) {
  auto r = run_raw<int8_t>(g, {to_bytes(x)}, profile);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::vector<int>(r->begin(), r->end()) : std::vector<int>{};
}

TEST(QuantizeFloat, BuiltinRoundsTiesAwayFromZeroXnnpackToEven) {
  const std::vector<float> ties = {-23.5f, -2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 23.5f};
  const ir::Graph g = quantize_graph(8, 1.0f);
  EXPECT_EQ(run_quantize(g, ties, RoundingProfile::kTfliteBuiltin),
            (std::vector<int>{-24, -3, -2, -1, 1, 2, 3, 24}));
  EXPECT_EQ(run_quantize(g, ties, RoundingProfile::kXnnpack),
            (std::vector<int>{-24, -2, -2, 0, 0, 2, 2, 24}));
}

TEST(QuantizeFloat, DividesInDoubleSoNearTiesDependOnTheScale) {
  // 0.7f / 0.2f = 3.4999998882 in double → 3 (a float division would give 3.5f → 4);
  // XNNPACK: 0.7f · (1 / 0.2f) = 3.5f exactly → 4 (to even).
  const ir::Graph g = quantize_graph(1, 0.2f);
  EXPECT_EQ(run_quantize(g, {0.7f}, RoundingProfile::kTfliteBuiltin), (std::vector<int>{3}));
  EXPECT_EQ(run_quantize(g, {0.7f}, RoundingProfile::kXnnpack), (std::vector<int>{4}));
}

TEST(QuantizeFloat, Int16OutputRoundsLikeTheBuiltinInEveryProfile) {
  const ir::Graph g = quantize_graph(1, 1.0f, DType::kInt16);
  for (RoundingProfile p : {RoundingProfile::kTfliteBuiltin, RoundingProfile::kXnnpack}) {
    auto r = run_raw<int16_t>(g, {to_bytes(std::vector<float>{-2.5f})}, p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ((*r)[0], -3);
  }
}

TEST(RequantizeInt8, DoubleRoundingBuiltinEightBitMultiplierXnnpack) {
  // M = 0.25: -2 → -0.5 (builtin -1; XNNPACK (-2·64 + 128) >> 8 = 0); 6 → 1.5 → 2 in both.
  const ir::Graph g = unary(OpType::kQuantize, ir::NoOptions{}, Shape{2}, 0.5f, 0, 2.0f, 0);
  EXPECT_EQ(run_int8(g, {-2, 6}), (std::vector<int>{-1, 2}));
  EXPECT_EQ(run_int8(g, {-2, 6}, RoundingProfile::kXnnpack), (std::vector<int>{0, 2}));
}

TEST(ConcatenationInt8, CopiesSharedParametersAndRequantizesOthers) {
  ir::Graph g;
  const int a = add_q(g, "a", kI8, Shape{1, 2}, 0.25f, 0);
  const int b = add_q(g, "b", kI8, Shape{1, 1}, 0.5f, 0);  // 3 · 0.5 = 1.5 → 6 at 0.25
  g.inputs = {a, b};
  g.outputs = {add_q_op(g, OpType::kConcatenation, "cat", {a, b}, ir::ConcatenationOptions{1}, kI8,
                        0.25f, 0)};
  auto r =
      run_raw<int8_t>(g, {to_bytes(std::vector<int8_t>{1, 2}), to_bytes(std::vector<int8_t>{3})});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(std::vector<int>(r->begin(), r->end()), (std::vector<int>{1, 2, 6}));
}

TEST(PadInt8, PadsWithTheZeroPoint) {
  ir::Graph g;
  const int x = add_q(g, "x", kI8, Shape{1}, 0.1f, -7);
  const int p = add_int32_const(g, "paddings", Shape{1, 2}, {1, 1});
  g.inputs = {x};
  g.outputs = {add_q_op(g, OpType::kPad, "pad", {x, p}, ir::NoOptions{}, kI8, 0.1f, -7)};
  EXPECT_EQ(run_int8(g, {5}), (std::vector<int>{-7, 5, -7}));
}

ir::Graph mean(Shape shape, std::vector<int32_t> axes, bool keep_dims, float s_out, int64_t z_out) {
  ir::Graph g;
  const int x = add_q(g, "x", kI8, std::move(shape), 0.5f, 0);
  const int a = add_int32_const(g, "axes", Shape{static_cast<int64_t>(axes.size())}, axes);
  g.inputs = {x};
  g.outputs = {
      add_q_op(g, OpType::kMean, "mean", {x, a}, ir::ReducerOptions{keep_dims}, kI8, s_out, z_out)};
  return g;
}

TEST(MeanInt8, SharedParametersTruncateTowardZero) {
  // TFLite's reference_ops::Mean: integer division. (-1 - 2) / 2 → -1; (1 + 2) / 2 → 1.
  const ir::Graph g = mean(Shape{2, 2, 1}, {1}, false, 0.5f, 0);
  EXPECT_EQ(run_int8(g, {-1, -2, 1, 2}), (std::vector<int>{-1, 1}));
}

TEST(MeanInt8, SpatialMeanRequantizesTheSumWithDoubleRounding) {
  // 4-D, keep_dims, axes [1, 2]: Σq · 0.5 with SRDHM ties up: -3 → -1, 3 → 2. XNNPACK's global
  // average pooling rounds to even: -1.5 → -2, 1.5 → 2.
  const ir::Graph g = mean(Shape{1, 1, 2, 2}, {1, 2}, true, 0.5f, 0);
  EXPECT_EQ(run_int8(g, {-1, 1, -2, 2}), (std::vector<int>{-1, 2}));
  EXPECT_EQ(run_int8(g, {-1, 1, -2, 2}, RoundingProfile::kXnnpack), (std::vector<int>{-2, 2}));
}

TEST(MeanInt8, OtherParametersRescaleTheFloatMeanRoundingHalfAway) {
  // mean = -2.5 at unchanged scale, output zero point 1: round(-2.5) + 1 = -2.
  const ir::Graph g = mean(Shape{1, 2}, {1}, false, 0.5f, 1);
  EXPECT_EQ(run_int8(g, {-3, -2}), (std::vector<int>{-2}));
}

// Found by tests/fuzz/tflite (corpus: mean_subnormal_output_scale.tflite): an output scale of
// 1.3e-43 made input_scale / output_scale infinite and the rescaled mean of zeros NaN, which was
// then converted to an integer (undefined behaviour). Prepare now rejects the ratio, in every
// rounding profile.
TEST(MeanInt8, AbsurdScaleRatioIsAPrepareError) {
  for (auto [axes, keep_dims] :
       {std::pair{std::vector<int32_t>{1}, false}, std::pair{std::vector<int32_t>{1, 2}, false}}) {
    const ir::Graph g = mean(Shape{1, 2, 2, 1}, axes, keep_dims, 1.3e-43f, -5);
    const std::string error = create_error(g);
    EXPECT_NE(error.find("op 'mean' (MEAN)"), std::string::npos) << error;
    EXPECT_NE(error.find("input_scale / output_scale"), std::string::npos) << error;
  }
  InterpreterOptions xnnpack;
  xnnpack.rounding_profile = RoundingProfile::kXnnpack;
  const ir::Graph g = mean(Shape{1, 2, 2, 1}, {1, 2}, false, 1.3e-43f, -5);
  const std::string error = create_error(g, xnnpack);
  EXPECT_NE(error.find("input_scale / (count * output_scale)"), std::string::npos) << error;
}

TEST(RoundingProfile, NamesParseAndTheRuleTable) {
  EXPECT_EQ(rounding_profile_name(RoundingProfile::kTfliteBuiltin), "tflite_builtin");
  EXPECT_EQ(parse_rounding_profile("xnnpack"), RoundingProfile::kXnnpack);
  EXPECT_EQ(parse_rounding_profile("gemmlowp"), std::nullopt);
  const RoundingProfile b = RoundingProfile::kTfliteBuiltin, x = RoundingProfile::kXnnpack;
  EXPECT_EQ(requant_rule(OpType::kConv2D, b), RequantRule::kSingleRounding);
  EXPECT_EQ(requant_rule(OpType::kFullyConnected, b), RequantRule::kSingleRounding);
  EXPECT_EQ(requant_rule(OpType::kDepthwiseConv2D, b), RequantRule::kDoubleRounding);
  EXPECT_EQ(requant_rule(OpType::kMul, b), RequantRule::kDoubleRounding);
  for (OpType t : {OpType::kConv2D, OpType::kDepthwiseConv2D, OpType::kFullyConnected, OpType::kMul,
                   OpType::kMean}) {
    EXPECT_EQ(requant_rule(t, x), RequantRule::kFloatHalfEven) << ir::op_type_name(t);
  }
  EXPECT_EQ(quantize_rounding(b, kI8), QuantizeRounding::kDivideHalfAway);
  EXPECT_EQ(quantize_rounding(x, kI8), QuantizeRounding::kReciprocalHalfEven);
  EXPECT_EQ(quantize_rounding(x, DType::kInt16), QuantizeRounding::kDivideHalfAway);
}

}  // namespace
}  // namespace qexp::interp::testing

#include "framework/quantization/quantize_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "framework/ir/dump.h"
#include "framework/ir/verifier.h"

namespace qexp::quant {
namespace {

int float_const(ir::Graph& g, const std::string& name, Shape shape, std::vector<float> v) {
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kFloat32, std::move(shape), std::move(bytes));
}

/// input [1,4,4,2] → CONV_2D 1x1 (3 filters, bias, RELU6) → SOFTMAX
ir::Graph conv_softmax(int64_t out_channels = 3) {
  ir::Graph g;
  g.name = "t";
  int in = g.add_tensor("input", DType::kFloat32, Shape{1, 4, 4, 2});
  std::vector<float> w;
  for (int64_t o = 0; o < out_channels; ++o) {
    w.push_back(0.5f * static_cast<float>(o + 1));
    w.push_back(-0.25f * static_cast<float>(o + 1));
  }
  int wt = float_const(g, "conv/weights", Shape{out_channels, 1, 1, 2}, w);
  int b = float_const(g, "conv/bias", Shape{out_channels},
                      std::vector<float>(static_cast<size_t>(out_channels), 0.1f));
  int c = g.add_tensor("conv", DType::kFloat32, Shape{1, 4, 4, out_channels});
  int s = g.add_tensor("softmax", DType::kFloat32, Shape{1, 4, 4, out_channels});
  ir::Conv2DOptions co;
  co.activation = ir::Activation::kRelu6;
  g.add_op(ir::OpType::kConv2D, "conv", {in, wt, b}, {c}, co);
  g.add_op(ir::OpType::kSoftmax, "softmax", {c}, {s}, ir::SoftmaxOptions{});
  g.inputs = {in};
  g.outputs = {s};
  return g;
}

RangeMap ranges() {
  return {{"input", {-1.0f, 3.0f}}, {"conv", {0.0f, 6.0f}}, {"softmax", {0, 1}}};
}

std::vector<std::string> op_types(const ir::Graph& g) {
  std::vector<std::string> v;
  for (const auto& op : g.ops) v.emplace_back(ir::op_type_name(op.type));
  return v;
}

const ir::Tensor& tensor(const ir::Graph& g, const std::string& name) {
  int t = g.find_tensor(name);
  EXPECT_GE(t, 0) << name;
  return g.tensors[static_cast<size_t>(t)];
}

TEST(AsymmetricParams, NudgesZeroPointLikeTflite) {
  ir::QuantParams p = asymmetric_params({-1.0f, 3.0f}, -128, 127);
  EXPECT_FLOAT_EQ(p.scale[0], 4.0f / 255.0f);
  EXPECT_EQ(p.zero_point[0], -64);  // -128 + 1 / (4/255) = -64.25 → -64
  ir::QuantParams positive = asymmetric_params({2.0f, 6.0f}, -128, 127);  // widened to [0, 6]
  EXPECT_FLOAT_EQ(positive.scale[0], 6.0f / 255.0f);
  EXPECT_EQ(positive.zero_point[0], -128);
  ir::QuantParams zero = asymmetric_params({0.0f, 0.0f}, -128, 127);
  EXPECT_FLOAT_EQ(zero.scale[0], 1.0f);
}

TEST(SymmetricWeightParams, PerChannelAlongAxis) {
  ir::Graph g = conv_softmax();
  const ir::Tensor& w = tensor(g, "conv/weights");
  ir::QuantParams p = symmetric_weight_params(w, 0, 127, true);
  ASSERT_EQ(p.scale.size(), 3u);
  EXPECT_FLOAT_EQ(p.scale[2], 1.5f / 127.0f);
  ir::QuantParams t = symmetric_weight_params(w, 0, 127, false);
  ASSERT_EQ(t.scale.size(), 1u);
  EXPECT_FLOAT_EQ(t.scale[0], 1.5f / 127.0f);
}

TEST(QuantizeValues, RoundsHalfAwayFromZeroAndClamps) {
  ir::Graph g;
  int c = float_const(g, "c", Shape{4}, {0.5f, -0.5f, 1.5f, 1000.0f});
  ir::QuantParams p{{1.0f}, {0}, 0, {}, {}};
  auto bytes = quantize_values(g.tensors[static_cast<size_t>(c)], p, DType::kInt8, -127, 127);
  std::vector<int8_t> q(bytes.begin(), bytes.end());
  EXPECT_EQ(q, (std::vector<int8_t>{1, -1, 2, 127}));
}

TEST(QuantizeGraph, Int8InsertsQuantizeAndDequantizeAtFloatEdges) {
  QuantizeSummary summary;
  auto q = quantize_graph(conv_softmax(), ranges(), QuantizeOptions{}, &summary);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q),
            (std::vector<std::string>{"QUANTIZE", "CONV_2D", "SOFTMAX", "DEQUANTIZE"}));
  EXPECT_EQ(summary.quantized_ops, (std::vector<std::string>{"conv", "softmax"}));
  const ir::Tensor& out = q->tensors[static_cast<size_t>(q->outputs[0])];
  EXPECT_EQ(out.name, "softmax");
  EXPECT_EQ(out.dtype, DType::kFloat32);
  const ir::Tensor& sm = tensor(*q, "softmax/int8");
  EXPECT_FLOAT_EQ(sm.quant.scale[0], 1.0f / 256.0f);
  EXPECT_EQ(sm.quant.zero_point[0], -128);
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->inputs[0])].dtype, DType::kFloat32);
  EXPECT_TRUE(ir::verify(*q).ok());
}

TEST(QuantizeGraph, BiasIsInt32WithInputTimesWeightScale) {
  auto q = quantize_graph(conv_softmax(), ranges(), QuantizeOptions{});
  ASSERT_TRUE(q.ok()) << q.status().message();
  const ir::Op& conv = q->ops[1];
  const ir::Tensor& in = q->tensors[static_cast<size_t>(conv.inputs[0])];
  const ir::Tensor& w = q->tensors[static_cast<size_t>(conv.inputs[1])];
  const ir::Tensor& b = q->tensors[static_cast<size_t>(conv.inputs[2])];
  EXPECT_EQ(w.dtype, DType::kInt8);
  EXPECT_EQ(b.dtype, DType::kInt32);
  ASSERT_EQ(b.quant.scale.size(), 3u);
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_FLOAT_EQ(b.quant.scale[c], in.quant.scale[0] * w.quant.scale[c]);
    EXPECT_EQ(b.quant.zero_point[c], 0);
  }
  // w[2] = {1.5, -0.75}, scale 1.5/127 → {127, -64} (−63.5 rounds away from zero).
  auto wq = w.const_data<int8_t>();
  EXPECT_EQ(wq[4], 127);
  EXPECT_EQ(wq[5], -64);
}

// conv weights per channel c: {0.5 (c+1), -0.25 (c+1)}. A weight range method returning half
// the abs-max clips the larger weight of every channel to +127 and quantizes the smaller at
// -0.25 (c+1) / (0.25 (c+1) / 127) = -127.
TEST(QuantizeGraph, WeightThresholdReplacesAbsMaxPerChannel) {
  QuantizeOptions o;
  std::vector<std::pair<std::string, size_t>> calls;
  o.weight_threshold = [&calls](const std::string& name,
                                const std::vector<float>& v) -> Result<float> {
    calls.emplace_back(name, v.size());
    float m = 0.0f;
    for (float x : v) m = std::max(m, std::fabs(x));
    return m / 2;
  };
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(calls, (std::vector<std::pair<std::string, size_t>>(3, {"conv/weights", 2})));
  const ir::Tensor& w = q->tensors[static_cast<size_t>(q->ops[1].inputs[1])];
  for (size_t c = 0; c < 3; ++c) {
    EXPECT_FLOAT_EQ(w.quant.scale[c], 0.25f * static_cast<float>(c + 1) / 127.0f);
  }
  auto wq = w.const_data<int8_t>();
  EXPECT_EQ(std::vector<int8_t>(wq.begin(), wq.end()),
            (std::vector<int8_t>{127, -127, 127, -127, 127, -127}));
  // Per tensor: one call with all six values.
  calls.clear();
  o.per_channel = false;
  ASSERT_TRUE(quantize_graph(conv_softmax(), ranges(), o).ok());
  EXPECT_EQ(calls, (std::vector<std::pair<std::string, size_t>>{{"conv/weights", 6}}));
}

TEST(QuantizeGraph, WeightThresholdErrorsNameTheTensor) {
  QuantizeOptions o;
  o.weight_threshold = [](const std::string&, const std::vector<float>&) -> Result<float> {
    return -1.0f;
  };
  EXPECT_EQ(quantize_graph(conv_softmax(), ranges(), o).status().message(),
            "weight range of 'conv/weights': threshold -1 is not a finite value >= 0");
  o.weight_threshold = [](const std::string&, const std::vector<float>&) -> Result<float> {
    return invalid_argument("no");
  };
  EXPECT_EQ(quantize_graph(conv_softmax(), ranges(), o).status().message(),
            "weight range of 'conv/weights': no");
}

TEST(QuantizeGraph, PerTensorWeightsGiveOneScale) {
  QuantizeOptions o;
  o.per_channel = false;
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok());
  const ir::Op& conv = q->ops[1];
  EXPECT_EQ(q->tensors[static_cast<size_t>(conv.inputs[1])].quant.scale.size(), 1u);
  EXPECT_EQ(q->tensors[static_cast<size_t>(conv.inputs[2])].quant.scale.size(), 1u);
}

TEST(QuantizeGraph, Int8IoMakesModelInputsAndOutputsInt8) {
  QuantizeOptions o;
  o.io_type = IoType::kInt8;
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q), (std::vector<std::string>{"CONV_2D", "SOFTMAX"}));
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->inputs[0])].dtype, DType::kInt8);
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->outputs[0])].dtype, DType::kInt8);
}

TEST(QuantizeGraph, Uint8InputFeedsAnExcludedFloatOpThroughDequantize) {
  QuantizeOptions o;
  o.io_type = IoType::kUInt8;
  o.exclude = {"conv"};
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q),
            (std::vector<std::string>{"DEQUANTIZE", "CONV_2D", "QUANTIZE", "SOFTMAX", "QUANTIZE"}));
  const ir::Op& conv = q->ops[1];
  EXPECT_EQ(q->tensors[static_cast<size_t>(conv.inputs[0])].dtype, DType::kFloat32);
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->inputs[0])].dtype, DType::kUInt8);
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->outputs[0])].dtype, DType::kUInt8);
}

TEST(QuantizeGraph, Uint8IoConvertsToInt8AtTheEdges) {
  QuantizeOptions o;
  o.io_type = IoType::kUInt8;
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q), (std::vector<std::string>{"QUANTIZE", "CONV_2D", "SOFTMAX", "QUANTIZE"}));
  const ir::Tensor& in = q->tensors[static_cast<size_t>(q->inputs[0])];
  const ir::Tensor& in8 = q->tensors[static_cast<size_t>(q->ops[0].outputs[0])];
  EXPECT_EQ(in.quant.zero_point[0], in8.quant.zero_point[0] + 128);
  EXPECT_EQ(in.quant.scale, in8.quant.scale);
}

TEST(QuantizeGraph, ExcludedOpStaysFloatBetweenConversions) {
  QuantizeOptions o;
  o.exclude = {"soft.*"};
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q),
            (std::vector<std::string>{"QUANTIZE", "CONV_2D", "DEQUANTIZE", "SOFTMAX"}));
  o.exclude = {"CONV_2D"};
  auto by_type = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(by_type.ok());
  EXPECT_EQ(op_types(*by_type),
            (std::vector<std::string>{"CONV_2D", "QUANTIZE", "SOFTMAX", "DEQUANTIZE"}));
  o.exclude = {"(["};
  auto bad = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("exclude: '(['"), std::string::npos);
}

TEST(QuantizeGraph, MissingRangeNamesTheTensor) {
  RangeMap r = ranges();
  r.erase("conv");
  auto q = quantize_graph(conv_softmax(), r, QuantizeOptions{});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "no calibrated range for activation tensor 'conv'");
}

TEST(QuantizeGraph, UnsupportedOpSuggestsExclude) {
  ir::Graph g = conv_softmax();
  g.ops[1].type = ir::OpType::kRelu;
  g.ops[1].options = ir::NoOptions{};
  auto q = quantize_graph(g, ranges(), QuantizeOptions{});
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "op 'softmax' (RELU) cannot be quantized in int8 mode; keep it in float with exclude: "
            "[RELU] or exclude its name");
}

TEST(CheckQuantizable, ReportsUnsupportedOpsAndBadExcludesWithoutRanges) {
  ir::Graph g = conv_softmax();
  g.ops[1].type = ir::OpType::kRelu;
  g.ops[1].options = ir::NoOptions{};
  QuantizeOptions o;
  EXPECT_EQ(check_quantizable(g, o).message(),
            "op 'softmax' (RELU) cannot be quantized in int8 mode; keep it in float with exclude: "
            "[RELU] or exclude its name");
  o.exclude = {"RELU"};
  EXPECT_TRUE(check_quantizable(g, o).ok());
  o.exclude = {"("};
  EXPECT_FALSE(check_quantizable(g, o).ok());
  o.exclude = {};
  o.mode = QuantMode::kDynamicRange;  // float ops are fine outside the integer modes
  EXPECT_TRUE(check_quantizable(g, o).ok());
}

TEST(QuantizeGraph, DynamicRangeQuantizesOnlyLargeWeights) {
  QuantizeOptions o;
  o.mode = QuantMode::kDynamicRange;
  auto small = quantize_graph(conv_softmax(), {}, o);
  ASSERT_TRUE(small.ok()) << small.status().message();
  EXPECT_EQ(small->tensors[static_cast<size_t>(small->ops[0].inputs[1])].dtype, DType::kFloat32);
  o.dynamic_range_min_elements = 6;
  auto q = quantize_graph(conv_softmax(), {}, o);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(op_types(*q), (std::vector<std::string>{"CONV_2D", "SOFTMAX"}));
  const ir::Tensor& w = q->tensors[static_cast<size_t>(q->ops[0].inputs[1])];
  EXPECT_EQ(w.dtype, DType::kInt8);
  EXPECT_EQ(w.quant.scale.size(), 3u);
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->ops[0].inputs[2])].dtype, DType::kFloat32);
}

TEST(QuantizeGraph, Float16StoresHalfConstantsBehindDequantize) {
  QuantizeOptions o;
  o.mode = QuantMode::kFloat16;
  auto q = quantize_graph(conv_softmax(), {}, o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q),
            (std::vector<std::string>{"DEQUANTIZE", "DEQUANTIZE", "CONV_2D", "SOFTMAX"}));
  EXPECT_EQ(tensor(*q, "conv/weights/float16").dtype, DType::kFloat16);
  EXPECT_EQ(q->tensors[static_cast<size_t>(q->ops[2].inputs[1])].name, "conv/weights/dequantize");
}

TEST(QuantizeGraph, Int16x8UsesSymmetricInt16ActivationsAndInt64Bias) {
  QuantizeOptions o;
  o.mode = QuantMode::kInt16x8;
  auto q = quantize_graph(conv_softmax(), ranges(), o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  const ir::Op& conv = q->ops[1];
  const ir::Tensor& in = q->tensors[static_cast<size_t>(conv.inputs[0])];
  EXPECT_EQ(in.dtype, DType::kInt16);
  EXPECT_EQ(in.quant.zero_point[0], 0);
  EXPECT_FLOAT_EQ(in.quant.scale[0], 3.0f / 32767.0f);
  EXPECT_EQ(q->tensors[static_cast<size_t>(conv.inputs[2])].dtype, DType::kInt64);
}

// TFLite's operator_property.cc: restricted_value_int8 / restricted_value_int16.
TEST(FixedOutputParams, MatchTflitesRestrictedValues) {
  using ir::OpType;
  const ir::QuantParams q256{{1.0f / 256.0f}, {-128}, 0, {}, {}};
  const ir::QuantParams q128{{1.0f / 128.0f}, {0}, 0, {}, {}};
  const ir::QuantParams q32768{{1.0f / 32768.0f}, {0}, 0, {}, {}};
  EXPECT_EQ(fixed_output_params(OpType::kSoftmax, QuantMode::kInt8), q256);
  EXPECT_EQ(fixed_output_params(OpType::kLogistic, QuantMode::kInt8), q256);
  EXPECT_EQ(fixed_output_params(OpType::kTanh, QuantMode::kInt8), q128);
  EXPECT_EQ(fixed_output_params(OpType::kSoftmax, QuantMode::kInt16x8), q32768);
  EXPECT_EQ(fixed_output_params(OpType::kLogistic, QuantMode::kInt16x8), q32768);
  EXPECT_EQ(fixed_output_params(OpType::kTanh, QuantMode::kInt16x8), q32768);
  EXPECT_EQ(fixed_output_params(OpType::kConv2D, QuantMode::kInt8), std::nullopt);
}

TEST(QuantizeGraph, Int8TanhAndLogisticOutputsGetTheFixedParams) {
  for (auto type : {ir::OpType::kTanh, ir::OpType::kLogistic}) {
    ir::Graph g = conv_softmax();
    g.ops[1].type = type;
    g.ops[1].options = ir::NoOptions{};
    auto q = quantize_graph(g, ranges(), QuantizeOptions{});
    ASSERT_TRUE(q.ok()) << q.status().message();
    EXPECT_EQ(tensor(*q, "softmax/int8").quant, *fixed_output_params(type, QuantMode::kInt8));
  }
}

/// inputs a [1,2,2,1] and b [1,2,2,2] → CONCATENATION (axis 3) → y [1,2,2,3]
ir::Graph concat_graph() {
  ir::Graph g;
  g.name = "c";
  int a = g.add_tensor("a", DType::kFloat32, Shape{1, 2, 2, 1});
  int b = g.add_tensor("b", DType::kFloat32, Shape{1, 2, 2, 2});
  int y = g.add_tensor("y", DType::kFloat32, Shape{1, 2, 2, 3});
  g.add_op(ir::OpType::kConcatenation, "y", {a, b}, {y}, ir::ConcatenationOptions{3});
  g.inputs = {a, b};
  g.outputs = {y};
  return g;
}

TEST(QuantizeGraph, ConcatenationInputsAreRequantizedToTheOutputParams) {
  QuantizeOptions o;
  o.io_type = IoType::kInt8;
  // b's range is the output's: only a needs a requantization.
  RangeMap r = {{"a", {-1.0f, 1.0f}}, {"b", {-2.0f, 4.0f}}, {"y", {-2.0f, 4.0f}}};
  QuantizeSummary summary;
  auto q = quantize_graph(concat_graph(), r, o, &summary);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q), (std::vector<std::string>{"QUANTIZE", "CONCATENATION"}));
  EXPECT_EQ(summary.inserted_quantize, 1);
  const ir::QuantParams& out_q = tensor(*q, "y").quant;
  EXPECT_EQ(out_q, asymmetric_params({-2.0f, 4.0f}, -128, 127));
  const ir::Op& requant = q->ops[0];
  EXPECT_EQ(q->tensors[static_cast<size_t>(requant.inputs[0])].name, "a");
  EXPECT_EQ(q->tensors[static_cast<size_t>(requant.outputs[0])].name, "a/requantized/y");
  for (int t : q->ops[1].inputs) EXPECT_EQ(q->tensors[static_cast<size_t>(t)].quant, out_q);
  EXPECT_TRUE(ir::verify(*q).ok());
}

TEST(QuantizeGraph, ConcatenationOfOneTensorTwiceRequantizesItOnce) {
  ir::Graph g = concat_graph();
  g.ops[0].inputs = {0, 0, 1};
  g.tensors[2].shape = Shape{1, 2, 2, 4};
  QuantizeOptions o;
  o.io_type = IoType::kInt8;
  RangeMap r = {{"a", {-1.0f, 1.0f}}, {"b", {-2.0f, 4.0f}}, {"y", {-2.0f, 4.0f}}};
  auto q = quantize_graph(g, r, o);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(op_types(*q), (std::vector<std::string>{"QUANTIZE", "CONCATENATION"}));
  EXPECT_EQ(q->ops[1].inputs[0], q->ops[1].inputs[1]);
}

TEST(ParseModes, NamesRoundTripAndErrorsListChoices) {
  EXPECT_EQ(*parse_quant_mode("dynamic_range"), QuantMode::kDynamicRange);
  EXPECT_EQ(parse_quant_mode("int4").status().message(),
            "quantization mode 'int4' is not one of float16, dynamic_range, int8, int16x8");
  EXPECT_EQ(*parse_io_type("uint8"), IoType::kUInt8);
}

}  // namespace
}  // namespace qexp::quant

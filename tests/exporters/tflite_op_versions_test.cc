// Operator versions as TFLite's converter sets them (tools/versioning/op_version.cc), as a function
// of op type, operand types, per-channel quantization and options; and the minimum runtime
// version table (tools/versioning/runtime_version.cc).

#include <gtest/gtest.h>

#include "framework/exporters/tflite/op_versions.h"

namespace qexp::tflite {
namespace {

using ir::OpType;
constexpr DType F32 = DType::kFloat32, F16 = DType::kFloat16, I8 = DType::kInt8, U8 = DType::kUInt8,
                I16 = DType::kInt16, I32 = DType::kInt32, I64 = DType::kInt64;

/// One operand: type, shape, and (when non-empty) quantization scales along `axis`.
struct Operand {
  DType type = F32;
  Shape shape;
  std::vector<float> scales = {};
  int axis = 0;
  bool absent = false;  ///< an optional input written as -1
};

Operand absent() { return Operand{F32, Shape{}, {}, 0, true}; }

int add_operand(ir::Graph& g, const Operand& o) {
  if (o.absent) return -1;
  int t = g.add_tensor("t" + std::to_string(g.tensors.size()), o.type, o.shape);
  ir::QuantParams& q = g.tensors[static_cast<size_t>(t)].quant;
  q.scale = o.scales;
  q.zero_point.assign(o.scales.size(), 0);
  q.quantized_dimension = o.axis;
  return t;
}

int version(OpType type, const std::vector<Operand>& ins, const Operand& out,
            std::optional<ir::OpOptions> options = std::nullopt) {
  ir::Graph g;
  std::vector<int> in_idx;
  for (const Operand& o : ins) in_idx.push_back(add_operand(g, o));
  int out_idx = add_operand(g, out);
  g.add_op(type, "op", in_idx, {out_idx}, options ? *options : ir::default_options(type));
  return tflite_op_version(g, g.ops[0]);
}

std::vector<float> scales(int n) { return std::vector<float>(static_cast<size_t>(n), 0.5f); }

// --- CONV_2D: in [1,8,8,3], filter [4,3,3,3], bias [4] -------------------------------------------

int conv(DType in, DType w, DType out, std::vector<float> w_scales = {},
         Shape in_shape = {1, 8, 8, 3}, Shape w_shape = {4, 3, 3, 3}) {
  DType bias = in == I8 ? I32 : (in == I16 ? I64 : F32);
  return version(OpType::kConv2D,
                 {{in, in_shape, in == F32 ? std::vector<float>{} : scales(1)},
                  {w, w_shape, w_scales},
                  {bias, Shape{w_shape[0]}}},
                 {out, Shape{1, 8, 8, w_shape[0]}, out == F32 ? std::vector<float>{} : scales(1)});
}

TEST(TfliteOpVersion, Conv2D) {
  EXPECT_EQ(conv(F32, F32, F32), 1);
  EXPECT_EQ(conv(I8, I8, I8, scales(4)), 3);
  EXPECT_EQ(conv(F32, I8, F32, scales(1)), 2);  // hybrid, per-tensor weights
  EXPECT_EQ(conv(F32, I8, F32, scales(4)), 5);  // hybrid, per-channel weights
  // One output channel with one scale counts as per-channel (op_signature.cc compares the scale
  // count with the filter count).
  EXPECT_EQ(conv(F32, I8, F32, scales(1), {1, 8, 8, 3}, {1, 3, 3, 3}), 5);
  EXPECT_EQ(conv(F32, F32, F32, {}, {1, 8, 8, 6}), 6);  // grouped: 6 input channels, filter 3
  EXPECT_EQ(conv(I16, I16, I16, scales(4)), 4);
  // 16x8 (int16 activations, int8 filter): upstream's version-4 rule asks for an int16 filter,
  // so the converter leaves such a conv at version 1.
  EXPECT_EQ(conv(I16, I8, I16, scales(4)), 1);
}

// --- DEPTHWISE_CONV_2D: in [1,8,8,4], filter [1,3,3,4] -------------------------------------------

int depthwise(DType in, DType w, DType out, std::vector<float> w_scales = {}, int dilation = 1) {
  ir::DepthwiseConv2DOptions o;
  o.dilation_h = dilation;
  return version(OpType::kDepthwiseConv2D,
                 {{in, Shape{1, 8, 8, 4}}, {w, Shape{1, 3, 3, 4}, w_scales, 3}},
                 {out, Shape{1, 8, 8, 4}}, o);
}

TEST(TfliteOpVersion, DepthwiseConv2D) {
  EXPECT_EQ(depthwise(F32, F32, F32), 1);
  EXPECT_EQ(depthwise(F32, F32, F32, {}, 2), 2);  // dilation
  EXPECT_EQ(depthwise(I8, I8, I8, scales(4)), 3);
  EXPECT_EQ(depthwise(I8, I8, I8, scales(4), 2), 3);
  EXPECT_EQ(depthwise(F32, I8, F32, scales(1)), 4);  // hybrid
  EXPECT_EQ(depthwise(F32, I8, F32, scales(4)), 6);  // hybrid, per-channel (dimension 3)
  EXPECT_EQ(depthwise(I16, I16, I16, scales(4)), 5);
  EXPECT_EQ(depthwise(I16, I8, I16, scales(4)), 1);
}

// --- FULLY_CONNECTED: in [1,8], weights [10,8], bias [10] ----------------------------------------

int fc(DType in, DType w, DType out, std::vector<float> w_scales = {}, int num_inputs = 3,
       bool keep_num_dims = false) {
  DType bias = in == I8 ? I32 : F32;
  std::vector<Operand> ins = {{in, Shape{1, 8}}, {w, Shape{10, 8}, w_scales}};
  if (num_inputs == 3) ins.push_back({bias, Shape{10}});
  if (num_inputs == -1) ins.push_back(absent());
  return version(OpType::kFullyConnected, ins, {out, Shape{1, 10}},
                 ir::FullyConnectedOptions{ir::Activation::kNone, keep_num_dims});
}

TEST(TfliteOpVersion, FullyConnected) {
  EXPECT_EQ(fc(F32, F32, F32), 1);
  EXPECT_EQ(fc(F32, F32, F32, {}, -1), 1);  // bias -1 still counts as an input
  EXPECT_EQ(fc(F32, F32, F32, {}, 2), 6);   // no bias input at all
  EXPECT_EQ(fc(F32, F32, F32, {}, 3, true), 5);
  EXPECT_EQ(fc(I8, I8, I8, scales(1)), 4);
  EXPECT_EQ(fc(I8, I8, I8, scales(1), 2), 6);
  EXPECT_EQ(fc(I8, I8, I8, scales(1), 3, true), 5);
  EXPECT_EQ(fc(F32, I8, F32, scales(1)), 3);    // hybrid
  EXPECT_EQ(fc(F32, I8, F32, scales(10)), 12);  // hybrid, per-channel weights
  EXPECT_EQ(fc(I16, I16, I16, scales(1)), 7);
  EXPECT_EQ(fc(I16, I8, I16, scales(1)), 1);
}

// --- binary elementwise ------------------------------------------------------------------------

int binary(OpType type, DType t, std::vector<float> in_scale = {},
           std::vector<float> out_scale = {}, Shape a = {1, 4}, Shape b = {1, 4}) {
  return version(type, {{t, a, in_scale}, {t, b, in_scale}}, {t, a, out_scale});
}

TEST(TfliteOpVersion, Add) {
  EXPECT_EQ(binary(OpType::kAdd, F32), 1);
  EXPECT_EQ(binary(OpType::kAdd, U8, {0.5f}, {0.5f}), 1);
  EXPECT_EQ(binary(OpType::kAdd, I8, {0.5f}, {0.5f}), 2);
  EXPECT_EQ(binary(OpType::kAdd, I16, {0.5f}, {0.5f}), 3);  // 16x8: pot_scale_int16 = false
  EXPECT_EQ(binary(OpType::kAdd, I64), 4);
  EXPECT_EQ(binary(OpType::kAdd, I16), 5);  // plain int16 arithmetic, no quantization
}

TEST(TfliteOpVersion, Sub) {
  EXPECT_EQ(binary(OpType::kSub, F32), 1);
  EXPECT_EQ(binary(OpType::kSub, I8, {0.5f}, {0.5f}), 2);
  EXPECT_EQ(binary(OpType::kSub, F32, {}, {}, {1, 2, 3, 4, 5}, {5}), 3);  // broadcast beyond 4D
  EXPECT_EQ(binary(OpType::kSub, F32, {}, {}, {1, 2, 3, 4, 5}, {1, 2, 3, 4, 5}), 1);
  EXPECT_EQ(binary(OpType::kSub, I64), 4);
  EXPECT_EQ(binary(OpType::kSub, I16, {0.5f}, {0.5f}), 5);
}

TEST(TfliteOpVersion, Mul) {
  EXPECT_EQ(binary(OpType::kMul, F32), 1);
  EXPECT_EQ(binary(OpType::kMul, I8, {0.1f}, {0.5f}), 2);  // 0.1 · 0.1 / 0.5 < 1
  EXPECT_EQ(binary(OpType::kMul, I8, {0.5f}, {0.1f}), 3);  // 0.5 · 0.5 / 0.1 ≥ 1
  EXPECT_EQ(binary(OpType::kMul, I16, {0.1f}, {0.5f}), 4);
  EXPECT_EQ(binary(OpType::kMul, I64), 5);
  EXPECT_EQ(binary(OpType::kMul, I16), 7);
}

// --- unary ops ---------------------------------------------------------------------------------

int unary(OpType type, DType in, DType out, Shape shape = {1, 4, 4, 2}) {
  if (type == OpType::kMean || type == OpType::kPad) {
    return version(type, {{in, shape}, {I32, Shape{type == OpType::kPad ? shape.rank() : 1, 2}}},
                   {out, shape});
  }
  return version(type, {{in, shape}}, {out, shape});
}

TEST(TfliteOpVersion, PoolingSoftmaxMeanActivationsConcatPad) {
  for (OpType t :
       {OpType::kAveragePool2D, OpType::kMaxPool2D, OpType::kSoftmax, OpType::kMean, OpType::kRelu6,
        OpType::kLogistic, OpType::kTanh, OpType::kConcatenation, OpType::kPad}) {
    SCOPED_TRACE(ir::op_type_name(t));
    EXPECT_EQ(unary(t, F32, F32), 1);
    EXPECT_EQ(unary(t, I8, I8), 2);
    EXPECT_EQ(unary(t, I16, I16), 3);
    EXPECT_EQ(unary(t, U8, U8), 1);
  }
  EXPECT_EQ(unary(OpType::kPad, F32, F32, {1, 2, 3, 4, 5}), 4);
  EXPECT_EQ(unary(OpType::kPad, I8, I8, {1, 2, 3, 4, 5}), 4);
}

TEST(TfliteOpVersion, ReluReshapeSqueeze) {
  EXPECT_EQ(unary(OpType::kRelu, F32, F32), 1);
  EXPECT_EQ(unary(OpType::kRelu, U8, U8), 2);
  EXPECT_EQ(unary(OpType::kRelu, I8, I8), 2);
  EXPECT_EQ(unary(OpType::kRelu, I16, I16), 3);
  EXPECT_EQ(unary(OpType::kReluN1To1, I8, I8), 1);
  EXPECT_EQ(unary(OpType::kReshape, I8, I8), 1);
  EXPECT_EQ(unary(OpType::kSqueeze, I8, I8), 1);
}

TEST(TfliteOpVersion, QuantizeAndDequantize) {
  const Shape w{4, 3};
  EXPECT_EQ(version(OpType::kDequantize, {{I8, w, scales(1)}}, {F32, w}), 2);
  EXPECT_EQ(version(OpType::kDequantize, {{I8, w, scales(4), 0}}, {F32, w}), 5);
  EXPECT_EQ(version(OpType::kDequantize, {{I8, w, scales(3), 1}}, {F32, w}), 5);
  EXPECT_EQ(version(OpType::kDequantize, {{F16, w}}, {F32, w}), 3);
  EXPECT_EQ(version(OpType::kDequantize, {{I16, w, scales(1)}}, {F32, w}), 3);
  EXPECT_EQ(version(OpType::kDequantize, {{U8, w, scales(1)}}, {F32, w}), 1);
  EXPECT_EQ(version(OpType::kQuantize, {{F32, w}}, {I8, w, scales(1)}), 1);
  EXPECT_EQ(version(OpType::kQuantize, {{I8, w, scales(1)}}, {I8, w, scales(1)}), 1);
  EXPECT_EQ(version(OpType::kQuantize, {{F32, w}}, {I16, w, scales(1)}), 2);
  EXPECT_EQ(version(OpType::kQuantize, {{F32, w}}, {I8, w, scales(4), 0}), 3);
}

TEST(TfliteRuntimeVersion, TableLookups) {
  EXPECT_EQ(tflite_min_runtime_version(3, 1), "1.5.0");    // CONV_2D float
  EXPECT_EQ(tflite_min_runtime_version(3, 3), "1.14.0");   // CONV_2D int8
  EXPECT_EQ(tflite_min_runtime_version(4, 2), "1.12.0");   // DEPTHWISE_CONV_2D dilated
  EXPECT_EQ(tflite_min_runtime_version(9, 6), "2.1.0");    // FULLY_CONNECTED without bias
  EXPECT_EQ(tflite_min_runtime_version(114, 3), "2.7.0");  // QUANTIZE per-channel
  EXPECT_EQ(tflite_min_runtime_version(9, 12), "");        // newer than the table
  EXPECT_EQ(tflite_min_runtime_version(99, 1), "");        // not an op qexp exports
}

TEST(TfliteRuntimeVersion, ComparesComponentsNumerically) {
  EXPECT_TRUE(runtime_version_less("", "1.5.0"));
  EXPECT_FALSE(runtime_version_less("1.5.0", ""));
  EXPECT_TRUE(runtime_version_less("1.5.0", "1.14.0"));
  EXPECT_FALSE(runtime_version_less("1.14.0", "1.5.0"));
  EXPECT_FALSE(runtime_version_less("2.1.0", "2.1.0"));
  EXPECT_TRUE(runtime_version_less("1.13.1", "1.14.0"));
  EXPECT_TRUE(runtime_version_less("1.5", "1.5.0"));
  EXPECT_FALSE(runtime_version_less("1.5.0", "1.5"));
}

TEST(TfliteRuntimeVersion, ModelTakesTheMaximumOverItsOps) {
  ir::Graph g;
  int x = g.add_tensor("x", I8, Shape{1, 4, 4, 2});
  int y = g.add_tensor("y", I8, Shape{1, 4, 4, 2});
  int z = g.add_tensor("z", I16, Shape{1, 4, 4, 2});
  g.add_op(OpType::kRelu, "relu", {x}, {y}, ir::NoOptions{});             // v2: 2.1.0
  g.add_op(OpType::kSoftmax, "softmax", {z}, {z}, ir::SoftmaxOptions{});  // v3: 2.3.0
  EXPECT_EQ(model_min_runtime_version(g), "2.3.0");
  g.ops.pop_back();
  EXPECT_EQ(model_min_runtime_version(g), "2.1.0");
  g.ops.clear();
  EXPECT_EQ(model_min_runtime_version(g), "");
}

}  // namespace
}  // namespace qexp::tflite

#include "tests/importers/tflite_test_graphs.h"

#include <cmath>
#include <cstring>

namespace qexp::tflite_test {

std::vector<float> seeded_floats(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1u;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

int add_float_const(ir::Graph& g, const std::string& name, const Shape& shape, uint32_t seed) {
  auto v = seeded_floats(static_cast<size_t>(shape.num_elements()), seed);
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kFloat32, shape, std::move(bytes));
}

int add_int32_const(ir::Graph& g, const std::string& name, const Shape& shape,
                    const std::vector<int32_t>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return g.add_const(name, DType::kInt32, shape, std::move(bytes));
}

ir::Op& add_op(ir::Graph& g, ir::OpType type, std::vector<int> inputs, std::vector<int> outputs,
               ir::OpOptions options) {
  std::string name = g.tensors[static_cast<size_t>(outputs[0])].name;
  return g.add_op(type, name, std::move(inputs), std::move(outputs), std::move(options));
}

ir::Graph float_cnn(const std::string& name) {
  using ir::OpType;
  ir::Graph g;
  g.name = name;
  const DType f32 = DType::kFloat32;
  int x = g.add_tensor("input", f32, Shape{1, 8, 8, 3});
  int w1 = add_float_const(g, "conv1/weights", Shape{4, 3, 3, 3}, 1);
  int b1 = add_float_const(g, "conv1/bias", Shape{4}, 2);
  int c1 = g.add_tensor("conv1/Relu6", f32, Shape{1, 8, 8, 4});
  int w2 = add_float_const(g, "dw/weights", Shape{1, 3, 3, 8}, 3);
  int b2 = add_float_const(g, "dw/bias", Shape{8}, 4);
  int c2 = g.add_tensor("dw/BiasAdd", f32, Shape{1, 3, 3, 8});
  int pads = add_int32_const(g, "pad/paddings", Shape{4, 2}, {0, 0, 1, 1, 1, 1, 0, 0});
  int p = g.add_tensor("pad/Pad", f32, Shape{1, 5, 5, 8});
  int mp = g.add_tensor("maxpool/MaxPool", f32, Shape{1, 4, 4, 8});
  int ap = g.add_tensor("avgpool/AvgPool", f32, Shape{1, 2, 2, 8});
  int axes = add_int32_const(g, "mean/axes", Shape{2}, {1, 2});
  int mean = g.add_tensor("mean/Mean", f32, Shape{1, 1, 1, 8});
  int shape = add_int32_const(g, "flatten/shape", Shape{2}, {1, -1});
  int flat = g.add_tensor("flatten/Reshape", f32, Shape{1, 8});
  int w3 = add_float_const(g, "fc/weights", Shape{10, 8}, 5);
  int b3 = add_float_const(g, "fc/bias", Shape{10}, 6);
  int fc = g.add_tensor("fc/Relu", f32, Shape{1, 10});
  int sm = g.add_tensor("softmax", f32, Shape{1, 10});
  g.inputs = {x};
  g.outputs = {sm};

  ir::Conv2DOptions conv;
  conv.activation = ir::Activation::kRelu6;
  add_op(g, OpType::kConv2D, {x, w1, b1}, {c1}, conv);
  ir::DepthwiseConv2DOptions dw;
  dw.padding = ir::Padding::kValid;
  dw.stride_h = dw.stride_w = 2;
  dw.depth_multiplier = 2;
  add_op(g, OpType::kDepthwiseConv2D, {c1, w2, b2}, {c2}, dw);
  add_op(g, OpType::kPad, {c2, pads}, {p}, ir::NoOptions{});
  ir::Pool2DOptions maxpool;
  maxpool.filter_h = maxpool.filter_w = 2;
  add_op(g, OpType::kMaxPool2D, {p}, {mp}, maxpool);
  ir::Pool2DOptions avgpool;
  avgpool.padding = ir::Padding::kSame;
  avgpool.filter_h = avgpool.filter_w = 2;
  avgpool.stride_h = avgpool.stride_w = 2;
  add_op(g, OpType::kAveragePool2D, {mp}, {ap}, avgpool);
  add_op(g, OpType::kMean, {ap, axes}, {mean}, ir::ReducerOptions{true});
  add_op(g, OpType::kReshape, {mean, shape}, {flat}, ir::ReshapeOptions{{1, -1}});
  ir::FullyConnectedOptions fco;
  fco.activation = ir::Activation::kRelu;
  add_op(g, OpType::kFullyConnected, {flat, w3, b3}, {fc}, fco);
  add_op(g, OpType::kSoftmax, {fc}, {sm}, ir::SoftmaxOptions{1.0f});
  return g;
}

ir::Graph float_elementwise(const std::string& name) {
  using ir::OpType;
  ir::Graph g;
  g.name = name;
  const DType f32 = DType::kFloat32;
  const Shape s{1, 4, 4, 2};
  int a = g.add_tensor("a", f32, s);
  int b = g.add_tensor("b", f32, s);
  int c = add_float_const(g, "c", Shape{2}, 7);
  int add = g.add_tensor("add", f32, s);
  int sub = g.add_tensor("sub", f32, s);
  int mul = g.add_tensor("mul", f32, s);
  int cat = g.add_tensor("concat", f32, Shape{1, 4, 4, 4});
  int sig = g.add_tensor("logistic", f32, Shape{1, 4, 4, 4});
  int tanh = g.add_tensor("tanh", f32, Shape{1, 4, 4, 4});
  int relu = g.add_tensor("relu", f32, Shape{1, 4, 4, 4});
  int relu6 = g.add_tensor("relu6", f32, Shape{1, 4, 4, 4});
  int relu1 = g.add_tensor("relu_n1_to_1", f32, Shape{1, 4, 4, 4});
  int cat2 = g.add_tensor("concat2", f32, Shape{1, 4, 4, 8});
  int flat = g.add_tensor("reshape", f32, Shape{1, 16, 8});
  int w1 = add_float_const(g, "fc1/weights", Shape{5, 8}, 8);
  int fc1 = g.add_tensor("fc1", f32, Shape{1, 16, 5});
  int sq = g.add_tensor("squeeze", f32, Shape{16, 5});
  int w2 = add_float_const(g, "fc2/weights", Shape{3, 5}, 9);
  int fc2 = g.add_tensor("fc2", f32, Shape{16, 3});
  g.inputs = {a, b};
  g.outputs = {fc2, relu1};

  add_op(g, OpType::kAdd, {a, c}, {add}, ir::ElementwiseOptions{ir::Activation::kRelu});
  add_op(g, OpType::kSub, {add, b}, {sub}, ir::ElementwiseOptions{});
  add_op(g, OpType::kMul, {sub, b}, {mul}, ir::ElementwiseOptions{ir::Activation::kReluN1To1});
  add_op(g, OpType::kConcatenation, {add, mul}, {cat}, ir::ConcatenationOptions{-1});
  add_op(g, OpType::kLogistic, {cat}, {sig}, ir::NoOptions{});
  add_op(g, OpType::kTanh, {cat}, {tanh}, ir::NoOptions{});
  add_op(g, OpType::kRelu, {cat}, {relu}, ir::NoOptions{});
  add_op(g, OpType::kRelu6, {relu}, {relu6}, ir::NoOptions{});
  add_op(g, OpType::kReluN1To1, {relu6}, {relu1}, ir::NoOptions{});
  add_op(g, OpType::kConcatenation, {sig, tanh}, {cat2}, ir::ConcatenationOptions{3});
  add_op(g, OpType::kReshape, {cat2}, {flat}, ir::ReshapeOptions{{1, 16, 8}});
  add_op(g, OpType::kFullyConnected, {flat, w1, -1}, {fc1},
         ir::FullyConnectedOptions{ir::Activation::kNone, true});
  add_op(g, OpType::kSqueeze, {fc1}, {sq}, ir::SqueezeOptions{{0}});
  add_op(g, OpType::kFullyConnected, {sq, w2}, {fc2}, ir::FullyConnectedOptions{});
  return g;
}

ir::Graph int8_per_axis_conv(const std::string& name) {
  using ir::OpType;
  ir::Graph g;
  g.name = name;
  int x = g.add_tensor("input", DType::kFloat32, Shape{1, 6, 6, 3});
  int xq = g.add_tensor("input_int8", DType::kInt8, Shape{1, 6, 6, 3});
  g.tensors[static_cast<size_t>(xq)].quant.scale = {0.05f};
  g.tensors[static_cast<size_t>(xq)].quant.zero_point = {-3};

  const std::vector<float> w_scale = {0.01f, 0.02f, 0.03f, 0.04f};
  auto wf = seeded_floats(4 * 3 * 3 * 3, 11);
  std::vector<uint8_t> wbytes(wf.size());
  for (size_t i = 0; i < wf.size(); ++i) {
    wbytes[i] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(wf[i] * 127.0f)));
  }
  int w = g.add_const("conv/weights_int8", DType::kInt8, Shape{4, 3, 3, 3}, std::move(wbytes));
  g.tensors[static_cast<size_t>(w)].quant.scale = w_scale;
  g.tensors[static_cast<size_t>(w)].quant.zero_point = {0, 0, 0, 0};

  int b = add_int32_const(g, "conv/bias_int32", Shape{4}, {100, -200, 300, -400});
  ir::QuantParams& bq = g.tensors[static_cast<size_t>(b)].quant;
  for (float s : w_scale) bq.scale.push_back(0.05f * s);
  bq.zero_point = {0, 0, 0, 0};

  int yq = g.add_tensor("conv/Relu_int8", DType::kInt8, Shape{1, 6, 6, 4});
  ir::QuantParams& yqq = g.tensors[static_cast<size_t>(yq)].quant;
  yqq.scale = {0.1f};
  yqq.zero_point = {-128};
  yqq.min = {0.0f};
  yqq.max = {25.5f};
  int y = g.add_tensor("output", DType::kFloat32, Shape{1, 6, 6, 4});
  g.inputs = {x};
  g.outputs = {y};

  add_op(g, OpType::kQuantize, {x}, {xq}, ir::NoOptions{});
  ir::Conv2DOptions conv;
  conv.activation = ir::Activation::kRelu;
  add_op(g, OpType::kConv2D, {xq, w, b}, {yq}, conv);
  add_op(g, OpType::kDequantize, {yq}, {y}, ir::NoOptions{});
  return g;
}

namespace {

int add_q(ir::Graph& g, const std::string& name, DType dtype, const Shape& shape, float scale,
          int64_t zero_point) {
  int t = g.add_tensor(name, dtype, shape);
  g.tensors[static_cast<size_t>(t)].quant.scale = {scale};
  g.tensors[static_cast<size_t>(t)].quant.zero_point = {zero_point};
  return t;
}

int add_int8_const(ir::Graph& g, const std::string& name, const Shape& shape, uint32_t seed,
                   std::vector<float> scales, int axis) {
  auto v = seeded_floats(static_cast<size_t>(shape.num_elements()), seed);
  std::vector<uint8_t> bytes(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(v[i] * 127.0f)));
  }
  int t = g.add_const(name, DType::kInt8, shape, std::move(bytes));
  ir::QuantParams& q = g.tensors[static_cast<size_t>(t)].quant;
  q.zero_point.assign(scales.size(), 0);
  q.scale = std::move(scales);
  q.quantized_dimension = axis;
  return t;
}

int add_bias(ir::Graph& g, const std::string& name, float input_scale,
             const std::vector<float>& weight_scales, int64_t channels) {
  std::vector<int32_t> values(static_cast<size_t>(channels));
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<int32_t>(i * 37) - 50;
  int t = add_int32_const(g, name, Shape{channels}, values);
  ir::QuantParams& q = g.tensors[static_cast<size_t>(t)].quant;
  for (float s : weight_scales) q.scale.push_back(input_scale * s);
  q.zero_point.assign(q.scale.size(), 0);
  return t;
}

}  // namespace

ir::Graph int8_ops(const std::string& name) {
  using ir::OpType;
  ir::Graph g;
  g.name = name;
  const DType i8 = DType::kInt8;
  int x = g.add_tensor("input", DType::kFloat32, Shape{1, 4, 4, 2});
  int xq = add_q(g, "input_q", i8, Shape{1, 4, 4, 2}, 0.02f, 3);
  const std::vector<float> dw_scales = {0.01f, 0.015f};
  int dw_w = add_int8_const(g, "dw/weights", Shape{1, 3, 3, 2}, 31, dw_scales, 3);
  int dw_b = add_bias(g, "dw/bias", 0.02f, dw_scales, 2);
  int dw = add_q(g, "dw", i8, Shape{1, 4, 4, 2}, 0.05f, -10);
  int add = add_q(g, "add", i8, Shape{1, 4, 4, 2}, 0.08f, -5);
  int mp = add_q(g, "maxpool", i8, Shape{1, 2, 2, 2}, 0.08f, -5);
  int pads = add_int32_const(g, "pad/paddings", Shape{4, 2}, {0, 0, 1, 1, 1, 1, 0, 0});
  int pad = add_q(g, "pad", i8, Shape{1, 4, 4, 2}, 0.08f, -5);
  int axes = add_int32_const(g, "mean/axes", Shape{1}, {3});
  int mean = add_q(g, "mean", i8, Shape{1, 4, 4, 1}, 0.08f, -5);
  int shape = add_int32_const(g, "flatten/shape", Shape{2}, {1, 16});
  int flat = add_q(g, "flatten", i8, Shape{1, 16}, 0.08f, -5);
  int fc_w = add_int8_const(g, "fc/weights", Shape{3, 16}, 32, {0.02f}, 0);
  int fc_b = add_bias(g, "fc/bias", 0.08f, {0.02f}, 3);
  int fc = add_q(g, "fc", i8, Shape{1, 3}, 0.1f, 2);
  int sm = add_q(g, "softmax", i8, Shape{1, 3}, 1.0f / 256.0f, -128);
  int y = g.add_tensor("output", DType::kFloat32, Shape{1, 3});
  g.inputs = {x};
  g.outputs = {y};

  add_op(g, OpType::kQuantize, {x}, {xq}, ir::NoOptions{});
  add_op(g, OpType::kDepthwiseConv2D, {xq, dw_w, dw_b}, {dw}, ir::DepthwiseConv2DOptions{});
  add_op(g, OpType::kAdd, {dw, xq}, {add}, ir::ElementwiseOptions{ir::Activation::kRelu});
  ir::Pool2DOptions pool;
  pool.filter_h = pool.filter_w = pool.stride_h = pool.stride_w = 2;
  add_op(g, OpType::kMaxPool2D, {add}, {mp}, pool);
  add_op(g, OpType::kPad, {mp, pads}, {pad}, ir::NoOptions{});
  add_op(g, OpType::kMean, {pad, axes}, {mean}, ir::ReducerOptions{true});
  add_op(g, OpType::kReshape, {mean, shape}, {flat}, ir::ReshapeOptions{{1, 16}});
  add_op(g, OpType::kFullyConnected, {flat, fc_w, fc_b}, {fc}, ir::FullyConnectedOptions{});
  add_op(g, OpType::kSoftmax, {fc}, {sm}, ir::SoftmaxOptions{1.0f});
  add_op(g, OpType::kDequantize, {sm}, {y}, ir::NoOptions{});
  return g;
}

ir::Graph float16_weights(const std::string& name) {
  using ir::OpType;
  ir::Graph g;
  g.name = name;
  int x = g.add_tensor("input", DType::kFloat32, Shape{1, 5, 5, 2});
  auto wf = seeded_floats(3 * 3 * 3 * 2, 21);
  std::vector<uint8_t> wbytes(wf.size() * 2);
  for (size_t i = 0; i < wf.size(); ++i) {
    uint16_t h = float_to_half(wf[i]);
    std::memcpy(wbytes.data() + 2 * i, &h, 2);
  }
  int w16 = g.add_const("conv/weights_fp16", DType::kFloat16, Shape{3, 3, 3, 2}, std::move(wbytes));
  int w = g.add_tensor("conv/weights", DType::kFloat32, Shape{3, 3, 3, 2});
  int b = add_float_const(g, "conv/bias", Shape{3}, 22);
  int y = g.add_tensor("conv/BiasAdd", DType::kFloat32, Shape{1, 3, 3, 3});
  g.inputs = {x};
  g.outputs = {y};
  add_op(g, OpType::kDequantize, {w16}, {w}, ir::NoOptions{});
  ir::Conv2DOptions conv;
  conv.padding = ir::Padding::kValid;
  add_op(g, OpType::kConv2D, {x, w, b}, {y}, conv);
  return g;
}

}  // namespace qexp::tflite_test

#pragma once
// A small graph shaped like what the TensorFlow importer produces (1:1 GraphDef mapping):
// Identity nodes, bias-less convs followed by BiasAdd and FusedBatchNorm, Relu/Relu6 ops,
// global Mean + Squeeze, MatMul with an Identity-read kernel, Softmax, Identity output.

#include "tests/passes/pass_test_util.h"

namespace qexp::passes::testing {

inline int add_bn_params(ir::Graph& g, const std::string& prefix, int x, Shape shape,
                         int channels) {
  std::vector<int> ins = {x};
  const char* names[] = {"gamma", "beta", "moving_mean", "moving_variance"};
  for (int k = 0; k < 4; ++k) {
    std::vector<float> v;
    for (int c = 0; c < channels; ++c) v.push_back(0.5f + 0.25f * static_cast<float>(c + k));
    if (k == 2) v[0] = -0.3f;
    ins.push_back(add_floats(g, prefix + "/" + names[k], Shape{channels}, v));
  }
  int y = add_act(g, prefix + "/FusedBatchNorm", std::move(shape));
  g.add_op(ir::OpType::kBatchNorm, prefix + "/FusedBatchNorm", ins, {y},
           ir::BatchNormOptions{});
  return y;
}

/// input [1,8,8,3] → conv 3x3/2 → BN → Relu6 → depthwise 3x3 (weights = Reshape of a const) →
/// BiasAdd → BN → Relu → Mean(1,2, keep_dims) → Squeeze → MatMul(Identity(kernel)) → BiasAdd →
/// Softmax → Identity "output".
inline ir::Graph tf_like_graph() {
  ir::Graph g;
  g.name = "tf_like";
  int in = add_act(g, "input", Shape{1, 8, 8, 3});
  int w1 = add_ramp(g, "conv1/weights", Shape{4, 3, 3, 3}, 0.01f);
  int c1 = add_act(g, "conv1/Conv2D", Shape{1, 4, 4, 4});
  ir::Conv2DOptions co;
  co.stride_h = co.stride_w = 2;
  g.add_op(ir::OpType::kConv2D, "conv1/Conv2D", {in, w1, -1}, {c1}, co);
  int bn1 = add_bn_params(g, "conv1/BatchNorm", c1, Shape{1, 4, 4, 4}, 4);
  int r1 = add_act(g, "conv1/Relu6", Shape{1, 4, 4, 4});
  g.add_op(ir::OpType::kRelu6, "conv1/Relu6", {bn1}, {r1}, ir::NoOptions{});

  // Weights reshaped by a constant subgraph, for fold-constants.
  int w2_raw = add_ramp(g, "dw/depthwise_weights", Shape{3, 3, 4, 1}, -0.02f);
  int w2_shape = add_int32s(g, "dw/depthwise_weights/shape", {1, 3, 3, 4});
  int w2 = add_act(g, "dw/depthwise_weights/reshaped", Shape{1, 3, 3, 4});
  g.add_op(ir::OpType::kReshape, "dw/depthwise_weights/reshaped", {w2_raw, w2_shape}, {w2},
           ir::ReshapeOptions{});
  int c2 = add_act(g, "dw/depthwise", Shape{1, 4, 4, 4});
  g.add_op(ir::OpType::kDepthwiseConv2D, "dw/depthwise", {r1, w2, -1}, {c2},
           ir::DepthwiseConv2DOptions{});
  int b2 = add_floats(g, "dw/biases", Shape{4}, {0.1f, -0.1f, 0.2f, -0.2f});
  int a2 = add_act(g, "dw/BiasAdd", Shape{1, 4, 4, 4});
  g.add_op(ir::OpType::kAdd, "dw/BiasAdd", {c2, b2}, {a2}, ir::ElementwiseOptions{});
  int bn2 = add_bn_params(g, "dw/BatchNorm", a2, Shape{1, 4, 4, 4}, 4);
  int r2 = add_act(g, "dw/Relu", Shape{1, 4, 4, 4});
  g.add_op(ir::OpType::kRelu, "dw/Relu", {bn2}, {r2}, ir::NoOptions{});

  int axes = add_int32s(g, "pool/reduction_indices", {1, 2});
  int mean = add_act(g, "pool/Mean", Shape{1, 1, 1, 4});
  ir::ReducerOptions ro;
  ro.keep_dims = true;
  g.add_op(ir::OpType::kMean, "pool/Mean", {r2, axes}, {mean}, ro);
  int sq = add_act(g, "squeeze", Shape{1, 4});
  ir::SqueezeOptions so;
  so.squeeze_dims = {1, 2};
  g.add_op(ir::OpType::kSqueeze, "squeeze", {mean}, {sq}, so);

  int kernel = add_ramp(g, "fc/kernel", Shape{4, 5}, 0.05f);
  int kernel_read = add_act(g, "fc/kernel/read", Shape{4, 5});
  g.add_op(ir::OpType::kIdentity, "fc/kernel/read", {kernel}, {kernel_read}, ir::NoOptions{});
  int mm = add_act(g, "fc/MatMul", Shape{1, 5});
  g.add_op(ir::OpType::kMatMul, "fc/MatMul", {sq, kernel_read}, {mm}, ir::MatMulOptions{});
  int fb = add_floats(g, "fc/bias", Shape{5}, {0.0f, 0.1f, 0.2f, 0.3f, 0.4f});
  int fa = add_act(g, "fc/BiasAdd", Shape{1, 5});
  g.add_op(ir::OpType::kAdd, "fc/BiasAdd", {mm, fb}, {fa}, ir::ElementwiseOptions{});
  int sm = add_act(g, "Softmax", Shape{1, 5});
  g.add_op(ir::OpType::kSoftmax, "Softmax", {fa}, {sm}, ir::SoftmaxOptions{});
  int out = add_act(g, "output", Shape{1, 5});
  g.add_op(ir::OpType::kIdentity, "output", {sm}, {out}, ir::NoOptions{});
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

}  // namespace qexp::passes::testing

#pragma once
// Small hand-built graphs shared by the IR tests.

#include <cstring>
#include <vector>

#include "framework/ir/graph.h"

namespace qexp::ir::testing {

inline int add_float_const(Graph& g, const std::string& name, Shape shape, float fill = 0.5f) {
  std::vector<float> v(static_cast<size_t>(shape.num_elements()), fill);
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kFloat32, std::move(shape), std::move(bytes));
}

inline int add_int32_const(Graph& g, const std::string& name, std::vector<int32_t> v) {
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kInt32, Shape{static_cast<int64_t>(v.size())}, std::move(bytes));
}

/// input [1,8,8,3] → CONV_2D 3x3 stride 2 SAME (4 filters, bias) → RELU6 → output [1,4,4,4]
inline Graph conv_relu_graph() {
  Graph g;
  g.name = "conv_relu";
  int in = g.add_tensor("input", DType::kFloat32, Shape{1, 8, 8, 3});
  int w = add_float_const(g, "conv/weights", Shape{4, 3, 3, 3});
  int b = add_float_const(g, "conv/bias", Shape{4}, 0.0f);
  int c = g.add_tensor("conv/out", DType::kFloat32, Shape{1, 4, 4, 4});
  int r = g.add_tensor("relu", DType::kFloat32, Shape{1, 4, 4, 4});
  Conv2DOptions co;
  co.stride_h = co.stride_w = 2;
  g.add_op(OpType::kConv2D, "conv", {in, w, b}, {c}, co);
  g.add_op(OpType::kRelu6, "relu", {c}, {r}, NoOptions{});
  g.inputs = {in};
  g.outputs = {r};
  return g;
}

}  // namespace qexp::ir::testing

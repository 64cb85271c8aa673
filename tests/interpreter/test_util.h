#pragma once
// Helpers for interpreter tests: tiny graph builders and a one-call "run this graph" helper.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "framework/interpreter/interpreter.h"
#include "framework/ir/graph.h"
#include "framework/ir/shape_inference.h"

namespace qexp::interp::testing {

template <typename T>
std::vector<uint8_t> to_bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

inline int add_float_const(ir::Graph& g, const std::string& name, Shape shape,
                           const std::vector<float>& values) {
  return g.add_const(name, DType::kFloat32, std::move(shape), to_bytes(values));
}

inline int add_int32_const(ir::Graph& g, const std::string& name, Shape shape,
                           const std::vector<int32_t>& values) {
  return g.add_const(name, DType::kInt32, std::move(shape), to_bytes(values));
}

/// Appends an op whose output tensor (named after the op) gets the shape shape inference
/// computes. Returns the output tensor index.
inline int add_op(ir::Graph& g, ir::OpType type, const std::string& name, std::vector<int> inputs,
                  ir::OpOptions options, DType out_dtype = DType::kFloat32) {
  int out = g.add_tensor(name, out_dtype, Shape{});
  ir::Op& op = g.add_op(type, name, std::move(inputs), {out}, std::move(options));
  auto shapes = ir::infer_output_shapes(g, op);
  EXPECT_TRUE(shapes.ok()) << shapes.status().message();
  if (shapes.ok()) g.tensors[static_cast<size_t>(out)].shape = (*shapes)[0];
  return out;
}

/// The output values and shape of one run.
struct FloatOutput {
  Shape shape;
  std::vector<float> values;
};

/// Builds an interpreter for `g`, copies `inputs` (one vector per graph input, float32) in,
/// invokes once and returns every output. Failures are returned as the Status.
inline Result<std::vector<FloatOutput>> run_float(const ir::Graph& g,
                                                  const std::vector<std::vector<float>>& inputs,
                                                  const InterpreterOptions& options = {}) {
  auto shared = std::make_shared<const ir::Graph>(g);
  QEXP_ASSIGN_OR_RETURN(auto interp, Interpreter::create(shared, options));
  for (size_t i = 0; i < inputs.size(); ++i) {
    QEXP_RETURN_IF_ERROR(interp->set_input_bytes(static_cast<int>(i), to_bytes(inputs[i])));
  }
  QEXP_RETURN_IF_ERROR(interp->invoke());
  std::vector<FloatOutput> outs;
  for (int i = 0; i < interp->num_outputs(); ++i) {
    TensorView v = interp->output(i);
    const float* p = v.data<float>();
    outs.push_back({v.shape(), std::vector<float>(p, p + v.num_elements())});
  }
  return outs;
}

/// A graph with one float input of `input_shape`, filled by `add` with the op(s) under test;
/// `add` returns the output tensor. Runs it on `input` and returns output 0.
template <typename AddOps>
FloatOutput run_one_input(Shape input_shape, const std::vector<float>& input, AddOps add) {
  ir::Graph g;
  int in = g.add_tensor("x", DType::kFloat32, std::move(input_shape));
  g.inputs = {in};
  g.outputs = {add(g, in)};
  auto r = run_float(g, {input});
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  return (*r)[0];
}

/// Message of the create() error for `g`, or "ok".
inline std::string create_error(const ir::Graph& g, const InterpreterOptions& options = {}) {
  auto r = Interpreter::create(std::make_shared<const ir::Graph>(g), options);
  return r.ok() ? "ok" : r.status().message();
}

#define EXPECT_FLOATS_NEAR(expected, actual, tol)                                     \
  do {                                                                                \
    const std::vector<float> e_ = (expected);                                         \
    const std::vector<float> a_ = (actual);                                           \
    ASSERT_EQ(e_.size(), a_.size());                                                  \
    for (size_t i_ = 0; i_ < e_.size(); ++i_) {                                       \
      EXPECT_NEAR(e_[i_], a_[i_], (tol)) << "element " << i_;                         \
    }                                                                                 \
  } while (false)

}  // namespace qexp::interp::testing

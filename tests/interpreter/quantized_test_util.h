#pragma once
// Helpers for the quantized-kernel tests: tensors with quantization parameters, and a runner
// that feeds raw integer or float inputs and returns the raw outputs.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "framework/interpreter/interpreter.h"
#include "framework/ir/graph.h"
#include "tests/interpreter/test_util.h"

namespace qexp::interp::testing {

/// An activation tensor with per-tensor parameters (none when scale is 0).
inline int add_q(ir::Graph& g, const std::string& name, DType dtype, Shape shape, float scale,
                 int64_t zero_point) {
  ir::Tensor t;
  t.name = name;
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (scale > 0) {
    t.quant.scale = {scale};
    t.quant.zero_point = {zero_point};
  }
  return g.add_tensor(std::move(t));
}

/// A constant int8 tensor with symmetric parameters (per-axis along `axis` when scales > 1).
inline int add_q_weights(ir::Graph& g, const std::string& name, Shape shape,
                         const std::vector<int8_t>& values, const std::vector<float>& scales,
                         int axis = 0) {
  const int w = g.add_const(name, DType::kInt8, std::move(shape), to_bytes(values));
  ir::QuantParams& q = g.tensors[static_cast<size_t>(w)].quant;
  q.scale = scales;
  q.zero_point.assign(scales.size(), 0);
  q.quantized_dimension = axis;
  return w;
}

/// Appends an op whose output (named after the op, shape from shape inference) has the given
/// dtype and per-tensor parameters; returns the output tensor.
inline int add_q_op(ir::Graph& g, ir::OpType type, const std::string& name, std::vector<int> inputs,
                    ir::OpOptions options, DType dtype, float scale, int64_t zero_point) {
  const int out = add_op(g, type, name, std::move(inputs), std::move(options), dtype);
  if (scale > 0) {
    g.tensors[static_cast<size_t>(out)].quant.scale = {scale};
    g.tensors[static_cast<size_t>(out)].quant.zero_point = {zero_point};
  }
  return out;
}

/// Runs `g` (graph inputs set from `inputs`, raw bytes each) and returns output 0 as T values.
template <typename T>
Result<std::vector<T>> run_raw(const ir::Graph& g, const std::vector<std::vector<uint8_t>>& inputs,
                               RoundingProfile profile = RoundingProfile::kTfliteBuiltin) {
  InterpreterOptions options;
  options.rounding_profile = profile;
  QEXP_ASSIGN_OR_RETURN(auto interp,
                        Interpreter::create(std::make_shared<const ir::Graph>(g), options));
  for (size_t i = 0; i < inputs.size(); ++i) {
    QEXP_RETURN_IF_ERROR(interp->set_input_bytes(static_cast<int>(i), inputs[i]));
  }
  QEXP_RETURN_IF_ERROR(interp->invoke());
  const TensorView out = interp->output(0);
  std::vector<T> values(static_cast<size_t>(out.num_elements()));
  if (!values.empty()) std::memcpy(values.data(), out.raw(), values.size() * sizeof(T));
  return values;
}

/// run_raw for one int8 input, returning int values (easy to compare with {…} lists).
inline std::vector<int> run_int8(const ir::Graph& g, const std::vector<int8_t>& input,
                                 RoundingProfile profile = RoundingProfile::kTfliteBuiltin) {
  auto r = run_raw<int8_t>(g, {to_bytes(input)}, profile);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::vector<int>(r->begin(), r->end()) : std::vector<int>{};
}

}  // namespace qexp::interp::testing

#include <cstring>

#include "framework/core/logging.h"
#include "framework/ir/shape_inference.h"
#include "tests/conformance_ops/op_cases.h"

namespace qexp::conformance {

std::vector<uint8_t> CaseRng::int8_bytes(int64_t n, int lo, int hi) {
  std::vector<uint8_t> out(static_cast<size_t>(n));
  for (auto& b : out) b = static_cast<uint8_t>(static_cast<int8_t>(uniform(lo, hi)));
  return out;
}

std::vector<uint8_t> CaseRng::int16_bytes(int64_t n, int lo, int hi) {
  std::vector<uint8_t> out(static_cast<size_t>(n) * 2);
  for (int64_t i = 0; i < n; ++i) {
    const int16_t v = static_cast<int16_t>(uniform(lo, hi));
    std::memcpy(out.data() + 2 * i, &v, 2);
  }
  return out;
}

int add_activation(ir::Graph& g, const std::string& name, DType dtype, Shape shape, float scale,
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

int add_int8_weights(ir::Graph& g, const std::string& name, Shape shape,
                     std::vector<uint8_t> values, const std::vector<float>& scales, int axis) {
  const int w = g.add_const(name, DType::kInt8, std::move(shape), std::move(values));
  ir::QuantParams& q = g.tensors[static_cast<size_t>(w)].quant;
  q.scale = scales;
  q.zero_point.assign(scales.size(), 0);
  q.quantized_dimension = scales.size() > 1 ? axis : 0;
  return w;
}

int add_bias(ir::Graph& g, const std::string& name, DType dtype, const std::vector<int64_t>& values,
             float input_scale, const std::vector<float>& weight_scales) {
  std::vector<uint8_t> bytes;
  for (int64_t v : values) {
    if (dtype == DType::kInt32) {
      const int32_t x = static_cast<int32_t>(v);
      const auto* p = reinterpret_cast<const uint8_t*>(&x);
      bytes.insert(bytes.end(), p, p + 4);
    } else {
      const auto* p = reinterpret_cast<const uint8_t*>(&v);
      bytes.insert(bytes.end(), p, p + 8);
    }
  }
  const int b =
      g.add_const(name, dtype, Shape{static_cast<int64_t>(values.size())}, std::move(bytes));
  ir::QuantParams& q = g.tensors[static_cast<size_t>(b)].quant;
  for (float s : weight_scales) q.scale.push_back(input_scale * s);
  q.zero_point.assign(q.scale.size(), 0);
  return b;
}

int add_single_op(ir::Graph& g, ir::OpType type, std::vector<int> inputs, ir::OpOptions options,
                  DType out_dtype, float out_scale, int64_t out_zero_point) {
  const std::string name = std::string(ir::op_type_name(type)) + "/out";
  const int out = add_activation(g, name, out_dtype, Shape{}, out_scale, out_zero_point);
  ir::Op& op = g.add_op(type, name, std::move(inputs), {out}, std::move(options));
  auto shapes = ir::infer_output_shapes(g, op);
  QEXP_CHECK_MSG(shapes.ok(), shapes.status().message());
  g.tensors[static_cast<size_t>(out)].shape = (*shapes)[0];
  g.outputs = {out};
  return out;
}

ir::Activation activation_cycle(int i) {
  static constexpr ir::Activation kCycle[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                              ir::Activation::kRelu6, ir::Activation::kReluN1To1};
  return kCycle[i % 4];
}

}  // namespace qexp::conformance

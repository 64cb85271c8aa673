// int16x8 and hybrid (dynamic-range) case families (see op_cases.h).

#include <cmath>
#include <cstring>

#include "framework/core/strings.h"
#include "tests/conformance_ops/op_cases.h"

namespace qexp::conformance {
namespace {

std::vector<float> random_floats(CaseRng& r, int64_t n, float lo, float hi) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(lo + static_cast<float>(r.unit()) * (hi - lo));
  return v;
}

std::vector<uint8_t> float_bytes(const std::vector<float>& v) {
  std::vector<uint8_t> out(v.size() * 4);
  std::memcpy(out.data(), v.data(), out.size());
  return out;
}

// A windowed op's geometry (conv, depthwise) or an FC's: shapes of input, weights, output
// channels, and the options.
struct Geometry {
  Shape input, weights;
  int64_t channels = 0, taps = 0;
  ir::OpOptions options;
  std::string name;
};

Geometry pick_geometry(CaseRng& r, ir::OpType type, int i) {
  Geometry geo;
  const ir::Activation act = activation_cycle(i);
  if (type == ir::OpType::kFullyConnected) {
    const int batches = r.uniform(1, 3), depth = r.uniform(1, 40), units = r.uniform(1, 17);
    geo.input = Shape{batches, depth};
    geo.weights = Shape{units, depth};
    geo.channels = units, geo.taps = depth;
    geo.options = ir::FullyConnectedOptions{act};
    geo.name = str_cat("fc ", batches, "x", depth, "→", units);
  } else {
    const int k = i % 4 == 0 ? 1 : r.uniform(2, 3), s = 1 + i % 2;
    const ir::Padding pad = i % 3 == 1 ? ir::Padding::kValid : ir::Padding::kSame;
    const int h = k + r.uniform(0, 5), w = k + r.uniform(0, 5), cin = r.uniform(1, 7);
    const int n = r.uniform(1, 2);
    geo.input = Shape{n, h, w, cin};
    if (type == ir::OpType::kConv2D) {
      const int cout = r.uniform(1, 8);
      geo.weights = Shape{cout, k, k, cin};
      geo.channels = cout, geo.taps = int64_t{k} * k * cin;
      ir::Conv2DOptions o;
      o.padding = pad, o.stride_h = o.stride_w = s, o.activation = act;
      geo.options = o;
    } else {
      const int dm = 1 + i % 2;
      geo.weights = Shape{1, k, k, cin * dm};
      geo.channels = int64_t{cin} * dm, geo.taps = int64_t{k} * k;
      ir::DepthwiseConv2DOptions o;
      o.padding = pad, o.stride_h = o.stride_w = s, o.depth_multiplier = dm, o.activation = act;
      geo.options = o;
    }
    geo.name = str_cat(ir::op_type_name(type), " ", geo.input.to_string(), " k", k, " s", s, " ",
                       ir::padding_name(pad));
  }
  geo.name += str_cat(" ", ir::activation_name(act));
  return geo;
}

std::vector<float> channel_scales(CaseRng& r, int64_t channels, bool per_channel) {
  const float base = r.log_uniform(0.002, 0.03);
  std::vector<float> s;
  if (!per_channel) return {base};
  for (int64_t c = 0; c < channels; ++c) s.push_back(base * r.log_uniform(0.5, 2.0));
  return s;
}

}  // namespace

std::vector<OpCase> int16x8_cases(ir::OpType type, uint32_t seed, int count) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    const Geometry geo = pick_geometry(r, type, i);
    const float s_in = r.log_uniform(1e-4, 1e-2);
    const std::vector<float> ws = channel_scales(r, geo.channels, true);
    const int axis = type == ir::OpType::kDepthwiseConv2D ? 3 : 0;
    OpCase c;
    c.name = "int16x8 " + geo.name;
    ir::Graph& g = c.graph;
    const int x = add_activation(g, "x", DType::kInt16, geo.input, s_in, 0);
    const int w = add_int8_weights(g, "w", geo.weights,
                                   r.int8_bytes(geo.weights.num_elements(), -127, 127), ws, axis);
    std::vector<int64_t> bias;
    for (int64_t k = 0; k < geo.channels; ++k) bias.push_back(r.uniform(-(1 << 20), 1 << 20));
    const int b = add_bias(g, "b", DType::kInt64, bias, s_in, ws);
    const double spread = 9000.0 * 73.0 * std::sqrt(static_cast<double>(geo.taps));
    const float s_out = static_cast<float>(s_in * ws[0] * spread / r.uniform(4000, 20000));
    add_single_op(g, type, {x, w, b}, geo.options, DType::kInt16, s_out, 0);
    g.inputs = {x};
    c.inputs = {r.int16_bytes(geo.input.num_elements(), -16000, 16000)};
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<OpCase> int16_cases(ir::OpType type, uint32_t seed, int count) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    const Shape shape{r.uniform(1, 2), r.uniform(1, 5), r.uniform(1, 5), r.uniform(1, 16)};
    OpCase c;
    ir::Graph& g = c.graph;
    if (type == ir::OpType::kAdd) {
      const float s1 = r.log_uniform(1e-4, 1e-2), s2 = r.log_uniform(1e-4, 1e-2);
      const ir::Activation act = activation_cycle(i);
      c.name = str_cat("int16 add ", shape.to_string(), " ", ir::activation_name(act));
      const int x = add_activation(g, "x", DType::kInt16, shape, s1, 0);
      const int y = add_activation(g, "y", DType::kInt16, shape, s2, 0);
      add_single_op(g, type, {x, y}, ir::ElementwiseOptions{act}, DType::kInt16,
                    std::max(s1, s2) * r.log_uniform(1.0, 3.0), 0);
      g.inputs = {x, y};
      c.inputs = {r.int16_bytes(shape.num_elements(), -32768, 32767),
                  r.int16_bytes(shape.num_elements(), -32768, 32767)};
    } else {
      const float betas[] = {1.0f, 0.5f, 2.0f, r.log_uniform(0.2, 4.0)};
      const float s_in = r.log_uniform(1e-4, 2e-3);
      c.name = str_cat("int16 softmax ", shape.to_string(), " s_in ", s_in, " beta ", betas[i % 4]);
      const int x = add_activation(g, "x", DType::kInt16, shape, s_in, 0);
      add_single_op(g, type, {x}, ir::SoftmaxOptions{betas[i % 4]}, DType::kInt16, 1.0f / 32768, 0);
      g.inputs = {x};
      c.inputs = {r.int16_bytes(shape.num_elements(), -32768, 32767)};
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<OpCase> hybrid_cases(ir::OpType type, uint32_t seed, int count, bool per_channel) {
  CaseRng r(seed);
  std::vector<OpCase> cases;
  for (int i = 0; i < count; ++i) {
    const Geometry geo = pick_geometry(r, type, i);
    const std::vector<float> ws = channel_scales(r, geo.channels, per_channel);
    const int axis = type == ir::OpType::kDepthwiseConv2D ? 3 : 0;
    // Inputs: a random range, every third case shifted positive (asymmetric quantization then
    // picks a zero point far from 0).
    const float amp = r.log_uniform(0.1, 10.0);
    const float lo = i % 3 == 2 ? -0.1f * amp : -amp;
    OpCase c;
    c.name = str_cat("hybrid ", geo.name, per_channel ? " per-channel" : " per-tensor");
    ir::Graph& g = c.graph;
    const int x = add_activation(g, "x", DType::kFloat32, geo.input, 0, 0);
    const int w = add_int8_weights(g, "w", geo.weights,
                                   r.int8_bytes(geo.weights.num_elements(), -127, 127), ws, axis);
    const int b = g.add_const("b", DType::kFloat32, Shape{geo.channels},
                              float_bytes(random_floats(r, geo.channels, -1.0f, 1.0f)));
    add_single_op(g, type, {x, w, b}, geo.options, DType::kFloat32, 0, 0);
    g.inputs = {x};
    c.inputs = {float_bytes(random_floats(r, geo.input.num_elements(), lo, amp))};
    cases.push_back(std::move(c));
  }
  return cases;
}

}  // namespace qexp::conformance

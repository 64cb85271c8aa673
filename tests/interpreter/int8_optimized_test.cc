// Differential tests of the optimized int8 kernels (kernels/optimized/int8_*): CONV_2D,
// DEPTHWISE_CONV_2D and FULLY_CONNECTED one-op graphs with seeded random shapes, strides,
// paddings, dilations, depth multipliers, zero points, per-tensor and per-channel scales, fused
// activations, biases near the int32 limits and both rounding profiles, run with the reference
// kernels and with the optimized ones at every ISA level this CPU has and 1 and 3 threads: the
// outputs must be byte-identical, and the kernel variant shows which path ran.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/quantization/fixed_point.h"
#include "tests/interpreter/quantized_test_util.h"

namespace qexp::interp::testing {
namespace {

using ir::OpType;

class Random {
 public:
  explicit Random(uint32_t seed) : gen_(seed) {}
  int64_t uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen_);
  }
  float real(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(gen_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(gen_); }
  template <typename T>
  std::vector<T> ints(int64_t n, int64_t lo, int64_t hi) {
    std::vector<T> v(static_cast<size_t>(n));
    for (T& x : v) x = static_cast<T>(uniform(lo, hi));
    return v;
  }

 private:
  std::mt19937 gen_;
};

// One generated op: its graph, an input, and what the optimized kernel should choose.
struct Case {
  ir::Graph graph;
  std::vector<int8_t> input;
  RoundingProfile profile = RoundingProfile::kTfliteBuiltin;
  bool fast = true;     // the geometry is one a fast path takes
  bool im2col = false;  // CONV_2D through im2col panels
  bool depthwise = false;
  bool simd = true;  // the requantization is one the SIMD paths reproduce
  std::string description;
};

// Quantization of the op: activations, weight scales (one or per channel), output.
struct Quant {
  float s_in = 0, s_out = 0;
  int64_t z_in = 0, z_out = 0;
  std::vector<float> w_scales;
  bool multiplier_above_one = false;  // some channel's multiplier has shift > 0
};

Quant random_quant(Random& r, int64_t channels, int64_t depth, bool per_channel) {
  Quant q;
  q.s_in = r.real(0.005f, 0.05f);
  q.z_in = r.uniform(-128, 127);
  q.z_out = r.uniform(-128, 127);
  for (int64_t i = 0; i < (per_channel ? channels : 1); ++i) {
    q.w_scales.push_back(r.real(0.002f, 0.02f));
  }
  // Accumulators are ~64·128·sqrt(depth); spread the output over a few of them, and sometimes
  // make the multiplier exceed 1.
  const float spread = r.chance(0.15) ? r.real(0.0002f, 0.002f) : r.real(0.3f, 4.0f);
  q.s_out = q.s_in * q.w_scales[0] * 8000.0f * std::sqrt(static_cast<float>(depth)) * spread;
  if (r.chance(0.25)) {
    // Powers of two: exact multipliers 2^-k, so that rounding ties are frequent.
    q.s_in = std::ldexp(1.0f, static_cast<int>(-r.uniform(5, 8)));
    for (float& s : q.w_scales) s = std::ldexp(1.0f, static_cast<int>(-r.uniform(6, 9)));
    q.s_out = q.s_in * q.w_scales[0] * std::ldexp(1.0f, static_cast<int>(r.uniform(3, 10)));
  }
  for (float s : q.w_scales) {
    const double m = static_cast<double>(q.s_in) * s / q.s_out;
    if (quant::quantize_multiplier(m).shift > 0) q.multiplier_above_one = true;
  }
  return q;
}

ir::Activation random_activation(Random& r) {
  static constexpr ir::Activation kActs[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                             ir::Activation::kRelu6, ir::Activation::kReluN1To1};
  return kActs[r.uniform(0, 3)];
}

// Weights, bias and output of an op on input x; returns the op's output tensor.
int add_weighted_op(Case& c, Random& r, OpType type, int x, const Shape& w_shape, int axis,
                    int64_t channels, const Quant& q, ir::OpOptions options) {
  ir::Graph& g = c.graph;
  const int w = add_q_weights(g, "w", w_shape, r.ints<int8_t>(w_shape.num_elements(), -128, 127),
                              q.w_scales, axis);
  std::vector<int> inputs = {x, w};
  if (r.chance(0.85)) {
    // Mostly moderate biases; sometimes near the int32 limits so that the accumulator wraps.
    const int64_t range = r.chance(0.1) ? int64_t{2147483647} : int64_t{1} << 16;
    inputs.push_back(
        add_int32_const(g, "b", Shape{channels}, r.ints<int32_t>(channels, -range, range)));
  }
  return add_q_op(g, type, "op", inputs, std::move(options), DType::kInt8, q.s_out, q.z_out);
}

RoundingProfile random_profile(Random& r) {
  return r.chance(0.5) ? RoundingProfile::kTfliteBuiltin : RoundingProfile::kXnnpack;
}

int64_t pick(Random& r, std::initializer_list<int64_t> values) {
  return *(values.begin() + r.uniform(0, static_cast<int64_t>(values.size()) - 1));
}

// Spatial geometry shared by CONV_2D and DEPTHWISE_CONV_2D; returns the input shape.
template <typename Options>
Shape random_geometry(Random& r, Options& o, int64_t& k_h, int64_t& k_w, int64_t channels) {
  k_h = pick(r, {1, 1, 3, 3, 3, 5, 2});
  k_w = r.chance(0.8) ? k_h : pick(r, {1, 3});
  o.stride_h = static_cast<int>(pick(r, {1, 1, 2, 3}));
  o.stride_w = r.chance(0.8) ? o.stride_h : static_cast<int>(pick(r, {1, 2}));
  o.dilation_h = r.chance(0.8) ? 1 : 2;
  o.dilation_w = r.chance(0.8) ? o.dilation_h : 1;
  o.padding = r.chance(0.6) ? ir::Padding::kSame : ir::Padding::kValid;
  o.activation = random_activation(r);
  const int64_t min_h = (k_h - 1) * o.dilation_h + 1, min_w = (k_w - 1) * o.dilation_w + 1;
  return Shape{r.uniform(1, 3), r.uniform(min_h, min_h + 12), r.uniform(min_w, min_w + 12),
               channels};
}

Case conv_case(uint32_t seed) {
  Random r(seed);
  Case c;
  c.profile = random_profile(r);
  ir::Conv2DOptions o;
  int64_t k_h = 1, k_w = 1;
  const int64_t c_in = pick(r, {1, 3, 4, 7, 16, 32, 37, 64, 70});
  const int64_t c_out = pick(r, {1, 5, 16, 31, 32, 33, 48, 64, 70, 100});
  const Shape in_shape = random_geometry(r, o, k_h, k_w, c_in);
  const bool per_channel = r.chance(0.7);
  const Quant q = random_quant(r, c_out, k_h * k_w * c_in, per_channel);
  const int x = add_q(c.graph, "x", DType::kInt8, in_shape, q.s_in, q.z_in);
  c.graph.inputs = {x};
  c.graph.outputs = {
      add_weighted_op(c, r, OpType::kConv2D, x, Shape{c_out, k_h, k_w, c_in}, 0, c_out, q, o)};
  c.input = r.ints<int8_t>(in_shape.num_elements(), -128, 127);
  c.im2col = !(k_h == 1 && k_w == 1 && o.stride_h == 1 && o.stride_w == 1);
  c.simd = !(c.profile == RoundingProfile::kTfliteBuiltin && q.multiplier_above_one);
  c.description = str_cat("CONV_2D input ", in_shape.to_string(), " filter ", k_h, "x", k_w, " -> ",
                          c_out, " stride ", o.stride_h, ",", o.stride_w, " dilation ",
                          o.dilation_h, ",", o.dilation_w, " per_channel ", per_channel);
  return c;
}

Case depthwise_case(uint32_t seed) {
  Random r(seed);
  Case c;
  c.depthwise = true;
  c.profile = random_profile(r);
  ir::DepthwiseConv2DOptions o;
  int64_t k_h = 1, k_w = 1;
  const int64_t c_in = pick(r, {1, 3, 8, 16, 17, 32, 40, 64, 100});
  o.depth_multiplier = r.chance(0.8) ? 1 : static_cast<int>(pick(r, {2, 3}));
  const int64_t c_out = c_in * o.depth_multiplier;
  const Shape in_shape = random_geometry(r, o, k_h, k_w, c_in);
  const bool per_channel = r.chance(0.7);
  const Quant q = random_quant(r, c_out, k_h * k_w, per_channel);
  const int x = add_q(c.graph, "x", DType::kInt8, in_shape, q.s_in, q.z_in);
  c.graph.inputs = {x};
  c.graph.outputs = {add_weighted_op(c, r, OpType::kDepthwiseConv2D, x, Shape{1, k_h, k_w, c_out},
                                     3, c_out, q, o)};
  c.input = r.ints<int8_t>(in_shape.num_elements(), -128, 127);
  c.fast = o.depth_multiplier == 1;
  c.description =
      str_cat("DEPTHWISE_CONV_2D input ", in_shape.to_string(), " filter ", k_h, "x", k_w,
              " multiplier ", o.depth_multiplier, " stride ", o.stride_h, ",", o.stride_w,
              " dilation ", o.dilation_h, ",", o.dilation_w, " per_channel ", per_channel);
  return c;
}

Case fully_connected_case(uint32_t seed) {
  Random r(seed);
  Case c;
  c.profile = random_profile(r);
  ir::FullyConnectedOptions o;
  o.activation = random_activation(r);
  const int64_t batches = pick(r, {1, 1, 2, 5, 9, 40});
  const int64_t depth = pick(r, {1, 3, 16, 63, 64, 100, 256});
  const int64_t units = pick(r, {1, 10, 16, 33, 64, 100, 1001});
  const bool per_channel = r.chance(0.5);
  const Quant q = random_quant(r, units, depth, per_channel);
  const Shape in_shape{batches, depth};
  const int x = add_q(c.graph, "x", DType::kInt8, in_shape, q.s_in, q.z_in);
  c.graph.inputs = {x};
  c.graph.outputs = {
      add_weighted_op(c, r, OpType::kFullyConnected, x, Shape{units, depth}, 0, units, q, o)};
  c.input = r.ints<int8_t>(in_shape.num_elements(), -128, 127);
  // Per-channel FULLY_CONNECTED keeps TFLite's builtin rule under the xnnpack profile.
  const bool builtin = c.profile == RoundingProfile::kTfliteBuiltin || per_channel;
  c.simd = !(builtin && q.multiplier_above_one);
  c.description =
      str_cat("FULLY_CONNECTED ", batches, "x", depth, " -> ", units, " per_channel ", per_channel);
  return c;
}

struct Run {
  std::vector<int8_t> output;
  std::string variant;
};

Run run(const Case& c, KernelSet set, std::optional<Isa> isa, int threads) {
  InterpreterOptions options;
  options.rounding_profile = c.profile;
  options.kernel_set = set;
  options.isa = isa;
  options.num_threads = threads;
  auto interp = Interpreter::create(std::make_shared<const ir::Graph>(c.graph), options);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  if (!interp.ok()) return {};
  EXPECT_TRUE((*interp)->set_input_bytes(0, to_bytes(c.input)).ok());
  const Status s = (*interp)->invoke();
  EXPECT_TRUE(s.ok()) << s.message();
  const TensorView out = (*interp)->output(0);
  const int8_t* p = out.data<int8_t>();
  return {std::vector<int8_t>(p, p + out.num_elements()),
          std::string((*interp)->kernel_variant(0))};
}

// The variant the optimized kernel must report for `c` at `isa`.
std::string expected_variant(const Case& c, Isa isa) {
  if (!c.fast) return "reference";
  const char* level = isa >= Isa::kAvx2 && c.simd ? "avx2" : "portable";
  if (c.depthwise) return str_cat("depthwise_", isa >= Isa::kAvx512 ? "avx512" : level);
  if (isa >= Isa::kAvx512Vnni && c.simd) level = "avx512vnni";
  return str_cat(c.im2col ? "im2col_" : "", "gemm_", level);
}

void check_case(const Case& c) {
  SCOPED_TRACE(c.description + " profile " + std::string(rounding_profile_name(c.profile)));
  const Run ref = run(c, KernelSet::kReference, std::nullopt, 1);
  ASSERT_EQ(ref.variant, "reference");
  for (int level = 0; level <= static_cast<int>(detected_isa()); ++level) {
    const Isa isa = static_cast<Isa>(level);
    for (int threads : {1, 3}) {
      SCOPED_TRACE(str_cat("isa ", isa_name(isa), " threads ", threads));
      const Run opt = run(c, KernelSet::kOptimized, isa, threads);
      EXPECT_EQ(opt.variant, expected_variant(c, isa));
      ASSERT_EQ(opt.output, ref.output);
    }
  }
}

constexpr uint32_t kCases = 60;

TEST(Int8Optimized, Conv2dMatchesReference) {
  for (uint32_t seed = 1; seed <= kCases; ++seed) check_case(conv_case(seed));
}

TEST(Int8Optimized, DepthwiseConv2dMatchesReference) {
  for (uint32_t seed = 1; seed <= kCases; ++seed) check_case(depthwise_case(seed));
}

TEST(Int8Optimized, FullyConnectedMatchesReference) {
  for (uint32_t seed = 1; seed <= kCases; ++seed) check_case(fully_connected_case(seed));
}

// Larger layers than the random cases: enough work to split over threads (by rows; by channel
// blocks when there are few rows) — the split must not change any value — many microkernel row
// tiles and partial channel blocks.
struct Layer {
  bool depthwise;
  int64_t size, in_channels, out_channels, kernel, stride;
};

TEST(Int8Optimized, MobileNetSizedLayersMatchReference) {
  static constexpr Layer kLayers[] = {
      {false, 28, 64, 64, 1, 1}, {false, 28, 72, 72, 1, 1}, {true, 28, 64, 64, 3, 1},
      {true, 28, 72, 72, 3, 2},  {false, 28, 8, 40, 3, 2},  {false, 7, 256, 200, 1, 1},
      {true, 7, 512, 512, 3, 1},
  };
  uint32_t seed = 1000;
  for (const Layer& l : kLayers) {
    Random r(++seed);
    Case c;
    c.depthwise = l.depthwise;
    c.im2col = !l.depthwise && l.kernel > 1;
    c.profile = seed % 2 == 0 ? RoundingProfile::kXnnpack : RoundingProfile::kTfliteBuiltin;
    const int64_t depth = l.depthwise ? l.kernel * l.kernel : l.kernel * l.kernel * l.in_channels;
    const Quant q = random_quant(r, l.out_channels, depth, true);
    const Shape in_shape{1, l.size, l.size, l.in_channels};
    const int x = add_q(c.graph, "x", DType::kInt8, in_shape, q.s_in, q.z_in);
    c.graph.inputs = {x};
    ir::OpOptions o;
    if (l.depthwise) {
      ir::DepthwiseConv2DOptions d;
      d.stride_h = d.stride_w = static_cast<int>(l.stride);
      d.activation = ir::Activation::kRelu6;
      o = d;
    } else {
      ir::Conv2DOptions d;
      d.stride_h = d.stride_w = static_cast<int>(l.stride);
      d.activation = ir::Activation::kRelu6;
      o = d;
    }
    const OpType type = l.depthwise ? OpType::kDepthwiseConv2D : OpType::kConv2D;
    const Shape w_shape = l.depthwise ? Shape{1, l.kernel, l.kernel, l.out_channels}
                                      : Shape{l.out_channels, l.kernel, l.kernel, l.in_channels};
    c.graph.outputs = {
        add_weighted_op(c, r, type, x, w_shape, l.depthwise ? 3 : 0, l.out_channels, q, o)};
    c.input = r.ints<int8_t>(in_shape.num_elements(), -128, 127);
    c.simd =
        c.depthwise || !(c.profile == RoundingProfile::kTfliteBuiltin && q.multiplier_above_one);
    c.description = str_cat(ir::op_type_name(type), " ", in_shape.to_string(), " -> ",
                            l.out_channels, " kernel ", l.kernel, " stride ", l.stride);
    check_case(c);
  }
}

// QUANTIZE float → int8: values on and next to every rounding tie, huge values, infinities
// and NaN, for both roundings; the AVX2 path must match the reference byte for byte.
TEST(Int8Optimized, QuantizeFloatMatchesReference) {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    Random r(seed);
    const float scale =
        seed % 4 == 0 ? std::ldexp(1.0f, -static_cast<int>(r.uniform(2, 9))) : r.real(0.001f, 0.2f);
    const int64_t zero_point = r.uniform(-128, 127);
    std::vector<float> values;
    for (int64_t i = -300; i <= 300; ++i) {
      const float tie = (static_cast<float>(i) + 0.5f) * scale;
      values.insert(values.end(), {tie, std::nextafter(tie, 0.0f), std::nextafter(tie, 1e9f), -tie,
                                   static_cast<float>(i) * scale});
    }
    for (int i = 0; i < 200; ++i) values.push_back(r.real(-300.0f, 300.0f) * scale);
    values.insert(values.end(), {1e30f, -1e30f, INFINITY, -INFINITY, NAN, 0.0f, -0.0f});
    // Long enough for the optimized run's 3 threads to split it (chunks of at least 32768).
    const std::vector<float> base = values;
    for (int copy = 0; copy < 30; ++copy) values.insert(values.end(), base.begin(), base.end());
    values.resize(values.size() + static_cast<size_t>(r.uniform(0, 7)), 0.25f);  // odd tails
    Case c;
    c.profile = random_profile(r);
    const int x =
        c.graph.add_tensor("x", DType::kFloat32, Shape{static_cast<int64_t>(values.size())});
    c.graph.inputs = {x};
    c.graph.outputs = {add_q_op(c.graph, OpType::kQuantize, "q", {x}, ir::NoOptions{}, DType::kInt8,
                                scale, zero_point)};
    c.description = str_cat("QUANTIZE scale ", scale, " zero_point ", zero_point);
    SCOPED_TRACE(c.description);
    InterpreterOptions options;
    options.rounding_profile = c.profile;
    std::vector<std::vector<int8_t>> outputs;
    for (KernelSet set : {KernelSet::kReference, KernelSet::kOptimized}) {
      options.kernel_set = set;
      options.num_threads = set == KernelSet::kOptimized ? 3 : 1;
      auto interp = Interpreter::create(std::make_shared<const ir::Graph>(c.graph), options);
      ASSERT_TRUE(interp.ok()) << interp.status().message();
      ASSERT_TRUE((*interp)->set_input_bytes(0, to_bytes(values)).ok());
      ASSERT_TRUE((*interp)->invoke().ok());
      EXPECT_EQ((*interp)->kernel_variant(0),
                set == KernelSet::kOptimized && detected_isa() >= Isa::kAvx2 ? "quantize_avx2"
                                                                             : "reference");
      const int8_t* p = (*interp)->output(0).data<int8_t>();
      outputs.emplace_back(p, p + values.size());
    }
    ASSERT_EQ(outputs[1], outputs[0]);
  }
}

}  // namespace
}  // namespace qexp::interp::testing

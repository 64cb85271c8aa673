// Optimized float kernels against the reference kernels (the specification): one-op graphs with
// seeded random shapes, strides, paddings, dilations, channel counts and fused activations, at
// every instruction-set level this CPU has, with 1 and 3 threads. Outputs must be within 1e-5
// relative of the reference, byte-identical across thread counts, and the fast path must have
// run where one applies (Interpreter::kernel_variant).

#include "framework/interpreter/kernels/optimized/float_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "framework/interpreter/cpu_features.h"
#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using kernels::optimized::float_variant_name;
using testing::add_float_const;
using testing::add_op;

struct RunResult {
  std::vector<float> values;
  std::string variant;  ///< kernel_variant of op 0
};

RunResult run_graph(const ir::Graph& g, const std::vector<float>& input,
                    const InterpreterOptions& options) {
  auto interp = Interpreter::create(std::make_shared<const ir::Graph>(g), options);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  if (!interp.ok()) return {};
  EXPECT_TRUE((*interp)->set_input_bytes(0, testing::to_bytes(input)).ok());
  EXPECT_TRUE((*interp)->invoke().ok());
  TensorView out = (*interp)->output(0);
  const float* p = out.data<float>();
  return {std::vector<float>(p, p + out.num_elements()), std::string((*interp)->kernel_variant(0))};
}

InterpreterOptions optimized_options(Isa isa, int threads) {
  InterpreterOptions o;
  o.kernel_set = KernelSet::kOptimized;
  o.isa = isa;
  o.num_threads = threads;
  return o;
}

std::vector<Isa> isa_levels() {
  std::vector<Isa> levels;
  for (int i = 0; i <= static_cast<int>(detected_isa()); ++i) levels.push_back(static_cast<Isa>(i));
  return levels;
}

// |got − want| ≤ 1e-5 · max(|want|, rms(want)) element by element: 1e-5 relative, measured
// against the tensor's scale where an element is a near-cancellation.
void expect_close(const std::vector<float>& want, const std::vector<float>& got,
                  const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  double sq = 0;
  for (float v : want) sq += static_cast<double>(v) * v;
  const double rms = want.empty() ? 0.0 : std::sqrt(sq / static_cast<double>(want.size()));
  int reported = 0;
  for (size_t i = 0; i < want.size() && reported < 5; ++i) {
    const double tol = 1e-5 * std::max<double>(std::abs(want[i]), rms) + 1e-30;
    if (std::abs(static_cast<double>(got[i]) - want[i]) > tol) {
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", reference " << want[i];
      ++reported;
    }
  }
}

bool same_bytes(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// What the optimized kernel must show: its variant, and how close it must be.
struct Expect {
  std::string fast;        ///< variant prefix ("" = the reference must have been kept)
  bool isa_suffix = true;  ///< the variant ends with the ISA name ("conv1x1_gemm_avx2")
  bool bit_exact = false;  ///< identical bytes to the reference (same arithmetic)
};

// The reference run, then every ISA level with 1 and 3 threads.
void check_against_reference(const ir::Graph& g, const std::vector<float>& input,
                             const Expect& expect, const std::string& what) {
  InterpreterOptions ref_options;
  ref_options.kernel_set = KernelSet::kReference;
  const RunResult ref = run_graph(g, input, ref_options);
  EXPECT_EQ(ref.variant, "reference") << what;
  for (Isa isa : isa_levels()) {
    const std::string at = what + " at " + std::string(isa_name(isa));
    const RunResult one = run_graph(g, input, optimized_options(isa, 1));
    const RunResult three = run_graph(g, input, optimized_options(isa, 3));
    const std::string variant = expect.fast.empty() ? "reference"
                                : expect.isa_suffix ? float_variant_name(expect.fast, isa)
                                                    : expect.fast;
    EXPECT_EQ(one.variant, variant) << at;
    if (expect.bit_exact) {
      EXPECT_TRUE(same_bytes(ref.values, one.values)) << at << ": not bit-identical";
    } else {
      expect_close(ref.values, one.values, at);
    }
    EXPECT_TRUE(same_bytes(one.values, three.values)) << at << ": 1 and 3 threads differ";
  }
}

class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen_); }
  std::vector<float> values(int64_t n) {
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = d(gen_);
    return v;
  }
  ir::Activation activation() {
    constexpr ir::Activation kAll[] = {ir::Activation::kNone, ir::Activation::kRelu,
                                       ir::Activation::kRelu6, ir::Activation::kReluN1To1};
    return kAll[pick(0, 3)];
  }
  ir::Padding padding() { return pick(0, 1) ? ir::Padding::kSame : ir::Padding::kValid; }

 private:
  std::mt19937 gen_;
};

// A one-op graph: input x of `shape`, the op built by `add` (which returns its output).
template <typename AddOp>
ir::Graph one_op_graph(const Shape& shape, AddOp add) {
  ir::Graph g;
  const int x = g.add_tensor("x", DType::kFloat32, shape);
  g.inputs = {x};
  g.outputs = {add(g, x)};
  return g;
}

// True when a window (kh × kw, strides, dilations) over an h × w input has an output pixel.
template <typename Options>
bool has_output(const Options& o, int64_t h, int64_t w, int64_t kh, int64_t kw, int dh, int dw) {
  return ir::conv_output_size(o.padding, h, kh, o.stride_h, dh) > 0 &&
         ir::conv_output_size(o.padding, w, kw, o.stride_w, dw) > 0;
}

TEST(OptimizedFloatKernels, Conv2DMatchesTheReference) {
  Rng rng(2024);
  int checked = 0;
  for (int iter = 0; iter < 60; ++iter) {
    const int64_t n = rng.pick(1, 2), h = rng.pick(1, 12), w = rng.pick(1, 12);
    const int64_t cin = rng.pick(1, 40), cout = rng.pick(1, 70);
    const bool pointwise = rng.pick(0, 2) == 0;
    const int64_t kh = pointwise ? 1 : rng.pick(1, 3), kw = pointwise ? 1 : rng.pick(1, 3);
    ir::Conv2DOptions o;
    o.padding = rng.padding();
    o.stride_h = pointwise ? 1 : rng.pick(1, 2);
    o.stride_w = pointwise ? 1 : rng.pick(1, 2);
    o.dilation_h = rng.pick(1, 2);
    o.dilation_w = rng.pick(1, 2);
    o.activation = rng.activation();
    if (!has_output(o, h, w, kh, kw, o.dilation_h, o.dilation_w)) continue;
    const bool bias = rng.pick(0, 3) != 0;
    const std::vector<float> filter = rng.values(cout * kh * kw * cin);
    const std::vector<float> bias_values = rng.values(cout);
    ir::Graph g = one_op_graph(Shape{n, h, w, cin}, [&](ir::Graph& gr, int x) {
      std::vector<int> inputs = {x, add_float_const(gr, "w", Shape{cout, kh, kw, cin}, filter)};
      if (bias) inputs.push_back(add_float_const(gr, "b", Shape{cout}, bias_values));
      return add_op(gr, ir::OpType::kConv2D, "conv", inputs, o);
    });
    const bool direct = kh == 1 && kw == 1 && o.stride_h == 1 && o.stride_w == 1;
    check_against_reference(g, rng.values(n * h * w * cin), {direct ? "conv1x1_gemm" : "conv_gemm"},
                            "conv case " + std::to_string(iter));
    ++checked;
  }
  EXPECT_GT(checked, 40);
}

TEST(OptimizedFloatKernels, LargeConvolutionsSplitOverThreadsIdentically) {
  Rng rng(5);
  // Enough work for the thread pool: row blocks split (many pixels) and panels split (few).
  for (const Shape& in : {Shape{1, 28, 28, 48}, Shape{1, 3, 3, 256}}) {
    const int64_t cout = 200, cin = in[3];
    for (int64_t k : {1, 3}) {
      ir::Conv2DOptions o;
      o.activation = ir::Activation::kRelu6;
      const std::vector<float> filter = rng.values(cout * k * k * cin);
      ir::Graph g = one_op_graph(in, [&](ir::Graph& gr, int x) {
        int wt = add_float_const(gr, "w", Shape{cout, k, k, cin}, filter);
        int b = add_float_const(gr, "b", Shape{cout}, rng.values(cout));
        return add_op(gr, ir::OpType::kConv2D, "conv", {x, wt, b}, o);
      });
      check_against_reference(g, rng.values(in.num_elements()),
                              {k == 1 ? "conv1x1_gemm" : "conv_gemm"},
                              in.to_string() + " k" + std::to_string(k));
    }
  }
}

TEST(OptimizedFloatKernels, GroupedAndNonConstantFiltersKeepTheReference) {
  Rng rng(9);
  ir::Graph grouped = one_op_graph(Shape{1, 5, 5, 8}, [&](ir::Graph& gr, int x) {
    int wt = add_float_const(gr, "w", Shape{6, 3, 3, 4}, rng.values(6 * 9 * 4));
    return add_op(gr, ir::OpType::kConv2D, "conv", {x, wt}, ir::Conv2DOptions{});
  });
  check_against_reference(grouped, rng.values(200), {""}, "grouped conv");

  ir::Graph g;
  const int x = g.add_tensor("x", DType::kFloat32, Shape{2, 16});
  const int wt = g.add_tensor("w", DType::kFloat32, Shape{4, 16});
  g.inputs = {x, wt};
  g.outputs = {add_op(g, ir::OpType::kFullyConnected, "fc", {x, wt}, ir::FullyConnectedOptions{})};
  auto out = Interpreter::create(std::make_shared<const ir::Graph>(g), {});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ((*out)->kernel_variant(0), "reference");
}

TEST(OptimizedFloatKernels, DepthwiseConv2DMatchesTheReference) {
  Rng rng(77);
  int checked = 0;
  for (int iter = 0; iter < 60; ++iter) {
    const int64_t n = rng.pick(1, 2), h = rng.pick(1, 14), w = rng.pick(1, 14);
    // Every other case is 3×3, which has its own kernel for windows inside the input.
    const int64_t c = rng.pick(1, 70);
    const int64_t kh = iter % 2 == 0 ? 3 : rng.pick(1, 5), kw = iter % 2 == 0 ? 3 : rng.pick(1, 5);
    ir::DepthwiseConv2DOptions o;
    o.padding = rng.padding();
    o.stride_h = rng.pick(1, 2);
    o.stride_w = rng.pick(1, 2);
    o.dilation_h = rng.pick(1, 2);
    o.dilation_w = rng.pick(1, 2);
    o.depth_multiplier = rng.pick(0, 4) == 0 ? 2 : 1;
    o.activation = rng.activation();
    if (!has_output(o, h, w, kh, kw, o.dilation_h, o.dilation_w)) continue;
    const int64_t oc = c * o.depth_multiplier;
    const bool bias = rng.pick(0, 3) != 0;
    const std::vector<float> filter = rng.values(kh * kw * oc), bias_values = rng.values(oc);
    ir::Graph g = one_op_graph(Shape{n, h, w, c}, [&](ir::Graph& gr, int x) {
      std::vector<int> inputs = {x, add_float_const(gr, "w", Shape{1, kh, kw, oc}, filter)};
      if (bias) inputs.push_back(add_float_const(gr, "b", Shape{oc}, bias_values));
      return add_op(gr, ir::OpType::kDepthwiseConv2D, "dw", inputs, o);
    });
    check_against_reference(g, rng.values(n * h * w * c),
                            {o.depth_multiplier == 1 ? "depthwise" : ""},
                            "depthwise case " + std::to_string(iter));
    ++checked;
  }
  EXPECT_GT(checked, 40);
}

TEST(OptimizedFloatKernels, FullyConnectedMatchesTheReference) {
  Rng rng(31);
  for (int iter = 0; iter < 30; ++iter) {
    const int64_t batches = iter % 3 == 0 ? 1 : rng.pick(1, 5);
    const int64_t depth = rng.pick(1, 600), units = rng.pick(1, 300);
    ir::FullyConnectedOptions o;
    o.activation = rng.activation();
    const bool bias = rng.pick(0, 3) != 0;
    const std::vector<float> weights = rng.values(units * depth), bias_values = rng.values(units);
    ir::Graph g = one_op_graph(Shape{batches, depth}, [&](ir::Graph& gr, int x) {
      std::vector<int> inputs = {x, add_float_const(gr, "w", Shape{units, depth}, weights)};
      if (bias) inputs.push_back(add_float_const(gr, "b", Shape{units}, bias_values));
      return add_op(gr, ir::OpType::kFullyConnected, "fc", inputs, o);
    });
    check_against_reference(g, rng.values(batches * depth), {"gemm"},
                            "fully connected case " + std::to_string(iter));
  }
}

TEST(OptimizedFloatKernels, PoolingIsBitIdenticalToTheReference) {
  Rng rng(12);
  int checked = 0;
  for (int iter = 0; iter < 60; ++iter) {
    const int64_t n = rng.pick(1, 2), h = rng.pick(1, 12), w = rng.pick(1, 12);
    const int64_t c = rng.pick(1, 40);
    ir::Pool2DOptions o;
    o.padding = rng.padding();
    o.filter_h = rng.pick(1, 4);
    o.filter_w = rng.pick(1, 4);
    o.stride_h = rng.pick(1, 3);
    o.stride_w = rng.pick(1, 3);
    o.activation = rng.activation();
    if (!has_output(o, h, w, o.filter_h, o.filter_w, 1, 1)) continue;
    const ir::OpType type = iter % 2 ? ir::OpType::kMaxPool2D : ir::OpType::kAveragePool2D;
    ir::Graph g = one_op_graph(
        Shape{n, h, w, c}, [&](ir::Graph& gr, int x) { return add_op(gr, type, "pool", {x}, o); });
    check_against_reference(g, rng.values(n * h * w * c), {"pool_channels", false, true},
                            "pool case " + std::to_string(iter));
    ++checked;
  }
  EXPECT_GT(checked, 40);
  // MobileNet's global average pool, big enough to be split over threads.
  ir::Pool2DOptions global;
  global.filter_h = global.filter_w = 7;
  ir::Graph g = one_op_graph(Shape{1, 7, 7, 1024}, [&](ir::Graph& gr, int x) {
    return add_op(gr, ir::OpType::kAveragePool2D, "pool", {x}, global);
  });
  check_against_reference(g, rng.values(7 * 7 * 1024), {"pool_channels", false, true},
                          "global average pool");
}

TEST(OptimizedFloatKernels, SoftmaxMatchesTheReference) {
  Rng rng(44);
  for (int iter = 0; iter < 40; ++iter) {
    const int64_t rows = rng.pick(1, 6), depth = iter % 4 == 0 ? 1001 : rng.pick(1, 70);
    ir::SoftmaxOptions o;
    o.beta = std::vector<float>{0.5f, 1.0f, 2.5f}[static_cast<size_t>(rng.pick(0, 2))];
    ir::Graph g = one_op_graph(Shape{rows, depth}, [&](ir::Graph& gr, int x) {
      return add_op(gr, ir::OpType::kSoftmax, "softmax", {x}, o);
    });
    // Logits up to ±60: with β 2.5 the smallest probabilities underflow to subnormals and 0.
    std::vector<float> input = rng.values(rows * depth);
    for (float& v : input) v *= 60.0f;
    check_against_reference(g, input, {"softmax"}, "softmax case " + std::to_string(iter));
  }
  ir::SoftmaxOptions negative;
  negative.beta = -1.0f;
  ir::Graph g = one_op_graph(Shape{2, 10}, [&](ir::Graph& gr, int x) {
    return add_op(gr, ir::OpType::kSoftmax, "softmax", {x}, negative);
  });
  check_against_reference(g, rng.values(20), {""}, "softmax with negative beta");
}

// Runs DEQUANTIZE of `bytes` (an `dtype` tensor of `shape` with quantization `q`) and returns
// the output bytes and the kernel variant.
std::pair<std::vector<uint8_t>, std::string> dequantize(DType dtype, const Shape& shape,
                                                        const ir::QuantParams& q,
                                                        const std::vector<uint8_t>& bytes,
                                                        KernelSet set) {
  ir::Graph g;
  const int x = g.add_tensor("x", dtype, shape);
  g.tensors[static_cast<size_t>(x)].quant = q;
  g.inputs = {x};
  g.outputs = {add_op(g, ir::OpType::kDequantize, "dq", {x}, ir::NoOptions{})};
  InterpreterOptions o;
  o.kernel_set = set;
  auto interp = Interpreter::create(std::make_shared<const ir::Graph>(g), o);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  if (!interp.ok()) return {};
  EXPECT_TRUE((*interp)->set_input_bytes(0, bytes).ok());
  EXPECT_TRUE((*interp)->invoke().ok());
  TensorView out = (*interp)->output(0);
  const uint8_t* p = static_cast<const uint8_t*>(out.raw());
  return {std::vector<uint8_t>(p, p + out.num_elements() * 4),
          std::string((*interp)->kernel_variant(0))};
}

// Every int8 / uint8 value and a sweep of int16 values under random scales and zero points,
// per tensor and per channel: the float arithmetic must give the reference's bytes.
TEST(OptimizedFloatKernels, DequantizeIsBitIdenticalToTheReference) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> exponent(-30.0f, 10.0f);
  for (int iter = 0; iter < 60; ++iter) {
    const DType dtype = iter % 3 == 0   ? DType::kInt8
                        : iter % 3 == 1 ? DType::kUInt8
                                        : DType::kInt16;
    const int64_t channels = iter % 2 == 0 ? 1 : 4;
    const int64_t per_channel = dtype == DType::kInt16 ? 2048 : 256;
    const size_t width = dtype == DType::kInt16 ? 2 : 1;
    std::vector<uint8_t> bytes(static_cast<size_t>(channels * per_channel) * width);
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<uint8_t>(width == 1 ? i : rng());  // every 8-bit value per channel
    }
    ir::QuantParams q;
    for (int64_t ch = 0; ch < channels; ++ch) {
      q.scale.push_back(std::pow(2.0f, exponent(rng)) *
                        std::uniform_real_distribution<float>(1.0f, 2.0f)(rng));
      const int64_t z = dtype == DType::kInt8 ? std::uniform_int_distribution<int>(-128, 127)(rng)
                        : dtype == DType::kUInt8 ? std::uniform_int_distribution<int>(0, 255)(rng)
                                                 : 0;
      q.zero_point.push_back(z);
    }
    q.quantized_dimension = 0;
    const Shape shape{channels, per_channel};
    const auto ref = dequantize(dtype, shape, q, bytes, KernelSet::kReference);
    const auto opt = dequantize(dtype, shape, q, bytes, KernelSet::kOptimized);
    EXPECT_EQ(opt.second, "dequantize_float");
    EXPECT_TRUE(ref.first == opt.first) << "case " << iter << " (" << dtype_name(dtype) << ")";
  }
}

// NaN inputs stay NaN through the fused activation, as in the reference clamp.
TEST(OptimizedFloatKernels, NanPropagatesThroughActivationsAndSoftmax) {
  for (Isa isa : isa_levels()) {
    ir::FullyConnectedOptions o;
    o.activation = ir::Activation::kRelu6;
    ir::Graph g = one_op_graph(Shape{1, 3}, [&](ir::Graph& gr, int x) {
      int wt = add_float_const(gr, "w", Shape{20, 3}, std::vector<float>(60, 1.0f));
      return add_op(gr, ir::OpType::kFullyConnected, "fc", {x, wt}, o);
    });
    const RunResult r = run_graph(g, {1.0f, NAN, 2.0f}, optimized_options(isa, 1));
    ASSERT_EQ(r.values.size(), 20u);
    for (float v : r.values) EXPECT_TRUE(std::isnan(v)) << isa_name(isa);
    // SOFTMAX: a NaN logit makes the row's sum NaN, so every output is NaN.
    ir::Graph sm = one_op_graph(Shape{1, 20}, [&](ir::Graph& gr, int x) {
      return add_op(gr, ir::OpType::kSoftmax, "softmax", {x}, ir::SoftmaxOptions{});
    });
    std::vector<float> logits(20, 0.5f);
    logits[17] = NAN;
    const RunResult s = run_graph(sm, logits, optimized_options(isa, 1));
    EXPECT_EQ(s.variant, float_variant_name("softmax", isa));
    for (float v : s.values) EXPECT_TRUE(std::isnan(v)) << isa_name(isa);
  }
}

}  // namespace
}  // namespace qexp::interp

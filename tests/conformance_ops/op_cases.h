#pragma once
// Seeded random one-op models for the per-op conformance tests: shapes, strides, paddings,
// dilations, depth multipliers, fused activations, quantization parameters and inputs drawn
// from a fixed seed, so every run builds the same cases. Each family cycles through the
// discrete choices (stride 1/2, SAME/VALID, every fused activation, odd channel counts) so that
// all of them appear whatever the case count.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "framework/ir/graph.h"
#include "tests/conformance_ops/tflite_ref.h"

namespace qexp::conformance {

/// How the operands of conv / depthwise / FC cases are drawn.
enum class Operands {
  kRandom,         ///< full-range inputs and weights, ~50 LSB of output spread
  kRoundingProbe,  ///< small operands, multipliers 2^-6..2^-2: rounding rules disagree often
  kExactTies,      ///< power-of-two scales (multipliers exactly 2^-k): many exact .5 ties
};

/// Deterministic parameter source (std::mt19937 with explicit distributions written out, so the
/// cases do not depend on the standard library's distribution implementations).
class CaseRng {
 public:
  explicit CaseRng(uint32_t seed) : rng_(seed) {}
  /// Uniform integer in [lo, hi].
  int uniform(int lo, int hi) {
    return lo + static_cast<int>(rng_() % static_cast<uint32_t>(hi - lo + 1));
  }
  /// Uniform double in [0, 1).
  double unit() { return static_cast<double>(rng_() >> 5) / 134217728.0; }
  /// Log-uniform float in [lo, hi].
  float log_uniform(double lo, double hi) {
    return static_cast<float>(lo * std::pow(hi / lo, unit()));
  }
  /// n int8 values uniform in [lo, hi], as bytes.
  std::vector<uint8_t> int8_bytes(int64_t n, int lo, int hi);
  /// n int16 values uniform in [lo, hi], as little-endian bytes.
  std::vector<uint8_t> int16_bytes(int64_t n, int lo, int hi);

 private:
  std::mt19937 rng_;
};

// ---- int8 families (op_cases_int8.cc) -----------------------------------------------------------

/// CONV_2D int8 with per-channel weights.
std::vector<OpCase> conv2d_int8_cases(uint32_t seed, int count, Operands operands);
/// DEPTHWISE_CONV_2D int8 with per-channel weights and depth multipliers 1–3.
std::vector<OpCase> depthwise_int8_cases(uint32_t seed, int count, Operands operands);
/// FULLY_CONNECTED int8, per-tensor or per-channel weights.
std::vector<OpCase> fully_connected_int8_cases(uint32_t seed, int count, bool per_channel,
                                               Operands operands);
/// AVERAGE_POOL_2D / MAX_POOL_2D, int8 or int16 (zero point 0).
std::vector<OpCase> pool_cases(ir::OpType type, DType dtype, uint32_t seed, int count);
/// ADD / MUL int8 with broadcasting; every third case has power-of-two scales (exact ties).
std::vector<OpCase> binary_int8_cases(ir::OpType type, uint32_t seed, int count);
/// SOFTMAX (varied beta), LOGISTIC, TANH int8 with their fixed output parameters.
std::vector<OpCase> activation_int8_cases(ir::OpType type, uint32_t seed, int count);
/// CONCATENATION int8 / int16 (shared parameters; `mixed`: inputs with their own parameters).
std::vector<OpCase> concatenation_cases(DType dtype, uint32_t seed, int count, bool mixed);
/// PAD int8 / int16.
std::vector<OpCase> pad_cases(DType dtype, uint32_t seed, int count);
/// MEAN int8 over every kind of axis set (4-D spatial with keep_dims, other axes, shared and
/// differing parameters).
std::vector<OpCase> mean_int8_cases(uint32_t seed, int count);

// ---- QUANTIZE / DEQUANTIZE (op_cases_quantize.cc)
// ------------------------------------------------

/// QUANTIZE float32 → `out` (int8, uint8, int16): exact .5 ties at power-of-two scales, near-ties
/// x = (k + 0.5)·s at arbitrary scales, and random values.
std::vector<OpCase> quantize_float_cases(DType out, uint32_t seed, int count);
/// QUANTIZE integer → integer (requantization): `in` → `out`.
std::vector<OpCase> requantize_cases(DType in, DType out, uint32_t seed, int count);
/// DEQUANTIZE int8 / uint8 / int16 → float32.
std::vector<OpCase> dequantize_cases(DType in, uint32_t seed, int count);

// ---- int16x8 and hybrid families (op_cases_16x8_hybrid.cc) --------------------------------------

/// CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with int16 activations, int8 weights, int64
/// bias.
std::vector<OpCase> int16x8_cases(ir::OpType type, uint32_t seed, int count);
/// ADD / SOFTMAX int16.
std::vector<OpCase> int16_cases(ir::OpType type, uint32_t seed, int count);
/// Hybrid CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED: float activations, int8 weights
/// (`per_channel`: per-channel scales that differ).
std::vector<OpCase> hybrid_cases(ir::OpType type, uint32_t seed, int count, bool per_channel);

// ---- graph building helpers (op_cases_common.cc)
// -------------------------------------------------

/// Appends an activation tensor with per-tensor parameters; returns its index.
int add_activation(ir::Graph& g, const std::string& name, DType dtype, Shape shape, float scale,
                   int64_t zero_point);
/// Appends a constant int8 weight tensor with symmetric per-tensor (one scale) or per-axis
/// parameters along `axis`.
int add_int8_weights(ir::Graph& g, const std::string& name, Shape shape,
                     std::vector<uint8_t> values, const std::vector<float>& scales, int axis);
/// Appends a constant int32 (or int64) bias with scales s_in · s_w[c].
int add_bias(ir::Graph& g, const std::string& name, DType dtype, const std::vector<int64_t>& values,
             float input_scale, const std::vector<float>& weight_scales);
/// Appends `type` reading `inputs` and writing a new output tensor (shape from shape inference,
/// per-tensor parameters when `out_scale` > 0) that becomes the graph output. Returns it.
int add_single_op(ir::Graph& g, ir::OpType type, std::vector<int> inputs, ir::OpOptions options,
                  DType out_dtype, float out_scale, int64_t out_zero_point);
/// The i-th fused activation in the cycle NONE, RELU, RELU6, RELU_N1_TO_1.
ir::Activation activation_cycle(int i);

}  // namespace qexp::conformance

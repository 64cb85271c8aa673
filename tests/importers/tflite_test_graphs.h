#pragma once
// IR graphs for the TFLite importer and exporter tests. Every op is named after its first output
// tensor (the importer's naming convention), so a graph whose name is the import source name
// dumps identically after a serialize → import round trip.

#include <cstdint>
#include <string>
#include <vector>

#include "framework/ir/graph.h"

namespace qexp::tflite_test {

/// Deterministic values in [-1, 1) (a small LCG; the same on every platform).
std::vector<float> seeded_floats(size_t n, uint32_t seed);

/// Appends a float32 constant with seeded values; returns its index.
int add_float_const(ir::Graph& g, const std::string& name, const Shape& shape, uint32_t seed);
/// Appends an int32 constant; returns its index.
int add_int32_const(ir::Graph& g, const std::string& name, const Shape& shape,
                    const std::vector<int32_t>& values);
/// Appends an op named after its first output.
ir::Op& add_op(ir::Graph& g, ir::OpType type, std::vector<int> inputs, std::vector<int> outputs,
               ir::OpOptions options);

/// x[1,8,8,3] → CONV_2D (RELU6) → DEPTHWISE_CONV_2D (multiplier 2, VALID, stride 2) → PAD →
/// MAX_POOL_2D → AVERAGE_POOL_2D → MEAN (keep_dims) → RESHAPE (shape input) → FULLY_CONNECTED
/// (RELU) → SOFTMAX.
ir::Graph float_cnn(const std::string& name);

/// Two inputs → ADD (constant, RELU) / SUB / MUL (RELU_N1_TO_1) → CONCATENATION (axis -1) →
/// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1 → CONCATENATION → RESHAPE (new_shape option only)
/// → FULLY_CONNECTED (keep_num_dims, bias -1) → SQUEEZE → FULLY_CONNECTED (2 inputs).
ir::Graph float_elementwise(const std::string& name);

/// x float → QUANTIZE → int8 CONV_2D with per-axis int8 weights and int32 bias (RELU, output
/// min/max recorded) → DEQUANTIZE.
ir::Graph int8_per_axis_conv(const std::string& name);

/// The int8 ops of a full-integer model: QUANTIZE → DEPTHWISE_CONV_2D (per-axis on dimension 3)
/// → ADD → MAX_POOL_2D → PAD → MEAN → RESHAPE → FULLY_CONNECTED (per-tensor) → SOFTMAX
/// (output 1/256, -128) → DEQUANTIZE.
ir::Graph int8_ops(const std::string& name);

/// float16 constant weights → DEQUANTIZE → CONV_2D (the float16 quantization mode).
ir::Graph float16_weights(const std::string& name);

}  // namespace qexp::tflite_test

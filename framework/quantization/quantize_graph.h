#pragma once
/// Post-training quantization of a float IR graph into the variants TFLite deploys:
/// float16 weights, dynamic-range (weight-only int8), full-integer int8 and 16x8.
///
/// The result is a new graph; the float graph is untouched. Quantized ops read and write integer
/// tensors carrying their QuantParams; QUANTIZE / DEQUANTIZE ops are inserted wherever a float
/// tensor meets an integer op (model inputs and outputs, excluded ops).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/ir/graph.h"
#include "framework/quantization/quant_params.h"

namespace qexp::quant {

enum class QuantMode { kFloat16, kDynamicRange, kInt8, kInt16x8 };
enum class IoType { kFloat32, kInt8, kUInt8 };

std::string_view quant_mode_name(QuantMode m);  ///< "float16", "dynamic_range", "int8", "int16x8"
Result<QuantMode> parse_quant_mode(std::string_view name);
std::string_view io_type_name(IoType t);  ///< "float", "int8", "uint8"
Result<IoType> parse_io_type(std::string_view name);

/// Calibrated activation ranges keyed by tensor name in the float graph.
using RangeMap = std::map<std::string, TensorRange>;

struct QuantizeOptions {
  QuantMode mode = QuantMode::kInt8;
  /// CONV_2D (axis 0) and DEPTHWISE_CONV_2D (axis 3) weights: one scale per output channel.
  bool per_channel = true;
  /// FULLY_CONNECTED weights per output channel (TFLite's converter defaults to per-tensor).
  bool fc_per_channel = false;
  /// int8 activations symmetric (zero point 0) instead of asymmetric.
  bool symmetric_activations = false;
  /// Type of the model's inputs and outputs in int8 / int16x8 modes.
  IoType io_type = IoType::kFloat32;
  /// Ops that stay float: each entry matches an op type ("CONV_2D") or, as a regular expression,
  /// the whole op name ("MobilenetV1/Conv2d_1.*").
  std::vector<std::string> exclude;
  /// dynamic_range: weight tensors with fewer elements stay float (TFLite's default 1024).
  int64_t dynamic_range_min_elements = 1024;
  /// Weight range method (int8 and int16x8 modes; dynamic_range and float16 keep abs-max).
  /// Called once per group of weight values that gets its own scale (one
  /// output channel, or the whole tensor with per-tensor weights) with the weight tensor's name
  /// and the group's values; returns the clip threshold T >= 0, and the group is quantized
  /// symmetrically with scale T / 127 (values beyond T saturate at ±127). Empty: abs-max
  /// (T = max |w|, TFLite's rule). Errors are returned by quantize_graph with the tensor named.
  std::function<Result<float>(const std::string& tensor, const std::vector<float>& values)>
      weight_threshold;
};

/// What the quantizer did, for reports.
struct QuantizeSummary {
  std::vector<std::string> quantized_ops;  ///< op names
  std::vector<std::string> float_ops;      ///< op names left in float (excluded or unsupported)
  int inserted_quantize = 0, inserted_dequantize = 0;
};

/// TFLite's fixed output parameters of an integer op in `mode`, or nullopt when the output is
/// calibrated. SOFTMAX and LOGISTIC: int8 (1/256, −128), int16 (1/32768, 0); TANH: int8
/// (1/128, 0), int16 (1/32768, 0) — the values of TFLite's operator_property.cc
/// (restricted_value_int8 / _int16), which its kernels check.
std::optional<ir::QuantParams> fixed_output_params(ir::OpType type, QuantMode mode);

/// Activation tensors (names) whose calibrated range the given options need.
std::vector<std::string> tensors_needing_ranges(const ir::Graph& float_graph,
                                                const QuantizeOptions& options);

/// The errors quantize_graph would report before needing any range: a bad exclude pattern, or
/// an op without an integer kernel in an integer mode that is not excluded. Cheap; lets a caller
/// fail before spending time on calibration.
Status check_quantizable(const ir::Graph& float_graph, const QuantizeOptions& options);

/// Quantizes `float_graph`. Errors: a needed range is missing (naming the tensor), an op the
/// mode cannot quantize and that is not excluded (naming it and suggesting `exclude`), a bad
/// exclude pattern, non-float inputs.
Result<ir::Graph> quantize_graph(const ir::Graph& float_graph, const RangeMap& ranges,
                                 const QuantizeOptions& options,
                                 QuantizeSummary* summary = nullptr);

}  // namespace qexp::quant

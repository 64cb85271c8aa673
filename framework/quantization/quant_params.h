#pragma once
/// Choosing quantization parameters from float ranges and quantizing constant tensors, with the
/// rules of TFLite's converter (tensorflow/lite/tools/optimize/quantization_utils.cc).

#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::quant {

/// A float range [min, max] observed or calibrated for one tensor.
struct TensorRange {
  float min = 0.0f;
  float max = 0.0f;
};

/// Asymmetric parameters for [qmin, qmax]: the range is widened to contain 0, scale =
/// (max - min) / (qmax - qmin), and the zero point qmin - min / scale is rounded and clamped
/// ("nudged") so that real 0.0 is exactly representable. A zero-width range gets scale 1.
ir::QuantParams asymmetric_params(TensorRange range, int qmin, int qmax);

/// Symmetric parameters: zero point 0, scale = max(|min|, |max|) / qmax (scale 1 when 0).
ir::QuantParams symmetric_params(TensorRange range, int qmax);

/// Per-channel symmetric weight scales max|w[c]| / qmax along `axis` of a float32 tensor (one
/// scale for the whole tensor when !per_channel). Zero channels get scale 1.
ir::QuantParams symmetric_weight_params(const ir::Tensor& weights, int axis, int qmax,
                                        bool per_channel);

/// Quantizes a float32 constant with the given parameters (per-axis aware), rounding half away
/// from zero after multiplying by 1/scale as TFLite does, clamped to [qmin, qmax], into dtype
/// kInt8 / kInt16 / kInt32 / kInt64. Returns the new tensor bytes.
std::vector<uint8_t> quantize_values(const ir::Tensor& value, const ir::QuantParams& params,
                                     DType dtype, int64_t qmin, int64_t qmax);

/// Float32 → float16 bytes (round to nearest even).
std::vector<uint8_t> to_float16(const ir::Tensor& value);

/// Per-element extent of `t` along `axis`: (outer, channels, inner) with outer·channels·inner =
/// num_elements.
struct AxisSplit {
  int64_t outer = 1, channels = 1, inner = 1;
};
AxisSplit split_axis(const Shape& shape, int axis);

}  // namespace qexp::quant

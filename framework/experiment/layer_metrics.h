#pragma once
/// Per-layer quantization error of a variant against its float model (report.json
/// `variants[].layers`, docs/report-schema.md).
///
/// A layer is an op of the variant (not QUANTIZE / DEQUANTIZE) whose first output has the name
/// of a float-model activation. For each, over the given samples:
///  - accumulated: the variant runs whole; its output (dequantized) vs the float output;
///  - isolated: the float model's input activations, quantized with the variant's input
///    parameters, go through this one variant op;
///  - weight-only: the float op with the variant's weights (dequantized) and float inputs;
///  - activation-only: the float op with float weights and its inputs quantized-dequantized
///    with the variant's input parameters.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/experiment/metrics.h"
#include "framework/ir/graph.h"

namespace qexp::exp {

struct LayerMetrics {
  int index = 0;       ///< op index in the variant graph
  std::string name;    ///< output tensor name
  std::string op;      ///< op type name
  std::string dtype;   ///< output dtype in the variant
  std::optional<double> scale;  ///< output scale (quantized outputs)
  ErrorAccumulator accumulated;
  std::optional<ErrorAccumulator> isolated;  ///< when every input has a float counterpart
  std::optional<ErrorAccumulator> weight_only;      ///< ops with a weight input
  std::optional<ErrorAccumulator> activation_only;  ///< ops whose inputs the variant quantizes
};

/// Measures every layer of `variant` against `float_graph` on `samples` (float32 tensors of the
/// float graph's input shape, e.g. preprocessed images). Errors: interpreter errors naming the
/// layer, samples of the wrong shape.
Result<std::vector<LayerMetrics>> measure_layers(std::shared_ptr<const ir::Graph> float_graph,
                                                 std::shared_ptr<const ir::Graph> variant,
                                                 const std::vector<Tensor>& samples);

/// Float values of `value` (float32, float16, or int8 / uint8 / int16 / int32 with `quant`,
/// per-axis aware).
std::vector<float> dequantize_view(const TensorView& value, const ir::QuantParams& quant);

}  // namespace qexp::exp

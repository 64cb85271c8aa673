#pragma once
/// Internal to the TFLite exporter (exposes flatc generated types; not a public header).

#include <utility>

#include "framework/importers/tflite/tflite_schema_util.h"
#include "framework/ir/graph.h"

namespace qexp::tflite::internal {

/// Whether the exporter writes a QuantizationParameters table for `t`. TFLite's op-version rules
/// look at the presence of that table, so op_versions.cc uses the same predicate.
inline bool writes_quantization(const ir::Tensor& t) {
  return t.quant.is_quantized() || !t.quant.min.empty() || !t.quant.max.empty();
}

/// ADD / SUB with int16 activations get pot_scale_int16 = false, as TFLite's quantizer sets it
/// (SetOperatorPropertyADDSUBOperator in tools/optimize/quantize_model.cc): the general-scale
/// int16 kernel.
inline bool pot_scale_int16(const ir::Graph& graph, const ir::Op& op) {
  return graph.tensors[static_cast<size_t>(op.outputs[0])].dtype != DType::kInt16;
}

/// The builtin options of `op` as TFLite writes them: the union type and the table (type NONE and
/// a null offset for ops without options).
std::pair<fb::BuiltinOptions, flatbuffers::Offset<void>> build_options(
    flatbuffers::FlatBufferBuilder& b, const ir::Graph& graph, const ir::Op& op);

}  // namespace qexp::tflite::internal

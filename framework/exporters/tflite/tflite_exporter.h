#pragma once
/// Export of an IR graph as a TensorFlow Lite flatbuffer (`.tflite`) — the Export step of the
/// TFLite converter.
///
/// The file has the layout TFLite's converter writes: schema version 3 with identifier "TFL3", one
/// subgraph named "main", buffer 0 empty (the convention for "no data"), one buffer per constant
/// tensor (16-byte aligned, float16 constants stored as half), operator codes deduplicated by
/// (builtin code, version) with both deprecated_builtin_code = min(code, 127) and builtin_code set,
/// builtin options for every op, tensor names, per-tensor and per-axis quantization
/// (scale, zero_point, quantized_dimension, min/max), and a "min_runtime_version" metadata entry.
///
/// Mapping from the IR: TFLite tensor i = IR tensor i (all tensors, in order), operator k = IR op
/// k. IR op names, the graph name and Graph::metadata / Graph::aside are not stored (TFLite
/// operators have no names; the importer names each op after its first output tensor).
///
/// Operator versions follow TFLite's rules (see op_versions.h), so int8, int16 and hybrid ops get
/// the versions TFLite's readers expect. Output is deterministic: the same graph gives the same
/// bytes.
///
/// Errors (the graph is not changed): IR-only ops (BATCH_NORM, MATMUL, IDENTITY) with the pass
/// that lowers them; a graph that fails ir::verify; dimensions or reshape targets that do not fit
/// TFLite's int32 fields; constants totalling more than a flatbuffer can hold (~2 GiB).

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::tflite {

/// The .tflite bytes of `graph`.
Result<std::vector<uint8_t>> serialize_tflite(const ir::Graph& graph);

/// Serializes `graph` and writes it to `path` atomically (a reader never sees a partial file).
/// Errors are prefixed with the path.
Status export_tflite_file(const ir::Graph& graph, const std::string& path);

}  // namespace qexp::tflite

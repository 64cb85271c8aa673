#pragma once
/// Import of TensorFlow Lite flatbuffers (`.tflite`, schema version 3, identifier "TFL3") into the
/// IR.
///
/// The file is untrusted input: it is checked in three stages and never read out of bounds.
///  1. Size and identifier: at least 8 bytes, "TFL3" at offset 4.
///  2. The flatbuffers verifier (bounded depth and table count).
///  3. Semantic checks — every tensor, buffer and opcode index, shape (rank ≤ 8, no negative
///     dimension, no 64-bit overflow), constant byte count, quantization array, operator arity
///     and builtin-options type — and finally ir::verify with shape checks.
/// Every error message starts with `source_name` and names the tensor / operator / buffer and the
/// bad value, e.g. `model.tflite: operator 3 (CONV_2D): input 1 refers to tensor 250, the
/// subgraph has 40 tensors`.
///
/// What the IR receives:
///  - The first subgraph only; a model with more records
///    metadata["warning"] = "model has N subgraphs; qexp uses the first".
///  - Tensors in file order (IR tensor i = TFLite tensor i) with names, dtypes, shapes, per-tensor
///    or per-axis quantization (scale, zero_point, quantized_dimension) and min / max.
///  - Constants: a tensor whose buffer has data (inline, or the offset/size form that models
///    larger than 2 GiB use) gets a copy of those bytes; a 0-length buffer means "not constant".
///  - Operators in file order. TFLite operators have no names, so each op is named after its
///    first output tensor (what Netron shows). Absent optional inputs stay -1. Missing builtin
///    options tables read as the schema defaults (an empty table).
///  - graph.name = source_name; metadata: "source_format" = "tflite", "tflite_schema_version",
///    and when present "tflite_description", "tflite_subgraph_name",
///    "tflite_min_runtime_version".
///
/// Not supported (each a clear error naming the thing): custom operators, builtin operators qexp
/// has no IR op for, tensor types other than FLOAT32, FLOAT16, INT8, UINT8, INT16, INT32, INT64 and
/// BOOL, sparse and variable tensors, custom quantization, shuffled FULLY_CONNECTED weights.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::tflite {

/// Reads and imports a .tflite file. Errors from reading name the path (not found, unreadable,
/// larger than limits().max_tflite_bytes, 2 GiB by default); import errors are prefixed with
/// `path`.
Result<ir::Graph> import_tflite_file(const std::string& path);

/// Imports a .tflite model held in memory. `source_name` prefixes every error message and becomes
/// the graph name. The bytes need no particular alignment (they are copied when misaligned); the
/// returned graph owns copies of all constant data.
Result<ir::Graph> import_tflite_buffer(std::span<const uint8_t> data, std::string_view source_name);

}  // namespace qexp::tflite

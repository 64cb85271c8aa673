#pragma once
/// Operator versions and minimum runtime versions, as TensorFlow Lite's converter computes them.
///
/// A TFLite reader looks up each operator by (builtin code, version) in its kernel registry, and
/// delegates and TFLite Micro check versions too, so a quantized op must carry the version that
/// announces its input types. These functions port TFLite's rules for the ops qexp exports:
///  - tflite_op_version: tensorflow/lite/tools/versioning/op_version.cc,
///    GetBuiltinOperatorVersion, with the op signature that op_signature.cc derives from the model
///    (tensor types, shapes, per-channel quantization, options);
///  - tflite_min_runtime_version: the (op, version) → runtime table of
///    tensorflow/lite/tools/versioning/runtime_version.cc (TF 2.13 era), and
///    model_min_runtime_version: UpdateMinimumRuntimeVersionForModel (max over ops; pairs missing
///    from the table are skipped, as upstream does).

#include <string>
#include <string_view>

#include "framework/ir/graph.h"

namespace qexp::tflite {

/// The version TFLite's converter writes into the OperatorCode of `op`.
/// Precondition: `op` belongs to `graph`, its tensor indices are valid (ir::verify passed) and
/// its type has a TFLite builtin code.
int tflite_op_version(const ir::Graph& graph, const ir::Op& op);

/// The TFLite release that first runs (builtin_code, version), e.g. "1.14.0" for int8 CONV_2D
/// (version 3); "" when the pair is not in the table.
std::string_view tflite_min_runtime_version(int builtin_code, int version);

/// True when dotted version `a` precedes `b` ("1.5.0" < "1.14.0"; "" precedes everything), with
/// the semantics of TFLite's CompareRuntimeVersion.
bool runtime_version_less(std::string_view a, std::string_view b);

/// The minimum runtime version of a whole graph: the greatest tflite_min_runtime_version over its
/// ops ("" for a graph whose ops are all unknown to the table). Preconditions as for
/// tflite_op_version, for every op.
std::string model_min_runtime_version(const ir::Graph& graph);

}  // namespace qexp::tflite

#pragma once
/// Import of TensorFlow frozen GraphDefs (`.pb`) into the IR — the Import step of the TFLite
/// converter (`TFLiteConverter.from_frozen_graph(file, input_arrays, output_arrays)`).
///
/// Ops are mapped one to one onto IR ops in NHWC (Conv2D filters are transposed from HWIO to
/// TFLite's OHWI; FusedBatchNorm becomes BATCH_NORM, MatMul MATMUL, Identity IDENTITY — the
/// conversion passes fold and lower them). Nodes not reachable from the outputs (training-only
/// loss and regularizer subgraphs) are kept in Graph::aside, not dropped.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/limits.h"
#include "framework/core/shape.h"
#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::tf {

struct GraphDefImportOptions {
  /// Input node names. Default: every Placeholder the outputs depend on.
  std::vector<std::string> input_arrays;
  /// Output node names ("node" or "node:k"). Default: the single node that consumes data from an
  /// input and that nothing else consumes; an error lists the candidates when there are several.
  std::vector<std::string> output_arrays;
  /// One shape per input (same order), replacing the Placeholder's shape. Without it an unknown
  /// batch dimension becomes 1; any other unknown dimension is an error.
  std::vector<Shape> input_shapes;
  /// Files larger than this are refused before parsing. Default: limits().max_graphdef_bytes.
  int64_t max_file_bytes = limits().max_graphdef_bytes;
};

/// The TF op types the importer maps onto IR ops, sorted.
std::vector<std::string> supported_tf_ops();

Result<ir::Graph> import_graphdef_file(const std::string& path,
                                       const GraphDefImportOptions& options = {});
Result<ir::Graph> import_graphdef_buffer(std::span<const uint8_t> data,
                                         std::string_view source_name,
                                         const GraphDefImportOptions& options = {});

}  // namespace qexp::tf

#pragma once
/// Internal to the TFLite importer: the state shared by tflite_importer.cc (model, tensors,
/// buffers) and tflite_import_ops.cc (operators and their options).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "framework/core/status.h"
#include "framework/core/strings.h"
#include "framework/importers/tflite/tflite_schema_util.h"
#include "framework/ir/graph.h"

namespace qexp::tflite::internal {

/// One import in progress. All flatbuffer pointers point into `file` and were verified.
struct ImportContext {
  std::string_view source;        ///< prefixes every message
  std::span<const uint8_t> file;  ///< the whole file (buffers may point past the flatbuffer)
  const fb::Model* model = nullptr;
  const fb::SubGraph* subgraph = nullptr;
  ir::Graph* graph = nullptr;

  /// A Status whose message is "<source>: <message>".
  Status error(StatusCode code, const std::string& message) const {
    return Status(code, str_cat(source, ": ", message));
  }
  int num_tensors() const { return static_cast<int>(graph->tensors.size()); }
};

/// Imports every operator of ctx.subgraph, in order, into ctx.graph. Precondition: the tensors
/// were imported (IR tensor i = TFLite tensor i).
Status import_operators(const ImportContext& ctx);

}  // namespace qexp::tflite::internal

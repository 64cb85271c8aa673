#pragma once
/// Loading any supported model file into a runnable IR graph: format detection, import, and for
/// TensorFlow graphs the conversion pipeline (the Transform step of the TFLite converter).

#include <optional>
#include <string>
#include <vector>

#include "framework/core/shape.h"
#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::cli {

enum class ModelFormat { kTflite, kGraphDef };

struct ModelLoadOptions {
  /// GraphDef only: input / output node names (default: Placeholders / nodes nothing consumes).
  std::vector<std::string> input_arrays, output_arrays;
  /// GraphDef only: shape for the (single) input, replacing unknown dimensions.
  std::optional<Shape> input_shape;
  /// Conversion passes for GraphDef models; empty = the default conversion pipeline.
  std::vector<std::string> passes;
  /// Re-verify the IR after each pass and check that float outputs did not change.
  bool verify_each = false;
  /// Pass names (or "all") after which to print the graph dump to stderr.
  std::vector<std::string> print_after;
  /// GraphDef only: also return the graph as imported, before the passes (for analyses).
  bool keep_imported = false;
};

struct LoadedModel {
  ir::Graph graph;
  ModelFormat format;
  std::vector<std::string> pass_log;  ///< one line per pass that changed the graph
  /// The imported graph before any pass (with Graph::aside), when keep_imported was set.
  std::optional<ir::Graph> imported;
};

/// Detects the format from the file's identifier ("TFL3" at byte 4) or, failing that, the
/// extension (.pb → GraphDef).
Result<ModelFormat> detect_model_format(const std::string& path);

Result<LoadedModel> load_model(const std::string& path, const ModelLoadOptions& options = {});

std::string_view model_format_name(ModelFormat f);

}  // namespace qexp::cli

#pragma once
/// Structural checks of an IR graph. Every importer runs it on what it built, passes can run it
/// after each step (verify_each), and the interpreter relies on it before Prepare.

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::ir {

struct VerifyOptions {
  /// Also check that every op's output shapes equal what shape inference computes.
  bool check_shapes = true;
};

/// Checks, with messages naming the op or tensor and the bad value:
/// - tensor indices of ops, graph inputs and outputs are in range (-1 only for optional inputs);
/// - op arity and options type match ops.def;
/// - every tensor has at most one producer; constants and graph inputs have none;
/// - ops are in topological order (every input is a constant, graph input, or produced earlier),
///   which also rules out cycles;
/// - shapes have rank ≤ 8, non-negative dims and no 64-bit overflow; constant byte counts match
///   shape × dtype; all tensors together hold at most limits().max_model_elements elements
///   (kResourceExhausted);
/// - quantization parameters: scale and zero_point counts agree, scales are finite and > 0,
///   per-axis counts equal the size of quantized_dimension, which must be within the rank.
Status verify(const Graph& graph, const VerifyOptions& options = {});

}  // namespace qexp::ir

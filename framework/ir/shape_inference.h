#pragma once
/// Output-shape rules of every IR op (TFLite semantics), shared by importers, passes and the
/// interpreter's Prepare step.

#include <vector>

#include "framework/core/shape.h"
#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::ir {

/// Spatial output size of a windowed op (conv, pooling) along one axis, TFLite rules:
/// SAME: ceil(in / stride); VALID: ceil((in - effective_filter + 1) / stride).
/// Returns -1 when the window does not fit (VALID with filter > input) or a parameter is < 1.
int64_t conv_output_size(Padding padding, int64_t in, int64_t filter, int stride, int dilation);

/// Leading padding along one axis for SAME/VALID (TFLite ComputePaddingHeightWidth): half of the
/// total padding, the extra one going after.
int64_t conv_padding_before(Padding padding, int64_t in, int64_t filter, int stride,
                            int dilation, int64_t out);

/// Numpy-style broadcast of two shapes; error if incompatible.
Result<Shape> broadcast_shapes(const Shape& a, const Shape& b);

/// Output shapes of `op` from its input tensors' shapes (and constant inputs such as reshape
/// targets, paddings, reduction axes). Errors name the op and the offending input.
/// Precondition: the op's tensor indices are in range (run the verifier's index checks first).
Result<std::vector<Shape>> infer_output_shapes(const Graph& graph, const Op& op);

/// Runs infer_output_shapes over ops in execution order and stores the results in the output
/// tensors. Fails on the first op whose inputs are inconsistent.
Status infer_shapes(Graph& graph);

}  // namespace qexp::ir

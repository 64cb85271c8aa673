#pragma once
/// A readable, stable text form of a graph, for tests (before/after goldens), `print_after`
/// and `qexp inspect`.
///
///   graph "name"
///     inputs: %0
///     outputs: %5
///     %0 "input" float32[1,28,28,1]
///     %1 "conv/weights" float32[8,3,3,1] const
///     %2 "conv/out" int8[1,28,28,8] q(scale=0.1 zp=-3)
///   ops:
///     CONV_2D "conv" (%0, %1, -) -> (%2) {padding=SAME stride=1x1 dilation=1x1 act=RELU6}

#include <string>

#include "framework/ir/graph.h"

namespace qexp::ir {

struct DumpOptions {
  bool tensors = true;       ///< list tensors (else only ops)
  int max_scales = 4;        ///< per-axis scales printed before "…"
};

std::string dump(const Graph& graph, const DumpOptions& options = {});
/// One op as a single line (as in dump()).
std::string dump_op(const Graph& graph, const Op& op);
/// The options of an op as "{k=v …}" ("" for ops without options).
std::string dump_options(const Op& op);
/// "float32[1,2,3] const q(scale=… zp=…)"
std::string dump_tensor_type(const Tensor& t, int max_scales = 4);

}  // namespace qexp::ir

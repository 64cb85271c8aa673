#pragma once
/// The built-in kernel table, generated from kernels/kernels.def.

#include <optional>
#include <span>
#include <string_view>

#include "framework/core/dtype.h"
#include "framework/core/status.h"
#include "framework/interpreter/kernel.h"
#include "framework/ir/graph.h"

namespace qexp::interp {

struct KernelRegistration {
  ir::OpType op;
  DType input;                   ///< dtype of input 0
  std::optional<DType> weights;  ///< dtype of input 1, or nullopt for "any"
  std::string_view name;         ///< e.g. "conv2d_float"
  KernelFactory factory;
};

/// Every line of kernels.def, in file order.
std::span<const KernelRegistration> builtin_kernels();

/// The first registration matching `op`'s type and input dtypes. Errors (kUnimplemented,
/// without the op prefix the caller adds): "no kernel for int8 inputs", or "no kernel for
/// float32 inputs with int8 weights" when only the weights dtype is unsupported.
/// Precondition: the graph passed ir::verify.
Result<const KernelRegistration*> find_kernel(const ir::Graph& graph, const ir::Op& op);

}  // namespace qexp::interp

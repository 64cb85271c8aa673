#include "framework/interpreter/kernel_registry.h"

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"

namespace qexp::interp {
namespace {

constexpr KernelRegistration kBuiltinKernels[] = {
#define QEXP_KERNEL(op, dtype, id) \
  {ir::OpType::op, DType::dtype, std::nullopt, #id, &kernels::make_##id##_kernel},
#define QEXP_KERNEL_W(op, dtype, weights, id) \
  {ir::OpType::op, DType::dtype, DType::weights, #id, &kernels::make_##id##_kernel},
#include "framework/interpreter/kernels/kernels.def"
#undef QEXP_KERNEL_W
#undef QEXP_KERNEL
};

}  // namespace

std::span<const KernelRegistration> builtin_kernels() { return kBuiltinKernels; }

Result<const KernelRegistration*> find_kernel(const ir::Graph& graph, const ir::Op& op) {
  const DType input = graph.tensors[static_cast<size_t>(op.inputs[0])].dtype;
  std::optional<DType> weights;
  if (op.inputs.size() > 1 && op.inputs[1] >= 0) {
    weights = graph.tensors[static_cast<size_t>(op.inputs[1])].dtype;
  }
  bool input_supported = false;
  for (const KernelRegistration& r : kBuiltinKernels) {
    if (r.op != op.type || r.input != input) continue;
    input_supported = true;
    if (!r.weights || r.weights == weights) return &r;
  }
  if (input_supported && weights) {
    return unimplemented(str_cat("no kernel for ", dtype_name(input), " inputs with ",
                                 dtype_name(*weights), " weights"));
  }
  return unimplemented(str_cat("no kernel for ", dtype_name(input), " inputs"));
}

}  // namespace qexp::interp

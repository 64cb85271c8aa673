#pragma once
// Declarations of the built-in kernel factories, generated from kernels.def. Kernel files
// include this so a definition whose name or signature drifts from the list fails to compile.

#include <memory>

#include "framework/interpreter/kernel.h"

namespace qexp::interp::kernels {

// Repeated ids (one kernel serving several dtypes) redeclare the same function.
#define QEXP_KERNEL(op, dtype, id) std::unique_ptr<Kernel> make_##id##_kernel();
#define QEXP_KERNEL_W(op, dtype, weights, id) QEXP_KERNEL(op, dtype, id)
#include "framework/interpreter/kernels/kernels.def"
#undef QEXP_KERNEL_W
#undef QEXP_KERNEL

}  // namespace qexp::interp::kernels

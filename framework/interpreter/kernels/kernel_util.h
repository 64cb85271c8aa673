#pragma once
// Helpers shared by the kernels' prepare steps: dtype and rank checks whose messages name the
// input and the bad value.

#include <initializer_list>

#include "framework/core/status.h"
#include "framework/interpreter/kernel.h"

namespace qexp::interp::kernels {

/// Error unless input `i` (called `role` in the message, e.g. "filter") has dtype `want`:
/// "filter (input 1) is int8, expected float32". Absent optional inputs pass.
Status check_input_dtype(const PrepareContext& c, int i, DType want, const char* role);
/// Error unless every output has dtype `want`: "output 0 is int8, expected float32".
Status check_output_dtypes(const PrepareContext& c, DType want);
/// check_input_dtype for each listed input, then check_output_dtypes.
Status check_float_op(const PrepareContext& c, std::initializer_list<int> inputs);
/// Error unless input `i` has rank `rank`: "filter (input 1) has shape [3,3], expected rank 4".
Status check_input_rank(const PrepareContext& c, int i, int rank, const char* role);
/// Error unless optional input `i`, if present, has exactly `n` elements:
/// "bias (input 2) has shape [3], expected 8 elements".
Status check_optional_size(const PrepareContext& c, int i, int64_t n, const char* role);

/// Byte size of a tensor. Precondition: the graph passed ir::verify (no overflow possible
/// beyond what the interpreter's arena planning already checked).
int64_t byte_size(const ir::Tensor& t);

}  // namespace qexp::interp::kernels

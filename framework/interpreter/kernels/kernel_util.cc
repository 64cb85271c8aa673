#include "framework/interpreter/kernels/kernel_util.h"

#include "framework/core/strings.h"

namespace qexp::interp::kernels {

Status check_input_dtype(const PrepareContext& c, int i, DType want, const char* role) {
  if (!c.has_input(i)) return ok_status();
  DType have = c.input(i).dtype;
  if (have == want) return ok_status();
  return invalid_argument(str_cat(role, " (input ", i, ") is ", dtype_name(have), ", expected ",
                                  dtype_name(want)));
}

Status check_output_dtypes(const PrepareContext& c, DType want) {
  for (int i = 0; i < c.num_outputs(); ++i) {
    DType have = c.output(i).dtype;
    if (have != want) {
      return invalid_argument(
          str_cat("output ", i, " is ", dtype_name(have), ", expected ", dtype_name(want)));
    }
  }
  return ok_status();
}

Status check_float_op(const PrepareContext& c, std::initializer_list<int> inputs) {
  for (int i : inputs) {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, i, DType::kFloat32, i == 0 ? "input" : "operand"));
  }
  return check_output_dtypes(c, DType::kFloat32);
}

Status check_input_rank(const PrepareContext& c, int i, int rank, const char* role) {
  const Shape& s = c.input(i).shape;
  if (s.rank() == rank) return ok_status();
  return invalid_argument(
      str_cat(role, " (input ", i, ") has shape ", s.to_string(), ", expected rank ", rank));
}

Status check_optional_size(const PrepareContext& c, int i, int64_t n, const char* role) {
  if (!c.has_input(i)) return ok_status();
  const Shape& s = c.input(i).shape;
  if (s.num_elements() == n) return ok_status();
  return invalid_argument(
      str_cat(role, " (input ", i, ") has shape ", s.to_string(), ", expected ", n, " elements"));
}

int64_t byte_size(const ir::Tensor& t) {
  return t.shape.num_elements() * static_cast<int64_t>(dtype_size(t.dtype));
}

}  // namespace qexp::interp::kernels

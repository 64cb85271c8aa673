#include "framework/interpreter/kernel.h"

#include "framework/core/logging.h"
#include "framework/core/strings.h"

namespace qexp::interp {

bool PrepareContext::has_input(int i) const {
  return i >= 0 && i < num_inputs() && op_.inputs[static_cast<size_t>(i)] >= 0;
}

const ir::Tensor& PrepareContext::input(int i) const {
  QEXP_CHECK(has_input(i));
  return graph_.tensors[static_cast<size_t>(op_.inputs[static_cast<size_t>(i)])];
}

const ir::Tensor& PrepareContext::output(int i) const {
  QEXP_CHECK(i >= 0 && i < num_outputs());
  return graph_.tensors[static_cast<size_t>(op_.outputs[static_cast<size_t>(i)])];
}

Status PrepareContext::request_scratch(int64_t bytes) {
  if (bytes < 0) return internal_error(str_cat("scratch request of ", bytes, " bytes"));
  scratch_bytes_ = bytes;
  return ok_status();
}

}  // namespace qexp::interp

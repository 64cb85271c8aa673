// FULLY_CONNECTED and MATMUL float kernels.

#include <memory>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/fully_connected.h"

namespace qexp::interp::kernels {
namespace {

class FullyConnectedFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kFloat32, "weights"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DType::kFloat32, "bias"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    // Shape inference proved weights are [units, depth] with depth >= 1 dividing the input.
    const Shape& weights = c.input(1).shape;
    units_ = weights[0];
    depth_ = weights[1];
    batches_ = c.input(0).shape.num_elements() / depth_;
    QEXP_RETURN_IF_ERROR(check_optional_size(c, 2, units_, "bias"));
    QEXP_ASSIGN_OR_RETURN(
        activation_,
        float_activation_range(c.options<ir::FullyConnectedOptions>().activation));
    has_bias_ = c.has_input(2);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    reference::fully_connected(activation_, batches_, depth_, units_, c.input(0).data<float>(),
                               c.input(1).data<float>(), bias, c.output(0).data<float>());
  }

 private:
  ActivationRange activation_;
  int64_t batches_ = 0, depth_ = 0, units_ = 0;
  bool has_bias_ = false;
};

class MatMulFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "a"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kFloat32, "b"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    const auto& o = c.options<ir::MatMulOptions>();
    const Shape& a = c.input(0).shape;
    transpose_a_ = o.transpose_a;
    transpose_b_ = o.transpose_b;
    m_ = transpose_a_ ? a[1] : a[0];
    k_ = transpose_a_ ? a[0] : a[1];
    n_ = c.output(0).shape[1];
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::matmul(transpose_a_, transpose_b_, m_, k_, n_, c.input(0).data<float>(),
                      c.input(1).data<float>(), c.output(0).data<float>());
  }

 private:
  bool transpose_a_ = false, transpose_b_ = false;
  int64_t m_ = 0, k_ = 0, n_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_fully_connected_float_kernel() {
  return std::make_unique<FullyConnectedFloat>();
}
std::unique_ptr<Kernel> make_matmul_float_kernel() { return std::make_unique<MatMulFloat>(); }

}  // namespace qexp::interp::kernels

// FULLY_CONNECTED and MATMUL float kernels.

#include <memory>
#include <optional>
#include <string>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/float_kernels.h"
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
    // Constant weights (and bias) are packed once for the GEMM, which for one batch is a GEMV.
    if (c.optimized() && c.input(1).is_const() && (!has_bias_ || c.input(2).is_const())) {
      const float* bias = has_bias_ ? c.input(2).const_data<float>().data() : nullptr;
      packed_ = optimized::pack_float_weights(c.isa(), c.input(1).const_data<float>().data(), bias,
                                              units_, depth_);
      variant_ = optimized::float_variant_name("gemm", c.isa());
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if (packed_) {
      optimized::float_gemm_parallel(*c.thread_pool, *packed_, c.input(0).data<float>(), depth_,
                                     batches_, c.output(0).data<float>(), units_, activation_);
      return;
    }
    const float* bias = has_bias_ ? c.input(2).data<float>() : nullptr;
    reference::fully_connected(activation_, batches_, depth_, units_, c.input(0).data<float>(),
                               c.input(1).data<float>(), bias, c.output(0).data<float>());
  }

  std::string_view variant() const override { return variant_; }

 private:
  ActivationRange activation_;
  int64_t batches_ = 0, depth_ = 0, units_ = 0;
  bool has_bias_ = false;
  std::optional<optimized::FloatPackedWeights> packed_;
  std::string variant_ = "reference";
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

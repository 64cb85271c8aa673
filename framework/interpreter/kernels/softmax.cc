// SOFTMAX and BATCH_NORM float kernels (normalizations over the last axis).

#include <cmath>
#include <memory>
#include <string>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/float_kernels.h"
#include "framework/interpreter/kernels/reference/batch_norm.h"
#include "framework/interpreter/kernels/reference/softmax.h"

namespace qexp::interp::kernels {
namespace {

// Rows of the last axis: a tensor of n elements whose last dimension is `depth` has
// n / depth rows (none when depth is 0, which also keeps 0 / 0 away).
int64_t rows_of(const Shape& s, int64_t depth) {
  return depth > 0 ? s.num_elements() / depth : 0;
}

class SoftmaxFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_float_op(c, {0}));
    const Shape& in = c.input(0).shape;
    if (in.rank() < 1) return invalid_argument("input (input 0) is a scalar, expected rank >= 1");
    beta_ = c.options<ir::SoftmaxOptions>().beta;
    if (!std::isfinite(beta_)) {
      return invalid_argument(str_cat("beta ", format_float(beta_), " is not finite"));
    }
    depth_ = in[in.rank() - 1];
    rows_ = rows_of(in, depth_);
    // The vector exp takes exponents <= 0 only, which β > 0 guarantees ((x − max)·β).
    if (c.optimized() && optimized::kHaveFloatSoftmax && beta_ > 0.0f) {
      isa_ = c.isa();
      variant_ = optimized::float_variant_name("softmax", isa_);
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if (variant_ != "reference") {
      optimized::float_softmax(*c.thread_pool, isa_, {c.input(0).data<float>(),
                                                      c.output(0).data<float>(), rows_, depth_,
                                                      beta_});
      return;
    }
    reference::softmax(rows_, depth_, beta_, c.input(0).data<float>(), c.output(0).data<float>());
  }

  std::string_view variant() const override { return variant_; }

 private:
  float beta_ = 1.0f;
  int64_t rows_ = 0, depth_ = 0;
  Isa isa_ = Isa::kPortable;
  std::string variant_ = "reference";
};

class BatchNormFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 1, DType::kFloat32, "gamma"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 2, DType::kFloat32, "beta"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 3, DType::kFloat32, "mean"));
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 4, DType::kFloat32, "variance"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    epsilon_ = c.options<ir::BatchNormOptions>().epsilon;
    if (!std::isfinite(epsilon_) || epsilon_ < 0.0f) {
      return invalid_argument(
          str_cat("epsilon ", format_float(epsilon_), " is not a finite value >= 0"));
    }
    // Shape inference proved each parameter has one element per channel of the last axis.
    const Shape& in = c.input(0).shape;
    channels_ = in.rank() > 0 ? in[in.rank() - 1] : 1;
    rows_ = rows_of(in, channels_);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::batch_norm(rows_, channels_, epsilon_, c.input(0).data<float>(),
                          c.input(1).data<float>(), c.input(2).data<float>(),
                          c.input(3).data<float>(), c.input(4).data<float>(),
                          c.output(0).data<float>());
  }

 private:
  float epsilon_ = 0.0f;
  int64_t rows_ = 0, channels_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_softmax_float_kernel() { return std::make_unique<SoftmaxFloat>(); }
std::unique_ptr<Kernel> make_batch_norm_float_kernel() {
  return std::make_unique<BatchNormFloat>();
}

}  // namespace qexp::interp::kernels

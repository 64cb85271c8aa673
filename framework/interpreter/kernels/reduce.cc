// MEAN float kernel.

#include <array>
#include <memory>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/mean.h"

namespace qexp::interp::kernels {
namespace {

class MeanFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    const Shape& in = c.input(0).shape;
    const ir::Tensor& axes = c.input(1);
    // Shape inference proved the axes are a constant int32/int64 tensor of values in
    // [-rank, rank). Repeated axes reduce once (as TFLite).
    std::array<bool, kMaxRank> reduced{};
    const int64_t n = axes.shape.num_elements();
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = static_cast<size_t>(i);
      int64_t a = axes.dtype == DType::kInt32 ? axes.const_data<int32_t>()[k]
                                              : axes.const_data<int64_t>()[k];
      if (a < 0) a += in.rank();
      if (a < 0 || a >= in.rank()) {
        return invalid_argument(str_cat("axis ", a, " is outside the input rank ", in.rank()));
      }
      reduced[static_cast<size_t>(a)] = true;
    }
    // The output keeps the input's non-reduced axes in order (keep_dims only adds 1s), so
    // its row-major strides follow from the input dims alone.
    int64_t stride = 1;
    count_ = 1;
    for (int d = in.rank() - 1; d >= 0; --d) {
      const size_t u = static_cast<size_t>(d);
      if (reduced[u]) {
        out_strides_[u] = 0;
        count_ *= in[d];
      } else {
        out_strides_[u] = stride;
        stride *= in[d];
      }
    }
    rank_ = static_cast<size_t>(in.rank());
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::mean(c.input(0).shape(), std::span<const int64_t>(out_strides_.data(), rank_),
                    c.output(0).num_elements(), count_, c.input(0).data<float>(),
                    c.output(0).data<float>());
  }

 private:
  std::array<int64_t, kMaxRank> out_strides_{};
  size_t rank_ = 0;
  int64_t count_ = 1;
};

}  // namespace

std::unique_ptr<Kernel> make_mean_float_kernel() { return std::make_unique<MeanFloat>(); }

}  // namespace qexp::interp::kernels

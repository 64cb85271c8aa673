// AVERAGE_POOL_2D and MAX_POOL_2D float kernels.

#include <memory>

#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/pooling.h"
#include "framework/ir/shape_inference.h"

namespace qexp::interp::kernels {
namespace {

enum class PoolKind { kAverage, kMax };

template <PoolKind kKind>
class Pool2DFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_float_op(c, {0}));
    // ir::verify proved filter and stride >= 1 and a rank-4 input (conv_output_size and the
    // pooling shape rule reject anything else).
    const auto& o = c.options<ir::Pool2DOptions>();
    const Shape& in = c.input(0).shape;
    const Shape& out = c.output(0).shape;
    params_.stride_h = o.stride_h;
    params_.stride_w = o.stride_w;
    params_.filter_h = o.filter_h;
    params_.filter_w = o.filter_w;
    params_.pad_top = ir::conv_padding_before(o.padding, in[1], o.filter_h, o.stride_h, 1, out[1]);
    params_.pad_left = ir::conv_padding_before(o.padding, in[2], o.filter_w, o.stride_w, 1, out[2]);
    QEXP_ASSIGN_OR_RETURN(params_.activation, float_activation_range(o.activation));
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if constexpr (kKind == PoolKind::kAverage) {
      reference::average_pool2d(params_, c.input(0).shape(), c.input(0).data<float>(),
                                c.output(0).shape(), c.output(0).data<float>());
    } else {
      reference::max_pool2d(params_, c.input(0).shape(), c.input(0).data<float>(),
                            c.output(0).shape(), c.output(0).data<float>());
    }
  }

 private:
  reference::PoolParams params_;
};

}  // namespace

std::unique_ptr<Kernel> make_average_pool2d_float_kernel() {
  return std::make_unique<Pool2DFloat<PoolKind::kAverage>>();
}
std::unique_ptr<Kernel> make_max_pool2d_float_kernel() {
  return std::make_unique<Pool2DFloat<PoolKind::kMax>>();
}

}  // namespace qexp::interp::kernels

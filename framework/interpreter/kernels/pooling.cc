// AVERAGE_POOL_2D and MAX_POOL_2D float kernels.

#include <memory>

#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/float_pooling.h"
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
    optimized_ = c.optimized();
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if (optimized_) {
      optimized::float_pool(*c.thread_pool, kFastKind, fast_args(c));
      return;
    }
    if constexpr (kKind == PoolKind::kAverage) {
      reference::average_pool2d(params_, c.input(0).shape(), c.input(0).data<float>(),
                                c.output(0).shape(), c.output(0).data<float>());
    } else {
      reference::max_pool2d(params_, c.input(0).shape(), c.input(0).data<float>(),
                            c.output(0).shape(), c.output(0).data<float>());
    }
  }

  std::string_view variant() const override { return optimized_ ? "pool_channels" : "reference"; }

 private:
  static constexpr optimized::FloatPoolKind kFastKind = kKind == PoolKind::kAverage
                                                            ? optimized::FloatPoolKind::kAverage
                                                            : optimized::FloatPoolKind::kMax;

  optimized::FloatPoolArgs fast_args(const EvalContext& c) const {
    const Shape& in = c.input(0).shape();
    optimized::FloatPoolArgs a;
    a.params = params_;
    a.input = c.input(0).data<float>();
    a.batches = in[0];
    a.in_h = in[1];
    a.in_w = in[2];
    a.channels = in[3];
    a.output = c.output(0).data<float>();
    a.out_h = c.output(0).shape()[1];
    a.out_w = c.output(0).shape()[2];
    return a;
  }

  reference::PoolParams params_;
  bool optimized_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_average_pool2d_float_kernel() {
  return std::make_unique<Pool2DFloat<PoolKind::kAverage>>();
}
std::unique_ptr<Kernel> make_max_pool2d_float_kernel() {
  return std::make_unique<Pool2DFloat<PoolKind::kMax>>();
}

}  // namespace qexp::interp::kernels

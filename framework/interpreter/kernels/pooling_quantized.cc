// AVERAGE_POOL_2D and MAX_POOL_2D int8 and int16 kernels (reference/integer_pooling.h). Input
// and output must share scale and zero point (TFLite's rule); the average rounds ties away from
// zero and no rounding profile changes that.

#include <memory>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/integer_pooling.h"
#include "framework/ir/shape_inference.h"

namespace qexp::interp::kernels {
namespace {

enum class PoolKind { kAverage, kMax };

template <PoolKind kKind, typename T>
class QuantizedPool2D final : public Kernel {
  static constexpr DType kDType = DTypeOf<T>::value;

 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, kDType, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, kDType));
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input")));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, per_tensor_quant(c.output(0), output_label(c, 0)));
    QEXP_RETURN_IF_ERROR(check_shared_params(in_q, out_q, output_label(c, 0), "the input"));
    const auto& o = c.options<ir::Pool2DOptions>();
    const Shape& in = c.input(0).shape;
    const Shape& out = c.output(0).shape;
    params_.stride_h = o.stride_h;
    params_.stride_w = o.stride_w;
    params_.filter_h = o.filter_h;
    params_.filter_w = o.filter_w;
    params_.pad_top = ir::conv_padding_before(o.padding, in[1], o.filter_h, o.stride_h, 1, out[1]);
    params_.pad_left = ir::conv_padding_before(o.padding, in[2], o.filter_w, o.stride_w, 1, out[2]);
    QEXP_ASSIGN_OR_RETURN(act_, quantized_activation_range(o.activation, out_q, kDType));
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if constexpr (kKind == PoolKind::kAverage) {
      reference::average_pool2d_integer(params_, act_.min, act_.max, c.input(0).shape(),
                                        c.input(0).data<T>(), c.output(0).shape(),
                                        c.output(0).data<T>());
    } else {
      reference::max_pool2d_integer(params_, act_.min, act_.max, c.input(0).shape(),
                                    c.input(0).data<T>(), c.output(0).shape(),
                                    c.output(0).data<T>());
    }
  }

 private:
  reference::PoolParams params_;
  IntRange act_;
};

}  // namespace

std::unique_ptr<Kernel> make_average_pool2d_int8_kernel() {
  return std::make_unique<QuantizedPool2D<PoolKind::kAverage, int8_t>>();
}
std::unique_ptr<Kernel> make_max_pool2d_int8_kernel() {
  return std::make_unique<QuantizedPool2D<PoolKind::kMax, int8_t>>();
}
std::unique_ptr<Kernel> make_average_pool2d_int16_kernel() {
  return std::make_unique<QuantizedPool2D<PoolKind::kAverage, int16_t>>();
}
std::unique_ptr<Kernel> make_max_pool2d_int16_kernel() {
  return std::make_unique<QuantizedPool2D<PoolKind::kMax, int16_t>>();
}

}  // namespace qexp::interp::kernels

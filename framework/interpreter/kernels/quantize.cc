// QUANTIZE kernels (reference/quantize.h):
//   quantize_float: float32 → int8 / uint8 / int16, per-tensor; x / scale rounded as the
//     profile says (kernels/rounding.h: TFLite builtin — double division, ties away from zero;
//     XNNPACK — float reciprocal, ties to even), plus the zero point, clamped.
//   requantize_{int8,uint8,int16}: integer → int8 / uint8 / int16 with multiplier s_in / s_out
//     (computed in double) and double rounding; under the xnnpack profile int8 → int8 and
//     uint8 → uint8 with ratios in [2^-8, 2^7] use XNNPACK's 8-bit fixed-point multiplier.

#include "framework/interpreter/kernels/reference/quantize.h"

#include <limits>
#include <memory>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/optimized/int8_quantize.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/xnnpack_arith.h"

namespace qexp::interp::kernels {
namespace {

bool is_quantized_output_dtype(DType t) {
  return t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16;
}

Result<TensorQuant> quantized_output(const PrepareContext& c) {
  const DType out = c.output(0).dtype;
  if (!is_quantized_output_dtype(out)) {
    return unimplemented(
        str_cat("output 0 is ", dtype_name(out), ", expected int8, uint8 or int16"));
  }
  // TFLite's int16 activations are symmetric.
  return per_tensor_quant(c.output(0), output_label(c, 0), out == DType::kInt16);
}

class QuantizeFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_ASSIGN_OR_RETURN(out_q_, quantized_output(c));
    out_dtype_ = c.output(0).dtype;
    rounding_ = quantize_rounding(c.rounding_profile(), out_dtype_);
#if defined(QEXP_HAVE_X86_KERNELS)
    // float → int8 has an exact AVX2 path (kernels/optimized/int8_quantize.h).
    avx2_ = c.optimized() && out_dtype_ == DType::kInt8 && c.isa() >= Isa::kAvx2;
#endif
    return ok_status();
  }

  std::string_view variant() const override { return avx2_ ? "quantize_avx2" : "reference"; }

  void eval(const EvalContext& c) const override {
    const int64_t n = c.output(0).num_elements();
    const float* in = c.input(0).data<float>();
#if defined(QEXP_HAVE_X86_KERNELS)
    if (avx2_) {
      // Elements are independent: any split over threads gives the same bytes.
      int8_t* out = c.output(0).data<int8_t>();
      c.thread_pool->parallel_for(n, 32768, [&](int64_t begin, int64_t end) {
        optimized::int8_quantize_avx2(end - begin, in + begin, out_q_.scale, out_q_.zero_point,
                                      rounding_, out + begin);
      });
      return;
    }
#endif
    switch (out_dtype_) {
      case DType::kInt8:
        reference::quantize(n, in, out_q_.scale, out_q_.zero_point, rounding_,
                            c.output(0).data<int8_t>());
        break;
      case DType::kUInt8:
        reference::quantize(n, in, out_q_.scale, out_q_.zero_point, rounding_,
                            c.output(0).data<uint8_t>());
        break;
      default:
        reference::quantize(n, in, out_q_.scale, out_q_.zero_point, rounding_,
                            c.output(0).data<int16_t>());
        break;
    }
  }

 private:
  TensorQuant out_q_;
  DType out_dtype_ = DType::kInt8;
  QuantizeRounding rounding_ = QuantizeRounding::kDivideHalfAway;
  bool avx2_ = false;
};

template <typename In>
class Requantize final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    const DType in_dtype = DTypeOf<In>::value;
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q, per_tensor_quant(c.input(0), input_label(c, 0, "input"),
                                                             in_dtype == DType::kInt16));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, quantized_output(c));
    const double m = static_cast<double>(in_q.scale) / static_cast<double>(out_q.scale);
    QEXP_ASSIGN_OR_RETURN(multiplier_, requant_multiplier(m, "input_scale / output_scale"));
    in_zero_point_ = in_q.zero_point;
    out_zero_point_ = out_q.zero_point;
    out_dtype_ = c.output(0).dtype;
    xnnpack_ = c.rounding_profile() == RoundingProfile::kXnnpack && out_dtype_ == in_dtype &&
               in_dtype != DType::kInt16 &&
               reference::xnnpack_requantize_supported(in_q.scale, out_q.scale);
    xnnpack_multiplier_ = reference::xnnpack_requantize_multiplier(in_q.scale, out_q.scale);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    switch (out_dtype_) {
      case DType::kInt8:
        run(c, c.output(0).data<int8_t>());
        break;
      case DType::kUInt8:
        run(c, c.output(0).data<uint8_t>());
        break;
      default:
        run(c, c.output(0).data<int16_t>());
        break;
    }
  }

 private:
  template <typename Out>
  void run(const EvalContext& c, Out* out) const {
    const int64_t n = c.output(0).num_elements();
    const In* in = c.input(0).data<In>();
    if (xnnpack_) {
      constexpr int64_t kMin = std::numeric_limits<Out>::min();
      constexpr int64_t kMax = std::numeric_limits<Out>::max();
      for (int64_t i = 0; i < n; ++i) {
        const int64_t q =
            int64_t{reference::xnnpack_requantize(in[i] - in_zero_point_, xnnpack_multiplier_)} +
            out_zero_point_;
        out[i] = static_cast<Out>(q < kMin ? kMin : (q > kMax ? kMax : q));
      }
      return;
    }
    reference::requantize(n, in, in_zero_point_, multiplier_, quant::RoundingMode::kDoubleRounding,
                          out_zero_point_, out);
  }

  quant::QuantizedMultiplier multiplier_;
  int32_t in_zero_point_ = 0, out_zero_point_ = 0;
  DType out_dtype_ = DType::kInt8;
  bool xnnpack_ = false;
  int32_t xnnpack_multiplier_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_quantize_float_kernel() { return std::make_unique<QuantizeFloat>(); }
std::unique_ptr<Kernel> make_requantize_int8_kernel() {
  return std::make_unique<Requantize<int8_t>>();
}
std::unique_ptr<Kernel> make_requantize_uint8_kernel() {
  return std::make_unique<Requantize<uint8_t>>();
}
std::unique_ptr<Kernel> make_requantize_int16_kernel() {
  return std::make_unique<Requantize<int16_t>>();
}

}  // namespace qexp::interp::kernels

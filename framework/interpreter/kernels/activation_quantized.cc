// SOFTMAX, LOGISTIC and TANH quantized kernels (reference/integer_activations.h):
//   softmax_int8:  TFLite's float-table softmax; output fixed at (1/256, −128).
//   softmax_int16: TFLite's int16 table softmax; output fixed at (1/32768, 0), input zero
//                  point 0. Its one requantization (of the input differences) is common.h's
//                  double rounding.
//   logistic_int8: 256-entry table of 1/(1+e^−x); output fixed at (1/256, −128).
//   tanh_int8:     256-entry table of tanh(x); output fixed at (1/128, 0).
// The fixed output parameters are the TFLite quantization spec's (QUANTIZATION.md §1); TFLite's
// kernels check only some of them, qexp checks all.

#include <cmath>
#include <memory>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/integer_activations.h"

namespace qexp::interp::kernels {
namespace {

// Rows of the last axis (none for an empty tensor).
void rows_and_depth(const Shape& s, int64_t* rows, int64_t* depth) {
  *depth = s.rank() > 0 ? s[s.rank() - 1] : 1;
  *rows = *depth > 0 ? s.num_elements() / *depth : 0;
}

// Error unless output 0 has exactly (scale, zero_point).
Status check_fixed_output(const PrepareContext& c, const TensorQuant& out, float scale,
                          int32_t zero_point, const char* scale_text) {
  if (out.scale != scale || out.zero_point != zero_point) {
    return invalid_argument(str_cat(output_label(c, 0), " has scale ", format_float(out.scale),
                                    " and zero_point ", out.zero_point, ", expected ", scale_text,
                                    " and ", zero_point,
                                    " (fixed by the TFLite quantization "
                                    "spec for ",
                                    ir::op_type_name(c.op().type), ")"));
  }
  return ok_status();
}

class SoftmaxInt8 final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kInt8, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kInt8));
    if (c.input(0).shape.rank() < 1) {
      return invalid_argument("input (input 0) is a scalar, expected rank >= 1");
    }
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input")));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, per_tensor_quant(c.output(0), output_label(c, 0)));
    QEXP_RETURN_IF_ERROR(check_fixed_output(c, out_q, 1.0f / 256, -128, "1/256"));
    const float beta = c.options<ir::SoftmaxOptions>().beta;
    if (!std::isfinite(beta)) {
      return invalid_argument(str_cat("beta ", format_float(beta), " is not finite"));
    }
    reference::populate_softmax_table(in_q.scale, beta, table_);
    out_scale_ = out_q.scale;
    out_zero_point_ = out_q.zero_point;
    rows_and_depth(c.input(0).shape, &rows_, &depth_);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::softmax_int8(rows_, depth_, table_, out_scale_, out_zero_point_,
                            c.input(0).data<int8_t>(), c.output(0).data<int8_t>());
  }

 private:
  float table_[256] = {};
  float out_scale_ = 1.0f;
  int32_t out_zero_point_ = 0;
  int64_t rows_ = 0, depth_ = 0;
};

double exp_fn(double x) { return std::exp(x); }
double one_over_one_plus_x_fn(double x) { return 1.0 / (1.0 + x); }

class SoftmaxInt16 final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kInt16, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kInt16));
    if (c.input(0).shape.rank() < 1) {
      return invalid_argument("input (input 0) is a scalar, expected rank >= 1");
    }
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input"), true));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, per_tensor_quant(c.output(0), output_label(c, 0)));
    QEXP_RETURN_IF_ERROR(check_fixed_output(c, out_q, 1.0f / 32768, 0, "1/32768"));
    const float beta = c.options<ir::SoftmaxOptions>().beta;
    if (!std::isfinite(beta) || beta <= 0.0f) {
      return invalid_argument(str_cat("beta ", format_float(beta), " is not a finite value > 0"));
    }
    quant::gen_int16_lut(exp_fn, -10.0, 0.0, params_.exp_lut);
    quant::gen_int16_lut(one_over_one_plus_x_fn, 0.0, 1.0, params_.one_over_one_plus_x_lut);
    // TFLite: input->params.scale * beta (a float product) / (10.0 / 65535.0) in double, so
    // that input differences of [−65535, 0] cover [−10, 0].
    const double m = static_cast<double>(in_q.scale * beta) / (10.0 / 65535.0);
    QEXP_ASSIGN_OR_RETURN(params_.input_multiplier,
                          requant_multiplier(m, "input_scale * beta / (10 / 65535)"));
    params_.rounding = quant::RoundingMode::kDoubleRounding;  // common.h, in every profile
    rows_and_depth(c.input(0).shape, &rows_, &depth_);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::softmax_int16(rows_, depth_, params_, c.input(0).data<int16_t>(),
                             c.output(0).data<int16_t>());
  }

 private:
  reference::SoftmaxInt16Params params_;
  int64_t rows_ = 0, depth_ = 0;
};

enum class LutFn { kLogistic, kTanh };

template <LutFn kFn>
class LutInt8 final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kInt8, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kInt8));
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input")));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, per_tensor_quant(c.output(0), output_label(c, 0)));
    if constexpr (kFn == LutFn::kLogistic) {
      QEXP_RETURN_IF_ERROR(check_fixed_output(c, out_q, 1.0f / 256, -128, "1/256"));
      reference::populate_int8_lut(
          in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point,
          [](float v) { return 1.0f / (1.0f + std::exp(-v)); }, table_);
    } else {
      QEXP_RETURN_IF_ERROR(check_fixed_output(c, out_q, 1.0f / 128, 0, "1/128"));
      reference::populate_int8_lut(
          in_q.scale, in_q.zero_point, out_q.scale, out_q.zero_point,
          [](float v) { return std::tanh(v); }, table_);
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::apply_int8_lut(c.output(0).num_elements(), table_, c.input(0).data<int8_t>(),
                              c.output(0).data<int8_t>());
  }

 private:
  int8_t table_[256] = {};
};

}  // namespace

std::unique_ptr<Kernel> make_softmax_int8_kernel() { return std::make_unique<SoftmaxInt8>(); }
std::unique_ptr<Kernel> make_softmax_int16_kernel() { return std::make_unique<SoftmaxInt16>(); }
std::unique_ptr<Kernel> make_logistic_int8_kernel() {
  return std::make_unique<LutInt8<LutFn::kLogistic>>();
}
std::unique_ptr<Kernel> make_tanh_int8_kernel() {
  return std::make_unique<LutInt8<LutFn::kTanh>>();
}

}  // namespace qexp::interp::kernels

// CONCATENATION and PAD int8 / int16 kernels.
//   concatenation_int8 / _int16: inputs whose parameters equal the output's are copied as is;
//     any other input is requantized as TFLite's ConcatenationWithScaling does (float:
//     round(q · (s_i / s_out) − z_i · (s_i / s_out)) + z_out, ties away from zero, clamped).
//     TFLite's own int8 / int16 kernels refuse differing parameters; qexp accepts them so that
//     graphs whose concatenated inputs were calibrated separately still run.
//   pad_int8 / _int16: pads with the zero point (the real value 0); input and output share
//     parameters.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/pad.h"

namespace qexp::interp::kernels {
namespace {

// How one input of the concatenation reaches the output.
struct ConcatInput {
  int64_t inner = 0;  // elements per outer row
  bool copy = true;   // same parameters: plain copy
  float scale = 1.0f, bias = 0.0f;
};

template <typename T>
class QuantizedConcatenation final : public Kernel {
  static constexpr DType kDType = DTypeOf<T>::value;

 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, kDType));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, per_tensor_quant(c.output(0), output_label(c, 0)));
    const auto& o = c.options<ir::ConcatenationOptions>();
    QEXP_ASSIGN_OR_RETURN(act_, quantized_activation_range(o.activation, out_q, kDType));
    const Shape& out = c.output(0).shape;
    const int axis = o.axis < 0 ? o.axis + out.rank() : o.axis;  // range checked by the verifier
    outer_ = 1;
    for (int d = 0; d < axis; ++d) outer_ *= out[d];
    out_zero_point_ = out_q.zero_point;
    inputs_.clear();
    const float inverse_out_scale = 1.0f / out_q.scale;
    for (int i = 0; i < c.num_inputs(); ++i) {
      QEXP_RETURN_IF_ERROR(check_input_dtype(c, i, kDType, "input"));
      QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                            per_tensor_quant(c.input(i), input_label(c, i, "input")));
      ConcatInput in;
      const Shape& s = c.input(i).shape;
      in.inner = 1;
      for (int d = axis; d < s.rank(); ++d) in.inner *= s[d];
      in.copy = in_q.scale == out_q.scale && in_q.zero_point == out_q.zero_point;
      in.scale = in_q.scale * inverse_out_scale;
      in.bias = static_cast<float>(-in_q.zero_point) * in.scale;
      inputs_.push_back(in);
    }
    clamp_ = o.activation != ir::Activation::kNone;
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    T* out = c.output(0).data<T>();
    const IntRange range = dtype_range(kDType);
    for (int64_t o = 0; o < outer_; ++o) {
      for (size_t i = 0; i < inputs_.size(); ++i) {
        const ConcatInput& in = inputs_[i];
        const T* src = c.inputs[i].data<T>() + o * in.inner;
        if (in.copy) {
          if (in.inner > 0) std::memcpy(out, src, static_cast<size_t>(in.inner) * sizeof(T));
        } else {
          for (int64_t k = 0; k < in.inner; ++k) {
            const float r = std::round(static_cast<float>(src[k]) * in.scale + in.bias);
            const int64_t v = static_cast<int64_t>(std::max(std::min(r, 1e9f), -1e9f));
            out[k] = static_cast<T>(clamp_to(v + out_zero_point_, range));
          }
        }
        out += in.inner;
      }
    }
    if (clamp_) {
      T* p = c.output(0).data<T>();
      for (int64_t k = 0; k < c.output(0).num_elements(); ++k) {
        p[k] = static_cast<T>(clamp_to(p[k], act_));
      }
    }
  }

 private:
  int64_t outer_ = 0;
  int32_t out_zero_point_ = 0;
  std::vector<ConcatInput> inputs_;
  IntRange act_;
  bool clamp_ = false;
};

template <typename T>
class QuantizedPad final : public Kernel {
  static constexpr DType kDType = DTypeOf<T>::value;

 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, kDType, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, kDType));
    QEXP_ASSIGN_OR_RETURN(TensorQuant in_q,
                          per_tensor_quant(c.input(0), input_label(c, 0, "input")));
    QEXP_ASSIGN_OR_RETURN(TensorQuant out_q, per_tensor_quant(c.output(0), output_label(c, 0)));
    QEXP_RETURN_IF_ERROR(check_shared_params(in_q, out_q, output_label(c, 0), "the input"));
    pad_value_ = static_cast<T>(out_q.zero_point);
    // Shape inference proved paddings is a constant int32/int64 [rank, 2] tensor of
    // non-negative values.
    const ir::Tensor& paddings = c.input(1);
    const int rank = c.input(0).shape.rank();
    for (int d = 0; d < rank; ++d) {
      const size_t k = static_cast<size_t>(2 * d);
      before_[static_cast<size_t>(d)] = paddings.dtype == DType::kInt32
                                            ? paddings.const_data<int32_t>()[k]
                                            : paddings.const_data<int64_t>()[k];
    }
    rank_ = static_cast<size_t>(rank);
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    reference::pad(c.input(0).shape(), std::span<const int64_t>(before_.data(), rank_),
                   c.output(0).shape(), c.input(0).data<T>(), c.output(0).data<T>(), pad_value_);
  }

 private:
  std::array<int64_t, kMaxRank> before_{};
  size_t rank_ = 0;
  T pad_value_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_concatenation_int8_kernel() {
  return std::make_unique<QuantizedConcatenation<int8_t>>();
}
std::unique_ptr<Kernel> make_concatenation_int16_kernel() {
  return std::make_unique<QuantizedConcatenation<int16_t>>();
}
std::unique_ptr<Kernel> make_pad_int8_kernel() { return std::make_unique<QuantizedPad<int8_t>>(); }
std::unique_ptr<Kernel> make_pad_int16_kernel() {
  return std::make_unique<QuantizedPad<int16_t>>();
}

}  // namespace qexp::interp::kernels

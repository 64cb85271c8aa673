// MEAN int8 kernel with TFLite 2.12's three arithmetics (reference/integer_mean.h), chosen the
// way TFLite chooses them:
//   spatial:   4-D input, keep_dims, axes exactly [1, 2] or [2, 1] (as written in the model):
//              integer requantization of the raw sum (double rounding) plus a float-derived bias;
//   same:      input and output share scale and zero point: Σq / n truncated toward zero;
//   rescale:   otherwise: float mean rescaled and rounded half away from zero.
// All results are clamped to int8. The xnnpack profile replaces the 4-D reductions XNNPACK's
// delegate takes (axes [2], [1, 2] or [2, 1], keep_dims or not) by its global average pooling:
// fp32 requantization of Σq − n·z_in with scale s_in / (s_out · n) in float.

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/quant_util.h"
#include "framework/interpreter/kernels/reference/integer_mean.h"

namespace qexp::interp::kernels {
namespace {

enum class MeanPath { kSpatial, kSame, kRescale, kXnnpack };

class MeanInt8 final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kInt8, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kInt8));
    QEXP_ASSIGN_OR_RETURN(in_q_, per_tensor_quant(c.input(0), input_label(c, 0, "input")));
    QEXP_ASSIGN_OR_RETURN(out_q_, per_tensor_quant(c.output(0), output_label(c, 0)));
    const Shape& in = c.input(0).shape;
    const ir::Tensor& axes = c.input(1);
    std::vector<int64_t> raw_axes;
    std::array<bool, kMaxRank> reduced{};
    // Shape inference proved the axes are a constant int32/int64 tensor within the rank.
    for (int64_t i = 0; i < axes.shape.num_elements(); ++i) {
      const size_t k = static_cast<size_t>(i);
      int64_t a = axes.dtype == DType::kInt32 ? axes.const_data<int32_t>()[k]
                                              : axes.const_data<int64_t>()[k];
      raw_axes.push_back(a);
      if (a < 0) a += in.rank();
      if (a < 0 || a >= in.rank()) {
        return invalid_argument(str_cat("axis ", a, " is outside the input rank ", in.rank()));
      }
      reduced[static_cast<size_t>(a)] = true;
    }
    int64_t stride = 1;
    count_ = 1;
    for (int d = in.rank() - 1; d >= 0; --d) {
      const size_t u = static_cast<size_t>(d);
      out_strides_[u] = reduced[u] ? 0 : stride;
      (reduced[u] ? count_ : stride) *= in[d];
    }
    rank_ = static_cast<size_t>(in.rank());
    out_size_ = c.output(0).shape.num_elements();
    const bool spatial =
        c.options<ir::ReducerOptions>().keep_dims && in.rank() == 4 && raw_axes.size() == 2 &&
        ((raw_axes[0] == 1 && raw_axes[1] == 2) || (raw_axes[0] == 2 && raw_axes[1] == 1));
    // XNNPACK's delegate takes 4-D means over axes [2], [1, 2] or [2, 1] as written, with or
    // without keep_dims.
    const bool xnnpack = c.rounding_profile() == RoundingProfile::kXnnpack && in.rank() == 4 &&
                         ((raw_axes.size() == 1 && raw_axes[0] == 2) ||
                          (raw_axes.size() == 2 && std::min(raw_axes[0], raw_axes[1]) == 1 &&
                           std::max(raw_axes[0], raw_axes[1]) == 2));
    if (xnnpack) {
      path_ = MeanPath::kXnnpack;
      xnnpack_scale_ = in_q_.scale / (out_q_.scale * static_cast<float>(count_));
      QEXP_RETURN_IF_ERROR(
          requant_multiplier(xnnpack_scale_, "input_scale / (count * output_scale)").status());
    } else if (spatial) {
      path_ = MeanPath::kSpatial;
      spatial_ = reference::spatial_mean_params(in_q_.scale, in_q_.zero_point, out_q_.scale,
                                                out_q_.zero_point, count_);
      // A left shift beyond 30 bits would push the sum out of int32 (an absurd scale ratio).
      QEXP_RETURN_IF_ERROR(requant_multiplier(quant::dequantize_multiplier(spatial_.multiplier),
                                              "input_scale / (count * output_scale)")
                               .status());
    } else if (in_q_.scale == out_q_.scale && in_q_.zero_point == out_q_.zero_point) {
      path_ = MeanPath::kSame;
    } else {
      path_ = MeanPath::kRescale;
      // The float rescale needs a sane ratio: a subnormal output scale makes it inf, then inf · 0
      // is a NaN that no int8 represents (found by tests/fuzz/tflite).
      QEXP_RETURN_IF_ERROR(
          requant_multiplier(in_q_.scale / out_q_.scale, "input_scale / output_scale").status());
    }
    return c.request_scratch(out_size_ * static_cast<int64_t>(sizeof(int64_t)));
  }

  void eval(const EvalContext& c) const override {
    int64_t* sums = reinterpret_cast<int64_t*>(c.scratch.data());
    reference::reduce_sums(c.input(0).shape(), std::span<const int64_t>(out_strides_.data(), rank_),
                           out_size_, c.input(0).data<int8_t>(), sums);
    int8_t* out = c.output(0).data<int8_t>();
    const IntRange r = dtype_range(DType::kInt8);
    for (int64_t j = 0; j < out_size_; ++j) {
      int64_t v = 0;
      if (count_ == 0) {
        v = out_q_.zero_point;  // an empty reduction: TFLite leaves the output undefined
      } else if (path_ == MeanPath::kSpatial) {
        v = reference::spatial_mean(sums[j], spatial_);
      } else if (path_ == MeanPath::kXnnpack) {
        const int64_t acc = sums[j] - count_ * in_q_.zero_point;
        v = int64_t{reference::fp32_requantize(static_cast<int32_t>(acc), xnnpack_scale_)} +
            out_q_.zero_point;
      } else if (path_ == MeanPath::kSame) {
        v = reference::truncating_mean(sums[j], count_);
      } else {
        const float f = reference::float_rescaled_mean(
            sums[j], count_, in_q_.scale, in_q_.zero_point, out_q_.scale, out_q_.zero_point);
        v = f < -128.0f ? -128 : (f > 127.0f ? 127 : static_cast<int64_t>(f));
      }
      out[j] = static_cast<int8_t>(clamp_to(v, r));
    }
  }

 private:
  TensorQuant in_q_, out_q_;
  std::array<int64_t, kMaxRank> out_strides_{};
  size_t rank_ = 0;
  int64_t count_ = 1, out_size_ = 0;
  MeanPath path_ = MeanPath::kRescale;
  reference::SpatialMeanParams spatial_;
  float xnnpack_scale_ = 0.0f;
};

}  // namespace

std::unique_ptr<Kernel> make_mean_int8_kernel() { return std::make_unique<MeanInt8>(); }

}  // namespace qexp::interp::kernels

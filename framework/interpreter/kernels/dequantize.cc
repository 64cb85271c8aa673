// DEQUANTIZE kernels: float16 → float32 and per-tensor / per-axis int8, uint8, int16 → float32.

#include <limits>
#include <memory>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/dequantize.h"

namespace qexp::interp::kernels {
namespace {

class DequantizeFloat16 final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    return check_output_dtypes(c, DType::kFloat32);
  }

  void eval(const EvalContext& c) const override {
    reference::dequantize_float16(c.output(0).num_elements(), c.input(0).data<uint16_t>(),
                                  c.output(0).data<float>());
  }
};

template <typename T>
class DequantizeInt final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    const ir::Tensor& in = c.input(0);
    const ir::QuantParams& q = in.quant;
    if (!q.is_quantized()) {
      return invalid_argument(str_cat("input (input 0) is ", dtype_name(in.dtype),
                                      " without quantization parameters"));
    }
    // A zero point outside the storage type is a malformed file; rejecting it also keeps
    // q - zero_point far from int64 overflow.
    for (size_t i = 0; i < q.zero_point.size(); ++i) {
      const int64_t z = q.zero_point[i];
      if (z < std::numeric_limits<T>::min() || z > std::numeric_limits<T>::max()) {
        return invalid_argument(str_cat("zero_point[", i, "] = ", z, " is outside the ",
                                        dtype_name(in.dtype), " range [",
                                        +std::numeric_limits<T>::min(), ", ",
                                        +std::numeric_limits<T>::max(), "]"));
      }
    }
    // Per-axis: the verifier proved quantized_dimension is within the rank and has one
    // scale per slice. Per-tensor is the same loop with one channel.
    const Shape& s = in.shape;
    outer_ = 1;
    channels_ = 1;
    inner_ = s.num_elements();
    if (q.is_per_axis()) {
      const int axis = q.quantized_dimension;
      inner_ = 1;
      for (int d = 0; d < axis; ++d) outer_ *= s[d];
      channels_ = s[axis];
      for (int d = axis + 1; d < s.rank(); ++d) inner_ *= s[d];
    }
    scale_ = q.scale;
    zero_point_ = q.zero_point;
    optimized_ = c.optimized() && sizeof(T) <= 2;
    return ok_status();
  }

  std::string_view variant() const override { return optimized_ ? "dequantize_float" : "reference"; }

  void eval(const EvalContext& c) const override {
    if (optimized_) {
      eval_float(c.input(0).data<T>(), c.output(0).data<float>());
      return;
    }
    reference::dequantize(outer_, channels_, inner_, c.input(0).data<T>(), scale_.data(),
                          zero_point_.data(), c.output(0).data<float>());
  }

 private:
  // The reference in float arithmetic, which vectorizes: for 8- and 16-bit storage |q − z| <
  // 2^17 is exact as a float, and the float product rounds the exact s · (q − z) once, as does
  // the reference's double product (exact in 53 bits) rounded to float, so results are
  // bit-identical.
  void eval_float(const T* input, float* output) const {
    for (int64_t o = 0; o < outer_; ++o) {
      for (int64_t ch = 0; ch < channels_; ++ch) {
        const float s = scale_[static_cast<size_t>(ch)];
        const int32_t z = static_cast<int32_t>(zero_point_[static_cast<size_t>(ch)]);
        const int64_t base = (o * channels_ + ch) * inner_;
        for (int64_t i = 0; i < inner_; ++i) {
          output[base + i] = static_cast<float>(static_cast<int32_t>(input[base + i]) - z) * s;
        }
      }
    }
  }

  int64_t outer_ = 1, channels_ = 1, inner_ = 0;
  std::vector<float> scale_;
  std::vector<int64_t> zero_point_;
  bool optimized_ = false;
};

}  // namespace

std::unique_ptr<Kernel> make_dequantize_float16_kernel() {
  return std::make_unique<DequantizeFloat16>();
}
std::unique_ptr<Kernel> make_dequantize_int8_kernel() {
  return std::make_unique<DequantizeInt<int8_t>>();
}
std::unique_ptr<Kernel> make_dequantize_uint8_kernel() {
  return std::make_unique<DequantizeInt<uint8_t>>();
}
std::unique_ptr<Kernel> make_dequantize_int16_kernel() {
  return std::make_unique<DequantizeInt<int16_t>>();
}

}  // namespace qexp::interp::kernels

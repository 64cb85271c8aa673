// Data-movement kernels: RESHAPE, SQUEEZE and IDENTITY (byte copies for any dtype),
// CONCATENATION and PAD (float).

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/kernel_factories.h"
#include "framework/interpreter/kernels/kernel_util.h"
#include "framework/interpreter/kernels/reference/concatenation.h"
#include "framework/interpreter/kernels/reference/elementwise.h"
#include "framework/interpreter/kernels/reference/pad.h"

namespace qexp::interp::kernels {
namespace {

// RESHAPE, SQUEEZE, IDENTITY: the output holds the input's bytes under another shape. A copy
// (rather than aliasing the input's memory) keeps the arena plan free of special cases; these
// ops are rare after canonicalize-reshape and cheap.
class CopyKernel final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    const ir::Tensor& in = c.input(0);
    const ir::Tensor& out = c.output(0);
    if (out.dtype != in.dtype) {
      return invalid_argument(str_cat("output 0 is ", dtype_name(out.dtype), ", expected ",
                                      dtype_name(in.dtype), " like input 0"));
    }
    bytes_ = byte_size(in);
    if (byte_size(out) != bytes_) {
      return invalid_argument(str_cat("output ", out.shape.to_string(), " and input ",
                                      in.shape.to_string(), " differ in size"));
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    if (bytes_ > 0) std::memcpy(c.output(0).raw(), c.input(0).raw(), static_cast<size_t>(bytes_));
  }

 private:
  int64_t bytes_ = 0;
};

class ConcatenationFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    for (int i = 0; i < c.num_inputs(); ++i) {
      QEXP_RETURN_IF_ERROR(check_input_dtype(c, i, DType::kFloat32, "input"));
    }
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    const auto& o = c.options<ir::ConcatenationOptions>();
    // TFLite's kernel rejects a fused activation here; qexp's fuse-activation pass may put one
    // in, so it is applied rather than refused.
    QEXP_ASSIGN_OR_RETURN(activation_, float_activation_range(o.activation));
    apply_activation_ = o.activation != ir::Activation::kNone;
    const Shape& out = c.output(0).shape;
    const int axis = o.axis < 0 ? o.axis + out.rank() : o.axis;  // range checked by the verifier
    outer_ = 1;
    for (int d = 0; d < axis; ++d) outer_ *= out[d];
    inner_bytes_.clear();
    for (int i = 0; i < c.num_inputs(); ++i) {
      const Shape& s = c.input(i).shape;
      int64_t inner = static_cast<int64_t>(sizeof(float));
      for (int d = axis; d < s.rank(); ++d) inner *= s[d];
      inner_bytes_.push_back(inner);
    }
    return ok_status();
  }

  void eval(const EvalContext& c) const override {
    float* out = c.output(0).data<float>();
    reference::concatenation(outer_, c.inputs, inner_bytes_, reinterpret_cast<uint8_t*>(out));
    if (apply_activation_) {
      const ActivationRange range = activation_;
      reference::elementwise_unary(c.output(0).num_elements(), out, out,
                                   [range](float x) { return apply_activation(x, range); });
    }
  }

 private:
  ActivationRange activation_;
  bool apply_activation_ = false;
  int64_t outer_ = 0;
  std::vector<int64_t> inner_bytes_;
};

class PadFloat final : public Kernel {
 public:
  Status prepare(PrepareContext& c) override {
    QEXP_RETURN_IF_ERROR(check_input_dtype(c, 0, DType::kFloat32, "input"));
    QEXP_RETURN_IF_ERROR(check_output_dtypes(c, DType::kFloat32));
    // Shape inference proved paddings is a constant int32/int64 tensor of [rank, 2]
    // non-negative values, and the output shape is the padded input shape.
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
                   c.output(0).shape(), c.input(0).data<float>(), c.output(0).data<float>(),
                   0.0f);
  }

 private:
  std::array<int64_t, kMaxRank> before_{};
  size_t rank_ = 0;
};

}  // namespace

std::unique_ptr<Kernel> make_reshape_kernel() { return std::make_unique<CopyKernel>(); }
std::unique_ptr<Kernel> make_squeeze_kernel() { return std::make_unique<CopyKernel>(); }
std::unique_ptr<Kernel> make_identity_kernel() { return std::make_unique<CopyKernel>(); }
std::unique_ptr<Kernel> make_concatenation_float_kernel() {
  return std::make_unique<ConcatenationFloat>();
}
std::unique_ptr<Kernel> make_pad_float_kernel() { return std::make_unique<PadFloat>(); }

}  // namespace qexp::interp::kernels

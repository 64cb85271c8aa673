#include "framework/interpreter/kernels/quant_util.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "framework/core/strings.h"

namespace qexp::interp::kernels {

IntRange dtype_range(DType dtype) {
  switch (dtype) {
    case DType::kInt8:
      return {-128, 127};
    case DType::kUInt8:
      return {0, 255};
    case DType::kInt16:
      return {-32768, 32767};
    default:
      return {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()};
  }
}

std::string input_label(const PrepareContext& c, int i, std::string_view role) {
  return str_cat(role, " (input ", i, ") ", qexp::quoted(c.input(i).name));
}

std::string output_label(const PrepareContext& c, int i) {
  return str_cat("output ", i, " ", qexp::quoted(c.output(i).name));
}

namespace {

bool valid_scale(float s, bool allow_zero) {
  return std::isfinite(s) && (s > 0.0f || (allow_zero && s == 0.0f));
}

}  // namespace

Result<TensorQuant> per_tensor_quant(const ir::Tensor& t, std::string_view label,
                                     bool require_zero_point_0) {
  const ir::QuantParams& q = t.quant;
  if (!q.is_quantized()) {
    return invalid_argument(
        str_cat(label, " is ", dtype_name(t.dtype), " without quantization parameters"));
  }
  if (q.scale.size() != 1 || q.zero_point.size() != 1) {
    return invalid_argument(str_cat(label, " has ", q.scale.size(), " scales and ",
                                    q.zero_point.size(),
                                    " zero points, expected per-tensor parameters (one each)"));
  }
  if (!valid_scale(q.scale[0], false)) {
    return invalid_argument(
        str_cat(label, ": scale ", format_float(q.scale[0]), " is not a finite value > 0"));
  }
  const IntRange r = dtype_range(t.dtype);
  const int64_t z = q.zero_point[0];
  if (z < r.min || z > r.max) {
    return invalid_argument(str_cat(label, ": zero_point ", z, " is outside the ",
                                    dtype_name(t.dtype), " range [", r.min, ", ", r.max, "]"));
  }
  if (require_zero_point_0 && z != 0) {
    return invalid_argument(str_cat(label, ": zero_point ", z, ", expected 0 (",
                                    dtype_name(t.dtype), " activations are symmetric here)"));
  }
  return TensorQuant{q.scale[0], static_cast<int32_t>(z)};
}

Result<std::vector<float>> symmetric_weight_scales(const ir::Tensor& w, int axis, int64_t channels,
                                                   std::string_view label) {
  const ir::QuantParams& q = w.quant;
  if (!q.is_quantized()) {
    return invalid_argument(
        str_cat(label, " is ", dtype_name(w.dtype), " without quantization parameters"));
  }
  const size_t n = q.scale.size();
  if (n != 1 && static_cast<int64_t>(n) != channels) {
    return invalid_argument(str_cat(label, " has ", n, " scales, expected 1 or ", channels,
                                    " (one per output channel)"));
  }
  if (q.zero_point.size() != n) {
    return invalid_argument(
        str_cat(label, " has ", n, " scales but ", q.zero_point.size(), " zero points"));
  }
  if (n > 1 && q.quantized_dimension != axis) {
    return invalid_argument(str_cat(label, " is quantized along dimension ", q.quantized_dimension,
                                    ", expected ", axis));
  }
  for (size_t i = 0; i < n; ++i) {
    if (!valid_scale(q.scale[i], true)) {
      return invalid_argument(str_cat(label, ": scale[", i, "] = ", format_float(q.scale[i]),
                                      " is not a finite value >= 0"));
    }
    if (q.zero_point[i] != 0) {
      return invalid_argument(str_cat(label, ": zero_point[", i, "] = ", q.zero_point[i],
                                      ", expected 0 (int8 weights are symmetric)"));
    }
  }
  return n == 1 ? std::vector<float>(static_cast<size_t>(channels), q.scale[0]) : q.scale;
}

Status check_bias_scales(const ir::Tensor& bias, std::string_view label, float input_scale,
                         const std::vector<float>& weight_scales, float output_scale) {
  const ir::QuantParams& q = bias.quant;
  if (!q.is_quantized()) return ok_status();
  const size_t channels = weight_scales.size();
  if (q.scale.size() != 1 && q.scale.size() != channels) {
    return invalid_argument(
        str_cat(label, " has ", q.scale.size(), " scales, expected 1 or ", channels));
  }
  for (size_t i = 0; i < q.zero_point.size(); ++i) {
    if (q.zero_point[i] != 0) {
      return invalid_argument(
          str_cat(label, ": zero_point[", i, "] = ", q.zero_point[i], ", expected 0"));
    }
  }
  for (size_t c = 0; c < channels; ++c) {
    const double bias_scale = q.scale[q.scale.size() == 1 ? 0 : c];
    const double product = static_cast<double>(input_scale) * weight_scales[c];
    if (!(std::abs(product - bias_scale) / output_scale <= 0.02)) {
      return invalid_argument(str_cat(label, ": scale[", c,
                                      "] = ", format_float(static_cast<float>(bias_scale)),
                                      " differs from input_scale * weight_scale[", c,
                                      "] = ", format_float(static_cast<float>(product)),
                                      " by more than 2% of the output scale"));
    }
  }
  return ok_status();
}

Status check_shared_params(const TensorQuant& in, const TensorQuant& out,
                           std::string_view out_label, std::string_view in_label) {
  if (std::abs(in.scale - out.scale) > 1e-6f || in.zero_point != out.zero_point) {
    return invalid_argument(str_cat(out_label, " has scale ", format_float(out.scale),
                                    " and zero_point ", out.zero_point, ", expected those of ",
                                    in_label, " (", format_float(in.scale), ", ", in.zero_point,
                                    "): this op does not requantize"));
  }
  return ok_status();
}

Result<quant::QuantizedMultiplier> requant_multiplier(double m, std::string_view what,
                                                      int max_log2) {
  if (!std::isfinite(m) || m < 0.0 || m >= std::ldexp(1.0, max_log2)) {
    return invalid_argument(str_cat(what, " = ", m, " is outside [0, 2^", max_log2, ")"));
  }
  return quant::quantize_multiplier(m);
}

Result<Requantizer> make_requantizer(RequantRule rule, double m, float scale, std::string_view what,
                                     int max_log2) {
  Requantizer r;
  r.rule = rule;
  QEXP_ASSIGN_OR_RETURN(r.multiplier, requant_multiplier(m, what, max_log2));
  r.scale = scale;
  return r;
}

Result<IntRange> quantized_activation_range(ir::Activation activation, const TensorQuant& output,
                                            DType dtype) {
  const IntRange r = dtype_range(dtype);
  // TFLite's Quantize(): zero_point + round(f / scale), the division and rounding in float.
  auto quantize = [&](float f) -> Result<int32_t> {
    const float q = quant::round_half_away(f / output.scale);
    if (!(q >= -2147483648.0f && q <= 2147483520.0f)) {
      return invalid_argument(str_cat("fused activation bound ", format_float(f),
                                      " overflows int32 at output scale ",
                                      format_float(output.scale)));
    }
    return output.zero_point + static_cast<int32_t>(q);
  };
  switch (activation) {
    case ir::Activation::kNone:
      return r;
    case ir::Activation::kRelu: {
      QEXP_ASSIGN_OR_RETURN(int32_t zero, quantize(0.0f));
      return IntRange{std::max(r.min, zero), r.max};
    }
    case ir::Activation::kRelu6: {
      QEXP_ASSIGN_OR_RETURN(int32_t zero, quantize(0.0f));
      QEXP_ASSIGN_OR_RETURN(int32_t six, quantize(6.0f));
      return IntRange{std::max(r.min, zero), std::min(r.max, six)};
    }
    case ir::Activation::kReluN1To1: {
      QEXP_ASSIGN_OR_RETURN(int32_t lo, quantize(-1.0f));
      QEXP_ASSIGN_OR_RETURN(int32_t hi, quantize(1.0f));
      return IntRange{std::max(r.min, lo), std::min(r.max, hi)};
    }
    case ir::Activation::kTanh:
    case ir::Activation::kSignBit:
      break;
  }
  return unimplemented(str_cat("fused activation ", ir::activation_name(activation),
                               " is not supported by quantized kernels"));
}

}  // namespace qexp::interp::kernels

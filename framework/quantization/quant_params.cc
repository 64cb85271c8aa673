#include "framework/quantization/quant_params.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qexp::quant {

AxisSplit split_axis(const Shape& shape, int axis) {
  AxisSplit s;
  for (int i = 0; i < shape.rank(); ++i) {
    if (i < axis) s.outer *= shape[i];
    if (i == axis) s.channels = shape[i];
    if (i > axis) s.inner *= shape[i];
  }
  return s;
}

ir::QuantParams asymmetric_params(TensorRange range, int qmin, int qmax) {
  const float fmin = std::min(range.min, 0.0f);
  const float fmax = std::max(range.max, 0.0f);
  const float qmin_f = static_cast<float>(qmin), qmax_f = static_cast<float>(qmax);
  float scale = (fmax - fmin) / (qmax_f - qmin_f);
  float zp_from_min = qmin_f;
  if (scale != 0.0f) zp_from_min = qmin_f - fmin / scale;
  int64_t zp;
  if (zp_from_min < qmin_f) {
    zp = qmin;
  } else if (zp_from_min > qmax_f) {
    zp = qmax;
  } else {
    zp = static_cast<int64_t>(std::round(zp_from_min));
  }
  if (!(scale > 0.0f) || !std::isfinite(scale)) scale = 1.0f;  // all-zero tensor
  ir::QuantParams p;
  p.scale = {scale};
  p.zero_point = {zp};
  p.min = {fmin};
  p.max = {fmax};
  return p;
}

ir::QuantParams symmetric_params(TensorRange range, int qmax) {
  float absmax = std::max(std::fabs(range.min), std::fabs(range.max));
  float scale = absmax / static_cast<float>(qmax);
  if (!(scale > 0.0f) || !std::isfinite(scale)) scale = 1.0f;
  ir::QuantParams p;
  p.scale = {scale};
  p.zero_point = {0};
  p.min = {-absmax};
  p.max = {absmax};
  return p;
}

ir::QuantParams symmetric_weight_params(const ir::Tensor& w, int axis, int qmax,
                                        bool per_channel) {
  auto v = w.const_data<float>();
  AxisSplit s = split_axis(w.shape, axis);
  std::vector<float> absmax(static_cast<size_t>(per_channel ? s.channels : 1), 0.0f);
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t c = 0; c < s.channels; ++c) {
      float& m = absmax[per_channel ? static_cast<size_t>(c) : 0];
      const float* p = v.data() + (o * s.channels + c) * s.inner;
      for (int64_t i = 0; i < s.inner; ++i) m = std::max(m, std::fabs(p[i]));
    }
  }
  ir::QuantParams q;
  for (float m : absmax) {
    float scale = m / static_cast<float>(qmax);
    q.scale.push_back(scale > 0.0f && std::isfinite(scale) ? scale : 1.0f);
    q.zero_point.push_back(0);
  }
  q.quantized_dimension = per_channel ? axis : 0;
  return q;
}

std::vector<uint8_t> quantize_values(const ir::Tensor& value, const ir::QuantParams& params,
                                     DType dtype, int64_t qmin, int64_t qmax) {
  auto v = value.const_data<float>();
  const bool per_axis = params.scale.size() > 1;
  AxisSplit s = per_axis ? split_axis(value.shape, params.quantized_dimension)
                         : AxisSplit{1, 1, static_cast<int64_t>(v.size())};
  const size_t width = dtype_size(dtype);
  std::vector<uint8_t> out(v.size() * width);
  for (int64_t o = 0; o < s.outer; ++o) {
    for (int64_t c = 0; c < s.channels; ++c) {
      size_t k = per_axis ? static_cast<size_t>(c) : 0;
      // TFLite multiplies by the float reciprocal of the scale, then rounds half away from zero.
      const float inv = 1.0f / params.scale[k];
      const int64_t zp = params.zero_point[k];
      for (int64_t i = 0; i < s.inner; ++i) {
        size_t idx = static_cast<size_t>((o * s.channels + c) * s.inner + i);
        double q = std::round(static_cast<double>(v[idx] * inv)) + static_cast<double>(zp);
        int64_t qi = static_cast<int64_t>(
            std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax)));
        switch (dtype) {
          case DType::kInt8: {
            int8_t x = static_cast<int8_t>(qi);
            std::memcpy(&out[idx], &x, 1);
            break;
          }
          case DType::kInt16: {
            int16_t x = static_cast<int16_t>(qi);
            std::memcpy(&out[idx * 2], &x, 2);
            break;
          }
          case DType::kInt32: {
            int32_t x = static_cast<int32_t>(qi);
            std::memcpy(&out[idx * 4], &x, 4);
            break;
          }
          default: {
            std::memcpy(&out[idx * 8], &qi, 8);
            break;
          }
        }
      }
    }
  }
  return out;
}

std::vector<uint8_t> to_float16(const ir::Tensor& value) {
  auto v = value.const_data<float>();
  std::vector<uint8_t> out(v.size() * 2);
  for (size_t i = 0; i < v.size(); ++i) {
    uint16_t h = float_to_half(v[i]);
    std::memcpy(&out[i * 2], &h, 2);
  }
  return out;
}

}  // namespace qexp::quant

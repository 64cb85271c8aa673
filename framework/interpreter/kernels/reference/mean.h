#pragma once
/// MEAN reference (TFLite float semantics: float sums in input order, then one division).

#include <array>
#include <cstdint>
#include <span>

#include "framework/core/shape.h"

namespace qexp::interp::reference {

/// output[j] = (Σ of the input elements that reduce to j) / count. `out_strides[d]` is the
/// output stride of input axis d, 0 for a reduced axis; `count` is the number of input elements
/// per output element (the product of the reduced dimensions). An empty reduction gives NaN
/// (0 / 0), as TFLite.
inline void mean(const Shape& in_shape, std::span<const int64_t> out_strides, int64_t out_size,
                 int64_t count, const float* input, float* output) {
  for (int64_t j = 0; j < out_size; ++j) output[j] = 0.0f;
  const int rank = in_shape.rank();
  const int64_t total = in_shape.num_elements();
  std::array<int64_t, kMaxRank> index{};
  int64_t dst = 0;
  for (int64_t i = 0; i < total; ++i) {
    output[dst] += input[i];
    for (int d = rank - 1; d >= 0; --d) {
      const size_t u = static_cast<size_t>(d);
      ++index[u];
      dst += out_strides[u];
      if (index[u] < in_shape[d]) break;
      dst -= out_strides[u] * in_shape[d];
      index[u] = 0;
    }
  }
  for (int64_t j = 0; j < out_size; ++j) output[j] = output[j] / static_cast<float>(count);
}

}  // namespace qexp::interp::reference

#pragma once
/// PAD reference: any rank, constant padding value.

#include <array>
#include <cstdint>
#include <span>

#include "framework/core/shape.h"

namespace qexp::interp::reference {

/// out[i] = in[i − before] where that index lies inside the input, else pad_value. `before[d]`
/// is the leading padding of axis d; out_shape[d] = in_shape[d] + before[d] + after[d].
template <typename T>
inline void pad(const Shape& in_shape, std::span<const int64_t> before, const Shape& out_shape,
                const T* input, T* output, T pad_value) {
  const int rank = out_shape.rank();
  const int64_t total = out_shape.num_elements();
  std::array<int64_t, kMaxRank> index{};
  for (int64_t i = 0; i < total; ++i) {
    bool inside = true;
    int64_t src = 0;
    for (int d = 0; d < rank; ++d) {
      const int64_t j = index[static_cast<size_t>(d)] - before[static_cast<size_t>(d)];
      if (j < 0 || j >= in_shape[d]) {
        inside = false;
        break;
      }
      src = src * in_shape[d] + j;
    }
    output[i] = inside ? input[src] : pad_value;
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[static_cast<size_t>(d)] < out_shape[d]) break;
      index[static_cast<size_t>(d)] = 0;
    }
  }
}

}  // namespace qexp::interp::reference

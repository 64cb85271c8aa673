#pragma once
/// CONCATENATION reference: byte copies, so one routine serves every dtype.

#include <cstdint>
#include <cstring>
#include <span>

#include "framework/core/tensor.h"

namespace qexp::interp::reference {

/// Views every tensor as [outer, inner_i] where outer is the product of the dimensions before
/// the axis, and writes, for each outer row, input 0's row, then input 1's row, and so on.
/// `inner_bytes[i]` is the byte size of one row of input i.
inline void concatenation(int64_t outer, std::span<const TensorView> inputs,
                          std::span<const int64_t> inner_bytes, uint8_t* output) {
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int64_t row = inner_bytes[i];
      const auto* src = static_cast<const uint8_t*>(inputs[i].raw()) + o * row;
      if (row > 0) std::memcpy(output, src, static_cast<size_t>(row));
      output += row;
    }
  }
}

}  // namespace qexp::interp::reference

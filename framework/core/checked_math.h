#pragma once
/// 64-bit size arithmetic that reports overflow instead of wrapping. Every size that comes from a
/// file (shape products, byte counts, offsets) goes through these.

#include <cstdint>

namespace qexp {

/// a * b into *out; false on overflow or if either operand is negative.
inline bool checked_mul(int64_t a, int64_t b, int64_t* out) {
  if (a < 0 || b < 0) return false;
  return !__builtin_mul_overflow(a, b, out);
}

/// a + b into *out; false on overflow.
inline bool checked_add(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

}  // namespace qexp

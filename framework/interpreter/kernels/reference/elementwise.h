#pragma once
/// Elementwise binary ops with numpy broadcasting (ADD, SUB, MUL) and unary maps.

#include <array>
#include <cstdint>

#include "framework/core/shape.h"

namespace qexp::interp::reference {

/// How two operands map onto the broadcast output: output dims and, per output axis, each
/// operand's element stride (0 along an axis the operand broadcasts).
struct BroadcastLayout {
  int rank = 0;
  std::array<int64_t, kMaxRank> dims{};
  std::array<int64_t, kMaxRank> a_strides{};
  std::array<int64_t, kMaxRank> b_strides{};
};

/// Precondition: `out` is ir::broadcast_shapes(a, b) and has rank <= kMaxRank.
inline BroadcastLayout make_broadcast_layout(const Shape& a, const Shape& b, const Shape& out) {
  BroadcastLayout layout;
  layout.rank = out.rank();
  int64_t a_stride = 1, b_stride = 1;
  for (int d = out.rank() - 1; d >= 0; --d) {
    const int da = a.rank() - out.rank() + d, db = b.rank() - out.rank() + d;
    const int64_t a_dim = da >= 0 ? a[da] : 1, b_dim = db >= 0 ? b[db] : 1;
    layout.dims[static_cast<size_t>(d)] = out[d];
    layout.a_strides[static_cast<size_t>(d)] = a_dim == 1 ? 0 : a_stride;
    layout.b_strides[static_cast<size_t>(d)] = b_dim == 1 ? 0 : b_stride;
    a_stride *= a_dim;
    b_stride *= b_dim;
  }
  return layout;
}

/// out[i] = op(a[i'], b[i'']) for every output index i, where i' and i'' are i with the
/// broadcast axes of each operand set to 0. Walks the output in row-major order.
template <typename T, typename Op>
inline void broadcast_binary(const BroadcastLayout& layout, const T* a, const T* b, T* out, Op op) {
  int64_t total = 1;
  for (int d = 0; d < layout.rank; ++d) total *= layout.dims[static_cast<size_t>(d)];
  std::array<int64_t, kMaxRank> index{};
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < total; ++i) {
    out[i] = op(a[ia], b[ib]);
    // Advance the multi-index like an odometer, keeping both operand offsets in step.
    for (int d = layout.rank - 1; d >= 0; --d) {
      const size_t u = static_cast<size_t>(d);
      ++index[u];
      ia += layout.a_strides[u];
      ib += layout.b_strides[u];
      if (index[u] < layout.dims[u]) break;
      ia -= layout.a_strides[u] * layout.dims[u];
      ib -= layout.b_strides[u] * layout.dims[u];
      index[u] = 0;
    }
  }
}

/// out[i] = op(a[i], b[i]) for operands of the same shape.
template <typename T, typename Op>
inline void elementwise_binary(int64_t n, const T* a, const T* b, T* out, Op op) {
  for (int64_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
}

/// out[i] = op(in[i]).
template <typename In, typename Out, typename Op>
inline void elementwise_unary(int64_t n, const In* in, Out* out, Op op) {
  for (int64_t i = 0; i < n; ++i) out[i] = op(in[i]);
}

}  // namespace qexp::interp::reference

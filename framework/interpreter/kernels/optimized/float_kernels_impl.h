#pragma once
// The float GEMM and depthwise kernels, written once over a vector-traits class `T` and
// instantiated by float_kernels_<isa>.cc with that ISA's intrinsics. Included only by those
// files (each is compiled with its ISA's flags); nothing here is called directly.
//
// T provides: V (the register type), kLanes, zero(), set1(float), load(p), load_partial(p, n),
// fmadd(a, b, acc) = a·b + acc, add(a, b), clamp(x, lo, hi) = min(max(x, lo), hi) with NaN
// kept (as apply_activation), store(p, v) and store_partial(p, v, n) (the first n lanes).

#include <algorithm>
#include <cstdint>

#include "framework/interpreter/kernels/optimized/float_kernels.h"

#if defined(__clang__)
#define QEXP_FLOAT_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define QEXP_FLOAT_UNROLL _Pragma("GCC unroll 32")
#else
#define QEXP_FLOAT_UNROLL
#endif

namespace qexp::interp::kernels::optimized::detail::impl {

// An m × (NV·kLanes) tile: every output element is one FMA chain over k in order, then the
// bias is added and the activation applied. `cols` (<= NV·kLanes) columns are stored.
template <class T, int M, int NV>
inline void gemm_tile(const float* a, int64_t lda, const float* bp, int64_t k, const float* bias,
                      float* c, int64_t ldc, int64_t cols, const ActivationRange& act) {
  using V = typename T::V;
  constexpr int L = T::kLanes;
  V acc[M][NV];
  const float* ar[M];
  QEXP_FLOAT_UNROLL
  for (int r = 0; r < M; ++r) {
    ar[r] = a + r * lda;
    QEXP_FLOAT_UNROLL
    for (int j = 0; j < NV; ++j) acc[r][j] = T::zero();
  }
  for (int64_t kk = 0; kk < k; ++kk) {
    V b[NV];
    QEXP_FLOAT_UNROLL
    for (int j = 0; j < NV; ++j) b[j] = T::load(bp + j * L);
    bp += NV * L;
    QEXP_FLOAT_UNROLL
    for (int r = 0; r < M; ++r) {
      const V x = T::set1(ar[r][kk]);
      QEXP_FLOAT_UNROLL
      for (int j = 0; j < NV; ++j) acc[r][j] = T::fmadd(x, b[j], acc[r][j]);
    }
  }
  const V lo = T::set1(act.min), hi = T::set1(act.max);
  QEXP_FLOAT_UNROLL
  for (int r = 0; r < M; ++r) {
    QEXP_FLOAT_UNROLL
    for (int j = 0; j < NV; ++j) {
      const V v = T::clamp(T::add(acc[r][j], T::load(bias + j * L)), lo, hi);
      const int64_t here = cols - j * L;
      if (here >= L) {
        T::store(c + r * ldc + j * L, v);
      } else if (here > 0) {
        T::store_partial(c + r * ldc + j * L, v, static_cast<int>(here));
      }
    }
  }
}

// gemm_tile for a run-time row count m in [1, M].
template <class T, int M, int NV>
void gemm_tile_rows(int m, const float* a, int64_t lda, const float* bp, int64_t k,
                    const float* bias, float* c, int64_t ldc, int64_t cols,
                    const ActivationRange& act) {
  if constexpr (M > 1) {
    if (m < M) {
      gemm_tile_rows<T, M - 1, NV>(m, a, lda, bp, k, bias, c, ldc, cols, act);
      return;
    }
  }
  gemm_tile<T, M, NV>(a, lda, bp, k, bias, c, ldc, cols, act);
}

// Rows are taken in blocks small enough for A to stay in L2 while every panel passes over it.
template <class T, int MR, int NV>
void gemm(const FloatGemmArgs& g) {
  constexpr int64_t kNr = int64_t{NV} * T::kLanes;
  constexpr int64_t kL2Floats = 64 * 1024;
  const FloatPackedWeights& w = *g.w;
  const int64_t k = w.k;
  const int64_t mc = std::max<int64_t>(MR, kL2Floats / std::max<int64_t>(k, 1) / MR * MR);
  for (int64_t r0 = 0; r0 < g.rows; r0 += mc) {
    const int64_t r1 = std::min(g.rows, r0 + mc);
    for (int64_t p = g.panel_begin; p < g.panel_end; ++p) {
      const float* bp = w.panels.data() + p * k * kNr;
      const float* bias = w.bias.data() + p * kNr;
      const int64_t cols = std::min(kNr, w.n - p * kNr);
      for (int64_t r = r0; r < r1; r += MR) {
        const int m = static_cast<int>(std::min<int64_t>(MR, r1 - r));
        gemm_tile_rows<T, MR, NV>(m, g.a + r * g.lda, g.lda, bp, k, bias, g.c + r * g.ldc + p * kNr,
                                  g.ldc, cols, g.act);
      }
    }
  }
}

// One output pixel over all channels: `taps` (input pixel, filter tap) pairs in (ky, kx) order.
template <class T>
void depthwise_pixel(const float* const* tap_in, const float* const* tap_w, int taps,
                     const float* bias, int64_t channels, float* out, typename T::V lo,
                     typename T::V hi) {
  using V = typename T::V;
  constexpr int L = T::kLanes;
  int64_t c = 0;
  for (; c + 2 * L <= channels; c += 2 * L) {
    V a0 = T::zero(), a1 = T::zero();
    for (int t = 0; t < taps; ++t) {
      a0 = T::fmadd(T::load(tap_in[t] + c), T::load(tap_w[t] + c), a0);
      a1 = T::fmadd(T::load(tap_in[t] + c + L), T::load(tap_w[t] + c + L), a1);
    }
    T::store(out + c, T::clamp(T::add(a0, T::load(bias + c)), lo, hi));
    T::store(out + c + L, T::clamp(T::add(a1, T::load(bias + c + L)), lo, hi));
  }
  for (; c < channels; c += L) {
    const int n = static_cast<int>(std::min<int64_t>(L, channels - c));
    V a0 = T::zero();
    for (int t = 0; t < taps; ++t) {
      a0 = T::fmadd(T::load_partial(tap_in[t] + c, n), T::load_partial(tap_w[t] + c, n), a0);
    }
    const V v = T::clamp(T::add(a0, T::load_partial(bias + c, n)), lo, hi);
    if (n == L) {
      T::store(out + c, v);
    } else {
      T::store_partial(out + c, v, n);
    }
  }
}

template <class T>
void depthwise_rows(const FloatDepthwiseArgs& d, int64_t row_begin, int64_t row_end) {
  const float* tap_in[kFloatDepthwiseMaxTaps];
  const float* tap_w[kFloatDepthwiseMaxTaps];
  const int64_t ch = d.channels;
  const typename T::V lo = T::set1(d.act.min), hi = T::set1(d.act.max);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / d.out_h, oy = row % d.out_h;
    const float* in_b = d.input + b * d.in_h * d.in_w * ch;
    float* out_row = d.output + row * d.out_w * ch;
    const int64_t iy0 = oy * d.stride_h - d.pad_top;
    for (int64_t ox = 0; ox < d.out_w; ++ox) {
      const int64_t ix0 = ox * d.stride_w - d.pad_left;
      int taps = 0;
      for (int64_t ky = 0; ky < d.k_h; ++ky) {
        const int64_t iy = iy0 + ky * d.dilation_h;
        if (iy < 0 || iy >= d.in_h) continue;
        for (int64_t kx = 0; kx < d.k_w; ++kx) {
          const int64_t ix = ix0 + kx * d.dilation_w;
          if (ix < 0 || ix >= d.in_w) continue;
          tap_in[taps] = in_b + (iy * d.in_w + ix) * ch;
          tap_w[taps] = d.filter + (ky * d.k_w + kx) * ch;
          ++taps;
        }
      }
      depthwise_pixel<T>(tap_in, tap_w, taps, d.bias, ch, out_row + ox * ch, lo, hi);
    }
  }
}

}  // namespace qexp::interp::kernels::optimized::detail::impl

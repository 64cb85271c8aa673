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

// An m × (NV·kLanes) tile: every output element is one FMA chain over k in order (segment by
// segment), then the bias is added and the activation applied. `cols` (<= NV·kLanes) columns
// are stored.
template <class T, int M, int NV>
inline void gemm_tile(const float* a, int64_t lda, const FloatASegments& seg, const float* bp,
                      const float* bias, float* c, int64_t ldc, int64_t cols,
                      const ActivationRange& act) {
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
  for (int s = 0; s < seg.count; ++s) {
    const float* as[M];
    QEXP_FLOAT_UNROLL
    for (int r = 0; r < M; ++r) as[r] = ar[r] + seg.offset[s];
    for (int64_t kk = 0; kk < seg.length; ++kk) {
      V b[NV];
      QEXP_FLOAT_UNROLL
      for (int j = 0; j < NV; ++j) b[j] = T::load(bp + j * L);
      bp += NV * L;
      QEXP_FLOAT_UNROLL
      for (int r = 0; r < M; ++r) {
        const V x = T::set1(as[r][kk]);
        QEXP_FLOAT_UNROLL
        for (int j = 0; j < NV; ++j) acc[r][j] = T::fmadd(x, b[j], acc[r][j]);
      }
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
void gemm_tile_rows(int m, const float* a, int64_t lda, const FloatASegments& seg, const float* bp,
                    const float* bias, float* c, int64_t ldc, int64_t cols,
                    const ActivationRange& act) {
  if constexpr (M > 1) {
    if (m < M) {
      gemm_tile_rows<T, M - 1, NV>(m, a, lda, seg, bp, bias, c, ldc, cols, act);
      return;
    }
  }
  gemm_tile<T, M, NV>(a, lda, seg, bp, bias, c, ldc, cols, act);
}

// Rows are taken in blocks small enough for A to stay in L2 while every panel passes over it.
template <class T, int MR, int NV>
void gemm(const FloatGemmArgs& g) {
  constexpr int64_t kNr = int64_t{NV} * T::kLanes;
  constexpr int64_t kL2Floats = 64 * 1024;
  const FloatPackedWeights& w = *g.w;
  const int64_t k = w.k;
  const int64_t whole_row = 0;
  const FloatASegments seg = g.segments.count > 0 ? g.segments : FloatASegments{&whole_row, 1, k};
  const int64_t mc = std::max<int64_t>(MR, kL2Floats / std::max<int64_t>(k, 1) / MR * MR);
  for (int64_t r0 = 0; r0 < g.rows; r0 += mc) {
    const int64_t r1 = std::min(g.rows, r0 + mc);
    for (int64_t p = g.panel_begin; p < g.panel_end; ++p) {
      const float* bp = w.panels.data() + p * k * kNr;
      const float* bias = w.bias.data() + p * kNr;
      const int64_t cols = std::min(kNr, w.n - p * kNr);
      for (int64_t r = r0; r < r1; r += MR) {
        const int m = static_cast<int>(std::min<int64_t>(MR, r1 - r));
        gemm_tile_rows<T, MR, NV>(m, g.a + r * g.lda, g.lda, seg, bp, bias,
                                  g.c + r * g.ldc + p * kNr, g.ldc, cols, g.act);
      }
    }
  }
}

// One output pixel over all channels: `taps` (input pixel, filter tap index ky·KW + kx) pairs
// in (ky, kx) order. The filter is blocked: [channel block][tap][kLanes] (see float_kernels.h).
template <class T>
void depthwise_pixel(const FloatDepthwiseArgs& d, const float* const* tap_in, const int* tap_k,
                     int taps, float* out, typename T::V lo, typename T::V hi) {
  using V = typename T::V;
  constexpr int L = T::kLanes;
  const int64_t channels = d.geo.in_c, block = d.geo.k_h * d.geo.k_w * L;
  int64_t c = 0;
  for (; c + 2 * L <= channels; c += 2 * L) {
    const float* w0 = d.filter + (c / L) * block;
    V a0 = T::zero(), a1 = T::zero();
    for (int t = 0; t < taps; ++t) {
      a0 = T::fmadd(T::load(tap_in[t] + c), T::load(w0 + tap_k[t] * L), a0);
      a1 = T::fmadd(T::load(tap_in[t] + c + L), T::load(w0 + block + tap_k[t] * L), a1);
    }
    T::store(out + c, T::clamp(T::add(a0, T::load(d.bias + c)), lo, hi));
    T::store(out + c + L, T::clamp(T::add(a1, T::load(d.bias + c + L)), lo, hi));
  }
  for (; c < channels; c += L) {
    const int n = static_cast<int>(std::min<int64_t>(L, channels - c));
    const float* w0 = d.filter + (c / L) * block;
    V a0 = T::zero();
    for (int t = 0; t < taps; ++t) {
      a0 = T::fmadd(T::load_partial(tap_in[t] + c, n), T::load(w0 + tap_k[t] * L), a0);
    }
    const V v = T::clamp(T::add(a0, T::load_partial(d.bias + c, n)), lo, hi);
    if (n == L) {
      T::store(out + c, v);
    } else {
      T::store_partial(out + c, v, n);
    }
  }
}

// One channel vector (n lanes from channel c) of P adjacent output pixels of a 3×3 depthwise
// convolution whose windows lie inside the input; `src` is the first pixel's window origin
// plus c. Each filter tap is loaded once for the P pixels; per pixel the FMA order is the tap
// order, as in depthwise_pixel.
template <class T, int P, bool kPartial>
void depthwise3x3_vector(const FloatDepthwiseArgs& d, const int64_t* off, const float* src,
                         float* dst, int64_t c, int n, typename T::V lo, typename T::V hi) {
  using V = typename T::V;
  auto load = [n](const float* p) { return kPartial ? T::load_partial(p, n) : T::load(p); };
  const int64_t step = d.geo.stride_w * d.geo.in_c;
  V acc[P];
  QEXP_FLOAT_UNROLL
  for (int p = 0; p < P; ++p) acc[p] = T::zero();
  QEXP_FLOAT_UNROLL
  for (int t = 0; t < 9; ++t) {
    const V w = T::load(d.filter + ((c / T::kLanes) * 9 + t) * T::kLanes);
    QEXP_FLOAT_UNROLL
    for (int p = 0; p < P; ++p) acc[p] = T::fmadd(load(src + p * step + off[t]), w, acc[p]);
  }
  const V bias = load(d.bias + c);
  QEXP_FLOAT_UNROLL
  for (int p = 0; p < P; ++p) {
    const V v = T::clamp(T::add(acc[p], bias), lo, hi);
    if constexpr (kPartial) {
      T::store_partial(dst + p * d.geo.in_c, v, n);
    } else {
      T::store(dst + p * d.geo.in_c, v);
    }
  }
}

// All channels of P adjacent output pixels. Channels innermost: the loop walks memory in
// order (a channel-block-outer order strides by C floats and thrashes L1 sets when C is a
// power of two).
template <class T, int P>
void depthwise3x3_pixels(const FloatDepthwiseArgs& d, const int64_t* off, const float* src,
                         float* dst, typename T::V lo, typename T::V hi) {
  constexpr int L = T::kLanes;
  int64_t c = 0;
  for (; c + L <= d.geo.in_c; c += L) {
    depthwise3x3_vector<T, P, false>(d, off, src + c, dst + c, c, L, lo, hi);
  }
  if (c < d.geo.in_c) {
    const int n = static_cast<int>(d.geo.in_c - c);
    depthwise3x3_vector<T, P, true>(d, off, src + c, dst + c, c, n, lo, hi);
  }
}

// Output pixels [ox_begin, ox_end) of one row whose 3×3 windows lie inside the input; `in`
// points at input pixel (iy0, 0), `out` at the output row.
template <class T>
void depthwise3x3_interior(const FloatDepthwiseArgs& d, const float* in, float* out,
                           int64_t ox_begin, int64_t ox_end, typename T::V lo, typename T::V hi) {
  constexpr int kPixels = 4;
  const int64_t ch = d.geo.in_c;
  int64_t off[9];
  for (int t = 0; t < 9; ++t) {
    off[t] = ((t / 3) * d.geo.dilation_h * d.geo.in_w + (t % 3) * d.geo.dilation_w) * ch;
  }
  auto src = [&](int64_t ox) { return in + (ox * d.geo.stride_w - d.geo.pad_left) * ch; };
  int64_t ox = ox_begin;
  for (; ox + kPixels <= ox_end; ox += kPixels) {
    depthwise3x3_pixels<T, kPixels>(d, off, src(ox), out + ox * ch, lo, hi);
  }
  for (; ox < ox_end; ++ox) depthwise3x3_pixels<T, 1>(d, off, src(ox), out + ox * ch, lo, hi);
}

// The output pixels [*begin, *end) of a row whose windows do not leave the input horizontally.
inline void interior_columns(const FloatDepthwiseArgs& d, int64_t* begin, int64_t* end) {
  float_window_inside(d.geo.out_w, d.geo.in_w, d.geo.k_w, d.geo.stride_w, d.geo.dilation_w, d.geo.pad_left, begin, end);
}

template <class T>
void depthwise_rows(const FloatDepthwiseArgs& d, int64_t row_begin, int64_t row_end) {
  const float* tap_in[kFloatDepthwiseMaxTaps];
  int tap_k[kFloatDepthwiseMaxTaps];
  const int64_t ch = d.geo.in_c;
  const typename T::V lo = T::set1(d.act.min), hi = T::set1(d.act.max);
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / d.geo.out_h, oy = row % d.geo.out_h;
    const float* in_b = d.input + b * d.geo.in_h * d.geo.in_w * ch;
    float* out_row = d.output + row * d.geo.out_w * ch;
    const int64_t iy0 = oy * d.geo.stride_h - d.geo.pad_top;
    int64_t skip_begin = 0, skip_end = 0;  // columns done by the 3×3 interior kernel
    if (d.geo.k_h == 3 && d.geo.k_w == 3 && iy0 >= 0 && iy0 + 2 * d.geo.dilation_h < d.geo.in_h) {
      interior_columns(d, &skip_begin, &skip_end);
      depthwise3x3_interior<T>(d, in_b + iy0 * d.geo.in_w * ch, out_row, skip_begin, skip_end, lo, hi);
    }
    for (int64_t ox = 0; ox < d.geo.out_w; ++ox) {
      if (ox == skip_begin && skip_end > skip_begin) ox = skip_end;
      if (ox >= d.geo.out_w) break;
      const int64_t ix0 = ox * d.geo.stride_w - d.geo.pad_left;
      int taps = 0;
      for (int64_t ky = 0; ky < d.geo.k_h; ++ky) {
        const int64_t iy = iy0 + ky * d.geo.dilation_h;
        if (iy < 0 || iy >= d.geo.in_h) continue;
        for (int64_t kx = 0; kx < d.geo.k_w; ++kx) {
          const int64_t ix = ix0 + kx * d.geo.dilation_w;
          if (ix < 0 || ix >= d.geo.in_w) continue;
          tap_in[taps] = in_b + (iy * d.geo.in_w + ix) * ch;
          tap_k[taps] = static_cast<int>(ky * d.geo.k_w + kx);
          ++taps;
        }
      }
      depthwise_pixel<T>(d, tap_in, tap_k, taps, out_row + ox * ch, lo, hi);
    }
  }
}

}  // namespace qexp::interp::kernels::optimized::detail::impl

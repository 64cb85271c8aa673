#pragma once
/// int8 GEMM with fused requantization: out[m, n] = requant(Σ_k x[m, k]·w[n, k] + bias[n]) for
/// int8 activations x (zero point z_in), symmetric int8 weights w and int32 bias, bit-identical
/// to the reference kernels' wrap_to_int32(Σ_k (x − z_in)·w + bias) followed by their
/// Requantizer (the shared core of the optimized CONV_2D and FULLY_CONNECTED kernels).
///
/// Exactness: the microkernels multiply u = x + 128 (x XOR 0x80, an unsigned byte, as VNNI's
/// vpdpbusd needs) by w, and prepare folds the difference into the bias:
///   Σ (x − z_in)·w + bias = Σ u·w + (bias − (128 + z_in)·Σ w),
/// an identity modulo 2^32, so the int32 accumulators equal the reference's wrapped ones. Padding
/// rows of im2col hold z_in (u = z_in + 128), which contributes 0 as in the reference.
///
/// Packed weight layouts (zero-padded to the block width and to whole k groups):
///   kAvx512Vnni: per block of 32 channels, [ceil(K/4)][32][4] int8 (one vpdpbusd operand per
///                16 channels × 4 k);
///   kAvx2:       per block of 16 channels, [ceil(K/2)][16][2] int16 (vpmaddwd pairs: exact,
///                unlike vpmaddubsw, whose int16 pair sums of u·w saturate);
///   kPortable:   the weights as given, [N][K].

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/kernels/optimized/int8_requant.h"

namespace qexp::interp::kernels::optimized {

enum class Int8GemmKernel : uint8_t { kPortable, kAvx2, kAvx512Vnni };

/// Everything eval needs, built once in prepare.
struct Int8GemmPlan {
  Int8GemmKernel kernel = Int8GemmKernel::kPortable;
  int64_t n = 0;                  ///< output channels
  int64_t k = 0;                  ///< reduction depth
  std::vector<int8_t> packed;     ///< kAvx512Vnni / kPortable weights
  std::vector<int16_t> packed16;  ///< kAvx2 weights
  std::vector<int32_t> bias;      ///< corrected bias, padded to kInt8ChannelPad
  Int8Requant requant;

  /// Output channels per microkernel column block (32, 16 or 1).
  int64_t n_block() const;
  /// "gemm_avx512vnni", "gemm_avx2" or "gemm_portable".
  std::string_view variant() const;
};

/// Builds the plan for weights [n][k] (row-major), `bias` (n values, or empty), the input zero
/// point and the requantization, with the best kernel `isa` allows (AVX2 and up need
/// requant.simd_exact()).
Int8GemmPlan make_int8_gemm_plan(Isa isa, std::span<const int8_t> weights, int64_t n, int64_t k,
                                 std::span<const int32_t> bias, int32_t input_zero_point,
                                 Int8Requant requant);

/// Computes rows [0, rows) × channels [n_begin, n_end) of the output: row m reads
/// a[m·a_stride .. + k) and writes out[m·out_stride + n]. n_begin must be a multiple of
/// plan.n_block(); n_end is a multiple of it or plan.n. Each output element's value does not
/// depend on the row / channel ranges, so any split over them is deterministic.
void int8_gemm(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
               int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end);

/// fn(std::integral_constant<int, rows>{}) for 1 <= rows <= kMax; nothing for rows 0.
template <int kMax, typename Fn>
void dispatch_tail(int64_t rows, Fn&& fn) {
  if constexpr (kMax > 0) {
    if (rows == kMax) return fn(std::integral_constant<int, kMax>{});
    dispatch_tail<kMax - 1>(rows, fn);
  }
}

/// The loop nest of the SIMD GEMMs: rows in panels whose activations (~96 KB) stay in L2 while
/// every weight block of [n_begin, n_end) streams past them, each panel in tiles of kMr rows
/// and one tail tile. Calls block(nb, n_valid) once per panel and channel block, which returns
/// the tile function tile(std::integral_constant<int, rows>{}, m) for that block.
template <int kMr, typename Block>
void for_each_gemm_tile(const Int8GemmPlan& p, int64_t rows, int64_t n_begin, int64_t n_end,
                        Block&& block) {
  const int64_t nr = p.n_block();
  const int64_t mc =
      std::max<int64_t>(kMr * 8, round_up(96 * 1024 / std::max<int64_t>(p.k, 1), kMr));
  for (int64_t m0 = 0; m0 < rows; m0 += mc) {
    const int64_t m_end = std::min(rows, m0 + mc);
    for (int64_t nb = n_begin; nb < n_end; nb += nr) {
      auto tile = block(nb, std::min(nr, std::min(n_end, p.n) - nb));
      int64_t m = m0;
      for (; m + kMr <= m_end; m += kMr) tile(std::integral_constant<int, kMr>{}, m);
      dispatch_tail<kMr - 1>(m_end - m, [&](auto r) { tile(r, m); });
    }
  }
}

/// Entry points of the per-ISA files (called by int8_gemm after the plan chose them).
void int8_gemm_portable(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                        int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end);
#if defined(QEXP_HAVE_X86_KERNELS)
void int8_gemm_avx2(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                    int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end);
void int8_gemm_avx512vnni(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                          int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end);
#endif

}  // namespace qexp::interp::kernels::optimized

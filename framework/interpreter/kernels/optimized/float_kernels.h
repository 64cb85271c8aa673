#pragma once
/// Optimized float32 kernels behind CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED.
///
/// The GEMM computes C[r, n] = act(bias[n] + Σ_k A[r, k] · W[n, k]) for a row-major A (rows =
/// output pixels, or the rows of an im2col gather) and a weight matrix W[n, k] packed once, in
/// prepare, into column panels of the chosen ISA's width. Each output element is one FMA chain
/// over k in order, whatever the row / panel blocking and the thread count, so results do not
/// depend on the number of threads. The per-ISA code lives in float_kernels_<isa>.cc (compiled
/// with that ISA's flags) and is only called when the PrepareContext's isa allows it.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/thread_pool.h"

namespace qexp::interp::kernels::optimized {

/// Geometry of the register tile of an ISA's float GEMM: kMr rows × kNr columns.
struct FloatGemmTile {
  int mr = 0;
  int nr = 0;
};
/// The tile the implementation for `isa` uses (kAvx512Vnni uses the kAvx512 code).
FloatGemmTile float_gemm_tile(Isa isa);

/// W[n, k] (row-major, e.g. an OHWI filter or FULLY_CONNECTED weights) packed for one ISA:
/// panel p holds columns [p·nr, p·nr + nr) as k rows of nr floats, zero beyond n. The bias is
/// padded with zeros to a multiple of nr (all zeros when the op has none).
struct FloatPackedWeights {
  Isa isa = Isa::kPortable;
  int64_t n = 0, k = 0;
  int nr = 0;
  std::vector<float> panels;
  std::vector<float> bias;
};

/// Packs `weights` ([n, k]) and `bias` (n floats, or null) for `isa`.
FloatPackedWeights pack_float_weights(Isa isa, const float* weights, const float* bias, int64_t n,
                                      int64_t k);

/// Where row r of A lives when it is not contiguous: `count` runs of `length` floats starting
/// at a + r·lda + offset[s] (s in order), together k floats. A convolution reads its input
/// this way without an im2col copy: one run per filter row (KW·C floats).
struct FloatASegments {
  const int64_t* offset = nullptr;
  int count = 0;  ///< 0: the row is contiguous (k floats at a + r·lda)
  int64_t length = 0;
};

/// One GEMM call: rows [0, rows) of A (row stride lda) against panels [panel_begin, panel_end)
/// of `w`, written to C (row stride ldc) with the bias added and `act` applied.
struct FloatGemmArgs {
  const FloatPackedWeights* w = nullptr;
  const float* a = nullptr;
  int64_t lda = 0;
  int64_t rows = 0;
  int64_t panel_begin = 0, panel_end = 0;
  float* c = nullptr;
  int64_t ldc = 0;
  ActivationRange act;
  FloatASegments segments;
};

/// Runs `args` single-threaded with the ISA `args.w` was packed for.
void float_gemm(const FloatGemmArgs& args);

/// Runs the whole GEMM (all rows, all panels) on `pool`: rows split into row blocks when there
/// are enough of them, otherwise column panels are split. Never splits k.
void float_gemm_parallel(ThreadPool& pool, const FloatPackedWeights& w, const float* a, int64_t lda,
                         int64_t rows, float* c, int64_t ldc, const ActivationRange& act);

/// A (single-group) CONV_2D over NHWC tensors as the GEMM: row (b, oy, ox) of A is the im2col
/// row, the KH·KW·C input values under the filter in the filter's (ky, kx, ic) order, zero
/// where the window leaves the input.
struct FloatConvGeometry {
  int64_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  int64_t k_h = 0, k_w = 0;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  int64_t out_h = 0, out_w = 0;
};

/// Output positions [*begin, *end) along one axis whose windows (k taps `dilation` apart,
/// starting at o·stride − pad) lie inside [0, in).
inline void float_window_inside(int64_t out, int64_t in, int64_t k, int64_t stride,
                                int64_t dilation, int64_t pad, int64_t* begin, int64_t* end) {
  // o·stride − pad >= 0 and o·stride − pad + (k − 1)·dilation <= in − 1.
  const int64_t last = in - 1 - (k - 1) * dilation + pad;
  *end = last < 0 ? 0 : std::min(out, last / stride + 1);
  *begin = std::min((pad + stride - 1) / stride, *end);
}

/// Scratch floats float_conv needs with `num_threads` threads.
int64_t float_conv_scratch_floats(const FloatPackedWeights& w, int num_threads);

/// The convolution with weights `w` ([out_c, KH·KW·C], packed); output [N, OH, OW, out_c].
/// Output rows are split over the pool's threads. Pixels whose window lies inside the input
/// read it in place (FloatASegments); the others gather their im2col rows into the thread's
/// slice of `scratch`. Both give the same FMA sequence.
void float_conv(ThreadPool& pool, const FloatPackedWeights& w, const FloatConvGeometry& g,
                const float* input, float* output, float* scratch, const ActivationRange& act);

/// Largest KH·KW the depthwise fast path takes (larger filters keep the reference kernel).
inline constexpr int kFloatDepthwiseMaxTaps = 64;

/// Depthwise convolution with depth multiplier 1 over NHWC float tensors (filter [KH, KW, C]).
struct FloatDepthwiseArgs {
  /// One image's geometry (`batches` unused: rows index batch × output row); channels = in_c.
  FloatConvGeometry geo;
  const float* input = nullptr;
  const float* filter = nullptr;  ///< blocked, from pack_float_depthwise_filter
  const float* bias = nullptr;    ///< C floats (zeros when the op has none)
  float* output = nullptr;
  ActivationRange act;
};

/// The filter [KH, KW, C] rearranged for `isa` as [C / lanes][KH·KW][lanes] (zero-padded to
/// whole channel blocks), so the taps of one channel block are contiguous: read at a stride of
/// C floats they would all fall into the same L1 set when C is a power of two.
std::vector<float> pack_float_depthwise_filter(Isa isa, const float* filter, int64_t taps,
                                               int64_t channels);

/// Computes output rows [row_begin, row_end), a row being (batch · out_h + oy), with `isa`.
void float_depthwise_rows(Isa isa, const FloatDepthwiseArgs& args, int64_t row_begin,
                          int64_t row_end);

/// All batches · out_h output rows, split over the pool's threads.
void float_depthwise_parallel(ThreadPool& pool, Isa isa, const FloatDepthwiseArgs& args,
                              int64_t batches);

/// SOFTMAX over `rows` rows of `depth` floats with β > 0 (so every exponent is <= 0).
struct FloatSoftmaxArgs {
  const float* input = nullptr;
  float* output = nullptr;
  int64_t rows = 0, depth = 0;
  float beta = 1.0f;
};

/// True where float_softmax exists (it is written with the GCC / Clang vector extension).
inline constexpr bool kHaveFloatSoftmax =
#if defined(__GNUC__)
    true;
#else
    false;
#endif

/// Every row with `isa`'s vector exp (about 1 ulp from std::exp); rows split over the pool's
/// threads when there is enough work. Precondition: kHaveFloatSoftmax, args.beta > 0.
void float_softmax(ThreadPool& pool, Isa isa, const FloatSoftmaxArgs& args);

/// The name of the implementation `isa` selects, e.g. "gemm_avx512" for prefix "gemm"
/// (kAvx512Vnni runs the kAvx512 code and is named so).
std::string float_variant_name(std::string_view prefix, Isa isa);

}  // namespace qexp::interp::kernels::optimized

// Dispatch, weight packing and threading for the optimized float kernels.

#include "framework/interpreter/kernels/optimized/float_kernels.h"

#include <algorithm>

#include "framework/core/strings.h"
#include "framework/interpreter/kernels/optimized/float_kernels_isa.h"

namespace qexp::interp::kernels::optimized {
namespace {

// Below this many multiply-adds an op runs on the calling thread: waking workers costs more.
constexpr int64_t kMinParallelMacs = 128 * 1024;

// The instruction set whose code runs for `isa` (kAvx512Vnni adds nothing for float).
Isa code_isa(Isa isa) {
#if defined(QEXP_HAVE_X86_KERNELS)
  if (isa >= Isa::kAvx512) return Isa::kAvx512;
  if (isa >= Isa::kAvx2) return Isa::kAvx2;
#else
  (void)isa;
#endif
  return Isa::kPortable;
}

// The function of `isa`'s code level among the three compiled versions of one kernel.
template <typename Fn>
Fn by_isa(Isa isa, Fn portable, [[maybe_unused]] Fn avx2, [[maybe_unused]] Fn avx512) {
  switch (code_isa(isa)) {
    case Isa::kAvx512:
    case Isa::kAvx512Vnni:
      return avx512;
    case Isa::kAvx2:
      return avx2;
    case Isa::kPortable:
      break;
  }
  return portable;
}
#if defined(QEXP_HAVE_X86_KERNELS)
#define QEXP_FLOAT_KERNEL(isa, name) \
  by_isa(isa, &detail::name##_portable, &detail::name##_avx2, &detail::name##_avx512)
#else
#define QEXP_FLOAT_KERNEL(isa, name) ((void)(isa), &detail::name##_portable)
#endif

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Number of chunks for `macs` multiply-adds over `units` independent units of work.
int64_t chunk_count(const ThreadPool& pool, int64_t macs, int64_t units) {
  if (macs < kMinParallelMacs) return 1;
  return std::clamp<int64_t>(units, 1, pool.num_threads());
}

// How evenly `units` split into `chunks` (1 = perfectly): the average over the largest chunk.
double balance(int64_t units, int64_t chunks) {
  return static_cast<double>(units) / static_cast<double>(ceil_div(units, chunks) * chunks);
}

// fn(begin, end) over `chunks` near-equal contiguous ranges of [0, rows), on the pool's threads
// (on the caller alone for one chunk). Each row is computed whole by one call.
template <typename Fn>
void for_row_chunks(ThreadPool& pool, int64_t rows, int64_t chunks, const Fn& fn) {
  if (chunks <= 1) {
    fn(int64_t{0}, rows);
    return;
  }
  pool.parallel_for(chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      fn(ThreadPool::chunk_begin(rows, chunks, i), ThreadPool::chunk_begin(rows, chunks, i + 1));
    }
  });
}

}  // namespace

FloatGemmTile float_gemm_tile(Isa isa) {
  switch (code_isa(isa)) {
    case Isa::kAvx512:
    case Isa::kAvx512Vnni:
      return detail::kFloatTileAvx512;
    case Isa::kAvx2:
      return detail::kFloatTileAvx2;
    case Isa::kPortable:
      break;
  }
  return detail::kFloatTilePortable;
}

std::string float_variant_name(std::string_view prefix, Isa isa) {
  return str_cat(prefix, "_", isa_name(code_isa(isa)));
}

FloatPackedWeights pack_float_weights(Isa isa, const float* weights, const float* bias, int64_t n,
                                      int64_t k) {
  FloatPackedWeights w;
  w.isa = code_isa(isa);
  w.n = n;
  w.k = k;
  w.nr = float_gemm_tile(isa).nr;
  const int64_t nr = w.nr;
  const int64_t panels = ceil_div(n, nr);
  w.panels.assign(static_cast<size_t>(panels * k * nr), 0.0f);
  w.bias.assign(static_cast<size_t>(panels * nr), 0.0f);
  for (int64_t col = 0; col < n; ++col) {
    const int64_t p = col / nr, j = col % nr;
    float* dst = w.panels.data() + p * k * nr + j;
    const float* src = weights + col * k;
    for (int64_t kk = 0; kk < k; ++kk) dst[kk * nr] = src[kk];
    if (bias != nullptr) w.bias[static_cast<size_t>(col)] = bias[col];
  }
  return w;
}

std::vector<float> pack_float_depthwise_filter(Isa isa, const float* filter, int64_t taps,
                                               int64_t channels) {
  const int64_t lanes = detail::lanes(float_gemm_tile(isa));
  const int64_t blocks = ceil_div(channels, lanes);
  std::vector<float> packed(static_cast<size_t>(blocks * taps * lanes), 0.0f);
  for (int64_t t = 0; t < taps; ++t) {
    for (int64_t c = 0; c < channels; ++c) {
      packed[static_cast<size_t>(((c / lanes) * taps + t) * lanes + c % lanes)] =
          filter[t * channels + c];
    }
  }
  return packed;
}

void float_gemm(const FloatGemmArgs& args) { QEXP_FLOAT_KERNEL(args.w->isa, float_gemm)(args); }

void float_gemm_parallel(ThreadPool& pool, const FloatPackedWeights& w, const float* a, int64_t lda,
                         int64_t rows, float* c, int64_t ldc, const ActivationRange& act) {
  const FloatGemmTile tile = float_gemm_tile(w.isa);
  const int64_t panels = ceil_div(w.n, tile.nr);
  const int64_t row_blocks = ceil_div(rows, tile.mr);
  const FloatGemmArgs all{&w, a, lda, rows, 0, panels, c, ldc, act};
  const int64_t chunks = chunk_count(pool, rows * w.n * w.k, std::max(row_blocks, panels));
  if (chunks <= 1) {
    float_gemm(all);
    return;
  }
  // Split whichever dimension divides more evenly; every output element is computed the same
  // way either way, so the choice cannot change results.
  const bool by_rows = balance(row_blocks, chunks) >= balance(panels, chunks);
  pool.parallel_for(chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      FloatGemmArgs part = all;
      if (by_rows) {
        const int64_t r0 = ThreadPool::chunk_begin(row_blocks, chunks, i) * tile.mr;
        const int64_t r1 =
            std::min(rows, ThreadPool::chunk_begin(row_blocks, chunks, i + 1) * tile.mr);
        part.a = a + r0 * lda;
        part.c = c + r0 * ldc;
        part.rows = r1 - r0;
      } else {
        part.panel_begin = ThreadPool::chunk_begin(panels, chunks, i);
        part.panel_end = ThreadPool::chunk_begin(panels, chunks, i + 1);
      }
      if (part.rows > 0 && part.panel_end > part.panel_begin) float_gemm(part);
    }
  });
}

namespace {

// Rows of im2col gathered at a time: a block that stays in L2 while the panels pass over it.
int64_t im2col_block_rows(const FloatPackedWeights& w) {
  const int64_t mr = float_gemm_tile(w.isa).mr;
  constexpr int64_t kBlockFloats = 32 * 1024;
  return std::max<int64_t>(mr, kBlockFloats / std::max<int64_t>(w.k, 1) / mr * mr);
}

// Writes im2col row `p` (output pixel b, oy, ox) to dst (KH·KW·C floats). Inline copies, not
// memcpy: the pieces are short (a 3-channel stem copies 3 floats per tap).
void gather_im2col_row(const FloatConvGeometry& g, const float* input, int64_t p, float* dst) {
  const int64_t per_image = g.out_h * g.out_w;
  const int64_t b = p / per_image, oy = (p % per_image) / g.out_w, ox = p % g.out_w;
  const float* image = input + b * g.in_h * g.in_w * g.in_c;
  const int64_t ix0 = ox * g.stride_w - g.pad_left;
  const bool row_inside = ix0 >= 0 && ix0 + (g.k_w - 1) * g.dilation_w < g.in_w;
  const int64_t row_floats = g.k_w * g.in_c;
  for (int64_t ky = 0; ky < g.k_h; ++ky, dst += row_floats) {
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) {
      std::fill_n(dst, row_floats, 0.0f);
      continue;
    }
    const float* src_row = image + iy * g.in_w * g.in_c;
    if (row_inside && g.dilation_w == 1) {  // the KW pixels are contiguous in the input
      std::copy_n(src_row + ix0 * g.in_c, row_floats, dst);
      continue;
    }
    for (int64_t kx = 0; kx < g.k_w; ++kx) {
      const int64_t ix = ix0 + kx * g.dilation_w;
      float* d = dst + kx * g.in_c;
      if (ix < 0 || ix >= g.in_w) {
        std::fill_n(d, g.in_c, 0.0f);
      } else {
        std::copy_n(src_row + ix * g.in_c, g.in_c, d);
      }
    }
  }
}

// Runs of the input that make up one row of A for an output pixel whose window lies inside the
// input: one per filter row (KW·C contiguous floats) without horizontal dilation, else one per
// tap. Count 0 when there would be more than kMaxSegments.
constexpr int kMaxSegments = 64;
int conv_segments(const FloatConvGeometry& g, int64_t* offset, int64_t* length) {
  const bool rows = g.dilation_w == 1;
  const int64_t count = rows ? g.k_h : g.k_h * g.k_w;
  if (count > kMaxSegments) return 0;
  *length = rows ? g.k_w * g.in_c : g.in_c;
  for (int64_t s = 0; s < count; ++s) {
    const int64_t ky = rows ? s : s / g.k_w, kx = rows ? 0 : s % g.k_w;
    offset[s] = (ky * g.dilation_h * g.in_w + kx * g.dilation_w) * g.in_c;
  }
  return static_cast<int>(count);
}

// Output pixels [ox0, ox1) of output row `row` (b·OH + oy) through im2col: `block` rows of A
// gathered into `a` at a time.
void conv_gathered(const FloatPackedWeights& w, const FloatConvGeometry& g, const float* input,
                   float* output, const ActivationRange& act, int64_t row, int64_t ox0, int64_t ox1,
                   float* a) {
  const int64_t block = im2col_block_rows(w), panels = ceil_div(w.n, w.nr);
  for (int64_t ox = ox0; ox < ox1; ox += block) {
    const int64_t n_rows = std::min(block, ox1 - ox);
    const int64_t p0 = row * g.out_w + ox;
    for (int64_t j = 0; j < n_rows; ++j) gather_im2col_row(g, input, p0 + j, a + j * w.k);
    float_gemm({&w, a, w.k, n_rows, 0, panels, output + p0 * w.n, w.n, act});
  }
}

}  // namespace

int64_t float_conv_scratch_floats(const FloatPackedWeights& w, int num_threads) {
  return im2col_block_rows(w) * w.k * std::max(num_threads, 1);
}

void float_conv(ThreadPool& pool, const FloatPackedWeights& w, const FloatConvGeometry& g,
                const float* input, float* output, float* scratch, const ActivationRange& act) {
  int64_t offset[kMaxSegments];
  FloatASegments seg{offset, 0, 0};
  seg.count = conv_segments(g, offset, &seg.length);
  int64_t ox_begin = 0, ox_end = 0;  // columns whose windows lie inside the input horizontally
  if (seg.count > 0) {
    float_window_inside(g.out_w, g.in_w, g.k_w, g.stride_w, g.dilation_w, g.pad_left, &ox_begin,
                        &ox_end);
  }
  const int64_t rows = g.batches * g.out_h;
  const int64_t chunks = chunk_count(pool, rows * g.out_w * w.n * w.k, rows);
  auto run_chunk = [&](int64_t i) {
    float* a = scratch + i * im2col_block_rows(w) * w.k;
    for (int64_t row = ThreadPool::chunk_begin(rows, chunks, i);
         row < ThreadPool::chunk_begin(rows, chunks, i + 1); ++row) {
      const int64_t iy0 = (row % g.out_h) * g.stride_h - g.pad_top;
      const bool inside = iy0 >= 0 && iy0 + (g.k_h - 1) * g.dilation_h < g.in_h;
      if (!inside || ox_end <= ox_begin) {
        conv_gathered(w, g, input, output, act, row, 0, g.out_w, a);
        continue;
      }
      conv_gathered(w, g, input, output, act, row, 0, ox_begin, a);
      // Windows inside the input: A is read in place, one run per filter row.
      FloatGemmArgs args;
      args.w = &w;
      args.a =
          input +
          ((row / g.out_h * g.in_h + iy0) * g.in_w + ox_begin * g.stride_w - g.pad_left) * g.in_c;
      args.lda = g.stride_w * g.in_c;
      args.rows = ox_end - ox_begin;
      args.panel_end = ceil_div(w.n, w.nr);
      args.c = output + (row * g.out_w + ox_begin) * w.n;
      args.ldc = w.n;
      args.act = act;
      args.segments = seg;
      float_gemm(args);
      conv_gathered(w, g, input, output, act, row, ox_end, g.out_w, a);
    }
  };
  if (chunks <= 1) {
    run_chunk(0);
    return;
  }
  pool.parallel_for(chunks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) run_chunk(i);
  });
}

void float_softmax(ThreadPool& pool, Isa isa, const FloatSoftmaxArgs& args) {
#if defined(__GNUC__)
  const auto rows = QEXP_FLOAT_KERNEL(isa, float_softmax);
  // An exp costs about as much as a few multiply-adds.
  const int64_t chunks = chunk_count(pool, args.rows * args.depth * 8, args.rows);
  for_row_chunks(pool, args.rows, chunks,
                 [&](int64_t begin, int64_t end) { rows(args, begin, end); });
#else
  (void)pool, (void)isa, (void)args;
#endif
}

void float_depthwise_rows(Isa isa, const FloatDepthwiseArgs& args, int64_t row_begin,
                          int64_t row_end) {
  QEXP_FLOAT_KERNEL(isa, float_depthwise)(args, row_begin, row_end);
}

void float_depthwise_parallel(ThreadPool& pool, Isa isa, const FloatDepthwiseArgs& args,
                              int64_t batches) {
  const int64_t rows = batches * args.geo.out_h;
  const int64_t macs = rows * args.geo.out_w * args.geo.in_c * args.geo.k_h * args.geo.k_w;
  for_row_chunks(pool, rows, chunk_count(pool, macs, rows),
                 [&](int64_t begin, int64_t end) { float_depthwise_rows(isa, args, begin, end); });
}

}  // namespace qexp::interp::kernels::optimized

// Channel-innermost float pooling (see float_pooling.h).

#include "framework/interpreter/kernels/optimized/float_pooling.h"

#include <algorithm>
#include <limits>

namespace qexp::interp::kernels::optimized {
namespace {

// Below this many input reads the op stays on the calling thread.
constexpr int64_t kMinParallelReads = 64 * 1024;

// One output pixel: out[c] accumulates over the window in the reference's (fy, fx) order.
template <FloatPoolKind kKind>
void pool_pixel(const FloatPoolArgs& a, const float* image, int64_t oy, int64_t ox, float* out) {
  const reference::PoolParams& p = a.params;
  int64_t fy0, fy1, fx0, fx1;
  reference::pool_window(oy, p.stride_h, p.pad_top, p.filter_h, a.in_h, &fy0, &fy1);
  reference::pool_window(ox, p.stride_w, p.pad_left, p.filter_w, a.in_w, &fx0, &fx1);
  const int64_t iy0 = oy * p.stride_h - p.pad_top, ix0 = ox * p.stride_w - p.pad_left;
  const int64_t ch = a.channels;
  const float init = kKind == FloatPoolKind::kAverage ? 0.0f : std::numeric_limits<float>::lowest();
  std::fill_n(out, ch, init);
  int64_t count = 0;
  for (int64_t fy = fy0; fy < fy1; ++fy) {
    for (int64_t fx = fx0; fx < fx1; ++fx, ++count) {
      const float* in = image + ((iy0 + fy) * a.in_w + ix0 + fx) * ch;
      if constexpr (kKind == FloatPoolKind::kAverage) {
        for (int64_t c = 0; c < ch; ++c) out[c] += in[c];
      } else {
        for (int64_t c = 0; c < ch; ++c) out[c] = std::max(out[c], in[c]);
      }
    }
  }
  if constexpr (kKind == FloatPoolKind::kAverage) {
    const float divisor = static_cast<float>(count);
    for (int64_t c = 0; c < ch; ++c) {
      out[c] = apply_activation(count > 0 ? out[c] / divisor : 0.0f, p.activation);
    }
  } else {
    for (int64_t c = 0; c < ch; ++c) out[c] = apply_activation(out[c], p.activation);
  }
}

template <FloatPoolKind kKind>
void pool_rows(const FloatPoolArgs& a, int64_t row_begin, int64_t row_end) {
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / a.out_h, oy = row % a.out_h;
    const float* image = a.input + b * a.in_h * a.in_w * a.channels;
    float* out = a.output + row * a.out_w * a.channels;
    for (int64_t ox = 0; ox < a.out_w; ++ox) {
      pool_pixel<kKind>(a, image, oy, ox, out + ox * a.channels);
    }
  }
}

}  // namespace

void float_pool(ThreadPool& pool, FloatPoolKind kind, const FloatPoolArgs& args) {
  auto rows = [&](int64_t begin, int64_t end) {
    if (kind == FloatPoolKind::kAverage) {
      pool_rows<FloatPoolKind::kAverage>(args, begin, end);
    } else {
      pool_rows<FloatPoolKind::kMax>(args, begin, end);
    }
  };
  const int64_t n = args.batches * args.out_h;
  const int64_t reads =
      n * args.out_w * args.channels * args.params.filter_h * args.params.filter_w;
  if (reads < kMinParallelReads || pool.num_threads() == 1) {
    rows(0, n);
    return;
  }
  pool.parallel_for(n, 1, rows);
}

}  // namespace qexp::interp::kernels::optimized

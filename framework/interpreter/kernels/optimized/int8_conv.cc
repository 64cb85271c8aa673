#include "framework/interpreter/kernels/optimized/int8_conv.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace qexp::interp::kernels::optimized {
namespace {

// Below this many multiply-accumulates per part an op is not worth another thread.
constexpr int64_t kMinMacsPerPart = int64_t{1} << 17;
// im2col panel height: rows gathered per GEMM call (a multiple of every microkernel's rows).
constexpr int64_t kPanelRows = 64;

int64_t num_parts(int64_t macs, int threads) {
  return std::clamp<int64_t>(macs / kMinMacsPerPart, 1, std::max(threads, 1));
}

// [begin, end) of part t of [0, total) split in whole units of `unit` elements.
std::pair<int64_t, int64_t> part_range(int64_t total, int64_t unit, int64_t parts, int64_t t) {
  const int64_t units = (total + unit - 1) / unit;
  return {std::min(total, ThreadPool::chunk_begin(units, parts, t) * unit),
          std::min(total, ThreadPool::chunk_begin(units, parts, t + 1) * unit)};
}

template <typename Fn>
void for_parts(ThreadPool& pool, int64_t parts, Fn&& fn) {
  if (parts <= 1) {
    fn(int64_t{0});
    return;
  }
  pool.parallel_for(parts, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) fn(t);
  });
}

// A GEMM split: part t computes rows [r0, r1) × channels [c0, c1).
struct GemmPart {
  int64_t r0, r1, c0, c1;
};

struct GemmSplit {
  int64_t parts = 1;
  bool by_rows = true;

  GemmSplit(const Int8GemmPlan& plan, int64_t rows, int threads) {
    parts = num_parts(rows * plan.n * plan.k, threads);
    const int64_t n_blocks = (plan.n + plan.n_block() - 1) / plan.n_block();
    // Few rows (late layers, FULLY_CONNECTED): split the output channels instead.
    by_rows = rows >= 64 * parts || n_blocks < parts;
  }
  GemmPart part(const Int8GemmPlan& plan, int64_t rows, int64_t t) const {
    if (by_rows) {
      const auto [r0, r1] = part_range(rows, 8, parts, t);
      return {r0, r1, 0, plan.n};
    }
    const auto [c0, c1] = part_range(plan.n, plan.n_block(), parts, t);
    return {0, rows, c0, c1};
  }
};

void gemm_parallel(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                   int8_t* out, int64_t out_stride, ThreadPool& pool) {
  const GemmSplit split(plan, rows, pool.num_threads());
  for_parts(pool, split.parts, [&](int64_t t) {
    const GemmPart p = split.part(plan, rows, t);
    if (p.r1 <= p.r0 || p.c1 <= p.c0) return;
    int8_gemm(plan, a + p.r0 * a_stride, a_stride, p.r1 - p.r0, out + p.r0 * out_stride, out_stride,
              p.c0, p.c1);
  });
}

// memcpy, without a library call for the few bytes a small-channel im2col tap copies.
inline void copy_bytes(int8_t* dst, const int8_t* src, int64_t n) {
  if (n > 64) {
    std::memcpy(dst, src, static_cast<size_t>(n));
    return;
  }
  for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
}

class GemmConv final : public Int8FastPath {
 public:
  GemmConv(Isa isa, Int8ConvSpec spec) : spec_(std::move(spec)) {
    const Shape& f = spec_.filter;
    k_ = f[1] * f[2] * f[3];
    kp_ = round_up(k_, 4);
    const reference::ConvParams& p = spec_.params;
    direct_ = f[1] == 1 && f[2] == 1 && p.stride_h == 1 && p.stride_w == 1 && p.pad_top == 0 &&
              p.pad_left == 0 && spec_.output[1] == spec_.input[1] &&
              spec_.output[2] == spec_.input[2];
    // No input channels: every output is the requantized bias, and the GEMM reads nothing.
    if (k_ == 0) direct_ = true;
    const std::span<const int32_t> bias =
        spec_.bias != nullptr ? std::span<const int32_t>(spec_.bias, static_cast<size_t>(f[0]))
                              : std::span<const int32_t>();
    plan_ = make_int8_gemm_plan(isa, std::span<const int8_t>(spec_.weights, f[0] * k_), f[0], k_,
                                bias, spec_.input_zero_point, std::move(spec_.requant));
    variant_ = direct_ ? std::string(plan_.variant()) : "im2col_" + std::string(plan_.variant());
  }

  std::string_view variant() const override { return variant_; }
  int64_t scratch_bytes(int num_threads) const override {
    return direct_ ? 0 : num_threads * kPanelRows * kp_;
  }

  void eval(const int8_t* input, int8_t* output, std::span<uint8_t> scratch,
            ThreadPool& pool) const override {
    const Shape& o = spec_.output;
    const int64_t rows = o[0] * o[1] * o[2], n = o[3];
    if (direct_) return gemm_parallel(plan_, input, k_, rows, output, n, pool);
    GemmSplit split(plan_, rows, pool.num_threads());
    split.parts =
        std::min<int64_t>(split.parts, static_cast<int64_t>(scratch.size()) / (kPanelRows * kp_));
    for_parts(pool, split.parts, [&](int64_t t) {
      const GemmPart p = split.part(plan_, rows, t);
      int8_t* panel = reinterpret_cast<int8_t*>(scratch.data()) + t * kPanelRows * kp_;
      for (int64_t m = p.r0; m < p.r1 && p.c0 < p.c1; m += kPanelRows) {
        const int64_t count = std::min(kPanelRows, p.r1 - m);
        im2col(input, m, count, panel);
        int8_gemm(plan_, panel, kp_, count, output + m * n, n, p.c0, p.c1);
      }
    });
  }

 private:
  // Rows [m0, m0 + count) of the im2col matrix: per output pixel the (ky, kx, ic) taps in the
  // filter's order, z_in for taps in the padding and for the k padding up to kp_.
  void im2col(const int8_t* input, int64_t m0, int64_t count, int8_t* panel) const {
    const reference::ConvParams& p = spec_.params;
    const Shape& in = spec_.input;
    const int64_t in_h = in[1], in_w = in[2], c = in[3];
    const int64_t out_h = spec_.output[1], out_w = spec_.output[2];
    const int64_t k_h = spec_.filter[1], k_w = spec_.filter[2];
    const int z = spec_.input_zero_point;
    // Output pixel (b, oy, ox) of row m0, then stepped along (divisions cost more than a small
    // filter's copies).
    int64_t ox = m0 % out_w, oy = m0 / out_w % out_h, b = m0 / (out_w * out_h);
    for (int64_t r = 0; r < count; ++r, ++ox) {
      if (ox == out_w) {
        ox = 0;
        if (++oy == out_h) {
          oy = 0;
          ++b;
        }
      }
      int8_t* dst = panel + r * kp_;
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      // With dilation 1 and the row inside the input, the k_w taps are one contiguous run.
      const bool row_run = p.dilation_w == 1 && x0 >= 0 && x0 + k_w <= in_w;
      for (int64_t ky = 0; ky < k_h; ++ky) {
        const int64_t iy = oy * p.stride_h - p.pad_top + ky * p.dilation_h;
        const bool y_in = iy >= 0 && iy < in_h;
        const int8_t* row = y_in ? input + (b * in_h + iy) * in_w * c : input;
        if (y_in && row_run) {
          copy_bytes(dst, row + x0 * c, k_w * c);
          dst += k_w * c;
          continue;
        }
        for (int64_t kx = 0; kx < k_w; ++kx, dst += c) {
          const int64_t ix = x0 + kx * p.dilation_w;
          if (y_in && ix >= 0 && ix < in_w) {
            copy_bytes(dst, row + ix * c, c);
          } else {
            std::memset(dst, z, static_cast<size_t>(c));
          }
        }
      }
      for (int64_t i = k_; i < kp_; ++i) *dst++ = static_cast<int8_t>(z);
    }
  }

  Int8ConvSpec spec_;
  Int8GemmPlan plan_;
  int64_t k_ = 0, kp_ = 0;
  bool direct_ = false;
  std::string variant_;
};

class DepthwiseConv final : public Int8FastPath {
 public:
  DepthwiseConv(Isa isa, const Int8ConvSpec& s)
      : plan_(make_int8_depthwise_plan(isa, s.params, s.input, s.filter, s.output, s.weights,
                                       s.bias, s.input_zero_point, s.requant)) {}

  std::string_view variant() const override { return plan_.variant(); }
  int64_t scratch_bytes(int) const override { return 0; }
  void eval(const int8_t* input, int8_t* output, std::span<uint8_t>,
            ThreadPool& pool) const override {
    const int64_t rows = plan_.batches * plan_.out_h;
    const int64_t macs = rows * plan_.out_w * plan_.channels * plan_.k_h * plan_.k_w;
    const int64_t parts = num_parts(macs, pool.num_threads());
    for_parts(pool, parts, [&](int64_t t) {
      const auto [r0, r1] = part_range(rows, 1, parts, t);
      int8_depthwise_rows(plan_, input, output, r0, r1);
    });
  }

 private:
  Int8DepthwisePlan plan_;
};

class FullyConnected final : public Int8FastPath {
 public:
  FullyConnected(Int8GemmPlan plan, int64_t batches) : plan_(std::move(plan)), batches_(batches) {}

  std::string_view variant() const override { return plan_.variant(); }
  int64_t scratch_bytes(int) const override { return 0; }
  void eval(const int8_t* input, int8_t* output, std::span<uint8_t>,
            ThreadPool& pool) const override {
    gemm_parallel(plan_, input, plan_.k, batches_, output, plan_.n, pool);
  }

 private:
  Int8GemmPlan plan_;
  int64_t batches_;
};

}  // namespace

std::unique_ptr<Int8FastPath> make_int8_conv_path(Isa isa, Int8ConvSpec spec) {
  return std::make_unique<GemmConv>(isa, std::move(spec));
}

std::unique_ptr<Int8FastPath> make_int8_depthwise_path(Isa isa, Int8ConvSpec spec) {
  if (!int8_depthwise_supported(spec.filter, spec.depth_multiplier)) return nullptr;
  return std::make_unique<DepthwiseConv>(isa, spec);
}

std::unique_ptr<Int8FastPath> make_int8_fully_connected_path(
    Isa isa, int64_t batches, int64_t depth, int64_t units, const int8_t* weights,
    const int32_t* bias, int32_t input_zero_point, Int8Requant requant) {
  const std::span<const int32_t> b =
      bias != nullptr ? std::span<const int32_t>(bias, static_cast<size_t>(units))
                      : std::span<const int32_t>();
  return std::make_unique<FullyConnected>(
      make_int8_gemm_plan(isa, std::span<const int8_t>(weights, units * depth), units, depth, b,
                          input_zero_point, std::move(requant)),
      batches);
}

}  // namespace qexp::interp::kernels::optimized

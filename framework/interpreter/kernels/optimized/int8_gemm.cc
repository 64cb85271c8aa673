#include "framework/interpreter/kernels/optimized/int8_gemm.h"

#include <algorithm>
#include <utility>

namespace qexp::interp::kernels::optimized {
namespace {

Int8GemmKernel choose_kernel(Isa isa, const Int8Requant& requant) {
#if defined(QEXP_HAVE_X86_KERNELS)
  if (requant.simd_exact()) {
    if (isa >= Isa::kAvx512Vnni) return Int8GemmKernel::kAvx512Vnni;
    if (isa >= Isa::kAvx2) return Int8GemmKernel::kAvx2;
  }
#else
  (void)isa;
  (void)requant;
#endif
  return Int8GemmKernel::kPortable;
}

// Weights [n][k] as [n / block][ceil(k / group)][block][group] of T, zero-padded: per channel
// block, `group` consecutive k of each channel side by side (kAvx512Vnni: block 32, group 4;
// kAvx2: 16, 2).
template <typename T>
std::vector<T> pack_blocks(std::span<const int8_t> w, int64_t n, int64_t k, int64_t block,
                           int64_t group) {
  const int64_t groups = round_up(k, group) / group, blocks = round_up(n, block) / block;
  std::vector<T> packed(static_cast<size_t>(blocks * groups * block * group), 0);
  for (int64_t ch = 0; ch < n; ++ch) {
    for (int64_t i = 0; i < k; ++i) {
      const int64_t at =
          (((ch / block) * groups + i / group) * block + ch % block) * group + i % group;
      packed[static_cast<size_t>(at)] = w[static_cast<size_t>(ch * k + i)];
    }
  }
  return packed;
}

}  // namespace

int64_t Int8GemmPlan::n_block() const {
  switch (kernel) {
    case Int8GemmKernel::kAvx512Vnni:
      return 32;
    case Int8GemmKernel::kAvx2:
      return 16;
    case Int8GemmKernel::kPortable:
      break;
  }
  return 1;
}

std::string_view Int8GemmPlan::variant() const {
  switch (kernel) {
    case Int8GemmKernel::kAvx512Vnni:
      return "gemm_avx512vnni";
    case Int8GemmKernel::kAvx2:
      return "gemm_avx2";
    case Int8GemmKernel::kPortable:
      break;
  }
  return "gemm_portable";
}

Int8GemmPlan make_int8_gemm_plan(Isa isa, std::span<const int8_t> weights, int64_t n, int64_t k,
                                 std::span<const int32_t> bias, int32_t input_zero_point,
                                 Int8Requant requant) {
  Int8GemmPlan p;
  p.kernel = choose_kernel(isa, requant);
  p.n = n;
  p.k = k;
  p.requant = std::move(requant);
  // bias − (128 + z_in)·Σ_k w, wrapped to int32 like the reference accumulator.
  p.bias.assign(static_cast<size_t>(round_up(n, kInt8ChannelPad)), 0);
  for (int64_t ch = 0; ch < n; ++ch) {
    int64_t sum = 0;
    for (int64_t i = 0; i < k; ++i) sum += weights[static_cast<size_t>(ch * k + i)];
    const int64_t b = bias.empty() ? 0 : bias[static_cast<size_t>(ch)];
    const uint64_t corrected =
        static_cast<uint64_t>(b) - static_cast<uint64_t>(int64_t{128 + input_zero_point} * sum);
    p.bias[static_cast<size_t>(ch)] = static_cast<int32_t>(static_cast<uint32_t>(corrected));
  }
  switch (p.kernel) {
    case Int8GemmKernel::kAvx512Vnni:
      p.packed = pack_blocks<int8_t>(weights, n, k, 32, 4);
      break;
    case Int8GemmKernel::kAvx2:
      p.packed16 = pack_blocks<int16_t>(weights, n, k, 16, 2);
      break;
    case Int8GemmKernel::kPortable:
      p.packed.assign(weights.begin(), weights.end());
      break;
  }
  return p;
}

void int8_gemm_portable(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
                        int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end) {
  const int64_t k = plan.k;
  n_end = std::min(n_end, plan.n);
  for (int64_t m = 0; m < rows; ++m) {
    const int8_t* x = a + m * a_stride;
    for (int64_t ch = n_begin; ch < n_end; ++ch) {
      const int8_t* w = plan.packed.data() + ch * k;
      // Unsigned arithmetic: the accumulator wraps modulo 2^32 like the reference's.
      uint32_t acc = static_cast<uint32_t>(plan.bias[static_cast<size_t>(ch)]);
      for (int64_t i = 0; i < k; ++i) {
        acc += static_cast<uint32_t>(static_cast<uint8_t>(x[i]) ^ 0x80u) *
               static_cast<uint32_t>(static_cast<int32_t>(w[i]));
      }
      out[m * out_stride + ch] = requantize_one(plan.requant, static_cast<int32_t>(acc), ch);
    }
  }
}

void int8_gemm(const Int8GemmPlan& plan, const int8_t* a, int64_t a_stride, int64_t rows,
               int8_t* out, int64_t out_stride, int64_t n_begin, int64_t n_end) {
  switch (plan.kernel) {
#if defined(QEXP_HAVE_X86_KERNELS)
    case Int8GemmKernel::kAvx512Vnni:
      return int8_gemm_avx512vnni(plan, a, a_stride, rows, out, out_stride, n_begin, n_end);
    case Int8GemmKernel::kAvx2:
      return int8_gemm_avx2(plan, a, a_stride, rows, out, out_stride, n_begin, n_end);
#endif
    default:
      break;
  }
  int8_gemm_portable(plan, a, a_stride, rows, out, out_stride, n_begin, n_end);
}

}  // namespace qexp::interp::kernels::optimized

#pragma once
// SOFTMAX over rows with a vectorized exp, written once over the GCC / Clang vector extension
// (kLanes floats per vector) and instantiated by float_kernels_<isa>.cc, each compiled with its
// ISA's flags, so the same code becomes zmm, ymm or xmm instructions. Included only there.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "framework/interpreter/kernels/optimized/float_kernels.h"

namespace qexp::interp::kernels::optimized::detail::impl {

#if defined(__GNUC__)

// Vector-extension types of N lanes (spelled out per N: GCC drops a vector_size that depends
// on a template parameter).
template <int N>
struct VectorTypes;
template <>
struct VectorTypes<4> {
  typedef float F __attribute__((vector_size(16)));
  typedef int32_t I __attribute__((vector_size(16)));
};
template <>
struct VectorTypes<8> {
  typedef float F __attribute__((vector_size(32)));
  typedef int32_t I __attribute__((vector_size(32)));
};
template <>
struct VectorTypes<16> {
  typedef float F __attribute__((vector_size(64)));
  typedef int32_t I __attribute__((vector_size(64)));
};

// T is the ISA file's vector-traits class (internal linkage, so nothing here can be merged
// across files compiled for different ISAs); only its lane count is used.
template <class T>
struct SoftmaxVec {
  static constexpr int kLanes = T::kLanes;
  using F = typename VectorTypes<kLanes>::F;
  using I = typename VectorTypes<kLanes>::I;

  static F splat(float s) { return F{} + s; }

  // 2^m for integer lanes m in [-126, 127], built in the exponent field.
  static F pow2(I m) {
    const I bits = (m + 127) << 23;
    F f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }

  // e^x for x <= 0 (Cephes expf: x = n·ln 2 + r, |r| <= ln 2 / 2, degree-6 polynomial in r,
  // about 1 ulp). Below -104 the result is 0 in float anyway; 2^n is applied in two halves so
  // that results in the subnormal range come out as std::exp's do. NaN stays NaN.
  static F exp_nonpositive(F x) {
    const F lo = splat(-104.0f);
    x = x < lo ? lo : x;
    // Round x·log2(e) (<= 0) to nearest: truncating t − 0.5 toward zero.
    const I n = __builtin_convertvector(x * splat(1.44269504088896341f) - splat(0.5f), I);
    const F fn = __builtin_convertvector(n, F);
    const F r = x - fn * splat(0.693359375f) - fn * splat(-2.12194440e-4f);
    F p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    const F y = p * r * r + r + splat(1.0f);
    const I half = n >> 1;  // floor(n / 2): both halves stay within [-75, 0]
    return y * pow2(half) * pow2(n - half);
  }
};

// out[c] = e^((x[c] − max)·β) / Σ_j e^((x[j] − max)·β) for one row, β > 0. The maximum is the
// reference's; the sum is accumulated lane-wise, then the lanes are added in order.
template <class T>
void softmax_row(const float* x, int64_t depth, float beta, float* y) {
  using S = SoftmaxVec<T>;
  constexpr int kLanes = S::kLanes;
  using F = typename S::F;
  float max = std::numeric_limits<float>::lowest();
  for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
  const F vmax = S::splat(max), vbeta = S::splat(beta);
  F sum = S::splat(0.0f);
  int64_t c = 0;
  for (; c + kLanes <= depth; c += kLanes) {
    F v;
    std::memcpy(&v, x + c, sizeof v);
    const F e = S::exp_nonpositive((v - vmax) * vbeta);
    std::memcpy(y + c, &e, sizeof e);
    sum += e;
  }
  float total = 0.0f;
  for (int i = 0; i < kLanes; ++i) total += sum[i];
  if (c < depth) {  // the tail through a zero-padded vector; padding lanes are not summed
    F v = S::splat(0.0f);
    const size_t bytes = sizeof(float) * static_cast<size_t>(depth - c);
    std::memcpy(&v, x + c, bytes);
    const F e = S::exp_nonpositive((v - vmax) * vbeta);
    std::memcpy(y + c, &e, bytes);
    for (int64_t i = 0; i < depth - c; ++i) total += e[i];
  }
  const F vtotal = S::splat(total);
  for (c = 0; c + kLanes <= depth; c += kLanes) {
    F v;
    std::memcpy(&v, y + c, sizeof v);
    v = v / vtotal;
    std::memcpy(y + c, &v, sizeof v);
  }
  for (; c < depth; ++c) y[c] = y[c] / total;
}

template <class T>
void softmax_rows(const FloatSoftmaxArgs& args, int64_t row_begin, int64_t row_end) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    softmax_row<T>(args.input + r * args.depth, args.depth, args.beta,
                   args.output + r * args.depth);
  }
}

#endif  // __GNUC__

}  // namespace qexp::interp::kernels::optimized::detail::impl

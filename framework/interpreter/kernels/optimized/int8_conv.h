#pragma once
/// Optimized int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED paths behind the reference
/// kernels (kernels/conv_quantized.cc, kernels/fully_connected_quantized.cc): those kernels
/// validate the op as always, then build one of these when the geometry is one a fast path
/// takes, and their eval delegates to it. Results are bit-identical to the reference and do not
/// depend on the thread count: work is split over output rows or output channel blocks only,
/// never over the reduction.

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "framework/core/shape.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/kernels/optimized/int8_depthwise.h"
#include "framework/interpreter/kernels/optimized/int8_gemm.h"
#include "framework/interpreter/thread_pool.h"

namespace qexp::interp::kernels::optimized {

/// An int8 convolution as the reference kernel validated it.
struct Int8ConvSpec {
  reference::ConvParams params;
  Shape input, filter, output;
  int64_t depth_multiplier = 1;
  const int8_t* weights = nullptr;  ///< constant filter values
  const int32_t* bias = nullptr;    ///< constant bias values, or null
  int32_t input_zero_point = 0;
  Int8Requant requant;
};

/// A prepared fast path for one op.
class Int8FastPath {
 public:
  virtual ~Int8FastPath() = default;
  virtual std::string_view variant() const = 0;
  /// Scratch bytes eval needs for `num_threads` threads.
  virtual int64_t scratch_bytes(int num_threads) const = 0;
  virtual void eval(const int8_t* input, int8_t* output, std::span<uint8_t> scratch,
                    ThreadPool& pool) const = 0;
};

/// CONV_2D through the GEMM: 1×1 / stride 1 / unpadded directly on the input, everything else
/// (the 3×3 stem, strided or dilated filters, padding) through per-thread im2col panels.
std::unique_ptr<Int8FastPath> make_int8_conv_path(Isa isa, Int8ConvSpec spec);

/// DEPTHWISE_CONV_2D; nullptr when int8_depthwise_supported() says no.
std::unique_ptr<Int8FastPath> make_int8_depthwise_path(Isa isa, Int8ConvSpec spec);

/// FULLY_CONNECTED: input [batches, depth], weights [units, depth].
std::unique_ptr<Int8FastPath> make_int8_fully_connected_path(
    Isa isa, int64_t batches, int64_t depth, int64_t units, const int8_t* weights,
    const int32_t* bias, int32_t input_zero_point, Int8Requant requant);

}  // namespace qexp::interp::kernels::optimized

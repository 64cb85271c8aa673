#pragma once
/// Optimized AVERAGE_POOL_2D / MAX_POOL_2D over NHWC float tensors: the reference arithmetic
/// (same summation order, same division, same clamp), reordered so that the channel loop is
/// innermost and vectorizes. Results are bit-identical to the reference kernels.

#include <cstdint>

#include "framework/interpreter/kernels/activation.h"
#include "framework/interpreter/kernels/reference/pooling.h"
#include "framework/interpreter/thread_pool.h"

namespace qexp::interp::kernels::optimized {

struct FloatPoolArgs {
  reference::PoolParams params;
  const float* input = nullptr;
  int64_t batches = 0, in_h = 0, in_w = 0, channels = 0;
  float* output = nullptr;
  int64_t out_h = 0, out_w = 0;
};

enum class FloatPoolKind { kAverage, kMax };

/// All output rows (batch · out_h + oy), split over the pool's threads when there is enough
/// work.
void float_pool(ThreadPool& pool, FloatPoolKind kind, const FloatPoolArgs& args);

}  // namespace qexp::interp::kernels::optimized

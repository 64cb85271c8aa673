#pragma once
/// Offline memory planning for the interpreter's single activation arena.
///
/// Every buffer (a tensor or an op's scratch) has a size and a lifetime [first_use, last_use]
/// in execution steps (op indices, inclusive). Buffers whose lifetimes overlap get disjoint byte
/// ranges; the others may share memory. The planner is greedy in the style of TFLite's
/// GreedyMemoryPlanner: largest buffer first, each placed at the lowest 64-byte-aligned offset
/// where it fits next to the already placed buffers it overlaps in time.

#include <cstdint>
#include <span>
#include <vector>

#include "framework/core/status.h"

namespace qexp::interp {

inline constexpr int64_t kArenaAlignment = 64;

struct BufferRequest {
  int64_t bytes = 0;   ///< >= 0; 0 means the buffer needs no memory (offset 0)
  int first_use = 0;   ///< first execution step that touches the buffer
  int last_use = 0;    ///< last execution step (inclusive), >= first_use
};

struct ArenaPlan {
  std::vector<int64_t> offsets;  ///< one per request, multiples of kArenaAlignment
  int64_t total_bytes = 0;       ///< arena size; a multiple of kArenaAlignment
};

/// Plans offsets for `buffers`. The result depends only on the requests (ties are broken by
/// request order), so plans are reproducible. Errors: a negative size, an inverted lifetime,
/// or sizes whose aligned sum overflows 64 bits.
Result<ArenaPlan> plan_arena(std::span<const BufferRequest> buffers);

/// True if no two buffers that are live at the same step overlap in memory and every buffer
/// lies within the arena (for tests and debug checks).
bool plan_is_valid(std::span<const BufferRequest> buffers, const ArenaPlan& plan);

}  // namespace qexp::interp

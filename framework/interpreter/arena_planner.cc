#include "framework/interpreter/arena_planner.h"

#include <algorithm>
#include <numeric>

#include "framework/core/checked_math.h"
#include "framework/core/strings.h"

namespace qexp::interp {
namespace {

bool align_up(int64_t bytes, int64_t* out) {
  int64_t padded = 0;
  if (!checked_add(bytes, kArenaAlignment - 1, &padded)) return false;
  *out = padded / kArenaAlignment * kArenaAlignment;
  return true;
}

bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_use <= b.last_use && b.first_use <= a.last_use;
}

struct Placed {
  int64_t offset;
  int64_t end;  // offset + aligned size
};

}  // namespace

Result<ArenaPlan> plan_arena(std::span<const BufferRequest> buffers) {
  std::vector<int64_t> aligned(buffers.size());
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferRequest& b = buffers[i];
    if (b.bytes < 0 || b.first_use > b.last_use) {
      return internal_error(str_cat("arena buffer ", i, ": ", b.bytes, " bytes over steps [",
                                    b.first_use, ", ", b.last_use, "] is not a valid request"));
    }
    if (!align_up(b.bytes, &aligned[i])) {
      return out_of_range(str_cat("arena buffer ", i, ": ", b.bytes, " bytes overflow"));
    }
  }
  // Largest first: big buffers are the hardest to fit, small ones fill the gaps they leave.
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (aligned[a] != aligned[b]) return aligned[a] > aligned[b];
    return buffers[a].first_use < buffers[b].first_use;
  });

  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<bool> placed(buffers.size(), false);
  std::vector<Placed> conflicts;
  for (size_t i : order) {
    if (aligned[i] == 0) continue;
    conflicts.clear();
    for (size_t j = 0; j < buffers.size(); ++j) {
      if (placed[j] && lifetimes_overlap(buffers[i], buffers[j])) {
        conflicts.push_back({plan.offsets[j], plan.offsets[j] + aligned[j]});
      }
    }
    std::sort(conflicts.begin(), conflicts.end(),
              [](const Placed& a, const Placed& b) { return a.offset < b.offset; });
    // First fit: the lowest gap between live buffers that holds this one.
    int64_t candidate = 0;
    for (const Placed& p : conflicts) {
      int64_t end = 0;
      if (!checked_add(candidate, aligned[i], &end)) {
        return out_of_range("activation arena size overflows 64 bits");
      }
      if (end <= p.offset) break;
      candidate = std::max(candidate, p.end);
    }
    int64_t end = 0;
    if (!checked_add(candidate, aligned[i], &end)) {
      return out_of_range("activation arena size overflows 64 bits");
    }
    plan.offsets[i] = candidate;
    plan.total_bytes = std::max(plan.total_bytes, end);
    placed[i] = true;
  }
  return plan;
}

bool plan_is_valid(std::span<const BufferRequest> buffers, const ArenaPlan& plan) {
  if (plan.offsets.size() != buffers.size()) return false;
  for (size_t i = 0; i < buffers.size(); ++i) {
    const int64_t off = plan.offsets[i];
    if (off < 0 || off % kArenaAlignment != 0 || off + buffers[i].bytes > plan.total_bytes) {
      return false;
    }
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      if (buffers[i].bytes == 0 || buffers[j].bytes == 0) continue;
      if (!lifetimes_overlap(buffers[i], buffers[j])) continue;
      const int64_t oj = plan.offsets[j];
      if (off < oj + buffers[j].bytes && oj < off + buffers[i].bytes) return false;
    }
  }
  return true;
}

}  // namespace qexp::interp

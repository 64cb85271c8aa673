#include "framework/data/dataset.h"

#include <algorithm>

#include "framework/core/logging.h"

namespace qexp::data {

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::below(uint64_t bound) {
  QEXP_CHECK(bound > 0);
  // Reject the values that would make the low range over-represented.
  const uint64_t threshold = (0 - bound) % bound;
  while (true) {
    uint64_t r = next();
    if (r >= threshold) return r % bound;
  }
}

std::vector<int64_t> Dataset::first(int64_t count) const {
  QEXP_CHECK(count >= 0);
  std::vector<int64_t> out(static_cast<size_t>(std::min(count, size())));
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int64_t>(i);
  return out;
}

std::vector<int64_t> Dataset::select_indices(int64_t size, uint64_t seed, int64_t count) {
  QEXP_CHECK(size >= 0 && count >= 0);
  count = std::min(count, size);
  // Partial Fisher–Yates: position i takes a uniform pick from [i, size). The first `count`
  // picks for a seed do not depend on `count`, so a smaller subset is contained in a larger one.
  std::vector<int64_t> perm(static_cast<size_t>(size));
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int64_t>(i);
  SplitMix64 rng(seed);
  for (int64_t i = 0; i < count; ++i) {
    const uint64_t span = static_cast<uint64_t>(size - i);
    const int64_t j = i + static_cast<int64_t>(rng.below(span));
    std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(j)]);
  }
  perm.resize(static_cast<size_t>(count));
  // Ascending order: files are then read front to back, and reports list indices readably.
  std::sort(perm.begin(), perm.end());
  return perm;
}

}  // namespace qexp::data

// Fuzz target: the IDX reader (raw and gzip) through its in-memory entry points, as an images
// file and as a labels file. The size ceiling is lowered to 64 MiB so a gzip bomb is rejected
// within libFuzzer's default 2 GB memory limit (the same check as the 1 GiB default).

#include <cstdint>
#include <span>

#include "framework/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qexp::data::IdxOptions options;
  options.max_bytes = int64_t{64} << 20;
  const std::span<const uint8_t> bytes(data, size);
  auto images = qexp::data::parse_idx_images(bytes, "fuzz-images", options);
  if (images.ok() &&
      static_cast<int64_t>(images->pixels.size()) != images->count * images->rows * images->cols) {
    __builtin_trap();  // the documented invariant of IdxImages
  }
  (void)qexp::data::parse_idx_labels(bytes, "fuzz-labels", options);
  return 0;
}

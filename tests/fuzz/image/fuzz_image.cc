// Fuzz target: the image decode path (data::decode_image: signature allow-list, structural probe
// of PNG / JPEG / BMP / PGM / PPM, pixel limit, then OpenCV's decoder). The pixel ceiling is
// lowered from 2^26 to 2^20 so one execution stays fast; the check is the same code.

#include <cstdint>
#include <span>

#include "framework/data/image_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  qexp::data::DecodeOptions options;
  options.max_pixels = int64_t{1} << 20;
  auto info = qexp::data::probe_image(bytes, "fuzz-image");
  auto image = qexp::data::decode_image(bytes, "fuzz-image", options);
  if (image.ok()) {
    // A decoded image passed the probe and has the documented [H, W, C], C in {1, 3}, layout.
    const auto& shape = image->shape();
    if (!info.ok() || shape.rank() != 3 || (shape.dim(2) != 1 && shape.dim(2) != 3) ||
        shape.dim(0) != info->height || shape.dim(1) != info->width) {
      __builtin_trap();
    }
  }
  return 0;
}

#pragma once
/// IDX files (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
///
/// Layout: a 4-byte magic `00 00 <type> <ndim>` (type 0x08 = uint8), ndim big-endian uint32
/// dimension sizes, then the row-major data. Images are magic 0x00000803 (N × rows × cols),
/// labels 0x00000801 (N). gzip is detected from the content (1f 8b), not from the file name.
/// Everything is validated: magic, dimension count, and that the header's counts match the data
/// size exactly (truncated data and trailing bytes are both errors).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"

namespace qexp::data {

/// Limits for reading untrusted IDX files.
struct IdxOptions {
  /// Ceiling on the decompressed (or raw) size of one file. 1 GiB: Fashion-MNIST's training
  /// images are 47 MB.
  int64_t max_bytes = int64_t{1} << 30;
};

/// N grayscale images, row-major, one byte per pixel.
struct IdxImages {
  int64_t count = 0;
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<uint8_t> pixels;  ///< count * rows * cols bytes
};

/// Parses the bytes of an images file (raw or gzip). `name` (usually the path) starts messages,
/// e.g. "train-images.gz: header says 60000 images of 28x28 (47040000 bytes) but the data has
/// 1000 bytes". Errors: kDataLoss for malformed content, kResourceExhausted past the limit.
Result<IdxImages> parse_idx_images(std::span<const uint8_t> file_bytes, std::string_view name,
                                   const IdxOptions& options = {});

/// Parses the bytes of a labels file (raw or gzip); one uint8 label per item.
Result<std::vector<uint8_t>> parse_idx_labels(std::span<const uint8_t> file_bytes,
                                              std::string_view name,
                                              const IdxOptions& options = {});

/// Reads and parses a file; I/O errors name the path.
Result<IdxImages> read_idx_images(const std::string& path, const IdxOptions& options = {});
Result<std::vector<uint8_t>> read_idx_labels(const std::string& path,
                                             const IdxOptions& options = {});

/// Serialises images / labels as raw (uncompressed) IDX bytes. For tests and tools.
/// Precondition: pixels.size() == count * rows * cols.
std::vector<uint8_t> encode_idx_images(const IdxImages& images);
std::vector<uint8_t> encode_idx_labels(std::span<const uint8_t> labels);

}  // namespace qexp::data

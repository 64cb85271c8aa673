#pragma once
/// Image file signatures, header probing, decoding and encoding (OpenCV inside, not exposed).
///
/// Only an allow-list of formats ever reaches OpenCV: PNG, JPEG, BMP and binary PGM / PPM
/// ("P5" / "P6"). Debian's OpenCV hands formats it does not know to GDAL, which would widen the
/// attack surface to dozens of parsers, so every file is checked by its first bytes (never by its
/// extension) before decoding.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/limits.h"
#include "framework/core/status.h"
#include "framework/core/tensor.h"

namespace qexp::data {

enum class ImageFormat { kUnknown, kPng, kJpeg, kBmp, kPnm };

/// "png", "jpeg", "bmp", "pnm", "unknown".
std::string_view image_format_name(ImageFormat format);

/// The allowed format `head` (the first bytes of a file; 16 are enough) starts with, or kUnknown.
ImageFormat sniff_image_format(std::span<const uint8_t> head);

/// Ok if `head` has an allowed signature. Otherwise kInvalidArgument naming `name` and, when
/// recognisable, what the file is instead, e.g.
/// "a.png: not a supported image (it is a GIF file); supported: PNG, JPEG, BMP, PGM/PPM (P5/P6)".
Status check_image_signature(std::span<const uint8_t> head, std::string_view name);

/// Dimensions read from the file header without decoding the pixels.
struct ImageInfo {
  ImageFormat format = ImageFormat::kUnknown;
  int64_t width = 0;
  int64_t height = 0;
};

/// Signature check plus a structural check of the whole file (PNG: every chunk and its CRC up to
/// IEND; JPEG: frame header, then an end-of-image marker after the scan; BMP / PGM / PPM: enough
/// bytes for the pixels), so truncated or corrupted files are reported here, naming the file,
/// rather than inside the codec libraries. Errors: kInvalidArgument (not an allowed format),
/// kDataLoss (corrupt or truncated).
Result<ImageInfo> probe_image(std::span<const uint8_t> bytes, std::string_view name);

struct DecodeOptions {
  /// Largest width × height accepted (checked from the header before decoding). Default:
  /// limits().max_image_pixels, 2^26 ≈ 8192².
  int64_t max_pixels = limits().max_image_pixels;
  /// Largest width or height accepted (checked the same way). Default: limits().max_image_side.
  int64_t max_side = limits().max_image_side;
};

/// Decodes an image file's bytes to a uint8 tensor [H, W, C] with C = 1 for grayscale files and
/// C = 3 (R, G, B order) for everything else. Alpha is dropped, 16-bit samples are reduced to 8
/// bits, and EXIF orientation is ignored (like TensorFlow's decode_jpeg), so the pixels are the
/// stored ones. Thread-safe. Errors name the file: kInvalidArgument for a disallowed format,
/// kDataLoss for corrupt or truncated data, kResourceExhausted above max_pixels or max_side.
Result<Tensor> decode_image(std::span<const uint8_t> bytes, std::string_view name,
                            const DecodeOptions& options = {});

/// Reads and decodes a file (see decode_image).
Result<Tensor> read_image(const std::string& path, const DecodeOptions& options = {});

/// Encodes a uint8 [H, W, C] image (C = 1, or 3 in RGB order) as PNG (lossless: decoding gives
/// the same pixels back) or JPEG (lossy, `jpeg_quality` 1..100).
/// Errors: kInvalidArgument for another dtype, rank or channel count, or format.
Result<std::vector<uint8_t>> encode_image(const TensorView& image, ImageFormat format,
                                          int jpeg_quality = 95);

/// Reads at most `max_bytes` from the start of a file (for signature checks).
Result<std::vector<uint8_t>> read_file_head(const std::string& path, size_t max_bytes);

}  // namespace qexp::data

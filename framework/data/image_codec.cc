#include "framework/data/image_codec.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"

namespace qexp::data {
namespace {

constexpr std::string_view kSupported = "supported: PNG, JPEG, BMP, PGM/PPM (P5/P6)";
constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

bool has_prefix(std::span<const uint8_t> b, std::string_view p) {
  return b.size() >= p.size() && std::memcmp(b.data(), p.data(), p.size()) == 0;
}

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint32_t be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | uint32_t{p[1]}; }
uint32_t le16(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
uint32_t le32(const uint8_t* p) { return le16(p) | (le16(p + 2) << 16); }

bool is_pnm_space(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// What a rejected file looks like, for the message ("" if nothing recognisable).
std::string_view describe_other_format(std::span<const uint8_t> b) {
  if (has_prefix(b, "GIF87a") || has_prefix(b, "GIF89a")) return "a GIF file";
  if (has_prefix(b, std::string_view("II*\0", 4)) || has_prefix(b, std::string_view("MM\0*", 4)))
    return "a TIFF file";
  if (b.size() >= 12 && has_prefix(b, "RIFF") && std::memcmp(b.data() + 8, "WEBP", 4) == 0) {
    return "a WebP file";
  }
  if (b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b) return "a gzip file";
  if (has_prefix(b, "%PDF")) return "a PDF file";
  if (has_prefix(b, "P1") || has_prefix(b, "P2") || has_prefix(b, "P3") || has_prefix(b, "P4")) {
    return "an ASCII or 1-bit PNM file (only binary P5/P6 are supported)";
  }
  if (b.empty()) return "empty";
  bool text = true;
  for (size_t i = 0; i < std::min<size_t>(b.size(), 64); ++i) {
    uint8_t c = b[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) text = false;
  }
  return text ? "text" : "";
}

std::string chunk_name(const uint8_t* p) {
  std::string n(reinterpret_cast<const char*>(p), 4);
  for (char& c : n) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return n;
}

// Walks every chunk (length, type, data, CRC) so that truncated or corrupted files are reported
// here, by name, rather than inside libpng (which prints to stderr).
Result<ImageInfo> probe_png(std::span<const uint8_t> b, std::string_view name) {
  if (b.size() < 33 || std::memcmp(b.data() + 12, "IHDR", 4) != 0 || be32(b.data() + 8) != 13) {
    return data_loss(str_cat(name, ": corrupt PNG: no IHDR chunk after the signature"));
  }
  const ImageInfo info{ImageFormat::kPng, be32(b.data() + 16), be32(b.data() + 20)};
  size_t pos = 8;
  bool have_data = false;
  while (pos + 12 <= b.size()) {
    const uint32_t length = be32(b.data() + pos);
    const std::string type = chunk_name(b.data() + pos + 4);
    if (length > 0x7fffffffu || b.size() - pos - 12 < length) {
      return data_loss(str_cat(name, ": truncated PNG: chunk '", type, "' at byte ", pos, " needs ",
                               uint64_t{length} + 12, " bytes, ", b.size() - pos, " remain"));
    }
    const uint32_t stored = be32(b.data() + pos + 8 + length);
    if (crc32(0, b.data() + pos + 4, length + 4) != stored) {
      return data_loss(
          str_cat(name, ": corrupt PNG: CRC mismatch in chunk '", type, "' at byte ", pos));
    }
    if (type == "IDAT") have_data = true;
    if (type == "IEND") {
      if (!have_data) return data_loss(str_cat(name, ": corrupt PNG: no IDAT chunk"));
      return info;
    }
    pos += 12 + length;
  }
  return data_loss(
      str_cat(name, ": truncated PNG: ends at byte ", b.size(), " without an IEND chunk"));
}

Result<ImageInfo> probe_bmp(std::span<const uint8_t> b, std::string_view name) {
  if (b.size() < 26) return data_loss(str_cat(name, ": corrupt BMP: header is truncated"));
  const uint32_t dib_size = le32(b.data() + 14);
  if (dib_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit dimensions.
    return ImageInfo{ImageFormat::kBmp, le16(b.data() + 18), le16(b.data() + 20)};
  }
  if (dib_size < 40 || b.size() < 34) {
    return data_loss(str_cat(name, ": corrupt BMP: header is truncated"));
  }
  const int64_t w = static_cast<int32_t>(le32(b.data() + 18));
  int64_t h = static_cast<int32_t>(le32(b.data() + 22));
  if (h < 0) h = -h;  // stored top-down
  const uint32_t bits = le16(b.data() + 28), compression = le32(b.data() + 30);
  // What OpenCV's BMP decoder reads: BI_RGB, BI_RLE8, BI_RLE4, BI_BITFIELDS.
  if (compression > 3 ||
      (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32)) {
    return data_loss(str_cat(name, ": unsupported BMP: compression ", compression, ", ", bits,
                             " bits per pixel"));
  }
  if ((compression == 0 || compression == 3) && w > 0 && w < (1 << 24) && h < (1 << 24)) {
    // Uncompressed: rows of `bits` per pixel padded to 4 bytes, starting at bfOffBits.
    const uint64_t stride = (static_cast<uint64_t>(w) * bits + 31) / 32 * 4;
    const uint64_t need = uint64_t{le32(b.data() + 10)} + stride * static_cast<uint64_t>(h);
    if (need > b.size()) {
      return data_loss(str_cat(name, ": truncated BMP: ", w, "x", h, " at ", bits, " bits needs ",
                               need, " bytes, the file has ", b.size()));
    }
  }
  return ImageInfo{ImageFormat::kBmp, w, h};
}

// Binary PNM header: "P5"/"P6", then width, height, maxval as ASCII integers separated by
// whitespace or '#' comments, then one whitespace byte and the samples.
Result<ImageInfo> probe_pnm(std::span<const uint8_t> b, std::string_view name) {
  size_t pos = 2;
  int64_t values[3] = {0, 0, 0};
  for (int64_t& v : values) {
    while (pos < b.size() && (is_pnm_space(b[pos]) || b[pos] == '#')) {
      if (b[pos] == '#') {
        while (pos < b.size() && b[pos] != '\n') ++pos;
      } else {
        ++pos;
      }
    }
    size_t digits = 0;
    while (pos < b.size() && b[pos] >= '0' && b[pos] <= '9' && digits < 9) {
      v = v * 10 + (b[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0 || pos >= b.size() || !is_pnm_space(b[pos])) {
      return data_loss(str_cat(name, ": corrupt PGM/PPM header"));
    }
  }
  if (values[2] < 1 || values[2] > 65535) {
    return data_loss(str_cat(name, ": PGM/PPM maxval ", values[2], " is outside [1, 65535]"));
  }
  const int64_t channels = b[1] == '6' ? 3 : 1;
  const int64_t need = values[0] * values[1] * channels * (values[2] > 255 ? 2 : 1);
  const int64_t have = static_cast<int64_t>(b.size() - pos - 1);
  if (have < need) {
    return data_loss(str_cat(name, ": truncated PGM/PPM: ", values[0], "x", values[1], " needs ",
                             need, " bytes of samples, the file has ", have));
  }
  return ImageInfo{ImageFormat::kPnm, values[0], values[1]};
}

bool is_jpeg_frame_marker(uint8_t m) {
  return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

// True if an EOI marker (FF D9) follows `from`. Entropy-coded data cannot contain FF D9 (an FF
// data byte is stuffed as FF 00), so a missing EOI means the file was cut short.
bool has_end_of_image(std::span<const uint8_t> b, size_t from) {
  for (size_t i = b.size(); i >= from + 2; --i) {
    if (b[i - 2] == 0xff && b[i - 1] == 0xd9) return true;
  }
  return false;
}

// Walks the JPEG marker segments: the frame header (SOFn) gives the dimensions, then the first
// scan (SOS) must be followed by an EOI marker.
Result<ImageInfo> probe_jpeg(std::span<const uint8_t> b, std::string_view name) {
  size_t pos = 2;
  ImageInfo info{ImageFormat::kJpeg, 0, 0};
  while (pos + 4 <= b.size()) {
    if (b[pos] != 0xff) break;
    const uint8_t marker = b[pos + 1];
    if (marker == 0xff) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {  // no length field
      pos += 2;
      continue;
    }
    if (marker == 0xd9) break;  // end of image before any scan
    if (marker == 0xda) {
      if (info.width == 0) break;
      if (!has_end_of_image(b, pos + 2)) {
        return data_loss(str_cat(name,
                                 ": truncated JPEG: no end-of-image marker after the "
                                 "scan data"));
      }
      return info;
    }
    const size_t length = be16(b.data() + pos + 2);
    if (length < 2) break;
    if (is_jpeg_frame_marker(marker) && pos + 9 <= b.size()) {
      info.height = be16(b.data() + pos + 5);
      info.width = be16(b.data() + pos + 7);
    }
    pos += 2 + length;
  }
  return data_loss(str_cat(name, info.width == 0 ? ": corrupt JPEG: no frame header (SOF) found"
                                                 : ": corrupt JPEG: no scan (SOS) found"));
}

}  // namespace

std::string_view image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kPnm:
      return "pnm";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat sniff_image_format(std::span<const uint8_t> head) {
  if (head.size() >= 8 && std::memcmp(head.data(), kPngSignature, 8) == 0) return ImageFormat::kPng;
  if (head.size() >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff) {
    return ImageFormat::kJpeg;
  }
  if (head.size() >= 14 && head[0] == 'B' && head[1] == 'M') return ImageFormat::kBmp;
  if (head.size() >= 3 && head[0] == 'P' && (head[1] == '5' || head[1] == '6') &&
      (is_pnm_space(head[2]) || head[2] == '#')) {
    return ImageFormat::kPnm;
  }
  return ImageFormat::kUnknown;
}

Status check_image_signature(std::span<const uint8_t> head, std::string_view name) {
  if (sniff_image_format(head) != ImageFormat::kUnknown) return ok_status();
  std::string_view other = describe_other_format(head);
  std::string what = other.empty() ? std::string("unrecognised content") : str_cat("it is ", other);
  if (other == "empty") what = "the file is empty";
  return invalid_argument(str_cat(name, ": not a supported image (", what, "); ", kSupported));
}

Result<ImageInfo> probe_image(std::span<const uint8_t> bytes, std::string_view name) {
  QEXP_RETURN_IF_ERROR(check_image_signature(bytes, name));
  Result<ImageInfo> info = Status(StatusCode::kInternal, "unreachable");
  switch (sniff_image_format(bytes)) {
    case ImageFormat::kPng:
      info = probe_png(bytes, name);
      break;
    case ImageFormat::kJpeg:
      info = probe_jpeg(bytes, name);
      break;
    case ImageFormat::kBmp:
      info = probe_bmp(bytes, name);
      break;
    case ImageFormat::kPnm:
      info = probe_pnm(bytes, name);
      break;
    case ImageFormat::kUnknown:
      break;
  }
  if (info.ok() && (info->width <= 0 || info->height <= 0)) {
    return data_loss(str_cat(name, ": ", image_format_name(info->format), " header says ",
                             info->width, "x", info->height, " pixels"));
  }
  return info;
}

Result<Tensor> decode_image(std::span<const uint8_t> bytes, std::string_view name,
                            const DecodeOptions& options) {
  QEXP_ASSIGN_OR_RETURN(ImageInfo info, probe_image(bytes, name));
  if (info.width * info.height > options.max_pixels) {  // each at most 2^32: no overflow
    return resource_exhausted(str_cat(name, ": ", info.width, "x", info.height,
                                      " pixels is more than the limit of ", options.max_pixels,
                                      " (--limit max_image_pixels)"));
  }
  if (std::max(info.width, info.height) > options.max_side) {
    return resource_exhausted(str_cat(name, ": ", info.width, "x", info.height,
                                      " pixels: a side is longer than the limit of ",
                                      options.max_side, " (--limit max_image_side)"));
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    return resource_exhausted(str_cat(name, ": ", bytes.size(), " bytes is too large to decode"));
  }
  cv::Mat decoded;
  try {
    const cv::Mat encoded(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<uint8_t*>(bytes.data()));
    decoded = cv::imdecode(encoded, cv::IMREAD_ANYCOLOR | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    return data_loss(
        str_cat(name, ": cannot decode ", image_format_name(info.format), ": ", e.what()));
  }
  if (decoded.empty()) {
    return data_loss(str_cat(name, ": corrupt or truncated ", image_format_name(info.format),
                             " data (decoding failed)"));
  }
  if (decoded.depth() != CV_8U || (decoded.channels() != 1 && decoded.channels() != 3) ||
      decoded.cols != info.width || decoded.rows != info.height) {
    return data_loss(str_cat(name, ": decoded ", decoded.cols, "x", decoded.rows, "x",
                             decoded.channels(), " but the header says ", info.width, "x",
                             info.height));
  }
  const int channels = decoded.channels();
  Tensor out(DType::kUInt8, Shape{decoded.rows, decoded.cols, channels});
  cv::Mat dst(decoded.rows, decoded.cols, CV_8UC(channels), out.raw());
  try {
    if (channels == 3) {
      cv::cvtColor(decoded, dst, cv::COLOR_BGR2RGB);
    } else {
      decoded.copyTo(dst);
    }
  } catch (const cv::Exception& e) {
    return internal_error(str_cat(name, ": OpenCV colour conversion failed: ", e.what()));
  }
  if (dst.data != out.raw()) return internal_error("OpenCV reallocated a wrapped buffer");
  return out;
}

Result<Tensor> read_image(const std::string& path, const DecodeOptions& options) {
  QEXP_ASSIGN_OR_RETURN(auto bytes, read_file(path));
  return decode_image(bytes, path, options);
}

Result<std::vector<uint8_t>> encode_image(const TensorView& image, ImageFormat format,
                                          int jpeg_quality) {
  const Shape& s = image.shape();
  if (image.dtype() != DType::kUInt8 || s.rank() != 3 || (s[2] != 1 && s[2] != 3) || s[0] <= 0 ||
      s[1] <= 0 || s[0] > 65535 || s[1] > 65535) {
    return invalid_argument(str_cat("encode_image: expected uint8 [H,W,1|3], got ",
                                    dtype_name(image.dtype()), " ", s.to_string()));
  }
  if (format != ImageFormat::kPng && format != ImageFormat::kJpeg) {
    return invalid_argument(
        str_cat("encode_image: cannot write ", image_format_name(format), "; use png or jpeg"));
  }
  if (jpeg_quality < 1 || jpeg_quality > 100) {
    return invalid_argument(
        str_cat("encode_image: JPEG quality ", jpeg_quality, " is outside [1, 100]"));
  }
  const int channels = static_cast<int>(s[2]);
  std::vector<uchar> buf;
  try {
    cv::Mat src(static_cast<int>(s[0]), static_cast<int>(s[1]), CV_8UC(channels), image.raw());
    cv::Mat bgr;
    if (channels == 3) {
      cv::cvtColor(src, bgr, cv::COLOR_RGB2BGR);
    } else {
      bgr = src;
    }
    std::vector<int> params;
    if (format == ImageFormat::kPng) {
      params = {cv::IMWRITE_PNG_COMPRESSION, 6};
    } else {
      params = {cv::IMWRITE_JPEG_QUALITY, jpeg_quality};
    }
    if (!cv::imencode(format == ImageFormat::kPng ? ".png" : ".jpg", bgr, buf, params)) {
      return internal_error(
          str_cat("encode_image: OpenCV could not encode ", image_format_name(format)));
    }
  } catch (const cv::Exception& e) {
    return internal_error(str_cat("encode_image: OpenCV failed: ", e.what()));
  }
  return std::vector<uint8_t>(buf.begin(), buf.end());
}

Result<std::vector<uint8_t>> read_file_head(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return not_found(str_cat(path, ": no such file"));
    return io_error(str_cat(path, ": cannot open: ", std::strerror(errno)));
  }
  std::vector<uint8_t> head(max_bytes);
  size_t got = 0;
  while (got < max_bytes) {
    ssize_t r = ::read(fd, head.data() + got, max_bytes - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      std::string reason = std::strerror(errno);
      ::close(fd);
      return io_error(str_cat(path, ": cannot read: ", reason));
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  ::close(fd);
  head.resize(got);
  return head;
}

}  // namespace qexp::data

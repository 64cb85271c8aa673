#include "framework/data/idx.h"

#include <cstdio>

#include "framework/core/checked_math.h"
#include "framework/core/file_io.h"
#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/data/gzip.h"

namespace qexp::data {
namespace {

constexpr uint8_t kTypeUint8 = 0x08;

uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void append_be32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

std::string_view kind_of_magic(uint32_t magic) {
  switch (magic) {
    case 0x00000801:
      return " (IDX labels)";
    case 0x00000803:
      return " (IDX images)";
    default:
      return "";
  }
}

// The decompressed (or raw) file contents, honouring the size limit.
Result<std::vector<uint8_t>> contents(std::span<const uint8_t> bytes, std::string_view name,
                                      const IdxOptions& options) {
  if (is_gzip(bytes)) return gunzip(bytes, name, options.max_bytes);
  if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
    return resource_exhausted(
        str_cat(name, ": has ", bytes.size(), " bytes, the limit is ", options.max_bytes));
  }
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

struct Header {
  std::vector<int64_t> dims;
  size_t data_offset = 0;
};

// Validates magic `00 00 08 ndim` against the expected dimension count and reads the dims.
Result<Header> parse_header(const std::vector<uint8_t>& data, std::string_view name,
                            int expected_ndim, std::string_view what) {
  const uint32_t expected_magic = 0x00000800u | static_cast<uint32_t>(expected_ndim);
  if (data.size() < 4) {
    return data_loss(str_cat(name, ": ", data.size(), " bytes is too short for an IDX header"));
  }
  const uint32_t magic = read_be32(data.data());
  if (data[0] != 0 || data[1] != 0 || data[2] != kTypeUint8 || data[3] != expected_ndim) {
    std::string detail;
    if (data[0] == 0 && data[1] == 0 && data[2] == kTypeUint8) {
      detail = str_cat("; it has ", int{data[3]}, " dimensions, ", what, " have ", expected_ndim);
    } else if (data[0] == 0 && data[1] == 0) {
      char type[8];
      std::snprintf(type, sizeof(type), "0x%02x", data[2]);
      detail = str_cat("; element type ", type, " is not uint8 (0x08)");
    }
    return data_loss(str_cat(name, ": magic ", hex32(magic), kind_of_magic(magic), " is not IDX ",
                             what, " (", hex32(expected_magic), ")", detail));
  }
  const size_t header_bytes = 4 + 4 * static_cast<size_t>(expected_ndim);
  if (data.size() < header_bytes) {
    return data_loss(str_cat(name, ": ", data.size(), " bytes is too short for the ", header_bytes,
                             "-byte IDX ", what, " header"));
  }
  Header h;
  h.data_offset = header_bytes;
  for (int i = 0; i < expected_ndim; ++i) {
    h.dims.push_back(read_be32(data.data() + 4 + 4 * i));
  }
  return h;
}

Status check_data_size(size_t data_bytes, int64_t expected, std::string_view name,
                       const std::string& header_says) {
  if (static_cast<int64_t>(data_bytes) == expected) return ok_status();
  return data_loss(
      str_cat(name, ": header says ", header_says, " (", expected, " bytes) but the data has ",
              data_bytes, " bytes",
              static_cast<int64_t>(data_bytes) < expected ? " (truncated)" : " (trailing bytes)"));
}

}  // namespace

Result<IdxImages> parse_idx_images(std::span<const uint8_t> file_bytes, std::string_view name,
                                   const IdxOptions& options) {
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> data, contents(file_bytes, name, options));
  QEXP_ASSIGN_OR_RETURN(Header h, parse_header(data, name, 3, "images"));
  IdxImages images;
  images.count = h.dims[0];
  images.rows = h.dims[1];
  images.cols = h.dims[2];
  if (images.rows == 0 || images.cols == 0) {
    return data_loss(
        str_cat(name, ": images of ", images.rows, "x", images.cols, " pixels are empty"));
  }
  int64_t pixels_per_image = 0, expected = 0;
  // Dims are at most 2^32 - 1 each, so the product of three can overflow 64 bits.
  if (!checked_mul(images.rows, images.cols, &pixels_per_image) ||
      !checked_mul(images.count, pixels_per_image, &expected)) {
    return data_loss(str_cat(name, ": header size ", images.count, "x", images.rows, "x",
                             images.cols, " overflows 64 bits"));
  }
  const size_t data_bytes = data.size() - h.data_offset;
  QEXP_RETURN_IF_ERROR(
      check_data_size(data_bytes, expected, name,
                      str_cat(images.count, " images of ", images.rows, "x", images.cols)));
  data.erase(data.begin(), data.begin() + static_cast<ptrdiff_t>(h.data_offset));
  images.pixels = std::move(data);
  return images;
}

Result<std::vector<uint8_t>> parse_idx_labels(std::span<const uint8_t> file_bytes,
                                              std::string_view name, const IdxOptions& options) {
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> data, contents(file_bytes, name, options));
  QEXP_ASSIGN_OR_RETURN(Header h, parse_header(data, name, 1, "labels"));
  const size_t data_bytes = data.size() - h.data_offset;
  QEXP_RETURN_IF_ERROR(check_data_size(data_bytes, h.dims[0], name, str_cat(h.dims[0], " labels")));
  data.erase(data.begin(), data.begin() + static_cast<ptrdiff_t>(h.data_offset));
  return data;
}

Result<IdxImages> read_idx_images(const std::string& path, const IdxOptions& options) {
  QEXP_ASSIGN_OR_RETURN(auto bytes, read_file(path, options.max_bytes));
  return parse_idx_images(bytes, path, options);
}

Result<std::vector<uint8_t>> read_idx_labels(const std::string& path, const IdxOptions& options) {
  QEXP_ASSIGN_OR_RETURN(auto bytes, read_file(path, options.max_bytes));
  return parse_idx_labels(bytes, path, options);
}

std::vector<uint8_t> encode_idx_images(const IdxImages& images) {
  QEXP_CHECK(static_cast<int64_t>(images.pixels.size()) ==
             images.count * images.rows * images.cols);
  std::vector<uint8_t> out;
  out.reserve(16 + images.pixels.size());
  append_be32(out, 0x00000803);
  append_be32(out, static_cast<uint32_t>(images.count));
  append_be32(out, static_cast<uint32_t>(images.rows));
  append_be32(out, static_cast<uint32_t>(images.cols));
  out.insert(out.end(), images.pixels.begin(), images.pixels.end());
  return out;
}

std::vector<uint8_t> encode_idx_labels(std::span<const uint8_t> labels) {
  std::vector<uint8_t> out;
  out.reserve(8 + labels.size());
  append_be32(out, 0x00000801);
  append_be32(out, static_cast<uint32_t>(labels.size()));
  out.insert(out.end(), labels.begin(), labels.end());
  return out;
}

}  // namespace qexp::data

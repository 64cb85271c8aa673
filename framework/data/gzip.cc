#include "framework/data/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

#include "framework/core/strings.h"

namespace qexp::data {
namespace {

// zlib counts in uInt; feed and drain it in chunks that always fit.
constexpr size_t kChunk = size_t{1} << 20;

// Owns a z_stream set up for inflating gzip members; ends it on destruction.
class Inflater {
 public:
  Inflater() = default;
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  ~Inflater() {
    if (initialized_) inflateEnd(&zs_);
  }
  // 15 + 16: gzip wrapper only (a zlib or raw deflate stream is not a .gz file).
  bool init() {
    initialized_ = inflateInit2(&zs_, 15 + 16) == Z_OK;
    return initialized_;
  }
  bool reset() { return inflateReset(&zs_) == Z_OK; }
  z_stream& stream() { return zs_; }

 private:
  z_stream zs_{};
  bool initialized_ = false;
};

std::string zlib_reason(const z_stream& zs, int rc) {
  if (zs.msg != nullptr) return zs.msg;
  return str_cat("zlib error ", rc);
}

}  // namespace

// The gzip trailer's ISIZE (input size mod 2^32) of the last member is untrusted: it only sizes a
// reserve() and is capped by what deflate can expand the input to (at most 1032:1).
size_t gunzip_reserve_hint(std::span<const uint8_t> in, int64_t max_output_bytes) {
  if (in.size() < 18 || max_output_bytes <= 0) return 0;
  const uint8_t* t = in.data() + in.size() - 4;
  uint64_t isize =
      uint64_t{t[0]} | (uint64_t{t[1]} << 8) | (uint64_t{t[2]} << 16) | (uint64_t{t[3]} << 24);
  const uint64_t most = std::min<uint64_t>(static_cast<uint64_t>(max_output_bytes),
                                           uint64_t{1032} * static_cast<uint64_t>(in.size()));
  return static_cast<size_t>(std::min<uint64_t>(isize, most));
}

bool is_gzip(std::span<const uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

Result<std::vector<uint8_t>> gunzip(std::span<const uint8_t> compressed, std::string_view name,
                                    int64_t max_output_bytes) {
  if (!is_gzip(compressed)) {
    return data_loss(str_cat(name, ": not a gzip file (no 1f 8b magic)"));
  }
  Inflater inflater;
  if (!inflater.init()) return internal_error(str_cat(name, ": cannot initialise zlib"));
  z_stream& zs = inflater.stream();
  std::vector<uint8_t> out;
  out.reserve(gunzip_reserve_hint(compressed, max_output_bytes));
  const uint8_t* in = compressed.data();
  size_t in_left = compressed.size();
  uint8_t buf[65536];
  while (true) {
    if (zs.avail_in == 0 && in_left > 0) {
      size_t n = std::min(in_left, kChunk);
      zs.next_in = const_cast<Bytef*>(in);
      zs.avail_in = static_cast<uInt>(n);
      in += n;
      in_left -= n;
    }
    zs.next_out = buf;
    zs.avail_out = sizeof(buf);
    int rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof(buf) - zs.avail_out;
    if (static_cast<int64_t>(out.size() + produced) > max_output_bytes) {
      return resource_exhausted(
          str_cat(name, ": decompresses to more than the limit of ", max_output_bytes, " bytes"));
    }
    out.insert(out.end(), buf, buf + produced);
    if (rc == Z_STREAM_END) {
      size_t rest = zs.avail_in + in_left;
      if (rest == 0) break;
      // Another member may follow; anything else after the stream is garbage.
      const uint8_t* next = zs.next_in;
      if (!(rest >= 2 && next[0] == 0x1f && next[1] == 0x8b)) {
        return data_loss(
            str_cat(name, ": ", rest, " bytes of trailing data after the gzip stream"));
      }
      if (!inflater.reset()) return internal_error(str_cat(name, ": cannot reset zlib"));
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && in_left == 0) {
      return data_loss(str_cat(name, ": truncated gzip stream (ends after ", out.size(),
                               " decompressed bytes)"));
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return data_loss(str_cat(name, ": corrupt gzip data: ", zlib_reason(zs, rc)));
    }
  }
  return out;
}

Result<std::vector<uint8_t>> gzip_compress(std::span<const uint8_t> bytes, int level) {
  if (level < 0 || level > 9) {
    return invalid_argument(str_cat("gzip level ", level, " is outside [0, 9]"));
  }
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return internal_error("cannot initialise zlib deflate");
  }
  std::vector<uint8_t> out;
  const uint8_t* in = bytes.data();
  size_t in_left = bytes.size();
  uint8_t buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0 && in_left > 0) {
      size_t n = std::min(in_left, kChunk);
      zs.next_in = const_cast<Bytef*>(in);
      zs.avail_in = static_cast<uInt>(n);
      in += n;
      in_left -= n;
    }
    zs.next_out = buf;
    zs.avail_out = sizeof(buf);
    rc = deflate(&zs, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&zs);
      return internal_error("zlib deflate failed");
    }
    out.insert(out.end(), buf, buf + (sizeof(buf) - zs.avail_out));
  }
  deflateEnd(&zs);
  return out;
}

}  // namespace qexp::data

#pragma once
/// SHA-256 (FIPS 180-4) for checksums of data files, models and configs.
///
/// Used to verify dataset files against the digests a manifest lists and to give reports stable
/// identifiers. Not constant-time; not meant for secrets.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "framework/core/status.h"

namespace qexp {

/// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  using Digest = std::array<uint8_t, 32>;

  Sha256();

  void update(std::span<const uint8_t> bytes);
  void update(std::string_view text);

  /// Pads and returns the digest. Precondition: called once; the object is spent afterwards.
  Digest finish();

 private:
  void compress(const uint8_t* block);

  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

/// Lower-case hex of a digest (64 characters).
std::string to_hex(const Sha256::Digest& digest);

/// Lower-case hex SHA-256 of bytes / text.
std::string sha256_hex(std::span<const uint8_t> bytes);
std::string sha256_hex(std::string_view text);

/// Lower-case hex SHA-256 of a file's contents, streamed (the file is not loaded whole).
/// Errors: not found, a directory, unreadable — each naming the path.
Result<std::string> sha256_file(const std::string& path);

}  // namespace qexp

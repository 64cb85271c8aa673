#pragma once
/// Whole-file reads and atomic writes. Errors name the path and the OS reason.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"

namespace qexp {

/// Default ceiling on a single file read (models, configs): 2 GiB.
inline constexpr int64_t kDefaultMaxFileBytes = int64_t{2} << 30;

/// Reads a whole regular file. Errors: not found, a directory, unreadable, larger than max_bytes.
Result<std::vector<uint8_t>> read_file(const std::string& path,
                                       int64_t max_bytes = kDefaultMaxFileBytes);
Result<std::string> read_text_file(const std::string& path,
                                   int64_t max_bytes = kDefaultMaxFileBytes);

/// Writes through a temporary file in the same directory and renames it over `path`, so a reader
/// never sees a half-written file. Creates no directories.
Status write_file_atomic(const std::string& path, std::span<const uint8_t> bytes);
Status write_text_file_atomic(const std::string& path, std::string_view text);

/// Creates a directory and its parents (like mkdir -p).
Status make_directories(const std::string& path);

bool file_exists(const std::string& path);

}  // namespace qexp

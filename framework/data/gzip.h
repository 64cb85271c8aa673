#pragma once
/// gzip decompression with a hard output limit, and compression (for tests and tools).
///
/// No zlib type appears here. Decompression never produces more than the caller's limit, so a
/// small hostile file cannot exhaust memory ("zip bomb").

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "framework/core/status.h"

namespace qexp::data {

/// True if `bytes` starts with the gzip magic 1f 8b.
bool is_gzip(std::span<const uint8_t> bytes);

/// Decompresses a gzip file (one or more concatenated members, as `cat a.gz b.gz` produces).
/// `name` is used in messages (usually the file path).
/// Errors: kDataLoss for a corrupt, truncated or garbage-followed stream (naming the zlib reason),
/// kResourceExhausted as soon as the output would exceed `max_output_bytes`.
Result<std::vector<uint8_t>> gunzip(std::span<const uint8_t> compressed, std::string_view name,
                                    int64_t max_output_bytes);

/// How many output bytes gunzip reserves up front for `compressed`: the last member's ISIZE field,
/// but never more than `max_output_bytes` nor 1032 times the compressed size (deflate's largest
/// expansion), so a tiny file whose trailer claims 4 GiB cannot make qexp allocate 1 GiB.
size_t gunzip_reserve_hint(std::span<const uint8_t> compressed, int64_t max_output_bytes);

/// Compresses `bytes` into a single gzip member (zlib level `level`, 0..9).
Result<std::vector<uint8_t>> gzip_compress(std::span<const uint8_t> bytes, int level = 6);

}  // namespace qexp::data

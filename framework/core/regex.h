#pragma once
/// Regular expressions compiled from untrusted text (config `exclude:` patterns, `--exclude`,
/// regularizer layer patterns).
///
/// libstdc++'s std::regex compiler recurses once per nested group, so a pattern of ~10 000 '('
/// (40 KB, well inside a 1 MiB config) overflows an 8 MiB stack and kills the process instead of
/// throwing regex_error. compile_regex bounds the length and the group nesting first, then
/// compiles and turns regex_error (including libstdc++'s NFA state limit for huge `{n}` counts)
/// into a Status.

#include <cstddef>
#include <regex>
#include <string_view>

#include "framework/core/status.h"

namespace qexp {

/// Longest pattern compile_regex accepts.
inline constexpr size_t kMaxRegexBytes = 1024;
/// Deepest nesting of groups `(` and bracket expressions `[` compile_regex accepts.
inline constexpr int kMaxRegexNesting = 32;

/// Compiles `pattern` (ECMAScript grammar unless `flags` says otherwise). Errors
/// (kInvalidArgument): longer than kMaxRegexBytes, groups nested deeper than kMaxRegexNesting, or
/// not a valid regular expression; the message quotes at most the first 40 characters.
Result<std::regex> compile_regex(std::string_view pattern,
                                 std::regex::flag_type flags = std::regex::ECMAScript);

}  // namespace qexp

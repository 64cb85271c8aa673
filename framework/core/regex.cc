#include "framework/core/regex.h"

#include <string>

#include "framework/core/strings.h"

namespace qexp {
namespace {

std::string shown(std::string_view pattern) {
  constexpr size_t kShown = 40;
  if (pattern.size() <= kShown) return str_cat("'", pattern, "'");
  return str_cat("'", pattern.substr(0, kShown), "…' (", pattern.size(), " characters)");
}

/// Deepest nesting of unescaped '(' and '[' (the latter counted once: brackets do not nest).
int nesting_depth(std::string_view pattern) {
  int depth = 0, deepest = 0;
  bool in_bracket = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // the escaped character is literal
    } else if (in_bracket) {
      if (c == ']') {
        in_bracket = false;
        --depth;
      }
    } else if (c == '[' || c == '(') {
      in_bracket = c == '[';
      deepest = std::max(deepest, ++depth);
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<std::regex> compile_regex(std::string_view pattern, std::regex::flag_type flags) {
  if (pattern.size() > kMaxRegexBytes) {
    return invalid_argument(str_cat("regular expression ", shown(pattern), " is longer than ",
                                    kMaxRegexBytes, " characters"));
  }
  const int depth = nesting_depth(pattern);
  if (depth > kMaxRegexNesting) {
    return invalid_argument(str_cat("regular expression ", shown(pattern), " nests ", depth,
                                    " levels of groups, at most ", kMaxRegexNesting,
                                    " are allowed"));
  }
  try {
    return std::regex(pattern.begin(), pattern.end(), flags);
  } catch (const std::regex_error& e) {
    return invalid_argument(
        str_cat(shown(pattern), " is not a valid regular expression (", e.what(), ")"));
  }
}

}  // namespace qexp

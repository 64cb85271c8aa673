#pragma once
/// Small string helpers used to build messages without a formatting dependency.

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace qexp {

/// Concatenates the stream representations of all arguments.
template <typename... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

/// Joins the elements with `sep`, each written with operator<<.
template <typename Range>
std::string str_join(const Range& range, std::string_view sep) {
  std::ostringstream os;
  bool first = true;
  for (const auto& v : range) {
    if (!first) os << sep;
    os << v;
    first = false;
  }
  return os.str();
}

/// Splits on a single character; keeps empty pieces.
std::vector<std::string> str_split(std::string_view s, char sep);

/// Removes leading and trailing ASCII whitespace.
std::string_view str_trim(std::string_view s);

bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);

/// Shortest decimal text that round-trips the float ("0.1", "1e-05", "nan").
std::string format_float(float v);
std::string format_double(double v);

/// Quotes a string for messages: 'name' (control characters escaped).
std::string quoted(std::string_view s);
/// Exact-match overloads, so an unqualified call with a std::string or a literal never resolves
/// to std::quoted through argument-dependent lookup when <iomanip> is visible.
inline std::string quoted(const std::string& s) { return quoted(std::string_view(s)); }
inline std::string quoted(const char* s) { return quoted(std::string_view(s)); }

/// Levenshtein distance, for "did you mean" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` if it is close enough to be a plausible typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace qexp

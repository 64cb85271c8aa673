#pragma once
/// Internal: non-throwing access to a report.json document and the number formats every renderer
/// shares. nlohmann's at() and value() throw on a missing key or a wrong type; these never do.

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace qexp::report::detail {

using Json = nlohmann::json;

/// The member `key` of `obj`, or a null value if `obj` is not an object or has no such member.
const Json& get(const Json& obj, std::string_view key);
/// Follows a path of object keys, e.g. get_path(v, {"accuracy", "top1", "percent"}).
const Json& get_path(const Json& obj, std::initializer_list<std::string_view> path);
/// The array member `key`, or an empty array if it is missing or not an array.
const Json& list(const Json& obj, std::string_view key);

/// Length of the valid UTF-8 sequence that starts at s[i] (i < s.size()), or 0 if the bytes there
/// are not valid UTF-8 (truncated, overlong, a surrogate, beyond U+10FFFF).
size_t utf8_length(std::string_view s, size_t i);
/// `s` with every invalid UTF-8 byte replaced by U+FFFD (as report.json's dump does).
std::string valid_utf8(std::string_view s);

/// The string value (invalid UTF-8 replaced), or `fallback` if it is not a string.
std::string text(const Json& value, std::string_view fallback = "");
/// The numeric value (integer or float); nullopt for null, missing or non-numbers.
std::optional<double> number(const Json& value);

/// A scalar in its shortest round-trip text: strings as text() gives them, integers exactly, floats
/// via format_double, booleans as true/false; "" for null, objects and arrays.
std::string scalar_text(const Json& value);

/// `v` with exactly `decimals` digits after the point ("12.50"); "-0.00" becomes "0.00".
std::string fixed(double v, int decimals);
/// fixed() of a number, or `missing` when the value is not a number.
std::string fixed_or(const Json& value, int decimals, std::string_view missing = "–");
/// Like fixed_or with a leading '+' on positive values (percentage-point deltas).
std::string signed_fixed_or(const Json& value, int decimals, std::string_view missing = "–");
/// True if `obj` is an object with the member `key` (whatever its value, null included).
bool has(const Json& obj, std::string_view key);
/// The SQNR member `key` of `obj` in dB: a present null means an exact result and is shown as
/// "∞"; a missing member or a non-number as "–".
std::string sqnr_text(const Json& obj, std::string_view key, int decimals = 2);

}  // namespace qexp::report::detail

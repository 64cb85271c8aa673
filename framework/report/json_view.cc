#include "framework/report/json_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "framework/core/strings.h"

namespace qexp::report::detail {
namespace {

const Json& null_value() {
  static const Json kNull;
  return kNull;
}

}  // namespace

size_t utf8_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = byte(i);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  uint32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  bool valid = cp >= kMin[n] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
  return valid ? n : 0;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_length(s, i);
    out += n == 0 ? std::string_view("\xEF\xBF\xBD") : s.substr(i, n);
    i += std::max<size_t>(n, 1);
  }
  return out;
}

const Json& get(const Json& obj, std::string_view key) {
  if (!obj.is_object()) return null_value();
  auto it = obj.find(std::string(key));
  return it == obj.end() ? null_value() : *it;
}

const Json& get_path(const Json& obj, std::initializer_list<std::string_view> path) {
  const Json* cur = &obj;
  for (std::string_view key : path) cur = &get(*cur, key);
  return *cur;
}

const Json& list(const Json& obj, std::string_view key) {
  static const Json kEmpty = Json::array();
  const Json& v = get(obj, key);
  return v.is_array() ? v : kEmpty;
}

std::string text(const Json& value, std::string_view fallback) {
  if (value.is_string()) return valid_utf8(value.get_ref<const std::string&>());
  return std::string(fallback);
}

std::optional<double> number(const Json& value) {
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

std::string scalar_text(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return text(value);
    case Json::value_t::number_integer:
      return std::to_string(value.get<int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(value.get<uint64_t>());
    case Json::value_t::number_float:
      return format_double(value.get<double>());
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    default:
      return "";
  }
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "∞" : "-∞";
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s = buf;
  // A value that rounds to zero prints without a sign: "-0.00" would suggest a loss.
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string fixed_or(const Json& value, int decimals, std::string_view missing) {
  std::optional<double> v = number(value);
  return v ? fixed(*v, decimals) : std::string(missing);
}

std::string signed_fixed_or(const Json& value, int decimals, std::string_view missing) {
  std::string s = fixed_or(value, decimals, missing);
  std::optional<double> v = number(value);
  if (v && std::isfinite(*v) && s[0] != '-' && s.find_first_not_of("0.") != std::string::npos) {
    s.insert(0, "+");
  }
  return s;
}

bool has(const Json& obj, std::string_view key) {
  return obj.is_object() && obj.find(std::string(key)) != obj.end();
}

std::string sqnr_text(const Json& obj, std::string_view key, int decimals) {
  if (has(obj, key) && get(obj, key).is_null()) return "∞";
  return fixed_or(get(obj, key), decimals);
}

}  // namespace qexp::report::detail

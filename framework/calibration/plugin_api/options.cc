#include "framework/calibration/plugin_api/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "framework/core/strings.h"

namespace qexp::calib {
namespace {

std::string bounds_text(const OptionSpec& spec) {
  return str_cat("[", format_double(spec.min), ", ", format_double(spec.max), "]");
}

bool bounded(const OptionSpec& spec) { return std::isfinite(spec.min) || std::isfinite(spec.max); }

Status out_of_bounds(const OptionSpec& spec, std::string_view text) {
  return invalid_argument(str_cat(spec.name, ": ", text, " is outside ", bounds_text(spec)));
}

Result<OptionValue> parse_float(const OptionSpec& spec, std::string_view text) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::general);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return invalid_argument(str_cat(spec.name, ": ", qexp::quoted(text), " is not a number"));
  }
  if (ec == std::errc::result_out_of_range || !std::isfinite(v)) {
    return invalid_argument(
        str_cat(spec.name, ": ", qexp::quoted(text), " is not a finite number"));
  }
  if (v < spec.min || v > spec.max) return out_of_bounds(spec, text);
  return OptionValue(v);
}

Result<OptionValue> parse_int(const OptionSpec& spec, std::string_view text) {
  int64_t v = 0;
  const char* begin = text.data();
  if (!text.empty() && text.front() == '+') ++begin;  // from_chars rejects a leading '+'
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return invalid_argument(str_cat(spec.name, ": ", qexp::quoted(text), " is not an integer"));
  }
  if (ec == std::errc::result_out_of_range || static_cast<double>(v) < spec.min ||
      static_cast<double>(v) > spec.max) {
    return out_of_bounds(spec, text);
  }
  return OptionValue(v);
}

Result<OptionValue> parse_bool(const OptionSpec& spec, std::string_view text) {
  if (text == "true" || text == "1") return OptionValue(true);
  if (text == "false" || text == "0") return OptionValue(false);
  return invalid_argument(
      str_cat(spec.name, ": ", qexp::quoted(text), " is not a boolean (true or false)"));
}

Result<OptionValue> parse_enum(const OptionSpec& spec, std::string_view text) {
  for (const std::string& c : spec.choices) {
    if (text == c) return OptionValue(c);
  }
  std::string hint = closest_match(text, spec.choices);
  return invalid_argument(
      str_cat(spec.name, ": ", qexp::quoted(text), " is not one of ", str_join(spec.choices, ", "),
              hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)")));
}

}  // namespace

std::string_view option_type_name(OptionType type) {
  switch (type) {
    case OptionType::kFloat:
      return "float";
    case OptionType::kInt:
      return "int";
    case OptionType::kBool:
      return "bool";
    case OptionType::kString:
      return "string";
    case OptionType::kEnum:
      return "enum";
  }
  return "?";
}

std::string format_option_value(const OptionValue& value) {
  if (const double* d = std::get_if<double>(&value)) return format_double(*d);
  if (const int64_t* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const bool* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

Result<OptionValue> parse_option_value(const OptionSpec& spec, std::string_view text) {
  text = str_trim(text);
  switch (spec.type) {
    case OptionType::kFloat:
      return parse_float(spec, text);
    case OptionType::kInt:
      return parse_int(spec, text);
    case OptionType::kBool:
      return parse_bool(spec, text);
    case OptionType::kString:
      return OptionValue(std::string(text));
    case OptionType::kEnum:
      return parse_enum(spec, text);
  }
  return internal_error(str_cat(spec.name, ": unknown option type"));
}

Status check_option_keys(const std::vector<OptionSpec>& specs,
                         const std::map<std::string, std::string>& values) {
  std::vector<std::string> names;
  for (const OptionSpec& s : specs) names.push_back(s.name);
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& [key, text] : values) {
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    if (names.empty()) {
      return invalid_argument(
          str_cat("unknown option ", qexp::quoted(key), "; this takes no options"));
    }
    std::string hint = closest_match(key, names);
    return invalid_argument(
        str_cat("unknown option ", qexp::quoted(key),
                hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                "; valid options: ", str_join(sorted, ", ")));
  }
  return ok_status();
}

std::string describe_option(const OptionSpec& spec) {
  std::string text = str_cat(spec.name, " (", option_type_name(spec.type));
  if (spec.type == OptionType::kEnum) text += str_cat(": ", str_join(spec.choices, " | "));
  text += str_cat(", default ", spec.default_text.empty() ? "''" : spec.default_text);
  if ((spec.type == OptionType::kFloat || spec.type == OptionType::kInt) && bounded(spec)) {
    text += str_cat(", ", bounds_text(spec));
  }
  return str_cat(text, "): ", spec.doc);
}

}  // namespace qexp::calib

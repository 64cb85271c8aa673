#include "framework/data/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "framework/core/strings.h"

namespace qexp::data::internal {
namespace {

// Plain scalars carry the non-specific tag "?", quoted ones "!".
bool is_plain(const YAML::Node& n) { return n.Tag() == "?"; }

bool parse_double(std::string_view text, double* out) {
  text = str_trim(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(*out);
}

}  // namespace

std::string_view node_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

const YamlField* find_field(const std::vector<YamlField>& fields, std::string_view key) {
  for (const YamlField& f : fields) {
    if (f.key.Scalar() == key) return &f;
  }
  return nullptr;
}

std::string YamlReader::where(const YAML::Node& node, const YAML::Node& fallback) const {
  YAML::Mark m = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (m.is_null() && fallback.IsDefined()) m = fallback.Mark();
  if (m.is_null()) return file_;
  return str_cat(file_, ":", m.line + 1, ":", m.column + 1);
}

Status YamlReader::error(const YamlField& f, std::string_view message) const {
  return invalid_argument(str_cat(where(f.value, f.key), ": ", f.path, ": ", message));
}

Status YamlReader::error_at(const YAML::Node& node, std::string_view path,
                            std::string_view message) const {
  return invalid_argument(
      str_cat(where(node), ": ", path.empty() ? "" : str_cat(path, ": "), message));
}

Result<std::vector<YamlField>> YamlReader::map_fields(
    const YAML::Node& node, const std::string& path,
    const std::vector<std::string>& allowed) const {
  if (!node.IsMap()) {
    return error_at(node, path, str_cat("expected a map, got ", node_kind(node)));
  }
  std::vector<YamlField> fields;
  for (auto it = node.begin(); it != node.end(); ++it) {
    // The iterator yields a temporary pair: copy the (cheap, shared) nodes out of it.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    const std::string child = path.empty() ? std::string() : path + ".";
    if (!key.IsScalar()) return error_at(key, path, "map keys must be plain strings");
    const std::string& name = key.Scalar();
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string hint = closest_match(name, allowed);
      return error_at(
          key, child + name,
          str_cat("unknown key",
                  hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                  "; valid keys: ", str_join(allowed, ", ")));
    }
    if (find_field(fields, name) != nullptr) {
      return error_at(key, child + name, "duplicate key");
    }
    fields.push_back({child + name, key, value});
  }
  return fields;
}

Result<std::string> YamlReader::as_string(const YamlField& f) const {
  if (!f.value.IsScalar()) return error(f, str_cat("expected a string, got ", node_kind(f.value)));
  return f.value.Scalar();
}

Result<int64_t> YamlReader::as_int(const YamlField& f, int64_t min, int64_t max) const {
  if (!f.value.IsScalar()) {
    return error(f, str_cat("expected an integer, got ", node_kind(f.value)));
  }
  const std::string& text = f.value.Scalar();
  int64_t v = 0;
  std::string_view digits = text;
  if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (!is_plain(f.value) || ec != std::errc() || end != digits.data() + digits.size()) {
    return error(f, str_cat("expected an integer, got ", qexp::quoted(text)));
  }
  if (v < min || v > max) {
    return error(f, str_cat(v, " is outside [", min, ", ", max, "]"));
  }
  return v;
}

Result<double> YamlReader::parse_number(const YamlField& f, const YAML::Node& node) const {
  if (!node.IsScalar()) return error(f, str_cat("expected a number, got ", node_kind(node)));
  const std::string& text = node.Scalar();
  double v = 0;
  const size_t slash = text.find('/');
  if (is_plain(node) && slash == std::string::npos && parse_double(text, &v)) return v;
  double num = 0, den = 0;
  if (is_plain(node) && slash != std::string::npos &&
      parse_double(std::string_view(text).substr(0, slash), &num) &&
      parse_double(std::string_view(text).substr(slash + 1), &den) && den != 0) {
    return num / den;
  }
  return error(
      f, str_cat("expected a number (or a fraction such as 1/127.5), got ", qexp::quoted(text)));
}

Result<double> YamlReader::as_number(const YamlField& f) const { return parse_number(f, f.value); }

Result<std::string> YamlReader::as_choice(const YamlField& f,
                                          const std::vector<std::string>& choices) const {
  QEXP_ASSIGN_OR_RETURN(std::string v, as_string(f));
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
  std::string hint = closest_match(v, choices);
  return error(f,
               str_cat(qexp::quoted(v), " is not one of ", str_join(choices, ", "),
                       hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)")));
}

Result<std::vector<std::string>> YamlReader::as_string_list(const YamlField& f) const {
  if (!f.value.IsSequence()) {
    return error(f, str_cat("expected a list of strings, got ", node_kind(f.value)));
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < f.value.size(); ++i) {
    YamlField item{str_cat(f.path, "[", i, "]"), f.key, f.value[i]};
    QEXP_ASSIGN_OR_RETURN(std::string s, as_string(item));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<double>> YamlReader::as_number_list(const YamlField& f,
                                                       bool allow_scalar) const {
  if (allow_scalar && f.value.IsScalar()) {
    QEXP_ASSIGN_OR_RETURN(double v, as_number(f));
    return std::vector<double>{v};
  }
  if (!f.value.IsSequence()) {
    return error(f, str_cat("expected a list of numbers", allow_scalar ? " or a number" : "",
                            ", got ", node_kind(f.value)));
  }
  std::vector<double> out;
  for (size_t i = 0; i < f.value.size(); ++i) {
    YamlField item{str_cat(f.path, "[", i, "]"), f.key, f.value[i]};
    QEXP_ASSIGN_OR_RETURN(double v, parse_number(item, item.value));
    out.push_back(v);
  }
  return out;
}

}  // namespace qexp::data::internal

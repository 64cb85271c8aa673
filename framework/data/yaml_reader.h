#pragma once
// Internal to framework/data (includes yaml-cpp; never include from a public header): strict,
// typed reading of YAML maps. Every error starts with "file:line:col: dotted.path: ".

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "framework/core/status.h"

namespace qexp::data::internal {

// One key/value of a map, with the dotted path of the value ("splits.train.images").
struct YamlField {
  std::string path;
  YAML::Node key;
  YAML::Node value;
};

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // "file:line:col" of a node (1-based), or of `fallback` for nodes without a position.
  std::string where(const YAML::Node& node, const YAML::Node& fallback = YAML::Node()) const;
  // invalid_argument("file:line:col: path: message").
  Status error(const YamlField& f, std::string_view message) const;
  Status error_at(const YAML::Node& node, std::string_view path, std::string_view message) const;

  // The entries of a map node, in file order. Errors: not a map, a non-string or duplicate key,
  // or (when `allowed` is non-empty) a key not in `allowed`, suggesting the closest one.
  Result<std::vector<YamlField>> map_fields(const YAML::Node& node, const std::string& path,
                                            const std::vector<std::string>& allowed) const;

  Result<std::string> as_string(const YamlField& f) const;
  // A plain (unquoted) decimal integer in [min, max].
  Result<int64_t> as_int(const YamlField& f, int64_t min, int64_t max) const;
  // A plain number, or a fraction "a/b" such as 1/127.5.
  Result<double> as_number(const YamlField& f) const;
  // One of `choices`; otherwise an error listing them and the closest.
  Result<std::string> as_choice(const YamlField& f, const std::vector<std::string>& choices) const;
  Result<std::vector<std::string>> as_string_list(const YamlField& f) const;
  // A list of numbers; with `allow_scalar`, a single number is a one-element list.
  Result<std::vector<double>> as_number_list(const YamlField& f, bool allow_scalar) const;

 private:
  Result<double> parse_number(const YamlField& f, const YAML::Node& node) const;

  std::string file_;
};

// "a map", "a list", "a string", "empty" — for "expected X, got Y" messages.
std::string_view node_kind(const YAML::Node& node);

// Finds `key` among fields; nullptr if absent.
const YamlField* find_field(const std::vector<YamlField>& fields, std::string_view key);

}  // namespace qexp::data::internal

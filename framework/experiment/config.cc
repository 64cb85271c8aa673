#include "framework/experiment/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <regex>
#include <set>
#include <utility>

#include "framework/calibration/registry.h"
#include "framework/core/file_io.h"
#include "framework/core/regex.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "framework/data/manifest.h"
#include "framework/data/yaml_reader.h"
#include "framework/ir/graph.h"

namespace qexp::exp {
namespace fs = std::filesystem;
using data::internal::node_kind;

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

const std::vector<std::string>& mode_names() {
  static const std::vector<std::string> names = {"float", "float16", "dynamic_range", "int8",
                                                 "int16x8"};
  return names;
}
const std::vector<std::string>& report_format_names() {
  static const std::vector<std::string> names = {"json", "md", "csv", "html"};
  return names;
}
const std::vector<std::string>& granularity_names() {
  static const std::vector<std::string> names = {"per_channel", "per_tensor"};
  return names;
}

std::string resolve_path(const std::string& dir, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute() || dir.empty()) return path.lexically_normal().string();
  return (fs::path(dir) / path).lexically_normal().string();
}

// ---------------------------------------------------------------------------------------------
// --set overrides

struct PathStep {
  std::string key;  // map key, or "" for an index
  size_t index = 0;
};

struct Override {
  std::string expr;  // "variants[1].calibrator=kl"
  std::string path;  // "variants[1].calibrator"
  std::vector<PathStep> steps;
  std::string value;
};

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

Result<Override> parse_override(const std::string& expr) {
  Override o;
  o.expr = expr;
  const size_t eq = expr.find('=');
  auto bad = [&](std::string_view why) {
    return invalid_argument(str_cat("--set ", expr, ": ", why));
  };
  if (eq == std::string::npos) return bad("expected KEY=VALUE such as model.path=x.pb");
  o.path = std::string(str_trim(std::string_view(expr).substr(0, eq)));
  o.value = expr.substr(eq + 1);
  const std::string& p = o.path;
  size_t i = 0;
  while (i < p.size()) {
    size_t start = i;
    while (i < p.size() && is_key_char(p[i])) ++i;
    if (i == start) return bad(str_cat("bad key path ", qexp::quoted(p)));
    o.steps.push_back({p.substr(start, i - start), 0});
    while (i < p.size() && p[i] == '[') {
      const size_t close = p.find(']', i);
      if (close == std::string::npos) return bad(str_cat("bad key path ", qexp::quoted(p)));
      size_t index = 0;
      auto [end, ec] = std::from_chars(p.data() + i + 1, p.data() + close, index);
      if (ec != std::errc() || end != p.data() + close || close == i + 1) {
        return bad(str_cat("bad index in ", qexp::quoted(p)));
      }
      o.steps.push_back({"", index});
      i = close + 1;
    }
    if (i < p.size()) {
      if (p[i] != '.' || i + 1 == p.size()) return bad(str_cat("bad key path ", qexp::quoted(p)));
      ++i;
    }
  }
  if (o.steps.empty()) return bad("empty key path");
  return o;
}

// A copy of `node` made of fresh nodes (no source position, so errors in it name the --set).
Result<YAML::Node> fresh_copy(const YAML::Node& node, int64_t* budget) {
  if (--*budget < 0) return resource_exhausted("too many nodes");
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      YAML::Node out(node.Scalar());
      out.SetTag(node.Tag());
      return out;
    }
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const YAML::Node& child : node) {
        QEXP_ASSIGN_OR_RETURN(YAML::Node c, fresh_copy(child, budget));
        out.push_back(c);
      }
      return out;
    }
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (auto it = node.begin(); it != node.end(); ++it) {
        QEXP_ASSIGN_OR_RETURN(YAML::Node v, fresh_copy(it->second, budget));
        out[it->first.Scalar()] = v;
      }
      return out;
    }
    default:
      return YAML::Node(YAML::NodeType::Null);
  }
}

Status apply_override(YAML::Node root, const Override& o) {
  auto bad = [&](std::string_view why) {
    return invalid_argument(str_cat("--set ", o.expr, ": ", why));
  };
  YAML::Node value;
  try {
    const YAML::Node parsed = YAML::Load(o.value);
    int64_t budget = 10000;
    auto copy = fresh_copy(parsed, &budget);
    if (!copy.ok()) return bad("value too large");
    value = *copy;
    if (value.IsNull() && o.value.empty()) {
      value = YAML::Node(std::string());
      value.SetTag("!");
    }
  } catch (const YAML::Exception& e) {
    return bad(str_cat("invalid YAML value: ", e.msg));
  }
  YAML::Node cur = root;
  std::string done;
  for (size_t i = 0; i < o.steps.size(); ++i) {
    const PathStep& s = o.steps[i];
    const bool last = i + 1 == o.steps.size();
    YAML::Node next;
    if (!s.key.empty()) {
      if (cur.IsNull() || !cur.IsDefined()) cur = YAML::Node(YAML::NodeType::Map);
      if (!cur.IsMap()) {
        return bad(
            str_cat(done.empty() ? "the config" : done, " is ", node_kind(cur), ", not a map"));
      }
      if (last) {
        cur[s.key] = value;
        return ok_status();
      }
      if (!cur[s.key].IsDefined() || cur[s.key].IsNull()) {
        cur[s.key] = YAML::Node(YAML::NodeType::Map);
      }
      next = cur[s.key];
      done = done.empty() ? s.key : str_cat(done, ".", s.key);
    } else {
      if (!cur.IsSequence()) {
        return bad(str_cat(done, " is ", node_kind(cur), ", not a list"));
      }
      if (s.index >= cur.size()) {
        return bad(str_cat(done, "[", s.index, "]: ", done, " has ", cur.size(), " entries"));
      }
      if (last) {
        cur[s.index] = value;
        return ok_status();
      }
      next = cur[s.index];
      done = str_cat(done, "[", s.index, "]");
    }
    cur.reset(next);
  }
  return ok_status();
}

// Counts nodes as a walk reaches them (aliases each time), stopping at the budget.
bool within_node_budget(const YAML::Node& node, int64_t* budget, int depth) {
  if (--*budget < 0 || depth > 256) return false;
  if (node.IsSequence()) {
    for (const YAML::Node& c : node) {
      if (!within_node_budget(c, budget, depth + 1)) return false;
    }
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!within_node_budget(it->first, budget, depth + 1)) return false;
      if (!within_node_budget(it->second, budget, depth + 1)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Strict typed reading

struct Field {
  std::string path;
  YAML::Node key;
  YAML::Node value;
};

class Reader {
 public:
  Reader(std::string file, std::vector<Override> overrides)
      : file_(std::move(file)), overrides_(std::move(overrides)) {}

  // "file:line:col", or "--set EXPR" for a node an override created.
  std::string where(const YAML::Node& node, const std::string& path) const {
    YAML::Mark m = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
    if (!m.is_null()) return str_cat(file_, ":", m.line + 1, ":", m.column + 1);
    // The override whose path is, or lies under / above, the failing path.
    for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
      if (related(path, it->path)) return str_cat("--set ", it->expr);
    }
    return file_;
  }
  Status error(const YAML::Node& node, const std::string& path, std::string_view message) const {
    return invalid_argument(
        str_cat(where(node, path), ": ", path.empty() ? "" : str_cat(path, ": "), message));
  }
  Status error(const Field& f, std::string_view message) const {
    // A value without a position (one --set created) is located by its path, else by its key.
    const bool positioned = f.value.IsDefined() && !f.value.Mark().is_null();
    const std::string at = where(f.value, f.path);
    return error(positioned || at != file_ ? f.value : f.key, f.path, message);
  }

  Result<std::vector<Field>> fields(const YAML::Node& node, const std::string& path,
                                    const std::vector<std::string>& allowed) const {
    if (!node.IsMap()) return error(node, path, str_cat("expected a map, got ", node_kind(node)));
    std::vector<Field> out;
    const std::string prefix = path.empty() ? "" : path + ".";
    for (auto it = node.begin(); it != node.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      if (!key.IsScalar()) return error(key, path, "map keys must be plain strings");
      const std::string& name = key.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        const std::string hint = closest_match(name, allowed);
        return error(
            key, prefix + name,
            str_cat("unknown key",
                    hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                    "; valid keys: ", str_join(allowed, ", ")));
      }
      for (const Field& f : out) {
        if (f.key.Scalar() == name) return error(key, prefix + name, "duplicate key");
      }
      out.push_back({prefix + name, key, value});
    }
    return out;
  }

  Result<std::string> str(const Field& f) const {
    if (!f.value.IsScalar())
      return error(f, str_cat("expected a string, got ", node_kind(f.value)));
    return f.value.Scalar();
  }
  Result<std::string> non_empty_str(const Field& f) const {
    QEXP_ASSIGN_OR_RETURN(std::string s, str(f));
    if (s.empty()) return error(f, "must not be empty");
    return s;
  }
  Result<int64_t> integer(const Field& f, int64_t min, int64_t max) const {
    if (!f.value.IsScalar()) {
      return error(f, str_cat("expected an integer, got ", node_kind(f.value)));
    }
    const std::string& text = f.value.Scalar();
    std::string_view digits = text;
    if (!digits.empty() && digits[0] == '+') digits.remove_prefix(1);
    int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (f.value.Tag() != "?" || ec != std::errc() || end != digits.data() + digits.size()) {
      return error(f, str_cat("expected an integer, got ", qexp::quoted(text)));
    }
    if (v < min || v > max) return error(f, str_cat(v, " is outside [", min, ", ", max, "]"));
    return v;
  }
  Result<bool> boolean(const Field& f) const {
    if (f.value.IsScalar() && f.value.Tag() == "?") {
      if (f.value.Scalar() == "true") return true;
      if (f.value.Scalar() == "false") return false;
    }
    return error(f, str_cat("expected true or false, got ", f.value.IsScalar()
                                                                ? qexp::quoted(f.value.Scalar())
                                                                : std::string(node_kind(f.value))));
  }
  Result<std::string> choice(const Field& f, const std::vector<std::string>& choices) const {
    QEXP_ASSIGN_OR_RETURN(std::string v, str(f));
    if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
    const std::string hint = closest_match(v, choices);
    return error(f,
                 str_cat(qexp::quoted(v), " is not one of ", str_join(choices, ", "),
                         hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)")));
  }
  // The items of a list as fields "path[i]".
  Result<std::vector<Field>> items(const Field& f, std::string_view what) const {
    if (!f.value.IsSequence()) {
      return error(f, str_cat("expected a list of ", what, ", got ", node_kind(f.value)));
    }
    std::vector<Field> out;
    for (size_t i = 0; i < f.value.size(); ++i) {
      out.push_back({str_cat(f.path, "[", i, "]"), f.key, f.value[i]});
    }
    return out;
  }
  Result<std::vector<std::string>> str_list(const Field& f) const {
    QEXP_ASSIGN_OR_RETURN(std::vector<Field> list, items(f, "strings"));
    std::vector<std::string> out;
    for (const Field& item : list) {
      QEXP_ASSIGN_OR_RETURN(std::string s, non_empty_str(item));
      out.push_back(std::move(s));
    }
    return out;
  }
  Result<std::vector<std::string>> choice_list(const Field& f,
                                               const std::vector<std::string>& choices) const {
    QEXP_ASSIGN_OR_RETURN(std::vector<Field> list, items(f, "strings"));
    std::vector<std::string> out;
    for (const Field& item : list) {
      QEXP_ASSIGN_OR_RETURN(std::string s, choice(item, choices));
      if (std::find(out.begin(), out.end(), s) != out.end()) {
        return error(item, str_cat(qexp::quoted(s), " is listed twice"));
      }
      out.push_back(std::move(s));
    }
    return out;
  }
  Result<std::vector<int64_t>> int_list(const Field& f, int64_t min, int64_t max,
                                        bool unique) const {
    QEXP_ASSIGN_OR_RETURN(std::vector<Field> list, items(f, "integers"));
    std::vector<int64_t> out;
    for (const Field& item : list) {
      QEXP_ASSIGN_OR_RETURN(int64_t v, integer(item, min, max));
      if (unique && std::find(out.begin(), out.end(), v) != out.end()) {
        return error(item, str_cat(v, " is listed twice"));
      }
      out.push_back(v);
    }
    return out;
  }

 private:
  static bool related(const std::string& a, const std::string& b) {
    auto under = [](const std::string& x, const std::string& prefix) {
      return x == prefix ||
             (starts_with(x, prefix) && (x[prefix.size()] == '.' || x[prefix.size()] == '['));
    };
    return under(a, b) || under(b, a);
  }

  std::string file_;
  std::vector<Override> overrides_;
};

// ---------------------------------------------------------------------------------------------
// Sections

// An exclude entry is an op type or a regular expression over op names; a pattern that does
// not compile (or is too long / deeply nested for std::regex) is an error at its position.
Status check_exclude_patterns(const Reader& r, const Field& f,
                              const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (ir::parse_op_type(p)) continue;
    if (Result<std::regex> re = compile_regex(p); !re.ok()) {
      return r.error(f, str_cat("exclude entry ", qexp::quoted(p.substr(0, 40)),
                                " is neither an op type nor a valid regular expression: ",
                                re.status().message()));
    }
  }
  return ok_status();
}

struct Parser {
  const Reader& r;
  ExperimentConfig& c;

  void locate(const Field& f) { c.locations[f.path] = r.where(f.value, f.path); }

  // A name that is also used as a file or directory name.
  Result<std::string> file_name(const Field& f, std::string_view names) {
    QEXP_ASSIGN_OR_RETURN(std::string s, r.non_empty_str(f));
    bool ok = s[0] != '.' && s[0] != '-' && s.size() <= 128;
    for (char ch : s) ok = ok && (is_key_char(ch) || ch == '.');
    if (ok) return s;
    return r.error(f, str_cat(qexp::quoted(s),
                              " is not a valid name: use at most 128 letters, digits, '.', '_' "
                              "and '-', not starting with '.' or '-' (it names ",
                              names, ")"));
  }

  Status experiment(const Field& s) {
    QEXP_ASSIGN_OR_RETURN(auto fs, r.fields(s.value, s.path, {"name", "seed"}));
    for (const Field& f : fs) {
      const std::string k = f.key.Scalar();
      if (k == "name") {
        QEXP_ASSIGN_OR_RETURN(c.experiment.name, file_name(f, "the output directory"));
      } else {
        QEXP_ASSIGN_OR_RETURN(int64_t v, r.integer(f, 0, kMaxInt));
        c.experiment.seed = static_cast<uint64_t>(v);
      }
    }
    return ok_status();
  }

  Status model(const Field& s) {
    QEXP_ASSIGN_OR_RETURN(
        auto fs, r.fields(s.value, s.path,
                          {"path", "format", "input_arrays", "output_arrays", "input_shape"}));
    for (const Field& f : fs) {
      const std::string k = f.key.Scalar();
      if (k == "path") {
        QEXP_ASSIGN_OR_RETURN(c.model.path, r.non_empty_str(f));
        locate(f);
      } else if (k == "format") {
        QEXP_ASSIGN_OR_RETURN(std::string v, r.choice(f, {"auto", "tflite", "graphdef"}));
        c.model.format = v == "auto"     ? ModelFormat::kAuto
                         : v == "tflite" ? ModelFormat::kTflite
                                         : ModelFormat::kGraphDef;
      } else if (k == "input_arrays") {
        QEXP_ASSIGN_OR_RETURN(c.model.input_arrays, r.str_list(f));
      } else if (k == "output_arrays") {
        QEXP_ASSIGN_OR_RETURN(c.model.output_arrays, r.str_list(f));
      } else {
        QEXP_ASSIGN_OR_RETURN(c.model.input_shape, r.int_list(f, 1, int64_t{1} << 30, false));
      }
    }
    if (c.model.path.empty()) return r.error(s.value, s.path, "missing required key 'path'");
    return ok_status();
  }

  // `analysis: [names]`, or the map form `{run: [names], regularization: {l2: S, layers:
  // [{pattern: REGEX, l2: S}]}}`.
  Status analysis(const Field& f) {
    if (!f.value.IsMap()) {
      QEXP_ASSIGN_OR_RETURN(c.analysis, r.str_list(f));
      return ok_status();
    }
    QEXP_ASSIGN_OR_RETURN(auto fs, r.fields(f.value, f.path, {"run", "regularization"}));
    for (const Field& a : fs) {
      if (a.key.Scalar() == "run") {
        QEXP_ASSIGN_OR_RETURN(c.analysis, r.str_list(a));
        continue;
      }
      QEXP_ASSIGN_OR_RETURN(auto rs, r.fields(a.value, a.path, {"l2", "layers"}));
      for (const Field& x : rs) {
        if (x.key.Scalar() == "l2") {
          QEXP_ASSIGN_OR_RETURN(c.regularization.l2, l2_scale(x));
          continue;
        }
        QEXP_ASSIGN_OR_RETURN(auto items, r.items(x, "{pattern, l2} maps"));
        for (const Field& item : items) {
          QEXP_ASSIGN_OR_RETURN(auto ps, r.fields(item.value, item.path, {"pattern", "l2"}));
          std::pair<std::string, double> rule{"", -1.0};
          for (const Field& p : ps) {
            if (p.key.Scalar() == "l2") {
              QEXP_ASSIGN_OR_RETURN(rule.second, l2_scale(p));
            } else {
              QEXP_ASSIGN_OR_RETURN(rule.first, r.non_empty_str(p));
              if (Result<std::regex> re = compile_regex(rule.first); !re.ok()) {
                return r.error(p, str_cat("not a valid regular expression: ",
                                          re.status().message()));
              }
            }
          }
          if (rule.first.empty() || rule.second < 0) {
            return r.error(item, "needs both pattern and l2");
          }
          c.regularization.layers.push_back(std::move(rule));
        }
      }
    }
    return ok_status();
  }

  Result<double> l2_scale(const Field& f) const {
    QEXP_ASSIGN_OR_RETURN(std::string text, r.str(f));
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0) {
      return r.error(f, str_cat("expected a number >= 0, got ", qexp::quoted(text)));
    }
    return v;
  }

  Status dataset(const Field& s) {
    QEXP_ASSIGN_OR_RETURN(auto fs,
                          r.fields(s.value, s.path, {"manifest", "split", "limit", "shard_size"}));
    for (const Field& f : fs) {
      const std::string k = f.key.Scalar();
      if (k == "manifest") {
        QEXP_ASSIGN_OR_RETURN(c.dataset.manifest, r.non_empty_str(f));
        locate(f);
      } else if (k == "split") {
        QEXP_ASSIGN_OR_RETURN(c.dataset.split, r.non_empty_str(f));
        locate(f);
      } else if (k == "shard_size") {
        QEXP_ASSIGN_OR_RETURN(c.dataset.shard_size, r.integer(f, 1, 10000000));
      } else if (f.value.IsScalar() && f.value.Scalar() == "all") {
        c.dataset.limit = 0;
      } else {
        auto v = r.integer(f, 1, kMaxInt);
        if (!v.ok()) {
          return f.value.IsScalar() && v.status().message().find("outside") != std::string::npos
                     ? v.status()
                     : r.error(f, str_cat("expected a positive integer or 'all', got ",
                                          f.value.IsScalar() ? qexp::quoted(f.value.Scalar())
                                                             : std::string(node_kind(f.value))));
        }
        c.dataset.limit = *v;
      }
    }
    if (c.dataset.manifest.empty()) {
      return r.error(s.value, s.path, "missing required key 'manifest'");
    }
    return ok_status();
  }

  Status calibration(const Field& s, bool* seed_given) {
    QEXP_ASSIGN_OR_RETURN(
        auto fs, r.fields(s.value, s.path, {"manifest", "split", "samples", "seed", "threads"}));
    for (const Field& f : fs) {
      const std::string k = f.key.Scalar();
      if (k == "manifest") {
        QEXP_ASSIGN_OR_RETURN(c.calibration.manifest, r.non_empty_str(f));
        locate(f);
      } else if (k == "split") {
        QEXP_ASSIGN_OR_RETURN(c.calibration.split, r.non_empty_str(f));
        locate(f);
      } else if (k == "samples") {
        QEXP_ASSIGN_OR_RETURN(c.calibration.samples, r.integer(f, 1, 100000000));
      } else if (k == "seed") {
        QEXP_ASSIGN_OR_RETURN(int64_t v, r.integer(f, 0, kMaxInt));
        c.calibration.seed = static_cast<uint64_t>(v);
        *seed_given = true;
      } else {
        QEXP_ASSIGN_OR_RETURN(int64_t v, r.integer(f, 1, 256));
        c.calibration.threads = static_cast<int>(v);
      }
    }
    return ok_status();
  }

  // One entry of `variants` (s.path is "variants[i]").
  Status variant(const Field& s) {
    QEXP_ASSIGN_OR_RETURN(
        auto fs,
        r.fields(s.value, s.path,
                 {"name", "mode", "calibrator", "calibrator_options", "per_channel",
                  "fc_per_channel", "symmetric_activations", "io_type", "exclude",
                  "dynamic_range_min_elements", "calibration_samples", "calibration_seed"}));
    VariantConfig v;
    bool has_calibrator = false, has_samples = false, has_seed = false;
    const Field* calib_only = nullptr;  // a key only calibrating modes use
    for (const Field& f : fs) {
      const std::string k = f.key.Scalar();
      if (k == "name") {
        QEXP_ASSIGN_OR_RETURN(v.name, file_name(f, "the variant's files"));
        locate(f);
      } else if (k == "mode") {
        QEXP_ASSIGN_OR_RETURN(std::string m, r.choice(f, mode_names()));
        v.mode = static_cast<VariantMode>(std::find(mode_names().begin(), mode_names().end(), m) -
                                          mode_names().begin());
      } else if (k == "calibrator") {
        QEXP_ASSIGN_OR_RETURN(v.calibrator, r.non_empty_str(f));
        has_calibrator = true;
        calib_only = &f;
      } else if (k == "calibrator_options") {
        QEXP_RETURN_IF_ERROR(options(f, &v.calibrator_options));
        calib_only = &f;
      } else if (k == "per_channel") {
        QEXP_ASSIGN_OR_RETURN(v.per_channel, r.boolean(f));
      } else if (k == "fc_per_channel") {
        QEXP_ASSIGN_OR_RETURN(v.fc_per_channel, r.boolean(f));
      } else if (k == "symmetric_activations") {
        QEXP_ASSIGN_OR_RETURN(v.symmetric_activations, r.boolean(f));
      } else if (k == "io_type") {
        QEXP_ASSIGN_OR_RETURN(std::string t, r.choice(f, {"float", "int8", "uint8"}));
        v.io_type = *quant::parse_io_type(t);
      } else if (k == "exclude") {
        QEXP_ASSIGN_OR_RETURN(v.exclude, r.str_list(f));
        QEXP_RETURN_IF_ERROR(check_exclude_patterns(r, f, v.exclude));
      } else if (k == "dynamic_range_min_elements") {
        QEXP_ASSIGN_OR_RETURN(v.dynamic_range_min_elements, r.integer(f, 0, kMaxInt));
      } else if (k == "calibration_samples") {
        QEXP_ASSIGN_OR_RETURN(v.calibration_samples, r.integer(f, 1, 100000000));
        has_samples = true;
        calib_only = &f;
      } else {
        QEXP_ASSIGN_OR_RETURN(int64_t seed, r.integer(f, 0, kMaxInt));
        v.calibration_seed = static_cast<uint64_t>(seed);
        has_seed = true;
        calib_only = &f;
      }
    }
    if (!uses_calibration(v.mode) && calib_only != nullptr) {
      return r.error(*calib_only, str_cat("mode '", variant_mode_name(v.mode),
                                          "' does not calibrate (only int8 and int16x8 use "
                                          "calibrator and calibration settings)"));
    }
    if (uses_calibration(v.mode)) {
      if (!has_calibrator) v.calibrator = "minmax";
      if (!has_samples) v.calibration_samples = c.calibration.samples;
      if (!has_seed) v.calibration_seed = c.calibration.seed;
      c.locations[s.path + ".calibrator"] = r.where(s.value, s.path);
      c.locations[s.path + ".calibrator_options"] = r.where(s.value, s.path);
      for (const Field& f : fs) {
        if (f.key.Scalar() == "calibrator") locate(f);
        if (f.key.Scalar() == "calibrator_options") locate(f);
      }
    }
    if (v.name.empty()) v.name = default_name(v, false);
    const auto name_at = c.locations.find(s.path + ".name");
    names_where.push_back(
        {s.path, name_at != c.locations.end() ? name_at->second : r.where(s.value, s.path)});
    c.variants.push_back(std::move(v));
    return ok_status();
  }

  // calibrator_options: a map of scalars kept as strings; the calibrator validates them later.
  Status options(const Field& f, std::map<std::string, std::string>* out) {
    if (!f.value.IsMap()) return r.error(f, str_cat("expected a map, got ", node_kind(f.value)));
    for (auto it = f.value.begin(); it != f.value.end(); ++it) {
      const YAML::Node key = it->first;
      const YAML::Node value = it->second;
      if (!key.IsScalar()) return r.error(key, f.path, "map keys must be plain strings");
      const Field item{str_cat(f.path, ".", key.Scalar()), key, value};
      if (out->count(key.Scalar()) != 0) return r.error(key, item.path, "duplicate key");
      QEXP_ASSIGN_OR_RETURN(std::string s, r.str(item));
      (*out)[key.Scalar()] = s;
    }
    return ok_status();
  }

  static std::string default_name(const VariantConfig& v, bool grid) {
    const std::string mode(variant_mode_name(v.mode));
    const char* gran = v.per_channel ? "per_channel" : "per_tensor";
    if (v.mode == VariantMode::kFloat || v.mode == VariantMode::kFloat16) return mode;
    if (v.mode == VariantMode::kDynamicRange) return str_cat(mode, "-", gran);
    if (!grid) return str_cat(mode, "-", v.calibrator, "-", gran);
    return str_cat(mode, "-", v.calibrator, "-", gran, "-n", v.calibration_samples, "-s",
                   v.calibration_seed);
  }

  Status grid(const Field& s) {
    QEXP_ASSIGN_OR_RETURN(
        auto fs,
        r.fields(s.value, s.path, {"modes", "calibrators", "granularities", "samples", "seeds"}));
    std::vector<std::string> modes = {"int8"}, calibrators = {"minmax"}, grans = {"per_channel"};
    std::vector<int64_t> samples = {c.calibration.samples};
    std::vector<int64_t> seeds = {static_cast<int64_t>(c.calibration.seed)};
    std::string calib_where = r.where(s.value, s.path);
    for (const Field& f : fs) {
      const std::string k = f.key.Scalar();
      if (k == "modes") {
        QEXP_ASSIGN_OR_RETURN(modes, r.choice_list(f, mode_names()));
      } else if (k == "calibrators") {
        QEXP_ASSIGN_OR_RETURN(calibrators, r.str_list(f));
        for (size_t i = 0; i < calibrators.size(); ++i) {
          for (size_t j = 0; j < i; ++j) {
            if (calibrators[i] == calibrators[j]) {
              return r.error(f.value[i], str_cat(f.path, "[", i, "]"),
                             str_cat(qexp::quoted(calibrators[i]), " is listed twice"));
            }
          }
        }
        calib_where = r.where(f.value, f.path);
      } else if (k == "granularities") {
        QEXP_ASSIGN_OR_RETURN(grans, r.choice_list(f, granularity_names()));
      } else if (k == "samples") {
        QEXP_ASSIGN_OR_RETURN(samples, r.int_list(f, 1, 100000000, true));
      } else {
        QEXP_ASSIGN_OR_RETURN(seeds, r.int_list(f, 0, kMaxInt, true));
      }
      if (f.value.IsSequence() && f.value.size() == 0) return r.error(f, "must not be empty");
    }
    const std::string grid_where = r.where(s.value, s.path);
    std::set<std::string> seen;
    for (const std::string& m : modes) {
      const auto mode = static_cast<VariantMode>(
          std::find(mode_names().begin(), mode_names().end(), m) - mode_names().begin());
      const bool calibrated = uses_calibration(mode);
      const std::vector<std::string> cals = calibrated ? calibrators : std::vector<std::string>{""};
      const std::vector<std::string> gs =
          (mode == VariantMode::kFloat || mode == VariantMode::kFloat16)
              ? std::vector<std::string>{"per_channel"}
              : grans;
      const std::vector<int64_t> ns = calibrated ? samples : std::vector<int64_t>{0};
      const std::vector<int64_t> ss = calibrated ? seeds : std::vector<int64_t>{0};
      for (const std::string& cal : cals) {
        for (const std::string& g : gs) {
          for (int64_t n : ns) {
            for (int64_t seed : ss) {
              VariantConfig v;
              v.mode = mode;
              v.calibrator = cal;
              v.per_channel = g == "per_channel";
              v.calibration_samples = n;
              v.calibration_seed = static_cast<uint64_t>(seed);
              v.name = default_name(v, true);
              if (!seen.insert(v.name).second) continue;  // float modes collapse
              const std::string path = str_cat("variants[", c.variants.size(), "]");
              if (calibrated) {
                c.locations[path + ".calibrator"] = calib_where;
                c.locations[path + ".calibrator_options"] = grid_where;
              }
              names_where.push_back({s.path, grid_where});
              c.variants.push_back(std::move(v));
            }
          }
        }
      }
    }
    return ok_status();
  }

  // (path of the variant's source, its position) per entry of c.variants.
  std::vector<std::pair<std::string, std::string>> names_where;
};

Status parse_root(const Reader& r, const YAML::Node& root, ExperimentConfig& c) {
  QEXP_ASSIGN_OR_RETURN(
      auto fs, r.fields(root, "",
                        {"experiment", "model", "dataset", "calibration", "variants", "grid",
                         "exclude", "interpreter", "analysis", "metrics", "report", "plugins"}));
  Parser p{r, c, {}};
  auto find = [&](std::string_view key) -> const Field* {
    for (const Field& f : fs) {
      if (f.key.Scalar() == key) return &f;
    }
    return nullptr;
  };
  // Order matters: later sections default from earlier ones.
  if (const Field* f = find("experiment")) QEXP_RETURN_IF_ERROR(p.experiment(*f));
  if (c.experiment.name.empty()) {
    c.experiment.name = fs::path(c.source).stem().string();
    if (c.experiment.name.empty()) c.experiment.name = "experiment";
  }
  const Field* model = find("model");
  if (model == nullptr) return r.error(root, "", "missing required section 'model'");
  QEXP_RETURN_IF_ERROR(p.model(*model));
  const Field* dataset = find("dataset");
  if (dataset == nullptr) return r.error(root, "", "missing required section 'dataset'");
  QEXP_RETURN_IF_ERROR(p.dataset(*dataset));
  bool seed_given = false;
  if (const Field* f = find("calibration")) QEXP_RETURN_IF_ERROR(p.calibration(*f, &seed_given));
  if (c.calibration.manifest.empty()) {
    c.calibration.manifest = c.dataset.manifest;
    c.locations["calibration.manifest"] = c.locations["dataset.manifest"];
  }
  if (!seed_given) c.calibration.seed = c.experiment.seed;

  const Field* variants = find("variants");
  const Field* grid = find("grid");
  if (variants != nullptr) {
    QEXP_ASSIGN_OR_RETURN(auto list, r.items(*variants, "variants (maps)"));
    for (const Field& v : list) QEXP_RETURN_IF_ERROR(p.variant(v));
  }
  if (grid != nullptr) QEXP_RETURN_IF_ERROR(p.grid(*grid));
  if (c.variants.empty()) {
    const YAML::Node at = variants != nullptr ? variants->value
                          : grid != nullptr   ? grid->value
                                              : root;
    return r.error(at, variants != nullptr ? "variants" : "",
                   "no variants: give a non-empty 'variants' list and/or a 'grid'");
  }
  for (size_t i = 0; i < c.variants.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (c.variants[i].name == c.variants[j].name) {
        const auto& [path, where] = p.names_where[i];
        const std::string from = path == "grid" ? "grid" : str_cat("variants[", i, "].name");
        return invalid_argument(str_cat(where, ": ", from, ": duplicate variant name ",
                                        qexp::quoted(c.variants[i].name), " (also variant ", j,
                                        ")"));
      }
    }
  }

  for (const Field& f : fs) {
    const std::string k = f.key.Scalar();
    if (k == "exclude") {
      QEXP_ASSIGN_OR_RETURN(c.exclude, r.str_list(f));
      QEXP_RETURN_IF_ERROR(check_exclude_patterns(r, f, c.exclude));
    } else if (k == "interpreter") {
      QEXP_ASSIGN_OR_RETURN(auto is, r.fields(f.value, f.path, {"threads"}));
      for (const Field& t : is) {
        QEXP_ASSIGN_OR_RETURN(int64_t v, r.integer(t, 1, 256));
        c.interpreter_threads = static_cast<int>(v);
      }
    } else if (k == "analysis") {
      QEXP_RETURN_IF_ERROR(p.analysis(f));
    } else if (k == "metrics") {
      QEXP_ASSIGN_OR_RETURN(auto ms, r.fields(f.value, f.path, {"layer_samples", "latency_runs"}));
      for (const Field& t : ms) {
        if (t.key.Scalar() == "layer_samples") {
          QEXP_ASSIGN_OR_RETURN(c.metrics.layer_samples, r.integer(t, 0, 100000));
        } else {
          QEXP_ASSIGN_OR_RETURN(c.metrics.latency_runs, r.integer(t, 0, 100000));
        }
      }
    } else if (k == "report") {
      QEXP_ASSIGN_OR_RETURN(auto rs, r.fields(f.value, f.path, {"formats", "out"}));
      for (const Field& t : rs) {
        if (t.key.Scalar() == "out") {
          QEXP_ASSIGN_OR_RETURN(c.report.out, r.non_empty_str(t));
        } else {
          QEXP_ASSIGN_OR_RETURN(c.report.formats, r.choice_list(t, report_format_names()));
          if (c.report.formats.empty()) return r.error(t, "must not be empty");
        }
      }
    } else if (k == "plugins") {
      QEXP_ASSIGN_OR_RETURN(auto list, r.items(f, "shared-library paths"));
      for (const Field& item : list) {
        QEXP_ASSIGN_OR_RETURN(std::string s, r.non_empty_str(item));
        c.locations[item.path] = r.where(item.value, item.path);
        c.plugins.push_back(std::move(s));
      }
    }
  }
  // Defaults that depend on other values; every other default is in the structs.
  if (c.report.formats.empty()) {
    c.report.formats = report_format_names();
  } else {
    std::vector<std::string> ordered;
    for (const std::string& name : report_format_names()) {
      if (std::find(c.report.formats.begin(), c.report.formats.end(), name) !=
          c.report.formats.end()) {
        ordered.push_back(name);
      }
    }
    c.report.formats = ordered;
  }
  if (c.report.out.empty()) c.report.out = str_cat("runs/", c.experiment.name);
  c.model.resolved_path = resolve_path(c.source_dir, c.model.path);
  c.dataset.resolved_manifest = resolve_path(c.source_dir, c.dataset.manifest);
  c.calibration.resolved_manifest = resolve_path(c.source_dir, c.calibration.manifest);
  for (const std::string& p2 : c.plugins) {
    c.resolved_plugins.push_back(resolve_path(c.source_dir, p2));
  }
  return ok_status();
}

// ---------------------------------------------------------------------------------------------
// Output: one ordered tree, written as YAML or JSON.

struct Value {
  // kOption: a calibrator option value, a string that YAML may show plain ("128", "true").
  enum Kind { kString, kOption, kNumber, kBool, kList, kMap } kind = kString;
  std::string text;  // string, number or bool text
  std::vector<Value> items;
  // Map entries as two parallel lists (a pair<string, Value> needs the complete type, which
  // clang's libstdc++ checks refuse inside Value's own definition).
  std::vector<std::string> keys;
  std::vector<Value> values;

  static Value str(std::string s) { return Value{kString, std::move(s), {}, {}, {}}; }
  static Value num(int64_t v) { return Value{kNumber, std::to_string(v), {}, {}, {}}; }
  static Value unum(uint64_t v) { return Value{kNumber, std::to_string(v), {}, {}, {}}; }
  static Value boolean(bool b) { return Value{kBool, b ? "true" : "false", {}, {}, {}}; }
  static Value list() { return Value{kList, "", {}, {}, {}}; }
  static Value map() { return Value{kMap, "", {}, {}, {}}; }
  Value& add(std::string key, Value v) {
    keys.push_back(std::move(key));
    values.push_back(std::move(v));
    return values.back();
  }
};

Value str_list_value(const std::vector<std::string>& v) {
  Value out = Value::list();
  for (const std::string& s : v) out.items.push_back(Value::str(s));
  return out;
}

Value to_value(const ExperimentConfig& c) {
  Value root = Value::map();
  Value& e = root.add("experiment", Value::map());
  e.add("name", Value::str(c.experiment.name));
  e.add("seed", Value::unum(c.experiment.seed));
  Value& m = root.add("model", Value::map());
  m.add("path", Value::str(c.model.path));
  m.add("format", Value::str(std::string(model_format_name(c.model.format))));
  m.add("input_arrays", str_list_value(c.model.input_arrays));
  m.add("output_arrays", str_list_value(c.model.output_arrays));
  Value& shape = m.add("input_shape", Value::list());
  for (int64_t d : c.model.input_shape) shape.items.push_back(Value::num(d));
  Value& d = root.add("dataset", Value::map());
  d.add("manifest", Value::str(c.dataset.manifest));
  d.add("split", Value::str(c.dataset.split));
  d.add("limit", c.dataset.limit == 0 ? Value::str("all") : Value::num(c.dataset.limit));
  d.add("shard_size", Value::num(c.dataset.shard_size));
  Value& cal = root.add("calibration", Value::map());
  cal.add("manifest", Value::str(c.calibration.manifest));
  cal.add("split", Value::str(c.calibration.split));
  cal.add("samples", Value::num(c.calibration.samples));
  cal.add("seed", Value::unum(c.calibration.seed));
  cal.add("threads", Value::num(c.calibration.threads));
  Value& vs = root.add("variants", Value::list());
  for (const VariantConfig& v : c.variants) {
    Value x = Value::map();
    x.add("name", Value::str(v.name));
    x.add("mode", Value::str(std::string(variant_mode_name(v.mode))));
    if (uses_calibration(v.mode)) {
      x.add("calibrator", Value::str(v.calibrator));
      Value& opts = x.add("calibrator_options", Value::map());
      for (const auto& [k, val] : v.calibrator_options)
        opts.add(k, Value{Value::kOption, val, {}, {}});
      x.add("calibration_samples", Value::num(v.calibration_samples));
      x.add("calibration_seed", Value::unum(v.calibration_seed));
    }
    x.add("per_channel", Value::boolean(v.per_channel));
    x.add("fc_per_channel", Value::boolean(v.fc_per_channel));
    x.add("symmetric_activations", Value::boolean(v.symmetric_activations));
    x.add("io_type", Value::str(std::string(quant::io_type_name(v.io_type))));
    x.add("exclude", str_list_value(v.exclude));
    x.add("dynamic_range_min_elements", Value::num(v.dynamic_range_min_elements));
    vs.items.push_back(std::move(x));
  }
  root.add("exclude", str_list_value(c.exclude));
  root.add("interpreter", Value::map()).add("threads", Value::num(c.interpreter_threads));
  if (c.regularization.empty()) {
    root.add("analysis", str_list_value(c.analysis));
  } else {
    Value& an = root.add("analysis", Value::map());
    an.add("run", str_list_value(c.analysis));
    Value& reg = an.add("regularization", Value::map());
    if (c.regularization.l2) {
      reg.add("l2", Value{Value::kNumber, format_double(*c.regularization.l2), {}, {}});
    }
    Value& layers = reg.add("layers", Value::list());
    for (const auto& [pattern, l2] : c.regularization.layers) {
      Value rule = Value::map();
      rule.add("pattern", Value::str(pattern));
      rule.add("l2", Value{Value::kNumber, format_double(l2), {}, {}});
      layers.items.push_back(std::move(rule));
    }
  }
  Value& met = root.add("metrics", Value::map());
  met.add("layer_samples", Value::num(c.metrics.layer_samples));
  met.add("latency_runs", Value::num(c.metrics.latency_runs));
  Value& rep = root.add("report", Value::map());
  rep.add("formats", str_list_value(c.report.formats));
  rep.add("out", Value::str(c.report.out));
  root.add("plugins", str_list_value(c.plugins));
  return root;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 15];
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

void write_json(const Value& v, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent + 2), ' ');
  switch (v.kind) {
    case Value::kOption:
    case Value::kString:
      out += json_string(v.text);
      return;
    case Value::kNumber:
    case Value::kBool:
      out += v.text;
      return;
    case Value::kList:
      if (v.items.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (size_t i = 0; i < v.items.size(); ++i) {
        out += pad;
        write_json(v.items[i], indent + 2, out);
        out += i + 1 < v.items.size() ? ",\n" : "\n";
      }
      out += std::string(static_cast<size_t>(indent), ' ') + "]";
      return;
    case Value::kMap:
      if (v.keys.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (size_t i = 0; i < v.keys.size(); ++i) {
        out += pad + json_string(v.keys[i]) + ": ";
        write_json(v.values[i], indent + 2, out);
        out += i + 1 < v.keys.size() ? ",\n" : "\n";
      }
      out += std::string(static_cast<size_t>(indent), ' ') + "}";
      return;
  }
}

// A plain YAML scalar only when it cannot be read as anything but this string.
std::string yaml_string(const std::string& s) {
  static const std::set<std::string> reserved = {
      "true", "false", "yes", "no",  "on",   "off",  "null", "~",     "y",   "n",  "True", "False",
      "Yes",  "No",    "On",  "Off", "Null", "NULL", "TRUE", "FALSE", "YES", "NO", "ON",   "OFF"};
  bool plain = !s.empty() && reserved.count(s) == 0 && !(s[0] >= '0' && s[0] <= '9') &&
               s[0] != '-' && s[0] != '+';
  for (char ch : s) {
    if (!(is_key_char(ch) || ch == '.' || ch == '/')) plain = false;
  }
  return plain ? s : json_string(s);
}

std::string scalar_yaml(const Value& v) {
  if (v.kind == Value::kString) return yaml_string(v.text);
  if (v.kind != Value::kOption) return v.text;
  // Plain when YAML reads it back as the same scalar (yaml-cpp reads "null" and "~" as null).
  bool plain = !v.text.empty() && v.text != "null" && v.text != "Null" && v.text != "NULL" &&
               v.text[0] != '-';
  for (char ch : v.text) {
    if (!(is_key_char(ch) || ch == '.' || ch == '+')) plain = false;
  }
  return plain ? v.text : json_string(v.text);
}

void write_yaml(const Value& v, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (v.kind == Value::kMap) {
    for (size_t i = 0; i < v.keys.size(); ++i) {
      const Value& child = v.values[i];
      out += pad + yaml_string(v.keys[i]) + ":";
      if (child.kind == Value::kMap && !child.keys.empty()) {
        out += "\n";
        write_yaml(child, indent + 2, out);
      } else if (child.kind == Value::kList && !child.items.empty()) {
        out += "\n";
        write_yaml(child, indent + 2, out);
      } else if (child.kind == Value::kMap) {
        out += " {}\n";
      } else if (child.kind == Value::kList) {
        out += " []\n";
      } else {
        out += " " + scalar_yaml(child) + "\n";
      }
    }
  } else if (v.kind == Value::kList) {
    for (const Value& item : v.items) {
      if (item.kind == Value::kMap && !item.keys.empty()) {
        // "- key: value" then the other keys indented under it.
        std::string block;
        write_yaml(item, indent + 2, block);
        out += pad + "- " + block.substr(static_cast<size_t>(indent) + 2);
      } else if (item.kind != Value::kList && item.kind != Value::kMap) {
        out += pad + "- " + scalar_yaml(item) + "\n";
      } else {
        out += pad + (item.kind == Value::kMap ? "- {}\n" : "- []\n");
      }
    }
  }
}

}  // namespace

std::string_view model_format_name(ModelFormat f) {
  switch (f) {
    case ModelFormat::kAuto:
      return "auto";
    case ModelFormat::kTflite:
      return "tflite";
    case ModelFormat::kGraphDef:
      return "graphdef";
  }
  return "auto";
}

std::string_view variant_mode_name(VariantMode m) { return mode_names()[static_cast<size_t>(m)]; }

bool uses_calibration(VariantMode m) {
  return m == VariantMode::kInt8 || m == VariantMode::kInt16x8;
}

std::string ExperimentConfig::where(const std::string& path) const {
  auto it = locations.find(path);
  return it == locations.end() ? source : it->second;
}

Result<ExperimentConfig> parse_config(std::string_view yaml_text, const std::string& path,
                                      const std::vector<std::string>& overrides) {
  ExperimentConfig c;
  c.source = path;
  c.source_dir = fs::path(path).parent_path().string();
  if (static_cast<int64_t>(yaml_text.size()) > kMaxConfigBytes) {
    return invalid_argument(str_cat(path, ": config is larger than ", kMaxConfigBytes, " bytes"));
  }
  std::vector<Override> parsed;
  for (const std::string& expr : overrides) {
    QEXP_ASSIGN_OR_RETURN(Override o, parse_override(expr));
    parsed.push_back(std::move(o));
  }
  Reader reader(path, parsed);
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    int64_t budget = kMaxConfigNodes;
    if (!within_node_budget(root, &budget, 0)) {
      return invalid_argument(str_cat(path, ": config has more than ", kMaxConfigNodes,
                                      " nodes (counting each use of an alias) or is nested "
                                      "deeper than 256 levels"));
    }
    if (!root.IsDefined() || root.IsNull()) {
      if (parsed.empty()) return invalid_argument(str_cat(path, ": empty config"));
      root = YAML::Node(YAML::NodeType::Map);
    }
    for (const Override& o : parsed) QEXP_RETURN_IF_ERROR(apply_override(root, o));
    QEXP_RETURN_IF_ERROR(parse_root(reader, root, c));
  } catch (const YAML::Exception& e) {
    const std::string at =
        e.mark.is_null() ? path : str_cat(path, ":", e.mark.line + 1, ":", e.mark.column + 1);
    return invalid_argument(str_cat(at, ": invalid YAML: ", e.msg));
  } catch (const std::bad_alloc&) {
    return resource_exhausted(str_cat(path, ": out of memory while reading the config"));
  } catch (const std::exception& e) {
    return invalid_argument(str_cat(path, ": cannot read config: ", e.what()));
  }
  return c;
}

Status resolve_calibrators(ExperimentConfig& config, const calib::PluginRegistry& registry) {
  for (size_t i = 0; i < config.variants.size(); ++i) {
    VariantConfig& v = config.variants[i];
    if (!uses_calibration(v.mode)) continue;
    const std::string path = str_cat("variants[", i, "]");
    const std::vector<std::string> names = registry.calibrator_names();
    if (std::find(names.begin(), names.end(), v.calibrator) == names.end()) {
      const std::string hint = closest_match(v.calibrator, names);
      return invalid_argument(
          str_cat(config.where(path + ".calibrator"), ": ", path,
                  ".calibrator: unknown calibrator ", qexp::quoted(v.calibrator),
                  hint.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(hint), "?)"),
                  "; available: ", str_join(names, ", ")));
    }
    auto created = registry.create_calibrator(v.calibrator, v.calibrator_options);
    if (!created.ok()) {
      return invalid_argument(str_cat(config.where(path + ".calibrator_options"), ": ", path, " (",
                                      qexp::quoted(v.name), "): ", created.status().message()));
    }
    v.calibrator_options = (*created)->resolved_options();
  }
  return ok_status();
}

namespace {

Status check_file(const ExperimentConfig& c, const std::string& key, const std::string& written,
                  const std::string& resolved, std::string_view what) {
  std::error_code ec;
  const bool regular = fs::is_regular_file(resolved, ec);
  if (regular) return ok_status();
  const bool exists = fs::exists(resolved, ec);
  return not_found(str_cat(c.where(key), ": ", key, ": ", what, " ", qexp::quoted(written),
                           written == resolved ? "" : str_cat(" (", resolved, ")"),
                           exists ? " is not a regular file" : " does not exist"));
}

Status check_manifest(const ExperimentConfig& c, const std::string& section,
                      const std::string& written, const std::string& resolved,
                      const std::string& split) {
  QEXP_RETURN_IF_ERROR(check_file(c, section + ".manifest", written, resolved, "dataset manifest"));
  auto m = data::load_manifest(resolved);
  if (!m.ok()) {
    return Status(m.status().code(), str_cat(c.where(section + ".manifest"), ": ", section,
                                             ".manifest: ", m.status().message()));
  }
  if (m->find_split(split) == nullptr) {
    std::vector<std::string> names;
    for (const auto& s : m->splits) names.push_back(s.name);
    return not_found(str_cat(c.where(section + ".split"), ": ", section, ".split: manifest ",
                             qexp::quoted(written), " has no split ", qexp::quoted(split),
                             "; splits: ", str_join(names, ", ")));
  }
  return ok_status();
}

}  // namespace

Status check_files(const ExperimentConfig& c) {
  std::error_code ec;
  if (!fs::exists(c.model.resolved_path, ec)) {
    return not_found(str_cat(
        c.where("model.path"), ": model.path: model file ", qexp::quoted(c.model.path),
        c.model.path == c.model.resolved_path ? "" : str_cat(" (", c.model.resolved_path, ")"),
        " does not exist",
        fs::path(c.model.path).is_relative()
            ? " (relative paths are relative to the config file's directory)"
            : ""));
  }
  QEXP_RETURN_IF_ERROR(check_file(c, "model.path", c.model.path, c.model.resolved_path, "model"));
  QEXP_RETURN_IF_ERROR(check_manifest(c, "dataset", c.dataset.manifest, c.dataset.resolved_manifest,
                                      c.dataset.split));
  QEXP_RETURN_IF_ERROR(check_manifest(c, "calibration", c.calibration.manifest,
                                      c.calibration.resolved_manifest, c.calibration.split));
  for (size_t i = 0; i < c.plugins.size(); ++i) {
    QEXP_RETURN_IF_ERROR(
        check_file(c, str_cat("plugins[", i, "]"), c.plugins[i], c.resolved_plugins[i], "plugin"));
  }
  return ok_status();
}

Result<ExperimentConfig> load_config(const std::string& path,
                                     const std::vector<std::string>& overrides,
                                     const calib::PluginRegistry* registry) {
  QEXP_ASSIGN_OR_RETURN(std::string text, read_text_file(path, kMaxConfigBytes));
  QEXP_ASSIGN_OR_RETURN(ExperimentConfig c, parse_config(text, path, overrides));
  QEXP_RETURN_IF_ERROR(
      resolve_calibrators(c, registry != nullptr ? *registry : calib::calibrator_registry()));
  QEXP_RETURN_IF_ERROR(check_files(c));
  return c;
}

std::string to_yaml(const ExperimentConfig& config) {
  std::string out;
  write_yaml(to_value(config), 0, out);
  return out;
}

std::string to_json(const ExperimentConfig& config) {
  std::string out;
  write_json(to_value(config), 0, out);
  return out + "\n";
}

std::string config_hash(const ExperimentConfig& config) { return sha256_hex(to_json(config)); }

quant::QuantizeOptions quantize_options(const ExperimentConfig& config, const VariantConfig& v) {
  quant::QuantizeOptions o;
  switch (v.mode) {
    case VariantMode::kFloat16:
      o.mode = quant::QuantMode::kFloat16;
      break;
    case VariantMode::kDynamicRange:
      o.mode = quant::QuantMode::kDynamicRange;
      break;
    case VariantMode::kInt16x8:
      o.mode = quant::QuantMode::kInt16x8;
      break;
    case VariantMode::kFloat:
    case VariantMode::kInt8:
      o.mode = quant::QuantMode::kInt8;
      break;
  }
  o.per_channel = v.per_channel;
  o.fc_per_channel = v.fc_per_channel;
  o.symmetric_activations = v.symmetric_activations;
  o.io_type = v.io_type;
  o.exclude = config.exclude;
  o.exclude.insert(o.exclude.end(), v.exclude.begin(), v.exclude.end());
  o.dynamic_range_min_elements = v.dynamic_range_min_elements;
  return o;
}

CalibrationSetup calibration_setup(const ExperimentConfig& config, const VariantConfig& v) {
  CalibrationSetup s;
  s.manifest = config.calibration.resolved_manifest;
  s.split = config.calibration.split;
  s.samples = v.calibration_samples;
  s.seed = v.calibration_seed;
  s.threads = config.calibration.threads;
  s.histograms = needs_histograms(v.calibrator);
  return s;
}

}  // namespace qexp::exp

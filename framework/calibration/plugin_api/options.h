#pragma once
/// Typed, strictly parsed plugin options.
///
/// A plugin declares its options once: a struct whose member initializers are the defaults, and
/// an OptionsSchema binding each member to a name, a type, an allowed range and a one-line doc.
///
///   struct PercentileOptions {
///     double percentile = 99.99;
///     std::string histogram = "abs";
///   };
///   OptionsSchema<PercentileOptions> schema = OptionsSchema<PercentileOptions>()
///       .add_float("percentile", &PercentileOptions::percentile, 0, 100, "kept mass, in %")
///       .add_enum("histogram", &PercentileOptions::histogram, {"abs", "signed"}, "…");
///
/// Parsing a `key → text` map is strict. Messages (the caller adds context such as
/// "calibrator 'percentile': " or a config location):
///   unknown option 'percentil' (did you mean 'percentile'?); valid options: histogram, percentile
///   percentile: 101 is outside [0, 100]
///   percentile: 'abc' is not a number
///   bins: '1.5' is not an integer
///   symmetric: 'maybe' is not a boolean (true or false)
///   histogram: 'sign' is not one of abs, signed (did you mean 'signed'?)

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "framework/core/status.h"

namespace qexp::calib {

enum class OptionType { kFloat, kInt, kBool, kString, kEnum };

/// "float", "int", "bool", "string", "enum".
std::string_view option_type_name(OptionType type);

/// A parsed option value: double (kFloat), int64_t (kInt), bool (kBool), std::string (kString,
/// kEnum).
using OptionValue = std::variant<double, int64_t, bool, std::string>;

/// Canonical text of a value: shortest round-trip decimal for floats, "true" / "false".
std::string format_option_value(const OptionValue& value);

/// The declaration of one option (for parsing and for `qexp plugins` listings).
struct OptionSpec {
  std::string name;  ///< [a-z][a-z0-9_]*
  OptionType type = OptionType::kFloat;
  std::string default_text;  ///< canonical text of the default
  /// Inclusive bounds for kFloat / kInt (infinite = unbounded).
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;  ///< kEnum
  std::string doc;                   ///< one line
};

/// Parses `text` as a value of `spec` (surrounding whitespace ignored). Floats must be finite
/// decimals, ints decimal integers, bools "true" / "false" (also "1" / "0"), enums one of the
/// choices. Errors (kInvalidArgument) name the option, the text and what is allowed.
Result<OptionValue> parse_option_value(const OptionSpec& spec, std::string_view text);

/// Checks that every key of `values` names an option of `specs`. Error (kInvalidArgument) for
/// the first unknown key (in key order), with the closest valid name and the list of valid ones.
Status check_option_keys(const std::vector<OptionSpec>& specs,
                         const std::map<std::string, std::string>& values);

/// One line per option for listings: "percentile (float, default 99.99, [0, 100]): …".
std::string describe_option(const OptionSpec& spec);

/// Binds the members of an options struct `Opts` (default-constructible; its member
/// initializers are the defaults) to named, typed options.
template <typename Opts>
class OptionsSchema {
 public:
  OptionsSchema& add_float(std::string name, double Opts::*field, double min, double max,
                           std::string doc) {
    return add(
        {std::move(name), OptionType::kFloat, {}, min, max, {}, std::move(doc)},
        [field](Opts& o, const OptionValue& v) { o.*field = std::get<double>(v); },
        [field](const Opts& o) { return OptionValue(o.*field); });
  }
  OptionsSchema& add_int(std::string name, int Opts::*field, int min, int max, std::string doc) {
    return add(
        {std::move(name),
         OptionType::kInt,
         {},
         static_cast<double>(min),
         static_cast<double>(max),
         {},
         std::move(doc)},
        [field](Opts& o, const OptionValue& v) {
          o.*field = static_cast<int>(std::get<int64_t>(v));
        },
        [field](const Opts& o) { return OptionValue(static_cast<int64_t>(o.*field)); });
  }
  OptionsSchema& add_bool(std::string name, bool Opts::*field, std::string doc) {
    return add(
        {std::move(name), OptionType::kBool, {}, 0, 0, {}, std::move(doc)},
        [field](Opts& o, const OptionValue& v) { o.*field = std::get<bool>(v); },
        [field](const Opts& o) { return OptionValue(o.*field); });
  }
  OptionsSchema& add_string(std::string name, std::string Opts::*field, std::string doc) {
    return add(
        {std::move(name), OptionType::kString, {}, 0, 0, {}, std::move(doc)},
        [field](Opts& o, const OptionValue& v) { o.*field = std::get<std::string>(v); },
        [field](const Opts& o) { return OptionValue(o.*field); });
  }
  /// An option whose value is one of `choices`, stored as the chosen text.
  OptionsSchema& add_enum(std::string name, std::string Opts::*field,
                          std::vector<std::string> choices, std::string doc) {
    return add(
        {std::move(name), OptionType::kEnum, {}, 0, 0, std::move(choices), std::move(doc)},
        [field](Opts& o, const OptionValue& v) { o.*field = std::get<std::string>(v); },
        [field](const Opts& o) { return OptionValue(o.*field); });
  }

  /// The declared options in declaration order, defaults filled in from Opts{}.
  const std::vector<OptionSpec>& specs() const { return specs_; }

  /// Opts{} with the given values applied. Strict: unknown keys and bad values are errors.
  Result<Opts> parse(const std::map<std::string, std::string>& values) const {
    QEXP_RETURN_IF_ERROR(check_option_keys(specs_, values));
    Opts opts{};
    for (size_t i = 0; i < specs_.size(); ++i) {
      auto it = values.find(specs_[i].name);
      if (it == values.end()) continue;
      QEXP_ASSIGN_OR_RETURN(OptionValue v, parse_option_value(specs_[i], it->second));
      setters_[i](opts, v);
    }
    return opts;
  }

  /// Every option's value in `opts` as canonical text (the resolved options for reports).
  std::map<std::string, std::string> to_text(const Opts& opts) const {
    std::map<std::string, std::string> out;
    for (size_t i = 0; i < specs_.size(); ++i) {
      out[specs_[i].name] = format_option_value(getters_[i](opts));
    }
    return out;
  }

 private:
  OptionsSchema& add(OptionSpec spec, std::function<void(Opts&, const OptionValue&)> set,
                     std::function<OptionValue(const Opts&)> get) {
    spec.default_text = format_option_value(get(Opts{}));
    specs_.push_back(std::move(spec));
    setters_.push_back(std::move(set));
    getters_.push_back(std::move(get));
    return *this;
  }

  std::vector<OptionSpec> specs_;
  std::vector<std::function<void(Opts&, const OptionValue&)>> setters_;
  std::vector<std::function<OptionValue(const Opts&)>> getters_;
};

}  // namespace qexp::calib

// layers.csv: one row per variant × layer.

#include <string>

#include "framework/core/strings.h"
#include "framework/report/json_view.h"
#include "framework/report/report.h"

namespace qexp::report {
namespace {

using detail::Json;

constexpr const char* kColumns[] = {"index",
                                    "name",
                                    "op",
                                    "dtype",
                                    "sqnr_db",
                                    "rmse",
                                    "scale",
                                    "rmse_over_scale",
                                    "isolated_sqnr_db",
                                    "weight_only_sqnr_db",
                                    "activation_only_sqnr_db"};

// RFC 4180: a field with a comma, a quote or a line break is quoted, quotes doubled.
std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string to_csv(const nlohmann::json& report) {
  std::string out = "variant";
  for (const char* column : kColumns) out += str_cat(",", column);
  out += "\n";
  for (const Json& variant : detail::list(report, "variants")) {
    std::string name = csv_field(detail::text(detail::get(variant, "name")));
    for (const Json& layer : detail::list(variant, "layers")) {
      if (!layer.is_object()) continue;
      out += name;
      for (const char* column : kColumns) {
        out += ",";
        out += csv_field(detail::scalar_text(detail::get(layer, column)));
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace qexp::report

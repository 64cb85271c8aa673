// report.md: the tables of tables.h as GitHub-flavoured Markdown.

#include <string>

#include "framework/core/strings.h"
#include "framework/report/analysis_section.h"
#include "framework/report/report.h"
#include "framework/report/tables.h"

namespace qexp::report {
namespace {

using detail::Item;
using detail::Json;
using detail::Table;

// One table cell or list value on one line: a `|` would end the cell, a line break the row.
std::string md_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\' || c == '|') {
      out += '\\';
      out += c;
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

void append_table(std::string& out, const Table& t) {
  out += "|";
  for (const std::string& h : t.header) out += str_cat(" ", md_escape(h), " |");
  out += "\n|";
  for (size_t i = 0; i < t.header.size(); ++i) {
    out += i < t.numeric.size() && t.numeric[i] ? "---:|" : "---|";
  }
  out += "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (const std::string& cell : row) out += str_cat(" ", md_escape(cell), " |");
    out += "\n";
  }
  out += "\n";
}

void append_items(std::string& out, const std::vector<Item>& items) {
  for (const Item& item : items)
    out += str_cat("- **", item.key, ":** ", md_escape(item.value), "\n");
  out += "\n";
}

void append_section(std::string& out, std::string_view title, const Table& t,
                    std::string_view when_empty) {
  out += str_cat("## ", title, "\n\n");
  if (t.rows.empty()) {
    out += str_cat(when_empty, "\n\n");
  } else {
    append_table(out, t);
  }
}

}  // namespace

std::string to_markdown(const nlohmann::json& report) {
  std::string out = str_cat("# qexp report: ", md_escape(detail::experiment_name(report)), "\n\n");
  append_items(out, detail::run_items(report));
  out += "## Provenance\n\n";
  append_items(out, detail::provenance_items(report));
  append_section(out, "Variants", detail::summary_table(report), "The report lists no variants.");
  out += str_cat("**", md_escape(detail::best_variant_text(report)), "**\n\n");
  Table groups = detail::groups_table(report);
  if (!groups.rows.empty()) append_section(out, "Seed groups", groups, "");
  append_section(out, "Worst layers", detail::worst_layers_table(report),
                 "No per-layer measurements (no quantized variant reported layers).");
  Table failed = detail::failed_table(report);
  if (!failed.rows.empty()) append_section(out, "Variants that did not complete", failed, "");
  out += analysis_markdown(detail::get(report, "analysis"));  // analysis_section.h
  out +=
      "## Timing\n\nMachine-dependent figures, excluded from the report's stability promise.\n\n";
  append_items(out, detail::timing_items(report));
  Table timing = detail::timing_table(report);
  if (!timing.rows.empty()) append_table(out, timing);
  while (out.size() >= 2 && out.ends_with("\n\n")) out.pop_back();
  return out;
}

std::string analysis_markdown(const nlohmann::json& analysis) {
  const detail::WeightsView v = detail::weights_view(analysis);
  if (!v.present) return "";
  std::string out = "## Weight analysis\n\n";
  append_items(out, v.items);
  out += "### Weight layers\n\n";
  append_table(out, v.layers);
  out += "### Regularizers found in the model\n\n";
  if (v.regularizers.rows.empty()) out += "None (no L2Loss node in the model).\n\n";
  if (!v.regularizers.rows.empty()) append_table(out, v.regularizers);
  return out;
}

}  // namespace qexp::report

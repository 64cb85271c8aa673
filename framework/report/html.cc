// report.html: one self-contained, XHTML-compatible page. Everything is inline (CSS, SVG); the
// only links are in-page #anchors, so the file can be mailed or archived on its own.

#include <string>

#include "framework/core/strings.h"
#include "framework/report/analysis_section.h"
#include "framework/report/charts.h"
#include "framework/report/report.h"
#include "framework/report/svg.h"
#include "framework/report/tables.h"

namespace qexp::report {
namespace {

using detail::Item;
using detail::Json;
using detail::Table;
using svg::escape;

constexpr std::string_view kStyle =
    R"(body{font:14px/1.45 sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
nav a{margin-right:12px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
.best{font-weight:bold}.note{color:#666;font-style:italic}
.grid{display:flex;flex-wrap:wrap;gap:8px}svg.chart{background:#fafafa;margin:6px 0}
)";

void append_items(std::string& out, const std::vector<Item>& items) {
  out += "<dl>\n";
  for (const Item& item : items) {
    out += str_cat("<dt>", escape(item.key), "</dt><dd>", escape(item.value), "</dd>\n");
  }
  out += "</dl>\n";
}

void append_table(std::string& out, const Table& t) {
  out += "<table>\n<thead><tr>";
  for (const std::string& h : t.header) out += str_cat("<th>", escape(h), "</th>");
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      bool numeric = i < t.numeric.size() && t.numeric[i];
      out += str_cat(numeric ? "<td class=\"num\">" : "<td>", escape(row[i]), "</td>");
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

void open_section(std::string& out, std::string_view id, std::string_view title) {
  out += str_cat("<section id=\"", id, "\">\n<h2>", escape(title), "</h2>\n");
}

void append_table_section(std::string& out, std::string_view id, std::string_view title,
                          const Table& t, std::string_view when_empty) {
  open_section(out, id, title);
  if (t.rows.empty()) {
    out += str_cat("<p class=\"note\">", escape(when_empty), "</p>\n");
  } else {
    append_table(out, t);
  }
  out += "</section>\n";
}

void append_charts(std::string& out, const Json& report) {
  open_section(out, "accuracy-size", "Accuracy vs size");
  out += detail::accuracy_size_chart(report);
  out += "</section>\n";
  open_section(out, "layer-sqnr", "Per-layer SQNR");
  out += detail::layer_sqnr_chart(report);
  out += "</section>\n";
  open_section(out, "histograms", "Activation histograms of the worst layers");
  std::vector<std::string> hists = detail::histogram_charts(report);
  if (hists.empty()) out += "<p class=\"note\">No activation histograms in this report.</p>\n";
  for (const std::string& h : hists) out += h;
  out += "</section>\n";
  open_section(out, "weights", "Per-channel weight ranges");
  std::vector<std::string> weights = detail::weight_range_charts(report);
  if (weights.empty()) out += "<p class=\"note\">No weight ranges in this report.</p>\n";
  out += "<div class=\"grid\">\n";
  for (const std::string& w : weights) out += w;
  out += "</div>\n</section>\n";
}

constexpr std::string_view kNav =
    "<nav><a href=\"#provenance\">Provenance</a><a href=\"#variants\">Variants</a>"
    "<a href=\"#accuracy-size\">Accuracy vs size</a><a href=\"#layer-sqnr\">Layer SQNR</a>"
    "<a href=\"#worst-layers\">Worst layers</a><a href=\"#histograms\">Histograms</a>"
    "<a href=\"#weights\">Weights</a><a href=\"#timing\">Timing</a></nav>\n";

}  // namespace

std::string to_html(const nlohmann::json& report) {
  std::string title = escape("qexp report: " + detail::experiment_name(report));
  std::string out = str_cat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n", "<title>", title,
      "</title>\n<style>\n", kStyle, "</style>\n</head>\n<body>\n<h1>", title, "</h1>\n", kNav);
  append_items(out, detail::run_items(report));
  open_section(out, "provenance", "Provenance");
  append_items(out, detail::provenance_items(report));
  out += "</section>\n";
  append_table_section(out, "variants", "Variants", detail::summary_table(report),
                       "The report lists no variants.");
  out += str_cat("<p class=\"best\">", escape(detail::best_variant_text(report)), "</p>\n");
  Table groups = detail::groups_table(report);
  if (!groups.rows.empty()) {
    open_section(out, "groups", "Seed groups");
    append_table(out, groups);
    out += detail::groups_chart(report);
    out += "</section>\n";
  }
  append_charts(out, report);
  append_table_section(out, "worst-layers", "Worst layers", detail::worst_layers_table(report),
                       "No per-layer measurements (no quantized variant reported layers).");
  Table failed = detail::failed_table(report);
  if (!failed.rows.empty()) {
    append_table_section(out, "failed", "Variants that did not complete", failed, "");
  }
  out += analysis_html(detail::get(report, "analysis"));  // analysis_section.h
  open_section(out, "timing", "Timing");
  out +=
      "<p class=\"note\">Machine-dependent figures, excluded from the report's stability "
      "promise.</p>\n";
  append_items(out, detail::timing_items(report));
  Table timing = detail::timing_table(report);
  if (!timing.rows.empty()) append_table(out, timing);
  out += "</section>\n</body>\n</html>\n";
  return out;
}

std::string analysis_html(const nlohmann::json& analysis) {
  const detail::WeightsView v = detail::weights_view(analysis);
  if (!v.present) return "";
  std::string out;
  open_section(out, "analysis-weights", "Weight analysis");
  append_items(out, v.items);
  append_table(out, v.layers);
  if (!v.regularizers.rows.empty()) append_table(out, v.regularizers);
  out += "<div class=\"grid\">\n";
  for (const std::string& c : v.charts) out += c;
  out += "</div>\n</section>\n";
  return out;
}

}  // namespace qexp::report

#pragma once
/// Rendering of report.json's `analysis` section (docs/report-schema.md, "analysis"): the
/// `weights` analysis as Markdown tables and as HTML with inline SVG charts (per-layer weight
/// histograms over the int8 grid, per-channel range plots). Used by report.md / report.html and
/// by `qexp analyze --md / --html`. Like the other renderers: pure functions of the JSON that
/// accept any value without throwing (missing parts are skipped or shown as "–").

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "framework/report/tables.h"

namespace qexp::report {

/// "## Weight analysis" and its tables for `analysis` (the object {name: section}); "" when it
/// holds no `weights` section.
std::string analysis_markdown(const nlohmann::json& analysis);  // in markdown.cc

/// `<section id="analysis-weights">` with the same tables plus `chart-wq-<i>` (histogram of layer
/// i's weights, one bar per int8 level, grid cells outlined) and `chart-wc-<i>` (per-channel
/// min / max); "" when there is no `weights` section.
std::string analysis_html(const nlohmann::json& analysis);  // in html.cc

namespace detail {

/// The `weights` section as tables and rendered charts, shared by both writers.
struct WeightsView {
  bool present = false;
  std::vector<Item> items;  ///< model-level figures and the rules
  Table layers, regularizers;
  std::vector<std::string> charts;  ///< <svg> elements: per layer, histogram then channel ranges
};
WeightsView weights_view(const Json& analysis);

}  // namespace detail

}  // namespace qexp::report

#pragma once
/// Internal: the inline SVG charts of report.html, each a complete <svg> element with a stable id.
/// A chart without data still renders (axes and a note), so every id is always present.

#include <string>
#include <vector>

#include "framework/report/json_view.h"

namespace qexp::report::detail {

/// `chart-accuracy-size`: top-1 % over model size, one labelled point per variant.
std::string accuracy_size_chart(const Json& report);
/// `chart-layer-sqnr`: per-layer SQNR, one line per variant over the layers in graph order.
std::string layer_sqnr_chart(const Json& report);
/// `chart-groups`: top-1 mean with its 95 % confidence interval per seed group, and the
/// baseline; "" if the report has no groups.
std::string groups_chart(const Json& report);
/// `chart-hist-<i>`: one per activation_histograms[i], log-scaled counts, ranges marked.
std::vector<std::string> histogram_charts(const Json& report);
/// `chart-weights-<i>`: one per weight_ranges[i], the per-channel [min, max] band.
std::vector<std::string> weight_range_charts(const Json& report);

}  // namespace qexp::report::detail

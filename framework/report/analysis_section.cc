// The `analysis.weights` section of report.json as Markdown and HTML (+ inline SVG).

#include "framework/report/analysis_section.h"

#include <algorithm>
#include <cmath>

#include "framework/core/strings.h"
#include "framework/report/json_view.h"
#include "framework/report/svg.h"
#include "framework/report/tables.h"

namespace qexp::report {
namespace {

using detail::fixed_or;
using detail::get;
using detail::get_path;
using detail::Json;
using detail::list;
using detail::Table;
using detail::text;

std::string join_list(const Json& values) {
  std::string out;
  if (!values.is_array()) return out;
  for (const Json& v : values) out += str_cat(out.empty() ? "" : ", ", text(v));
  return out;
}

std::string regularization_text(const Json& layer) {
  const Json& r = get(layer, "regularization");
  if (!r.is_object()) return "none";
  return str_cat(detail::scalar_text(get(r, "l2")), " (", text(get(r, "source")), ")");
}

Table layer_table(const Json& w) {
  Table t;
  t.header = {"layer",
              "op",
              "L2",
              "kurtosis",
              "crest",
              "ch. spread",
              "BN max ratio",
              "pred. dB tensor",
              "meas. dB tensor",
              "pred. dB channel",
              "meas. dB channel",
              "score",
              "recommendations"};
  t.numeric = {false, false, false, true, true, true, true, true, true, true, true, true, false};
  for (const Json& l : list(w, "layers")) {
    t.rows.push_back({text(get(l, "op")), text(get(l, "type")), regularization_text(l),
                      fixed_or(get_path(l, {"stats", "kurtosis"}), 2),
                      fixed_or(get_path(l, {"stats", "crest_factor"}), 2),
                      fixed_or(get_path(l, {"channels", "range_spread"}), 1),
                      fixed_or(get_path(l, {"bn_fold", "abs_max_ratio"}), 2),
                      fixed_or(get_path(l, {"int8", "per_tensor", "predicted_sqnr_db"}), 2),
                      fixed_or(get_path(l, {"int8", "per_tensor", "measured_sqnr_db"}), 2),
                      fixed_or(get_path(l, {"int8", "per_channel", "predicted_sqnr_db"}), 2),
                      fixed_or(get_path(l, {"int8", "per_channel", "measured_sqnr_db"}), 2),
                      fixed_or(get(l, "score"), 0), join_list(get(l, "recommendations"))});
  }
  return t;
}

Table regularizer_table(const Json& w) {
  Table t;
  t.header = {"L2Loss node", "weight", "op", "source", "L2 scale", "status"};
  t.numeric = {false, false, false, false, true, false};
  for (const Json& f : list(w, "regularizers")) {
    std::string status = text(get(f, "status"));
    if (!text(get(f, "reason")).empty()) status += str_cat(": ", text(get(f, "reason")));
    t.rows.push_back({text(get(f, "node")), text(get(f, "weight")), text(get(f, "op")),
                      text(get(f, "source")), detail::scalar_text(get(f, "l2")), status});
  }
  return t;
}

std::vector<detail::Item> model_items(const Json& w) {
  const Json& m = get(w, "model");
  const Json& p = get(w, "prediction");
  auto agreement = [&](const char* g) {
    const Json& a = get(p, g);
    return str_cat(detail::scalar_text(get(a, "within_1_5_db")), " of ",
                   detail::scalar_text(get(a, "layers")), " layers within 1.5 dB; Spearman ",
                   fixed_or(get(a, "spearman"), 3));
  };
  std::vector<detail::Item> items = {
      {"quantizability score", str_cat(fixed_or(get(m, "score"), 1), " (worst layer ",
                                       fixed_or(get(m, "min_score"), 1), ")")},
      {"mean kurtosis", fixed_or(get(m, "mean_kurtosis"), 2)},
      {"mean crest factor", fixed_or(get(m, "mean_crest_factor"), 2)},
      {"mean channel-range spread", fixed_or(get(m, "mean_channel_range_spread"), 1)},
      {"prediction per-tensor", agreement("per_tensor")},
      {"prediction per-channel", agreement("per_channel")},
      {"unregularized",
       list(w, "unregularized").empty() ? "none" : join_list(get(w, "unregularized"))},
      {"rules", text(get(w, "rules"))}};
  for (const Json& r : list(p, "run")) {
    items.push_back({str_cat("predicted vs run weight-only SQNR, ", text(get(r, "variant"))),
                     str_cat("Spearman ", fixed_or(get(r, "spearman"), 3), " over ",
                             detail::scalar_text(get(r, "layers")), " layers")});
  }
  return items;
}

// One bar per int8 level (the histogram's bins are the quantization cells), grid lines every 8
// levels and at the clamp bounds ±127.5 steps.
std::string histogram_chart(const Json& l, size_t i) {
  const Json& counts = get_path(l, {"histogram", "counts"});
  const std::optional<double> step = detail::number(get_path(l, {"histogram", "step"}));
  if (!counts.is_array() || counts.size() != 255 || !step || !(*step > 0)) return "";
  double top = 1;
  for (const Json& c : counts) top = std::max(top, detail::number(c).value_or(0));
  const double edge = 127.5 * *step;
  svg::Chart chart(str_cat("chart-wq-", i),
                   str_cat(text(get(l, "tensor")), ": weights per int8 level (per-tensor grid)"),
                   svg::nice_axis(-edge, edge), svg::nice_axis(0, top), 420, 220);
  chart.set_axis_labels("weight", "count");
  for (int k = -120; k <= 120; k += 8) {
    chart.vline((k - 0.5) * *step, "#bbbbbb", true, str_cat("level ", k, " starts"));
  }
  chart.vline(-edge, "#d62728", false, "-127.5 steps: clamp");
  chart.vline(edge, "#d62728", false, "+127.5 steps: clamp");
  for (size_t b = 0; b < counts.size(); ++b) {
    const double n = detail::number(counts[b]).value_or(0);
    if (n <= 0) continue;
    const double level = static_cast<double>(b) - 127.0;
    chart.bar((level - 0.5) * *step, (level + 0.5) * *step, 0, n, svg::palette(0),
              str_cat("level ", static_cast<int>(level), ": ", static_cast<int64_t>(n)));
  }
  return chart.render();
}

std::string channel_chart(const Json& l, size_t i) {
  const Json& lo = get_path(l, {"channels", "min"});
  const Json& hi = get_path(l, {"channels", "max"});
  if (!lo.is_array() || !hi.is_array() || lo.empty() || lo.size() != hi.size()) return "";
  double a = 0, b = 0;
  for (size_t c = 0; c < lo.size(); ++c) {
    a = std::min(a, detail::number(lo[c]).value_or(0));
    b = std::max(b, detail::number(hi[c]).value_or(0));
  }
  const double n = static_cast<double>(lo.size());
  svg::Chart chart(str_cat("chart-wc-", i), str_cat(text(get(l, "tensor")), ": range per channel"),
                   svg::nice_axis(0, n), svg::nice_axis(a, b), 420, 220);
  chart.set_axis_labels("output channel", "weight");
  for (size_t c = 0; c < lo.size(); ++c) {
    const double x = static_cast<double>(c) + 0.5;
    const double y0 = detail::number(lo[c]).value_or(0), y1 = detail::number(hi[c]).value_or(0);
    chart.segment({x, y0}, {x, y1}, svg::palette(1),
                  str_cat("channel ", c, ": [", svg::num(y0, 4), ", ", svg::num(y1, 4), "]"));
  }
  return chart.render();
}

}  // namespace

namespace detail {

WeightsView weights_view(const Json& analysis) {
  WeightsView v;
  const Json& w = get(analysis, "weights");
  if (!w.is_object()) return v;
  v.present = true;
  v.items = model_items(w);
  v.layers = layer_table(w);
  v.regularizers = regularizer_table(w);
  size_t i = 0;
  for (const Json& l : list(w, "layers")) {
    v.charts.push_back(histogram_chart(l, i));
    v.charts.push_back(channel_chart(l, i));
    ++i;
  }
  std::erase(v.charts, std::string());
  return v;
}

}  // namespace detail
}  // namespace qexp::report

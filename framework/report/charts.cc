#include "framework/report/charts.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "framework/core/strings.h"
#include "framework/report/svg.h"

namespace qexp::report::detail {
namespace {

using svg::Point;

constexpr double kInf = std::numeric_limits<double>::infinity();

// Running [lo, hi] of the finite values seen.
struct Extent {
  double lo = kInf;
  double hi = -kInf;
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

svg::Axis axis_of(const Extent& e, int target = 5) {
  return e.empty() ? svg::nice_axis(0, 1, target) : svg::nice_axis(e.lo, e.hi, target);
}

// Numbers of a JSON array; non-numbers become NaN so positions stay aligned.
std::vector<double> numbers(const Json& array) {
  std::vector<double> out;
  if (!array.is_array()) return out;
  for (const Json& v : array) out.push_back(number(v).value_or(std::nan("")));
  return out;
}

// A variant keeps one colour in every chart: the palette entry of its position in `variants`.
std::string variant_color(const Json& report, const std::string& name) {
  const Json& variants = list(report, "variants");
  for (size_t i = 0; i < variants.size(); ++i) {
    if (text(get(variants[i], "name")) == name) return svg::palette(i);
  }
  return "#444444";
}

std::string no_data_note(std::string_view what) {
  return str_cat("<p class=\"note\">No ", what, " in this report.</p>\n");
}

}  // namespace

std::string accuracy_size_chart(const Json& report) {
  struct Dot {
    std::string name, mode;
    double bytes, top1;
  };
  std::vector<Dot> dots;
  Extent top1;
  double max_bytes = 0;
  for (const Json& v : list(report, "variants")) {
    auto bytes = number(get(v, "size_bytes"));
    auto pct = number(get_path(v, {"accuracy", "top1", "percent"}));
    if (!bytes || !pct || !std::isfinite(*bytes) || !std::isfinite(*pct)) continue;
    dots.push_back({text(get(v, "name")), text(get(v, "mode")), *bytes, *pct});
    top1.add(*pct);
    max_bytes = std::max(max_bytes, *bytes);
  }
  bool mega = max_bytes >= 1e6;
  double unit = mega ? 1e6 : 1e3;
  svg::Chart chart("chart-accuracy-size", "Top-1 accuracy vs model size",
                   svg::nice_axis(0, max_bytes > 0 ? max_bytes / unit : 1), axis_of(top1));
  chart.set_axis_labels(mega ? "size (MB, 10^6 bytes)" : "size (kB, 10^3 bytes)", "top-1 %");
  for (const Dot& d : dots) {
    std::string color = variant_color(report, d.name);
    std::string tip = str_cat(d.name, " (", d.mode, "): top-1 ", svg::num(d.top1, 2), " %, ",
                              svg::num(d.bytes, 0), " bytes");
    chart.point({d.bytes / unit, d.top1}, color, tip, d.name);
    chart.add_legend({color, str_cat(d.name, " (", d.mode, ")")});
  }
  return chart.render() + (dots.empty() ? no_data_note("variant with accuracy and size") : "");
}

// A layer's SQNR: a number, or null for an exact result. A missing key or a wrong type is not
// plottable.
bool plottable_sqnr(const Json& layer) {
  return has(layer, "sqnr_db") &&
         (get(layer, "sqnr_db").is_null() || number(get(layer, "sqnr_db")));
}

// Every layer name across variants in first-seen order (names are stable across variants), the
// range of the measured SQNRs and whether any result is exact.
struct LayerScan {
  std::map<std::string, size_t> position;
  Extent sqnr;
  bool any_exact = false;
};

LayerScan scan_layers(const Json& report) {
  LayerScan scan;
  for (const Json& v : list(report, "variants")) {
    for (const Json& l : list(v, "layers")) {
      if (!plottable_sqnr(l)) continue;
      scan.position.emplace(text(get(l, "name")), scan.position.size());
      std::optional<double> s = number(get(l, "sqnr_db"));
      if (s) scan.sqnr.add(*s);
      scan.any_exact |= !s;
    }
  }
  return scan;
}

std::string layer_sqnr_chart(const Json& report) {
  LayerScan scan = scan_layers(report);
  svg::Axis y = axis_of(scan.sqnr);
  // Exact results go on the top edge, one tick step above the last labelled tick, so they
  // cannot be mistaken for a measured value.
  if (scan.any_exact && y.ticks.size() >= 2) y.hi += y.ticks[1] - y.ticks[0];
  double last = scan.position.empty() ? 1 : double(scan.position.size() - 1);
  svg::Chart chart("chart-layer-sqnr", "Per-layer SQNR (accumulated error)",
                   svg::nice_axis(0, last, 8), y, 720, 340);
  chart.set_axis_labels("layer position in graph order (hover a point for its name)", "SQNR dB");
  if (scan.any_exact) chart.hline(y.hi, "#444444", true);
  size_t series = 0;
  for (const Json& v : list(report, "variants")) {
    std::vector<Point> line;
    std::vector<std::string> tips;
    std::string name = text(get(v, "name"));
    for (const Json& l : list(v, "layers")) {
      if (!plottable_sqnr(l)) continue;
      std::string layer = text(get(l, "name"));
      std::optional<double> s = number(get(l, "sqnr_db"));
      line.push_back({double(scan.position[layer]), s.value_or(y.hi)});
      std::string db = s ? str_cat(svg::num(*s, 2), " dB") : "exact (∞ dB)";
      tips.push_back(str_cat(name, " · ", layer, " (", text(get(l, "op")), "): ", db));
    }
    if (line.empty()) continue;
    std::string color = variant_color(report, name);
    ++series;
    chart.polyline(line, color, name);
    for (size_t i = 0; i < line.size(); ++i) chart.point(line[i], color, tips[i]);
    chart.add_legend({color, name});
  }
  if (scan.any_exact) {
    chart.add_legend({"#444444", "exact result (SQNR ∞ dB), drawn on the top edge", true});
  }
  return chart.render() + (series == 0 ? no_data_note("per-layer measurement") : "");
}

std::string groups_chart(const Json& report) {
  struct Interval {
    std::string name;
    double mean, ci95;
    std::string n;
  };
  std::vector<Interval> groups;
  Extent x;
  for (const Json& g : list(report, "groups")) {
    auto mean = number(get(g, "top1_mean"));
    if (!mean || !std::isfinite(*mean)) continue;
    double ci = std::abs(number(get(g, "top1_ci95")).value_or(0));
    if (!std::isfinite(ci)) ci = 0;
    groups.push_back({text(get(g, "name"), "?"), *mean, ci, scalar_text(get(g, "n"))});
    x.add(*mean - ci);
    x.add(*mean + ci);
  }
  if (groups.empty()) return "";
  std::optional<double> baseline;
  std::string baseline_name = text(get(report, "baseline"));
  for (const Json& v : list(report, "variants")) {
    if (!baseline_name.empty() && text(get(v, "name")) == baseline_name) {
      baseline = number(get_path(v, {"accuracy", "top1", "percent"}));
    }
  }
  if (baseline) x.add(*baseline);
  // One row per group, top to bottom in report order; the y axis carries no numbers.
  svg::Axis y{-0.5, double(groups.size()) - 0.5, {}, 0};
  svg::Chart chart("chart-groups", "Top-1 per seed group: mean and 95 % confidence interval",
                   axis_of(x), y, 720, 100 + 28 * int(groups.size()));
  chart.set_axis_labels("top-1 %", "");
  if (baseline) {
    chart.vline(*baseline, "#444444", true, str_cat("baseline ", svg::num(*baseline, 2), " %"));
    chart.add_legend({"#444444", str_cat("baseline (", baseline_name, ")"), true});
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    const Interval& g = groups[i];
    double row = double(groups.size() - 1 - i);
    std::string tip = str_cat(g.name, ": ", svg::num(g.mean, 2), " ± ", svg::num(g.ci95, 2),
                              " % (n = ", g.n, ")");
    chart.segment({g.mean - g.ci95, row}, {g.mean + g.ci95, row}, svg::palette(i), tip);
    chart.point({g.mean, row}, svg::palette(i), tip, g.name);
  }
  return chart.render();
}

std::vector<std::string> histogram_charts(const Json& report) {
  std::vector<std::string> out;
  for (const Json& h : list(report, "activation_histograms")) {
    std::vector<double> counts = numbers(get(h, "counts"));
    double lo = number(get(h, "lo")).value_or(0), hi = number(get(h, "hi")).value_or(0);
    Extent x, y;
    x.add(lo);
    x.add(hi);
    for (double c : counts) y.add(std::log10(1 + std::max(c, 0.0)));
    const Json& ranges = list(h, "ranges");
    for (const Json& r : ranges) {
      x.add(number(get(r, "min")).value_or(lo));
      x.add(number(get(r, "max")).value_or(hi));
    }
    y.add(0);
    std::string tensor = text(get(h, "tensor"), "?");
    svg::Chart chart(str_cat("chart-hist-", out.size()), "Activation histogram of " + tensor,
                     axis_of(x), axis_of(y, 4));
    chart.set_axis_labels("activation value", "log10(1 + count)");
    double w = counts.empty() ? 0 : (hi - lo) / double(counts.size());
    for (size_t i = 0; i < counts.size(); ++i) {
      if (!(counts[i] > 0)) continue;
      double b0 = lo + double(i) * w, b1 = b0 + w;
      chart.bar(
          b0, b1, 0, std::log10(1 + counts[i]), "#9a9a9a",
          str_cat("[", svg::num(b0, 4), ", ", svg::num(b1, 4), "): ", svg::num(counts[i], 0)));
    }
    for (size_t j = 0; j < ranges.size(); ++j) {
      const Json& r = ranges[j];
      std::string color = variant_color(report, text(get(r, "variant")));
      auto clipped = number(get(r, "clipped_fraction"));
      std::string label =
          str_cat(text(get(r, "variant"), "?"), " (", text(get(r, "calibrator"), "?"), "): [",
                  fixed_or(get(r, "min"), 4), ", ", fixed_or(get(r, "max"), 4), "], clipped ",
                  clipped ? fixed(*clipped * 100, 3) : "–", " %");
      for (const char* key : {"min", "max"}) {
        if (auto v = number(get(r, key))) chart.vline(*v, color, j % 2 == 1, label);
      }
      chart.add_legend({color, label, j % 2 == 1});
    }
    out.push_back(chart.render());
  }
  return out;
}

std::vector<std::string> weight_range_charts(const Json& report) {
  std::vector<std::string> out;
  for (const Json& wr : list(report, "weight_ranges")) {
    std::vector<double> mins = numbers(get(wr, "min")), maxs = numbers(get(wr, "max"));
    size_t channels = std::min(mins.size(), maxs.size());
    std::vector<Point> upper, lower;
    Extent y;
    y.add(0);
    for (size_t c = 0; c < channels; ++c) {
      if (!std::isfinite(mins[c]) || !std::isfinite(maxs[c])) continue;
      upper.push_back({double(c) + 0.5, maxs[c]});
      lower.push_back({double(c) + 0.5, mins[c]});
      y.add(mins[c]);
      y.add(maxs[c]);
    }
    std::string tensor = text(get(wr, "tensor"), "?");
    svg::Chart chart(str_cat("chart-weights-", out.size()), tensor,
                     svg::nice_axis(0, double(std::max<size_t>(channels, 1)), 4), axis_of(y, 4),
                     360, 200);
    chart.set_axis_labels(str_cat(text(get(wr, "op"), "?"), ": ", channels, " output channels"),
                          "weight value");
    chart.hline(0, "#444444", true);
    if (!upper.empty()) {
      std::string tip = str_cat(tensor, ": per-channel weight range, overall [", svg::num(y.lo, 4),
                                ", ", svg::num(y.hi, 4), "]");
      chart.band(upper, lower, svg::palette(0), tip);
    }
    out.push_back(chart.render());
  }
  return out;
}

}  // namespace qexp::report::detail

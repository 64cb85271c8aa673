#include "framework/report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "framework/core/strings.h"
#include "framework/report/json_view.h"

namespace qexp::report::svg {
namespace {

constexpr int kLeft = 64, kRight = 16, kTop = 28, kBottom = 44, kLegendRow = 16;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the UTF-8 character at s[i] if it is valid and XML allows it, else 0.
size_t xml_char_length(std::string_view s, size_t i) {
  size_t n = detail::utf8_length(s, i);
  if (n == 0) return 0;
  uint32_t c = static_cast<uint8_t>(s[i]);
  if (n == 1) return c >= 0x20 || c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
  // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters either.
  bool non_char = n == 3 && c == 0xEF && static_cast<uint8_t>(s[i + 1]) == 0xBF &&
                  static_cast<uint8_t>(s[i + 2]) >= 0xBE;
  return non_char ? 0 : n;
}

// At most `max_chars` code points of `s` (titles are bold 13 px: about 9 px per character): longer
// text keeps its end (the most specific part of a tensor name) behind a leading ellipsis.
std::string fit_text(std::string_view s, size_t max_chars) {
  std::vector<size_t> starts;  // byte offset of each code point
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<uint8_t>(s[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() <= max_chars || max_chars < 2) return std::string(s);
  return str_cat("…", s.substr(starts[starts.size() - (max_chars - 1)]));
}

std::string points_attr(const std::vector<Point>& points) {
  std::string out;
  for (const Point& p : points) {
    if (!out.empty()) out += ' ';
    out += str_cat(num(p.x), ",", num(p.y));
  }
  return out;
}

std::string title_element(std::string_view tooltip) {
  return tooltip.empty() ? "" : str_cat("<title>", escape(tooltip), "</title>");
}

}  // namespace

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = xml_char_length(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    switch (s[i]) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string num(double v, int decimals) {
  if (!std::isfinite(v)) v = 0;  // callers clamp; a NaN must still not break the markup
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  std::string s = buf;
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

Axis nice_axis(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
    double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / std::max(target, 1);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  Axis a;
  int64_t first = static_cast<int64_t>(std::floor(lo / step + 1e-9));
  int64_t last = static_cast<int64_t>(std::ceil(hi / step - 1e-9));
  a.lo = static_cast<double>(first) * step;
  a.hi = static_cast<double>(last) * step;
  for (int64_t k = first; k <= last; ++k) a.ticks.push_back(static_cast<double>(k) * step);
  a.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return a;
}

std::string palette(size_t i) {
  // Okabe–Ito colours, readable for the common colour-vision deficiencies.
  static constexpr const char* kColors[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                            "#E69F00", "#56B4E9", "#000000", "#999999"};
  return kColors[i % (sizeof(kColors) / sizeof(kColors[0]))];
}

Chart::Chart(std::string id, std::string title, Axis x, Axis y, int width, int height)
    : id_(std::move(id)),
      title_(std::move(title)),
      x_(std::move(x)),
      y_(std::move(y)),
      width_(std::max(width, kLeft + kRight + 40)),
      height_(std::max(height, kTop + kBottom + 40)) {}

void Chart::set_axis_labels(std::string x_label, std::string y_label) {
  x_label_ = std::move(x_label);
  y_label_ = std::move(y_label);
}

double Chart::sx(double x) const {
  double t = x_.hi > x_.lo ? (x - x_.lo) / (x_.hi - x_.lo) : 0.5;
  if (std::isnan(t)) t = 0.5;
  return kLeft + std::clamp(t, 0.0, 1.0) * (width_ - kLeft - kRight);
}

double Chart::sy(double y) const {
  double t = y_.hi > y_.lo ? (y - y_.lo) / (y_.hi - y_.lo) : 0.5;
  if (std::isnan(t)) t = 0.5;
  return height_ - kBottom - std::clamp(t, 0.0, 1.0) * (height_ - kTop - kBottom);
}

void Chart::point(Point p, std::string_view color, std::string_view tooltip,
                  std::string_view label) {
  double cx = sx(p.x), cy = sy(p.y);
  body_ += str_cat("<circle cx=\"", num(cx), "\" cy=\"", num(cy), "\" r=\"4\" fill=\"",
                   escape(color), "\">", title_element(tooltip), "</circle>\n");
  if (label.empty()) return;
  // Labels of nearby points would overprint each other: move a label down a little until it is
  // clear, and leave it out (the tooltip and legend still name the point) if that does not help.
  double ly = cy - 6;
  for (int moves = 0;; ++moves) {
    auto clash = std::find_if(labels_.begin(), labels_.end(), [&](const Point& placed) {
      return std::abs(placed.x - (cx + 6)) < 90 && std::abs(placed.y - ly) < 11;
    });
    if (clash == labels_.end()) break;
    if (moves == 2 || clash->y + 11 > height_ - kBottom) return;
    ly = clash->y + 11;
  }
  labels_.push_back({cx + 6, ly});
  body_ += str_cat("<text x=\"", num(cx + 6), "\" y=\"", num(ly), "\" font-size=\"10\">",
                   escape(label), "</text>\n");
}

void Chart::bar(double x0, double x1, double y0, double y1, std::string_view color,
                std::string_view tooltip) {
  double left = std::min(sx(x0), sx(x1)), right = std::max(sx(x0), sx(x1));
  double top = std::min(sy(y0), sy(y1)), bottom = std::max(sy(y0), sy(y1));
  body_ += str_cat("<rect x=\"", num(left), "\" y=\"", num(top), "\" width=\"", num(right - left),
                   "\" height=\"", num(bottom - top), "\" fill=\"", escape(color), "\">",
                   title_element(tooltip), "</rect>\n");
}

void Chart::polyline(const std::vector<Point>& points, std::string_view color,
                     std::string_view tooltip) {
  std::vector<Point> px;
  for (const Point& p : points) px.push_back({sx(p.x), sy(p.y)});
  body_ +=
      str_cat("<polyline points=\"", points_attr(px), "\" fill=\"none\" stroke=\"", escape(color),
              "\" stroke-width=\"1.5\">", title_element(tooltip), "</polyline>\n");
}

void Chart::band(const std::vector<Point>& upper, const std::vector<Point>& lower,
                 std::string_view color, std::string_view tooltip) {
  std::vector<Point> outline;
  for (const Point& p : upper) outline.push_back({sx(p.x), sy(p.y)});
  for (auto it = lower.rbegin(); it != lower.rend(); ++it)
    outline.push_back({sx(it->x), sy(it->y)});
  body_ += str_cat("<polygon points=\"", points_attr(outline), "\" fill=\"", escape(color),
                   "\" fill-opacity=\"0.35\" stroke=\"", escape(color), "\" stroke-width=\"1\">",
                   title_element(tooltip), "</polygon>\n");
}

void Chart::segment(Point a, Point b, std::string_view color, std::string_view tooltip) {
  body_ += str_cat("<line x1=\"", num(sx(a.x)), "\" y1=\"", num(sy(a.y)), "\" x2=\"", num(sx(b.x)),
                   "\" y2=\"", num(sy(b.y)), "\" stroke=\"", escape(color),
                   "\" stroke-width=\"2\">", title_element(tooltip), "</line>\n");
}

void Chart::vline(double x, std::string_view color, bool dashed, std::string_view tooltip) {
  std::string px = num(sx(x));
  body_ +=
      str_cat("<line x1=\"", px, "\" y1=\"", num(sy(y_.lo)), "\" x2=\"", px, "\" y2=\"",
              num(sy(y_.hi)), "\" stroke=\"", escape(color), "\" stroke-width=\"1.5\"",
              dashed ? " stroke-dasharray=\"5 3\"" : "", ">", title_element(tooltip), "</line>\n");
}

void Chart::hline(double y, std::string_view color, bool dashed) {
  std::string py = num(sy(y));
  body_ += str_cat("<line x1=\"", num(sx(x_.lo)), "\" y1=\"", py, "\" x2=\"", num(sx(x_.hi)),
                   "\" y2=\"", py, "\" stroke=\"", escape(color), "\"",
                   dashed ? " stroke-dasharray=\"5 3\"" : "", "/>\n");
}

void Chart::add_legend(LegendEntry entry) { legend_.push_back(std::move(entry)); }

std::string Chart::axes() const {
  std::string out = str_cat("<rect x=\"", kLeft, "\" y=\"", kTop, "\" width=\"",
                            width_ - kLeft - kRight, "\" height=\"", height_ - kTop - kBottom,
                            "\" fill=\"#ffffff\" stroke=\"#444444\"/>\n");
  for (double t : y_.ticks) {
    std::string py = num(sy(t));
    out += str_cat("<line x1=\"", kLeft, "\" y1=\"", py, "\" x2=\"", width_ - kRight, "\" y2=\"",
                   py, "\" stroke=\"#e4e4e4\"/>\n<text x=\"", kLeft - 4, "\" y=\"", num(sy(t) + 3),
                   "\" font-size=\"10\" text-anchor=\"end\">", num(t, y_.decimals), "</text>\n");
  }
  for (double t : x_.ticks) {
    std::string px = num(sx(t));
    out += str_cat("<line x1=\"", px, "\" y1=\"", height_ - kBottom, "\" x2=\"", px, "\" y2=\"",
                   height_ - kBottom + 4, "\" stroke=\"#444444\"/>\n<text x=\"", px, "\" y=\"",
                   height_ - kBottom + 15, "\" font-size=\"10\" text-anchor=\"middle\">",
                   num(t, x_.decimals), "</text>\n");
  }
  out += str_cat("<text x=\"", num((kLeft + width_ - kRight) / 2.0), "\" y=\"", height_ - 8,
                 "\" font-size=\"11\" text-anchor=\"middle\">", escape(x_label_), "</text>\n");
  std::string cy = num((kTop + height_ - kBottom) / 2.0);
  out += str_cat("<text x=\"14\" y=\"", cy, "\" font-size=\"11\" text-anchor=\"middle\" ",
                 "transform=\"rotate(-90 14 ", cy, ")\">", escape(y_label_), "</text>\n");
  return out;
}

std::string Chart::render() const {
  int total_height = height_ + static_cast<int>(legend_.size()) * kLegendRow;
  std::string out = str_cat(
      "<svg id=\"", escape(id_), "\" class=\"chart\" width=\"", width_, "\" height=\"",
      total_height, "\" viewBox=\"0 0 ", width_, " ", total_height, "\" role=\"img\">\n<title>",
      escape(title_), "</title>\n<text x=\"8\" y=\"18\" font-size=\"13\" ", "font-weight=\"bold\">",
      escape(fit_text(title_, static_cast<size_t>((width_ - 16) / 9))), "</text>\n");
  out += axes();
  out += body_;
  for (size_t i = 0; i < legend_.size(); ++i) {
    int y = height_ + static_cast<int>(i) * kLegendRow + 4;
    const LegendEntry& e = legend_[i];
    out += str_cat("<line x1=\"", kLeft, "\" y1=\"", y, "\" x2=\"", kLeft + 18, "\" y2=\"", y,
                   "\" stroke=\"", escape(e.color), "\" stroke-width=\"3\"",
                   e.dashed ? " stroke-dasharray=\"5 3\"" : "", "/>\n<text x=\"", kLeft + 24,
                   "\" y=\"", y + 4, "\" font-size=\"11\">", escape(e.label), "</text>\n");
  }
  out += "</svg>\n";
  return out;
}

}  // namespace qexp::report::svg

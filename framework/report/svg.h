#pragma once
/// Internal: a small deterministic SVG chart builder (axes, ticks, labels, bars, points, lines,
/// bands, legend) for the inline charts of report.html. Coordinates are printed with fixed
/// precision, so the same calls always give the same bytes. Output is well-formed XML.

#include <string>
#include <string_view>
#include <vector>

namespace qexp::report::svg {

/// Escapes text and attribute values for XML (&, <, >, ", '); control characters XML forbids and
/// invalid UTF-8 bytes become U+FFFD.
std::string escape(std::string_view s);

/// `v` with exactly `decimals` decimals ("12.5" for 12.5 and 1); "-0.0" prints as "0.0".
std::string num(double v, int decimals = 1);

/// One axis: the data range it shows and where its labelled ticks are.
struct Axis {
  double lo = 0;
  double hi = 1;
  std::vector<double> ticks;
  int decimals = 0;  ///< decimals of the tick labels
};

/// An axis covering [lo, hi], widened outward to multiples of a 1-2-5 step with about `target`
/// intervals. A degenerate or non-finite range gets a sensible non-empty span.
Axis nice_axis(double lo, double hi, int target = 5);

/// The i-th colour of a fixed, colour-blind-friendly palette (cycles).
std::string palette(size_t i);

struct Point {
  double x = 0;
  double y = 0;
};

struct LegendEntry {
  std::string color;
  std::string label;
  bool dashed = false;
};

/// A chart with a title, a plot area and axes. Data outside the axes is clamped to the frame.
class Chart {
 public:
  /// `id` becomes the id attribute of the <svg> element; width/height are of the plot area
  /// plus its fixed margins (the legend adds height below).
  Chart(std::string id, std::string title, Axis x, Axis y, int width = 640, int height = 320);

  void set_axis_labels(std::string x_label, std::string y_label);
  /// Marker with a hover tooltip and an optional text label next to it.
  void point(Point p, std::string_view color, std::string_view tooltip,
             std::string_view label = "");
  /// Filled rectangle spanning [x0, x1] × [y0, y1] in data coordinates.
  void bar(double x0, double x1, double y0, double y1, std::string_view color,
           std::string_view tooltip);
  void polyline(const std::vector<Point>& points, std::string_view color, std::string_view tooltip);
  /// Translucent area between `upper` and `lower` (same x positions), outlined in `color`.
  void band(const std::vector<Point>& upper, const std::vector<Point>& lower,
            std::string_view color, std::string_view tooltip);
  /// Straight line between two data points (error bars, whiskers).
  void segment(Point a, Point b, std::string_view color, std::string_view tooltip);
  /// Vertical line across the plot at data x.
  void vline(double x, std::string_view color, bool dashed, std::string_view tooltip);
  /// Horizontal line across the plot at data y.
  void hline(double y, std::string_view color, bool dashed);
  void add_legend(LegendEntry entry);

  /// The complete <svg> element.
  std::string render() const;

 private:
  double sx(double x) const;
  double sy(double y) const;
  std::string axes() const;

  std::string id_, title_, x_label_, y_label_;
  Axis x_, y_;
  int width_, height_;
  std::string body_;
  std::vector<Point> labels_;  ///< pixel positions of the point labels placed so far
  std::vector<LegendEntry> legend_;
};

}  // namespace qexp::report::svg

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "framework/report/report.h"
#include "tests/report/report_test_util.h"

namespace qexp::report {
namespace {

TEST(Html, IsWellFormedXmlWithEveryChart) {
  std::string html = to_html(testing::load_fixture());
  testing::XmlCheck xml = testing::check_xml(html);
  if (!xml.available) GTEST_SKIP() << "built without libxml2 (scripts/install-deps.sh --test)";
  ASSERT_EQ(xml.error, "");
  EXPECT_EQ(xml.svg_ids,
            (std::vector<std::string>{"chart-groups", "chart-accuracy-size", "chart-layer-sqnr",
                                      "chart-hist-0", "chart-hist-1", "chart-weights-0",
                                      "chart-weights-1", "chart-weights-2"}));
}

TEST(Html, ReferencesNothingOutsideItself) {
  std::string html = to_html(testing::load_fixture());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  testing::XmlCheck xml = testing::check_xml(html);
  if (!xml.available) GTEST_SKIP() << "built without libxml2 (scripts/install-deps.sh --test)";
  EXPECT_EQ(xml.script_elements, 0);
  EXPECT_EQ(xml.src_attributes, 0);
  EXPECT_FALSE(xml.hrefs.empty());
  for (const std::string& href : xml.hrefs) {
    EXPECT_EQ(href.rfind('#', 0), 0u) << href;
    // Every in-page anchor points at an element that exists.
    EXPECT_NE(html.find("id=\"" + href.substr(1) + "\""), std::string::npos) << href;
  }
}

TEST(Html, ContainsTheMarkdownTables) {
  std::string html = to_html(testing::load_fixture());
  EXPECT_NE(html.find("<td>int8-kl-s1</td><td>int8</td><td>kl</td><td>per-channel</td>"
                      "<td class=\"num\">91.71</td><td class=\"num\">-0.22</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>int8-kl</td><td class=\"num\">2</td>"), std::string::npos);
  EXPECT_NE(html.find("tensor &#39;input&#39; has no samples | expected at least 1"),
            std::string::npos);
  EXPECT_NE(html.find("Best quantized variant: int8-kl-s1"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"timing\">"), std::string::npos);
}

TEST(Html, GroupsChartShowsMeanIntervalAndBaseline) {
  std::string html = to_html(testing::load_fixture());
  size_t start = html.find("<svg id=\"chart-groups\"");
  ASSERT_NE(start, std::string::npos);
  std::string svg = html.substr(start, html.find("</svg>", start) - start);
  // The interval is a line from mean − ci95 to mean + ci95, the mean a labelled point.
  EXPECT_NE(svg.find("<title>int8-kl: 91.67 ± 0.44 % (n = 2)</title></line>"), std::string::npos);
  EXPECT_NE(svg.find("<title>int8-kl: 91.67 ± 0.44 % (n = 2)</title></circle>"), std::string::npos);
  EXPECT_NE(svg.find("<title>baseline 91.93 %</title>"), std::string::npos);
  EXPECT_NE(svg.find(">baseline (float)</text>"), std::string::npos);
  nlohmann::json r = testing::load_fixture();
  r["groups"] = nlohmann::json::array();
  EXPECT_EQ(to_html(r).find("chart-groups"), std::string::npos);
}

TEST(Html, LayerPointsNameTheirLayerOnHover) {
  std::string html = to_html(testing::load_fixture());
  EXPECT_NE(html.find("<title>int8-kl-s1 · MobilenetV1/Conv2d_0/Relu6 (CONV_2D): "),
            std::string::npos);
  // The exact RESHAPE (null SQNR) is drawn, at the top, and says so.
  EXPECT_NE(html.find("<title>int8-kl-s1 · MobilenetV1/Logits/SpatialSqueeze (RESHAPE): exact "
                      "(∞ dB)</title>"),
            std::string::npos);
}

TEST(Html, HistogramLegendShowsEachCalibratorRangeAndClippedFraction) {
  std::string html = to_html(testing::load_fixture());
  size_t hist = html.find("<svg id=\"chart-hist-0\"");
  ASSERT_NE(hist, std::string::npos);
  std::string svg = html.substr(hist, html.find("</svg>", hist) - hist);
  EXPECT_NE(svg.find(">int8-kl-s1 (kl): [-2.9000, 5.2250], clipped 0.041 %</text>"),
            std::string::npos);
  EXPECT_NE(svg.find(">int8-minmax-pt (minmax): [-7.2500, 9.5000], clipped 0.000 %</text>"),
            std::string::npos);
  // Two range lines per calibrator, one bar per non-empty bin.
  size_t lines = 0, bars = 0;
  for (size_t p = svg.find("<line"); p != std::string::npos; p = svg.find("<line", p + 1)) {
    if (svg.compare(svg.find('>', p) - 1, 1, "/") != 0) ++lines;  // range lines carry a <title>
  }
  for (size_t p = svg.find("<rect"); p != std::string::npos; p = svg.find("<rect", p + 1)) ++bars;
  size_t nonzero = 0;
  const nlohmann::json fixture = testing::load_fixture();
  for (const nlohmann::json& count : fixture["activation_histograms"][0]["counts"]) {
    nonzero += count.get<int>() > 0;
  }
  ASSERT_GT(nonzero, 50u);
  ASSERT_LT(nonzero, 128u);
  EXPECT_EQ(lines, 6u);
  EXPECT_EQ(bars, 1u + nonzero);  // the plot frame, then the bars
}

TEST(Html, EscapesMarkupInStrings) {
  nlohmann::json r = {{"experiment", {{"name", "<b>&\"x\""}}},
                      {"variants",
                       {{{"name", "a<b"},
                         {"mode", "int8"},
                         {"size_bytes", 10},
                         {"accuracy", {{"top1", {{"percent", 50.0}}}}}}}}};
  std::string html = to_html(r);
  EXPECT_NE(html.find("<h1>qexp report: &lt;b&gt;&amp;&quot;x&quot;</h1>"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  testing::XmlCheck xml = testing::check_xml(html);
  if (!xml.available) GTEST_SKIP() << "built without libxml2 (scripts/install-deps.sh --test)";
  EXPECT_EQ(xml.error, "");
}

TEST(Html, IsAPureFunctionOfTheJsonAndTimingStaysInItsSection) {
  nlohmann::json r = testing::load_fixture();
  std::string html = to_html(r);
  EXPECT_EQ(to_html(r), html);
  size_t timing = html.find("<section id=\"timing\">");
  ASSERT_NE(timing, std::string::npos);
  r["timing"]["variants"]["int8-kl-s1"]["images_per_second"] = 1.5;
  std::string changed = to_html(r);
  EXPECT_EQ(changed.substr(0, timing), html.substr(0, timing));
  EXPECT_NE(changed, html);
}

}  // namespace
}  // namespace qexp::report

namespace qexp::report {
namespace {

// The value of `attribute` (e.g. "stroke") on the first element whose <title> starts with
// `title_prefix`.
std::string attribute_before_title(const std::string& svg, const std::string& attribute,
                                   const std::string& title_prefix) {
  size_t title = svg.find("<title>" + title_prefix);
  if (title == std::string::npos) return "";
  size_t at = svg.rfind(" " + attribute + "=\"", title);
  if (at == std::string::npos) return "";
  at += attribute.size() + 3;
  return svg.substr(at, svg.find('"', at) - at);
}

TEST(Html, AVariantHasOneColourInEveryChart) {
  std::string html = to_html(testing::load_fixture());
  std::string accuracy = html.substr(html.find("<svg id=\"chart-accuracy-size\""));
  std::string layers = html.substr(html.find("<svg id=\"chart-layer-sqnr\""));
  std::string hist = html.substr(html.find("<svg id=\"chart-hist-0\""));
  for (std::string variant : {"int8-kl-s1", "int8-kl-s2", "int8-minmax-pt"}) {
    std::string color = attribute_before_title(layers, "stroke", variant + "</title>");
    ASSERT_NE(color, "") << variant;
    EXPECT_EQ(attribute_before_title(hist, "stroke", variant + " ("), color) << variant;
    EXPECT_EQ(attribute_before_title(accuracy, "fill", variant + " ("), color) << variant;
  }
  EXPECT_NE(attribute_before_title(layers, "stroke", "int8-kl-s1</title>"),
            attribute_before_title(layers, "stroke", "int8-kl-s2</title>"));
}

}  // namespace
}  // namespace qexp::report

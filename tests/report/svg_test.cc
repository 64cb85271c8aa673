#include "framework/report/svg.h"

#include <gtest/gtest.h>

#include <cmath>

namespace qexp::report::svg {
namespace {

TEST(SvgAxis, RoundsOutwardToOneTwoFiveSteps) {
  Axis a = nice_axis(0, 9.5);
  EXPECT_EQ(a.lo, 0);
  EXPECT_EQ(a.hi, 10);
  EXPECT_EQ(a.ticks, (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(a.decimals, 0);
  Axis b = nice_axis(-7.25, 9.5);
  EXPECT_EQ(b.lo, -10);
  EXPECT_EQ(b.hi, 10);
  EXPECT_EQ(b.ticks.size(), 5u);  // step 5
}

TEST(SvgAxis, SmallStepsGetEnoughDecimals) {
  Axis a = nice_axis(91.64, 91.71);
  EXPECT_EQ(a.decimals, 2);
  EXPECT_LE(a.lo, 91.64);
  EXPECT_GE(a.hi, 91.71);
  EXPECT_EQ(num(a.ticks.front(), a.decimals), "91.64");
}

TEST(SvgAxis, DegenerateAndNonFiniteRangesGetASpan) {
  Axis a = nice_axis(5, 5);
  EXPECT_LT(a.lo, 5);
  EXPECT_GT(a.hi, 5);
  Axis z = nice_axis(0, 0);
  EXPECT_LT(z.lo, z.hi);
  Axis n = nice_axis(std::nan(""), 1);
  EXPECT_EQ(n.lo, 0);
  EXPECT_EQ(n.hi, 1);
}

TEST(SvgText, EscapesMarkupAndReplacesWhatXmlForbids) {
  EXPECT_EQ(escape("a<b&c>\"d'"), "a&lt;b&amp;c&gt;&quot;d&#39;");
  EXPECT_EQ(escape("∞ dB\ttab"), "∞ dB\ttab");
  EXPECT_EQ(escape("x\x01y"), "x\xEF\xBF\xBDy");
  EXPECT_EQ(escape("\xff"), "\xEF\xBF\xBD");
  EXPECT_EQ(escape("\xE2\x88"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated ∞
  EXPECT_EQ(escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  EXPECT_EQ(escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(escape("\xEF\xBF\xBE"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // U+FFFE
  EXPECT_EQ(escape("\xEF\xBF\xBD"), "\xEF\xBF\xBD");  // U+FFFD itself is fine
}

TEST(SvgNumber, FixedPrecisionWithoutNegativeZero) {
  EXPECT_EQ(num(1.25, 1), "1.2");  // printf rounding of the binary value, deterministic
  EXPECT_EQ(num(-0.01, 1), "0.0");
  EXPECT_EQ(num(12, 0), "12");
  EXPECT_EQ(num(std::nan(""), 1), "0.0");
}

TEST(SvgChart, ClampsDataToTheFrameAndRendersDeterministically) {
  Chart c("chart-x", "T", nice_axis(0, 10), nice_axis(0, 10), 200, 150);
  c.point({5, 1e9}, "#000000", "far away", "p");
  c.point({-1e9, 5}, "#000000", "");
  c.add_legend({"#ff0000", "legend <1>"});
  std::string svg = c.render();
  // Plot area: x in [64, 184], y in [28, 106] for a 200 × 150 chart with the fixed margins.
  EXPECT_NE(svg.find("<circle cx=\"124.0\" cy=\"28.0\" r=\"4\" fill=\"#000000\"><title>far "
                     "away</title></circle>"),
            std::string::npos);
  EXPECT_NE(svg.find("<circle cx=\"64.0\" cy=\"67.0\""), std::string::npos);
  EXPECT_NE(svg.find("height=\"166\""), std::string::npos);  // one legend row
  EXPECT_NE(svg.find(">legend &lt;1&gt;</text>"), std::string::npos);
  EXPECT_EQ(svg.rfind("<svg id=\"chart-x\"", 0), 0u);
  EXPECT_EQ(c.render(), svg);
}

TEST(SvgChart, CrowdedPointLabelsMoveThenGiveWay) {
  Chart c("chart-y", "T", nice_axis(0, 10), nice_axis(0, 10));
  for (int i = 0; i < 6; ++i) c.point({5, 5}, "#000000", "", "same" + std::to_string(i));
  c.point({0, 5}, "#000000", "", "apart");
  std::string svg = c.render();
  EXPECT_NE(svg.find(">same0</text>"), std::string::npos);
  EXPECT_NE(svg.find(">same1</text>"), std::string::npos);
  EXPECT_NE(svg.find(">same2</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">same3</text>"), std::string::npos);
  EXPECT_NE(svg.find(">apart</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<circle"), svg.find("<circle cx=\"344.0\""));  // first point, x = 5
  size_t circles = 0;
  for (size_t p = svg.find("<circle"); p != std::string::npos; p = svg.find("<circle", p + 1)) {
    ++circles;
  }
  EXPECT_EQ(circles, 7u);  // every point is drawn, labelled or not
}

}  // namespace
}  // namespace qexp::report::svg

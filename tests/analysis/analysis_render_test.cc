// report.md / report.html rendering of report.json's `analysis.weights` section.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "framework/report/analysis_section.h"
#include "framework/report/report.h"

namespace qexp::report {
namespace {

using json = nlohmann::json;

json weights_section() {
  json counts = json::array();
  for (int i = 0; i < 255; ++i) counts.push_back(i == 127 ? 40 : (i % 3));
  json layer = {{"op", "conv1"},
                {"type", "CONV_2D"},
                {"tensor", "conv1/w"},
                {"stats", {{"kurtosis", 3.5}, {"crest_factor", 4.25}}},
                {"channels", {{"range_spread", 2.5}, {"min", {-1.0, -0.5}}, {"max", {1.0, 0.25}}}},
                {"bn_fold", {{"abs_max_ratio", 1.5}}},
                {"regularization", {{"l2", 1e-4}, {"source", "l2_regularizer"}}},
                {"int8",
                 {{"per_tensor", {{"predicted_sqnr_db", 40.125}, {"measured_sqnr_db", 40.5}}},
                  {"per_channel", {{"predicted_sqnr_db", 45.0}, {"measured_sqnr_db", nullptr}}}}},
                {"score", 100.0},
                {"recommendations", {"per-channel", "clip"}},
                {"histogram", {{"step", 0.01}, {"counts", counts}}}};
  return {{"model", {{"score", 98.25}, {"min_score", 90.0}}},
          {"regularizers",
           {{{"node", "conv1/w/Regularizer/l2_regularizer/L2Loss"},
             {"weight", "bias"},
             {"op", ""},
             {"source", "l2_regularizer"},
             {"l2", nullptr},
             {"status", "not understood"},
             {"reason", "L2Loss reads 'bias', which is not a weight"}}}},
          {"unregularized", json::array()},
          {"prediction", {{"per_tensor", {{"layers", 1}, {"within_1_5_db", 1}}}}},
          {"rules", "rule text"},
          {"layers", {layer}}};
}

TEST(AnalysisMarkdown, LayerTableRegularizersAndModelFigures) {
  const std::string md = analysis_markdown({{"weights", weights_section()}});
  EXPECT_NE(md.find("## Weight analysis"), std::string::npos);
  EXPECT_NE(md.find("- **quantizability score:** 98.2 (worst layer 90.0)"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| conv1 | CONV_2D | 1e-04 (l2_regularizer) | 3.50 | 4.25 | 2.5 | 1.50 | "
                    "40.12 | 40.50 | 45.00 | – | 100 | per-channel, clip |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("not understood: L2Loss reads 'bias', which is not a weight"),
            std::string::npos);
  EXPECT_NE(md.find("- **unregularized:** none"), std::string::npos);
}

TEST(AnalysisMarkdown, ReportMdIncludesTheSectionOnlyWhenPresent) {
  const json report = {{"experiment", {{"name", "x"}}},
                       {"analysis", {{"weights", weights_section()}}}};
  EXPECT_NE(to_markdown(report).find("## Weight analysis"), std::string::npos);
  EXPECT_EQ(to_markdown({{"experiment", {{"name", "x"}}}}).find("Weight analysis"),
            std::string::npos);
}

TEST(AnalysisHtml, HistogramOverTheInt8GridAndChannelRanges) {
  const std::string html = analysis_html({{"weights", weights_section()}});
  EXPECT_NE(html.find("<section id=\"analysis-weights\">"), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-wq-0\""), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-wc-0\""), std::string::npos);
  EXPECT_NE(html.find("level 0: 40"), std::string::npos);  // the bar of level 0, as a tooltip
  EXPECT_NE(html.find("+127.5 steps: clamp"), std::string::npos);
  EXPECT_NE(html.find("channel 1: [-0.5000, 0.2500]"), std::string::npos);
  const json report = {{"analysis", {{"weights", weights_section()}}}};
  EXPECT_NE(to_html(report).find("id=\"analysis-weights\""), std::string::npos);
}

TEST(AnalysisRender, MalformedSectionsNeverThrow) {
  for (const json& bad : {json(nullptr), json(3), json::array(), json{{"weights", 1}},
                          json{{"weights", {{"layers", 5}}}},
                          json{{"weights", {{"layers", {{{"histogram", {{"counts", {1}}}}}}}}}},
                          json{{"weights", {{"layers", {{{"channels", {{"min", {1}}}}}}}}}}}) {
    std::string md, html;
    EXPECT_NO_THROW(md = analysis_markdown(bad)) << bad.dump();
    EXPECT_NO_THROW(html = analysis_html(bad)) << bad.dump();
  }
  EXPECT_EQ(analysis_markdown(json(nullptr)), "");
  EXPECT_EQ(analysis_html(json{{"other", 1}}), "");
}

}  // namespace
}  // namespace qexp::report

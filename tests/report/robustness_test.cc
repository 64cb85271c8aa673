// Valid-but-empty and malformed report documents: every renderer returns a complete document
// and never throws.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "framework/report/report.h"
#include "tests/report/report_test_util.h"

namespace qexp::report {
namespace {

void expect_renders(const nlohmann::json& r) {
  std::string md, csv, html;
  ASSERT_NO_THROW(md = to_markdown(r)) << r.dump();
  ASSERT_NO_THROW(csv = to_csv(r)) << r.dump();
  ASSERT_NO_THROW(html = to_html(r)) << r.dump();
  EXPECT_EQ(md.rfind("# qexp report: ", 0), 0u);
  EXPECT_EQ(csv.rfind("variant,index,", 0), 0u);
  EXPECT_NE(html.find("id=\"chart-accuracy-size\""), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-layer-sqnr\""), std::string::npos);
  EXPECT_TRUE(html.ends_with("</html>\n"));
  testing::XmlCheck xml = testing::check_xml(html);
  if (xml.available) {
    EXPECT_EQ(xml.error, "") << r.dump();
  }
}

TEST(Robustness, NonObjectDocumentsRender) {
  for (const nlohmann::json& r : {nlohmann::json(), nlohmann::json::array(), nlohmann::json(3),
                                  nlohmann::json("report"), nlohmann::json::object()}) {
    expect_renders(r);
  }
}

TEST(Robustness, EmptyListsSayThereIsNoData) {
  nlohmann::json r = {{"schema_version", 1},
                      {"status", "complete"},
                      {"variants", nlohmann::json::array()},
                      {"groups", nlohmann::json::array()},
                      {"best_variant", nullptr},
                      {"worst_layers", nlohmann::json::array()},
                      {"activation_histograms", nlohmann::json::array()},
                      {"weight_ranges", nlohmann::json::array()}};
  expect_renders(r);
  std::string md = to_markdown(r);
  EXPECT_NE(md.find("No quantized variant completed"), std::string::npos);
  EXPECT_NE(md.find("No per-layer measurements"), std::string::npos);
  EXPECT_EQ(md.find("## Seed groups"), std::string::npos);
  std::string html = to_html(r);
  EXPECT_NE(html.find("No activation histograms in this report."), std::string::npos);
  EXPECT_NE(html.find("No weight ranges in this report."), std::string::npos);
}

TEST(Robustness, FloatOnlyRunHasNoLayersButAPoint) {
  nlohmann::json r = testing::load_fixture();
  r["variants"] = nlohmann::json::array({r["variants"][0]});
  r["groups"] = r["worst_layers"] = r["activation_histograms"] = nlohmann::json::array();
  r["best_variant"] = nullptr;
  expect_renders(r);
  EXPECT_EQ(to_csv(r), std::string("variant,index,name,op,dtype,sqnr_db,rmse,scale,"
                                   "rmse_over_scale,isolated_sqnr_db,weight_only_sqnr_db,"
                                   "activation_only_sqnr_db\n"));
  std::string html = to_html(r);
  EXPECT_NE(html.find("<title>float (float): top-1 91.93 %, 1100040 bytes</title>"),
            std::string::npos);
  EXPECT_NE(html.find("No per-layer measurement in this report."), std::string::npos);
}

TEST(Robustness, WrongTypesEverywhereDoNotCrash) {
  nlohmann::json r = nlohmann::json::parse(R"({
    "experiment": "x", "status": 7, "qexp": [1], "provenance": {"plugins": {"a": 1},
      "model": {"bytes": "many"}, "dependencies": [1, 2]},
    "variants": [1, "x", null, {"name": 5, "accuracy": "high", "layers": {"a": 1}},
                 {"name": "v", "mode": "int8", "settings": [], "fidelity": 3, "size_bytes": -1,
                  "accuracy": {"top1": {"percent": "91"}},
                  "layers": [1, {"sqnr_db": "bad"}, {"name": "t", "sqnr_db": null}]}],
    "groups": [5, {"variants": "v", "n": "two"}],
    "best_variant": 3, "worst_layers": {"a": 1},
    "activation_histograms": [3, {"counts": "x", "lo": "a"},
                              {"lo": 1, "hi": 1, "counts": [1, -2, "z", 1e300],
                               "ranges": [7, {"min": "a", "max": null}]}],
    "weight_ranges": [{"min": [1, "a", 3], "max": [2]}, {"min": [], "max": []}, "w"],
    "timing": {"variants": [1], "total_seconds": "slow"}
  })");
  expect_renders(r);
  std::string html = to_html(r);
  EXPECT_NE(html.find("id=\"chart-hist-2\""), std::string::npos);  // one chart per list entry
  EXPECT_NE(html.find("id=\"chart-weights-2\""), std::string::npos);
}

TEST(Robustness, InvalidUtf8InStringsIsReplaced) {
  nlohmann::json r = {{"experiment", {{"name", "bad\xff\x01name"}}},
                      {"variants", {{{"name", "v\xC0\xAF"}, {"layers", {{{"index", 0}}}}}}}};
  EXPECT_EQ(to_markdown(r).rfind("# qexp report: bad\xEF\xBF\xBD\x01name\n", 0), 0u);
  EXPECT_EQ(testing::lines_of(to_csv(r))[1], "v\xEF\xBF\xBD\xEF\xBF\xBD,0,,,,,,,,,,");
  std::string html = to_html(r);
  EXPECT_NE(html.find("bad\xEF\xBF\xBD\xEF\xBF\xBDname"), std::string::npos);
  testing::XmlCheck xml = testing::check_xml(html);
  if (xml.available) {
    EXPECT_EQ(xml.error, "");
  }
}

}  // namespace
}  // namespace qexp::report

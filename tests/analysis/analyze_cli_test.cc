// `qexp analyze` end to end on the committed demo model: outputs, flags and error cases.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

const std::string kModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";
const std::string kNoL2 = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist_l2_0.pb";

class AnalyzeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("qexp_analyze_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  CommandResult qexp(std::vector<std::string> args) {
    args.insert(args.begin(), QEXP_CLI);
    return run(args, dir_.string());
  }
  std::string path(const std::string& f) const { return (dir_ / f).string(); }
  std::filesystem::path dir_;
};

TEST_F(AnalyzeCli, WritesJsonMarkdownAndHtml) {
  auto r = qexp({"analyze", kModel, "--json", path("a.json"), "--md", path("a.md"), "--html",
                 path("a.html")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_text(path("a.json")));
  const auto& w = doc["analysis"]["weights"];
  EXPECT_EQ(doc["format"], "graphdef");
  EXPECT_EQ(w["layers"].size(), 16u);
  EXPECT_EQ(w["regularizers"].size(), 16u);
  EXPECT_EQ(w["layers"][0]["regularization"]["l2"], 4e-5);
  EXPECT_TRUE(w["layers"][0]["bn_fold"]["folded"].get<bool>());
  const std::string md = read_text(path("a.md"));
  EXPECT_NE(md.find("## Weight analysis"), std::string::npos);
  EXPECT_NE(md.find("| MobilenetV1/Conv2d_0/Conv2D | CONV_2D | 4e-05 (l2_regularizer) |"),
            std::string::npos);
  const std::string html = read_text(path("a.html"));
  EXPECT_NE(html.find("id=\"chart-wq-0\""), std::string::npos);
  EXPECT_NE(html.find("id=\"chart-wc-15\""), std::string::npos);
}

TEST_F(AnalyzeCli, StatedRegularizationForAModelWithoutRegularizers) {
  auto r = qexp({"analyze", kNoL2, "--json", path("a.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto w = nlohmann::json::parse(read_text(path("a.json")))["analysis"]["weights"];
  EXPECT_TRUE(w["regularizers"].empty());
  EXPECT_EQ(w["unregularized"].size(), 16u);
  r = qexp(
      {"analyze", kNoL2, "--json", path("b.json"), "--l2", "1e-4", "--l2-layer", "Logits=0.001"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  w = nlohmann::json::parse(read_text(path("b.json")))["analysis"]["weights"];
  EXPECT_TRUE(w["unregularized"].empty());
  EXPECT_EQ(w["layers"][0]["regularization"]["l2"], 1e-4);
  EXPECT_EQ(w["layers"][15]["regularization"]["l2"], 1e-3);
  EXPECT_EQ(w["layers"][15]["regularization"]["source"], "config");
}

// A TFLite file has no imported GraphDef: no regularizers, no batch-norm comparison, the rest
// of the analysis all the same.
TEST_F(AnalyzeCli, TfliteModelHasNoPrePassGraph) {
  auto r = qexp({"convert", kModel, "-o", path("m.tflite")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = qexp({"analyze", path("m.tflite"), "--json", path("a.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(read_text(path("a.json")));
  const auto& w = doc["analysis"]["weights"];
  EXPECT_EQ(doc["format"], "tflite");
  EXPECT_TRUE(w["regularizers"].empty());
  ASSERT_EQ(w["layers"].size(), 16u);
  EXPECT_TRUE(w["layers"][0]["bn_fold"].is_null());
  EXPECT_EQ(w["prediction"]["per_tensor"]["within_1_5_db"], 16);
}

TEST_F(AnalyzeCli, MarkdownOnStdoutWithoutOutputFlags) {
  auto r = qexp({"analyze", kModel});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("# qexp analyze: ", 0), 0u);
}

// A small `qexp run` with `analysis` in the map form: report.json, report.md and report.html get
// the weights section, with the run's per-layer weight-only SQNR next to the predictions.
TEST_F(AnalyzeCli, RunWithAnalysisWritesTheSectionIntoEveryReport) {
  const std::string src = QEXP_SOURCE_DIR;
  const std::string config = path("c.yaml");
  const std::string text = "model: {path: " + kNoL2 + "}\ndataset: {manifest: " + src +
                           "/datasets/fashion_mnist.yaml, limit: 20}\ncalibration: {samples: 10}\n"
                           "variants:\n  - {name: float, mode: float}\n"
                           "  - {name: pt, mode: int8, calibrator: minmax, per_channel: false}\n"
                           "metrics: {layer_samples: 2, latency_runs: 0}\n"
                           "analysis: {run: [weights], regularization: {l2: 0.0001}}\n";
  write_bytes(config, text.data(), text.size());
  auto r = qexp({"run", config, "--out", path("out"), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(read_text(path("out/report.json")));
  const auto& w = report["analysis"]["weights"];
  ASSERT_EQ(w["layers"].size(), 16u);
  EXPECT_EQ(w["layers"][3]["regularization"]["source"], "config");
  ASSERT_EQ(w["layers"][3]["run"].size(), 1u);
  EXPECT_EQ(w["layers"][3]["run"][0]["variant"], "pt");
  EXPECT_TRUE(w["layers"][3]["run"][0]["weight_only_sqnr_db"].is_number());
  EXPECT_EQ(w["prediction"]["run"][0]["layers"], 16);
  EXPECT_EQ(report["config"]["analysis"]["regularization"]["l2"], 1e-4);
  EXPECT_NE(read_text(path("out/report.md")).find("## Weight analysis"), std::string::npos);
  EXPECT_NE(read_text(path("out/report.html")).find("id=\"chart-wq-0\""), std::string::npos);
  // --config: the config's analysis list and regularization apply to `qexp analyze` too.
  r = qexp({"analyze", kNoL2, "--config", config, "--json", path("a.json")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto a = nlohmann::json::parse(read_text(path("a.json")));
  EXPECT_EQ(a["analysis"]["weights"]["layers"][0]["regularization"]["l2"], 1e-4);
}

TEST_F(AnalyzeCli, BadInputsAreOneLineErrors) {
  auto r = qexp({"analyze", path("missing.pb")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing.pb: no such file"), std::string::npos) << r.err;
  r = qexp({"analyze", kModel, "--analysis", "wieghts"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown analysis 'wieghts' (did you mean 'weights'?)"), std::string::npos)
      << r.err;
  r = qexp({"analyze", kModel, "--l2-layer", "conv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected REGEX=SCALE"), std::string::npos) << r.err;
  r = qexp({"analyze", kModel, "--l2-layer", "conv[=1e-4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a valid regular expression"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace qexp::testing

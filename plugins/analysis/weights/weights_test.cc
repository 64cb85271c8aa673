#include "plugins/analysis/weights/weights.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "framework/calibration/registry.h"

extern "C" const QexpPluginInfo* qexp_plugin_entry_weights(void);

namespace qexp::analysis {
namespace {

using json = nlohmann::json;

// A float32 constant of `shape` from a generator.
template <typename F>
int add_weights(ir::Graph& g, const std::string& name, Shape shape, F f) {
  std::vector<float> v(static_cast<size_t>(shape.num_elements()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = f(i);
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return g.add_const(name, DType::kFloat32, std::move(shape), std::move(bytes));
}

// input [1,4,4,2] → CONV_2D (4 output channels, channel c scaled by 10^c) → output.
ir::Graph conv_graph(float channel_ratio) {
  ir::Graph g;
  const int in = g.add_tensor("input", DType::kFloat32, Shape{1, 4, 4, 2});
  std::mt19937 rng(7);
  std::normal_distribution<float> n(0.0f, 0.1f);
  const int w = add_weights(g, "conv/weights", Shape{4, 3, 3, 2}, [&](size_t i) {
    return n(rng) * std::pow(channel_ratio, static_cast<float>(i / 18));
  });
  const int out = g.add_tensor("conv/out", DType::kFloat32, Shape{1, 4, 4, 4});
  g.add_op(ir::OpType::kConv2D, "conv", {in, w, -1}, {out},
           ir::default_options(ir::OpType::kConv2D));
  g.inputs = {in};
  g.outputs = {out};
  return g;
}

TEST(WeightsAnalysis, PerLayerStatisticsAndPerChannelRecommendation) {
  const ir::Graph g = conv_graph(10.0f);
  AnalysisInput in;
  in.float_graph = &g;
  auto r = analyze_weights(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ((*r)["layers"].size(), 1u) << r->dump();
  const json& l = (*r)["layers"][0];
  EXPECT_EQ(l["op"], "conv");
  EXPECT_EQ(l["type"], "CONV_2D");
  EXPECT_EQ(l["channels"]["count"], 4);
  // Channel ranges grow 10× per channel: spread ≈ 1000.
  EXPECT_GT(l["channels"]["range_spread"].get<double>(), 300.0);
  // The aggregate SQNR hardly sees the small channels; the worst channel does.
  const double pt = l["int8"]["per_tensor"]["worst_channel_predicted_sqnr_db"];
  const double pc = l["int8"]["per_channel"]["worst_channel_predicted_sqnr_db"];
  EXPECT_GT(pc - pt, 40.0);
  ASSERT_FALSE(l["recommendations"].empty());
  EXPECT_EQ(l["recommendations"][0], "per-channel");
  EXPECT_TRUE(l["regularization"].is_null());
  EXPECT_TRUE(l["bn_fold"].is_null());  // no imported graph given
  EXPECT_EQ((*r)["unregularized"], json::array({"conv"}));
  EXPECT_EQ(l["histogram"]["counts"].size(), 255u);
}

TEST(WeightsAnalysis, ConfigRegularizationRegexBeatsGlobalScale) {
  const ir::Graph g = conv_graph(1.0f);
  AnalysisInput in;
  in.float_graph = &g;
  in.regularization.l2 = 1e-4;
  auto r = analyze_weights(in);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ((*r)["layers"][0]["regularization"]["l2"].get<double>(), 1e-4);
  EXPECT_EQ((*r)["layers"][0]["regularization"]["source"], "config");
  in.regularization.layers.push_back({"^conv/w", 3e-3});
  r = analyze_weights(in);
  ASSERT_TRUE(r.ok());
  const json& reg = (*r)["layers"][0]["regularization"];
  EXPECT_DOUBLE_EQ(reg["l2"].get<double>(), 3e-3);
  const double sum_sq = std::pow((*r)["layers"][0]["stats"]["l2_norm"].get<double>(), 2);
  EXPECT_NEAR(reg["penalty"].get<double>(), 3e-3 * sum_sq / 2, 1e-12);
  EXPECT_TRUE((*r)["unregularized"].empty());
}

TEST(WeightsAnalysis, BadRegexIsAnErrorNotACrash) {
  const ir::Graph g = conv_graph(1.0f);
  AnalysisInput in;
  in.float_graph = &g;
  in.regularization.layers.push_back({"conv[", 1e-4});
  auto r = analyze_weights(in);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'conv['"), std::string::npos) << r.status().message();
  in.float_graph = nullptr;
  EXPECT_FALSE(analyze_weights(in).ok());
}

TEST(WeightsAnalysis, RunMeasurementsAreMatchedByOutputNameAndGranularity) {
  const ir::Graph g = conv_graph(10.0f);
  json variants = json::parse(R"([
    {"name": "pt", "mode": "int8", "status": "ok", "settings": {"per_channel": false},
     "layers": [{"name": "conv/out", "weight_only_sqnr_db": 12.5}]},
    {"name": "broken", "mode": "int8", "status": "failed"}])");
  AnalysisInput in;
  in.float_graph = &g;
  in.variants = &variants;
  auto r = analyze_weights(in);
  ASSERT_TRUE(r.ok());
  const json& run = (*r)["layers"][0]["run"];
  ASSERT_EQ(run.size(), 1u);
  ASSERT_EQ((*r)["prediction"]["run"].size(), 1u);
  EXPECT_EQ(run[0]["variant"], "pt");
  EXPECT_EQ(run[0]["per_channel"], false);
  EXPECT_DOUBLE_EQ(run[0]["weight_only_sqnr_db"].get<double>(), 12.5);
  EXPECT_EQ((*r)["prediction"]["run"][0]["layers"], 1);
  EXPECT_TRUE((*r)["prediction"]["run"][0]["spearman"].is_null());  // one layer: no ranking
}

TEST(WeightsAnalysis, RegisteredAsAnalysisPluginAndRunByName) {
  const QexpPluginEntryFn entries[] = {&qexp_plugin_entry_weights};
  auto reg = calib::PluginRegistry::from_entries(entries, "built-in");
  ASSERT_TRUE(reg.ok()) << reg.status().message();
  const auto listed = reg->list(calib::PluginKind::kAnalysis);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].name, "weights");
  const ir::Graph g = conv_graph(1.0f);
  AnalysisInput in;
  in.float_graph = &g;
  auto r = run_analyses(*reg, {"weights"}, in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)["weights"]["version"], 1);
  auto bad = run_analyses(*reg, {"wieghts"}, in);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown analysis 'wieghts' (did you mean 'weights'?); known analyses: weights");
  // A calibrator name is not an analysis.
  EXPECT_FALSE(reg->create_calibrator("weights").ok());
}

TEST(WeightsAnalysis, ScoreIsLinearBetween20And40Db) {
  EXPECT_DOUBLE_EQ(quantizability_score(10.0), 0.0);
  EXPECT_DOUBLE_EQ(quantizability_score(30.0), 50.0);
  EXPECT_DOUBLE_EQ(quantizability_score(55.0), 100.0);
}

}  // namespace
}  // namespace qexp::analysis

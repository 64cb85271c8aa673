// Acceptance checks of issue #10 on the committed demo models (models/README.md): the detected
// L2 scales are the trainer's, and the predicted int8 weight SQNR is within 1.5 dB of the
// measured one for >= 90 % of the layers.

#include <gtest/gtest.h>

#include "framework/analysis/regularizers.h"
#include "framework/importers/tf/graphdef_importer.h"
#include "framework/passes/pass_manager.h"
#include "plugins/analysis/weights/weights.h"

namespace qexp::analysis {
namespace {

struct Loaded {
  ir::Graph imported, converted;
};

Loaded load(const std::string& name) {
  Loaded m;
  auto g = tf::import_graphdef_file(std::string(QEXP_SOURCE_DIR) + "/models/" + name);
  EXPECT_TRUE(g.ok()) << g.status().message();
  if (!g.ok()) return m;
  m.imported = *g;
  m.converted = std::move(g).value();
  passes::PassManager pm;
  EXPECT_TRUE(pm.add_all(passes::default_conversion_pipeline()).ok());
  passes::PassContext ctx;
  EXPECT_TRUE(pm.run(m.converted, ctx).ok());
  return m;
}

struct Case {
  const char* file;
  double l2;  // 0: trained without L2
};

class DemoModel : public ::testing::TestWithParam<Case> {};

TEST_P(DemoModel, DetectedScalesAreTheTrainersForEveryKernel) {
  const Loaded m = load(GetParam().file);
  const auto found = detect_regularizers(m.imported);
  if (GetParam().l2 == 0) {
    EXPECT_TRUE(found.empty());
  } else {
    EXPECT_EQ(found.size(), 16u);  // stem, 7 depthwise, 7 pointwise, logits
    for (const RegularizerFinding& f : found) {
      EXPECT_TRUE(f.understood) << f.l2loss_node << ": " << f.reason;
      EXPECT_EQ(f.scale.value_or(-1), GetParam().l2) << f.l2loss_node;
    }
  }
  AnalysisInput in;
  in.imported = &m.imported;
  in.float_graph = &m.converted;
  auto r = analyze_weights(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ((*r)["layers"].size(), 16u);
  EXPECT_EQ((*r)["unregularized"].size(), GetParam().l2 == 0 ? 16u : 0u);
  for (const auto& l : (*r)["layers"]) {
    if (GetParam().l2 > 0) {
      EXPECT_EQ(l["regularization"]["l2"].get<double>(), GetParam().l2);
    }
    EXPECT_TRUE(l["bn_fold"].is_object()) << l["op"];
  }
}

TEST_P(DemoModel, PredictedWeightSqnrWithin1_5DbForAtLeast90PercentOfLayers) {
  const Loaded m = load(GetParam().file);
  AnalysisInput in;
  in.imported = &m.imported;
  in.float_graph = &m.converted;
  auto r = analyze_weights(in);
  ASSERT_TRUE(r.ok()) << r.status().message();
  for (const char* g : {"per_tensor", "per_channel"}) {
    const auto& p = (*r)["prediction"][g];
    const double layers = p["layers"].get<double>();
    ASSERT_EQ(layers, 16);
    EXPECT_GE(p["within_1_5_db"].get<double>() / layers, 0.9) << g << ": " << p.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Models, DemoModel,
                         ::testing::Values(Case{"mobilenet_v1_0.5_fmnist.pb", 4e-5},
                                           Case{"mobilenet_v1_0.5_fmnist_l2_0.pb", 0},
                                           Case{"mobilenet_v1_0.5_fmnist_l2_1e-4.pb", 1e-4},
                                           Case{"mobilenet_v1_0.5_fmnist_l2_1e-3.pb", 1e-3}),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           return std::to_string(p.index);
                         });

}  // namespace
}  // namespace qexp::analysis

// Fidelity, SQNR and seed-summary arithmetic of the runner, on hand-computed values.

#include "framework/experiment/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "framework/experiment/layer_metrics.h"

namespace qexp::exp {
namespace {

TEST(ErrorAccumulator, SqnrIsSignalOverNoiseInDecibels) {
  ErrorAccumulator a;
  const float x[] = {3, 4}, y[] = {3, 3};  // signal 25, noise 1
  a.add(x, y, 2);
  ASSERT_TRUE(a.sqnr_db().has_value());
  EXPECT_NEAR(*a.sqnr_db(), 10 * std::log10(25.0), 1e-12);
  EXPECT_NEAR(a.rmse(), std::sqrt(0.5), 1e-12);
}

TEST(ErrorAccumulator, ExactResultHasNoSqnrAndZeroSignalIsFloored) {
  ErrorAccumulator exact;
  const float x[] = {1, 2};
  exact.add(x, x, 2);
  EXPECT_FALSE(exact.sqnr_db().has_value());
  ErrorAccumulator zero;
  const float z[] = {0, 0}, e[] = {1, 0};
  zero.add(z, e, 2);
  EXPECT_EQ(*zero.sqnr_db(), -999.0);
}

TEST(CompareOutputs, AgreementKlAndSqnrOnProbabilities) {
  // Row 0 agrees, row 1 does not.
  const std::vector<float> base = {0.5f, 0.5f, 0.9f, 0.1f};
  const std::vector<float> var = {0.75f, 0.25f, 0.4f, 0.6f};
  Fidelity f = compare_outputs(base, var, 2, /*probabilities=*/true);
  EXPECT_EQ(f.count, 2);
  EXPECT_DOUBLE_EQ(f.top1_agreement_percent, 50.0);
  const double kl0 = 0.5 * std::log(0.5 / 0.75) + 0.5 * std::log(0.5 / 0.25);
  const double kl1 = 0.9 * std::log(0.9 / 0.4) + 0.1 * std::log(0.1 / 0.6);
  EXPECT_NEAR(f.mean_kl, (kl0 + kl1) / 2, 1e-6);
  ASSERT_TRUE(f.output_sqnr_db.has_value());
}

TEST(CompareOutputs, LogitsAreSoftmaxedAndIdenticalRowsHaveZeroDivergence) {
  const std::vector<float> logits = {1.0f, 2.0f, 3.0f};
  Fidelity f = compare_outputs(logits, logits, 3, /*probabilities=*/false);
  EXPECT_DOUBLE_EQ(f.top1_agreement_percent, 100.0);
  EXPECT_NEAR(f.mean_kl, 0.0, 1e-15);
  EXPECT_FALSE(f.output_sqnr_db.has_value());
}

TEST(CompareOutputs, AZeroVariantProbabilityGivesAFiniteDivergence) {
  const std::vector<float> base = {0.5f, 0.5f}, var = {1.0f, 0.0f};
  Fidelity f = compare_outputs(base, var, 2, true);
  EXPECT_TRUE(std::isfinite(f.mean_kl));
  EXPECT_GT(f.mean_kl, 10.0);
}

TEST(Summarize, MeanStdAndStudentTConfidenceInterval) {
  const std::vector<double> v = {90.0, 91.0, 92.0};
  SampleSummary s = summarize(v);
  EXPECT_EQ(s.n, 3);
  EXPECT_DOUBLE_EQ(s.mean, 91.0);
  EXPECT_DOUBLE_EQ(s.stddev, 1.0);
  EXPECT_NEAR(s.ci95, 4.303 / std::sqrt(3.0), 1e-12);
  EXPECT_EQ(s.min, 90.0);
  EXPECT_EQ(s.max, 92.0);
  EXPECT_EQ(summarize(std::vector<double>{5.0}).ci95, 0.0);
}

TEST(StudentT, TableAndLargeSampleApproximation) {
  EXPECT_DOUBLE_EQ(student_t975(1), 12.706);
  EXPECT_DOUBLE_EQ(student_t975(30), 2.042);
  EXPECT_NEAR(student_t975(60), 2.000, 1e-3);
  EXPECT_NEAR(student_t975(120), 1.980, 1e-3);
  EXPECT_NEAR(student_t975(1000000), 1.95996, 1e-4);
}

TEST(DequantizeView, PerTensorAndPerAxis) {
  int8_t q[4] = {-128, 0, 10, 127};
  ir::QuantParams p;
  p.scale = {0.5f};
  p.zero_point = {10};
  std::vector<float> v = dequantize_view(TensorView(DType::kInt8, Shape({4}), q), p);
  EXPECT_EQ(v, (std::vector<float>{-69.0f, -5.0f, 0.0f, 58.5f}));
  ir::QuantParams pa;
  pa.scale = {1.0f, 2.0f};
  pa.zero_point = {0, 0};
  pa.quantized_dimension = 1;  // [2, 2]: columns have their own scale
  v = dequantize_view(TensorView(DType::kInt8, Shape({2, 2}), q), pa);
  EXPECT_EQ(v, (std::vector<float>{-128.0f, 0.0f, 10.0f, 254.0f}));
}

}  // namespace
}  // namespace qexp::exp

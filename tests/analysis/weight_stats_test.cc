#include "framework/analysis/weight_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

namespace qexp::analysis {
namespace {

ir::Tensor const_tensor(Shape shape, const std::vector<float>& v) {
  ir::Tensor t;
  t.name = "w";
  t.shape = std::move(shape);
  auto bytes = std::make_shared<std::vector<uint8_t>>(v.size() * 4);
  std::memcpy(bytes->data(), v.data(), bytes->size());
  t.data = bytes;
  return t;
}

TEST(ValueStats, HandMadeTensor) {
  // Mean 0, σ² = (4·1 + 2·4) / 6 = 2, E[x⁴] = (4·1 + 2·16) / 6 = 6 → kurtosis 6 / 4 = 1.5.
  const std::vector<float> v = {1, -1, 1, -1, 2, -2};
  const ValueStats s = value_stats(v);
  EXPECT_EQ(s.count, 6);
  EXPECT_DOUBLE_EQ(s.min, -2);
  EXPECT_DOUBLE_EQ(s.max, 2);
  EXPECT_DOUBLE_EQ(s.mean, 0);
  EXPECT_DOUBLE_EQ(s.std, std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(s.sum_sq, 12);
  EXPECT_DOUBLE_EQ(s.l2_norm, std::sqrt(12.0));
  EXPECT_DOUBLE_EQ(s.kurtosis, 1.5);
  EXPECT_DOUBLE_EQ(s.crest_factor, 2 / std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(s.beyond_3sigma, 0);
}

TEST(ValueStats, OneOutlierInAThousand) {
  std::vector<float> v(1000, 0.0f);
  for (size_t i = 0; i < v.size(); ++i) v[i] = (i % 2) ? 0.01f : -0.01f;
  v[0] = 1.0f;
  const ValueStats s = value_stats(v);
  EXPECT_DOUBLE_EQ(s.beyond_3sigma, 0.001);
  EXPECT_DOUBLE_EQ(s.beyond_6sigma, 0.001);
  EXPECT_GT(s.kurtosis, 500);  // ≈ n for a single spike
  EXPECT_GT(s.crest_factor, 30);
}

TEST(ValueStats, ConstantAndEmptyHaveNoShapeFigures) {
  const ValueStats c = value_stats(std::vector<float>{0.5f, 0.5f});
  EXPECT_DOUBLE_EQ(c.std, 0);
  EXPECT_DOUBLE_EQ(c.kurtosis, 0);
  EXPECT_DOUBLE_EQ(c.crest_factor, 0);
  EXPECT_EQ(value_stats(std::vector<float>{}).count, 0);
}

TEST(SplitChannels, DepthwiseLastAxisAndConvFirstAxis) {
  const std::vector<float> v = {0, 1, 2, 3, 4, 5};
  auto last = split_channels(v, Shape{1, 3, 1, 2}, 3);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0], (std::vector<float>{0, 2, 4}));
  auto first = split_channels(v, Shape{2, 3}, 0);
  EXPECT_EQ(first[1], (std::vector<float>{3, 4, 5}));
}

TEST(WeightQuantError, PredictionMatchesMeasurementOnASyntheticGaussianLayer) {
  std::mt19937 rng(3);
  std::normal_distribution<float> n(0.0f, 0.05f);
  std::vector<float> v(64 * 3 * 3 * 32);
  for (float& x : v) x = n(rng);
  const ir::Tensor w = const_tensor(Shape{64, 3, 3, 32}, v);
  for (bool pc : {false, true}) {
    const WeightQuantError e = weight_quant_error(w, 0, pc);
    ASSERT_TRUE(e.predicted_sqnr_db && e.measured_sqnr_db);
    EXPECT_NEAR(*e.predicted_sqnr_db, *e.measured_sqnr_db, 0.5) << "per_channel " << pc;
    EXPECT_GT(*e.measured_sqnr_db, 35.0);
  }
}

TEST(WeightQuantError, DeadZoneModelBeatsUniformModelForTinyChannels) {
  // Channel 0 is 1000× smaller than channel 1: per-tensor, it rounds to zero entirely, so its
  // error is its own energy, far below step²/12 per value.
  std::vector<float> v;
  for (int i = 0; i < 50; ++i) v.push_back(0.001f * static_cast<float>((i % 7) - 3));
  for (int i = 0; i < 50; ++i) v.push_back(1.0f * static_cast<float>((i % 7) - 3));
  const ir::Tensor w = const_tensor(Shape{2, 50}, v);
  const WeightQuantError e = weight_quant_error(w, 0, false);
  ASSERT_TRUE(e.worst_channel_predicted_sqnr_db.has_value());
  EXPECT_NEAR(*e.worst_channel_predicted_sqnr_db, 0.0, 1e-9);  // all signal lost = 0 dB
  const WeightQuantError c = weight_quant_error(w, 0, true);
  EXPECT_GT(*c.worst_channel_predicted_sqnr_db, 30.0);
  EXPECT_DOUBLE_EQ(e.step_min, e.step_max);
  EXPECT_NEAR(c.step_max / c.step_min, 1000.0, 1e-3);
}

TEST(WeightQuantError, ExactGridValuesHaveNoMeasuredError) {
  const ir::Tensor w = const_tensor(Shape{1, 3}, {-127.0f, 0.0f, 127.0f});
  const WeightQuantError e = weight_quant_error(w, 0, false);
  EXPECT_FALSE(e.measured_sqnr_db.has_value());  // null: no error
  EXPECT_DOUBLE_EQ(e.step_min, 1.0);
}

TEST(Spearman, RanksWithTiesAndDegenerateInputs) {
  EXPECT_DOUBLE_EQ(*spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(*spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_NEAR(*spearman({1, 2, 2, 3}, {1, 3, 2, 4}), 0.9486832980505138, 1e-12);
  EXPECT_FALSE(spearman({1, 2}, {1, 2}).has_value());
  EXPECT_FALSE(spearman({1, 1, 1}, {1, 2, 3}).has_value());
  EXPECT_FALSE(spearman({1, 2, 3}, {1, 2}).has_value());
}

TEST(GridHistogram, OneBinPerInt8Level) {
  const GridHistogram h = int8_grid_histogram(std::vector<float>{-1.0f, 0.0f, 0.003f, 1.0f});
  ASSERT_EQ(h.counts.size(), 255u);
  EXPECT_DOUBLE_EQ(h.step, 1.0 / 127);
  EXPECT_EQ(h.counts[0], 1);    // level -127
  EXPECT_EQ(h.counts[127], 2);  // level 0: 0 and 0.003 (< step / 2)
  EXPECT_EQ(h.counts[254], 1);  // level 127
  EXPECT_EQ(int8_grid_histogram(std::vector<float>{0.0f}).step, 0.0);
}

}  // namespace
}  // namespace qexp::analysis

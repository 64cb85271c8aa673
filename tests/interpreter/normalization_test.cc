// SOFTMAX, BATCH_NORM and MEAN float.

#include <gtest/gtest.h>

#include <cmath>

#include "tests/interpreter/test_util.h"

namespace qexp::interp {
namespace {

using testing::add_float_const;
using testing::add_int32_const;
using testing::add_op;
using testing::run_one_input;

testing::FloatOutput softmax(Shape shape, std::vector<float> x, float beta = 1.0f) {
  return run_one_input(std::move(shape), x, [beta](ir::Graph& g, int in) {
    ir::SoftmaxOptions o;
    o.beta = beta;
    return add_op(g, ir::OpType::kSoftmax, "softmax", {in}, o);
  });
}

TEST(SoftmaxFloat, KnownValuesOfOneTwoThree) {
  auto out = softmax(Shape{1, 3}, {1, 2, 3});
  // e^-2, e^-1, 1 over their sum 1.5032147.
  EXPECT_FLOATS_NEAR((std::vector<float>{0.09003057f, 0.24472847f, 0.66524096f}), out.values,
                     1e-6f);
}

TEST(SoftmaxFloat, BetaScalesTheLogits) {
  // With beta 2, logits [0, ln(3)/2] become exponents [0, ln 3]: probabilities 1/4 and 3/4.
  auto out = softmax(Shape{2}, {0, std::log(3.0f) / 2}, 2.0f);
  EXPECT_FLOATS_NEAR((std::vector<float>{0.25f, 0.75f}), out.values, 1e-6f);
}

TEST(SoftmaxFloat, SubtractsTheRowMaximumSoHugeLogitsDoNotOverflow) {
  auto out = softmax(Shape{2, 2}, {1000, 1000, -1000, 0});
  EXPECT_EQ(out.values, (std::vector<float>{0.5f, 0.5f, 0.0f, 1.0f}));
}

TEST(SoftmaxFloat, NormalizesEachRowOfTheLastAxisSeparately) {
  auto out = softmax(Shape{2, 1, 2}, {0, 0, 5, 5});
  EXPECT_EQ(out.values, (std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f}));
}

TEST(BatchNormFloat, NormalizesEachChannelOfTheLastAxis) {
  auto out = run_one_input(Shape{2, 2}, {1, 2, 3, 1}, [](ir::Graph& g, int x) {
    int gamma = add_float_const(g, "gamma", Shape{2}, {2, 1});
    int beta = add_float_const(g, "beta", Shape{2}, {0.5f, 0});
    int mean = add_float_const(g, "mean", Shape{2}, {0, 1});
    int var = add_float_const(g, "var", Shape{2}, {3, 0.25f});
    ir::BatchNormOptions o;
    o.epsilon = 1.0f;
    return add_op(g, ir::OpType::kBatchNorm, "bn", {x, gamma, beta, mean, var}, o);
  });
  // channel 0: (x - 0) / 2 · 2 + 0.5; channel 1: (x - 1) / sqrt(1.25).
  EXPECT_FLOATS_NEAR((std::vector<float>{1.5f, 1.0f / std::sqrt(1.25f), 3.5f, 0.0f}),
                     out.values, 1e-6f);
}

testing::FloatOutput mean(Shape shape, std::vector<float> x, std::vector<int32_t> axes,
                          bool keep_dims) {
  return run_one_input(std::move(shape), x, [&](ir::Graph& g, int in) {
    int a = add_int32_const(g, "axes", Shape{static_cast<int64_t>(axes.size())}, axes);
    ir::ReducerOptions o;
    o.keep_dims = keep_dims;
    return add_op(g, ir::OpType::kMean, "mean", {in, a}, o);
  });
}

// x[i, j, k] = 100·i + 10·j + k over shape [2, 3, 2].
std::vector<float> mean_input() {
  std::vector<float> v;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 2; ++k) v.push_back(static_cast<float>(100 * i + 10 * j + k));
  return v;
}

TEST(MeanFloat, ReducesAMiddleAxisWithoutKeepDims) {
  auto out = mean(Shape{2, 3, 2}, mean_input(), {1}, false);
  EXPECT_EQ(out.shape, (Shape{2, 2}));
  EXPECT_EQ(out.values, (std::vector<float>{10, 11, 110, 111}));
}

TEST(MeanFloat, ReducesOuterAxesKeepingDims) {
  auto out = mean(Shape{2, 3, 2}, mean_input(), {0, 2}, true);
  EXPECT_EQ(out.shape, (Shape{1, 3, 1}));
  EXPECT_EQ(out.values, (std::vector<float>{50.5f, 60.5f, 70.5f}));
}

TEST(MeanFloat, NegativeAndRepeatedAxesReduceOnce) {
  auto out = mean(Shape{2, 3, 2}, mean_input(), {-1, 2}, false);
  EXPECT_EQ(out.shape, (Shape{2, 3}));
  EXPECT_EQ(out.values, (std::vector<float>{0.5f, 10.5f, 20.5f, 100.5f, 110.5f, 120.5f}));
}

TEST(MeanFloat, ReducingEveryAxisGivesTheGlobalMean) {
  auto out = mean(Shape{2, 3, 2}, mean_input(), {0, 1, 2}, false);
  EXPECT_EQ(out.shape, (Shape{}));
  EXPECT_EQ(out.values, (std::vector<float>{60.5f}));
}

}  // namespace
}  // namespace qexp::interp

// The measurement helpers of `qexp bench`: percentiles, seeded random inputs, and the
// preconditions of run_benchmark, on the committed demo model.

#include "framework/cli/bench.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "framework/cli/model_loader.h"

namespace qexp::cli {
namespace {

const std::string kDemoModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";

std::unique_ptr<interp::Interpreter> demo_interpreter(bool profile) {
  Result<LoadedModel> model = load_model(kDemoModel);
  EXPECT_TRUE(model.ok()) << model.status().message();
  if (!model.ok()) return nullptr;
  interp::InterpreterOptions options;
  options.profile = profile;
  auto interp = interp::Interpreter::create(
      std::make_shared<const ir::Graph>(std::move(model->graph)), options);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  return interp.ok() ? std::move(*interp) : nullptr;
}

TEST(Percentile, InterpolatesLinearlyBetweenRanks) {
  const std::vector<double> v = {1, 2, 3, 4, 10};
  EXPECT_DOUBLE_EQ(percentile(v, 0.0), 1);
  EXPECT_DOUBLE_EQ(percentile(v, 1.0), 10);
  EXPECT_DOUBLE_EQ(percentile(v, 0.5), 3);
  EXPECT_DOUBLE_EQ(percentile(v, 0.9), 4 + 0.6 * 6);  // position 3.6
  EXPECT_DOUBLE_EQ(percentile(v, 0.1), 1.4);          // position 0.4
  const std::vector<double> one = {7};
  EXPECT_DOUBLE_EQ(percentile(one, 0.1), 7);
  EXPECT_DOUBLE_EQ(percentile(one, 0.9), 7);
  const std::vector<double> even = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(percentile(even, 0.5), 2.5);
}

TEST(FillRandomInputs, FloatsInUnitRangeAndSeedDetermined) {
  auto interp = demo_interpreter(false);
  ASSERT_NE(interp, nullptr);
  TensorView in = interp->input(0);
  ASSERT_EQ(in.dtype(), DType::kFloat32);
  const auto n = static_cast<size_t>(in.num_elements());
  fill_random_inputs(*interp, 7);
  std::vector<float> first(in.data<float>(), in.data<float>() + n);
  const auto [lo, hi] = std::minmax_element(first.begin(), first.end());
  EXPECT_GE(*lo, -1.0f);
  EXPECT_LE(*hi, 1.0f);
  EXPECT_LT(*lo, -0.9f);  // 784 uniform values reach both ends of the range
  EXPECT_GT(*hi, 0.9f);
  fill_random_inputs(*interp, 7);
  EXPECT_EQ(std::memcmp(first.data(), in.raw(), n * sizeof(float)), 0);
  fill_random_inputs(*interp, 8);
  EXPECT_NE(std::memcmp(first.data(), in.raw(), n * sizeof(float)), 0);
}

TEST(RunBenchmark, CountsRunsAndSumsOpTimes) {
  auto interp = demo_interpreter(true);
  ASSERT_NE(interp, nullptr);
  fill_random_inputs(*interp, 1);
  Result<BenchResult> r = run_benchmark(*interp, {.warmup = 1, .runs = 4});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->run_ms.size(), 4u);
  EXPECT_EQ(r->ops.size(), interp->graph().ops.size());
  double sum_mean = 0, sum_percent = 0;
  for (size_t i = 0; i < r->ops.size(); ++i) {
    if (i > 0) {
      EXPECT_GE(r->ops[i - 1].mean_ms, r->ops[i].mean_ms);
    }
    sum_mean += r->ops[i].mean_ms;
    sum_percent += r->ops[i].percent;
  }
  EXPECT_NEAR(sum_mean, r->ops_mean_ms, 1e-9 + 1e-9 * r->ops_mean_ms);
  EXPECT_NEAR(sum_percent, 100.0, 1e-6);
  EXPECT_LE(r->ops_mean_ms, r->latency.mean_ms);
  EXPECT_LE(r->latency.min_ms, r->latency.p10_ms);
  EXPECT_LE(r->latency.p10_ms, r->latency.median_ms);
  EXPECT_LE(r->latency.median_ms, r->latency.p90_ms);
  EXPECT_LE(r->latency.p90_ms, r->latency.max_ms);
}

TEST(RunBenchmark, RejectsBadCountsAndAnUnprofiledInterpreter) {
  auto profiled = demo_interpreter(true);
  ASSERT_NE(profiled, nullptr);
  EXPECT_EQ(run_benchmark(*profiled, {.warmup = 0, .runs = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(run_benchmark(*profiled, {.warmup = -1, .runs = 1}).status().code(),
            StatusCode::kInvalidArgument);
  auto plain = demo_interpreter(false);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(run_benchmark(*plain, {.warmup = 0, .runs = 1}).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace qexp::cli

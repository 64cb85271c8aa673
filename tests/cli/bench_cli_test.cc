// `qexp bench` end to end on the committed demo model: the text report, the JSON fields
// (docs/cli.md), per-op times that add up to the latency, the kernel-set and ISA options, and
// the error contract (one line, exit code 2).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

const std::string kModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";

class BenchCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  CommandResult qexp(std::vector<std::string> args) {
    args.insert(args.begin(), QEXP_CLI);
    return run(args, dir_);
  }

  /// `qexp bench MODEL --json … extra…`; returns the parsed JSON (null on failure).
  nlohmann::json bench_json(std::vector<std::string> extra) {
    const std::string out = dir_ + "/bench.json";
    std::vector<std::string> args = {"bench", kModel, "--json", out};
    args.insert(args.end(), extra.begin(), extra.end());
    last_ = qexp(args);
    EXPECT_EQ(last_.exit_code, 0) << last_.err;
    if (last_.exit_code != 0) return nullptr;
    return nlohmann::json::parse(read_text(out), nullptr, /*allow_exceptions=*/false);
  }

  void expect_error(const std::vector<std::string>& args, const std::string& must_contain) {
    CommandResult r = qexp(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("qexp: error: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(must_contain), std::string::npos) << r.err;
  }

  std::string dir_;
  CommandResult last_;
};

TEST_F(BenchCli, JsonHasLatencyMemoryAndPerOpTimesThatAddUp) {
  nlohmann::json j = bench_json({"--runs", "6", "--warmup", "2", "--threads", "2", "--top", "3"});
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["model"], kModel);
  EXPECT_EQ(j["format"], "graphdef");
  EXPECT_EQ(j["runs"], 6);
  EXPECT_EQ(j["warmup"], 2);
  EXPECT_EQ(j["threads"], 2);
  EXPECT_EQ(j["kernels"], "optimized");
  EXPECT_EQ(j["batch"], 1);
  EXPECT_EQ(j["inputs"][0]["dtype"], "float32");
  EXPECT_EQ(j["inputs"][0]["shape"], nlohmann::json({1, 28, 28, 1}));
  ASSERT_EQ(j["run_ms"].size(), 6u);
  const nlohmann::json& l = j["latency_ms"];
  EXPECT_GT(l["min"].get<double>(), 0.0);
  EXPECT_LE(l["min"].get<double>(), l["p10"].get<double>());
  EXPECT_LE(l["p10"].get<double>(), l["median"].get<double>());
  EXPECT_LE(l["median"].get<double>(), l["p90"].get<double>());
  EXPECT_LE(l["p90"].get<double>(), l["max"].get<double>());
  EXPECT_NEAR(j["images_per_second"].get<double>(), 1000.0 / l["median"].get<double>(), 1e-6);
  const nlohmann::json& m = j["memory"];
  EXPECT_GT(m["arena_bytes"].get<int64_t>(), 0);
  EXPECT_GE(m["peak_rss_bytes"].get<int64_t>(), m["peak_rss_after_create_bytes"].get<int64_t>());
  EXPECT_GE(m["peak_rss_after_create_bytes"].get<int64_t>(),
            m["peak_rss_after_load_bytes"].get<int64_t>());
  EXPECT_GT(m["peak_rss_after_load_bytes"].get<int64_t>(), m["arena_bytes"].get<int64_t>());
  // Every op once, slowest first; their times make up the latency (the rest is the
  // interpreter's loop and the clock reads).
  const nlohmann::json& ops = j["ops"];
  ASSERT_GT(ops.size(), 10u);
  std::vector<bool> seen(ops.size(), false);
  double sum = 0, percent = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const auto index = ops[i]["index"].get<size_t>();
    ASSERT_LT(index, ops.size());
    EXPECT_FALSE(seen[index]);
    seen[index] = true;
    if (i > 0) {
      EXPECT_GE(ops[i - 1]["mean_ms"].get<double>(), ops[i]["mean_ms"].get<double>());
    }
    EXPECT_FALSE(ops[i]["type"].get<std::string>().empty());
    EXPECT_FALSE(ops[i]["kernel"].get<std::string>().empty());
    EXPECT_FALSE(ops[i]["variant"].get<std::string>().empty());
    sum += ops[i]["mean_ms"].get<double>();
    percent += ops[i]["percent"].get<double>();
  }
  EXPECT_NEAR(sum, j["ops_mean_ms"].get<double>(), 1e-6 * sum + 1e-9);
  EXPECT_NEAR(percent, 100.0, 1e-6);
  EXPECT_LE(sum, l["mean"].get<double>());
  EXPECT_GE(sum, 0.8 * l["mean"].get<double>());
  // The text report: latency line and the top 3 ops plus "other".
  EXPECT_NE(last_.out.find("latency: median "), std::string::npos) << last_.out;
  EXPECT_NE(last_.out.find("peak RSS "), std::string::npos) << last_.out;
  EXPECT_NE(last_.out.find(ops[0]["name"].get<std::string>()), std::string::npos) << last_.out;
  EXPECT_NE(last_.out.find(" other "), std::string::npos) << last_.out;
  EXPECT_NE(last_.out.find(std::to_string(ops.size() - 3) + " ops"), std::string::npos)
      << last_.out;
}

TEST_F(BenchCli, ReferenceKernelsAndIsaCap) {
  nlohmann::json j = bench_json({"--runs", "2", "--warmup", "0", "--kernels", "reference"});
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["kernels"], "reference");
  for (const auto& op : j["ops"]) EXPECT_EQ(op["variant"], "reference") << op["name"];
  j = bench_json({"--runs", "1", "--warmup", "0", "--isa", "portable"});
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["isa"], "portable");
  for (const auto& op : j["ops"]) {
    const std::string variant = op["variant"];
    EXPECT_EQ(variant.find("avx"), std::string::npos) << op["name"] << ": " << variant;
  }
}

TEST_F(BenchCli, BadArgumentsAreOneLineErrorsWithExitCode2) {
  expect_error({"bench", kModel, "--runs", "0"}, "--runs");
  expect_error({"bench", kModel, "--warmup", "-1"}, "--warmup");
  expect_error({"bench", kModel, "--threads", "0"}, "--threads");
  expect_error({"bench", kModel, "--kernels", "fast"}, "--kernels");
  expect_error({"bench", kModel, "--isa", "sse9"}, "--isa");
  expect_error({"bench", kModel, "--input-shape", "1,x"}, "--input-shape");
  expect_error({"bench", dir_ + "/missing.tflite"}, "missing.tflite");
  expect_error({"bench", kModel, "--bogus"}, "--bogus");
}

}  // namespace
}  // namespace qexp::testing

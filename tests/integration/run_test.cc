// `qexp run` end to end on the demo model and the real Fashion-MNIST data: the report files,
// determinism across runs and thread counts, SIGKILL + --resume, Ctrl-C, and bad configs.

#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/cli_test_util.h"

extern char** environ;

namespace qexp::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kConfig = std::string(QEXP_SOURCE_DIR) + "/configs/mobilenet_int8.yaml";

// A small but complete version of the demo experiment (float, int8-kl, int8-minmax).
std::vector<std::string> small_run(const std::string& out, int threads) {
  return {QEXP_CLI, "run", kConfig, "--out", out, "--threads", std::to_string(threads), "--quiet",
          "--set", "dataset.limit=300", "--set", "calibration.samples=64",
          "--set", "metrics.layer_samples=8", "--set", "metrics.latency_runs=2"};
}

json report_without_timing(const std::string& dir) {
  json r = json::parse(read_text(dir + "/report.json"));
  r.erase("timing");
  return r;
}

// Starts argv in the background; returns its pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, (log + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  EXPECT_EQ(posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

// Waits until `path` exists (or the process ends), then sends `sig`; returns the wait status.
int signal_when(pid_t pid, const std::string& path, int sig) {
  int status = 0;
  for (int i = 0; i < 6000; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) return status;  // finished before the signal
    if (fs::exists(path)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, sig);
  waitpid(pid, &status, 0);
  return status;
}

// Every test has its own directory (CTest runs them as separate, possibly parallel processes).
std::string test_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return make_test_dir(std::string("run_") + info->name());
}

// The report files, checked on a 2-thread run; a 1-thread run gives the same report.
TEST(RunTest, WritesEveryReportFileAndTheSameReportOnOneAndTwoThreads) {
  const std::string dir = test_dir();
  CommandResult two = run(small_run(dir + "/two", 2), dir);
  ASSERT_EQ(two.exit_code, 0) << two.err;
  const std::string d = dir + "/two";
  for (const char* f : {"report.json", "report.md", "report.html", "layers.csv",
                        "variants/float.tflite", "variants/int8-kl.tflite",
                        "variants/int8-minmax.tflite"}) {
    EXPECT_TRUE(fs::exists(d + "/" + f)) << f;
  }
  json r = json::parse(read_text(d + "/report.json"));
  EXPECT_EQ(r["schema_version"], 1);
  EXPECT_EQ(r["status"], "complete");
  EXPECT_EQ(r["baseline"], "float");
  ASSERT_EQ(r["variants"].size(), 3u);
  const json& fl = r["variants"][0];
  EXPECT_EQ(fl["accuracy"]["count"], 300);
  EXPECT_GT(fl["accuracy"]["top1"]["percent"].get<double>(), 85.0);
  const json& mm = r["variants"][2];
  EXPECT_EQ(mm["name"], "int8-minmax");
  EXPECT_LT(std::abs(mm["accuracy"]["top1"]["delta_pp"].get<double>()), 3.0);
  EXPECT_GT(mm["fidelity"]["top1_agreement_percent"].get<double>(), 95.0);
  EXPECT_LT(mm["size_ratio"].get<double>(), 0.4);  // int8 weights: about a quarter of float
  EXPECT_EQ(mm["size_bytes"], fs::file_size(d + "/variants/int8-minmax.tflite"));
  EXPECT_GE(mm["layers"].size(), 15u);
  for (const json& l : mm["layers"]) {
    EXPECT_TRUE(l["sqnr_db"].is_number()) << l["name"];
    EXPECT_GT(l["sqnr_db"].get<double>(), 15.0) << l["name"];  // min/max int8 on this model
  }
  // The first layer reads the quantized model input either way: isolated == accumulated.
  const json& first = mm["layers"][0];
  EXPECT_EQ(first["op"], "CONV_2D");
  EXPECT_DOUBLE_EQ(first["sqnr_db"].get<double>(), first["isolated_sqnr_db"].get<double>());
  for (const json& l : mm["layers"]) {
    const bool weights = l["op"] == "CONV_2D" || l["op"] == "DEPTHWISE_CONV_2D";
    EXPECT_EQ(l["weight_only_sqnr_db"].is_number(), weights) << l["name"];
    EXPECT_GT(l["rmse_over_scale"].get<double>(), 0.1) << l["name"];  // ≥ rounding noise
  }
  EXPECT_FALSE(mm["ranges"].empty());
  const std::string html = read_text(d + "/report.html");
  for (const char* id : {"chart-accuracy-size", "chart-layer-sqnr", "chart-hist-0",
                         "chart-weights-0"}) {
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(r["provenance"]["model"]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(r["provenance"]["plugins"].size(), 2u);  // kl and minmax
  EXPECT_EQ(r["provenance"]["interpreter"]["kernel_set"], "optimized");
  const std::string isa = r["provenance"]["interpreter"]["isa"].get<std::string>();
  EXPECT_TRUE(isa == "portable" || isa == "avx2" || isa == "avx512" || isa == "avx512vnni") << isa;
  EXPECT_EQ(r["worst_layers"].size(), 10u);
  EXPECT_FALSE(r["activation_histograms"].empty());
  EXPECT_EQ(r["weight_ranges"].size(), 16u);  // stem + 7 × (depthwise, pointwise) + logits
  const std::string md = read_text(d + "/report.md");
  EXPECT_NE(md.find("int8-minmax"), std::string::npos);

  CommandResult one = run(small_run(dir + "/one", 1), dir);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(report_without_timing(dir + "/one"), report_without_timing(d));
  EXPECT_EQ(read_text(dir + "/one/layers.csv"), read_text(d + "/layers.csv"));
  for (const char* f : {"float", "int8-kl", "int8-minmax"}) {
    const std::string m = std::string("/variants/") + f + ".tflite";
    EXPECT_EQ(read_bytes(dir + "/one" + m), read_bytes(d + m)) << f;
  }
}

TEST(RunTest, KilledTwiceAndResumedGivesTheUninterruptedReport) {
  const std::string dir = test_dir();
  CommandResult reference = run(small_run(dir + "/reference", 2), dir);
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const std::string out = dir + "/killed";
  std::vector<std::string> argv = small_run(out, 1);
  // Kill 1: once the float baseline's evaluation is journaled (phase 1 done).
  int st = signal_when(spawn(argv, dir + "/kill1.log"), out + "/tasks/eval-float-0.json",
                       SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(st)) << "the run ended before it could be killed";
  EXPECT_FALSE(fs::exists(out + "/tasks/layers-int8-minmax.json"));
  argv.push_back("--resume");
  // Kill 2: once int8-kl's evaluation is journaled (during int8-minmax's).
  st = signal_when(spawn(argv, dir + "/kill2.log"), out + "/tasks/eval-int8-kl-0.json",
                   SIGKILL);
  EXPECT_TRUE(WIFSIGNALED(st));
  CommandResult last = run(argv, dir);
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_NE(last.out.find("reused"), std::string::npos) << last.out;
  EXPECT_EQ(report_without_timing(out), report_without_timing(dir + "/reference"));
  json r = json::parse(read_text(out + "/report.json"));
  EXPECT_GE(r["timing"]["resumed_tasks"].get<int>(), 2);
}

TEST(RunTest, InterruptWritesAPartialReportAndExits130) {
  const std::string dir = test_dir();
  const std::string out = dir + "/interrupted";
  int st = signal_when(spawn(small_run(out, 1), dir + "/int.log"),
                       out + "/tasks/eval-float-0.json", SIGINT);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 130) << read_text(dir + "/int.log.err");
  json r = json::parse(read_text(out + "/report.json"));
  EXPECT_EQ(r["status"], "partial");
  EXPECT_EQ(r["variants"][2]["status"], "not_run");
  EXPECT_TRUE(fs::exists(out + "/report.md"));
  EXPECT_NE(read_text(dir + "/int.log.err").find("--resume"), std::string::npos);
}

TEST(RunTest, ResumeRefusesTheJournalOfAnotherConfig) {
  const std::string dir = test_dir();
  std::vector<std::string> argv = small_run(dir + "/out", 1);
  argv.insert(argv.end(), {"--set", "variants=[{name: float, mode: float}]"});
  ASSERT_EQ(run(argv, dir).exit_code, 0);
  argv.insert(argv.end(), {"--set", "dataset.limit=299", "--resume"});
  CommandResult r = run(argv, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds a run of a different config"), std::string::npos) << r.err;
}

// Three shards as separate processes, each with its own directory, merged: the single-process
// report. Then a killed shard re-run with --resume completes a merged report without redoing
// the tasks it had finished.
TEST(RunTest, ShardsMergeIntoTheSingleProcessReport) {
  const std::string dir = test_dir();
  auto with_limit = [](std::vector<std::string> argv) {
    argv.insert(argv.end(), {"--set", "dataset.shard_size=100"});  // 3 evaluation shards
    return argv;
  };
  CommandResult single = run(with_limit(small_run(dir + "/single", 2)), dir);
  ASSERT_EQ(single.exit_code, 0) << single.err;
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> argv = with_limit(small_run(dir + "/s" + std::to_string(i), 1));
    argv.insert(argv.end(), {"--shard", std::to_string(i) + "/3"});
    CommandResult r = run(argv, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(dir + "/s" + std::to_string(i) + "/report.json"));
  }
  CommandResult merged = run({QEXP_CLI, "merge", dir + "/s0", dir + "/s1", dir + "/s2", "-q"}, dir);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(report_without_timing(dir + "/s0"), report_without_timing(dir + "/single"));

  // Shard 1 of a shared directory killed after its first task; shards 0 and 2 complete; the
  // merge is partial until shard 1 is resumed.
  const std::string shared = dir + "/shared";
  std::vector<std::string> one = with_limit(small_run(shared, 1));
  one.insert(one.end(), {"--shard", "1/3"});
  signal_when(spawn(one, dir + "/shard1.log"), shared + "/tasks/eval-float-0.json", SIGKILL);
  for (int i : {0, 2}) {
    std::vector<std::string> argv = with_limit(small_run(shared, 1));
    argv.insert(argv.end(), {"--shard", std::to_string(i) + "/3"});
    ASSERT_EQ(run(argv, dir).exit_code, 0);
  }
  CommandResult partial = run({QEXP_CLI, "merge", shared, "-q"}, dir);
  EXPECT_EQ(partial.exit_code, 2) << partial.err;
  EXPECT_NE(partial.err.find("tasks are missing"), std::string::npos) << partial.err;
  EXPECT_EQ(json::parse(read_text(shared + "/report.json"))["status"], "partial");
  one.push_back("--resume");
  CommandResult resumed = run(one, dir);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("reused"), std::string::npos) << resumed.out;
  ASSERT_EQ(run({QEXP_CLI, "merge", shared, "-q"}, dir).exit_code, 0);
  EXPECT_EQ(report_without_timing(shared), report_without_timing(dir + "/single"));
}

#ifdef QEXP_MPIRUN
// `mpirun -np 2 qexp run … --mpi` gives the single-process report (rank 0 writes it).
TEST(RunTest, MpiRanksGiveTheSingleProcessReport) {
  const std::string dir = test_dir();
  std::vector<std::string> single = small_run(dir + "/single", 2);
  single.insert(single.end(), {"--set", "dataset.shard_size=100"});
  ASSERT_EQ(run(single, dir).exit_code, 0);
  std::vector<std::string> argv = {QEXP_MPIRUN, "-np", "2", "--oversubscribe"};
  std::vector<std::string> job = small_run(dir + "/mpi", 1);
  argv.insert(argv.end(), job.begin(), job.end());
  argv.insert(argv.end(), {"--set", "dataset.shard_size=100", "--mpi"});
  setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
  setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  CommandResult r = run(argv, dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report_without_timing(dir + "/mpi"), report_without_timing(dir + "/single"));
}
#endif

// Each bad config: one line "qexp: error: file:line:col: …", exit 2, no output directory.
struct BadConfig {
  const char* name;
  const char* yaml;
  const char* expected;
};

void PrintTo(const BadConfig& c, std::ostream* os) { *os << c.name; }

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, FailsBeforeCreatingTheOutputDirectory) {
  const BadConfig& c = GetParam();
  const std::string dir = make_test_dir(std::string("bad_config_") + c.name);
  const std::string path = dir + "/bad.yaml";
  const std::string root = QEXP_SOURCE_DIR;
  std::string yaml = c.yaml;
  for (size_t p; (p = yaml.find("@ROOT@")) != std::string::npos;) yaml.replace(p, 6, root);
  write_bytes(path, yaml.data(), yaml.size());
  CommandResult r = run({QEXP_CLI, "run", path, "--out", dir + "/out"}, dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

#define QEXP_HEAD                                                                           \
  "model:\n  path: @ROOT@/models/mobilenet_v1_0.5_fmnist.pb\n"                              \
  "dataset:\n  manifest: @ROOT@/datasets/fashion_mnist.yaml\n"

INSTANTIATE_TEST_SUITE_P(
    Cases, BadConfigTest,
    ::testing::Values(
        BadConfig{"unknown_key", QEXP_HEAD "variants:\n  - name: f\n    mdoe: float\n",
                  "bad.yaml:7:5: variants[0].mdoe: unknown key (did you mean 'mode'?)"},
        BadConfig{"wrong_type", QEXP_HEAD "calibration:\n  samples: many\nvariants:\n  - mode: float\n",
                  "bad.yaml:6:12: calibration.samples: expected an integer"},
        BadConfig{"missing_model",
                  "model:\n  path: @ROOT@/models/absent.pb\ndataset:\n  manifest: "
                  "@ROOT@/datasets/fashion_mnist.yaml\nvariants:\n  - mode: float\n",
                  "bad.yaml:2:9: model.path: model file"},
        BadConfig{"missing_dataset",
                  "model:\n  path: @ROOT@/models/mobilenet_v1_0.5_fmnist.pb\ndataset:\n  manifest: "
                  "@ROOT@/datasets/absent.yaml\nvariants:\n  - mode: float\n",
                  "bad.yaml:4:13: dataset.manifest:"},
        BadConfig{"unknown_calibrator", QEXP_HEAD "variants:\n  - mode: int8\n    calibrator: kll\n",
                  "variants[0].calibrator: unknown calibrator 'kll' (did you mean 'kl'?)"},
        BadConfig{"bad_enum", QEXP_HEAD "variants:\n  - mode: int4\n",
                  "bad.yaml:6:11: variants[0].mode: 'int4' is not one of"},
        BadConfig{"duplicate_names",
                  QEXP_HEAD "variants:\n  - name: a\n    mode: float\n  - name: a\n    mode: float16\n",
                  "variants[1].name: duplicate variant name 'a'"}),
    [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace qexp::testing

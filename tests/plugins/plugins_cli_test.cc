// `qexp plugins` and `--plugin` through the real binary: the listing (text and JSON), and every
// plugin error as one line on stderr with exit code 2 — at load time (`qexp plugins --plugin`)
// and during calibration (`qexp convert --plugin … --calibration <it>`).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "framework/core/sha256.h"
#include "tests/integration/cli_test_util.h"

namespace qexp {
namespace {

using testing::CommandResult;
using testing::line_count;
using testing::make_test_dir;
using testing::run;

CommandResult qexp_plugins(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv = {QEXP_CLI, "plugins"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, dir);
}

// Exit code 2, nothing on stdout, one line "qexp: error: <expected>" on stderr.
void expect_error(const CommandResult& r, const std::string& expected) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_EQ(r.err, "qexp: error: " + expected + "\n");
}

TEST(PluginsCommand, ListsEveryBuiltInWithVersionOriginAndOptions) {
  const std::string dir = make_test_dir("plugins_builtins");
  CommandResult r = qexp_plugins({}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"aciq", "ema_minmax", "kl", "minmax", "mse", "percentile", "sigma"}) {
    const std::regex line("(^|\n)" + std::string(name) +
                          "  calibrator [0-9]+\\.[0-9]+\\.[0-9]+  built-in\n");
    EXPECT_TRUE(std::regex_search(r.out, line)) << name << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("    option percentile (float, default 99.99, [0, 100]): "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("minmax  calibrator 1.0.0  built-in\n    Global min / max"),
            std::string::npos)
      << r.out;
}

bool have_fashion_mnist() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
}

// Issue #6 acceptance 2: plugins/calibration/sigma was added through the documented in-tree
// steps (a folder + one line in plugins/CMakeLists.txt); it is listed and usable from YAML.
TEST(InTreePlugin, SigmaIsListedAndUsableFromAConfig) {
  const std::string dir = make_test_dir("plugins_in_tree_sigma");
  CommandResult list = qexp_plugins({}, dir);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("sigma  calibrator 1.0.0  built-in\n"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("    option k (float, default 3, [0, 1000]): "), std::string::npos)
      << list.out;

  const std::string config = dir + "/sigma.yaml";
  std::ofstream(config) << "model:\n  path: " << QEXP_SOURCE_DIR
                        << "/models/mobilenet_v1_0.5_fmnist.pb\n"
                        << "dataset:\n  manifest: " << QEXP_SOURCE_DIR
                        << "/datasets/fashion_mnist.yaml\n"
                        << "variants:\n  - mode: int8\n    calibrator: sigma\n"
                        << "    calibrator_options: {k: 2.5}\n";
  CommandResult v = run({QEXP_CLI, "validate", config}, dir);
  if (v.exit_code != 0 && !have_fashion_mnist()) GTEST_SKIP() << "Fashion-MNIST is not installed";
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("calibrator: sigma"), std::string::npos) << v.out;
  EXPECT_NE(v.out.find("k: 2.5"), std::string::npos) << v.out;

  std::ofstream(config, std::ios::app) << "  - name: bad\n    mode: int8\n    calibrator: sigma\n"
                                       << "    calibrator_options: {kk: 1}\n";
  CommandResult bad = run({QEXP_CLI, "validate", config}, dir);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown option 'kk' (did you mean 'k'?)"), std::string::npos) << bad.err;
}

TEST(PluginsCommand, JsonListsALoadedPluginWithSha256AndTypedOptions) {
  const std::string dir = make_test_dir("plugins_json");
  CommandResult r = qexp_plugins({"--plugin", QEXP_TEST_PLUGIN_GOOD, "--json"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const nlohmann::json* good = nullptr;
  for (const nlohmann::json& p : j.at("plugins")) {
    if (p.at("name") == "test_good") good = &p;
    if (p.at("name") == "minmax") {
      EXPECT_EQ(p.at("origin"), "built-in");
      EXPECT_EQ(p.at("sha256"), "");
    }
  }
  ASSERT_NE(good, nullptr) << r.out;
  EXPECT_EQ(good->at("kind"), "calibrator");
  EXPECT_EQ(good->at("version"), "2.3.4");
  EXPECT_EQ(good->at("origin"), QEXP_TEST_PLUGIN_GOOD);
  EXPECT_EQ(good->at("sha256"), *sha256_file(QEXP_TEST_PLUGIN_GOOD));
  ASSERT_EQ(good->at("options").size(), 1u);
  const nlohmann::json& scale = good->at("options")[0];
  EXPECT_EQ(scale.at("name"), "scale");
  EXPECT_EQ(scale.at("type"), "float");
  EXPECT_EQ(scale.at("default"), "1");
  EXPECT_EQ(scale.at("min"), 0.0);
  EXPECT_EQ(scale.at("max"), 10.0);
  EXPECT_EQ(scale.at("doc"), "multiplies the observed min and max");
}

TEST(PluginsCommand, PluginPathEnvironmentIsLoaded) {
  const std::string dir = make_test_dir("plugins_env");
  CommandResult r = run(
      {"env", std::string("QEXP_PLUGIN_PATH=") + QEXP_TEST_PLUGIN_GOOD, QEXP_CLI, "plugins"}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(std::string("test_good  calibrator 2.3.4  ") + QEXP_TEST_PLUGIN_GOOD +
                       "  sha256 " + *sha256_file(QEXP_TEST_PLUGIN_GOOD) + "\n"),
            std::string::npos)
      << r.out;
}

TEST(PluginsCommandErrors, FileNotFound) {
  const std::string dir = make_test_dir("plugins_err_missing");
  expect_error(qexp_plugins({"--plugin", dir + "/libnone.so"}, dir),
               "plugin file '" + dir + "/libnone.so' not found");
}

TEST(PluginsCommandErrors, TextFileIsNotASharedLibrary) {
  const std::string dir = make_test_dir("plugins_err_text");
  std::ofstream(dir + "/x.so") << "not a library\n";
  CommandResult r = qexp_plugins({"--plugin", dir + "/x.so"}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_TRUE(r.err.starts_with("qexp: error: plugin file '" + dir +
                                "/x.so' is not a loadable shared library: "))
      << r.err;
}

TEST(PluginsCommandErrors, MissingEntrySymbol) {
  const std::string dir = make_test_dir("plugins_err_entry");
  expect_error(qexp_plugins({"--plugin", QEXP_TEST_PLUGIN_NO_ENTRY}, dir),
               std::string("plugin file '") + QEXP_TEST_PLUGIN_NO_ENTRY +
                   "' has no entry symbol 'qexp_plugin_entry' (build it with qexp_add_plugin(), "
                   "which compiles QEXP_REGISTER_CALIBRATOR with QEXP_PLUGIN_SHARED)");
}

TEST(PluginsCommandErrors, ApiVersionMismatch) {
  const std::string dir = make_test_dir("plugins_err_api");
  expect_error(qexp_plugins({"--plugin", QEXP_TEST_PLUGIN_BAD_API}, dir),
               std::string("plugin 'test_bad_api' (") + QEXP_TEST_PLUGIN_BAD_API +
                   ") was built for plugin API 99, this qexp has API 1");
}

TEST(PluginsCommandErrors, DuplicateName) {
  const std::string dir = make_test_dir("plugins_err_dup");
  expect_error(
      qexp_plugins({"--plugin", QEXP_TEST_PLUGIN_GOOD, "--plugin", QEXP_TEST_PLUGIN_GOOD}, dir),
      std::string("duplicate plugin name 'test_good': ") + QEXP_TEST_PLUGIN_GOOD + " and " +
          QEXP_TEST_PLUGIN_GOOD);
}

// Calibration-time failures need a model and calibration data: the demo model on two
// Fashion-MNIST training images.
CommandResult convert_with(const std::string& plugin, const std::string& calibrator,
                           const std::string& dir) {
  return run(
      {QEXP_CLI, "convert", std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb",
       "-o", dir + "/out.tflite", "--quantize", "int8", "--plugin", plugin, "--calibration",
       calibrator, "--calib-dataset", std::string(QEXP_SOURCE_DIR) + "/datasets/fashion_mnist.yaml",
       "--calib-samples", "2"},
      dir);
}

// The last line of stderr (progress lines come before the error).
std::string last_line(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

TEST(PluginsCommandErrors, PluginThatThrowsDuringCalibrationNamesPluginAndTensor) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "Fashion-MNIST is not installed";
  const std::string dir = make_test_dir("plugins_err_throws");
  CommandResult r = convert_with(QEXP_TEST_PLUGIN_THROWS, "test_throws", dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(last_line(r.err).starts_with("qexp: error: calibrator 'test_throws' on tensor '"))
      << r.err;
  EXPECT_TRUE(
      last_line(r.err).ends_with("': threw an exception: deliberate failure in test_throws"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.tflite"));
}

TEST(PluginsCommandErrors, PluginThatReturnsAnErrorDuringCalibrationNamesPluginAndTensor) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "Fashion-MNIST is not installed";
  const std::string dir = make_test_dir("plugins_err_error");
  CommandResult r = convert_with(QEXP_TEST_PLUGIN_ERROR, "test_error", dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(last_line(r.err).starts_with("qexp: error: calibrator 'test_error' on tensor '"))
      << r.err;
  EXPECT_TRUE(last_line(r.err).ends_with("': statistics rejected by test_error")) << r.err;
}

TEST(PluginsCommandErrors, RunRecordsTheFailingPluginVariantAndExits2) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "Fashion-MNIST is not installed";
  const std::string dir = make_test_dir("plugins_err_run");
  std::ofstream(dir + "/c.yaml") << "model:\n  path: " << QEXP_SOURCE_DIR
                                 << "/models/mobilenet_v1_0.5_fmnist.pb\n"
                                 << "dataset:\n  manifest: " << QEXP_SOURCE_DIR
                                 << "/datasets/fashion_mnist.yaml\n  limit: 4\n"
                                 << "calibration:\n  samples: 2\n"
                                 << "variants:\n  - {name: t, mode: int8, calibrator: test_error}\n"
                                 << "report:\n  formats: [json]\n";
  CommandResult r = run({QEXP_CLI, "run", dir + "/c.yaml", "--plugin", QEXP_TEST_PLUGIN_ERROR,
                         "--out", dir + "/out", "-q"},
                        dir);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  const nlohmann::json report = nlohmann::json::parse(testing::read_text(dir + "/out/report.json"));
  const nlohmann::json& v = report.at("variants").at(0);
  EXPECT_EQ(v.at("status"), "failed");
  const std::string error = v.at("error");
  EXPECT_TRUE(error.starts_with("calibrator 'test_error' on tensor '")) << error;
  EXPECT_TRUE(error.ends_with("': statistics rejected by test_error")) << error;
}

TEST(ConvertWithPlugin, LoadedCalibratorQuantizesTheModel) {
  if (!have_fashion_mnist()) GTEST_SKIP() << "Fashion-MNIST is not installed";
  const std::string dir = make_test_dir("plugins_convert_ok");
  CommandResult r = convert_with(QEXP_TEST_PLUGIN_GOOD, "test_good", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("calibrated 2 samples with 'test_good'"), std::string::npos) << r.err;
  EXPECT_GT(std::filesystem::file_size(dir + "/out.tflite"), 0u);
}

}  // namespace
}  // namespace qexp

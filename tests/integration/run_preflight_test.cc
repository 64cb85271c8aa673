// `qexp run` checks its output directory before any work starts (issue #8, acceptance 4): an
// output path that cannot be written or a file system with too little free space is one error
// line naming the directory, exit status 2, and nothing written. Also the global `--limit`
// option and the QEXP_LIMIT_* variables (framework/core/limits.h).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

namespace fs = std::filesystem;

const std::string kConfig = std::string(QEXP_SOURCE_DIR) + "/configs/mobilenet_int8.yaml";

void expect_one_line_exit_2(const CommandResult& r, const std::string& expected) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
}

TEST(RunPreflight, OutputPathBelowARegularFileFailsBeforeWork) {
  const std::string dir = make_test_dir("preflight_enotdir");
  const std::string file = dir + "/not_a_dir";
  write_bytes(file, "x", 1);
  CommandResult r = run({QEXP_CLI, "run", kConfig, "--out", file + "/out", "--quiet"}, dir);
  expect_one_line_exit_2(r, "qexp: error: " + file +
                                "/out: the output directory cannot be "
                                "written: " +
                                file + " is not a directory\n");
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST(RunPreflight, TooLittleFreeSpaceFailsBeforeWorkAndWritesNothing) {
  const std::string dir = make_test_dir("preflight_full");
  const std::string out = dir + "/out";
  CommandResult r = run({QEXP_CLI, "--limit", "min_free_disk_bytes=8000000T", "run", kConfig,
                         "--out", out, "--quiet"},
                        dir);
  expect_one_line_exit_2(r, "qexp: error: " + out + ": not enough free disk space: ");
  EXPECT_NE(r.err.find("the run needs at least 8192000000.00 GiB (8796093022208000000 bytes; "
                       "--limit min_free_disk_bytes)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(out));
  // Only the helper files of cli_test_util's run(): no directory, no probe file.
  for (const auto& e : fs::directory_iterator(dir)) {
    EXPECT_EQ(e.path().filename().string().rfind(".cmd_", 0), 0u) << e.path();
  }
}

TEST(RunPreflight, FreeSpaceFloorFromTheEnvironment) {
  const std::string dir = make_test_dir("preflight_env");
  const std::string out = dir + "/out";
  CommandResult r = run({"env", "QEXP_LIMIT_MIN_FREE_DISK_BYTES=8000000T", QEXP_CLI, "run", kConfig,
                         "--out", out, "--quiet"},
                        dir);
  expect_one_line_exit_2(r, "qexp: error: " + out + ": not enough free disk space: ");
  EXPECT_FALSE(fs::exists(out));
}

TEST(RunPreflight, UnknownLimitListsTheKnownOnes) {
  const std::string dir = make_test_dir("preflight_unknown_limit");
  CommandResult r = run({QEXP_CLI, "--limit", "max_bananas=3", "validate", kConfig}, dir);
  expect_one_line_exit_2(r,
                         "qexp: error: --limit: unknown limit 'max_bananas' (known: "
                         "max_tflite_bytes, max_graphdef_bytes, max_model_elements, "
                         "max_image_pixels, max_image_side, min_free_disk_bytes)\n");
  CommandResult env =
      run({"env", "QEXP_LIMIT_MAX_IMAGE_SIDE=big", QEXP_CLI, "validate", kConfig}, dir);
  expect_one_line_exit_2(env,
                         "qexp: error: QEXP_LIMIT_MAX_IMAGE_SIDE: --limit max_image_side: "
                         "'big' is not a count >= 1");
}

TEST(RunPreflight, LoweredModelLimitStopsTheImport) {
  const std::string dir = make_test_dir("preflight_model_limit");
  const std::string model = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";
  CommandResult r = run({QEXP_CLI, "--limit", "max_graphdef_bytes=64K", "inspect", model}, dir);
  expect_one_line_exit_2(r, " bytes, the limit is 65536 (--limit max_graphdef_bytes)\n");
  CommandResult ok = run({QEXP_CLI, "--limit=max_graphdef_bytes=1G", "--limit",
                          "max_model_elements=100M", "inspect", model},
                         dir);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace qexp::testing

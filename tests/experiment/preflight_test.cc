#include "framework/experiment/preflight.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>

namespace qexp::exp {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / ("preflight_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::string error_of(const Status& s) { return s.ok() ? "ok" : s.message(); }

TEST(Preflight, EstimateIsTheModelOncePerVariantPlusOneAndAMargin) {
  EXPECT_EQ(estimate_run_bytes(1000, 3), 4000 + (int64_t{64} << 20));
  EXPECT_EQ(estimate_run_bytes(0, 0), int64_t{64} << 20);
  EXPECT_EQ(estimate_run_bytes(std::numeric_limits<int64_t>::max() / 2, 4),
            std::numeric_limits<int64_t>::max());
}

TEST(Preflight, MissingDirectoriesBelowAWritableOneAreFineAndNothingIsLeftBehind) {
  const std::string d = fresh_dir("ok");
  EXPECT_EQ(error_of(check_output_dir(d + "/a/b/c", 1)), "ok");
  EXPECT_EQ(error_of(check_output_dir(d, 1)), "ok");
  EXPECT_TRUE(fs::is_empty(d));  // no directory created, the probe file removed
}

TEST(Preflight, PathThroughARegularFileIsNamed) {
  const std::string d = fresh_dir("file");
  std::ofstream(d + "/report.md") << "x";
  EXPECT_EQ(error_of(check_output_dir(d + "/report.md/run", 1)),
            d + "/report.md/run: the output directory cannot be written: " + d +
                "/report.md is not a directory");
  EXPECT_EQ(error_of(check_output_dir(d + "/report.md", 1)),
            d + "/report.md: the output directory cannot be written: " + d +
                "/report.md is not a directory");
}

TEST(Preflight, ReadOnlyDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  const std::string d = fresh_dir("ro");
  ASSERT_EQ(::chmod(d.c_str(), 0555), 0);
  Status s = check_output_dir(d + "/run", 1);
  ::chmod(d.c_str(), 0755);
  EXPECT_EQ(error_of(s), d +
                             "/run: the output directory cannot be written: cannot create a file "
                             "in " +
                             d + ": Permission denied");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
}

TEST(Preflight, TooLittleFreeSpaceIsResourceExhaustedAndNamesTheLimit) {
  const std::string d = fresh_dir("full");
  Status s = check_output_dir(d + "/run", std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  const std::string e = error_of(s);
  EXPECT_EQ(e.rfind(d + "/run: not enough free disk space: ", 0), 0u) << e;
  EXPECT_NE(e.find(" bytes) available, the run needs at least "), std::string::npos) << e;
  EXPECT_NE(e.find("(9223372036854775807 bytes; --limit min_free_disk_bytes)"), std::string::npos)
      << e;
  EXPECT_TRUE(fs::is_empty(d));
}

}  // namespace
}  // namespace qexp::exp

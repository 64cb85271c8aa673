#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "framework/report/report.h"
#include "tests/report/report_test_util.h"

namespace qexp::report {
namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() /
               ("qexp_report_" + name + "_" +
                std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(WriteReports, WritesEveryRequestedFileAndNoTemporaries) {
  nlohmann::json r = testing::load_fixture();
  std::string dir = fresh_dir("all");
  ASSERT_TRUE(write_reports(r, dir, {"html", "csv", "md", "json"}).ok());
  EXPECT_EQ(files_in(dir),
            (std::set<std::string>{"report.json", "report.md", "layers.csv", "report.html"}));
  EXPECT_EQ(read(dir + "/report.json"), r.dump(2) + "\n");
  EXPECT_EQ(nlohmann::json::parse(read(dir + "/report.json")), r);
  EXPECT_EQ(read(dir + "/report.md"), to_markdown(r));
  EXPECT_EQ(read(dir + "/layers.csv"), to_csv(r));
  EXPECT_EQ(read(dir + "/report.html"), to_html(r));
  // Rewriting over existing files works the same way (rename replaces them).
  ASSERT_TRUE(write_reports(r, dir, {"md"}).ok());
  EXPECT_EQ(files_in(dir).size(), 4u);
}

TEST(WriteReports, JsonIsAlwaysWritten) {
  std::string dir = fresh_dir("json");
  ASSERT_TRUE(write_reports(nlohmann::json::object(), dir, {}).ok());
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"report.json"}));
  EXPECT_EQ(read(dir + "/report.json"), "{}\n");
}

TEST(WriteReports, UnknownFormatWritesNothing) {
  std::string dir = fresh_dir("unknown");
  Status s = write_reports(testing::load_fixture(), dir, {"md", "pdf"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "report format 'pdf' is unknown (expected one of json, md, csv, html)");
  EXPECT_TRUE(files_in(dir).empty());
}

TEST(WriteReports, MissingDirectoryErrorNamesTheFile) {
  std::string dir = fresh_dir("missing") + "/does/not/exist";
  Status s = write_reports(testing::load_fixture(), dir, {"md"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message().rfind(dir + "/report.json: cannot create: ", 0), 0u) << s.message();
}

TEST(WriteReports, InvalidUtf8IsReplacedInsteadOfFailing) {
  std::string dir = fresh_dir("utf8");
  nlohmann::json r = {{"experiment", {{"name", "bad\xff"}}}};
  ASSERT_TRUE(write_reports(r, dir, {"json", "md", "html"}).ok());
  EXPECT_NE(read(dir + "/report.json").find("bad\xEF\xBF\xBD"), std::string::npos);
}

}  // namespace
}  // namespace qexp::report

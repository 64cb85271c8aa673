#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "framework/report/report.h"
#include "tests/report/report_test_util.h"

namespace qexp::report {
namespace {

// The first line starting with `prefix`, or "" if there is none.
std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const std::string& line : testing::lines_of(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

// Cell separators of a Markdown table row: `|` not preceded by a backslash.
int unescaped_pipes(const std::string& line) {
  int n = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '|') {
      ++n;
    }
  }
  return n;
}

TEST(Markdown, HeaderShowsNameStatusAndProvenance) {
  std::string md = to_markdown(testing::load_fixture());
  EXPECT_EQ(md.rfind("# qexp report: mobilenet_int8\n", 0), 0u);
  EXPECT_NE(md.find("- **status:** partial"), std::string::npos);
  EXPECT_NE(md.find("- **qexp:** 0.1.0, git 86353f2-dirty"), std::string::npos);
  EXPECT_NE(md.find("- **seed:** 42"), std::string::npos);
  EXPECT_NE(md.find("- **git revision:** 86353f2-dirty"), std::string::npos);
  EXPECT_NE(md.find("- **model:** models/mobilenet_v1_0.5_fmnist.pb (tf_graphdef, 1093812 bytes, "
                    "sha256 a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1)"),
            std::string::npos);
  EXPECT_NE(md.find("resolved config sha256 3f1c0a9e5b7d"), std::string::npos);
  EXPECT_NE(md.find("- **dataset:** fashion_mnist (split test, 10000 images, manifest "
                    "datasets/fashion_mnist.yaml"),
            std::string::npos);
  EXPECT_NE(md.find("- **plugins:** kl 1.0 (calibrator, built-in); minmax 1.0"), std::string::npos);
}

TEST(Markdown, SummaryRowsUseFixedPrecisionAndDashForMissing) {
  std::string md = to_markdown(testing::load_fixture());
  EXPECT_EQ(line_starting(md, "| int8-kl-s1 |"),
            "| int8-kl-s1 | int8 | kl | per-channel | 91.71 | -0.22 | 99.69 | 98.87 | 0.00317 | "
            "24.52 | 301256 | 0.274 | ok |");
  // The baseline has no fidelity (null): agreement, KL and SQNR are missing, not "exact".
  EXPECT_EQ(line_starting(md, "| float |"),
            "| float | float | – | – | 91.93 | 0.00 | 99.71 | – | – | – | 1100040 | 1.000 | ok |");
  EXPECT_EQ(line_starting(md, "| int8-minmax-pt |"),
            "| int8-minmax-pt | int8 | minmax | per-tensor | 88.12 | -3.81 | 99.20 | 93.40 | "
            "0.04100 | 14.80 | 300488 | 0.273 | ok |");
  EXPECT_EQ(
      line_starting(md, "| int16x8-aciq |"),
      "| int16x8-aciq | int16x8 | aciq | per-channel | – | – | – | – | – | – | – | – | failed |");
}

TEST(Markdown, EveryTableRowHasTheHeaderColumnCount) {
  std::string md = to_markdown(testing::load_fixture());
  std::vector<std::string> lines = testing::lines_of(md);
  int tables = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i][0] != '|' || (i > 0 && !lines[i - 1].empty())) continue;
    ++tables;  // a table starts after a blank line; its rows run until the next blank line
    int columns = unescaped_pipes(lines[i]);
    for (size_t j = i; j < lines.size() && !lines[j].empty(); ++j) {
      EXPECT_EQ(unescaped_pipes(lines[j]), columns) << lines[j];
    }
  }
  EXPECT_EQ(tables, 5);  // variants, groups, worst layers, failed, timing
}

TEST(Markdown, FailedVariantErrorIsShownWithPipeEscaped) {
  std::string md = to_markdown(testing::load_fixture());
  EXPECT_NE(md.find("## Variants that did not complete"), std::string::npos);
  EXPECT_EQ(line_starting(md, "| int16x8-aciq | int16x8 | failed |"),
            "| int16x8-aciq | int16x8 | failed | int16x8-aciq: calibrator 'aciq': tensor 'input' "
            "has no samples \\| expected at least 1 |");
}

TEST(Markdown, BestVariantGroupsAndWorstLayers) {
  std::string md = to_markdown(testing::load_fixture());
  EXPECT_NE(md.find("**Best quantized variant: int8-kl-s1 — top-1 91.71 % (-0.22 pp), 301256 "
                    "bytes (size ratio 0.274).**"),
            std::string::npos);
  EXPECT_EQ(
      line_starting(md, "| int8-kl |"),
      "| int8-kl | 2 | int8-kl-s1, int8-kl-s2 | 91.67 ± 0.44 | 0.05 | 91.64 | 91.71 | -0.26 | "
      "98.83 |");
  EXPECT_EQ(line_starting(md, "| 1 |"),
            "| 1 | int8-minmax-pt | 11 | MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd | "
            "FULLY_CONNECTED | 8.74 |");
  EXPECT_NE(line_starting(md, "| 10 |"), "");
  EXPECT_EQ(line_starting(md, "| 11 |"), "");
}

TEST(Markdown, NullSqnrMeansExactAndIsShownAsInfinity) {
  nlohmann::json r = {
      {"worst_layers",
       {{{"variant", "v"}, {"index", 3}, {"name", "t"}, {"op", "RESHAPE"}, {"sqnr_db", nullptr}}}}};
  EXPECT_EQ(line_starting(to_markdown(r), "| 1 |"), "| 1 | v | 3 | t | RESHAPE | ∞ |");
}

TEST(Markdown, TimingIsOnlyInTheLastSection) {
  nlohmann::json r = testing::load_fixture();
  std::string md = to_markdown(r);
  size_t timing = md.find("## Timing");
  ASSERT_NE(timing, std::string::npos);
  EXPECT_EQ(md.find("\n## ", timing + 1), std::string::npos);
  EXPECT_NE(md.find("| int8-kl-s1 | 4.100 | 3.200 | 0.400 | 30.500 | 327.9 |", timing),
            std::string::npos);
  r["timing"]["total_seconds"] = 999.5;
  r["timing"]["variants"]["float"]["eval_seconds"] = 1.25;
  std::string changed = to_markdown(r);
  EXPECT_EQ(changed.substr(0, timing), md.substr(0, timing));
  EXPECT_NE(changed, md);
}

}  // namespace
}  // namespace qexp::report

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "framework/report/report.h"
#include "tests/report/report_test_util.h"

namespace qexp::report {
namespace {

constexpr const char* kHeader =
    "variant,index,name,op,dtype,sqnr_db,rmse,scale,rmse_over_scale,isolated_sqnr_db,"
    "weight_only_sqnr_db,activation_only_sqnr_db";

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

TEST(Csv, OneRowPerQuantizedVariantLayer) {
  std::vector<std::string> lines = testing::lines_of(to_csv(testing::load_fixture()));
  ASSERT_EQ(lines.size(), 1u + 3 * 6);  // float and the failed variant have no layers
  EXPECT_EQ(lines[0], kHeader);
  EXPECT_EQ(lines[1].rfind("int8-kl-s1,1,MobilenetV1/Conv2d_0/Relu6,CONV_2D,int8,", 0), 0u);
  EXPECT_EQ(lines[18].rfind("int8-minmax-pt,11,", 0), 0u);
}

TEST(Csv, NullIsAnEmptyFieldAndZeroIsZero) {
  nlohmann::json r = testing::load_fixture();
  const nlohmann::json& reshape = r["variants"][1]["layers"][4];
  ASSERT_EQ(reshape["op"], "RESHAPE");
  std::vector<std::string> lines = testing::lines_of(to_csv(r));
  EXPECT_EQ(lines[5], "int8-kl-s1,9,MobilenetV1/Logits/SpatialSqueeze,RESHAPE,int8,,0," +
                          reshape["scale"].dump() + ",0,,,");
}

TEST(Csv, NumbersRoundTripExactly) {
  nlohmann::json r = testing::load_fixture();
  std::vector<std::string> lines = testing::lines_of(to_csv(r));
  std::vector<std::string> header = fields_of(lines[0]);
  size_t row = 1, checked = 0;
  for (size_t v = 1; v <= 3; ++v) {
    for (const nlohmann::json& layer : r["variants"][v]["layers"]) {
      std::vector<std::string> fields = fields_of(lines[row++]);
      ASSERT_EQ(fields.size(), header.size());
      for (size_t c = 5; c < header.size(); ++c) {
        const nlohmann::json& expected = layer[header[c]];
        if (expected.is_null()) {
          EXPECT_EQ(fields[c], "");
        } else {
          EXPECT_EQ(std::strtod(fields[c].c_str(), nullptr), expected.get<double>()) << header[c];
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 80u);
}

TEST(Csv, Rfc4180QuotesCommasQuotesAndLineBreaks) {
  nlohmann::json r = {{"variants",
                       {{{"name", "a,b"},
                         {"layers",
                          {{{"index", 0},
                            {"name", "say \"hi\""},
                            {"op", "x\ny"},
                            {"dtype", "int8"},
                            {"sqnr_db", 1e-300},
                            {"rmse", 0.1}}}}}}}};
  std::string csv = to_csv(r);
  EXPECT_EQ(csv.substr(csv.find('\n') + 1),
            "\"a,b\",0,\"say \"\"hi\"\"\",\"x\ny\",int8,1e-300,0.1,,,,,\n");
}

TEST(Csv, WrongTypesAreSkippedNotFatal) {
  nlohmann::json r = {
      {"variants",
       {1,
        "x",
        {{"name", 5}, {"layers", {{"a", 1}}}},
        {{"name", "v"}, {"layers", {7, {{"index", "three"}, {"sqnr_db", {1, 2}}}}}}}}};
  std::vector<std::string> lines = testing::lines_of(to_csv(r));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "v,three,,,,,,,,,,");
}

}  // namespace
}  // namespace qexp::report

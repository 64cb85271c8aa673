#include "framework/core/limits.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace qexp {
namespace {

class LimitsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    reset_limits();
    ::unsetenv("QEXP_LIMIT_MAX_TFLITE_BYTES");
  }
};

std::string error_of(const Status& s) { return s.ok() ? "ok" : s.message(); }

TEST_F(LimitsTest, DefaultsAreTheDocumentedValues) {
  EXPECT_EQ(limits().max_tflite_bytes, int64_t{2} << 30);
  EXPECT_EQ(limits().max_graphdef_bytes, int64_t{1} << 30);
  EXPECT_EQ(limits().max_model_elements, int64_t{1} << 31);
  EXPECT_EQ(limits().max_image_pixels, int64_t{1} << 26);
  EXPECT_EQ(limits().max_image_side, 65536);
  EXPECT_EQ(limits().min_free_disk_bytes, 0);
  EXPECT_EQ(limit_names().size(), 6u);
}

TEST_F(LimitsTest, SetsAValueWithABinarySuffix) {
  ASSERT_TRUE(set_limit("max_tflite_bytes=512M").ok());
  EXPECT_EQ(limits().max_tflite_bytes, int64_t{512} << 20);
  ASSERT_TRUE(set_limit("max_image_pixels=1000").ok());
  EXPECT_EQ(limits().max_image_pixels, 1000);
  ASSERT_TRUE(set_limit("min_free_disk_bytes=3t").ok());
  EXPECT_EQ(limits().min_free_disk_bytes, int64_t{3} << 40);
  reset_limits();
  EXPECT_EQ(limits().max_tflite_bytes, int64_t{2} << 30);
}

TEST_F(LimitsTest, UnknownNameListsTheKnownOnes) {
  EXPECT_EQ(error_of(set_limit("max_bogus=1")),
            "--limit: unknown limit 'max_bogus' (known: max_tflite_bytes, max_graphdef_bytes, "
            "max_model_elements, max_image_pixels, max_image_side, min_free_disk_bytes)");
  EXPECT_EQ(error_of(set_limit("max_tflite_bytes"))
                .rfind("--limit 'max_tflite_bytes': expected "
                       "NAME=VALUE (max_tflite_bytes, ",
                       0),
            0u);
}

TEST_F(LimitsTest, BadValuesAreErrorsAndLeaveTheLimitAlone) {
  for (const char* bad : {"max_tflite_bytes=", "max_tflite_bytes=-1", "max_tflite_bytes=0",
                          "max_tflite_bytes=1.5G", "max_tflite_bytes=12X",
                          "max_tflite_bytes=99999999999999999999", "max_tflite_bytes=9000000T"}) {
    std::string e = error_of(set_limit(bad));
    EXPECT_NE(e.find("is not a count >= 1 (digits with an optional K, M, G or T)"),
              std::string::npos)
        << bad << ": " << e;
  }
  EXPECT_EQ(limits().max_tflite_bytes, int64_t{2} << 30);
  EXPECT_TRUE(set_limit("min_free_disk_bytes=0").ok());
}

TEST_F(LimitsTest, EnvironmentVariablesAreReadAndCheckedByName) {
  ::setenv("QEXP_LIMIT_MAX_TFLITE_BYTES", "4K", 1);
  ASSERT_TRUE(set_limits_from_environment().ok());
  EXPECT_EQ(limits().max_tflite_bytes, 4096);
  ::setenv("QEXP_LIMIT_MAX_TFLITE_BYTES", "lots", 1);
  EXPECT_EQ(error_of(set_limits_from_environment()),
            "QEXP_LIMIT_MAX_TFLITE_BYTES: --limit max_tflite_bytes: 'lots' is not a count >= 1 "
            "(digits with an optional K, M, G or T)");
}

}  // namespace
}  // namespace qexp

#include "framework/core/strings.h"

#include <gtest/gtest.h>

namespace qexp {
namespace {

TEST(Strings, SplitKeepsEmptyPieces) {
  EXPECT_EQ(str_split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
}

TEST(Strings, FloatFormattingRoundTrips) {
  EXPECT_EQ(format_float(0.1f), "0.1");
  EXPECT_EQ(format_float(1e-5f), "1e-05");
}

TEST(Strings, ClosestMatchSuggestsTyposOnly) {
  std::vector<std::string> keys = {"calibration", "dataset", "model"};
  EXPECT_EQ(closest_match("calibraton", keys), "calibration");
  EXPECT_EQ(closest_match("modle", keys), "model");
  EXPECT_EQ(closest_match("zzzzzz", keys), "");
}

TEST(Strings, QuotedEscapesControlCharacters) { EXPECT_EQ(quoted("a\nb"), "'a\\x0ab'"); }

}  // namespace
}  // namespace qexp

#include "framework/core/shape.h"

#include <gtest/gtest.h>

namespace qexp {
namespace {

TEST(Shape, ElementCountAndText) {
  Shape s{1, 224, 224, 3};
  EXPECT_EQ(s.num_elements(), 150528);
  EXPECT_EQ(s.to_string(), "[1,224,224,3]");
  EXPECT_EQ(Shape{}.num_elements(), 1);  // a scalar
}

TEST(Shape, CheckedCountRejectsOverflowNegativeAndRank) {
  Shape big{int64_t{1} << 40, int64_t{1} << 30};
  auto r = big.checked_num_elements();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("overflows 64 bits"), std::string::npos);
  EXPECT_FALSE((Shape{2, -1}).checked_num_elements().ok());
  EXPECT_FALSE((Shape{1, 1, 1, 1, 1, 1, 1, 1, 1}).checked_num_elements().ok());
  EXPECT_EQ(*(Shape{0, 5}).checked_num_elements(), 0);
}

}  // namespace
}  // namespace qexp

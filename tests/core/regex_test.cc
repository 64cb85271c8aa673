#include "framework/core/regex.h"

#include <gtest/gtest.h>

#include <string>

namespace qexp {
namespace {

TEST(CompileRegex, CompilesOrdinaryPatterns) {
  auto re = compile_regex("conv[0-9]+/(weights|bias)");
  ASSERT_TRUE(re.ok()) << re.status().message();
  EXPECT_TRUE(std::regex_match("conv12/bias", *re));
  EXPECT_FALSE(std::regex_match("fc/bias", *re));
}

// std::regex itself overflows the stack on ~10 000 nested groups (a 40 KB config value): the
// nesting is refused before libstdc++ sees it. Escaped parentheses are literals, not groups.
TEST(CompileRegex, DeeplyNestedGroupsAreAnErrorNotAStackOverflow) {
  const int n = 20000;
  const std::string deep = std::string(n, '(') + "a" + std::string(n, ')');
  auto too_long = compile_regex(deep);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.status().message().find("longer than 1024 characters"), std::string::npos)
      << too_long.status().message();

  const std::string nested = std::string(33, '(') + "a" + std::string(33, ')');
  auto r = compile_regex(nested);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nests 33 levels of groups, at most 32"), std::string::npos)
      << r.status().message();
  EXPECT_TRUE(compile_regex(std::string(32, '(') + "a" + std::string(32, ')')).ok());
  std::string escaped;
  for (int i = 0; i < 100; ++i) escaped += "\\(";
  EXPECT_TRUE(compile_regex(escaped).ok());
}

TEST(CompileRegex, InvalidPatternsAndStateExplosionAreErrors) {
  auto bad = compile_regex("conv[");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'conv[' is not a valid regular expression"),
            std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(compile_regex("a{1000}{1000}").ok());  // libstdc++'s NFA state limit
}

}  // namespace
}  // namespace qexp

#include "framework/core/status.h"

#include <gtest/gtest.h>

namespace qexp {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return invalid_argument("value " + std::to_string(v) + " is not positive");
  return v;
}

Result<int> doubled(int v) {
  QEXP_ASSIGN_OR_RETURN(int x, parse_positive(v));
  return 2 * x;
}

Status check_both(int a, int b) {
  QEXP_RETURN_IF_ERROR_CTX(parse_positive(a), "first");
  QEXP_RETURN_IF_ERROR(parse_positive(b));
  return ok_status();
}

TEST(Status, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(Status, ContextIsPrependedOnlyOnError) {
  Status s = invalid_argument("bad value 3");
  s.with_context("while reading x.yaml");
  EXPECT_EQ(s.message(), "while reading x.yaml: bad value 3");
  Status ok;
  ok.with_context("ignored");
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.message(), "");
}

TEST(Result, AssignOrReturnPropagatesErrorsAndValues) {
  EXPECT_EQ(*doubled(4), 8);
  Result<int> r = doubled(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "value -1 is not positive");
}

TEST(Result, ReturnIfErrorCtxAddsContext) {
  EXPECT_TRUE(check_both(1, 2).ok());
  EXPECT_EQ(check_both(0, 2).message(), "first: value 0 is not positive");
  EXPECT_EQ(check_both(1, -2).message(), "value -2 is not positive");
}

TEST(Result, ConstructedFromOkStatusIsAnInternalError) {
  Result<int> r{Status()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace qexp

#include "framework/interpreter/arena_planner.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace qexp::interp {
namespace {

TEST(ArenaPlanner, EmptyRequestListPlansAnEmptyArena) {
  auto plan = plan_arena({});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->total_bytes, 0);
}

TEST(ArenaPlanner, BuffersWithDisjointLifetimesShareMemory) {
  std::vector<BufferRequest> r = {{1000, 0, 1}, {1000, 2, 3}, {1000, 4, 5}};
  auto plan = plan_arena(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->offsets, (std::vector<int64_t>{0, 0, 0}));
  EXPECT_EQ(plan->total_bytes, 1024);
}

TEST(ArenaPlanner, BuffersLiveAtTheSameStepDoNotOverlap) {
  // Lifetimes are inclusive: [0,1] and [1,2] are both live at step 1.
  std::vector<BufferRequest> r = {{100, 0, 1}, {100, 1, 2}};
  auto plan = plan_arena(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->offsets, (std::vector<int64_t>{0, 64 * 2}));
  EXPECT_TRUE(plan_is_valid(r, *plan));
}

TEST(ArenaPlanner, OffsetsAndTotalAre64ByteAligned) {
  std::vector<BufferRequest> r = {{1, 0, 0}, {65, 0, 0}, {3, 0, 0}};
  auto plan = plan_arena(r);
  ASSERT_TRUE(plan.ok());
  for (int64_t off : plan->offsets) EXPECT_EQ(off % 64, 0);
  EXPECT_EQ(plan->total_bytes, 128 + 64 + 64);
}

TEST(ArenaPlanner, SmallBufferFillsTheGapBetweenLargerOnes) {
  // A [0,2] and C [2,4] are big; B [0,0] ends before C starts, so the small D [3,4] can sit
  // where B was, below C.
  std::vector<BufferRequest> r = {{640, 0, 2}, {128, 0, 0}, {640, 2, 4}, {128, 3, 4}};
  auto plan = plan_arena(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan_is_valid(r, *plan));
  EXPECT_EQ(plan->total_bytes, 640 + 640);
}

TEST(ArenaPlanner, ZeroByteBuffersTakeNoSpace) {
  std::vector<BufferRequest> r = {{0, 0, 5}, {64, 0, 5}};
  auto plan = plan_arena(r);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->total_bytes, 64);
}

TEST(ArenaPlanner, RandomRequestsGiveValidReproduciblePlans) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<BufferRequest> r(static_cast<size_t>(rng() % 40));
    for (BufferRequest& b : r) {
      b.bytes = static_cast<int64_t>(rng() % 5000);
      b.first_use = static_cast<int>(rng() % 20);
      b.last_use = b.first_use + static_cast<int>(rng() % 6);
    }
    auto plan = plan_arena(r);
    ASSERT_TRUE(plan.ok());
    ASSERT_TRUE(plan_is_valid(r, *plan)) << "iteration " << iter;
    auto again = plan_arena(r);
    EXPECT_EQ(again->offsets, plan->offsets);
  }
}

TEST(ArenaPlanner, SizesWhoseSumOverflowsAreAnError) {
  const int64_t huge = std::numeric_limits<int64_t>::max() / 2;
  std::vector<BufferRequest> r = {{huge, 0, 0}, {huge, 0, 0}, {huge, 0, 0}};
  auto plan = plan_arena(r);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(), "activation arena size overflows 64 bits");
}

TEST(ArenaPlanner, RejectsInvertedLifetimes) {
  std::vector<BufferRequest> r = {{64, 3, 1}};
  EXPECT_FALSE(plan_arena(r).ok());
}

}  // namespace
}  // namespace qexp::interp

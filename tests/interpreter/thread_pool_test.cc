#include "framework/interpreter/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace qexp::interp {
namespace {

TEST(ThreadPool, ParallelForCoversEveryIndexExactlyOnce) {
  for (int threads : {1, 2, 4, 7}) {
    ThreadPool pool(threads);
    for (int64_t n : {0, 1, 2, 5, 64, 1000}) {
      for (int64_t min_chunk : {1, 3, 100}) {
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        pool.parallel_for(n, min_chunk, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
        });
        for (int64_t i = 0; i < n; ++i) {
          ASSERT_EQ(hits[static_cast<size_t>(i)].load(), 1)
              << "threads " << threads << " n " << n << " min_chunk " << min_chunk;
        }
      }
    }
  }
}

TEST(ThreadPool, ChunksAreContiguousNearEqualAndAtMostOnePerThread) {
  ThreadPool pool(3);
  std::atomic<int> calls{0};
  std::vector<std::pair<int64_t, int64_t>> chunks(3);
  pool.parallel_for(10, 1, [&](int64_t begin, int64_t end) {
    int k = begin == 0 ? 0 : (begin == 4 ? 1 : 2);
    chunks[static_cast<size_t>(k)] = {begin, end};
    calls++;
  });
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(chunks[0], (std::pair<int64_t, int64_t>{0, 4}));
  EXPECT_EQ(chunks[1], (std::pair<int64_t, int64_t>{4, 7}));
  EXPECT_EQ(chunks[2], (std::pair<int64_t, int64_t>{7, 10}));
}

TEST(ThreadPool, MinChunkLimitsTheNumberOfChunks) {
  ThreadPool pool(4);
  std::atomic<int> calls{0};
  pool.parallel_for(10, 6, [&](int64_t, int64_t) { calls++; });
  EXPECT_EQ(calls.load(), 2);
}

TEST(ThreadPool, NestedParallelForRunsInline) {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  pool.parallel_for(4, 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      pool.parallel_for(10, 1, [&](int64_t b, int64_t e) { total += e - b; });
    }
  });
  EXPECT_EQ(total.load(), 40);
}

TEST(ThreadPool, ManyConsecutiveJobsDoNotLoseOrRepeatChunks) {
  ThreadPool pool(4);
  std::atomic<int64_t> sum{0};
  for (int job = 0; job < 2000; ++job) {
    pool.parallel_for(8, 1, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) sum += i;
    });
  }
  EXPECT_EQ(sum.load(), 2000 * 28);
}

}  // namespace

// Back-to-back jobs are the interpreter's pattern (one per op): every job must see only its own
// chunks, even when a worker is still leaving the previous job while the next is published.
TEST(ThreadPool, ManyBackToBackJobsEachRunExactlyOnce) {
  ThreadPool pool(3);
  std::vector<int64_t> sums(20000, 0);
  for (size_t job = 0; job < sums.size(); ++job) {
    std::atomic<int64_t> sum{0};
    pool.parallel_for(3 + static_cast<int64_t>(job % 5), 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) sum += i + 1;
    });
    sums[job] = sum.load();
  }
  for (size_t job = 0; job < sums.size(); ++job) {
    const int64_t n = 3 + static_cast<int64_t>(job % 5);
    ASSERT_EQ(sums[job], n * (n + 1) / 2) << "job " << job;
  }
}

// Workers that went to sleep (idle longer than their spin) are woken by the next job.
TEST(ThreadPool, SleepingWorkersWakeForTheNextJob) {
  ThreadPool pool(2);
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::atomic<int> calls{0};
    std::atomic<bool> other_thread{false};
    const auto caller = std::this_thread::get_id();
    pool.parallel_for(2, 1, [&](int64_t, int64_t) {
      if (std::this_thread::get_id() != caller) other_thread = true;
      // Hold the caller's chunk long enough that the worker must take the other one.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      calls++;
    });
    EXPECT_EQ(calls.load(), 2);
    EXPECT_TRUE(other_thread.load()) << "round " << round;
  }
}

}  // namespace qexp::interp

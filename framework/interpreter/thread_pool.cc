#include "framework/interpreter/thread_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "framework/core/logging.h"

namespace qexp::interp {
namespace {

// Set while a thread runs a chunk, so a nested parallel_for runs inline instead of replacing
// the job the pool is still working on.
thread_local bool t_inside_chunk = false;

}  // namespace

// Chunks are claimed under the mutex: there are at most num_threads of them per call, so the
// lock costs nothing measurable and keeps the job hand-over obviously race-free.
struct ThreadPool::Shared {
  std::mutex mu;
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  bool stop = false;
  ChunkFn call = nullptr;
  void* fn = nullptr;
  int64_t n = 0;
  int64_t num_chunks = 0;
  int64_t next_chunk = 0;
  int64_t done_chunks = 0;
  std::vector<std::thread> workers;

  // Claims and runs one chunk of the current job; `lock` is held on entry and on exit.
  void run_one(std::unique_lock<std::mutex>& lock) {
    const int64_t k = next_chunk++;
    const ChunkFn c = call;
    void* const f = fn;
    const int64_t begin = chunk_begin(n, num_chunks, k);
    const int64_t end = chunk_begin(n, num_chunks, k + 1);
    lock.unlock();
    t_inside_chunk = true;
    c(f, begin, end);
    t_inside_chunk = false;
    lock.lock();
    if (++done_chunks == num_chunks) done_cv.notify_all();
  }

  void worker_loop() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      work_cv.wait(lock, [this] { return stop || next_chunk < num_chunks; });
      if (stop) return;
      run_one(lock);
    }
  }
};

ThreadPool::ThreadPool(int num_threads)
    : num_threads_(num_threads), shared_(std::make_unique<Shared>()) {
  QEXP_CHECK(num_threads >= 1);
  shared_->workers.reserve(static_cast<size_t>(num_threads - 1));
  for (int i = 1; i < num_threads; ++i) {
    shared_->workers.emplace_back([s = shared_.get()] { s->worker_loop(); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop = true;
  }
  shared_->work_cv.notify_all();
  for (std::thread& t : shared_->workers) t.join();
}

int64_t ThreadPool::chunk_begin(int64_t n, int64_t num_chunks, int64_t k) {
  // k * n / num_chunks could overflow; base/remainder form cannot.
  const int64_t base = n / num_chunks, rem = n % num_chunks;
  return k * base + std::min(k, rem);
}

void ThreadPool::run(int64_t n, int64_t min_chunk, ChunkFn call, void* fn) {
  if (n <= 0) return;
  min_chunk = std::max<int64_t>(min_chunk, 1);
  const int64_t wanted = n / min_chunk + (n % min_chunk != 0 ? 1 : 0);
  const int64_t num_chunks = std::min<int64_t>(num_threads_, wanted);
  if (num_chunks <= 1 || t_inside_chunk) {
    call(fn, 0, n);
    return;
  }
  Shared& s = *shared_;
  std::unique_lock<std::mutex> lock(s.mu);
  s.call = call;
  s.fn = fn;
  s.n = n;
  s.num_chunks = num_chunks;
  s.next_chunk = 0;
  s.done_chunks = 0;
  s.work_cv.notify_all();
  while (s.next_chunk < s.num_chunks) s.run_one(lock);
  s.done_cv.wait(lock, [&s] { return s.done_chunks == s.num_chunks; });
  // Leave no claimable job behind for workers that wake up late.
  s.num_chunks = 0;
  s.next_chunk = 0;
}

}  // namespace qexp::interp

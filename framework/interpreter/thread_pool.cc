#include "framework/interpreter/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "framework/core/logging.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace qexp::interp {
namespace {

// Set while a thread runs a chunk, so a nested parallel_for runs inline instead of replacing
// the job the pool is still working on.
thread_local bool t_inside_chunk = false;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#else
  std::this_thread::yield();
#endif
}

// How long an idle worker spins for the next job before it sleeps on the condition variable.
// The ops of one inference follow each other within microseconds, so a worker that spins a
// little catches the next op's job without a futex wake-up (tens of microseconds); between
// inferences it goes to sleep and costs nothing.
constexpr int kSpinIterations = 1 << 15;

// The job state in one word, so that claiming a chunk is one compare-and-swap that also checks
// the job is still the one the worker saw: generation (32 bits) | next chunk (16) | chunks (16).
constexpr uint64_t pack(uint64_t generation, uint64_t next, uint64_t chunks) {
  return (generation << 32) | (next << 16) | chunks;
}
constexpr uint32_t generation_of(uint64_t s) { return static_cast<uint32_t>(s >> 32); }
constexpr uint64_t next_of(uint64_t s) { return (s >> 16) & 0xffff; }
constexpr uint64_t chunks_of(uint64_t s) { return s & 0xffff; }

}  // namespace

// Publication: the caller writes the job (call, fn, n) and resets `done`, then stores `state`
// with a new generation. A worker claims chunk k by CAS on `state` (same generation, k <
// chunks), so a successful claim happened after the job was written and before the job can be
// replaced (the caller waits for `done` == chunks first). Sleeping uses a Dekker pair on
// `state` / `sleepers` (both seq_cst) plus notify under the mutex, so no wake-up is lost.
struct ThreadPool::Shared {
  std::atomic<uint64_t> state{0};
  std::atomic<int64_t> done{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  ChunkFn call = nullptr;
  void* fn = nullptr;
  int64_t n = 0;
  std::mutex mu;
  std::condition_variable work_cv;
  std::vector<std::thread> workers;

  // Claims one chunk of the job with generation `gen`; false if none is left.
  bool try_run_one(uint32_t gen) {
    uint64_t s = state.load(std::memory_order_acquire);
    for (;;) {
      if (generation_of(s) != gen || next_of(s) >= chunks_of(s)) return false;
      if (state.compare_exchange_weak(s, s + (uint64_t{1} << 16), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        break;
      }
    }
    const int64_t k = static_cast<int64_t>(next_of(s));
    const int64_t chunks = static_cast<int64_t>(chunks_of(s));
    const bool was_inside = t_inside_chunk;
    t_inside_chunk = true;
    call(fn, chunk_begin(n, chunks, k), chunk_begin(n, chunks, k + 1));
    t_inside_chunk = was_inside;
    done.fetch_add(1, std::memory_order_acq_rel);
    return true;
  }

  void worker_loop() {
    uint32_t seen = generation_of(state.load(std::memory_order_acquire));
    for (;;) {
      uint32_t gen = seen;
      for (int i = 0; i < kSpinIterations && gen == seen; ++i) {
        if (stop.load(std::memory_order_relaxed)) return;
        cpu_relax();
        gen = generation_of(state.load(std::memory_order_acquire));
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> lock(mu);
        sleepers.fetch_add(1);
        work_cv.wait(lock, [&] {
          return stop.load() || generation_of(state.load()) != seen;
        });
        sleepers.fetch_sub(1);
        if (stop.load()) return;
        gen = generation_of(state.load(std::memory_order_acquire));
      }
      seen = gen;
      while (try_run_one(gen)) {
      }
    }
  }
};

ThreadPool::ThreadPool(int num_threads)
    : num_threads_(num_threads), shared_(std::make_unique<Shared>()) {
  QEXP_CHECK(num_threads >= 1 && num_threads <= 0xffff);
  shared_->workers.reserve(static_cast<size_t>(num_threads - 1));
  for (int i = 1; i < num_threads; ++i) {
    shared_->workers.emplace_back([s = shared_.get()] { s->worker_loop(); });
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop.store(true);
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
  s.call = call;
  s.fn = fn;
  s.n = n;
  s.done.store(0, std::memory_order_relaxed);
  const uint32_t gen = generation_of(s.state.load(std::memory_order_relaxed)) + 1;
  s.state.store(pack(gen, 0, static_cast<uint64_t>(num_chunks)));  // seq_cst: see Shared
  if (s.sleepers.load() > 0) {
    std::lock_guard<std::mutex> lock(s.mu);
    s.work_cv.notify_all();
  }
  while (s.try_run_one(gen)) {
  }
  for (int spins = 0; s.done.load(std::memory_order_acquire) != num_chunks; ++spins) {
    if (spins < kSpinIterations) {
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace qexp::interp

#pragma once
/// A small fixed-size thread pool for data-parallel loops inside Kernel::eval.
///
/// parallel_for splits [0, n) into contiguous chunks that depend only on n, min_chunk and
/// num_threads(), runs one of them on the calling thread and the rest on workers, and returns
/// when all are done. It never allocates, so eval may call it. Kernels must compute every
/// output element the same way whatever the chunking (no reductions across chunks), which is
/// what makes results independent of the thread count.

#include <cstdint>
#include <memory>
#include <type_traits>

namespace qexp::interp {

class ThreadPool {
 public:
  /// Starts num_threads - 1 workers (the caller of parallel_for is the last thread).
  /// Precondition: num_threads >= 1.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  /// Calls fn(begin, end) on disjoint chunks covering [0, n), each at least min_chunk long
  /// (except when n itself is shorter), at most num_threads() of them. Blocks until every chunk
  /// ran. Not re-entrant across threads: one parallel_for at a time per pool; a nested call
  /// from inside a chunk runs inline on the calling thread.
  template <typename Fn>
  void parallel_for(int64_t n, int64_t min_chunk, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    run(n, min_chunk, [](void* f, int64_t b, int64_t e) { (*static_cast<F*>(f))(b, e); },
        const_cast<void*>(static_cast<const void*>(&fn)));
  }

  /// Start of chunk k when [0, n) is split into num_chunks near-equal contiguous chunks.
  static int64_t chunk_begin(int64_t n, int64_t num_chunks, int64_t k);

 private:
  using ChunkFn = void (*)(void* fn, int64_t begin, int64_t end);
  struct Shared;

  void run(int64_t n, int64_t min_chunk, ChunkFn call, void* fn);

  int num_threads_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace qexp::interp

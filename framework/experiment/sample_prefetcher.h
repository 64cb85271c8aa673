#pragma once
/// Decoding and preprocessing ahead of inference: loader threads fill a ring of preprocessed
/// model inputs while the evaluation workers run the interpreter on earlier ones.
///
/// Position p (an index into the evaluation's sample list) always goes to slot p % slots, and
/// positions are loaded and consumed in increasing order, so which thread loads what never
/// changes a result; the ring only bounds how far loading runs ahead (memory: slots × input
/// bytes). A sample that fails to load keeps its error in the slot; the consumer decides
/// whether to skip it or fail.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "framework/core/shape.h"
#include "framework/core/status.h"
#include "framework/data/dataset.h"
#include "framework/data/preprocess.h"

namespace qexp::exp {

class SamplePrefetcher {
 public:
  /// One preprocessed sample, valid between acquire(p) and release(p).
  struct Loaded {
    Status status;             ///< error of get / preprocessing (the input is then unset)
    int32_t label = -1;        ///< valid when the dataset returned the sample
    std::span<const float> input;  ///< float32 NHWC, `input_shape` elements
  };

  /// Loads `indices` of `dataset` preprocessed by `spec` into buffers of `input_shape` (the
  /// model input; a sample whose preprocessed shape differs is an error naming its source).
  /// Starts `loaders` threads (>= 1) and keeps at most `slots` (>= 1) samples ready.
  SamplePrefetcher(const data::Dataset& dataset, const data::PreprocessSpec& spec,
                   const std::vector<int64_t>& indices, Shape input_shape, int loaders,
                   int slots);
  /// Stops the loaders (unblocking them) and joins them.
  ~SamplePrefetcher();
  SamplePrefetcher(const SamplePrefetcher&) = delete;
  SamplePrefetcher& operator=(const SamplePrefetcher&) = delete;

  /// Blocks until position `pos` is loaded; nullptr once stop() was called. Each position is
  /// acquired by exactly one consumer, which must release it before acquiring a later one.
  const Loaded* acquire(int64_t pos);
  /// Frees the slot of `pos` for position pos + slots.
  void release(int64_t pos);
  /// Makes loaders stop early and waiting consumers return (after an evaluation error or a
  /// cancel).
  void stop();

 private:
  struct Slot {
    int64_t pos = -1;    ///< position held (ready when `ready`)
    bool ready = false;
    int64_t free_for = 0;  ///< the next position allowed into this slot
    Loaded loaded;
    std::vector<float> buffer;
  };

  void loader_loop();
  void load(int64_t pos, Slot* slot);

  const data::Dataset& dataset_;
  const data::PreprocessSpec& spec_;
  const std::vector<int64_t>& indices_;
  const Shape input_shape_;
  std::vector<Slot> slots_;
  std::mutex mu_;
  std::condition_variable ready_cv_, free_cv_;
  int64_t next_load_ = 0;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::vector<std::thread> loaders_;
};

}  // namespace qexp::exp

#pragma once
/// Classification accuracy of a model on a dataset: top-1 / top-5, per-class accuracy,
/// confusion matrix and throughput. Used by `qexp eval` and the experiment runner.
///
/// Samples are decoded and preprocessed by loader threads ahead of inference
/// (sample_prefetcher.h) and run on `threads` workers, each with its own interpreter; results
/// are stored by sample position, so they do not depend on the thread count or scheduling.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/data/dataset.h"
#include "framework/data/preprocess.h"
#include "framework/interpreter/kernels/rounding.h"
#include "framework/ir/graph.h"

namespace qexp::exp {

struct EvalOptions {
  /// Inference workers (each with a single-threaded interpreter).
  int threads = 1;
  /// Threads decoding and preprocessing ahead of the workers (at most 2 × threads + loaders
  /// samples are held ready).
  int loader_threads = 1;
  /// Skip samples whose image cannot be decoded (counted) instead of failing.
  bool skip_bad_samples = false;
  /// Show a progress line on stderr (only when it is a terminal).
  bool progress = true;
  /// Called from worker threads with each sample's position in `indices` and the model's first
  /// output (valid only during the call). Optional.
  std::function<void(int64_t position, const TensorView& output)> on_output;
  /// Whose integer rounding the quantized kernels reproduce (interpreter/kernels/rounding.h).
  interp::RoundingProfile rounding_profile = interp::RoundingProfile::kTfliteBuiltin;
  /// When set and it becomes true, evaluation stops early with a kCancelled error. Not owned.
  const std::atomic<bool>* cancel = nullptr;
};

struct EvalResult {
  int64_t count = 0;    ///< samples evaluated
  int64_t skipped = 0;  ///< samples skipped (bad images with skip_bad_samples)
  int64_t top1 = 0, top5 = 0;
  int num_classes = 0;
  std::vector<int64_t> class_total, class_correct;  ///< per true label
  std::vector<std::vector<int64_t>> confusion;      ///< [true][predicted]
  std::vector<int32_t> predictions;                 ///< per position; -1 if skipped
  std::vector<int32_t> labels;                      ///< per position
  double seconds = 0;  ///< wall time of the whole evaluation

  double top1_percent() const { return count ? 100.0 * static_cast<double>(top1) / count : 0; }
  double top5_percent() const { return count ? 100.0 * static_cast<double>(top5) / count : 0; }
  double images_per_second() const { return seconds > 0 ? count / seconds : 0; }
};

/// Evaluates `graph` (one float32 or quantized-I/O image input [1,H,W,C], one output [1,K] or
/// [K] of class scores) on dataset samples `indices`. Errors: the preprocessed shape does not
/// match the model input, the model has fewer classes than a label needs (naming the sample),
/// an unreadable sample (unless skipped), interpreter errors.
Result<EvalResult> evaluate(std::shared_ptr<const ir::Graph> graph, const data::Dataset& dataset,
                            const data::PreprocessSpec& preprocess,
                            const std::vector<int64_t>& indices, const EvalOptions& options);

/// Top-k class indices of scores, highest first; ties go to the lower index.
std::vector<int32_t> top_k(const float* scores, int64_t n, int k);

}  // namespace qexp::exp

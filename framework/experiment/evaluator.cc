#include "framework/experiment/evaluator.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <numeric>
#include <thread>

#include "framework/core/progress.h"
#include "framework/core/strings.h"
#include "framework/experiment/sample_prefetcher.h"
#include "framework/interpreter/interpreter.h"

namespace qexp::exp {
namespace {

/// Per-position outcome written by workers: predicted top-5 (or -1 when skipped).
struct Outcome {
  std::array<int32_t, 5> top{-1, -1, -1, -1, -1};
  int32_t label = -1;
  bool skipped = false;
};

/// Reads scores of the first output as float (dequantizing int8 / uint8 outputs).
void output_scores(const TensorView& out, const ir::Tensor& meta, std::vector<float>* scores) {
  const int64_t n = out.num_elements();
  scores->resize(static_cast<size_t>(n));
  switch (out.dtype()) {
    case DType::kFloat32:
      std::copy(out.data<float>(), out.data<float>() + n, scores->begin());
      break;
    case DType::kInt8:
    case DType::kUInt8: {
      float s = meta.quant.scale.empty() ? 1.0f : meta.quant.scale[0];
      int64_t z = meta.quant.zero_point.empty() ? 0 : meta.quant.zero_point[0];
      for (int64_t i = 0; i < n; ++i) {
        int32_t q = out.dtype() == DType::kInt8 ? out.data<int8_t>()[i] : out.data<uint8_t>()[i];
        (*scores)[static_cast<size_t>(i)] = static_cast<float>(q - z) * s;
      }
      break;
    }
    default:
      std::fill(scores->begin(), scores->end(), 0.0f);
  }
}

class Worker {
 public:
  Worker(const EvalOptions& options, const data::Dataset& dataset,
         const std::vector<int64_t>& indices, std::vector<Outcome>* outcomes)
      : options_(options), dataset_(dataset), indices_(indices), outcomes_(outcomes) {}

  Status init(std::shared_ptr<const ir::Graph> graph) {
    interp::InterpreterOptions io;
    io.rounding_profile = options_.rounding_profile;
    QEXP_ASSIGN_OR_RETURN(interp_, interp::Interpreter::create(graph, io));
    graph_ = graph;
    if (interp_->input(0).dtype() != DType::kFloat32) {
      return unimplemented(str_cat("model input is ", dtype_name(interp_->input(0).dtype()),
                                   "; evaluation feeds float32 images"));
    }
    return ok_status();
  }

  Shape input_shape() const { return interp_->input(0).shape(); }

  /// Runs position `pos`, whose preprocessed input `loaded` came from the prefetcher; the
  /// caller releases the slot once this returns.
  Status run_one(int64_t pos, const SamplePrefetcher::Loaded& loaded, int num_classes) {
    int64_t index = indices_[static_cast<size_t>(pos)];
    Outcome& o = (*outcomes_)[static_cast<size_t>(pos)];
    if (!loaded.status.ok()) {
      bool skippable = loaded.status.code() == StatusCode::kDataLoss ||
                       loaded.status.code() == StatusCode::kInvalidArgument;
      if (options_.skip_bad_samples && skippable) {
        o.skipped = true;
        return ok_status();
      }
      return loaded.status;
    }
    if (loaded.label < 0 || loaded.label >= num_classes) {
      return invalid_argument(str_cat(dataset_.source(index), ": label ", loaded.label,
                                      " is outside the model's ", num_classes, " classes"));
    }
    o.label = loaded.label;
    TensorView in = interp_->input(0);
    std::copy(loaded.input.begin(), loaded.input.end(), in.data<float>());
    QEXP_RETURN_IF_ERROR(interp_->invoke());
    TensorView out = interp_->output(0);
    if (options_.on_output) options_.on_output(pos, out);
    output_scores(out, graph_->tensors[static_cast<size_t>(graph_->outputs[0])], &scores_);
    auto top = top_k(scores_.data(), static_cast<int64_t>(scores_.size()), 5);
    std::copy(top.begin(), top.end(), o.top.begin());
    return ok_status();
  }

 private:
  const EvalOptions& options_;
  const data::Dataset& dataset_;
  const std::vector<int64_t>& indices_;
  std::vector<Outcome>* outcomes_;
  std::shared_ptr<const ir::Graph> graph_;
  std::unique_ptr<interp::Interpreter> interp_;
  std::vector<float> scores_;
};

EvalResult tally(const std::vector<Outcome>& outcomes, int num_classes) {
  EvalResult r;
  r.num_classes = num_classes;
  r.class_total.assign(static_cast<size_t>(num_classes), 0);
  r.class_correct.assign(static_cast<size_t>(num_classes), 0);
  r.confusion.assign(static_cast<size_t>(num_classes),
                     std::vector<int64_t>(static_cast<size_t>(num_classes), 0));
  for (const Outcome& o : outcomes) {
    r.labels.push_back(o.label);
    if (o.skipped) {
      ++r.skipped;
      r.predictions.push_back(-1);
      continue;
    }
    ++r.count;
    r.predictions.push_back(o.top[0]);
    auto l = static_cast<size_t>(o.label);
    ++r.class_total[l];
    if (o.top[0] == o.label) {
      ++r.top1;
      ++r.class_correct[l];
    }
    if (std::find(o.top.begin(), o.top.end(), o.label) != o.top.end()) ++r.top5;
    if (o.top[0] >= 0 && o.top[0] < num_classes) ++r.confusion[l][static_cast<size_t>(o.top[0])];
  }
  return r;
}

}  // namespace

std::vector<int32_t> top_k(const float* scores, int64_t n, int k) {
  std::vector<int32_t> idx(static_cast<size_t>(n));
  std::iota(idx.begin(), idx.end(), 0);
  size_t kk = std::min<size_t>(static_cast<size_t>(k), idx.size());
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(kk), idx.end(),
                    [scores](int32_t a, int32_t b) {
                      return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
                    });
  idx.resize(kk);
  return idx;
}

Result<EvalResult> evaluate(std::shared_ptr<const ir::Graph> graph, const data::Dataset& dataset,
                            const data::PreprocessSpec& preprocess,
                            const std::vector<int64_t>& indices, const EvalOptions& options) {
  if (graph->inputs.size() != 1 || graph->outputs.empty()) {
    return invalid_argument(str_cat("evaluation needs a model with one image input, this one has ",
                                    graph->inputs.size()));
  }
  if (indices.empty()) return invalid_argument("no samples to evaluate");
  const ir::Tensor& out = graph->tensors[static_cast<size_t>(graph->outputs[0])];
  if (out.shape.rank() == 0) return invalid_argument("the model's first output is a scalar");
  const int num_classes = static_cast<int>(out.shape[out.shape.rank() - 1]);
  if (out.shape.num_elements() != num_classes) {
    return invalid_argument(str_cat("the model's first output ", out.shape.to_string(),
                                    " is not one row of class scores"));
  }
  const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(indices.size())));
  std::vector<Outcome> outcomes(indices.size());
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t) {
    workers.push_back(std::make_unique<Worker>(options, dataset, indices, &outcomes));
    QEXP_RETURN_IF_ERROR(workers.back()->init(graph));
  }
  const int loaders = std::max(1, options.loader_threads);
  SamplePrefetcher prefetcher(dataset, preprocess, indices, workers[0]->input_shape(), loaders,
                              2 * threads + loaders);
  auto start = std::chrono::steady_clock::now();
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status first_error;
  int64_t first_error_pos = INT64_MAX;
  Progress progress("eval", static_cast<int64_t>(indices.size()));
  std::atomic<int64_t> done{0};
  // Worker 0 runs on this thread and is the only one touching the progress line.
  auto body = [&](Worker* w, bool main_thread) {
    int64_t shown = 0;
    while (!failed.load()) {
      if (options.cancel != nullptr && options.cancel->load()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = Status(StatusCode::kCancelled, "evaluation interrupted");
        failed.store(true);
        break;
      }
      int64_t pos = next.fetch_add(1);
      if (pos >= static_cast<int64_t>(indices.size())) break;
      const SamplePrefetcher::Loaded* loaded = prefetcher.acquire(pos);
      if (loaded == nullptr) break;  // not reached: stop() runs only in the destructor
      Status s = w->run_one(pos, *loaded, num_classes);
      prefetcher.release(pos);
      if (!s.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (pos < first_error_pos) {  // report the earliest failing sample deterministically
          first_error_pos = pos;
          first_error = s;
        }
        failed.store(true);
      }
      int64_t d = done.fetch_add(1) + 1;
      if (main_thread && options.progress) {
        progress.advance(d - shown);
        shown = d;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) {
    pool.emplace_back(body, workers[static_cast<size_t>(t)].get(), false);
  }
  body(workers[0].get(), true);
  for (auto& th : pool) th.join();
  progress.finish();
  if (failed.load()) return first_error;
  EvalResult r = tally(outcomes, num_classes);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace qexp::exp

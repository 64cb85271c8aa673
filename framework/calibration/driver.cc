#include "framework/calibration/driver.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

#include "framework/calibration/memory.h"
#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"
#include "framework/ir/shape_inference.h"

namespace qexp::calib {
namespace {

constexpr int kMaxThreads = 64;
constexpr int kMaxBatch = 4096;

struct ObservedTensor {
  int tensor_id = 0;
  std::string name;
  int64_t elements_per_sample = 0;
};

// Everything the workers share, fixed before pass 1.
struct Plan {
  std::shared_ptr<const ir::Graph> graph;  // batched when batch_size > 1
  std::vector<ObservedTensor> tensors;
  std::vector<int> slot_of;  // graph tensor id -> index into tensors, or -1
  Shape sample_input_shape;
  DType input_dtype = DType::kFloat32;
  size_t sample_input_bytes = 0;
  int64_t num_samples = 0;
  int batch_size = 1;
  int64_t num_batches = 0;
  int num_threads = 1;
};

Status validate_options(const CalibrationOptions& options) {
  if (options.num_threads < 1 || options.num_threads > kMaxThreads) {
    return invalid_argument(
        str_cat("num_threads: ", options.num_threads, " is outside [1, ", kMaxThreads, "]"));
  }
  if (options.batch_size < 1 || options.batch_size > kMaxBatch) {
    return invalid_argument(
        str_cat("batch_size: ", options.batch_size, " is outside [1, ", kMaxBatch, "]"));
  }
  // Re-check the statistics options through their schema (they may have been set in code).
  const auto text = statistics_options_schema().to_text(options.statistics);
  return statistics_options_schema().parse(text).status();
}

// Float32 activations (graph inputs and op outputs), in tensor order, with unique names.
Result<std::vector<ObservedTensor>> observed_tensors(const ir::Graph& g) {
  std::vector<bool> is_activation(g.tensors.size(), false);
  for (int t : g.inputs) is_activation[static_cast<size_t>(t)] = true;
  for (const ir::Op& op : g.ops) {
    for (int t : op.outputs) is_activation[static_cast<size_t>(t)] = true;
  }
  std::vector<ObservedTensor> out;
  std::map<std::string, int> seen;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const ir::Tensor& tensor = g.tensors[t];
    if (!is_activation[t] || tensor.is_const() || tensor.dtype != DType::kFloat32) continue;
    auto [it, inserted] = seen.emplace(tensor.name, static_cast<int>(t));
    if (!inserted) {
      return invalid_argument(str_cat("tensor name ", qexp::quoted(tensor.name),
                                      " is used by tensors ", it->second, " and ", t,
                                      "; calibration keys ranges by name"));
    }
    out.push_back({static_cast<int>(t), tensor.name, tensor.shape.num_elements()});
  }
  return out;
}

// The graph with its input batch dimension set to `batch`, shapes re-inferred.
Result<std::shared_ptr<const ir::Graph>> batched_graph(const ir::Graph& g, int batch) {
  auto copy = std::make_shared<ir::Graph>(g);
  for (int t : copy->inputs) {
    Shape& shape = copy->tensors[static_cast<size_t>(t)].shape;
    if (shape.rank() == 0 || shape[0] != 1) {
      return invalid_argument(str_cat("batch_size ", batch, ": input ",
                                      qexp::quoted(copy->tensors[static_cast<size_t>(t)].name),
                                      " has shape ", shape.to_string(),
                                      "; batching needs a leading batch dimension of 1"));
    }
    shape[0] = batch;
  }
  QEXP_RETURN_IF_ERROR_CTX(ir::infer_shapes(*copy),
                           str_cat("batch_size ", batch, ": the graph cannot be batched"));
  return std::shared_ptr<const ir::Graph>(std::move(copy));
}

Result<Plan> make_plan(std::shared_ptr<const ir::Graph> graph, const SampleSource& source,
                       const CalibrationOptions& options) {
  QEXP_RETURN_IF_ERROR(validate_options(options));
  if (graph == nullptr) return invalid_argument("collect_statistics: the graph is null");
  if (graph->inputs.size() != 1) {
    return unimplemented(str_cat("calibration needs a graph with exactly one input; this one has ",
                                 graph->inputs.size()));
  }
  Plan plan;
  plan.num_samples = source.size();
  if (plan.num_samples <= 0) {
    return invalid_argument("empty calibration set: the sample source has no samples");
  }
  const ir::Tensor& input = graph->tensors[static_cast<size_t>(graph->inputs[0])];
  plan.sample_input_shape = input.shape;
  plan.input_dtype = input.dtype;
  plan.sample_input_bytes =
      static_cast<size_t>(input.shape.num_elements()) * dtype_size(input.dtype);
  QEXP_ASSIGN_OR_RETURN(plan.tensors, observed_tensors(*graph));
  plan.batch_size = options.batch_size;
  plan.num_threads = options.num_threads;
  plan.num_batches = (plan.num_samples + plan.batch_size - 1) / plan.batch_size;
  if (plan.batch_size == 1) {
    plan.graph = std::move(graph);
  } else {
    QEXP_ASSIGN_OR_RETURN(plan.graph, batched_graph(*graph, plan.batch_size));
  }
  plan.slot_of.assign(plan.graph->tensors.size(), -1);
  for (size_t i = 0; i < plan.tensors.size(); ++i) {
    const ObservedTensor& o = plan.tensors[i];
    const ir::Tensor& t = plan.graph->tensors[static_cast<size_t>(o.tensor_id)];
    if (t.shape.num_elements() != o.elements_per_sample * plan.batch_size) {
      return invalid_argument(str_cat("batch_size ", plan.batch_size, ": tensor ",
                                      qexp::quoted(o.name), " has shape ", t.shape.to_string(),
                                      ", which does not scale with the batch; use batch_size 1"));
    }
    plan.slot_of[static_cast<size_t>(o.tensor_id)] = static_cast<int>(i);
  }
  return plan;
}

enum class PassKind { kRanges, kHistograms };

// Hands out "your turn" to batches in order, so folds happen in sample order; aborts waiters
// when any worker fails.
class Turnstile {
 public:
  // Blocks until batch `b` may fold; false if the pass failed meanwhile.
  bool wait_for(int64_t b) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return failed_ || next_ == b; });
    return !failed_;
  }
  void done(int64_t b) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      next_ = b + 1;
    }
    cv_.notify_all();
  }
  void fail(int64_t b, Status status) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!failed_ || b < failed_batch_) {
        failed_batch_ = b;
        error_ = std::move(status);
      }
      failed_ = true;
    }
    cv_.notify_all();
  }
  Status error() const { return failed_ ? error_ : ok_status(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t next_ = 0;
  bool failed_ = false;
  int64_t failed_batch_ = 0;
  Status error_;
};

// State of one pass shared by all workers; folds happen under the turnstile's order.
struct PassState {
  PassKind kind = PassKind::kRanges;
  Turnstile turnstile;
  std::vector<SummaryAccumulator> accumulators;  // kRanges, one per observed tensor
  std::vector<double> abs_deviation;             // kHistograms, one per observed tensor
  std::vector<double> means;                     // kHistograms, from pass 1
};

// One worker: an interpreter plus per-batch buffers; observes the interpreter's tensors.
class Worker final : public interp::TensorObserver {
 public:
  Worker(const Plan& plan, const SampleSource& source,
         std::unique_ptr<interp::Interpreter> interpreter)
      : plan_(plan), source_(source), interpreter_(std::move(interpreter)) {
    const size_t cells = plan.tensors.size() * static_cast<size_t>(plan.batch_size);
    summaries_.resize(cells);
    abs_deviation_.resize(cells);
    interpreter_->set_observer(this);
  }

  size_t arena_bytes() const { return interpreter_->arena_bytes(); }
  std::vector<HistogramPair>& histograms() { return histograms_; }

  // Runs batches worker_index, worker_index + num_threads, … of one pass.
  void run_pass(PassState& state, int worker_index);

  void on_tensor(int tensor_id, const TensorView& value) override;

 private:
  Status run_batch(int64_t batch);
  void fold(PassState& state) const;

  const Plan& plan_;
  const SampleSource& source_;
  std::unique_ptr<interp::Interpreter> interpreter_;
  PassState* state_ = nullptr;
  int64_t real_samples_ = 0;               // samples of the current batch (the rest is padding)
  std::vector<SampleSummary> summaries_;   // [slot * batch_size + s]
  std::vector<double> abs_deviation_;      // [slot * batch_size + s]
  std::vector<HistogramPair> histograms_;  // per slot: this worker's share of pass 2
};

void Worker::on_tensor(int tensor_id, const TensorView& value) {
  const int slot = plan_.slot_of[static_cast<size_t>(tensor_id)];
  if (slot < 0) return;
  const int64_t n = plan_.tensors[static_cast<size_t>(slot)].elements_per_sample;
  const float* base = value.data<float>();
  const size_t cell0 = static_cast<size_t>(slot) * static_cast<size_t>(plan_.batch_size);
  for (int64_t s = 0; s < real_samples_; ++s) {
    const float* x = base + s * n;
    const size_t cell = cell0 + static_cast<size_t>(s);
    if (state_->kind == PassKind::kRanges) {
      summaries_[cell] = summarize_sample(x, n);
    } else {
      abs_deviation_[cell] = histograms_[static_cast<size_t>(slot)].add_sample(
          x, n, state_->means[static_cast<size_t>(slot)]);
    }
  }
}

Status Worker::run_batch(int64_t batch) {
  const int64_t first = batch * plan_.batch_size;
  real_samples_ = std::min<int64_t>(plan_.batch_size, plan_.num_samples - first);
  auto* bytes = static_cast<uint8_t*>(interpreter_->input(0).raw());
  for (int64_t s = 0; s < plan_.batch_size; ++s) {
    uint8_t* dst = bytes + static_cast<size_t>(s) * plan_.sample_input_bytes;
    if (s >= real_samples_) {  // padding of the last batch: computed, never observed
      std::memset(dst, 0, plan_.sample_input_bytes);
      continue;
    }
    TensorView slice(plan_.input_dtype, plan_.sample_input_shape, dst);
    QEXP_RETURN_IF_ERROR(source_.fill(first + s, slice));
  }
  return interpreter_->invoke();
}

// Folds this worker's per-sample results of `batch` into the shared state, in sample order.
// Called only when it is the batch's turn.
void Worker::fold(PassState& state) const {
  const size_t batch_size = static_cast<size_t>(plan_.batch_size);
  for (size_t slot = 0; slot < plan_.tensors.size(); ++slot) {
    for (int64_t s = 0; s < real_samples_; ++s) {
      const size_t cell = slot * batch_size + static_cast<size_t>(s);
      if (state.kind == PassKind::kRanges) {
        state.accumulators[slot].add(summaries_[cell]);
      } else {
        state.abs_deviation[slot] += abs_deviation_[cell];
      }
    }
  }
}

void Worker::run_pass(PassState& state, int worker_index) {
  state_ = &state;
  for (int64_t b = worker_index; b < plan_.num_batches; b += plan_.num_threads) {
    Status status = run_batch(b);
    if (!status.ok()) {
      state.turnstile.fail(b, std::move(status));
      return;
    }
    if (!state.turnstile.wait_for(b)) return;
    fold(state);
    state.turnstile.done(b);
  }
}

// Runs one pass over all samples on every worker (the calling thread runs worker 0).
Status run_pass(std::vector<std::unique_ptr<Worker>>& workers, PassState& state) {
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers.size(); ++w) {
    threads.emplace_back(
        [&workers, &state, w] { workers[w]->run_pass(state, static_cast<int>(w)); });
  }
  workers[0]->run_pass(state, 0);
  for (std::thread& t : threads) t.join();
  return state.turnstile.error();
}

Result<std::vector<std::unique_ptr<Worker>>> make_workers(const Plan& plan,
                                                          const SampleSource& source) {
  std::vector<std::unique_ptr<Worker>> workers;
  interp::InterpreterOptions options;
  options.num_threads = 1;  // parallelism is across samples
  for (int w = 0; w < plan.num_threads; ++w) {
    QEXP_ASSIGN_OR_RETURN(auto interpreter, interp::Interpreter::create(plan.graph, options));
    workers.push_back(std::make_unique<Worker>(plan, source, std::move(interpreter)));
  }
  return workers;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Pass 1: counts, extremes, EMA, sums.
Status collect_ranges(const Plan& plan, std::vector<std::unique_ptr<Worker>>& workers,
                      const StatisticsOptions& options, CalibrationStatistics* out) {
  PassState state;
  state.kind = PassKind::kRanges;
  state.accumulators.assign(plan.tensors.size(), SummaryAccumulator(options.ema_constant));
  QEXP_RETURN_IF_ERROR(run_pass(workers, state));
  out->tensors.resize(plan.tensors.size());
  for (size_t i = 0; i < plan.tensors.size(); ++i) {
    out->tensors[i].name = plan.tensors[i].name;
    state.accumulators[i].finish(&out->tensors[i]);
    out->tensors[i].signed_symmetric = options.signed_range == "symmetric";
  }
  return ok_status();
}

// Pass 2: histograms over the ranges pass 1 fixed, and Σ|x - mean|.
Status collect_histograms(const Plan& plan, std::vector<std::unique_ptr<Worker>>& workers,
                          const StatisticsOptions& options, CalibrationStatistics* out) {
  PassState state;
  state.kind = PassKind::kHistograms;
  state.abs_deviation.assign(plan.tensors.size(), 0.0);
  const bool symmetric = options.signed_range == "symmetric";
  for (const TensorStatistics& t : out->tensors) state.means.push_back(t.mean());
  for (auto& worker : workers) {
    worker->histograms().clear();
    for (const TensorStatistics& t : out->tensors) {
      worker->histograms().emplace_back(t, options.bins, symmetric);
    }
  }
  QEXP_RETURN_IF_ERROR(run_pass(workers, state));
  for (size_t i = 0; i < out->tensors.size(); ++i) {
    HistogramPair merged(out->tensors[i], options.bins, symmetric);
    for (auto& worker : workers) {  // integer counts: exact in any order; fixed order anyway
      QEXP_RETURN_IF_ERROR(merged.merge(worker->histograms()[i]));
    }
    out->tensors[i].abs_histogram = merged.abs();
    out->tensors[i].signed_histogram = merged.signed_values();
    out->tensors[i].sum_abs_deviation = state.abs_deviation[i];
  }
  for (auto& worker : workers) std::vector<HistogramPair>().swap(worker->histograms());
  return ok_status();
}

void add_nonfinite_warnings(CalibrationStatistics* stats) {
  for (const TensorStatistics& t : stats->tensors) {
    if (t.nan_count + t.pos_inf_count + t.neg_inf_count == 0) continue;
    std::string line = str_cat("tensor ", qexp::quoted(t.name), ": ", t.nan_count, " NaN, ",
                               t.pos_inf_count, " +Inf and ", t.neg_inf_count,
                               " -Inf values in the calibration data (excluded from statistics)");
    QEXP_LOG(kWarning) << line;
    stats->warnings.push_back(std::move(line));
  }
}

}  // namespace

const TensorStatistics* CalibrationStatistics::find(std::string_view name) const {
  for (const TensorStatistics& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

size_t CalibrationStatistics::memory_bytes() const {
  size_t bytes = tensors.capacity() * sizeof(TensorStatistics);
  for (const TensorStatistics& t : tensors) bytes += t.memory_bytes();
  for (const std::string& w : warnings) bytes += w.capacity();
  return bytes;
}

Result<CalibrationStatistics> collect_statistics(std::shared_ptr<const ir::Graph> float_graph,
                                                 const SampleSource& source,
                                                 const CalibrationOptions& options) {
  QEXP_ASSIGN_OR_RETURN(Plan plan, make_plan(std::move(float_graph), source, options));
  PeakRssSampler memory;
  QEXP_ASSIGN_OR_RETURN(auto workers, make_workers(plan, source));
  CalibrationStatistics stats;
  stats.options = options.statistics;
  stats.num_samples = plan.num_samples;
  auto start = std::chrono::steady_clock::now();
  QEXP_RETURN_IF_ERROR_CTX(collect_ranges(plan, workers, options.statistics, &stats),
                           "calibration pass 1 (ranges)");
  stats.cost.pass1_seconds = seconds_since(start);
  add_nonfinite_warnings(&stats);
  if (options.statistics.histograms) {
    start = std::chrono::steady_clock::now();
    QEXP_RETURN_IF_ERROR_CTX(collect_histograms(plan, workers, options.statistics, &stats),
                             "calibration pass 2 (histograms)");
    stats.cost.pass2_seconds = seconds_since(start);
  }
  CalibrationCost& cost = stats.cost;
  cost.samples = plan.num_samples;
  for (const auto& w : workers) cost.arena_bytes += static_cast<int64_t>(w->arena_bytes());
  cost.rss_before_bytes = memory.start_rss_bytes();
  cost.peak_rss_bytes = memory.stop();
  cost.peak_rss_delta_bytes = std::max<int64_t>(0, cost.peak_rss_bytes - cost.rss_before_bytes);
  cost.statistics_bytes = static_cast<int64_t>(stats.memory_bytes());
  return stats;
}

Result<std::map<std::string, Range>> compute_ranges(const ConfiguredCalibrator& calibrator,
                                                    const CalibrationStatistics& stats) {
  std::map<std::string, Range> ranges;
  for (const TensorStatistics& t : stats.tensors) {
    QEXP_ASSIGN_OR_RETURN(Range r, calibrator.range(t));
    ranges.emplace(t.name, r);
  }
  return ranges;
}

Result<CalibratorResult> evaluate_calibrator(const ConfiguredCalibrator& calibrator,
                                             const CalibrationStatistics& stats) {
  CalibratorResult result;
  result.name = calibrator.name();
  result.version = calibrator.version();
  result.origin = calibrator.origin();
  result.options = calibrator.resolved_options();
  const auto start = std::chrono::steady_clock::now();
  QEXP_ASSIGN_OR_RETURN(result.ranges, compute_ranges(calibrator, stats));
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace qexp::calib

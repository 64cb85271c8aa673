// The tasks of a run (runner_internal.h): calibration, evaluation shards, per-variant layers.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "framework/core/file_io.h"
#include "framework/core/logging.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "framework/experiment/evaluator.h"
#include "framework/experiment/layer_metrics.h"
#include "framework/experiment/metrics.h"
#include "framework/experiment/ptq.h"
#include "framework/experiment/runner_internal.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "framework/interpreter/interpreter.h"
#include "framework/quantization/quantize_graph.h"

namespace qexp::exp {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

json layer_json(const LayerMetrics& l) {
  json j = json::object();
  j["index"] = l.index;
  j["name"] = l.name;
  j["op"] = l.op;
  j["dtype"] = l.dtype;
  j["sqnr_db"] = opt_number(l.accumulated.sqnr_db());
  j["rmse"] = l.accumulated.rmse();
  j["scale"] = opt_number(l.scale);
  j["rmse_over_scale"] =
      l.scale && *l.scale > 0 ? json(l.accumulated.rmse() / *l.scale) : json(nullptr);
  j["isolated_sqnr_db"] = l.isolated ? opt_number(l.isolated->sqnr_db()) : json(nullptr);
  j["weight_only_sqnr_db"] = l.weight_only ? opt_number(l.weight_only->sqnr_db()) : json(nullptr);
  j["activation_only_sqnr_db"] =
      l.activation_only ? opt_number(l.activation_only->sqnr_db()) : json(nullptr);
  return j;
}

// Median, p10, p90 of `runs` timed invocations on `threads` threads (milliseconds).
Result<json> latency(std::shared_ptr<const ir::Graph> graph, const Tensor& sample, int threads,
                     int64_t runs) {
  interp::InterpreterOptions o;
  o.num_threads = threads;
  QEXP_ASSIGN_OR_RETURN(auto in, interp::Interpreter::create(graph, o));
  TensorView v = in->input(0);
  if (v.dtype() == DType::kFloat32 && v.byte_size() == sample.byte_size()) {
    std::memcpy(v.raw(), sample.raw(), v.byte_size());
  } else {
    std::memset(v.raw(), 0, v.byte_size());  // integer inputs: latency does not depend on values
  }
  std::vector<double> ms;
  for (int64_t r = -2; r < runs; ++r) {
    auto start = Clock::now();
    QEXP_RETURN_IF_ERROR(in->invoke());
    if (r >= 0) ms.push_back(1000.0 * seconds_since(start));
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[static_cast<size_t>(q * static_cast<double>(ms.size() - 1))]; };
  return json{{"median", at(0.5)}, {"p10", at(0.1)}, {"p90", at(0.9)}};
}

// The calibration histograms of every tensor, reduced to at most 128 bins, for the report.
json histogram_summary(const calib::CalibrationStatistics& stats) {
  json tensors = json::array();
  for (const calib::TensorStatistics& t : stats.tensors) {
    const calib::Histogram& h = t.signed_histogram;
    if (h.empty()) continue;
    const int group = (h.num_bins() + 127) / 128;
    json counts = json::array();
    for (int i = 0; i < h.num_bins(); i += group) {
      int64_t c = 0;
      for (int k = i; k < std::min(i + group, h.num_bins()); ++k) c += h.count(k);
      counts.push_back(c);
    }
    const double hi = h.lo() + h.bin_width() * group * static_cast<double>(counts.size());
    tensors.push_back({{"tensor", t.name}, {"lo", h.lo()}, {"hi", hi}, {"counts", counts}});
  }
  return {{"samples", stats.num_samples}, {"tensors", std::move(tensors)}};
}

Status save_json(RunContext& ctx, const std::string& file, const json& j) {
  QEXP_RETURN_IF_ERROR(ctx.journal.save(file, j.dump() + "\n"));
  ctx.done.insert(file);
  return ok_status();
}

Status ensure(RunContext& ctx, const Task& task) {
  if (ctx.done.count(task.file) != 0 || finished(ctx, task.file, false)) return ok_status();
  return run_task(ctx, task);
}

Task calibration_task_of(const RunContext& ctx, size_t variant) {
  return {Task::kCalibration, 1, variant, 0,
          calibration_task(ctx, ctx.config.variants[variant])};
}

Status calibration(RunContext& ctx, const Task& task) {
  const VariantConfig& first = ctx.config.variants[task.variant];
  CalibrationSetup setup = calibration_setup(ctx.config, first);
  setup.threads = ctx.calibration_threads;
  // Histograms always: besides the calibrators that need them, the report draws them.
  setup.histograms = true;
  QEXP_LOG(kInfo) << "calibration statistics: " << setup.samples << " samples of '"
                  << setup.split << "' (seed " << setup.seed << ")";
  Result<calib::CalibrationStatistics> collected = collect_calibration(ctx.float_graph, setup);
  if (!collected.ok()) return save_json(ctx, task.file, {{"error", collected.status().message()}});
  for (const std::string& w : collected.value().warnings) QEXP_LOG(kWarning) << w;
  const calib::CalibrationStatistics& stats = collected.value();
  json ranges = json::object(), errors = json::object(), seconds = json::object();
  const std::string key = calibration_key(ctx, first);
  for (const VariantConfig& v : ctx.config.variants) {
    if (!uses_calibration(v.mode) || calibration_key(ctx, v) != key) continue;
    auto start = Clock::now();
    auto c = ctx.registry.create_calibrator(v.calibrator, v.calibrator_options);
    Result<calib::CalibratorResult> r =
        c.ok() ? calib::evaluate_calibrator(*c.value(), stats)
               : Result<calib::CalibratorResult>(c.status());
    seconds[v.name] = seconds_since(start);
    if (!r.ok()) {
      errors[v.name] = r.status().message();
      continue;
    }
    json list = json::array();
    for (const ir::Tensor& t : ctx.float_graph->tensors) {
      auto it = r.value().ranges.find(t.name);
      if (it == r.value().ranges.end() || t.is_const()) continue;
      list.push_back({{"tensor", t.name}, {"min", it->second.min}, {"max", it->second.max}});
    }
    ranges[v.name] = std::move(list);
  }
  json out = {{"histograms", histogram_summary(stats)},
              {"ranges", std::move(ranges)},
              {"errors", std::move(errors)},
              {"timing",
               {{"statistics_seconds", stats.cost.pass1_seconds + stats.cost.pass2_seconds},
                {"peak_rss_delta_bytes", stats.cost.peak_rss_delta_bytes},
                {"calibrator_seconds", std::move(seconds)}}}};
  return save_json(ctx, task.file, out);
}

// The variant's graph: the float model, or quantized with the ranges of its calibration task.
Result<std::shared_ptr<const ir::Graph>> variant_graph(RunContext& ctx, size_t index) {
  if (auto it = ctx.graphs.find(index); it != ctx.graphs.end()) return it->second;
  const VariantConfig& v = ctx.config.variants[index];
  std::shared_ptr<const ir::Graph> g = ctx.float_graph;
  if (v.mode != VariantMode::kFloat) {
    quant::RangeMap ranges;
    if (uses_calibration(v.mode)) {
      const Task t = calibration_task_of(ctx, index);
      QEXP_RETURN_IF_ERROR(ensure(ctx, t));
      json c = load_json(ctx, t.file);
      if (c.contains("error")) return invalid_argument(c["error"].get<std::string>());
      if (c["errors"].contains(v.name)) return invalid_argument(c["errors"][v.name].get<std::string>());
      for (const json& r : c["ranges"][v.name]) {
        ranges[r["tensor"].get<std::string>()] =
            quant::TensorRange{r["min"].get<float>(), r["max"].get<float>()};
      }
    }
    QEXP_ASSIGN_OR_RETURN(ir::Graph q, quant::quantize_graph(*ctx.float_graph, ranges,
                                                            quantize_options(ctx.config, v)));
    g = std::make_shared<const ir::Graph>(std::move(q));
  }
  ctx.graphs[index] = g;
  return g;
}

// Evaluates `graph` on one shard, returning the counts and every output row (dequantized).
Result<EvalResult> evaluate_shard(RunContext& ctx, std::shared_ptr<const ir::Graph> graph,
                                  int shard, std::vector<float>* outputs) {
  const int64_t begin = shard * ctx.config.dataset.shard_size;
  const int64_t end =
      std::min<int64_t>(begin + ctx.config.dataset.shard_size, ctx.eval_indices.size());
  std::vector<int64_t> indices(ctx.eval_indices.begin() + begin, ctx.eval_indices.begin() + end);
  const ir::Tensor& out = graph->tensors[static_cast<size_t>(graph->outputs[0])];
  outputs->assign(indices.size() * static_cast<size_t>(ctx.classes), 0.0f);
  EvalOptions eo;
  eo.threads = ctx.threads;
  eo.progress = ctx.options.progress;
  eo.cancel = ctx.options.cancel;
  eo.skip_bad_samples = ctx.eval_manifest.on_error == data::OnError::kSkip;
  eo.on_output = [&](int64_t pos, const TensorView& o) {
    std::vector<float> row = dequantize_view(o, out.quant);
    std::copy(row.begin(), row.end(), outputs->begin() + pos * ctx.classes);
  };
  return evaluate(graph, *ctx.eval_dataset, ctx.eval_manifest.preprocess, indices, eo);
}

Result<std::vector<float>> baseline_outputs(RunContext& ctx, int shard) {
  const VariantConfig& b = ctx.config.variants[static_cast<size_t>(ctx.baseline)];
  const std::string file = outputs_task(b, shard);
  if (!ctx.journal.has(file) || !finished(ctx, eval_task(b, shard), true)) {
    QEXP_RETURN_IF_ERROR(run_task(
        ctx, {Task::kEval, 1, static_cast<size_t>(ctx.baseline), shard, eval_task(b, shard)}));
  }
  auto bytes = ctx.journal.load_bytes(file);
  if (!bytes || bytes->size() % sizeof(float) != 0) {
    return Status(StatusCode::kDataLoss, str_cat(ctx.journal.dir(), "/", file, ": unreadable"));
  }
  std::vector<float> v(bytes->size() / sizeof(float));
  std::memcpy(v.data(), bytes->data(), bytes->size());
  return v;
}

Status eval(RunContext& ctx, const Task& task) {
  const VariantConfig& v = ctx.config.variants[task.variant];
  auto graph = variant_graph(ctx, task.variant);
  if (!graph.ok()) return save_json(ctx, task.file, {{"error", graph.status().message()}});
  std::vector<float> outputs;
  Result<EvalResult> r = evaluate_shard(ctx, graph.value(), task.shard, &outputs);
  if (!r.ok() && r.status().code() == StatusCode::kCancelled) return r.status();
  if (!r.ok()) return save_json(ctx, task.file, {{"error", r.status().message()}});
  json fidelity = nullptr;
  if (static_cast<int>(task.variant) == ctx.baseline) {
    QEXP_RETURN_IF_ERROR(ctx.journal.save_bytes(
        outputs_task(v, task.shard),
        {reinterpret_cast<const uint8_t*>(outputs.data()), outputs.size() * sizeof(float)}));
  } else if (ctx.baseline >= 0) {
    QEXP_ASSIGN_OR_RETURN(std::vector<float> base, baseline_outputs(ctx, task.shard));
    FidelitySums f = fidelity_sums(base, outputs, ctx.classes, ctx.probabilities);
    fidelity = {{"rows", f.rows}, {"agree", f.agree}, {"kl_sum", f.kl_sum},
                {"signal", f.error.signal}, {"noise", f.error.noise}, {"count", f.error.count}};
  }
  const EvalResult& e = r.value();
  return save_json(ctx, task.file,
                   {{"count", e.count}, {"skipped", e.skipped}, {"top1", e.top1},
                    {"top5", e.top5}, {"fidelity", fidelity},
                    {"timing", {{"seconds", e.seconds}}}});
}

Result<json> layers_body(RunContext& ctx, const Task& task) {
  const VariantConfig& v = ctx.config.variants[task.variant];
  json timing = json::object();
  QEXP_ASSIGN_OR_RETURN(auto graph, variant_graph(ctx, task.variant));
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, tflite::serialize_tflite(*graph));
  const std::string rel = str_cat("variants/", v.name, ".tflite");
  QEXP_RETURN_IF_ERROR(make_directories((std::filesystem::path(ctx.out_dir) / "variants").string()));
  QEXP_RETURN_IF_ERROR(write_file_atomic((std::filesystem::path(ctx.out_dir) / rel).string(), bytes));
  // Quantized ops: any integer input or output (int8 / int16 activations, int8 weights).
  int64_t quantized = 0, floating = 0;
  for (const ir::Op& op : graph->ops) {
    if (op.type == ir::OpType::kQuantize || op.type == ir::OpType::kDequantize) continue;
    bool integer = false;
    for (const std::vector<int>* ids : {&op.inputs, &op.outputs}) {
      for (int id : *ids) {
        if (id < 0) continue;
        const DType t = graph->tensors[static_cast<size_t>(id)].dtype;
        integer = integer || t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16;
      }
    }
    ++(integer ? quantized : floating);
  }
  json layers = json::array();
  if (v.mode != VariantMode::kFloat && !ctx.layer_samples.empty()) {
    auto start = Clock::now();
    QEXP_ASSIGN_OR_RETURN(auto lm, measure_layers(ctx.float_graph, graph, ctx.layer_samples));
    for (const LayerMetrics& l : lm) layers.push_back(layer_json(l));
    timing["metrics_seconds"] = seconds_since(start);
  }
  if (ctx.config.metrics.latency_runs > 0) {
    json lat = json::object();
    for (int t : {1, 2}) {
      QEXP_ASSIGN_OR_RETURN(lat[str_cat("threads_", t)],
                            latency(graph, ctx.first_input, t, ctx.config.metrics.latency_runs));
    }
    timing["latency_ms"] = std::move(lat);
  }
  return json{{"tflite", rel},
              {"size_bytes", bytes.size()},
              {"ops", {{"total", graph->ops.size()}, {"quantized", quantized}, {"float", floating}}},
              {"layers", std::move(layers)},
              {"timing", std::move(timing)}};
}

}  // namespace

json settings_json(const VariantConfig& v) {
  json s = json::object();
  const bool cal = uses_calibration(v.mode);
  s["calibrator"] = cal ? v.calibrator : "";
  s["calibrator_options"] = cal ? json(v.calibrator_options) : json::object();
  s["per_channel"] = v.per_channel;
  s["fc_per_channel"] = v.fc_per_channel;
  s["symmetric_activations"] = v.symmetric_activations;
  s["io_type"] = std::string(quant::io_type_name(v.io_type));
  s["exclude"] = v.exclude;
  s["calibration_samples"] = cal ? v.calibration_samples : 0;
  s["calibration_seed"] = cal ? v.calibration_seed : 0;
  s["dynamic_range_min_elements"] = v.dynamic_range_min_elements;
  return s;
}

json opt_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json load_json(const RunContext& ctx, const std::string& file) {
  auto text = ctx.journal.load(file);
  if (!text) return nullptr;
  json j = json::parse(*text, nullptr, false);
  return j.is_object() ? j : json(nullptr);
}

bool finished(const RunContext& ctx, const std::string& file, bool retry_errors) {
  json j = load_json(ctx, file);
  if (!j.is_object()) return false;
  return !(retry_errors && j.contains("error"));
}

std::string calibration_key(const RunContext& ctx, const VariantConfig& v) {
  // The calibration manifest by content: it names the files and the preprocessing.
  return str_cat(ctx.model_sha256, "|", ctx.calibration_manifest_sha256, "|",
                 ctx.config.calibration.split, "|", v.calibration_samples, "|",
                 v.calibration_seed);
}
std::string calibration_task(const RunContext& ctx, const VariantConfig& v) {
  return str_cat("calib-", sha256_hex(calibration_key(ctx, v)).substr(0, 16), ".json");
}
std::string eval_task(const VariantConfig& v, int shard) {
  return str_cat("eval-", v.name, "-", shard, ".json");
}
std::string outputs_task(const VariantConfig& v, int shard) {
  return str_cat("outputs-", v.name, "-", shard, ".bin");
}
std::string layers_task(const VariantConfig& v) { return str_cat("layers-", v.name, ".json"); }

std::vector<Task> plan_tasks(const RunContext& ctx) {
  std::vector<Task> tasks;
  std::vector<std::string> keys;
  const auto& vs = ctx.config.variants;
  for (size_t i = 0; i < vs.size(); ++i) {
    if (!uses_calibration(vs[i].mode)) continue;
    const std::string file = calibration_task(ctx, vs[i]);
    if (std::find(keys.begin(), keys.end(), file) != keys.end()) continue;
    keys.push_back(file);
    tasks.push_back({Task::kCalibration, 1, i, 0, file});
  }
  if (ctx.baseline >= 0) {
    const auto b = static_cast<size_t>(ctx.baseline);
    for (int s = 0; s < ctx.num_shards(); ++s) tasks.push_back({Task::kEval, 1, b, s, eval_task(vs[b], s)});
  }
  for (size_t i = 0; i < vs.size(); ++i) {
    if (static_cast<int>(i) == ctx.baseline) continue;
    for (int s = 0; s < ctx.num_shards(); ++s) tasks.push_back({Task::kEval, 2, i, s, eval_task(vs[i], s)});
  }
  for (size_t i = 0; i < vs.size(); ++i) tasks.push_back({Task::kLayers, 2, i, 0, layers_task(vs[i])});
  return tasks;
}

Status run_task(RunContext& ctx, const Task& task) {
  ++ctx.computed;
  switch (task.kind) {
    case Task::kCalibration:
      return calibration(ctx, task);
    case Task::kEval:
      return eval(ctx, task);
    case Task::kLayers: {
      QEXP_LOG(kInfo) << "layers of " << ctx.config.variants[task.variant].name;
      Result<json> j = layers_body(ctx, task);
      if (!j.ok() && j.status().code() == StatusCode::kCancelled) return j.status();
      return save_json(ctx, task.file, j.ok() ? j.value() : json{{"error", j.status().message()}});
    }
  }
  return ok_status();
}

}  // namespace qexp::exp

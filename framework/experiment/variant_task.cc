// One variant as a task: quantize (calibrating if the mode needs it), export, evaluate, compare
// with the baseline, measure the layers and the latency.

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

namespace {

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

struct Built {
  std::shared_ptr<const ir::Graph> graph;
  json ranges = json::array();
  int64_t quantized_ops = 0, float_ops = 0;
};

Result<Built> build(RunContext& ctx, const VariantConfig& v, json* timing) {
  Built b;
  if (v.mode == VariantMode::kFloat) {
    b.graph = ctx.float_graph;
    b.float_ops = static_cast<int64_t>(b.graph->ops.size());
    return b;
  }
  quant::RangeMap ranges;
  if (uses_calibration(v.mode)) {
    auto start = Clock::now();
    QEXP_ASSIGN_OR_RETURN(auto stats, statistics_for(ctx, v));
    (*timing)["statistics_seconds"] = stats->cost.pass1_seconds + stats->cost.pass2_seconds;
    (*timing)["calibration_peak_rss_delta_bytes"] = stats->cost.peak_rss_delta_bytes;
    QEXP_ASSIGN_OR_RETURN(auto calibrator,
                          ctx.registry.create_calibrator(v.calibrator, v.calibrator_options));
    QEXP_ASSIGN_OR_RETURN(calib::CalibratorResult r,
                          calib::evaluate_calibrator(*calibrator, *stats));
    for (const auto& [name, range] : r.ranges) ranges[name] = quant::TensorRange{range.min, range.max};
    (*timing)["calibration_seconds"] = seconds_since(start);
  }
  auto start = Clock::now();
  quant::QuantizeOptions qo = quantize_options(ctx.config, v);
  quant::QuantizeSummary summary;
  QEXP_ASSIGN_OR_RETURN(ir::Graph g, quant::quantize_graph(*ctx.float_graph, ranges, qo, &summary));
  (*timing)["quantize_seconds"] = seconds_since(start);
  for (const ir::Tensor& t : ctx.float_graph->tensors) {
    auto it = ranges.find(t.name);
    if (it == ranges.end() || t.is_const()) continue;
    b.ranges.push_back({{"tensor", t.name}, {"min", it->second.min}, {"max", it->second.max}});
  }
  b.quantized_ops = static_cast<int64_t>(summary.quantized_ops.size());
  b.float_ops = static_cast<int64_t>(summary.float_ops.size());
  b.graph = std::make_shared<const ir::Graph>(std::move(g));
  return b;
}

json accuracy_json(const EvalResult& r) {
  return {{"count", r.count},
          {"top1", {{"correct", r.top1}, {"percent", r.top1_percent()}}},
          {"top5", {{"correct", r.top5}, {"percent", r.top5_percent()}}}};
}

}  // namespace

json opt_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

Result<json> run_variant(RunContext& ctx, size_t index) {
  const VariantConfig& v = ctx.config.variants[index];
  json timing = json::object();
  QEXP_ASSIGN_OR_RETURN(Built b, build(ctx, v, &timing));

  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, tflite::serialize_tflite(*b.graph));
  const std::string rel = str_cat("variants/", v.name, ".tflite");
  QEXP_RETURN_IF_ERROR(make_directories((std::filesystem::path(ctx.out_dir) / "variants").string()));
  QEXP_RETURN_IF_ERROR(
      write_file_atomic((std::filesystem::path(ctx.out_dir) / rel).string(), bytes));

  // Accuracy, keeping every output row (dequantized) for the fidelity figures.
  const ir::Tensor& out = b.graph->tensors[static_cast<size_t>(b.graph->outputs[0])];
  std::vector<float> outputs(ctx.eval_indices.size() * static_cast<size_t>(ctx.classes));
  EvalOptions eo;
  eo.threads = ctx.threads;
  eo.progress = ctx.options.progress;
  eo.cancel = ctx.options.cancel;
  eo.skip_bad_samples = ctx.eval_manifest.on_error == data::OnError::kSkip;
  eo.on_output = [&](int64_t pos, const TensorView& o) {
    std::vector<float> row = dequantize_view(o, out.quant);
    std::copy(row.begin(), row.end(), outputs.begin() + pos * ctx.classes);
  };
  QEXP_ASSIGN_OR_RETURN(EvalResult er, evaluate(b.graph, *ctx.eval_dataset,
                                                ctx.eval_manifest.preprocess, ctx.eval_indices, eo));
  timing["eval_seconds"] = er.seconds;
  timing["images_per_second"] = er.images_per_second();

  json r = json::object();
  r["name"] = v.name;
  r["mode"] = std::string(variant_mode_name(v.mode));
  r["status"] = "ok";
  r["settings"] = settings_json(v);
  r["tflite"] = rel;
  r["size_bytes"] = bytes.size();
  r["ops"] = {{"total", b.graph->ops.size()}, {"quantized", b.quantized_ops}, {"float", b.float_ops}};
  r["accuracy"] = accuracy_json(er);
  if (static_cast<int>(index) == ctx.baseline) {
    ctx.baseline_outputs = outputs;
    QEXP_RETURN_IF_ERROR(ctx.journal.save_bytes(
        outputs_task(v), {reinterpret_cast<const uint8_t*>(outputs.data()),
                          outputs.size() * sizeof(float)}));
    r["fidelity"] = nullptr;
  } else if (!ctx.baseline_outputs.empty()) {
    Fidelity f = compare_outputs(ctx.baseline_outputs, outputs, ctx.classes, ctx.probabilities);
    r["fidelity"] = {{"count", f.count},
                     {"top1_agreement_percent", f.top1_agreement_percent},
                     {"mean_kl", f.mean_kl},
                     {"output_sqnr_db", opt_number(f.output_sqnr_db)}};
  } else {
    r["fidelity"] = nullptr;
  }

  json layers = json::array();
  if (v.mode != VariantMode::kFloat && !ctx.layer_samples.empty()) {
    auto start = Clock::now();
    QEXP_ASSIGN_OR_RETURN(auto lm, measure_layers(ctx.float_graph, b.graph, ctx.layer_samples));
    for (const LayerMetrics& l : lm) layers.push_back(layer_json(l));
    timing["metrics_seconds"] = seconds_since(start);
  }
  r["layers"] = std::move(layers);
  r["ranges"] = std::move(b.ranges);

  if (ctx.config.metrics.latency_runs > 0) {
    json lat = json::object();
    for (int t : {1, 2}) {
      QEXP_ASSIGN_OR_RETURN(lat[str_cat("threads_", t)],
                            latency(b.graph, ctx.first_input, t, ctx.config.metrics.latency_runs));
    }
    timing["latency_ms"] = std::move(lat);
  }
  return json{{"result", std::move(r)}, {"timing", std::move(timing)}};
}

}  // namespace qexp::exp

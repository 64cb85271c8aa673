#include "framework/experiment/runner.h"

#include <chrono>
#include <cstring>
#include <filesystem>

#include "framework/calibration/sample_source.h"
#include "framework/core/file_io.h"
#include "framework/core/logging.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "framework/experiment/ptq.h"
#include "framework/experiment/runner_internal.h"
#include "framework/report/report.h"

namespace qexp::exp {
namespace {

using json = nlohmann::json;

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

Status prepare_inputs(RunContext& ctx) {
  const ir::Graph& g = *ctx.float_graph;
  if (g.inputs.size() != 1 || g.outputs.empty()) {
    return invalid_argument(str_cat(ctx.config.where("model.path"),
                                    ": model.path: an experiment needs a model with one image "
                                    "input and a class-score output; this one has ",
                                    g.inputs.size(), " inputs"));
  }
  const ir::Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
  const ir::Tensor& out = g.tensors[static_cast<size_t>(g.outputs[0])];
  if (in.dtype != DType::kFloat32 || out.shape.rank() == 0) {
    return invalid_argument(str_cat(ctx.config.where("model.path"),
                                    ": model.path: expected a float32 image input and a "
                                    "class-score output"));
  }
  ctx.classes = out.shape[out.shape.rank() - 1];
  const int p = g.producer(g.outputs[0]);
  ctx.probabilities = p >= 0 && g.ops[static_cast<size_t>(p)].type == ir::OpType::kSoftmax;
  const int64_t limit = ctx.config.dataset.limit;
  ctx.eval_indices = ctx.eval_dataset->first(limit > 0 ? limit : ctx.eval_dataset->size());
  const int64_t n = std::min<int64_t>(ctx.config.metrics.layer_samples,
                                      static_cast<int64_t>(ctx.eval_indices.size()));
  std::vector<int64_t> first(ctx.eval_indices.begin(),
                             ctx.eval_indices.begin() + std::max<int64_t>(n, 1));
  calib::DatasetSampleSource source(ctx.eval_dataset, ctx.eval_manifest.preprocess, first);
  for (int64_t i = 0; i < static_cast<int64_t>(first.size()); ++i) {
    Tensor t(DType::kFloat32, in.shape);
    QEXP_RETURN_IF_ERROR(source.fill(i, t.view()));
    if (i == 0) ctx.first_input = t;
    if (i < n) ctx.layer_samples.push_back(std::move(t));
  }
  return ok_status();
}

// Loads a finished variant from the journal; the baseline also needs its outputs.
std::optional<json> reuse(RunContext& ctx, size_t index) {
  const VariantConfig& v = ctx.config.variants[index];
  std::optional<std::string> text = ctx.journal.load(variant_task(v));
  if (!text) return std::nullopt;
  json task = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (task.is_discarded() || !task.contains("result") || !task.contains("timing")) {
    return std::nullopt;
  }
  if (static_cast<int>(index) == ctx.baseline) {
    auto bytes = ctx.journal.load_bytes(outputs_task(v));
    const size_t want = ctx.eval_indices.size() * static_cast<size_t>(ctx.classes);
    if (!bytes || bytes->size() != want * sizeof(float)) return std::nullopt;
    ctx.baseline_outputs.resize(want);
    std::memcpy(ctx.baseline_outputs.data(), bytes->data(), bytes->size());
  }
  return task;
}

std::string summary_line(const json& result) {
  const json& a = result["accuracy"];
  return str_cat("  ", result["name"].get<std::string>(), ": top-1 ",
                 format_double(a["top1"]["percent"].get<double>()), " % (",
                 a["top1"]["correct"].get<int64_t>(), "/", a["count"].get<int64_t>(), ")\n");
}

}  // namespace

std::string calibration_key(const ExperimentConfig& config, const VariantConfig& v) {
  return str_cat(config.calibration.resolved_manifest, "|", config.calibration.split, "|",
                 v.calibration_samples, "|", v.calibration_seed);
}
std::string variant_task(const VariantConfig& v) { return str_cat("variant-", v.name, ".json"); }
std::string outputs_task(const VariantConfig& v) { return str_cat("outputs-", v.name, ".bin"); }
std::string calibration_task(const std::string& key) {
  return str_cat("calib-", sha256_hex(key).substr(0, 16), ".json");
}

Result<std::shared_ptr<const calib::CalibrationStatistics>> statistics_for(
    RunContext& ctx, const VariantConfig& v) {
  const std::string key = calibration_key(ctx.config, v);
  if (auto it = ctx.statistics.find(key); it != ctx.statistics.end()) return it->second;
  CalibrationSetup setup = calibration_setup(ctx.config, v);
  setup.threads = ctx.threads;
  // Histograms always: besides the calibrators that need them, the report draws them. The second
  // pass costs about as much as the first and is shared by every variant of this subset.
  setup.histograms = true;
  QEXP_LOG(kInfo) << "collecting calibration statistics: " << setup.samples << " samples of '"
                  << setup.split << "' (seed " << setup.seed << ")";
  QEXP_ASSIGN_OR_RETURN(calib::CalibrationStatistics stats,
                        collect_calibration(ctx.float_graph, setup));
  for (const std::string& w : stats.warnings) QEXP_LOG(kWarning) << w;
  auto shared = std::make_shared<const calib::CalibrationStatistics>(std::move(stats));
  ctx.statistics[key] = shared;
  if (!ctx.journal.load(calibration_task(key))) {
    QEXP_RETURN_IF_ERROR(
        ctx.journal.save(calibration_task(key), histogram_summary(*shared).dump() + "\n"));
  }
  return shared;
}

Result<RunOutcome> run_experiment(const ExperimentConfig& config,
                                  std::shared_ptr<const ir::Graph> float_graph,
                                  const calib::PluginRegistry& registry,
                                  const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const std::string out_dir = options.out_dir.empty() ? config.report.out : options.out_dir;
  // Everything that can fail on bad input is checked before the output directory is touched.
  QEXP_ASSIGN_OR_RETURN(data::Manifest manifest,
                        data::load_manifest(config.dataset.resolved_manifest));
  QEXP_ASSIGN_OR_RETURN(auto dataset, data::open_dataset(manifest, config.dataset.split));
  QEXP_RETURN_IF_ERROR(make_directories(out_dir));
  QEXP_ASSIGN_OR_RETURN(Journal journal, Journal::open(out_dir, config_hash(config), options.resume));
  RunContext ctx{config, registry, options, std::move(float_graph), std::move(journal), out_dir};
  ctx.threads = options.threads > 0 ? options.threads : config.interpreter_threads;
  ctx.eval_manifest = std::move(manifest);
  ctx.eval_dataset = std::move(dataset);
  QEXP_RETURN_IF_ERROR(prepare_inputs(ctx));

  std::vector<size_t> order;
  for (size_t i = 0; i < config.variants.size(); ++i) {
    if (config.variants[i].mode == VariantMode::kFloat && ctx.baseline < 0) {
      ctx.baseline = static_cast<int>(i);
      order.insert(order.begin(), i);
    } else {
      order.push_back(i);
    }
  }
  std::vector<VariantOutcome> outcomes(config.variants.size());
  RunOutcome outcome;
  outcome.out_dir = out_dir;
  for (size_t i : order) {
    if (options.cancel != nullptr && options.cancel->load()) {
      outcome.interrupted = true;
      break;
    }
    const VariantConfig& v = config.variants[i];
    VariantOutcome& o = outcomes[i];
    if (options.resume) o.task = reuse(ctx, i);
    if (o.task) {
      ++ctx.reused;
    } else {
      QEXP_LOG(kInfo) << "variant " << v.name << " (" << variant_mode_name(v.mode) << ")";
      Result<json> task = run_variant(ctx, i);
      if (!task.ok() && task.status().code() == StatusCode::kCancelled) {
        outcome.interrupted = true;
        break;
      }
      if (!task.ok()) {
        o.status = "failed";
        o.error = task.status().message();
        QEXP_LOG(kWarning) << "variant " << v.name << " failed: " << o.error;
        continue;
      }
      o.task = std::move(task).value();
      QEXP_RETURN_IF_ERROR(ctx.journal.save(variant_task(v), o.task->dump() + "\n"));
    }
    o.status = "ok";
  }
  for (const VariantOutcome& o : outcomes) {
    if (o.status == "ok") {
      ++outcome.variants_ok;
      outcome.summary += summary_line((*o.task)["result"]);
    } else if (o.status == "failed") {
      ++outcome.variants_failed;
      outcome.summary += str_cat("  ", config.variants[&o - outcomes.data()].name, ": failed\n");
    } else {
      ++outcome.variants_not_run;
    }
  }
  outcome.tasks_reused = ctx.reused;
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json report = build_report(ctx, outcomes, outcome.interrupted, total);
  QEXP_RETURN_IF_ERROR(report::write_reports(report, out_dir, config.report.formats));
  return outcome;
}

}  // namespace qexp::exp

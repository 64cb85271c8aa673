#include "framework/experiment/runner.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "framework/calibration/sample_source.h"
#include "framework/core/file_io.h"
#include "framework/core/logging.h"
#include "framework/core/sha256.h"
#include "framework/core/strings.h"
#include "framework/experiment/preflight.h"
#include "framework/experiment/runner_internal.h"
#include "framework/report/report.h"

namespace qexp::exp {
namespace {

using json = nlohmann::json;

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

JournalMode journal_mode(const RunOptions& o) {
  if (o.merge_only || o.shard_count > 1) return JournalMode::kShared;
  return o.resume ? JournalMode::kResume : JournalMode::kFresh;
}

// Runs this process's share of one phase. Returns false when interrupted.
Result<bool> run_phase(RunContext& ctx, int phase, RunOutcome* outcome) {
  const RunOptions& o = ctx.options;
  for (size_t i = 0; i < ctx.tasks.size(); ++i) {
    const Task& t = ctx.tasks[i];
    if (t.phase != phase || static_cast<int>(i % static_cast<size_t>(o.shard_count)) != o.shard_index) {
      continue;
    }
    ++outcome->tasks_mine;
    if (o.cancel != nullptr && o.cancel->load()) return false;
    if (o.resume && finished(ctx, t.file, /*retry_errors=*/true)) {
      ++ctx.reused;
      continue;
    }
    if (ctx.done.count(t.file) != 0) continue;  // already computed as another task's input
    if (t.kind == Task::kEval) {
      QEXP_LOG(kInfo) << "evaluate " << ctx.config.variants[t.variant].name << " shard "
                      << t.shard + 1 << "/" << ctx.num_shards();
    }
    Status s = run_task(ctx, t);
    if (s.code() == StatusCode::kCancelled) return false;
    QEXP_RETURN_IF_ERROR(s);
  }
  return true;
}

// Counts the variants by status; the terminal summary lists at most 12 of them.
void count_variants(const json& report, RunOutcome* outcome) {
  constexpr int kShown = 12;
  int listed = 0;
  for (const json& v : report["variants"]) {
    const std::string status = v["status"];
    std::string line;
    if (status == "ok") {
      ++outcome->variants_ok;
      const json& a = v["accuracy"];
      char pct[32];
      std::snprintf(pct, sizeof(pct), "%.2f", a["top1"]["percent"].get<double>());
      line = str_cat("  ", v["name"].get<std::string>(), ": top-1 ", pct, " % (",
                     a["top1"]["correct"].get<int64_t>(), "/", a["count"].get<int64_t>(), ")\n");
    } else if (status == "failed") {
      ++outcome->variants_failed;
      line = str_cat("  ", v["name"].get<std::string>(), ": failed: ",
                     v["error"].get<std::string>(), "\n");
    } else {
      ++outcome->variants_not_run;
      continue;
    }
    if (listed++ < kShown) outcome->summary += line;
  }
  if (listed > kShown) outcome->summary += str_cat("  … ", listed - kShown, " more in report.md\n");
}

}  // namespace

Result<RunOutcome> run_experiment(const ExperimentConfig& config,
                                  std::shared_ptr<const ir::Graph> float_graph,
                                  const calib::PluginRegistry& registry,
                                  const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.shard_count < 1 || options.shard_index < 0 ||
      options.shard_index >= options.shard_count) {
    return invalid_argument(str_cat("--shard: ", options.shard_index, "/", options.shard_count,
                                    " is not i/N with 0 <= i < N"));
  }
  const std::string out_dir = options.out_dir.empty() ? config.report.out : options.out_dir;
  // Everything that can fail on bad input is checked before the output directory is touched.
  QEXP_ASSIGN_OR_RETURN(data::Manifest manifest,
                        data::load_manifest(config.dataset.resolved_manifest));
  QEXP_ASSIGN_OR_RETURN(auto dataset, data::open_dataset(manifest, config.dataset.split));
  QEXP_ASSIGN_OR_RETURN(std::string model_sha, sha256_file(config.model.resolved_path));
  QEXP_ASSIGN_OR_RETURN(std::string calib_sha, sha256_file(config.calibration.resolved_manifest));
  QEXP_RETURN_IF_ERROR(preflight_output_dir(config, out_dir));  // writable, enough free space
  QEXP_RETURN_IF_ERROR(make_directories(out_dir));
  RunRecord record{config_hash(config), options.config_path, options.overrides,
                   options.plugin_files};
  QEXP_ASSIGN_OR_RETURN(Journal journal, Journal::open(out_dir, record, journal_mode(options)));
  RunContext ctx{config, registry, options, std::move(float_graph), std::move(journal), out_dir};
  ctx.threads = options.threads > 0 ? options.threads : config.interpreter_threads;
  ctx.calibration_threads = options.threads > 0 ? options.threads : config.calibration.threads;
  ctx.eval_manifest = std::move(manifest);
  ctx.eval_dataset = std::move(dataset);
  ctx.model_sha256 = std::move(model_sha);
  ctx.calibration_manifest_sha256 = std::move(calib_sha);
  QEXP_RETURN_IF_ERROR(prepare_inputs(ctx));
  for (size_t i = 0; i < config.variants.size(); ++i) {
    if (config.variants[i].mode == VariantMode::kFloat) {
      ctx.baseline = static_cast<int>(i);
      break;
    }
  }
  ctx.tasks = plan_tasks(ctx);

  RunOutcome outcome;
  outcome.out_dir = out_dir;
  outcome.tasks_total = static_cast<int64_t>(ctx.tasks.size());
  if (options.merge_only) {
    for (const std::string& dir : options.merge_from) {
      QEXP_ASSIGN_OR_RETURN(int64_t n, ctx.journal.absorb(dir, record.config_hash));
      QEXP_LOG(kInfo) << "merged " << n << " task files from " << dir;
    }
  } else {
    // Every process calls the barrier after every phase, even after an error, so that an MPI
    // job never waits forever for a rank that gave up.
    Status failure;
    for (int phase : {1, 2}) {
      if (failure.ok() && !outcome.interrupted) {
        Result<bool> complete = run_phase(ctx, phase, &outcome);
        if (!complete.ok()) {
          failure = complete.status();
        } else if (!complete.value()) {
          outcome.interrupted = true;
        }
      }
      if (options.barrier) options.barrier();
    }
    QEXP_RETURN_IF_ERROR(failure);
  }
  outcome.tasks_run = ctx.computed;
  outcome.tasks_reused = ctx.reused;
  for (const Task& t : ctx.tasks) outcome.tasks_missing += finished(ctx, t.file, false) ? 0 : 1;
  const bool write = options.merge_only || options.shard_count == 1 ||
                     (options.barrier && options.shard_index == 0);
  if (!write) return outcome;
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json report = build_report(ctx, outcome.interrupted, total);
  count_variants(report, &outcome);
  QEXP_RETURN_IF_ERROR(report::write_reports(report, out_dir, config.report.formats));
  outcome.report_written = true;
  return outcome;
}

}  // namespace qexp::exp

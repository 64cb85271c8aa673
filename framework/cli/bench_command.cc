// `qexp bench MODEL`: latency of one model on qexp's interpreter (median / p10 / p90, images/s,
// per-op breakdown, memory), as text and optionally as JSON (schema in docs/cli.md).

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "framework/cli/bench.h"
#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/cli/version.h"
#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"

namespace qexp::cli {
namespace {

struct BenchArgs {
  std::string model, json_out, kernels = "optimized", isa;
  GraphDefArgs graphdef;
  int threads = 1, top = 12;
  BenchOptions bench;
  uint64_t seed = 1;
};

/// Everything `qexp bench` reports besides the timings.
struct BenchContext {
  const BenchArgs* args = nullptr;
  ModelFormat format = ModelFormat::kTflite;
  uintmax_t model_bytes = 0;
  interp::Isa isa = interp::Isa::kPortable;
  int64_t batch = 1;
  size_t arena_bytes = 0;
  int64_t rss_after_load = 0, rss_after_create = 0, rss_peak = 0;
  double load_average[3] = {0, 0, 0};
};

/// Peak resident set size of this process so far, in bytes (getrusage; Linux reports KiB).
int64_t peak_rss_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

Result<interp::InterpreterOptions> interpreter_options(const BenchArgs& args) {
  if (args.threads < 1 || args.threads > 256) {
    return invalid_argument(str_cat("--threads: ", args.threads, " is not in [1, 256]"));
  }
  if (args.bench.runs < 1) {
    return invalid_argument(str_cat("--runs: ", args.bench.runs, " is not a positive count"));
  }
  if (args.bench.warmup < 0) {
    return invalid_argument(str_cat("--warmup: ", args.bench.warmup, " is negative"));
  }
  if (args.top < 0) return invalid_argument(str_cat("--top: ", args.top, " is negative"));
  interp::InterpreterOptions o;
  o.num_threads = args.threads;
  o.profile = true;
  if (args.kernels == "reference") {
    o.kernel_set = interp::KernelSet::kReference;
  } else if (args.kernels != "optimized") {
    return invalid_argument(
        str_cat("--kernels: ", quoted(args.kernels), " is not one of optimized, reference"));
  }
  if (!args.isa.empty()) {
    Result<interp::Isa> isa = interp::parse_isa(args.isa);
    if (!isa.ok()) return invalid_argument(str_cat("--isa: ", isa.status().message()));
    o.isa = *isa;
  }
  return o;
}

std::string megabytes(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

std::string input_list(interp::Interpreter& interp) {
  std::vector<std::string> parts;
  for (int i = 0; i < interp.num_inputs(); ++i) {
    const int id = interp.graph().inputs[static_cast<size_t>(i)];
    const TensorView v = interp.input(i);
    parts.push_back(str_cat(quoted(interp.graph().tensors[static_cast<size_t>(id)].name), " ",
                            dtype_name(v.dtype()), v.shape().to_string()));
  }
  return str_join(parts, ", ");
}

void print_ops(const BenchResult& r, int top) {
  std::printf("per op (median / mean over the runs; ops sum %.3f ms of %.3f ms mean latency):\n",
              r.ops_mean_ms, r.latency.mean_ms);
  const size_t shown = std::min(r.ops.size(), static_cast<size_t>(top));
  int width = 16;  // of the "kernel / variant" column
  for (size_t i = 0; i < shown; ++i) {
    width = std::max(width, static_cast<int>(r.ops[i].kernel.size() + r.ops[i].variant.size() + 3));
  }
  std::printf("  %4s  %-17s %-*s %9s %9s %6s  %s\n", "op", "type", width, "kernel / variant",
              "median ms", "mean ms", "%", "name");
  for (size_t i = 0; i < shown; ++i) {
    const OpTiming& t = r.ops[i];
    std::printf("  %4d  %-17s %-*s %9.3f %9.3f %6.1f  %s\n", t.index, t.type.c_str(), width,
                (t.kernel + " / " + t.variant).c_str(), t.median_ms, t.mean_ms, t.percent,
                t.name.c_str());
  }
  if (shown < r.ops.size()) {
    double median = 0, mean = 0, percent = 0;
    for (size_t i = shown; i < r.ops.size(); ++i) {
      median += r.ops[i].median_ms;
      mean += r.ops[i].mean_ms;
      percent += r.ops[i].percent;
    }
    std::printf("  %4s  %-17s %-*s %9.3f %9.3f %6.1f\n", "", "other", width,
                str_cat(r.ops.size() - shown, " ops").c_str(), median, mean, percent);
  }
}

void print_text(interp::Interpreter& interp, const BenchContext& c, const BenchResult& r) {
  const BenchArgs& a = *c.args;
  const LatencySummary& l = r.latency;
  std::printf("model: %s (%s, %ju bytes), input %s\n", a.model.c_str(),
              std::string(model_format_name(c.format)).c_str(), c.model_bytes,
              input_list(interp).c_str());
  std::printf("kernels: %s, isa: %s (cpu: %s), threads: %d, warm-up: %d, runs: %d\n",
              a.kernels.c_str(), std::string(interp::isa_name(c.isa)).c_str(),
              std::string(interp::isa_name(interp::detected_isa())).c_str(), a.threads,
              a.bench.warmup, a.bench.runs);
  std::printf(
      "latency: median %.3f ms, p10 %.3f ms, p90 %.3f ms (mean %.3f, min %.3f, max %.3f)"
      "; %.1f images/s\n",
      l.median_ms, l.p10_ms, l.p90_ms, l.mean_ms, l.min_ms, l.max_ms,
      1000.0 * static_cast<double>(c.batch) / l.median_ms);
  std::printf(
      "memory: arena %s, peak RSS %s (after loading the model %s, after creating the "
      "interpreter %s)\n",
      megabytes(c.arena_bytes).c_str(), megabytes(static_cast<size_t>(c.rss_peak)).c_str(),
      megabytes(static_cast<size_t>(c.rss_after_load)).c_str(),
      megabytes(static_cast<size_t>(c.rss_after_create)).c_str());
  std::printf("load average: %.2f %.2f %.2f\n", c.load_average[0], c.load_average[1],
              c.load_average[2]);
  print_ops(r, a.top);
}

nlohmann::json to_json(interp::Interpreter& interp, const BenchContext& c, const BenchResult& r) {
  const BenchArgs& a = *c.args;
  const LatencySummary& l = r.latency;
  nlohmann::json j;
  j["qexp_version"] = version_string();
  j["git_revision"] = git_revision();
  j["model"] = a.model;
  j["format"] = std::string(model_format_name(c.format));
  j["model_bytes"] = c.model_bytes;
  nlohmann::json inputs = nlohmann::json::array();
  for (int i = 0; i < interp.num_inputs(); ++i) {
    const int id = interp.graph().inputs[static_cast<size_t>(i)];
    const TensorView v = interp.input(i);
    inputs.push_back({{"name", interp.graph().tensors[static_cast<size_t>(id)].name},
                      {"dtype", std::string(dtype_name(v.dtype()))},
                      {"shape", v.shape().dims()}});
  }
  j["inputs"] = std::move(inputs);
  j["kernels"] = a.kernels;
  j["isa"] = std::string(interp::isa_name(c.isa));
  j["cpu_isa"] = std::string(interp::isa_name(interp::detected_isa()));
  j["threads"] = a.threads;
  j["warmup"] = a.bench.warmup;
  j["runs"] = a.bench.runs;
  j["seed"] = a.seed;
  j["batch"] = c.batch;
  j["latency_ms"] = {{"median", l.median_ms}, {"p10", l.p10_ms}, {"p90", l.p90_ms},
                     {"mean", l.mean_ms},     {"min", l.min_ms}, {"max", l.max_ms}};
  j["images_per_second"] = 1000.0 * static_cast<double>(c.batch) / l.median_ms;
  j["run_ms"] = r.run_ms;
  j["ops_mean_ms"] = r.ops_mean_ms;
  j["memory"] = {{"arena_bytes", c.arena_bytes},
                 {"peak_rss_bytes", c.rss_peak},
                 {"peak_rss_after_load_bytes", c.rss_after_load},
                 {"peak_rss_after_create_bytes", c.rss_after_create}};
  j["load_average"] = {c.load_average[0], c.load_average[1], c.load_average[2]};
  nlohmann::json ops = nlohmann::json::array();
  for (const OpTiming& t : r.ops) {
    ops.push_back({{"index", t.index},
                   {"type", t.type},
                   {"name", t.name},
                   {"kernel", t.kernel},
                   {"variant", t.variant},
                   {"median_ms", t.median_ms},
                   {"mean_ms", t.mean_ms},
                   {"percent", t.percent}});
  }
  j["ops"] = std::move(ops);
  return j;
}

Status run_bench(const BenchArgs& args) {
  QEXP_ASSIGN_OR_RETURN(ModelLoadOptions load_options, model_load_options(args.graphdef));
  QEXP_ASSIGN_OR_RETURN(interp::InterpreterOptions iopts, interpreter_options(args));
  BenchContext c;
  c.args = &args;
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(args.model, load_options));
  std::error_code ec;
  c.model_bytes = std::filesystem::file_size(args.model, ec);
  c.format = model.format;
  auto graph = std::make_shared<const ir::Graph>(std::move(model.graph));
  model = LoadedModel{};  // the interpreter needs only the graph
  c.rss_after_load = peak_rss_bytes();
  QEXP_ASSIGN_OR_RETURN(auto interp, interp::Interpreter::create(graph, iopts));
  c.rss_after_create = peak_rss_bytes();
  c.isa = interp::effective_isa(iopts.isa);
  c.arena_bytes = interp->arena_bytes();
  if (interp->num_inputs() > 0 && interp->input(0).shape().rank() > 0) {
    c.batch = interp->input(0).shape().dim(0);
  }
  fill_random_inputs(*interp, args.seed);
  QEXP_ASSIGN_OR_RETURN(BenchResult result, run_benchmark(*interp, args.bench));
  c.rss_peak = peak_rss_bytes();
  if (getloadavg(c.load_average, 3) != 3) std::fill(c.load_average, c.load_average + 3, -1.0);
  if (!args.json_out.empty()) {
    QEXP_RETURN_IF_ERROR(
        write_text_file_atomic(args.json_out, to_json(*interp, c, result).dump(2) + "\n"));
  }
  print_text(*interp, c, result);
  return ok_status();
}

}  // namespace

void add_bench_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* sub = app.add_subcommand(
      "bench", "Measure a model's latency on qexp's interpreter, with a per-op breakdown");
  sub->add_option("model", args->model, "Model file (.tflite or frozen GraphDef .pb)")->required();
  sub->add_option("--threads", args->threads, "Interpreter threads (default 1)");
  sub->add_option("--runs", args->bench.runs, "Timed runs (default 50)");
  sub->add_option("--warmup", args->bench.warmup, "Untimed runs first (default 5)");
  sub->add_option("--json", args->json_out, "Also write the results as JSON to this file");
  sub->add_option("--kernels", args->kernels, "Kernel set: optimized (default) or reference");
  sub->add_option("--isa", args->isa,
                  "Highest instruction set: portable, avx2, avx512, avx512vnni (default: the "
                  "CPU's, capped by QEXP_ISA)");
  sub->add_option("--seed", args->seed, "Seed of the random input values (default 1)");
  sub->add_option("--top", args->top, "Ops listed by name before 'other' (default 12)");
  add_graphdef_options(sub, &args->graphdef);
  sub->callback([args, action] { *action = [args] { return run_bench(*args); }; });
}

}  // namespace qexp::cli

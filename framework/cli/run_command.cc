// `qexp run CONFIG` and `qexp merge DIR…`: the experiment runner. run loads and checks the whole
// config first (so a bad config never creates an output directory), imports the model, runs its
// share of the tasks and writes the report directory. Ctrl-C stops between samples, writes a
// partial report and exits 130; `--resume` then continues without redoing finished tasks.

#include <CLI/CLI.hpp>
#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "framework/calibration/plugin_loader.h"
#include "framework/calibration/registry.h"
#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/cli/mpi_support.h"
#include "framework/cli/version.h"
#include "framework/core/file_io.h"
#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/experiment/config.h"
#include "framework/experiment/journal.h"
#include "framework/experiment/runner.h"

namespace qexp::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int sig) {
  g_interrupted.store(true);
  std::signal(sig, SIG_DFL);  // a second Ctrl-C ends the process at once
}

struct RunArgs {
  std::string config, out, shard;
  std::vector<std::string> overrides, plugins;
  bool resume = false, mpi = false, quiet = false;
  int threads = 0;
};

Status parse_shard(const std::string& text, exp::RunOptions* o) {
  const size_t slash = text.find('/');
  auto num = [](std::string_view s, int* v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
    return ec == std::errc() && p == s.data() + s.size();
  };
  if (slash == std::string::npos ||
      !num(std::string_view(text).substr(0, slash), &o->shard_index) ||
      !num(std::string_view(text).substr(slash + 1), &o->shard_count) || o->shard_count < 1 ||
      o->shard_index < 0 || o->shard_index >= o->shard_count) {
    return invalid_argument(str_cat("--shard: ", qexp::quoted(text),
                                    " is not i/N with 0 <= i < N (e.g. 0/3)"));
  }
  return ok_status();
}

std::string absolute(const std::string& p) { return std::filesystem::absolute(p).string(); }

// Loads the config, its plugins and the model, and fills the provenance options.
Result<std::pair<ExperimentSetup, std::shared_ptr<const ir::Graph>>> prepare(
    const std::string& config_path, const std::vector<std::string>& overrides,
    const std::vector<std::string>& plugins, exp::RunOptions* options) {
  QEXP_ASSIGN_OR_RETURN(ExperimentSetup setup, load_experiment(config_path, overrides, plugins));
  const exp::ExperimentConfig& c = setup.config;
  ModelLoadOptions mo;
  mo.input_arrays = c.model.input_arrays;
  mo.output_arrays = c.model.output_arrays;
  if (!c.model.input_shape.empty()) mo.input_shape = Shape(c.model.input_shape);
  Result<LoadedModel> model = load_model(c.model.resolved_path, mo);
  if (!model.ok()) {
    return Status(model.status().code(),
                  str_cat(c.where("model.path"), ": model.path: ", model.status().message()));
  }
  options->qexp_version = version_string();
  options->git_revision = git_revision();
  options->model_format = std::string(model_format_name(model.value().format));
  options->dependencies = dependency_versions();
  options->config_path = absolute(config_path);
  options->overrides = overrides;
  for (const std::string& p : plugins) options->plugin_files.push_back(absolute(p));
  auto graph = std::make_shared<const ir::Graph>(std::move(model.value().graph));
  return std::make_pair(std::move(setup), std::move(graph));
}

// Prints the outcome; the status says whether the run is complete.
Status finish(const exp::ExperimentConfig& config, const exp::RunOutcome& o,
              const std::string& resume_hint) {
  std::string text;
  if (!o.report_written) {
    text = str_cat(config.experiment.name, ": this shard has ", o.tasks_mine, " of ",
                   o.tasks_total, " tasks; ran ", o.tasks_run, " (inputs of other shards' tasks "
                   "included)", o.tasks_reused ? str_cat(", reused ", o.tasks_reused) : "", "; ",
                   o.tasks_total - o.tasks_missing, " of ", o.tasks_total, " finished in ",
                   o.out_dir, "; when all shards are done: qexp merge DIR…\n");
  } else {
    text = str_cat(config.experiment.name, ": ", o.variants_ok, " variant(s) done",
                   o.tasks_reused ? str_cat(" (", o.tasks_reused, " tasks reused)") : "",
                   o.variants_failed ? str_cat(", ", o.variants_failed, " failed") : "",
                   o.variants_not_run ? str_cat(", ", o.variants_not_run, " not run") : "", "\n",
                   o.summary, "report: ", o.out_dir, "/report.md\n");
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (o.interrupted) {
    return Status(StatusCode::kCancelled,
                  str_cat("interrupted; partial report in ", o.out_dir, "; continue with: ",
                          resume_hint));
  }
  if (!o.report_written) return ok_status();
  if (o.variants_failed > 0) {
    return Status(StatusCode::kFailedPrecondition,
                  str_cat(o.variants_failed, " of ", config.variants.size(),
                          " variants failed; the errors are in ", o.out_dir, "/report.md"));
  }
  if (o.variants_not_run > 0) {
    return Status(StatusCode::kFailedPrecondition,
                  str_cat(o.tasks_missing, " of ", o.tasks_total, " tasks are missing (",
                          o.variants_not_run, " variants not run); finish them with: ",
                          resume_hint));
  }
  return ok_status();
}

Status run(const RunArgs& args) {
  if (args.threads < 0 || args.threads > 256) {
    return invalid_argument(str_cat("--threads: ", args.threads, " is not in [1, 256]"));
  }
  exp::RunOptions options;
  if (!args.shard.empty()) QEXP_RETURN_IF_ERROR(parse_shard(args.shard, &options));
  if (args.mpi && !args.shard.empty()) {
    return invalid_argument("--mpi and --shard exclude each other (MPI ranks are the shards)");
  }
  std::optional<MpiSession> mpi;
  if (args.mpi) {
    QEXP_ASSIGN_OR_RETURN(MpiSession s, mpi_start());
    options.shard_index = s.rank;
    options.shard_count = s.size;
    options.barrier = s.barrier;
    mpi = s;
  }
  auto loaded = prepare(args.config, args.overrides, args.plugins, &options);
  if (!loaded.ok()) {
    mpi_finish();
    return loaded.status();
  }
  const exp::ExperimentConfig& config = loaded.value().first.config;
  options.out_dir = args.out;
  options.resume = args.resume;
  options.threads = args.threads;
  options.progress = !args.quiet && (!mpi || mpi->rank == 0);
  if (args.quiet) set_log_level(LogLevel::kWarning);
  options.cancel = &g_interrupted;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  Result<exp::RunOutcome> outcome = exp::run_experiment(config, loaded.value().second,
                                                        loaded.value().first.registry, options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  mpi_finish();
  QEXP_RETURN_IF_ERROR(outcome.status());
  std::string hint = str_cat("qexp run ", args.config, " --resume");
  if (!args.out.empty()) hint += str_cat(" --out ", args.out);
  if (!args.shard.empty()) hint += str_cat(" --shard ", args.shard);
  if (args.mpi) hint = str_cat("mpirun … ", hint, " --mpi");
  if (mpi && mpi->rank != 0) {
    return outcome.value().interrupted ? Status(StatusCode::kCancelled, "interrupted")
                                       : ok_status();
  }
  return finish(config, outcome.value(), hint);
}

Status merge(const std::vector<std::string>& dirs, bool quiet) {
  QEXP_ASSIGN_OR_RETURN(exp::RunRecord record, exp::Journal::read_record(dirs[0]));
  exp::RunOptions options;
  auto loaded = prepare(record.config_path, record.overrides, record.plugin_files, &options);
  if (!loaded.ok()) {
    return Status(loaded.status().code(), str_cat(dirs[0], ": the run's config ",
                                                  record.config_path, ": ",
                                                  loaded.status().message()));
  }
  const exp::ExperimentConfig& config = loaded.value().first.config;
  if (exp::config_hash(config) != record.config_hash) {
    return invalid_argument(str_cat(dirs[0], ": the config ", record.config_path,
                                    " changed since the run (its hash differs); merge needs the "
                                    "config the tasks were computed with"));
  }
  options.out_dir = dirs[0];
  options.merge_only = true;
  options.merge_from.assign(dirs.begin() + 1, dirs.end());
  options.progress = !quiet;
  if (quiet) set_log_level(LogLevel::kWarning);
  QEXP_ASSIGN_OR_RETURN(exp::RunOutcome outcome,
                        exp::run_experiment(config, loaded.value().second,
                                            loaded.value().first.registry, options));
  return finish(config, outcome,
                str_cat("qexp run ", record.config_path, " --out ", dirs[0], " --resume"));
}

}  // namespace

Result<ExperimentSetup> load_experiment(const std::string& path,
                                        const std::vector<std::string>& overrides,
                                        const std::vector<std::string>& plugin_files) {
  QEXP_ASSIGN_OR_RETURN(std::string text, read_text_file(path, exp::kMaxConfigBytes));
  QEXP_ASSIGN_OR_RETURN(exp::ExperimentConfig config, exp::parse_config(text, path, overrides));
  QEXP_RETURN_IF_ERROR(exp::check_files(config));
  std::vector<std::string> files = config.resolved_plugins;
  files.insert(files.end(), plugin_files.begin(), plugin_files.end());
  QEXP_ASSIGN_OR_RETURN(calib::PluginRegistry registry, calib::registry_with_plugins(files));
  QEXP_RETURN_IF_ERROR(exp::resolve_calibrators(config, registry));
  return ExperimentSetup{std::move(config), std::move(registry)};
}

void add_run_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* sub = app.add_subcommand("run", "Run an experiment described by a YAML config");
  sub->add_option("config", args->config, "Experiment config (configs/*.yaml)")->required();
  sub->add_option("--out", args->out,
                  "Output directory (default: report.out of the config, runs/<experiment>)");
  sub->add_flag("--resume", args->resume,
                "Continue an interrupted run in the output directory, reusing finished tasks");
  sub->add_option("--threads", args->threads,
                  "Evaluation and calibration threads (default: interpreter.threads and "
                  "calibration.threads of the config); results do not depend on it");
  sub->add_option("--set", args->overrides,
                  "Override a config key: KEY=VALUE, e.g. dataset.limit=1000 (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--plugin", args->plugins,
                  "Load a calibrator plugin shared library, in addition to the config's plugins "
                  "(repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--shard", args->shard,
                  "Run only share i of N of the tasks (i/N, e.g. 0/3); then qexp merge DIR…");
  sub->add_flag("--mpi", args->mpi,
                "Under mpirun: the ranks share the tasks and rank 0 writes the report");
  sub->add_flag("-q,--quiet", args->quiet, "No progress lines");
  sub->callback([args, action] { *action = [args] { return run(*args); }; });

  auto dirs = std::make_shared<std::vector<std::string>>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* m = app.add_subcommand(
      "merge", "Merge the task files of sharded runs and write the report into the first DIR");
  m->add_option("dirs", *dirs, "Output directories of the shards (the first receives the report)")
      ->required();
  m->add_flag("-q,--quiet", *quiet, "No progress lines");
  m->callback([dirs, quiet, action] { *action = [dirs, quiet] { return merge(*dirs, *quiet); }; });
}

}  // namespace qexp::cli

// `qexp run CONFIG`: the experiment runner. Loads and checks the whole config first (so a bad
// config never creates an output directory), imports the model, runs every variant and writes
// the report directory. Ctrl-C stops between samples, writes a partial report and exits 130;
// `--resume` then continues without redoing finished variants.

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "framework/calibration/plugin_loader.h"
#include "framework/calibration/registry.h"
#include "framework/core/file_io.h"
#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/cli/version.h"
#include "framework/core/strings.h"
#include "framework/experiment/config.h"
#include "framework/experiment/runner.h"

namespace qexp::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int sig) {
  g_interrupted.store(true);
  std::signal(sig, SIG_DFL);  // a second Ctrl-C ends the process at once
}

struct RunArgs {
  std::string config, out;
  std::vector<std::string> overrides, plugins;
  bool resume = false;
  int threads = 0;
  bool quiet = false;
};

Result<ModelLoadOptions> load_options(const exp::ExperimentConfig& c) {
  ModelLoadOptions o;
  o.input_arrays = c.model.input_arrays;
  o.output_arrays = c.model.output_arrays;
  if (!c.model.input_shape.empty()) o.input_shape = Shape(c.model.input_shape);
  return o;
}

Status run(const RunArgs& args) {
  if (args.threads < 0 || args.threads > 256) {
    return invalid_argument(str_cat("--threads: ", args.threads, " is not in [1, 256]"));
  }
  QEXP_ASSIGN_OR_RETURN(ExperimentSetup setup,
                        load_experiment(args.config, args.overrides, args.plugins));
  const exp::ExperimentConfig& config = setup.config;
  QEXP_ASSIGN_OR_RETURN(ModelLoadOptions mo, load_options(config));
  Result<LoadedModel> model = load_model(config.model.resolved_path, mo);
  if (!model.ok()) {
    return Status(model.status().code(),
                  str_cat(config.where("model.path"), ": model.path: ", model.status().message()));
  }
  exp::RunOptions options;
  options.out_dir = args.out;
  options.resume = args.resume;
  options.threads = args.threads;
  options.progress = !args.quiet;
  options.cancel = &g_interrupted;
  options.qexp_version = version_string();
  options.git_revision = git_revision();
  options.model_format = std::string(model_format_name(model.value().format));
  options.dependencies = dependency_versions();
  auto graph = std::make_shared<const ir::Graph>(std::move(model.value().graph));

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  Result<exp::RunOutcome> outcome =
      exp::run_experiment(config, graph, setup.registry, options);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  QEXP_RETURN_IF_ERROR(outcome.status());
  const exp::RunOutcome& o = outcome.value();
  std::string text = str_cat(config.experiment.name, ": ", o.variants_ok, " variant(s) done",
                             o.tasks_reused ? str_cat(" (", o.tasks_reused, " reused)") : "",
                             o.variants_failed ? str_cat(", ", o.variants_failed, " failed") : "",
                             o.variants_not_run ? str_cat(", ", o.variants_not_run, " not run")
                                                : "",
                             "\n", o.summary, "report: ", o.out_dir, "/report.md\n");
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (o.interrupted) {
    return Status(StatusCode::kCancelled,
                  str_cat("interrupted; partial report in ", o.out_dir,
                          "; continue with: qexp run ", args.config, " --resume",
                          args.out.empty() ? "" : str_cat(" --out ", args.out)));
  }
  if (o.variants_failed > 0) {
    return Status(StatusCode::kFailedPrecondition,
                  str_cat(o.variants_failed, " of ", config.variants.size(),
                          " variants failed; the errors are in ", o.out_dir, "/report.md"));
  }
  return ok_status();
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
                "Continue an interrupted run in the output directory, reusing finished variants");
  sub->add_option("--threads", args->threads,
                  "Evaluation and calibration threads (default: interpreter.threads of the "
                  "config); results do not depend on it");
  sub->add_option("--set", args->overrides,
                  "Override a config key: KEY=VALUE, e.g. dataset.limit=1000 (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--plugin", args->plugins,
                  "Load a calibrator plugin shared library, in addition to the config's plugins "
                  "(repeatable)")
      ->allow_extra_args(false);
  sub->add_flag("-q,--quiet", args->quiet, "No progress lines");
  sub->callback([args, action] { *action = [args] { return run(*args); }; });
}

}  // namespace qexp::cli

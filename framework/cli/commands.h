#pragma once
/// The qexp subcommands. Each add_*_command registers its options on the CLI11 app and, when the
/// subcommand is selected, stores the action to run in *action. Only main prints errors.

#include <functional>
#include <string>
#include <vector>

#include "framework/calibration/registry.h"
#include "framework/cli/model_loader.h"
#include "framework/core/status.h"
#include "framework/experiment/config.h"
#include "framework/interpreter/kernels/rounding.h"

namespace CLI {
class App;
}

namespace qexp::cli {

using Action = std::function<Status()>;

void add_convert_command(CLI::App& app, Action* action);
void add_inspect_command(CLI::App& app, Action* action);
void add_infer_command(CLI::App& app, Action* action);
void add_eval_command(CLI::App& app, Action* action);
void add_dataset_command(CLI::App& app, Action* action);
void add_run_command(CLI::App& app, Action* action);
void add_validate_command(CLI::App& app, Action* action);
void add_plugins_command(CLI::App& app, Action* action);
void add_bench_command(CLI::App& app, Action* action);

/// An experiment config checked against the plugins it can use.
struct ExperimentSetup {
  exp::ExperimentConfig config;
  calib::PluginRegistry registry;
};
/// Parses the config (with --set overrides), checks its files, loads its `plugins` and
/// `plugin_files` (after QEXP_PLUGIN_PATH) into a copy of the built-in registry, and resolves
/// every variant's calibrator against it. Used by `qexp run` and `qexp validate`.
Result<ExperimentSetup> load_experiment(const std::string& path,
                                        const std::vector<std::string>& overrides,
                                        const std::vector<std::string>& plugin_files);

/// The GraphDef selection options every model-reading command takes.
struct GraphDefArgs {
  std::string input_arrays, output_arrays, input_shape;
};
/// Registers --input-arrays, --output-arrays and (unless !with_shape) --input-shape.
void add_graphdef_options(CLI::App* sub, GraphDefArgs* args, bool with_shape = true);
/// Model-loading options from those arguments (errors name the bad option).
Result<ModelLoadOptions> model_load_options(const GraphDefArgs& args);

/// Parses --rounding-profile: "tflite" (or "tflite_builtin": TFLite's builtin kernels, the
/// default) or "xnnpack" (TFLite with its XNNPACK delegate); error names the option.
Result<interp::RoundingProfile> parse_rounding_profile_option(std::string_view text);

/// Parses "1,224,224,3" into dims; error names the option.
Result<std::vector<int64_t>> parse_dims(std::string_view text, std::string_view option);
/// Splits "a,b,c" (empty → empty list).
std::vector<std::string> split_list(std::string_view text);

}  // namespace qexp::cli

// `qexp validate CONFIG [--set KEY=VALUE]...`: parses an experiment config exactly as `qexp run`
// will, checks that its files exist and its calibrators and their options are valid, and prints
// the resolved config (defaults filled in, grid expanded) without running anything.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "framework/cli/commands.h"
#include "framework/core/strings.h"
#include "framework/experiment/config.h"

namespace qexp::cli {

void add_validate_command(CLI::App& app, Action* action) {
  struct Args {
    std::string config;
    std::vector<std::string> overrides, plugins;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "validate", "Check an experiment config and print it resolved (defaults filled in)");
  sub->add_option("config", args->config, "Experiment config (configs/*.yaml)")->required();
  sub->add_option("--set", args->overrides,
                  "Override a key before checking: KEY=VALUE, e.g. calibration.samples=128 or "
                  "variants[1].calibrator=kl (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--plugin", args->plugins, "Load a calibrator plugin (repeatable)")
      ->allow_extra_args(false);
  sub->callback([args, action] {
    *action = [args]() -> Status {
      QEXP_ASSIGN_OR_RETURN(ExperimentSetup setup,
                            load_experiment(args->config, args->overrides, args->plugins));
      const exp::ExperimentConfig& config = setup.config;
      const std::string text =
          str_cat("# ", args->config, ": valid; resolved config (sha256 ", exp::config_hash(config),
                  ", ", config.variants.size(), " variants)\n", exp::to_yaml(config));
      std::fwrite(text.data(), 1, text.size(), stdout);
      return ok_status();
    };
  });
}

}  // namespace qexp::cli

// `qexp run CONFIG`: the experiment runner. Until it lands (issue #5) the command checks that
// the config file exists and says plainly that running experiments is not available yet.

#include <CLI/CLI.hpp>
#include <memory>

#include "framework/cli/commands.h"
#include "framework/core/file_io.h"
#include "framework/core/strings.h"

namespace qexp::cli {

void add_run_command(CLI::App& app, Action* action) {
  auto config = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand("run", "Run an experiment described by a YAML config");
  sub->add_option("config", *config, "Experiment config (configs/*.yaml)")->required();
  sub->callback([config, action] {
    *action = [config]() -> Status {
      if (!file_exists(*config)) return not_found(str_cat(*config, ": no such file"));
      return unimplemented(str_cat(
          *config, ": qexp run is not yet available (the experiment runner is being built); "
                   "meanwhile use qexp convert, qexp infer and qexp eval"));
    };
  });
}

}  // namespace qexp::cli

#pragma once
/// `qexp analyze MODEL [--config CONFIG] [--analysis NAME]... [--l2 SCALE] [--l2-layer REGEX=SCALE]
/// [--json OUT] [--md OUT]`: runs analysis plugins (default: weights) on a model stand-alone.

#include "framework/cli/commands.h"

namespace qexp::cli {

void add_analyze_command(CLI::App& app, Action* action);

}  // namespace qexp::cli

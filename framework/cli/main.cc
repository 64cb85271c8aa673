// qexp command-line entry point: parses arguments, runs one subcommand, and is the only place
// that turns a Status into a printed message and an exit code.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "framework/cli/analyze_command.h"
#include "framework/cli/commands.h"
#include "framework/cli/version.h"
#include "framework/core/limits.h"
#include "framework/core/strings.h"

namespace {

int exit_code(const qexp::Status& s) {
  switch (s.code()) {
    case qexp::StatusCode::kOk: return 0;
    case qexp::StatusCode::kInternal: return 1;
    case qexp::StatusCode::kCancelled: return 130;
    default: return 2;  // bad input, missing file, unsupported model, …
  }
}

/// Checks every command word and option against the declared ones before CLI11 parses, so a
/// typo is reported as such ("unknown option '--bogus' for 'qexp infer'") rather than as a
/// missing required argument. Returns "" when the command line looks well-formed.
std::string precheck_arguments(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  std::string path = "qexp";
  bool positional_seen = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg[0] == '-' && !(arg[1] >= '0' && arg[1] <= '9') && arg[1] != '.') {
      std::string name = arg.substr(0, arg.find('='));
      if (name == "-h" || name == "--help" || (current == &app && name == "--version")) continue;
      const CLI::Option* option = current->get_option_no_throw(name);
      if (option != nullptr) {
        // Skip a separate value ("--limit NAME=VALUE" before the command is not a command word).
        if (option->get_expected_min() > 0 && arg.find('=') == std::string::npos) ++i;
        continue;
      }
      std::vector<std::string> known;
      for (const CLI::Option* o : current->get_options()) {
        for (const auto& l : o->get_lnames()) known.push_back("--" + l);
      }
      std::string hint = qexp::closest_match(name, known);
      return "unknown option " + qexp::quoted(name) + " for '" + path + "'" +
             (hint.empty() ? std::string() : " (did you mean '" + hint + "'?)");
    }
    CLI::App* sub = nullptr;
    for (CLI::App* c : current->get_subcommands({})) {
      if (c->get_name() == arg) sub = c;
    }
    if (sub != nullptr && !positional_seen) {
      current = sub;
      path += " " + arg;
      continue;
    }
    if (current->get_subcommands({}).size() > 0 && !positional_seen) {
      std::vector<std::string> names;
      for (const CLI::App* c : current->get_subcommands({})) names.push_back(c->get_name());
      std::string hint = qexp::closest_match(arg, names);
      return "unknown command " + qexp::quoted(arg) + " for '" + path + "' (commands: " +
             qexp::str_join(names, ", ") + ")" +
             (hint.empty() ? std::string() : "; did you mean '" + hint + "'?");
    }
    positional_seen = true;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"qexp — post-training quantization experiments", "qexp"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("qexp ") + qexp::cli::version_string());
  qexp::cli::Action action;
  qexp::cli::add_convert_command(app, &action);
  qexp::cli::add_inspect_command(app, &action);
  qexp::cli::add_infer_command(app, &action);
  qexp::cli::add_eval_command(app, &action);
  qexp::cli::add_dataset_command(app, &action);
  qexp::cli::add_run_command(app, &action);
  qexp::cli::add_validate_command(app, &action);
  qexp::cli::add_plugins_command(app, &action);
  qexp::cli::add_analyze_command(app, &action);
  qexp::cli::add_bench_command(app, &action);
  std::vector<std::string> limit_args;  // before the command: qexp --limit NAME=VALUE run …
  app.add_option("--limit", limit_args,
                 "Resource limit NAME=VALUE, repeatable; overrides QEXP_LIMIT_<NAME> "
                 "(docs/reliability.md)")
      ->type_name("NAME=VALUE");
  std::string bad = precheck_arguments(app, argc, argv);
  if (!bad.empty()) {
    std::fprintf(stderr, "qexp: error: %s (see 'qexp --help')\n", bad.c_str());
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    std::fprintf(stderr, "qexp: error: %s (see 'qexp --help')\n", msg.c_str());
    return 2;
  }
  if (!action) return 2;
  qexp::Status status = qexp::set_limits_from_environment();
  for (size_t i = 0; status.ok() && i < limit_args.size(); ++i) {
    status = qexp::set_limit(limit_args[i]);
  }
  try {
    if (status.ok()) status = action();
  } catch (const std::bad_alloc&) {
    status = qexp::resource_exhausted("out of memory");
  } catch (const std::exception& e) {
    status = qexp::internal_error(std::string("unexpected exception: ") + e.what());
  }
  if (!status.ok()) {
    std::fprintf(stderr, "qexp: error: %s\n", status.message().c_str());
    return exit_code(status);
  }
  return 0;
}

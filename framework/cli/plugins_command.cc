// `qexp plugins [--plugin PATH]... [--json]`: every calibrator and analysis qexp knows — the
// built-ins, QEXP_PLUGIN_PATH and the --plugin files — with kind, version, origin (and the
// file's SHA-256), and each option's type, default, bounds and one-line doc.

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "framework/calibration/plugin_loader.h"
#include "framework/calibration/registry.h"
#include "framework/cli/commands.h"
#include "framework/core/strings.h"

namespace qexp::cli {
namespace {

nlohmann::json option_json(const calib::OptionSpec& spec) {
  nlohmann::json o = {{"name", spec.name},
                      {"type", std::string(calib::option_type_name(spec.type))},
                      {"default", spec.default_text},
                      {"doc", spec.doc}};
  if (spec.type == calib::OptionType::kFloat || spec.type == calib::OptionType::kInt) {
    // Unbounded sides are null: JSON has no infinity.
    o["min"] = std::isfinite(spec.min) ? nlohmann::json(spec.min) : nlohmann::json();
    o["max"] = std::isfinite(spec.max) ? nlohmann::json(spec.max) : nlohmann::json();
  }
  if (spec.type == calib::OptionType::kEnum) o["choices"] = spec.choices;
  return o;
}

std::string listing_json(const std::vector<calib::PluginDescription>& plugins) {
  nlohmann::json list = nlohmann::json::array();
  for (const calib::PluginDescription& d : plugins) {
    nlohmann::json options = nlohmann::json::array();
    for (const calib::OptionSpec& s : d.options) options.push_back(option_json(s));
    list.push_back({{"name", d.name},
                    {"kind", std::string(calib::plugin_kind_name(d.kind))},
                    {"version", d.version},
                    {"description", d.description},
                    {"origin", d.origin},
                    {"sha256", d.sha256},
                    {"options", std::move(options)}});
  }
  return nlohmann::json{{"plugins", std::move(list)}}.dump(2) + "\n";
}

// One block per plugin:
//   percentile  calibrator 1.0.0  built-in
//     Clip |x| at the p-th percentile of its histogram
//     option percentile (float, default 99.99, [0, 100]): kept mass, in %
std::string listing_text(const std::vector<calib::PluginDescription>& plugins) {
  std::string text;
  for (const calib::PluginDescription& d : plugins) {
    text += str_cat(d.name, "  ", calib::plugin_kind_name(d.kind), " ", d.version, "  ", d.origin,
                    d.sha256.empty() ? "" : str_cat("  sha256 ", d.sha256), "\n");
    text += str_cat("    ", d.description, "\n");
    if (d.options.empty()) text += "    (no options)\n";
    for (const calib::OptionSpec& s : d.options) {
      text += str_cat("    option ", calib::describe_option(s), "\n");
    }
  }
  return text;
}

}  // namespace

void add_plugins_command(CLI::App& app, Action* action) {
  struct Args {
    std::vector<std::string> plugins;
    bool json = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* sub = app.add_subcommand(
      "plugins", "List every calibrator and analysis plugin with its version, origin and options");
  sub->add_option("--plugin", args->plugins,
                  "Load a plugin shared library (.so) first (repeatable); QEXP_PLUGIN_PATH "
                  "files are loaded too")
      ->allow_extra_args(false);
  sub->add_flag("--json", args->json, "Print the listing as JSON");
  sub->callback([args, action] {
    *action = [args]() -> Status {
      QEXP_ASSIGN_OR_RETURN(calib::PluginRegistry registry,
                            calib::registry_with_plugins(args->plugins));
      const std::vector<calib::PluginDescription> plugins = registry.list();
      const std::string text = args->json ? listing_json(plugins) : listing_text(plugins);
      std::fwrite(text.data(), 1, text.size(), stdout);
      return ok_status();
    };
  });
}

}  // namespace qexp::cli

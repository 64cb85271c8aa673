// `qexp analyze MODEL`: the analysis plugins stand-alone, on the imported and the converted graph
// of one model. With --config, the config's `analysis` list and model selection apply.

#include "framework/cli/analyze_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "framework/analysis/analysis.h"
#include "framework/calibration/plugin_loader.h"
#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/report/analysis_section.h"

namespace qexp::cli {
namespace {

struct AnalyzeArgs {
  std::string model, config, json_out, md_out, html_out;
  std::vector<std::string> analyses, plugins, l2_layers;
  double l2 = -1;
  GraphDefArgs graphdef;
};

Status write_text(const std::string& path, const std::string& text) {
  return write_file_atomic(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

// "REGEX=SCALE" → a rule; the scale must be a finite number >= 0.
Result<analysis::RegularizationRule> parse_layer_rule(const std::string& text) {
  const size_t eq = text.rfind('=');
  double scale = -1;
  if (eq != std::string::npos && eq > 0) {
    try {
      size_t used = 0;
      scale = std::stod(text.substr(eq + 1), &used);
      if (used != text.size() - eq - 1) scale = -1;
    } catch (...) {
      scale = -1;
    }
  }
  if (!(scale >= 0) || !std::isfinite(scale)) {
    return invalid_argument(
        str_cat("--l2-layer ", quoted(text), ": expected REGEX=SCALE with a scale >= 0"));
  }
  return analysis::RegularizationRule{text.substr(0, eq), scale};
}

// Model options, analysis names, the registry and the stated regularization: from the flags, or
// from --config (whose analysis.regularization the --l2 flags then override or extend).
Status setup(const AnalyzeArgs& a, ModelLoadOptions* mo, std::vector<std::string>* names,
             calib::PluginRegistry* registry, analysis::RegularizationConfig* regularization) {
  if (a.config.empty()) {
    QEXP_ASSIGN_OR_RETURN(*mo, model_load_options(a.graphdef));
    QEXP_ASSIGN_OR_RETURN(*registry, calib::registry_with_plugins(a.plugins));
    *names = a.analyses.empty() ? std::vector<std::string>{"weights"} : a.analyses;
    return ok_status();
  }
  QEXP_ASSIGN_OR_RETURN(ExperimentSetup s, load_experiment(a.config, {}, a.plugins));
  mo->input_arrays = s.config.model.input_arrays;
  mo->output_arrays = s.config.model.output_arrays;
  if (!s.config.model.input_shape.empty()) mo->input_shape = Shape(s.config.model.input_shape);
  *names = !a.analyses.empty()         ? a.analyses
           : s.config.analysis.empty() ? std::vector<std::string>{"weights"}
                                       : s.config.analysis;
  *registry = std::move(s.registry);
  *regularization = {};
  regularization->l2 = s.config.regularization.l2;
  for (const auto& [pattern, l2] : s.config.regularization.layers) {
    regularization->layers.push_back({pattern, l2});
  }
  return ok_status();
}

Status analyze(const AnalyzeArgs& a) {
  ModelLoadOptions mo;
  std::vector<std::string> names;
  calib::PluginRegistry registry;
  analysis::AnalysisInput in;
  QEXP_RETURN_IF_ERROR(setup(a, &mo, &names, &registry, &in.regularization));
  mo.keep_imported = true;
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(a.model, mo));
  in.float_graph = &model.graph;
  in.imported = model.imported ? &*model.imported : nullptr;
  if (a.l2 >= 0) in.regularization.l2 = a.l2;
  // Flag rules come first: the first matching rule wins.
  for (const std::string& r : a.l2_layers) {
    QEXP_ASSIGN_OR_RETURN(analysis::RegularizationRule rule, parse_layer_rule(r));
    in.regularization.layers.insert(in.regularization.layers.begin() + (&r - a.l2_layers.data()),
                                    std::move(rule));
  }
  QEXP_ASSIGN_OR_RETURN(nlohmann::json sections, analysis::run_analyses(registry, names, in));
  const nlohmann::json doc = {{"model", a.model},
                              {"format", std::string(model_format_name(model.format))},
                              {"analysis", sections}};
  if (!a.json_out.empty()) QEXP_RETURN_IF_ERROR(write_text(a.json_out, doc.dump(2) + "\n"));
  const std::string md =
      str_cat("# qexp analyze: ", a.model, "\n\n", report::analysis_markdown(sections));
  if (!a.md_out.empty()) QEXP_RETURN_IF_ERROR(write_text(a.md_out, md));
  if (!a.html_out.empty()) {
    QEXP_RETURN_IF_ERROR(write_text(
        a.html_out, str_cat("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"/>"
                            "<title>qexp analyze</title></head>\n<body>\n",
                            report::analysis_html(sections), "</body>\n</html>\n")));
  }
  if (a.json_out.empty() && a.md_out.empty() && a.html_out.empty()) {
    std::fwrite(md.data(), 1, md.size(), stdout);
  }
  return ok_status();
}

}  // namespace

void add_analyze_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<AnalyzeArgs>();
  CLI::App* sub = app.add_subcommand(
      "analyze", "Weight statistics, regularization and predicted int8 error of a model");
  sub->add_option("model", args->model, "Model file (.pb or .tflite)")->required();
  sub->add_option("--config", args->config,
                  "Experiment config: its `analysis` list and model options apply");
  sub->add_option("--analysis", args->analyses,
                  "Analysis plugin to run (repeatable; "
                  "default: the config's, else weights)");
  sub->add_option("--l2", args->l2, "L2 scale every kernel was trained with (if not in the model)");
  sub->add_option("--l2-layer", args->l2_layers,
                  "REGEX=SCALE: L2 scale of the kernels whose name matches (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--plugin", args->plugins, "Load a plugin shared library (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--json", args->json_out, "Write the analysis as JSON");
  sub->add_option("--md", args->md_out, "Write the analysis as Markdown");
  sub->add_option("--html", args->html_out, "Write the analysis as HTML with charts");
  add_graphdef_options(sub, &args->graphdef);
  sub->callback([args, action] { *action = [args] { return analyze(*args); }; });
}

}  // namespace qexp::cli

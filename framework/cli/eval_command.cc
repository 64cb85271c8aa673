// `qexp eval MODEL --dataset MANIFEST`: float (or quantized) classification accuracy.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/data/manifest.h"
#include "framework/experiment/evaluator.h"

namespace qexp::cli {
namespace {

struct EvalArgs {
  std::string model, dataset, split = "test", json_out, rounding_profile = "tflite";
  GraphDefArgs graphdef;
  int64_t limit = -1;
  int threads = 1;
  bool per_class = false;
};

nlohmann::json result_json(const EvalArgs& args, const data::Manifest& manifest,
                           const data::Dataset& ds, const exp::EvalResult& r) {
  nlohmann::json j;
  j["model"] = args.model;
  j["dataset"] = {{"manifest", args.dataset}, {"name", manifest.name}, {"split", args.split}};
  j["preprocess"] = {{"spec", data::canonical_text(manifest.preprocess)},
                     {"hash", data::preprocess_hash(manifest.preprocess)}};
  j["count"] = r.count;
  j["skipped"] = r.skipped;
  j["top1"] = {{"correct", r.top1}, {"percent", r.top1_percent()}};
  j["top5"] = {{"correct", r.top5}, {"percent", r.top5_percent()}};
  nlohmann::json classes = nlohmann::json::array();
  for (int c = 0; c < r.num_classes; ++c) {
    auto total = r.class_total[static_cast<size_t>(c)];
    auto correct = r.class_correct[static_cast<size_t>(c)];
    nlohmann::json e = {{"id", c}, {"total", total}, {"correct", correct},
                        {"percent", total ? 100.0 * static_cast<double>(correct) / total : 0.0}};
    if (static_cast<size_t>(c) < ds.class_names().size()) e["name"] = ds.class_names()[static_cast<size_t>(c)];
    classes.push_back(std::move(e));
  }
  j["per_class"] = std::move(classes);
  j["confusion"] = r.confusion;
  j["predictions"] = r.predictions;  // top-1 class per evaluated sample, in dataset order
  j["timing"] = {{"seconds", r.seconds}, {"images_per_second", r.images_per_second()},
                 {"threads", args.threads}};
  return j;
}

Status run_eval(const EvalArgs& args) {
  if (args.threads < 1) {
    return invalid_argument(str_cat("--threads: ", args.threads, " is not a positive count"));
  }
  QEXP_ASSIGN_OR_RETURN(data::Manifest manifest, data::load_manifest(args.dataset));
  QEXP_ASSIGN_OR_RETURN(auto ds, data::open_dataset(manifest, args.split));
  QEXP_ASSIGN_OR_RETURN(ModelLoadOptions options, model_load_options(args.graphdef));
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(args.model, options));
  auto graph = std::make_shared<const ir::Graph>(std::move(model.graph));
  std::vector<int64_t> indices = ds->first(args.limit < 0 ? ds->size() : args.limit);
  exp::EvalOptions eopts;
  eopts.threads = args.threads;
  eopts.skip_bad_samples = manifest.on_error == data::OnError::kSkip;
  QEXP_ASSIGN_OR_RETURN(eopts.rounding_profile,
                        parse_rounding_profile_option(args.rounding_profile));
  QEXP_ASSIGN_OR_RETURN(exp::EvalResult r,
                        exp::evaluate(graph, *ds, manifest.preprocess, indices, eopts));
  std::string out = str_cat("model: ", args.model, "\ndataset: ", manifest.name, " (", args.split,
                            ", ", r.count, " images", r.skipped ? str_cat(", ", r.skipped, " skipped") : "",
                            ")\n");
  out += str_cat("top-1: ", format_double(r.top1_percent()), " % (", r.top1, "/", r.count, ")\n");
  out += str_cat("top-5: ", format_double(r.top5_percent()), " % (", r.top5, "/", r.count, ")\n");
  if (args.per_class) {
    for (int c = 0; c < r.num_classes; ++c) {
      auto total = r.class_total[static_cast<size_t>(c)];
      std::string name = static_cast<size_t>(c) < ds->class_names().size()
                             ? ds->class_names()[static_cast<size_t>(c)]
                             : std::to_string(c);
      out += str_cat("  ", name, ": ", r.class_correct[static_cast<size_t>(c)], "/", total, "\n");
    }
  }
  char rate[64];
  std::snprintf(rate, sizeof(rate), "%.1f", r.images_per_second());
  out += str_cat("speed: ", rate, " images/s on ", args.threads, " thread(s)\n");
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (!args.json_out.empty()) {
    QEXP_RETURN_IF_ERROR(write_text_file_atomic(
        args.json_out, result_json(args, manifest, *ds, r).dump(2) + "\n"));
  }
  return ok_status();
}

}  // namespace

void add_eval_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* sub = app.add_subcommand("eval", "Classification accuracy of a model on a dataset");
  sub->add_option("model", args->model, "Model file (.tflite or frozen GraphDef .pb)")->required();
  sub->add_option("--dataset", args->dataset, "Dataset manifest (datasets/*.yaml)")->required();
  sub->add_option("--split", args->split, "Split to evaluate (default test)");
  sub->add_option("--limit", args->limit, "Evaluate only the first N images");
  sub->add_option("--threads", args->threads, "Worker threads (default 1)");
  sub->add_option("--json", args->json_out, "Also write the results as JSON to this file");
  sub->add_flag("--per-class", args->per_class, "Print per-class accuracy");
  sub->add_option("--rounding-profile", args->rounding_profile,
                  "Integer rounding of the quantized kernels: tflite (TFLite's builtin kernels, "
                  "default) or xnnpack (TFLite with the XNNPACK delegate)");
  add_graphdef_options(sub, &args->graphdef, false);
  sub->callback([args, action] { *action = [args] { return run_eval(*args); }; });
}

}  // namespace qexp::cli

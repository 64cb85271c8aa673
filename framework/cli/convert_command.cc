// `qexp convert MODEL -o OUT.tflite`: import, run the conversion passes, export TFLite.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>

#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/core/strings.h"
#include "framework/exporters/tflite/tflite_exporter.h"

namespace qexp::cli {
namespace {

struct ConvertArgs {
  std::string model, output;
  std::string input_arrays, output_arrays, input_shape;
  std::string passes, print_after;
  bool verify_each = false;
};

Status run_convert(const ConvertArgs& args) {
  ModelLoadOptions options;
  options.input_arrays = split_list(args.input_arrays);
  options.output_arrays = split_list(args.output_arrays);
  options.passes = split_list(args.passes);
  options.print_after = split_list(args.print_after);
  options.verify_each = args.verify_each;
  if (!args.input_shape.empty()) {
    QEXP_ASSIGN_OR_RETURN(auto dims, parse_dims(args.input_shape, "--input-shape"));
    options.input_shape = Shape(dims);
  }
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(args.model, options));
  for (const auto& line : model.pass_log) std::fprintf(stderr, "qexp: %s\n", line.c_str());
  QEXP_RETURN_IF_ERROR(tflite::export_tflite_file(model.graph, args.output));
  std::fprintf(stderr, "qexp: wrote %s (%zu ops, %zu tensors)\n", args.output.c_str(),
               model.graph.ops.size(), model.graph.tensors.size());
  return ok_status();
}

}  // namespace

void add_convert_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* sub = app.add_subcommand(
      "convert", "Convert a frozen GraphDef or TFLite model into a TFLite flatbuffer");
  sub->add_option("model", args->model, "Model file (.tflite or frozen GraphDef .pb)")->required();
  sub->add_option("-o,--output", args->output, "Output .tflite file")->required();
  sub->add_option("--input-arrays", args->input_arrays, "GraphDef input node names (a,b)");
  sub->add_option("--output-arrays", args->output_arrays, "GraphDef output node names (a,b)");
  sub->add_option("--input-shape", args->input_shape, "GraphDef input shape, e.g. 1,224,224,3");
  sub->add_option("--passes", args->passes, "Conversion passes (default: the standard pipeline)");
  sub->add_option("--print-after", args->print_after, "Print the graph after these passes (or all)");
  sub->add_flag("--verify-each", args->verify_each,
                "Re-verify the graph and check float outputs after every pass");
  sub->callback([args, action] { *action = [args] { return run_convert(*args); }; });
}

}  // namespace qexp::cli

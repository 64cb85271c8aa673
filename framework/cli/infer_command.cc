// `qexp infer MODEL --input FILE… --out-dir DIR`: one inference on raw input bytes; the exact
// interface for comparing qexp with another runtime (see docs/cli.md).

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/interpreter/interpreter.h"

namespace qexp::cli {
namespace {

struct InferArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string out_dir;
  GraphDefArgs graphdef;
  int threads = 1;
  std::string rounding_profile = "tflite";
};

nlohmann::json tensor_json(const ir::Tensor& t, const TensorView& v) {
  nlohmann::json j;
  j["name"] = t.name;
  j["dtype"] = std::string(dtype_name(v.dtype()));
  j["shape"] = v.shape().dims();
  if (t.quant.is_quantized()) {
    j["scale"] = t.quant.scale;
    j["zero_point"] = t.quant.zero_point;
    if (t.quant.is_per_axis()) j["quantized_dimension"] = t.quant.quantized_dimension;
  }
  return j;
}

Status run_infer(const InferArgs& args) {
  QEXP_ASSIGN_OR_RETURN(ModelLoadOptions options, model_load_options(args.graphdef));
  if (args.threads < 1) {
    return invalid_argument(str_cat("--threads: ", args.threads, " is not a positive count"));
  }
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(args.model, options));
  auto graph = std::make_shared<const ir::Graph>(std::move(model.graph));
  interp::InterpreterOptions iopts;
  iopts.num_threads = args.threads;
  QEXP_ASSIGN_OR_RETURN(iopts.rounding_profile,
                        parse_rounding_profile_option(args.rounding_profile));
  QEXP_ASSIGN_OR_RETURN(auto interp, interp::Interpreter::create(graph, iopts));
  if (static_cast<int>(args.inputs.size()) != interp->num_inputs()) {
    return invalid_argument(str_cat(args.model, ": the model has ", interp->num_inputs(),
                                    " input(s) but ", args.inputs.size(),
                                    " --input file(s) were given"));
  }
  for (int i = 0; i < interp->num_inputs(); ++i) {
    const std::string& path = args.inputs[static_cast<size_t>(i)];
    QEXP_ASSIGN_OR_RETURN(auto bytes, read_file(path));
    TensorView in = interp->input(i);
    if (bytes.size() != in.byte_size()) {
      const ir::Tensor& t =
          graph->tensors[static_cast<size_t>(graph->inputs[static_cast<size_t>(i)])];
      return invalid_argument(str_cat(path, ": has ", bytes.size(), " bytes, input ", i, " ",
                                      quoted(t.name), " ", dtype_name(in.dtype()),
                                      in.shape().to_string(), " needs ", in.byte_size()));
    }
    QEXP_RETURN_IF_ERROR(interp->set_input_bytes(i, bytes));
  }
  QEXP_RETURN_IF_ERROR(interp->invoke());
  QEXP_RETURN_IF_ERROR(make_directories(args.out_dir));
  nlohmann::json outputs = nlohmann::json::array();
  for (int i = 0; i < interp->num_outputs(); ++i) {
    TensorView v = interp->output(i);
    std::string file = str_cat("output_", i, ".bin");
    QEXP_RETURN_IF_ERROR(write_file_atomic(args.out_dir + "/" + file, v.bytes()));
    nlohmann::json j =
        tensor_json(graph->tensors[static_cast<size_t>(graph->outputs[static_cast<size_t>(i)])], v);
    j["file"] = file;
    outputs.push_back(std::move(j));
  }
  nlohmann::json doc;
  doc["model"] = args.model;
  doc["outputs"] = std::move(outputs);
  return write_text_file_atomic(args.out_dir + "/outputs.json", doc.dump(2) + "\n");
}

}  // namespace

void add_infer_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<InferArgs>();
  CLI::App* sub = app.add_subcommand(
      "infer", "Run one inference on raw input bytes and write the raw output bytes");
  sub->add_option("model", args->model, "Model file (.tflite or frozen GraphDef .pb)")->required();
  sub->add_option("--input", args->inputs,
                  "Raw little-endian bytes of one model input (repeat, in model input order)")
      ->required();
  sub->add_option("--out-dir", args->out_dir, "Directory for output_K.bin and outputs.json")
      ->required();
  add_graphdef_options(sub, &args->graphdef);
  sub->add_option("--threads", args->threads, "Interpreter threads (default 1)");
  sub->add_option("--rounding-profile", args->rounding_profile,
                  "Integer rounding rules: tflite (builtin kernels, default) or xnnpack");
  sub->callback([args, action] { *action = [args] { return run_infer(*args); }; });
}

}  // namespace qexp::cli

// `qexp inspect MODEL`: ops, tensors, shapes, dtypes, quantization parameters and byte sizes.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <memory>

#include "framework/cli/commands.h"
#include "framework/cli/model_loader.h"
#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/ir/dump.h"

namespace qexp::cli {
namespace {

struct InspectArgs {
  std::string model;
  GraphDefArgs graphdef;
  bool raw = false;  // show the imported graph before conversion passes
};

std::string tensor_line(const ir::Graph& g, int id) {
  const ir::Tensor& t = g.tensors[static_cast<size_t>(id)];
  std::string bytes = t.is_const() ? str_cat(" ", t.data->size(), " bytes") : "";
  return str_cat("  %", id, " ", quoted(t.name), " ", ir::dump_tensor_type(t, 8), bytes);
}

Status run_inspect(const InspectArgs& args) {
  QEXP_ASSIGN_OR_RETURN(ModelLoadOptions options, model_load_options(args.graphdef));
  if (args.raw) options.passes = {"eliminate-dead-code"};
  QEXP_ASSIGN_OR_RETURN(LoadedModel model, load_model(args.model, options));
  const ir::Graph& g = model.graph;
  QEXP_ASSIGN_OR_RETURN(auto file_bytes, read_file(args.model));

  std::string out;
  out += str_cat("model: ", args.model, " (", model_format_name(model.format), ", ",
                 file_bytes.size(), " bytes)\n");
  int64_t const_bytes = 0;
  std::map<std::string, int> op_counts;
  for (const auto& t : g.tensors) {
    if (t.is_const()) const_bytes += static_cast<int64_t>(t.data->size());
  }
  for (const auto& op : g.ops) ++op_counts[std::string(ir::op_type_name(op.type))];
  out += str_cat("ops: ", g.ops.size(), ", tensors: ", g.tensors.size(),
                 ", constant bytes: ", const_bytes, "\n");
  for (const auto& [name, count] : op_counts) out += str_cat("  ", name, " x", count, "\n");
  out += "inputs:\n";
  for (int id : g.inputs) out += tensor_line(g, id) + "\n";
  out += "outputs:\n";
  for (int id : g.outputs) out += tensor_line(g, id) + "\n";
  for (const auto& line : model.pass_log) out += str_cat("pass: ", line, "\n");
  out += str_cat("operators (execution order):\n");
  for (size_t i = 0; i < g.ops.size(); ++i) {
    out += str_cat("  #", i, " ", ir::dump_op(g, g.ops[i]), "\n");
  }
  out += "tensors:\n";
  for (size_t i = 0; i < g.tensors.size(); ++i) out += tensor_line(g, static_cast<int>(i)) + "\n";
  if (!g.aside.empty()) {
    out += str_cat("source nodes outside the inference graph: ", g.aside.size(), "\n");
    for (const auto& n : g.aside) out += str_cat("  ", quoted(n.name), " ", n.op, "\n");
  }
  for (const auto& [k, v] : g.metadata) out += str_cat("metadata: ", k, " = ", v, "\n");
  std::fwrite(out.data(), 1, out.size(), stdout);
  return ok_status();
}

}  // namespace

void add_inspect_command(CLI::App& app, Action* action) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub = app.add_subcommand(
      "inspect", "Print a model's operators, tensors, shapes, dtypes, quantization and sizes");
  sub->add_option("model", args->model, "Model file (.tflite or frozen GraphDef .pb)")->required();
  add_graphdef_options(sub, &args->graphdef);
  sub->add_flag("--raw", args->raw, "GraphDef: show the imported graph before conversion passes");
  sub->callback([args, action] { *action = [args] { return run_inspect(*args); }; });
}

}  // namespace qexp::cli

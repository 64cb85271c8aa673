// qexp_onnx_export MODEL -o OUT.onnx: writes a qexp model (.tflite, or a .pb through qexp's
// converter) as ONNX opset 13 — float graphs as plain ONNX, int8 graphs as QDQ with qexp's own
// quantization parameters (onnx_export.h) — for the peer benchmarks in tools/bench_peers.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "framework/cli/model_loader.h"
#include "framework/core/file_io.h"
#include "tools/bench_peers/onnx_export.h"

namespace {

qexp::Status run(const std::string& model_path, const std::string& out_path) {
  QEXP_ASSIGN_OR_RETURN(qexp::cli::LoadedModel model, qexp::cli::load_model(model_path));
  qexp::bench_peers::OnnxExportSummary summary;
  QEXP_ASSIGN_OR_RETURN(std::string bytes, qexp::bench_peers::export_onnx(model.graph, &summary));
  QEXP_RETURN_IF_ERROR(qexp::write_text_file_atomic(out_path, bytes));
  std::printf("%s: %zu ops -> %d ONNX nodes (%d quantized activations), %zu bytes\n",
              out_path.c_str(), model.graph.ops.size(), summary.onnx_nodes,
              summary.quantized_tensors, bytes.size());
  return qexp::ok_status();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Writes a qexp model as ONNX (float or QDQ) for the peer benchmarks",
               "qexp_onnx_export"};
  std::string model, out;
  app.add_option("model", model, "Model (.tflite or frozen GraphDef .pb)")->required();
  app.add_option("-o,--output", out, "Output .onnx file")->required();
  CLI11_PARSE(app, argc, argv);
  qexp::Status s = run(model, out);
  if (!s.ok()) {
    std::fprintf(stderr, "qexp_onnx_export: error: %s\n", s.message().c_str());
    return 2;
  }
  return 0;
}

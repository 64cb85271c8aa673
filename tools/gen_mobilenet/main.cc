// qexp_gen_mobilenet: writes a seeded random MobileNet v1 as a frozen TensorFlow GraphDef.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "framework/core/file_io.h"
#include "framework/core/strings.h"
#include "framework/importers/tf/graphdef_writer.h"
#include "tools/gen_mobilenet/mobilenet_v1.h"

namespace {

qexp::Status run(const qexp::tools::MobilenetV1Options& options, const std::string& output) {
  const auto start = std::chrono::steady_clock::now();
  qexp::tf::GraphDefWriter writer;
  QEXP_ASSIGN_OR_RETURN(int64_t params, qexp::tools::build_mobilenet_v1(options, &writer));
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, writer.serialize());
  QEXP_RETURN_IF_ERROR(qexp::write_file_atomic(output, bytes));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%s: MobileNet v1 width %s, input [1,%lld,%lld,%lld], %lld classes, seed %llu: "
      "%lld nodes, %lld parameters, %zu bytes, %.2f s\n",
      output.c_str(), qexp::format_double(options.depth_multiplier).c_str(),
      static_cast<long long>(options.input_size), static_cast<long long>(options.input_size),
      static_cast<long long>(options.channels), static_cast<long long>(options.num_classes),
      static_cast<unsigned long long>(options.seed), static_cast<long long>(writer.num_nodes()),
      static_cast<long long>(params), bytes.size(), seconds);
  return qexp::ok_status();
}

}  // namespace

int main(int argc, char** argv) {
  qexp::tools::MobilenetV1Options options;
  std::string output;
  CLI::App app{
      "Writes MobileNet v1 (TF-slim layer names, seeded random weights) as a frozen TensorFlow "
      "GraphDef. Input 'input' [1,H,W,C] float32, output 'MobilenetV1/Predictions/Softmax'."};
  app.add_option("--width", options.depth_multiplier,
                 "depth multiplier: 1.0, 0.75, 0.5 or 0.25 (any value in (0, 4])")
      ->capture_default_str();
  app.add_option("--input-size", options.input_size, "input height = width")->capture_default_str();
  app.add_option("--channels", options.channels, "input channels")->capture_default_str();
  app.add_option("--classes", options.num_classes, "classifier outputs (1001: background + 1000)")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "random seed (same seed, same bytes)")
      ->capture_default_str();
  app.add_option("-o,--output", output, "output .pb path")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  qexp::Status status;
  try {
    status = run(options, output);
  } catch (const std::exception& e) {  // only allocation failure can get here
    status = qexp::resource_exhausted(qexp::str_cat("generating the model failed: ", e.what()));
  }
  if (!status.ok()) {
    std::fprintf(stderr, "qexp_gen_mobilenet: error: %s\n", status.to_string().c_str());
    return 1;
  }
  return 0;
}

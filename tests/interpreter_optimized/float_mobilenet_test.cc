// The optimized float kernels on a whole network: MobileNet v1 1.0 224 (TF-slim structure, 1001
// classes, seeded random weights, converted as by `qexp convert`) against the reference kernels,
// at every instruction-set level this CPU has; 1 and 3 threads give identical bytes.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "framework/cli/model_loader.h"
#include "framework/core/file_io.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/interpreter.h"
#include "tools/gen_mobilenet/mobilenet_v1.h"

namespace qexp::interp {
namespace {

Result<ir::Graph> mobilenet_graph() {
  tf::GraphDefWriter writer;
  QEXP_RETURN_IF_ERROR(tools::build_mobilenet_v1(tools::MobilenetV1Options{}, &writer).status());
  QEXP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, writer.serialize());
  const std::string path =
      ::testing::TempDir() + "/qexp_float_mobilenet_" + std::to_string(::getpid()) + ".pb";
  QEXP_RETURN_IF_ERROR(write_file_atomic(path, bytes));
  auto model = cli::load_model(path);
  std::remove(path.c_str());
  QEXP_RETURN_IF_ERROR(model.status());
  return std::move(model->graph);
}

struct NetRun {
  std::vector<float> values;
  int optimized_ops = 0;  ///< ops whose kernel_variant is not "reference"
};

NetRun run_net(std::shared_ptr<const ir::Graph> g, const std::vector<float>& input,
               const InterpreterOptions& options) {
  auto interp = Interpreter::create(std::move(g), options);
  EXPECT_TRUE(interp.ok()) << interp.status().message();
  if (!interp.ok()) return {};
  TensorView in = (*interp)->input(0);
  EXPECT_EQ(in.num_elements(), static_cast<int64_t>(input.size()));
  std::memcpy(in.data<float>(), input.data(), input.size() * sizeof(float));
  EXPECT_TRUE((*interp)->invoke().ok());
  TensorView out = (*interp)->output(0);
  NetRun r;
  r.values.assign(out.data<float>(), out.data<float>() + out.num_elements());
  for (int i = 0; i < static_cast<int>((*interp)->graph().ops.size()); ++i) {
    if ((*interp)->kernel_variant(i) != "reference") ++r.optimized_ops;
  }
  return r;
}

TEST(OptimizedFloatMobilenet, MatchesTheReferenceKernelsWithin1e5) {
  auto graph = mobilenet_graph();
  ASSERT_TRUE(graph.ok()) << graph.status().message();
  auto g = std::make_shared<const ir::Graph>(std::move(*graph));
  std::vector<float> input(224 * 224 * 3);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  for (float& v : input) v = value(rng);

  InterpreterOptions ref_options;
  ref_options.kernel_set = KernelSet::kReference;
  const NetRun ref = run_net(g, input, ref_options);
  ASSERT_EQ(ref.values.size(), 1001u);
  EXPECT_EQ(ref.optimized_ops, 0);
  for (int level = 0; level <= static_cast<int>(detected_isa()); ++level) {
    InterpreterOptions o;
    o.isa = static_cast<Isa>(level);
    const NetRun one = run_net(g, input, o);
    const std::string at(isa_name(*o.isa));
    // 28 convolutions, the average pool (and softmax / reshape, which have no fast path).
    EXPECT_GE(one.optimized_ops, 29) << at;
    double diff = 0, norm = 0;
    for (size_t i = 0; i < ref.values.size(); ++i) {
      const double d = static_cast<double>(one.values[i]) - ref.values[i];
      diff += d * d;
      norm += static_cast<double>(ref.values[i]) * ref.values[i];
      EXPECT_NEAR(one.values[i], ref.values[i], 1e-5 * std::abs(ref.values[i])) << at << " " << i;
    }
    EXPECT_LE(std::sqrt(diff / norm), 1e-5) << at;
    o.num_threads = 3;
    const NetRun three = run_net(g, input, o);
    EXPECT_EQ(std::memcmp(one.values.data(), three.values.data(), one.values.size() * 4), 0) << at;
  }
}

}  // namespace
}  // namespace qexp::interp

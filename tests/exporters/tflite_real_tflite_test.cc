// Exported models must load and run on TensorFlow Lite itself: tools/tflite_ref/run_tflite.js
// (npm @tensorflow/tfjs-tflite, the TF ≈ 2.12 interpreter as WASM, builtin kernels, XNNPACK
// off). TFLite's reader checks op versions against its kernel registrations, options types and
// tensor layouts, so a load that succeeds is an independent check of the exporter. Skipped when
// node or the npm package is not installed (scripts/install-node-tools.sh).

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "framework/core/file_io.h"
#include "framework/exporters/tflite/tflite_exporter.h"
#include "tests/importers/tflite_test_graphs.h"

namespace qexp::tflite {
namespace {

namespace tt = qexp::tflite_test;
namespace fs = std::filesystem;

const std::string kRefDir = std::string(QEXP_SOURCE_DIR) + "/tools/tflite_ref";

bool reference_available() {
  return std::system("node --version > /dev/null 2>&1") == 0 &&
         fs::exists(kRefDir + "/node_modules/@tensorflow/tfjs-tflite");
}

struct RunResult {
  int exit_code = -1;
  std::string output;
};

RunResult run(const std::string& command) {
  RunResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class RealTflite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!reference_available()) GTEST_SKIP() << "node or @tensorflow/tfjs-tflite not installed";
    dir_ = ::testing::TempDir() + "/tflite_real_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    ASSERT_TRUE(make_directories(dir_).ok());
  }

  /// Exports `g`, feeds seeded float inputs, runs TFLite; returns the raw output bytes.
  std::vector<std::vector<uint8_t>> run_model(const ir::Graph& g,
                                              std::vector<std::vector<float>> inputs = {}) {
    std::string model = dir_ + "/model.tflite";
    EXPECT_TRUE(export_tflite_file(g, model).ok());
    std::string cmd = "node " + kRefDir + "/run_tflite.js " + model + " --out-dir " + dir_ + "/out";
    for (size_t k = 0; k < g.inputs.size(); ++k) {
      const ir::Tensor& t = g.tensors[static_cast<size_t>(g.inputs[k])];
      if (inputs.size() <= k) {
        inputs.push_back(tt::seeded_floats(static_cast<size_t>(t.shape.num_elements()),
                                           static_cast<uint32_t>(100 + k)));
      }
      std::string path = dir_ + "/in" + std::to_string(k) + ".bin";
      const std::vector<float>& v = inputs[k];
      std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(v.data()),
                                     v.size() * sizeof(float));
      EXPECT_TRUE(write_file_atomic(path, bytes).ok());
      cmd += " --input " + path;
    }
    RunResult r = run(cmd);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    std::vector<std::vector<uint8_t>> outputs;
    for (size_t k = 0; k < g.outputs.size(); ++k) {
      auto bytes = read_file(dir_ + "/out/output_" + std::to_string(k) + ".bin");
      EXPECT_TRUE(bytes.ok()) << r.output;
      const ir::Tensor& t = g.tensors[static_cast<size_t>(g.outputs[k])];
      if (bytes.ok()) {
        EXPECT_EQ(static_cast<int64_t>(bytes->size()),
                  t.shape.num_elements() * static_cast<int64_t>(dtype_size(t.dtype)));
        outputs.push_back(std::move(*bytes));
      }
    }
    return outputs;
  }

  std::string dir_;
};

TEST_F(RealTflite, FloatCnnLoadsAndRuns) { run_model(tt::float_cnn("cnn")); }

TEST_F(RealTflite, FloatElementwiseLoadsAndRuns) { run_model(tt::float_elementwise("e")); }

TEST_F(RealTflite, Int8PerAxisConvLoadsAndRuns) { run_model(tt::int8_per_axis_conv("q")); }

TEST_F(RealTflite, Int8OpsWithTheirOpVersionsLoadAndRun) { run_model(tt::int8_ops("q8")); }

TEST_F(RealTflite, Float16WeightsLoadAndRun) { run_model(tt::float16_weights("h")); }

// Exact float arithmetic: y = max(x + c, 0) * x, so constants and wiring reach TFLite intact.
TEST_F(RealTflite, ConstantsAndWiringGiveExactResults) {
  ir::Graph g;
  g.name = "exact";
  int x = g.add_tensor("x", DType::kFloat32, Shape{1, 2, 2, 3});
  int c = tt::add_float_const(g, "c", Shape{3}, 5);
  int s = g.add_tensor("sum", DType::kFloat32, Shape{1, 2, 2, 3});
  int y = g.add_tensor("y", DType::kFloat32, Shape{1, 2, 2, 3});
  g.inputs = {x};
  g.outputs = {y};
  tt::add_op(g, ir::OpType::kAdd, {x, c}, {s}, ir::ElementwiseOptions{ir::Activation::kRelu});
  tt::add_op(g, ir::OpType::kMul, {s, x}, {y}, ir::ElementwiseOptions{});
  std::vector<float> in = tt::seeded_floats(12, 9);
  auto out = run_model(g, {in});
  ASSERT_EQ(out.size(), 1u);
  std::vector<float> got(12);
  ASSERT_EQ(out[0].size(), 48u);
  std::memcpy(got.data(), out[0].data(), 48);
  const auto cv = tt::seeded_floats(3, 5);
  for (size_t i = 0; i < 12; ++i) {
    float sum = std::max(in[i] + cv[i % 3], 0.0f);
    EXPECT_EQ(got[i], sum * in[i]) << i;
  }
}

}  // namespace
}  // namespace qexp::tflite

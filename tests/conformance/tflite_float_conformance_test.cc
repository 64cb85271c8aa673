// Conformance with the real TensorFlow Lite interpreter (npm @tensorflow/tfjs-tflite, WASM, run by
// tools/tflite_ref/run_tflite.js with XNNPACK off so TFLite's builtin kernels run): a qexp-exported
// float MobileNet v1 1.0 224 loads there and its outputs match `qexp infer`.

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

bool node_available() { return std::system("command -v node >/dev/null 2>&1") == 0; }

std::string harness() { return std::string(QEXP_SOURCE_DIR) + "/tools/tflite_ref/run_tflite.js"; }

class TfliteFloatConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!node_available()) GTEST_SKIP() << "node is not installed: skipping TFLite conformance";
    ASSERT_TRUE(std::filesystem::exists(std::string(QEXP_SOURCE_DIR) +
                                        "/tools/tflite_ref/node_modules/@tensorflow/tfjs-tflite"))
        << "node is installed but the TFLite reference is not: run scripts/install-deps.sh --test";
    dir_ = make_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  std::string dir_;
};

TEST_F(TfliteFloatConformance, ExportedMobilenetMatchesTfliteBuiltinKernels) {
  std::string pb = dir_ + "/mnv1.pb", tflite = dir_ + "/mnv1.tflite", in = dir_ + "/in.bin";
  ASSERT_EQ(run({QEXP_GEN_MOBILENET, "--width", "1.0", "--input-size", "224", "--seed", "3", "-o",
                 pb},
                dir_)
                .exit_code,
            0);
  auto conv = run({QEXP_CLI, "convert", pb, "-o", tflite}, dir_);
  ASSERT_EQ(conv.exit_code, 0) << conv.err;
  auto input = random_floats(224 * 224 * 3, 11);
  write_bytes(in, input.data(), input.size() * 4);
  auto ours = run({QEXP_CLI, "infer", tflite, "--input", in, "--out-dir", dir_ + "/qexp"}, dir_);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  auto ref = run({"node", harness(), tflite, "--input", in, "--out-dir", dir_ + "/tflite",
                  "--xnnpack", "off"},
                 dir_);
  ASSERT_EQ(ref.exit_code, 0) << ref.err << ref.out;
  auto a = read_floats(dir_ + "/tflite/output_0.bin");
  auto b = read_floats(dir_ + "/qexp/output_0.bin");
  ASSERT_EQ(a.size(), 1001u);
  EXPECT_LE(relative_l2(a, b), 1e-5);
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_NEAR(a[i], b[i], 1e-5 * std::max(1e-3f, std::abs(a[i])) + 1e-9) << "element " << i;
  }
}

}  // namespace
}  // namespace qexp::testing

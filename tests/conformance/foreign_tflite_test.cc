// qexp reads .tflite files written by another tool (flatc from JSON, tools/tflite_ref/testdata/
// models.js: float ADD, float FC+RELU6, per-channel int8 CONV_2D with QUANTIZE/DEQUANTIZE, int8
// I/O conv, QUANTIZE ties): `qexp inspect` shows them, and `qexp infer` matches the real TFLite
// interpreter's builtin kernels bit for bit.

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

bool node_available() { return std::system("command -v node >/dev/null 2>&1") == 0; }

class ForeignTflite : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!node_available()) GTEST_SKIP() << "node is not installed: skipping";
    ASSERT_TRUE(std::filesystem::exists(std::string(QEXP_SOURCE_DIR) +
                                        "/tools/tflite_ref/node_modules/@tensorflow/tfjs-tflite"))
        << "node is installed but the TFLite reference is not: run scripts/install-deps.sh --test";
    dir_ = make_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto r = run({"node", std::string(QEXP_SOURCE_DIR) + "/tools/tflite_ref/testdata/models.js",
                  dir_},
                 dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::vector<std::string> inputs_of(const std::string& name) {
    std::vector<std::string> v;
    for (int k = 0;; ++k) {
      std::string p = dir_ + "/" + name + ".input_" + std::to_string(k) + ".bin";
      if (!std::filesystem::exists(p)) break;
      v.push_back(p);
    }
    return v;
  }

  std::string dir_;
};

TEST_F(ForeignTflite, InspectShowsPerAxisInt8Parameters) {
  auto r = run({QEXP_CLI, "inspect", dir_ + "/conv_int8.tflite"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("QUANTIZE x1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("int8["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("q(axis=0 scale="), std::string::npos) << r.out;
}

TEST_F(ForeignTflite, InferMatchesTfliteBitForBit) {
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    if (entry.path().extension() != ".tflite") continue;
    std::string name = entry.path().stem().string();
    std::vector<std::string> ins = inputs_of(name);
    ASSERT_FALSE(ins.empty()) << name;
    std::vector<std::string> ours = {QEXP_CLI, "infer", entry.path().string(), "--out-dir",
                                     dir_ + "/qexp_" + name};
    std::vector<std::string> ref = {"node",
                                    std::string(QEXP_SOURCE_DIR) + "/tools/tflite_ref/run_tflite.js",
                                    entry.path().string(), "--out-dir", dir_ + "/tflite_" + name,
                                    "--xnnpack", "off"};
    for (const auto& in : ins) {
      ours.insert(ours.end(), {"--input", in});
      ref.insert(ref.end(), {"--input", in});
    }
    auto a = run(ours, dir_);
    ASSERT_EQ(a.exit_code, 0) << name << ": " << a.err;
    auto b = run(ref, dir_);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    for (int k = 0;; ++k) {
      std::string f = "/output_" + std::to_string(k) + ".bin";
      if (!std::filesystem::exists(dir_ + "/tflite_" + name + f)) break;
      EXPECT_EQ(read_bytes(dir_ + "/qexp_" + name + f), read_bytes(dir_ + "/tflite_" + name + f))
          << name << " output " << k;
      ++compared;
    }
  }
  EXPECT_GE(compared, 5);  // every model of models.js, float and quantized
}

}  // namespace
}  // namespace qexp::testing

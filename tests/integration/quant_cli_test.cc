// `qexp convert --quantize` and `qexp infer` end to end on the committed demo model: calibration
// that does not depend on batch size or thread count, memory that does not grow with the number
// of calibration images, the rounding-profile option, and the error contract (one line, exit
// code 2) for bad calibration input.

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

const std::string kModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";
const std::string kData = std::string(QEXP_SOURCE_DIR) + "/datasets/fashion_mnist.yaml";

// A float model y = RELU(x) with x [1,28,28,1] (the dataset's image shape, so calibration runs):
// a standalone RELU has no int8 kernel in qexp.
constexpr const char* kReluModelJson = R"({
  version: 3,
  operator_codes: [{deprecated_builtin_code: 19, builtin_code: "RELU", version: 1}],
  subgraphs: [{
    name: "main",
    tensors: [{name: "x", shape: [1, 28, 28, 1], type: "FLOAT32", buffer: 0},
              {name: "y", shape: [1, 28, 28, 1], type: "FLOAT32", buffer: 0}],
    inputs: [0],
    outputs: [1],
    operators: [{opcode_index: 0, inputs: [0], outputs: [1]}]
  }],
  buffers: [{}]
})";

class QuantCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  /// Runs `qexp args…` in the test directory.
  CommandResult qexp(std::vector<std::string> args) {
    args.insert(args.begin(), QEXP_CLI);
    return run(args, dir_);
  }

  /// `qexp convert` of the demo model to int8 with `extra` options; fails the test on errors.
  CommandResult convert_int8(const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"convert",         kModel, "-o", out, "--quantize", "int8",
                                     "--calib-dataset", kData};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = qexp(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  /// Checks the error contract and that stderr contains every string of `must_contain`.
  void expect_error(const CommandResult& r, const std::vector<std::string>& must_contain) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1) << r.err;
    EXPECT_EQ(r.err.rfind("qexp: error: ", 0), 0u) << r.err;
    for (const auto& s : must_contain) EXPECT_NE(r.err.find(s), std::string::npos) << r.err;
  }

  std::string dir_;
};

// Histogram statistics (kl) over 40 samples: batches of 32 leave a partial batch of 8, and two
// threads take alternate batches; the exported files must be identical byte for byte. The graph
// stops at the logits because the demo model's final RESHAPE has a fixed batch of 1.
TEST_F(QuantCli, CalibrationRangesDoNotDependOnBatchSizeOrThreadCount) {
  std::vector<std::vector<uint8_t>> files;
  for (const char* batch : {"1", "32"}) {
    for (const char* threads : {"1", "2"}) {
      const std::string out = dir_ + "/b" + batch + "_t" + threads + ".tflite";
      convert_int8(out,
                   {"--output-arrays", "MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd", "--calibration",
                    "kl", "--calib-samples", "40", "--calib-batch", batch, "--threads", threads});
      files.push_back(read_bytes(out));
      ASSERT_GT(files.back().size(), 10000u) << out;
    }
  }
  for (size_t i = 1; i < files.size(); ++i) EXPECT_EQ(files[i], files[0]) << "variant " << i;
}

// Peak RSS growth reported by convert ("peak memory +X MB") for 100 and 1000 calibration images.
// Keeping the activations of 900 more images would need hundreds of MB (the first layer alone
// writes 50 KB per image); the statistics are fixed-size, so the growth must stay within a few MB.
TEST_F(QuantCli, CalibrationMemoryDoesNotGrowWithTheNumberOfImages) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan keeps freed blocks in its quarantine (256 MB by default), so the peak RSS of a sanitized
  // qexp grows with the work done, not with what is live: the bound is the Release build's.
  GTEST_SKIP() << "peak RSS measures ASan's quarantine in a sanitized build";
#endif
  const std::regex peak(R"(peak memory \+([0-9.]+) MB)");
  std::vector<double> mb;
  for (const char* n : {"100", "1000"}) {
    CommandResult r = convert_int8(dir_ + "/m.tflite", {"--calibration", "percentile",
                                                        "--calib-samples", n, "--threads", "2"});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.err, m, peak)) << r.err;
    mb.push_back(std::stod(m[1].str()));
  }
  EXPECT_LT(mb[1], mb[0] + 8.0) << "100 images: +" << mb[0] << " MB, 1000 images: +" << mb[1];
}

TEST_F(QuantCli, InferTakesBothRoundingProfilesAndRejectsOthers) {
  const std::string model = dir_ + "/q.tflite";
  convert_int8(model, {"--calib-samples", "8", "--io-type", "int8"});
  std::vector<uint8_t> image(28 * 28);
  for (size_t i = 0; i < image.size(); ++i) image[i] = static_cast<uint8_t>((i * 37) % 256);
  write_bytes(dir_ + "/x.bin", image.data(), image.size());
  for (const char* profile : {"tflite", "tflite_builtin", "xnnpack"}) {
    CommandResult r = qexp({"infer", model, "--input", dir_ + "/x.bin", "--out-dir",
                            dir_ + "/" + profile, "--rounding-profile", profile});
    EXPECT_EQ(r.exit_code, 0) << profile << ": " << r.err;
    EXPECT_EQ(read_bytes(dir_ + "/" + profile + "/output_0.bin").size(), 10u) << profile;
  }
  expect_error(qexp({"infer", model, "--input", dir_ + "/x.bin", "--out-dir", dir_ + "/bad",
                     "--rounding-profile", "ruy"}),
               {"--rounding-profile: 'ruy' is not one of tflite, xnnpack"});
}

// --weight-calibration mse clips some weight channels below their abs-max: the weights (and so
// the file) change, the activation ranges do not. A bad weight calibrator is a one-line error.
TEST_F(QuantCli, WeightCalibrationChoosesWeightClips) {
  convert_int8(dir_ + "/absmax.tflite", {"--calib-samples", "8"});
  convert_int8(dir_ + "/mse.tflite", {"--calib-samples", "8", "--weight-calibration", "mse"});
  const auto absmax = read_bytes(dir_ + "/absmax.tflite"), mse = read_bytes(dir_ + "/mse.tflite");
  EXPECT_EQ(absmax.size(), mse.size());
  EXPECT_NE(absmax, mse);
  expect_error(qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "int8",
                     "--calib-dataset", kData, "--weight-calibration", "kll"}),
               {"unknown calibrator 'kll' (did you mean 'kl'?)"});
  expect_error(qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "dynamic_range",
                     "--weight-calibration", "mse"}),
               {"--weight-calibration applies to --quantize int8 and int16x8 only"});
}

TEST_F(QuantCli, BadCalibratorOptionIsAOneLineError) {
  expect_error(
      qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "int8", "--calib-dataset",
            kData, "--calibration", "percentile", "--calibration-option", "percentile=101"}),
      {"calibrator 'percentile': percentile: 101 is outside [0, 100]"});
  expect_error(
      qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "int8", "--calib-dataset",
            kData, "--calibration", "kl", "--calibration-option", "merge=even"}),
      {"calibrator 'kl': merge: 'even'", "remainder", "uniform"});
}

TEST_F(QuantCli, UnknownCalibratorListsTheKnownOnes) {
  expect_error(
      qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "int8", "--calib-dataset",
            kData, "--calibration", "entropy"}),
      {"unknown calibrator 'entropy'", "aciq", "ema_minmax", "kl", "minmax", "mse", "percentile"});
}

TEST_F(QuantCli, EmptyOrNegativeCalibrationSetIsAnError) {
  expect_error(qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "int8",
                     "--calib-dataset", kData, "--calib-samples", "0"}),
               {"empty calibration set"});
  expect_error(qexp({"convert", kModel, "-o", dir_ + "/x.tflite", "--quantize", "int8",
                     "--calib-dataset", kData, "--calib-samples", "-3"}),
               {"--calib-samples: -3 is negative"});
}

TEST_F(QuantCli, UnsupportedOpInInt8ModeNamesTheOpAndSuggestsExclude) {
  const std::string json = dir_ + "/relu.json";
  write_bytes(json, kReluModelJson, std::string(kReluModelJson).size());
  CommandResult f = run({QEXP_FLATC, "-b", "-o", dir_, QEXP_TFLITE_SCHEMA, json}, dir_);
  ASSERT_EQ(f.exit_code, 0) << f.err;
  const std::string model = dir_ + "/relu.tflite";
  expect_error(qexp({"convert", model, "-o", dir_ + "/x.tflite", "--quantize", "int8",
                     "--calib-dataset", kData, "--calib-samples", "4"}),
               {"op 'y' (RELU) cannot be quantized in int8 mode", "exclude"});
  // Excluded, it stays float between QUANTIZE / DEQUANTIZE and the conversion succeeds.
  CommandResult ok = qexp({"convert", model, "-o", dir_ + "/x.tflite", "--quantize", "int8",
                           "--calib-dataset", kData, "--calib-samples", "4", "--exclude", "RELU"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

}  // namespace
}  // namespace qexp::testing

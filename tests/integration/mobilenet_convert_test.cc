// Acceptance of the float converter on a full-size MobileNet v1 1.0 224 (TF-slim structure, 1001
// classes, seeded random weights): `qexp convert` the frozen GraphDef, `qexp infer` the .pb and
// the exported .tflite, and compare both with OpenCV dnn running the same .pb.

#include <gtest/gtest.h>

#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

constexpr int kSize = 224;
constexpr const char* kOutput = "MobilenetV1/Predictions/Softmax";

class MobilenetConvert : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // CTest runs each TEST in its own process, possibly in parallel: one directory per process.
    dir_ = make_test_dir("mobilenet_convert_" + std::to_string(::getpid()));
    pb_ = dir_ + "/mobilenet_v1_1.0_224.pb";
    tflite_ = dir_ + "/mobilenet_v1_1.0_224.tflite";
    input_ = dir_ + "/input.bin";
    auto gen = run({QEXP_GEN_MOBILENET, "--width", "1.0", "--input-size", "224", "--classes",
                    "1001", "--seed", "7", "-o", pb_},
                   dir_);
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    input_values_ = random_floats(kSize * kSize * 3, 42);
    write_bytes(input_, input_values_.data(), input_values_.size() * 4);
    auto conv = run({QEXP_CLI, "convert", pb_, "-o", tflite_}, dir_);
    ASSERT_EQ(conv.exit_code, 0) << conv.err;
  }

  static std::vector<float> infer(const std::string& model, const std::string& name) {
    std::string out = dir_ + "/" + name;
    auto r = run({QEXP_CLI, "infer", model, "--input", input_, "--out-dir", out}, dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_floats(out + "/output_0.bin");
  }

  static std::string dir_, pb_, tflite_, input_;
  static std::vector<float> input_values_;
};

std::string MobilenetConvert::dir_, MobilenetConvert::pb_, MobilenetConvert::tflite_,
    MobilenetConvert::input_;
std::vector<float> MobilenetConvert::input_values_;

TEST_F(MobilenetConvert, PbAndExportedTfliteGiveIdenticalOutputs) {
  auto from_pb = infer(pb_, "out_pb");
  auto from_tflite = infer(tflite_, "out_tflite");
  ASSERT_EQ(from_pb.size(), 1001u);
  EXPECT_EQ(from_pb, from_tflite);
  double sum = 0;
  for (float p : from_pb) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-4);
  auto json = read_text(dir_ + "/out_tflite/outputs.json");
  EXPECT_NE(json.find(kOutput), std::string::npos) << json;
  EXPECT_NE(json.find("\"shape\""), std::string::npos) << json;
}

TEST_F(MobilenetConvert, MatchesOpenCvDnnOnTheSameGraphDef) {
  auto ours = infer(pb_, "out_pb_cv");
  std::vector<float> theirs;
  try {
    cv::dnn::Net net = cv::dnn::readNetFromTensorflow(pb_);
    ASSERT_FALSE(net.empty());
    const int shape[] = {1, 3, kSize, kSize};  // OpenCV takes NCHW blobs for TF graphs
    cv::Mat blob(4, shape, CV_32F);
    float* p = blob.ptr<float>();
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < kSize; ++y)
        for (int x = 0; x < kSize; ++x)
          p[(c * kSize + y) * kSize + x] = input_values_[static_cast<size_t>((y * kSize + x) * 3 + c)];
    net.setInput(blob);
    cv::Mat out = net.forward(kOutput);
    theirs.assign(out.ptr<float>(), out.ptr<float>() + out.total());
  } catch (const cv::Exception& e) {
    FAIL() << "OpenCV dnn: " << e.what();
  }
  ASSERT_EQ(ours.size(), theirs.size());
  EXPECT_LE(relative_l2(theirs, ours), 1e-4);
}

TEST_F(MobilenetConvert, InspectListsOpsAndQuantizationFreeTensors) {
  auto r = run({QEXP_CLI, "inspect", tflite_}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("CONV_2D x15"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DEPTHWISE_CONV_2D x13"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("float32[1,224,224,3]"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace qexp::testing

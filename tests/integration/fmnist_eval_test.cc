// The shipped demo model on the real Fashion-MNIST test set: accuracy, identical predictions from
// the .pb, the converted .tflite and a PNG export of the images, agreement with OpenCV dnn, and
// clear errors for bad data.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "framework/data/manifest.h"
#include "framework/importers/tf/proto/tf_graph.pb.h"
#include "tests/integration/cli_test_util.h"

namespace qexp::testing {
namespace {

const std::string kModel = std::string(QEXP_SOURCE_DIR) + "/models/mobilenet_v1_0.5_fmnist.pb";
const std::string kManifest = std::string(QEXP_SOURCE_DIR) + "/datasets/fashion_mnist.yaml";

class FmnistEval : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_test_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  nlohmann::json eval(const std::string& model, const std::string& manifest, int64_t limit,
                      int threads = 2) {
    std::string out = dir_ + "/eval_" + std::to_string(counter_++) + ".json";
    std::vector<std::string> argv = {QEXP_CLI, "eval", model, "--dataset", manifest,
                                     "--threads", std::to_string(threads), "--json", out};
    if (limit > 0) argv.insert(argv.end(), {"--limit", std::to_string(limit)});
    auto r = run(argv, dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(read_text(out));
  }

  std::string dir_;
  int counter_ = 0;
};

TEST_F(FmnistEval, DemoModelReachesNinetyPercentOnAllTestImages) {
  auto j = eval(kModel, kManifest, -1);
  EXPECT_EQ(j["count"].get<int64_t>(), 10000);
  EXPECT_GE(j["top1"]["percent"].get<double>(), 90.0);
  EXPECT_GE(j["top5"]["percent"].get<double>(), j["top1"]["percent"].get<double>());
  EXPECT_EQ(j["per_class"].size(), 10u);
  EXPECT_EQ(j["per_class"][9]["name"], "Ankle boot");
}

TEST_F(FmnistEval, ConvertedTfliteGivesIdenticalPredictions) {
  std::string tflite = dir_ + "/demo.tflite";
  ASSERT_EQ(run({QEXP_CLI, "convert", kModel, "-o", tflite}, dir_).exit_code, 0);
  auto a = eval(kModel, kManifest, 2000);
  auto b = eval(tflite, kManifest, 2000, 1);
  EXPECT_EQ(a["predictions"], b["predictions"]);
  EXPECT_EQ(a["top1"], b["top1"]);
}

TEST_F(FmnistEval, PngExportGivesIdenticalPredictions) {
  std::string images = dir_ + "/png";
  auto r = run({QEXP_CLI, "dataset", "export", kManifest, "--split", "test", "--limit", "1000",
                "--format", "png", "-o", images},
               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // labels.txt lists the files in export (= IDX) order, so predictions line up one to one.
  std::string manifest = dir_ + "/png.yaml";
  std::string yaml = "name: fmnist_png\nformat: image_list\nnum_classes: 10\n"
                     "preprocess: {preset: unit, color: grayscale}\n"
                     "splits:\n  test: {root: " + images + ", list: " + images + "/labels.txt}\n";
  write_bytes(manifest, yaml.data(), yaml.size());
  auto from_idx = eval(kModel, kManifest, 1000);
  auto from_png = eval(kModel, manifest, -1);
  ASSERT_EQ(from_png["count"].get<int64_t>(), 1000);
  EXPECT_EQ(from_idx["predictions"], from_png["predictions"]);
}

TEST_F(FmnistEval, OpenCvDnnAgreesOnPredictions) {
  auto manifest = data::load_manifest(kManifest);
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  auto ds = data::open_dataset(*manifest, "test");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  constexpr int kCount = 1000;
  auto ours = eval(kModel, kManifest, kCount);
  // OpenCV dnn cannot build the TF1 training-only regularizer nodes (L2Loss), so it gets a copy
  // of the GraphDef without them; the inference graph is untouched.
  tfproto::GraphDef gd;
  std::string bytes = read_text(kModel);
  ASSERT_TRUE(gd.ParseFromString(bytes));
  tfproto::GraphDef inference;
  for (const auto& node : gd.node()) {
    if (node.name().find("/Regularizer/") == std::string::npos) *inference.add_node() = node;
  }
  ASSERT_LT(inference.node_size(), gd.node_size());
  std::string stripped = inference.SerializeAsString();
  cv::dnn::Net net = cv::dnn::readNetFromTensorflow(stripped.data(), stripped.size());
  int agree = 0;
  for (int i = 0; i < kCount; ++i) {
    auto s = (*ds)->get(i);
    ASSERT_TRUE(s.ok());
    const int shape[] = {1, 1, 28, 28};
    cv::Mat blob(4, shape, CV_32F);
    for (int p = 0; p < 28 * 28; ++p) {
      blob.ptr<float>()[p] = static_cast<float>(s->image.data<uint8_t>()[p]) / 255.0f;
    }
    net.setInput(blob);
    cv::Mat out = net.forward("MobilenetV1/Predictions/Softmax");
    cv::Point max_loc;
    cv::minMaxLoc(out.reshape(1, 1), nullptr, nullptr, nullptr, &max_loc);
    agree += max_loc.x == ours["predictions"][static_cast<size_t>(i)].get<int>();
  }
  EXPECT_GE(agree, kCount - 1);  // >= 99.9 %
}

TEST_F(FmnistEval, BadIdxFileIsOneClearError) {
  std::string bad = dir_ + "/bad-images.gz";
  std::string garbage = "this is not an IDX file";
  write_bytes(bad, garbage.data(), garbage.size());
  std::string manifest = dir_ + "/bad.yaml";
  std::string yaml = "name: bad\nformat: idx\nnum_classes: 10\npreprocess: {preset: unit}\n"
                     "splits:\n  test:\n    images: " + bad + "\n    labels: "
                     "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz\n";
  write_bytes(manifest, yaml.data(), yaml.size());
  auto r = run({QEXP_CLI, "eval", kModel, "--dataset", manifest}, dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("bad-images.gz"), std::string::npos) << r.err;
}

TEST_F(FmnistEval, LabelOutsideTheModelsClassesIsAnError) {
  std::string manifest = dir_ + "/offset.yaml";
  std::string yaml = "name: shifted\nformat: idx\nlabel_offset: 1\nnum_classes: 11\n"
                     "preprocess: {preset: unit}\nsplits:\n  test:\n"
                     "    images: /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz\n"
                     "    labels: /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz\n";
  write_bytes(manifest, yaml.data(), yaml.size());
  auto r = run({QEXP_CLI, "eval", kModel, "--dataset", manifest, "--limit", "100"}, dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("outside the model's 10 classes"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace qexp::testing

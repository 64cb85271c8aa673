// Tests of the trainer: the layer plan, the schedule, seeded reproducibility, and that an exported
// model computes what libtorch computes (judged by OpenCV dnn's independent TensorFlow importer)
// and carries its L2 regularizer subgraphs (read back with qexp's own importer).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/dnn/layer.details.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "framework/core/file_io.h"
#include "framework/importers/tf/graphdef_importer.h"
#include "tools/train/data.h"
#include "tools/train/export.h"
#include "tools/train/model.h"
#include "tools/train/trainer.h"

namespace qexp::train {
namespace {

constexpr int64_t kTrainImages = 2048;
constexpr int64_t kCompareImages = 32;

struct Data {
  Split train;
  Split test;
};

// Loaded once: gunzip of the 47 MB training file dominates otherwise.
const Data* data() {
  static const Data* d = [] {
    const std::string dir = kDefaultDataDir;
    auto train = load_fashion_mnist(dir, true, kTrainImages);
    auto test = load_fashion_mnist(dir, false, 200);
    return train.ok() && test.ok() ? new Data{train.value(), test.value()} : nullptr;
  }();
  return d;
}

#define REQUIRE_DATA()                                                 \
  if (data() == nullptr)                                               \
  GTEST_SKIP() << "Fashion-MNIST not installed in " << kDefaultDataDir \
               << " (Debian package dataset-fashion-mnist)"

// Trains one epoch (64 steps) on kTrainImages images (1 thread) and returns the network in eval
// mode.
MobileNet train_tiny(const NetOptions& net_options, double l2, uint64_t seed = 7) {
  torch::set_num_threads(1);
  torch::manual_seed(seed);
  auto net = make_mobilenet(net_options);
  EXPECT_TRUE(net.ok()) << net.status().to_string();
  TrainOptions o;
  o.epochs = 1;
  o.batch = 32;
  o.warmup_epochs = 0.1;
  o.lr = 0.1;
  o.l2 = l2;
  o.seed = seed;
  auto history = train(net.value(), data()->train, data()->test, o, nullptr);
  EXPECT_TRUE(history.ok()) << history.status().to_string();
  return net.value();
}

std::vector<uint8_t> export_bytes(MobileNet& net, double regularizer_scale) {
  tf::GraphDefWriter writer;
  ExportOptions options;
  options.l2_regularizer_scale = regularizer_scale;
  auto summary = export_graphdef(net, options, &writer);
  EXPECT_TRUE(summary.ok()) << summary.status().to_string();
  auto bytes = writer.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  return bytes.ok() ? bytes.value() : std::vector<uint8_t>{};
}

std::string write_temp(const std::vector<uint8_t>& bytes, const std::string& name) {
  const std::string path = std::string(QEXP_BINARY_DIR) + "/tools/train/" + name;
  EXPECT_TRUE(write_file_atomic(path, bytes).ok());
  return path;
}

TEST(TrainModel, PlanFollowsTfSlimAndTfSamePadding) {
  auto plan = plan_layers(NetOptions{});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 15u);  // stem + 7 × (depthwise + pointwise)
  const std::vector<int64_t> sizes = {28, 28, 28, 14, 14, 14, 14, 7, 7, 7, 7, 4, 4, 4, 4};
  const std::vector<int64_t> depths = {16,  16,  32,  32,  64,  64,  64, 64,
                                       128, 128, 128, 128, 256, 256, 256};
  for (size_t i = 0; i < plan->size(); ++i) {
    EXPECT_EQ((*plan)[i].out_size, sizes[i]) << (*plan)[i].scope;
    EXPECT_EQ((*plan)[i].out_channels, depths[i]) << (*plan)[i].scope;
  }
  EXPECT_EQ((*plan)[3].scope, "MobilenetV1/Conv2d_2_depthwise");
  // TF SAME, 3×3 stride 2: 28 → 14 pads 0 before, 1 after; 7 → 4 pads 1 and 1.
  EXPECT_EQ((*plan)[3].pad_before, 0);
  EXPECT_EQ((*plan)[3].pad_after, 1);
  EXPECT_EQ((*plan)[11].in_size, 7);
  EXPECT_EQ((*plan)[11].pad_before, 1);
  EXPECT_EQ((*plan)[11].pad_after, 1);
  // The configuration REFERENCES.md measured: ~142 k parameters.
  torch::manual_seed(1);
  auto net = make_mobilenet(NetOptions{});
  ASSERT_TRUE(net.ok());
  EXPECT_EQ(net.value()->trainable_parameters(), 141706);
}

TEST(TrainModel, RejectsBadOptions) {
  NetOptions o;
  o.stem_stride = 3;
  EXPECT_FALSE(validate(o).ok());
  o = NetOptions{};
  o.blocks = 14;
  EXPECT_FALSE(validate(o).ok());
  TrainOptions t;
  t.l2 = -1e-4;
  EXPECT_FALSE(validate(t).ok());
}

TEST(TrainSchedule, LinearWarmupThenCosineToZero) {
  EXPECT_DOUBLE_EQ(learning_rate(0.1, 0, 10, 110), 0.01);
  EXPECT_DOUBLE_EQ(learning_rate(0.1, 9, 10, 110), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(0.1, 10, 10, 110), 0.1);
  EXPECT_NEAR(learning_rate(0.1, 60, 10, 110), 0.05, 1e-12);
  EXPECT_NEAR(learning_rate(0.1, 109, 10, 110), 0.1 * 0.5 * (1 + std::cos(M_PI * 0.99)), 1e-12);
}

TEST(TrainL2, PenaltyIsScaleTimesHalfSumOfSquaresOfKernelsOnly) {
  torch::manual_seed(3);
  auto net = make_mobilenet(NetOptions{});
  ASSERT_TRUE(net.ok());
  double sum = 0.0;
  for (const auto& unit : net.value()->units())
    sum += unit->conv->weight.pow(2).sum().item<double>();
  sum += net.value()->logits()->weight.pow(2).sum().item<double>();
  EXPECT_NEAR(l2_penalty(net.value(), 1e-3).item<double>(), 1e-3 * sum / 2, 1e-6 * sum);
  EXPECT_EQ(net.value()->regularized_kernels().size(), 16u);  // 15 convs + logits; no BN, no bias
}

// Same seed, same thread count → the same trained weights, byte for byte.
TEST(TrainReproducibility, SameSeedSameThreadsGivesIdenticalGraphDef) {
  REQUIRE_DATA();
  MobileNet a = train_tiny(NetOptions{}, 1e-4);
  MobileNet b = train_tiny(NetOptions{}, 1e-4);
  EXPECT_EQ(export_bytes(a, 1e-4), export_bytes(b, 1e-4));
}

struct Variant {
  const char* name;
  NetOptions options;
  double l2;  // also the regularizer scale written into the graph
};

void PrintTo(const Variant& v, std::ostream* os) { *os << v.name; }

// OpenCV 4.6 turns every node of a GraphDef into a layer, reachable from the output or not, and
// has no L2Loss: it refuses the regularizer subgraphs ("Can't create layer ... of type L2Loss")
// unless L2Loss is registered. This stand-in outputs a zero that nothing consumes but the
// regularizer's Mul.
class IgnoredLayer : public cv::dnn::Layer {
 public:
  explicit IgnoredLayer(const cv::dnn::LayerParams& params) { setParamsFrom(params); }
  static cv::Ptr<cv::dnn::Layer> create(cv::dnn::LayerParams& params) {
    return cv::makePtr<IgnoredLayer>(params);
  }
  bool getMemoryShapes(const std::vector<cv::dnn::MatShape>&, const int,
                       std::vector<cv::dnn::MatShape>& outputs,
                       std::vector<cv::dnn::MatShape>&) const override {
    outputs.assign(1, cv::dnn::MatShape{1, 1});
    return false;
  }
  void forward(cv::InputArrayOfArrays, cv::OutputArrayOfArrays outputs,
               cv::OutputArrayOfArrays) override {
    std::vector<cv::Mat> outs;
    outputs.getMatVector(outs);
    for (cv::Mat& m : outs) m.setTo(0);
  }
};

NetOptions with(bool batch_norm, int64_t stem_stride) {
  NetOptions o;
  o.batch_norm = batch_norm;
  o.stem_stride = stem_stride;
  return o;
}

class ExportMatchesOpenCv : public testing::TestWithParam<Variant> {};

// OpenCV dnn imports the frozen graph independently (its own SAME padding, HWIO / depthwise
// layouts, FusedBatchNormV3, the regularizer nodes it must ignore); its softmax must equal
// libtorch's eval-mode softmax on the same pixels.
TEST_P(ExportMatchesOpenCv, SoftmaxWithin1e4OfLibtorch) {
  REQUIRE_DATA();
  MobileNet net = train_tiny(GetParam().options, GetParam().l2);
  const std::string path = write_temp(export_bytes(net, GetParam().l2),
                                      std::string("opencv_") + GetParam().name + ".pb");
  torch::Tensor x = data()->test.images.slice(0, 0, kCompareImages).contiguous();
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    expected = torch::softmax(net->forward(x), 1).contiguous();
  }
  static const bool registered = [] {
    cv::dnn::LayerFactory::registerLayer("L2Loss", IgnoredLayer::create);
    return true;
  }();
  ASSERT_TRUE(registered);
  cv::dnn::Net cv_net = cv::dnn::readNetFromTensorflow(path);
  ASSERT_FALSE(cv_net.empty());
  // OpenCV takes NCHW blobs; with one channel the bytes equal the graph's NHWC input.
  const int dims[] = {static_cast<int>(kCompareImages), 1, 28, 28};
  cv::Mat blob(4, dims, CV_32F, x.data_ptr<float>());
  cv_net.setInput(blob);
  cv::Mat out = cv_net.forward(kOutputName);
  ASSERT_EQ(out.total(), static_cast<size_t>(kCompareImages * 10));
  const float* got = out.ptr<float>();
  const float* want = expected.data_ptr<float>();
  double max_diff = 0.0;
  for (size_t i = 0; i < out.total(); ++i) {
    max_diff = std::max(max_diff, static_cast<double>(std::fabs(got[i] - want[i])));
  }
  EXPECT_LT(max_diff, 1e-4);
  char diff_text[32];
  std::snprintf(diff_text, sizeof diff_text, "%.3g", max_diff);
  RecordProperty("max_abs_diff", diff_text);
  torch::Tensor cv_argmax =
      torch::from_blob(const_cast<float*>(got), {kCompareImages, 10}).argmax(1);
  EXPECT_TRUE(cv_argmax.equal(expected.argmax(1)));
  // The trained model is not trivial (a uniform softmax would hide errors).
  EXPECT_GT(expected.max().item<float>(), 0.5f);
}

INSTANTIATE_TEST_SUITE_P(Variants, ExportMatchesOpenCv,
                         testing::Values(Variant{"default", with(true, 1), 4e-5},
                                         Variant{"stem_stride_2", with(true, 2), 1e-3},
                                         Variant{"no_batchnorm", with(false, 1), 1e-4},
                                         Variant{"no_regularizers", with(true, 1), 0.0}),
                         [](const auto& p) { return std::string(p.param.name); });

const ir::ForeignNode* find_aside(const ir::Graph& g, const std::string& name) {
  for (const auto& n : g.aside) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

// qexp's importer keeps the (unreachable) regularizer subgraphs aside: one per kernel, with the
// trained scale, and their penalty equals the trainer's l2_penalty.
TEST(ExportRegularizers, ImporterKeepsOneL2SubgraphPerKernelWithTheScale) {
  REQUIRE_DATA();
  constexpr double kScale = 4e-5;
  MobileNet net = train_tiny(NetOptions{}, kScale);
  const std::string path = write_temp(export_bytes(net, kScale), "regularizers.pb");
  auto graph = tf::import_graphdef_file(path);
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  ASSERT_EQ(graph->outputs.size(), 1u);
  EXPECT_EQ(graph->tensors[static_cast<size_t>(graph->outputs[0])].name, kOutputName);
  std::vector<std::string> kernels;
  for (const auto& unit : net->units()) kernels.push_back(kernel_name(unit->plan()));
  kernels.push_back(std::string(kLogitsScope) + "/weights");
  EXPECT_EQ(graph->aside.size(), 3 * kernels.size());
  double penalty = 0.0;
  for (const std::string& k : kernels) {
    SCOPED_TRACE(k);
    const std::string reg = k + "/Regularizer/l2_regularizer";
    const ir::ForeignNode* mul = find_aside(*graph, reg);
    const ir::ForeignNode* scale = find_aside(*graph, reg + "/scale");
    const ir::ForeignNode* loss = find_aside(*graph, reg + "/L2Loss");
    ASSERT_TRUE(mul && scale && loss);
    EXPECT_EQ(mul->op, "Mul");
    EXPECT_EQ(mul->inputs, (std::vector<std::string>{reg + "/scale", reg + "/L2Loss"}));
    EXPECT_EQ(loss->op, "L2Loss");
    EXPECT_EQ(loss->inputs, std::vector<std::string>{k});
    ASSERT_EQ(scale->op, "Const");
    ASSERT_TRUE(scale->value.has_value());
    ASSERT_EQ(scale->value->num_elements(), 1);
    EXPECT_EQ(scale->value->data<float>()[0], static_cast<float>(kScale));
    const int t = graph->find_tensor(k);
    ASSERT_GE(t, 0);
    double sum = 0.0;
    for (float w : graph->tensors[static_cast<size_t>(t)].const_data<float>()) sum += double{w} * w;
    penalty += kScale * sum / 2;
  }
  torch::NoGradGuard no_grad;
  EXPECT_NEAR(penalty, l2_penalty(net, kScale).item<double>(), 1e-6 * penalty);
}

TEST(ExportRegularizers, NoneWithoutAScale) {
  REQUIRE_DATA();
  MobileNet net = train_tiny(NetOptions{}, 0.0);
  auto graph = tf::import_graphdef_file(write_temp(export_bytes(net, 0.0), "no_l2.pb"));
  ASSERT_TRUE(graph.ok()) << graph.status().to_string();
  EXPECT_TRUE(graph->aside.empty());
}

}  // namespace
}  // namespace qexp::train

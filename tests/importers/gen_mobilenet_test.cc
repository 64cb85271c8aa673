// Tests of tools/gen_mobilenet: TF-slim's MobileNet v1 structure, determinism, and OpenCV dnn
// (an independent TensorFlow GraphDef reader) running the generated graph.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "framework/importers/tf/graphdef_writer.h"
#include "framework/importers/tf/proto/tf_graph.pb.h"
#include "tools/gen_mobilenet/mobilenet_v1.h"

namespace qexp::tools {
namespace {

struct Generated {
  std::vector<uint8_t> bytes;
  int64_t params = 0;
};

Generated generate(const MobilenetV1Options& options) {
  tf::GraphDefWriter writer;
  auto params = build_mobilenet_v1(options, &writer);
  EXPECT_TRUE(params.ok()) << params.status().to_string();
  auto bytes = writer.serialize();
  EXPECT_TRUE(bytes.ok()) << bytes.status().to_string();
  if (!params.ok() || !bytes.ok()) return {};
  return {std::move(bytes).value(), *params};
}

// Weight parameters (kernels only) and multiply-accumulates of the 27 body layers, the two
// numbers TF-slim's mobilenet_v1.py docstring tabulates per layer.
void body_cost(const std::vector<MobilenetV1Layer>& layers, int64_t* params, int64_t* macs) {
  *params = 0;
  *macs = 0;
  for (const auto& l : layers) {
    if (l.kind == MobilenetV1LayerKind::kLogits) continue;
    int64_t p = l.kernel * l.kernel * l.in_channels;
    if (l.kind != MobilenetV1LayerKind::kDepthwise) p *= l.out_channels;
    *params += p;
    *macs += p * l.out_size * l.out_size;
  }
}

TEST(MobilenetV1Layers, MatchTfSlimTableForWidth100Input224) {
  auto layers = mobilenet_v1_layers(MobilenetV1Options{});
  ASSERT_TRUE(layers.ok());
  ASSERT_EQ(layers->size(), 28u);
  int64_t params, macs;
  body_cost(*layers, &params, &macs);
  EXPECT_EQ(params, 3185088);
  EXPECT_EQ(macs, 567716352);
  EXPECT_EQ((*layers)[0].scope, "MobilenetV1/Conv2d_0");
  EXPECT_EQ((*layers)[0].out_size, 112);
  EXPECT_EQ((*layers)[25].scope, "MobilenetV1/Conv2d_13_depthwise");
  EXPECT_EQ((*layers)[26].scope, "MobilenetV1/Conv2d_13_pointwise");
  EXPECT_EQ((*layers)[26].out_channels, 1024);
  EXPECT_EQ((*layers)[26].out_size, 7);
  EXPECT_EQ((*layers)[27].scope, "MobilenetV1/Logits/Conv2d_1c_1x1");
  EXPECT_EQ((*layers)[27].out_channels, 1001);
  // Depthwise strides per _CONV_DEFS: 1,2,1,2,1,2,1,1,1,1,1,2,1.
  const int64_t strides[] = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};
  for (int i = 0; i < 13; ++i) {
    const auto& dw = (*layers)[static_cast<size_t>(1 + 2 * i)];
    EXPECT_EQ(dw.kind, MobilenetV1LayerKind::kDepthwise) << dw.scope;
    EXPECT_EQ(dw.stride, strides[i]) << dw.scope;
    EXPECT_EQ(dw.in_channels, dw.out_channels) << dw.scope;
  }
}

TEST(MobilenetV1Layers, MatchTfSlimTableForWidth075Input128) {
  MobilenetV1Options o;
  o.depth_multiplier = 0.75;
  o.input_size = 128;
  auto layers = mobilenet_v1_layers(o);
  ASSERT_TRUE(layers.ok());
  int64_t params, macs;
  body_cost(*layers, &params, &macs);
  EXPECT_EQ(params, 1800144);
  EXPECT_EQ(macs, 106002432);
}

TEST(MobilenetV1Layers, MinDepthRuleKeepsAtLeastEightChannels) {
  MobilenetV1Options o;
  o.depth_multiplier = 0.25;
  auto layers = mobilenet_v1_layers(o);
  ASSERT_TRUE(layers.ok());
  EXPECT_EQ((*layers)[0].out_channels, 8);     // max(int(32 * 0.25), 8)
  EXPECT_EQ((*layers)[2].out_channels, 16);    // Conv2d_1_pointwise: 64 * 0.25
  EXPECT_EQ((*layers)[26].out_channels, 256);  // Conv2d_13_pointwise: 1024 * 0.25
  o.depth_multiplier = 0.1;
  layers = mobilenet_v1_layers(o);
  ASSERT_TRUE(layers.ok());
  EXPECT_EQ((*layers)[0].out_channels, 8);  // int(3.2) = 3 → raised to min_depth 8
  EXPECT_EQ((*layers)[2].out_channels, 8);  // int(6.4) = 6 → 8
}

TEST(MobilenetV1Layers, RejectsOptionsOutOfRange) {
  MobilenetV1Options o;
  o.depth_multiplier = 0.0;
  EXPECT_EQ(validate(o).code(), StatusCode::kInvalidArgument);
  o = {};
  o.input_size = 0;
  EXPECT_EQ(validate(o).code(), StatusCode::kInvalidArgument);
  o = {};
  o.num_classes = 0;
  EXPECT_EQ(validate(o).code(), StatusCode::kInvalidArgument);
  o = {};
  o.channels = 65;
  Status s = validate(o);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("65"), std::string::npos) << s.message();
}

TEST(GenMobilenetV1, FullSizeModelHasTfSlimParameterCount) {
  Generated g = generate(MobilenetV1Options{});
  // 3,185,088 kernel weights + 4 batch-norm vectors over 10,944 channels + 1024×1001 + 1001.
  EXPECT_EQ(g.params, 4254889);
  EXPECT_GT(g.bytes.size(), size_t{17000000});
}

TEST(GenMobilenetV1, SameSeedSameBytesOtherSeedOtherWeights) {
  MobilenetV1Options o;
  o.depth_multiplier = 0.25;
  o.input_size = 32;
  o.num_classes = 10;
  Generated a = generate(o);
  Generated b = generate(o);
  EXPECT_EQ(a.bytes, b.bytes);
  o.seed = 2;
  Generated c = generate(o);
  EXPECT_EQ(a.bytes.size(), c.bytes.size());
  EXPECT_NE(a.bytes, c.bytes);
}

TEST(GenMobilenetV1, NodesHaveTfSlimNamesOpsAndAttrs) {
  MobilenetV1Options o;
  o.depth_multiplier = 0.25;
  o.input_size = 96;
  Generated g = generate(o);
  tfproto::GraphDef graph;
  ASSERT_TRUE(graph.ParseFromArray(g.bytes.data(), static_cast<int>(g.bytes.size())));
  std::map<std::string, const tfproto::NodeDef*> nodes;
  std::map<std::string, int> op_count;
  for (const auto& n : graph.node()) {
    nodes[n.name()] = &n;
    ++op_count[n.op()];
  }
  EXPECT_EQ(op_count["Placeholder"], 1);
  EXPECT_EQ(op_count["Conv2D"], 15);
  EXPECT_EQ(op_count["DepthwiseConv2dNative"], 13);
  EXPECT_EQ(op_count["FusedBatchNormV3"], 27);
  EXPECT_EQ(op_count["Relu6"], 27);
  EXPECT_EQ(op_count["AvgPool"], 1);
  EXPECT_EQ(op_count["Identity"], 1);
  EXPECT_EQ(op_count["BiasAdd"], 1);
  EXPECT_EQ(op_count["Squeeze"], 1);
  EXPECT_EQ(op_count["Reshape"], 1);
  EXPECT_EQ(op_count["Softmax"], 1);
  // 28 kernels + 27 × 4 batch-norm vectors + biases + the reshape target shape.
  EXPECT_EQ(op_count["Const"], 28 + 27 * 4 + 1 + 1);

  auto node = [&](const std::string& name) -> const tfproto::NodeDef& {
    static const tfproto::NodeDef kMissing;
    auto it = nodes.find(name);
    EXPECT_NE(it, nodes.end()) << "missing node " << name;
    return it == nodes.end() ? kMissing : *it->second;
  };
  auto dims = [](const tfproto::NodeDef& n) {
    std::vector<int64_t> d;
    for (const auto& dim : n.attr().at("value").tensor().tensor_shape().dim()) {
      d.push_back(dim.size());
    }
    return d;
  };

  const auto& input = node("input");
  ASSERT_EQ(input.attr().at("shape").shape().dim_size(), 4);
  EXPECT_EQ(input.attr().at("shape").shape().dim(1).size(), 96);

  const auto& conv0 = node("MobilenetV1/Conv2d_0/Conv2D");
  EXPECT_EQ(conv0.op(), "Conv2D");
  ASSERT_EQ(conv0.input_size(), 2);
  EXPECT_EQ(conv0.input(0), "input");
  EXPECT_EQ(conv0.input(1), "MobilenetV1/Conv2d_0/weights");
  EXPECT_EQ(conv0.attr().at("padding").s(), "SAME");
  EXPECT_EQ(conv0.attr().at("strides").list().i(1), 2);
  EXPECT_EQ(dims(node("MobilenetV1/Conv2d_0/weights")), (std::vector<int64_t>{3, 3, 3, 8}));

  const auto& bn = node("MobilenetV1/Conv2d_0/BatchNorm/FusedBatchNormV3");
  EXPECT_EQ(bn.op(), "FusedBatchNormV3");
  ASSERT_EQ(bn.input_size(), 5);
  EXPECT_EQ(bn.input(1), "MobilenetV1/Conv2d_0/BatchNorm/gamma");
  EXPECT_EQ(bn.input(2), "MobilenetV1/Conv2d_0/BatchNorm/beta");
  EXPECT_EQ(bn.input(3), "MobilenetV1/Conv2d_0/BatchNorm/moving_mean");
  EXPECT_EQ(bn.input(4), "MobilenetV1/Conv2d_0/BatchNorm/moving_variance");
  EXPECT_FALSE(bn.attr().at("is_training").b());
  EXPECT_EQ(bn.attr().at("is_training").value_case(), tfproto::AttrValue::kB);
  EXPECT_FLOAT_EQ(bn.attr().at("epsilon").f(), 0.001f);
  EXPECT_EQ(bn.attr().at("data_format").s(), "NHWC");
  EXPECT_EQ(node("MobilenetV1/Conv2d_0/Relu6").input(0),
            "MobilenetV1/Conv2d_0/BatchNorm/FusedBatchNormV3");

  const auto& dw = node("MobilenetV1/Conv2d_12_depthwise/depthwise");
  EXPECT_EQ(dw.op(), "DepthwiseConv2dNative");
  EXPECT_EQ(dw.input(0), "MobilenetV1/Conv2d_11_pointwise/Relu6");
  EXPECT_EQ(dw.attr().at("strides").list().i(2), 2);
  EXPECT_EQ(dims(node("MobilenetV1/Conv2d_12_depthwise/depthwise_weights")),
            (std::vector<int64_t>{3, 3, 128, 1}));
  EXPECT_EQ(node("MobilenetV1/Conv2d_12_pointwise/Conv2D").input(0),
            "MobilenetV1/Conv2d_12_depthwise/Relu6");
  EXPECT_EQ(dims(node("MobilenetV1/Conv2d_13_pointwise/weights")),
            (std::vector<int64_t>{1, 1, 256, 256}));

  const auto& pool = node("MobilenetV1/Logits/AvgPool_1a/AvgPool");
  EXPECT_EQ(pool.attr().at("padding").s(), "VALID");
  EXPECT_EQ(pool.attr().at("ksize").list().i(1), 3);  // 96 / 32
  EXPECT_EQ(node("MobilenetV1/Logits/Dropout_1b/Identity").input(0),
            "MobilenetV1/Logits/AvgPool_1a/AvgPool");
  EXPECT_EQ(dims(node("MobilenetV1/Logits/Conv2d_1c_1x1/weights")),
            (std::vector<int64_t>{1, 1, 256, 1001}));
  EXPECT_EQ(node("MobilenetV1/Logits/Conv2d_1c_1x1/BiasAdd").input(1),
            "MobilenetV1/Logits/Conv2d_1c_1x1/biases");
  const auto& squeeze = node("MobilenetV1/Logits/SpatialSqueeze");
  ASSERT_EQ(squeeze.attr().at("squeeze_dims").list().i_size(), 2);
  EXPECT_EQ(squeeze.attr().at("squeeze_dims").list().i(0), 1);
  EXPECT_EQ(squeeze.attr().at("squeeze_dims").list().i(1), 2);
  EXPECT_EQ(node("MobilenetV1/Predictions/Reshape").input(1),
            "MobilenetV1/Predictions/Reshape/shape");
  EXPECT_EQ(node("MobilenetV1/Predictions/Softmax").input(0), "MobilenetV1/Predictions/Reshape");
  EXPECT_EQ(graph.node(graph.node_size() - 1).name(), kMobilenetV1OutputName);
}

// OpenCV dnn reads the generated GraphDef with its own TensorFlow importer and runs it: the
// graph is valid TensorFlow, and the random weights give a softmax that is neither one-hot nor
// uniform.
TEST(GenMobilenetV1, Width025Input96RunsInOpenCvDnn) {
  MobilenetV1Options o;
  o.depth_multiplier = 0.25;
  o.input_size = 96;
  o.seed = 7;
  Generated g = generate(o);
  ASSERT_FALSE(g.bytes.empty());

  cv::Mat probs;
  std::vector<cv::String> layer_names;
  try {
    cv::dnn::Net net = cv::dnn::readNetFromTensorflow(reinterpret_cast<const char*>(g.bytes.data()),
                                                      g.bytes.size());
    ASSERT_FALSE(net.empty());
    layer_names = net.getLayerNames();
    const int blob_shape[] = {1, 3, 96, 96};  // OpenCV takes NCHW blobs for TF graphs
    cv::Mat blob(4, blob_shape, CV_32F);
    cv::RNG rng(12345);
    rng.fill(blob, cv::RNG::UNIFORM, -1.0, 1.0);
    net.setInput(blob);
    probs = net.forward(kMobilenetV1OutputName).clone();
  } catch (const cv::Exception& e) {
    FAIL() << "OpenCV dnn: " << e.what();
  }
  EXPECT_NE(
      std::find(layer_names.begin(), layer_names.end(), "MobilenetV1/Conv2d_13_pointwise/Conv2D"),
      layer_names.end());

  ASSERT_EQ(probs.total(), 1001u);
  probs = probs.reshape(1, 1);
  double sum = 0.0, max_p = 0.0, entropy = 0.0;
  for (int i = 0; i < 1001; ++i) {
    const double p = probs.at<float>(i);
    ASSERT_TRUE(std::isfinite(p) && p > 0.0 && p < 1.0) << "class " << i << ": " << p;
    sum += p;
    max_p = std::max(max_p, p);
    entropy -= p * std::log(p);
  }
  EXPECT_NEAR(sum, 1.0, 1e-4);
  EXPECT_GT(max_p, 3.0 / 1001.0);               // not uniform
  EXPECT_LT(max_p, 0.5);                        // not one-hot
  EXPECT_LT(entropy, std::log(1001.0) - 0.05);  // measurably below the uniform entropy
}

}  // namespace
}  // namespace qexp::tools

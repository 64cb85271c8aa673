#include "tools/gen_mobilenet/mobilenet_v1.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <numbers>
#include <utility>

#include "framework/core/strings.h"
#include "framework/core/tensor.h"

namespace qexp::tools {
namespace {

using tf::AttrList;
using tf::AttrValue;
using tf::DataType;

// splitmix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fully specified, so the
// same seed gives the same model with any compiler and standard library (unlike
// std::normal_distribution, whose algorithm is implementation-defined).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t next_u64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Standard normal by Box–Muller; the second value of each pair is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * std::numbers::pi * u2;
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }

 private:
  uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

struct ConvDef {
  MobilenetV1LayerKind kind;  // kConv or kDepthwise (a depthwise-separable block)
  int64_t stride;
  int64_t depth;
};

// TF-slim's _CONV_DEFS for MobileNet v1 (all kernels 3×3).
constexpr ConvDef kConvDefs[] = {
    {MobilenetV1LayerKind::kConv, 2, 32},        {MobilenetV1LayerKind::kDepthwise, 1, 64},
    {MobilenetV1LayerKind::kDepthwise, 2, 128},  {MobilenetV1LayerKind::kDepthwise, 1, 128},
    {MobilenetV1LayerKind::kDepthwise, 2, 256},  {MobilenetV1LayerKind::kDepthwise, 1, 256},
    {MobilenetV1LayerKind::kDepthwise, 2, 512},  {MobilenetV1LayerKind::kDepthwise, 1, 512},
    {MobilenetV1LayerKind::kDepthwise, 1, 512},  {MobilenetV1LayerKind::kDepthwise, 1, 512},
    {MobilenetV1LayerKind::kDepthwise, 1, 512},  {MobilenetV1LayerKind::kDepthwise, 1, 512},
    {MobilenetV1LayerKind::kDepthwise, 2, 1024}, {MobilenetV1LayerKind::kDepthwise, 1, 1024},
};

constexpr float kBatchNormEpsilon = 0.001f;  // TF-slim's mobilenet_v1_arg_scope

Tensor random_tensor(Random& rng, Shape shape, double stddev) {
  Tensor t(DType::kFloat32, std::move(shape));
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = static_cast<float>(stddev * rng.normal());
  return t;
}

Tensor uniform_tensor(Random& rng, int64_t n, double lo, double hi) {
  Tensor t(DType::kFloat32, Shape{n});
  float* p = t.data<float>();
  for (int64_t i = 0; i < n; ++i) p[i] = static_cast<float>(rng.uniform(lo, hi));
  return t;
}

AttrList conv_attrs(int64_t stride, bool depthwise) {
  AttrList attrs = {
      {"T", AttrValue::type(DataType::kFloat)},
      {"data_format", AttrValue::string("NHWC")},
      {"dilations", AttrValue::int_list({1, 1, 1, 1})},
      {"explicit_paddings", AttrValue::int_list({})},
      {"padding", AttrValue::string("SAME")},
      {"strides", AttrValue::int_list({1, stride, stride, 1})},
  };
  if (!depthwise) attrs.emplace_back("use_cudnn_on_gpu", AttrValue::boolean(true));
  return attrs;
}

// Emits <scope>/BatchNorm/{gamma,beta,moving_mean,moving_variance} + FusedBatchNormV3 (inference)
// and <scope>/Relu6; returns the Relu6 node name.
Result<std::string> add_batch_norm_relu6(tf::GraphDefWriter& w, Random& rng,
                                         const std::string& scope, const std::string& input,
                                         int64_t channels, int64_t* params) {
  const std::string bn = scope + "/BatchNorm";
  // Plausible statistics of a trained network: scales near 1, small shifts and means, variances around 1.
  QEXP_RETURN_IF_ERROR(w.add_const(bn + "/gamma", uniform_tensor(rng, channels, 0.9, 1.1)));
  QEXP_RETURN_IF_ERROR(w.add_const(bn + "/beta", uniform_tensor(rng, channels, -0.1, 0.1)));
  QEXP_RETURN_IF_ERROR(w.add_const(bn + "/moving_mean", uniform_tensor(rng, channels, -0.1, 0.1)));
  QEXP_RETURN_IF_ERROR(
      w.add_const(bn + "/moving_variance", uniform_tensor(rng, channels, 0.5, 1.5)));
  *params += 4 * channels;
  const std::string fused = bn + "/FusedBatchNormV3";
  QEXP_RETURN_IF_ERROR(
      w.add_node(fused, "FusedBatchNormV3",
                 {input, bn + "/gamma", bn + "/beta", bn + "/moving_mean", bn + "/moving_variance"},
                 {{"T", AttrValue::type(DataType::kFloat)},
                  {"U", AttrValue::type(DataType::kFloat)},
                  {"data_format", AttrValue::string("NHWC")},
                  {"epsilon", AttrValue::real(kBatchNormEpsilon)},
                  {"exponential_avg_factor", AttrValue::real(1.0f)},
                  {"is_training", AttrValue::boolean(false)}}));
  const std::string relu = scope + "/Relu6";
  QEXP_RETURN_IF_ERROR(
      w.add_node(relu, "Relu6", {fused}, {{"T", AttrValue::type(DataType::kFloat)}}));
  return relu;
}

}  // namespace

Status validate(const MobilenetV1Options& o) {
  if (!(o.depth_multiplier > 0.0 && o.depth_multiplier <= 4.0)) {
    return invalid_argument(str_cat("depth multiplier (width) ", format_double(o.depth_multiplier),
                                    " is outside (0, 4]"));
  }
  if (o.min_depth < 1 || o.min_depth > 4096) {
    return invalid_argument(str_cat("min depth ", o.min_depth, " is outside [1, 4096]"));
  }
  if (o.input_size < 1 || o.input_size > 4096) {
    return invalid_argument(str_cat("input size ", o.input_size, " is outside [1, 4096]"));
  }
  if (o.channels < 1 || o.channels > 64) {
    return invalid_argument(str_cat("input channels ", o.channels, " is outside [1, 64]"));
  }
  if (o.num_classes < 1 || o.num_classes > 100000) {
    return invalid_argument(
        str_cat("number of classes ", o.num_classes, " is outside [1, 100000]"));
  }
  return ok_status();
}

Result<std::vector<MobilenetV1Layer>> mobilenet_v1_layers(const MobilenetV1Options& o) {
  QEXP_RETURN_IF_ERROR(validate(o));
  // TF-slim: depth = lambda d: max(int(d * depth_multiplier), min_depth)
  auto depth = [&](int64_t d) {
    return std::max(static_cast<int64_t>(static_cast<double>(d) * o.depth_multiplier), o.min_depth);
  };
  std::vector<MobilenetV1Layer> layers;
  int64_t channels = o.channels;
  int64_t size = o.input_size;
  for (size_t i = 0; i < std::size(kConvDefs); ++i) {
    const ConvDef& def = kConvDefs[i];
    const std::string base = str_cat("MobilenetV1/Conv2d_", i);
    size = (size + def.stride - 1) / def.stride;  // SAME padding
    if (def.kind == MobilenetV1LayerKind::kConv) {
      layers.push_back({base, def.kind, 3, def.stride, channels, depth(def.depth), size});
    } else {
      layers.push_back({base + "_depthwise", MobilenetV1LayerKind::kDepthwise, 3, def.stride,
                        channels, channels, size});
      layers.push_back({base + "_pointwise", MobilenetV1LayerKind::kPointwise, 1, 1, channels,
                        depth(def.depth), size});
    }
    channels = layers.back().out_channels;
  }
  layers.push_back({"MobilenetV1/Logits/Conv2d_1c_1x1", MobilenetV1LayerKind::kLogits, 1, 1,
                    channels, o.num_classes, 1});
  return layers;
}

Result<int64_t> build_mobilenet_v1(const MobilenetV1Options& o, tf::GraphDefWriter* writer) {
  QEXP_ASSIGN_OR_RETURN(std::vector<MobilenetV1Layer> layers, mobilenet_v1_layers(o));
  tf::GraphDefWriter& w = *writer;
  Random rng(o.seed);
  int64_t params = 0;
  const AttrList float_t = {{"T", AttrValue::type(DataType::kFloat)}};

  QEXP_RETURN_IF_ERROR(w.add_placeholder(kMobilenetV1InputName, DType::kFloat32,
                                         {1, o.input_size, o.input_size, o.channels}));
  std::string net = kMobilenetV1InputName;
  int64_t feature_size = o.input_size;

  for (const MobilenetV1Layer& layer : layers) {
    const int64_t k = layer.kernel;
    const int64_t cin = layer.in_channels;
    const int64_t cout = layer.out_channels;
    if (layer.kind == MobilenetV1LayerKind::kLogits) break;
    std::string conv;
    if (layer.kind == MobilenetV1LayerKind::kDepthwise) {
      // He-normal with fan_in = k*k (each output channel sees one input channel). HWCM, M = 1.
      const std::string weights = layer.scope + "/depthwise_weights";
      QEXP_RETURN_IF_ERROR(w.add_const(
          weights, random_tensor(rng, Shape{k, k, cin, 1}, std::sqrt(2.0 / double(k * k)))));
      params += k * k * cin;
      conv = layer.scope + "/depthwise";
      QEXP_RETURN_IF_ERROR(w.add_node(conv, "DepthwiseConv2dNative", {net, weights},
                                      conv_attrs(layer.stride, /*depthwise=*/true)));
    } else {
      // He-normal, fan_in = k*k*cin. HWIO.
      const std::string weights = layer.scope + "/weights";
      QEXP_RETURN_IF_ERROR(w.add_const(
          weights,
          random_tensor(rng, Shape{k, k, cin, cout}, std::sqrt(2.0 / double(k * k * cin)))));
      params += k * k * cin * cout;
      conv = layer.scope + "/Conv2D";
      QEXP_RETURN_IF_ERROR(
          w.add_node(conv, "Conv2D", {net, weights}, conv_attrs(layer.stride, false)));
    }
    QEXP_ASSIGN_OR_RETURN(net, add_batch_norm_relu6(w, rng, layer.scope, conv, cout, &params));
    feature_size = layer.out_size;
  }

  // Logits. TF-slim pools with kernel min(feature map, 7) and stride 2; qexp always pools the
  // whole final feature map (identical up to input 224, and still 1×1 above it).
  const std::string logits = "MobilenetV1/Logits";
  const std::string pool = logits + "/AvgPool_1a/AvgPool";
  QEXP_RETURN_IF_ERROR(
      w.add_node(pool, "AvgPool", {net},
                 {{"T", AttrValue::type(DataType::kFloat)},
                  {"data_format", AttrValue::string("NHWC")},
                  {"ksize", AttrValue::int_list({1, feature_size, feature_size, 1})},
                  {"padding", AttrValue::string("VALID")},
                  {"strides", AttrValue::int_list({1, 2, 2, 1})}}));
  // slim.dropout with is_training=False is an Identity.
  const std::string dropout = logits + "/Dropout_1b/Identity";
  QEXP_RETURN_IF_ERROR(w.add_node(dropout, "Identity", {pool}, float_t));

  const MobilenetV1Layer& fc = layers.back();
  const std::string weights = fc.scope + "/weights";
  const std::string biases = fc.scope + "/biases";
  QEXP_RETURN_IF_ERROR(
      w.add_const(weights, random_tensor(rng, Shape{1, 1, fc.in_channels, fc.out_channels},
                                         std::sqrt(2.0 / double(fc.in_channels)))));
  QEXP_RETURN_IF_ERROR(w.add_const(biases, uniform_tensor(rng, fc.out_channels, -0.05, 0.05)));
  params += fc.in_channels * fc.out_channels + fc.out_channels;
  const std::string fc_conv = fc.scope + "/Conv2D";
  QEXP_RETURN_IF_ERROR(w.add_node(fc_conv, "Conv2D", {dropout, weights}, conv_attrs(1, false)));
  const std::string bias_add = fc.scope + "/BiasAdd";
  QEXP_RETURN_IF_ERROR(w.add_node(
      bias_add, "BiasAdd", {fc_conv, biases},
      {{"T", AttrValue::type(DataType::kFloat)}, {"data_format", AttrValue::string("NHWC")}}));
  const std::string squeeze = logits + "/SpatialSqueeze";
  QEXP_RETURN_IF_ERROR(w.add_node(
      squeeze, "Squeeze", {bias_add},
      {{"T", AttrValue::type(DataType::kFloat)}, {"squeeze_dims", AttrValue::int_list({1, 2})}}));

  // slim.softmax: reshape the logits to 2-D [-1, classes], then softmax.
  const std::string reshape = "MobilenetV1/Predictions/Reshape";
  Tensor shape(DType::kInt32, Shape{2});
  shape.data<int32_t>()[0] = -1;
  shape.data<int32_t>()[1] = static_cast<int32_t>(o.num_classes);
  QEXP_RETURN_IF_ERROR(w.add_const(reshape + "/shape", shape));
  QEXP_RETURN_IF_ERROR(w.add_node(
      reshape, "Reshape", {squeeze, reshape + "/shape"},
      {{"T", AttrValue::type(DataType::kFloat)}, {"Tshape", AttrValue::type(DataType::kInt32)}}));
  QEXP_RETURN_IF_ERROR(w.add_node(kMobilenetV1OutputName, "Softmax", {reshape}, float_t));
  return params;
}

}  // namespace qexp::tools

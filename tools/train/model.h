#pragma once
/// MobileNet v1 for small grayscale images (Fashion-MNIST, 28×28×1), as a libtorch module whose
/// layers map one to one onto the TF-slim scopes the exporter writes.
///
/// Structure: a 3×3 Conv2d_0 stem, then `blocks` depthwise-separable blocks Conv2d_{i}_depthwise
/// (3×3 depthwise) + Conv2d_{i}_pointwise (1×1), each followed by BatchNorm and ReLU6 (or, with
/// batch_norm = false, a bias and ReLU6); global average pool, dropout, a 1×1 convolution
/// Logits/Conv2d_1c_1x1 with bias. Channel counts and block strides are TF-slim's _CONV_DEFS
/// (depth = max(int(d · width), min_depth)). Padding is TensorFlow's SAME, reproduced exactly:
/// where SAME pads asymmetrically (stride 2 on an even-sized input: the extra row / column goes
/// at the bottom / right) the layer pads explicitly before an unpadded convolution.
///
/// Tensors are NCHW inside libtorch; the input is [N, channels, size, size] with values in [0, 1].

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/status.h"

namespace qexp::train {

struct NetOptions {
  double width = 0.5;        ///< TF-slim depth_multiplier, in (0, 4]
  int64_t min_depth = 8;     ///< no layer gets fewer channels
  int64_t blocks = 7;        ///< depthwise-separable blocks, in [1, 13] (TF-slim has 13)
  int64_t stem_stride = 1;   ///< stride of Conv2d_0: 1 or 2
  bool batch_norm = true;    ///< false: conv + bias + ReLU6 (no BatchNorm anywhere)
  double dropout = 0.2;      ///< drop probability before the logits, in [0, 1)
  double bn_epsilon = 1e-3;  ///< TF-slim's batch-norm epsilon (written into the graph)
  double bn_momentum = 0.1;  ///< PyTorch convention: running = (1 - m) · running + m · batch
  int64_t input_size = 28;   ///< H = W of the input
  int64_t channels = 1;      ///< C of the input
  int64_t num_classes = 10;
};

/// Errors: an option outside its documented range.
Status validate(const NetOptions& options);

enum class LayerKind { kConv, kDepthwise, kPointwise };

/// One convolution + (BatchNorm | bias) + ReLU6 layer of the plan.
struct LayerPlan {
  std::string scope;  ///< "MobilenetV1/Conv2d_3_pointwise"
  std::string name;   ///< module name without the "MobilenetV1/" prefix: "Conv2d_3_pointwise"
  LayerKind kind;
  int64_t kernel;  ///< 3 or 1
  int64_t stride;  ///< 1 or 2
  int64_t in_channels;
  int64_t out_channels;
  int64_t in_size;     ///< H = W of the layer input
  int64_t out_size;    ///< ceil(in_size / stride) (SAME)
  int64_t pad_before;  ///< TF SAME padding: top = left
  int64_t pad_after;   ///< bottom = right (pad_before or pad_before + 1)
};

/// The conv layers (stem, then depthwise + pointwise per block), without the logits.
/// Errors: see validate().
Result<std::vector<LayerPlan>> plan_layers(const NetOptions& options);

inline constexpr char kLogitsScope[] = "MobilenetV1/Logits/Conv2d_1c_1x1";

/// One conv layer: optional explicit (asymmetric) padding, convolution, BatchNorm or bias, ReLU6.
class ConvUnitImpl : public torch::nn::Module {
 public:
  ConvUnitImpl(const LayerPlan& plan, const NetOptions& options);
  torch::Tensor forward(torch::Tensor x);

  const LayerPlan& plan() const { return plan_; }
  /// Weights in PyTorch layout: [out, in, kh, kw] ([C, 1, kh, kw] for depthwise).
  torch::nn::Conv2d conv{nullptr};
  /// Null without batch norm (conv.bias is the bias then).
  torch::nn::BatchNorm2d bn{nullptr};

 private:
  LayerPlan plan_;
  bool explicit_pad_ = false;
};
TORCH_MODULE(ConvUnit);

class MobileNetImpl : public torch::nn::Module {
 public:
  /// Precondition: validate(options) is ok.
  explicit MobileNetImpl(const NetOptions& options);

  /// [N, C, H, W] in [0, 1] → logits [N, num_classes].
  torch::Tensor forward(torch::Tensor x);

  const NetOptions& options() const { return options_; }
  const std::vector<ConvUnit>& units() const { return units_; }
  torch::nn::Conv2d& logits() { return logits_; }
  /// H = W of the last feature map (the average pool's window).
  int64_t final_size() const { return units_.back()->plan().out_size; }

  /// The kernels an L2 regularizer applies to: every conv / depthwise / logits weight (not
  /// biases, not BatchNorm parameters), in layer order.
  std::vector<torch::Tensor> regularized_kernels() const;
  /// Σ numel over trainable parameters (kernels, biases, BatchNorm gamma / beta).
  int64_t trainable_parameters() const;

 private:
  NetOptions options_;
  std::vector<ConvUnit> units_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Conv2d logits_{nullptr};
};
TORCH_MODULE(MobileNet);

/// Builds the network and initialises it from torch's global generator (seed it first with
/// torch::manual_seed): kernels He-normal with fan_in (kh·kw·Cin; kh·kw for depthwise), logits
/// N(0, 0.01), biases 0, gamma 1, beta 0.
Result<MobileNet> make_mobilenet(const NetOptions& options);

}  // namespace qexp::train

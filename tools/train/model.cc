#include "tools/train/model.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include "framework/core/strings.h"

namespace qexp::train {
namespace {

namespace F = torch::nn::functional;

struct BlockDef {
  int64_t stride;
  int64_t depth;
};

// TF-slim's _CONV_DEFS for MobileNet v1: the stem has depth 32; then 13 depthwise-separable
// blocks (stride of the depthwise conv, depth of the pointwise conv).
constexpr int64_t kStemDepth = 32;
constexpr BlockDef kBlockDefs[] = {
    {1, 64},  {2, 128}, {1, 128}, {2, 256}, {1, 256},  {2, 512},  {1, 512},
    {1, 512}, {1, 512}, {1, 512}, {1, 512}, {2, 1024}, {1, 1024},
};
constexpr int64_t kMaxBlocks = static_cast<int64_t>(std::size(kBlockDefs));

LayerPlan make_plan(std::string name, LayerKind kind, int64_t kernel, int64_t stride,
                    int64_t in_channels, int64_t out_channels, int64_t in_size) {
  LayerPlan p;
  p.scope = str_cat("MobilenetV1/", name);
  p.name = std::move(name);
  p.kind = kind;
  p.kernel = kernel;
  p.stride = stride;
  p.in_channels = in_channels;
  p.out_channels = out_channels;
  p.in_size = in_size;
  // TensorFlow's SAME: out = ceil(in / stride); total padding = max((out - 1) · stride + k - in,
  // 0), of which the smaller half goes before (top / left) and the rest after.
  p.out_size = (in_size + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((p.out_size - 1) * stride + kernel - in_size, 0);
  p.pad_before = total / 2;
  p.pad_after = total - p.pad_before;
  return p;
}

}  // namespace

Status validate(const NetOptions& o) {
  if (!(o.width > 0.0 && o.width <= 4.0)) {
    return invalid_argument(str_cat("width ", format_double(o.width), " is outside (0, 4]"));
  }
  if (o.min_depth < 1 || o.min_depth > 4096) {
    return invalid_argument(str_cat("min depth ", o.min_depth, " is outside [1, 4096]"));
  }
  if (o.blocks < 1 || o.blocks > kMaxBlocks) {
    return invalid_argument(str_cat("blocks ", o.blocks, " is outside [1, ", kMaxBlocks, "]"));
  }
  if (o.stem_stride != 1 && o.stem_stride != 2) {
    return invalid_argument(str_cat("stem stride ", o.stem_stride, " is not 1 or 2"));
  }
  if (!(o.dropout >= 0.0 && o.dropout < 1.0)) {
    return invalid_argument(str_cat("dropout ", format_double(o.dropout), " is outside [0, 1)"));
  }
  if (!(o.bn_epsilon > 0.0) || !(o.bn_momentum > 0.0 && o.bn_momentum <= 1.0)) {
    return invalid_argument(str_cat("batch-norm epsilon ", format_double(o.bn_epsilon),
                                    " / momentum ", format_double(o.bn_momentum),
                                    " must be > 0 / in (0, 1]"));
  }
  if (o.input_size < 1 || o.input_size > 4096 || o.channels < 1 || o.channels > 64 ||
      o.num_classes < 1 || o.num_classes > 100000) {
    return invalid_argument(str_cat("input ", o.input_size, "x", o.input_size, "x", o.channels,
                                    " / ", o.num_classes,
                                    " classes: expected size in [1, 4096], channels in [1, 64], "
                                    "classes in [1, 100000]"));
  }
  return ok_status();
}

Result<std::vector<LayerPlan>> plan_layers(const NetOptions& o) {
  QEXP_RETURN_IF_ERROR(validate(o));
  auto depth = [&](int64_t d) {  // TF-slim: max(int(d * depth_multiplier), min_depth)
    return std::max(static_cast<int64_t>(static_cast<double>(d) * o.width), o.min_depth);
  };
  std::vector<LayerPlan> layers;
  layers.push_back(make_plan("Conv2d_0", LayerKind::kConv, 3, o.stem_stride, o.channels,
                             depth(kStemDepth), o.input_size));
  for (int64_t i = 0; i < o.blocks; ++i) {
    const BlockDef& def = kBlockDefs[i];
    const LayerPlan& prev = layers.back();
    const int64_t c = prev.out_channels;
    layers.push_back(make_plan(str_cat("Conv2d_", i + 1, "_depthwise"), LayerKind::kDepthwise, 3,
                               def.stride, c, c, prev.out_size));
    const int64_t size = layers.back().out_size;
    layers.push_back(make_plan(str_cat("Conv2d_", i + 1, "_pointwise"), LayerKind::kPointwise, 1, 1,
                               c, depth(def.depth), size));
  }
  return layers;
}

ConvUnitImpl::ConvUnitImpl(const LayerPlan& plan, const NetOptions& options) : plan_(plan) {
  explicit_pad_ = plan.pad_before != plan.pad_after;
  const int64_t groups = plan.kind == LayerKind::kDepthwise ? plan.in_channels : 1;
  conv = register_module(
      "conv",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(plan.in_channels, plan.out_channels, plan.kernel)
                            .stride(plan.stride)
                            .padding(explicit_pad_ ? 0 : plan.pad_before)
                            .groups(groups)
                            .bias(!options.batch_norm)));
  if (options.batch_norm) {
    bn = register_module("bn",
                         torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(plan.out_channels)
                                                    .eps(options.bn_epsilon)
                                                    .momentum(options.bn_momentum)));
  }
}

torch::Tensor ConvUnitImpl::forward(torch::Tensor x) {
  if (explicit_pad_) {
    // F.pad order: (left, right, top, bottom); TF SAME puts the odd row / column after.
    x = F::pad(x, F::PadFuncOptions(
                      {plan_.pad_before, plan_.pad_after, plan_.pad_before, plan_.pad_after}));
  }
  x = conv->forward(x);
  if (bn) x = bn->forward(x);
  return torch::hardtanh(x, 0.0, 6.0);  // ReLU6
}

MobileNetImpl::MobileNetImpl(const NetOptions& options) : options_(options) {
  auto plan = plan_layers(options);
  TORCH_CHECK(plan.ok(), "MobileNet: ", plan.status().message());
  for (const LayerPlan& layer : plan.value()) {
    units_.push_back(register_module(layer.name, ConvUnit(layer, options)));
  }
  dropout_ = register_module("Dropout_1b", torch::nn::Dropout(options.dropout));
  const int64_t c = units_.back()->plan().out_channels;
  logits_ = register_module(
      "Conv2d_1c_1x1",
      torch::nn::Conv2d(torch::nn::Conv2dOptions(c, options.num_classes, 1).bias(true)));
}

torch::Tensor MobileNetImpl::forward(torch::Tensor x) {
  for (auto& unit : units_) x = unit->forward(x);
  x = x.mean({2, 3}, /*keepdim=*/true);  // AvgPool over the whole final feature map
  x = dropout_->forward(x);
  x = logits_->forward(x);
  return x.flatten(1);
}

std::vector<torch::Tensor> MobileNetImpl::regularized_kernels() const {
  std::vector<torch::Tensor> kernels;
  for (const auto& unit : units_) kernels.push_back(unit->conv->weight);
  kernels.push_back(logits_->weight);
  return kernels;
}

int64_t MobileNetImpl::trainable_parameters() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

Result<MobileNet> make_mobilenet(const NetOptions& options) {
  QEXP_RETURN_IF_ERROR(validate(options));
  MobileNet net(options);
  torch::NoGradGuard no_grad;
  for (const auto& unit : net->units()) {
    // He-normal, fan_in = kh·kw·(in / groups): 9 for depthwise, Cin for pointwise.
    torch::nn::init::kaiming_normal_(unit->conv->weight, 0.0, torch::kFanIn, torch::kReLU);
    if (unit->conv->bias.defined()) unit->conv->bias.zero_();
    if (unit->bn) {
      unit->bn->weight.fill_(1.0);
      unit->bn->bias.zero_();
    }
  }
  net->logits()->weight.normal_(0.0, 0.01);
  net->logits()->bias.zero_();
  return net;
}

}  // namespace qexp::train

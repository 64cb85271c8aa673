#pragma once
/// MobileNet v1 as a frozen TensorFlow GraphDef with TF-slim's layer structure and node names,
/// filled with seeded random weights (He-normal kernels, plausible batch-norm statistics).
///
/// The graph is what TF-slim's `mobilenet_v1(is_training=False)` freezes to: input Placeholder
/// `input` [1,H,W,C] → Conv2d_0 (3×3/2 Conv2D + FusedBatchNormV3 + Relu6) → 13 depthwise-separable
/// blocks Conv2d_{1..13}_{depthwise,pointwise} → Logits (AvgPool, Dropout as Identity, 1×1 Conv2D
/// + BiasAdd, SpatialSqueeze) → Predictions (Reshape, Softmax). Same options and seed give the
/// same bytes.

#include <cstdint>
#include <string>
#include <vector>

#include "framework/core/status.h"
#include "framework/importers/tf/graphdef_writer.h"

namespace qexp::tools {

struct MobilenetV1Options {
  double depth_multiplier = 1.0;  ///< TF-slim's depth_multiplier ("width"), in (0, 4]
  int64_t min_depth = 8;          ///< TF-slim's min_depth: no layer gets fewer channels
  int64_t input_size = 224;       ///< H = W of the input, in [1, 4096]
  int64_t channels = 3;           ///< C of the input, in [1, 64]
  int64_t num_classes = 1001;     ///< outputs of the classifier, in [1, 100000]
  uint64_t seed = 1;              ///< seeds every random value
};

inline constexpr char kMobilenetV1InputName[] = "input";
inline constexpr char kMobilenetV1OutputName[] = "MobilenetV1/Predictions/Softmax";

enum class MobilenetV1LayerKind { kConv, kDepthwise, kPointwise, kLogits };

/// One convolution layer of the plan.
struct MobilenetV1Layer {
  std::string scope;  ///< "MobilenetV1/Conv2d_3_pointwise"
  MobilenetV1LayerKind kind;
  int64_t kernel;  ///< 3 or 1
  int64_t stride;
  int64_t in_channels;
  int64_t out_channels;
  int64_t out_size;  ///< H = W of the layer output (SAME padding: ceil(in / stride))
};

/// Errors: an option outside its documented range.
Status validate(const MobilenetV1Options& options);

/// The 28 convolution layers (Conv2d_0, 13 × depthwise + pointwise, Logits/Conv2d_1c_1x1) with
/// TF-slim's _CONV_DEFS strides and channel counts max(int(depth * multiplier), min_depth).
Result<std::vector<MobilenetV1Layer>> mobilenet_v1_layers(const MobilenetV1Options& options);

/// Adds the whole network to `writer` (which should be empty). Returns the number of weight
/// values (parameters) written.
Result<int64_t> build_mobilenet_v1(const MobilenetV1Options& options, tf::GraphDefWriter* writer);

}  // namespace qexp::tools

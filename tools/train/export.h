#pragma once
/// Writes a trained MobileNet as a frozen TensorFlow GraphDef with TF-slim's node names.
///
/// Graph (NHWC; `<s>` = a layer scope such as MobilenetV1/Conv2d_1_depthwise):
///   input                      Placeholder float32 [-1, size, size, channels], values in [0, 1]
///   <s>/weights → <s>/Conv2D   Conv2D, HWIO kernel, SAME            (stem and pointwise layers)
///   <s>/depthwise_weights → <s>/depthwise   DepthwiseConv2dNative, [kh, kw, C, 1], SAME
///   <s>/BatchNorm/{gamma,beta,moving_mean,moving_variance} → <s>/BatchNorm/FusedBatchNormV3
///                              (is_training = false, the trained epsilon; unfolded)
///     or, without batch norm, <s>/biases → <s>/BiasAdd
///   <s>/Relu6
///   MobilenetV1/Logits/AvgPool_1a/AvgPool (VALID, window = the final map) → Dropout_1b/Identity →
///   Logits/Conv2d_1c_1x1/{weights, Conv2D, biases, BiasAdd} → Logits/SpatialSqueeze →
///   Predictions/Reshape (+ /shape [-1, classes]) → MobilenetV1/Predictions/Softmax (the output)
/// With regularizers (l2 > 0), after each kernel `<k>` (= <s>/weights or <s>/depthwise_weights):
///   <k>/Regularizer/l2_regularizer/scale   Const float32 scalar = l2
///   <k>/Regularizer/l2_regularizer/L2Loss  L2Loss(<k>)
///   <k>/Regularizer/l2_regularizer         Mul(scale, L2Loss)
/// TF1's training-graph subgraph; no path leads from it to the output.

#include <cstdint>
#include <string>

#include "framework/core/status.h"
#include "framework/importers/tf/graphdef_writer.h"
#include "tools/train/model.h"

namespace qexp::train {

inline constexpr char kInputName[] = "input";
inline constexpr char kOutputName[] = "MobilenetV1/Predictions/Softmax";

struct ExportOptions {
  /// Writes the l2_regularizer subgraphs with this scale when > 0.
  double l2_regularizer_scale = 0.0;
};

struct ExportSummary {
  int64_t nodes = 0;
  int64_t values = 0;       ///< float values of all Consts (kernels, biases, BN incl. moving stats)
  int64_t regularized = 0;  ///< kernels with a regularizer subgraph
};

/// Adds the network (in eval semantics) to an empty `writer`.
/// Errors: writer errors (duplicate names), a non-finite regularizer scale.
Result<ExportSummary> export_graphdef(MobileNet& net, const ExportOptions& options,
                                      tf::GraphDefWriter* writer);

/// The kernel Const name of a layer: "<scope>/weights" or "<scope>/depthwise_weights".
std::string kernel_name(const LayerPlan& layer);

}  // namespace qexp::train

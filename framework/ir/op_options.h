#pragma once
/// Typed options of IR ops (the TFLite builtin options qexp understands, plus IR-only ones).

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

namespace qexp::ir {

enum class Padding : uint8_t { kSame = 0, kValid = 1 };  // TFLite values

/// Fused activation; values equal TFLite's ActivationFunctionType.
enum class Activation : uint8_t {
  kNone = 0,
  kRelu = 1,
  kReluN1To1 = 2,
  kRelu6 = 3,
  kTanh = 4,
  kSignBit = 5,
};

std::string_view padding_name(Padding p);
std::string_view activation_name(Activation a);

struct NoOptions {
  bool operator==(const NoOptions&) const = default;
};

struct Conv2DOptions {
  Padding padding = Padding::kSame;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  Activation activation = Activation::kNone;
  bool operator==(const Conv2DOptions&) const = default;
};

struct DepthwiseConv2DOptions {
  Padding padding = Padding::kSame;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int depth_multiplier = 1;
  Activation activation = Activation::kNone;
  bool operator==(const DepthwiseConv2DOptions&) const = default;
};

struct Pool2DOptions {
  Padding padding = Padding::kValid;
  int stride_h = 1, stride_w = 1;
  int filter_h = 1, filter_w = 1;
  Activation activation = Activation::kNone;
  bool operator==(const Pool2DOptions&) const = default;
};

struct FullyConnectedOptions {
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;
  bool operator==(const FullyConnectedOptions&) const = default;
};

/// ADD, SUB, MUL.
struct ElementwiseOptions {
  Activation activation = Activation::kNone;
  bool operator==(const ElementwiseOptions&) const = default;
};

struct SoftmaxOptions {
  float beta = 1.0f;
  bool operator==(const SoftmaxOptions&) const = default;
};

struct ConcatenationOptions {
  int axis = 0;  ///< may be negative (counts from the end)
  Activation activation = Activation::kNone;
  bool operator==(const ConcatenationOptions&) const = default;
};

/// RESHAPE: the target shape is the optional second (constant int32) input or, when absent,
/// `new_shape`. One dimension may be -1.
struct ReshapeOptions {
  std::vector<int64_t> new_shape;
  bool operator==(const ReshapeOptions&) const = default;
};

/// SQUEEZE: empty squeeze_dims removes every dimension of size 1.
struct SqueezeOptions {
  std::vector<int> squeeze_dims;
  bool operator==(const SqueezeOptions&) const = default;
};

/// MEAN: reduction axes are the second (constant int32) input.
struct ReducerOptions {
  bool keep_dims = false;
  bool operator==(const ReducerOptions&) const = default;
};

/// BATCH_NORM (inference): y = (x - mean) / sqrt(var + epsilon) * gamma + beta over the last
/// axis. Inputs: x, gamma, beta, mean, variance.
struct BatchNormOptions {
  float epsilon = 0.001f;
  bool operator==(const BatchNormOptions&) const = default;
};

/// MATMUL (TensorFlow MatMul): rank-2 [M,K] x [K,N], optionally transposed.
struct MatMulOptions {
  bool transpose_a = false, transpose_b = false;
  bool operator==(const MatMulOptions&) const = default;
};

using OpOptions =
    std::variant<NoOptions, Conv2DOptions, DepthwiseConv2DOptions, Pool2DOptions,
                 FullyConnectedOptions, ElementwiseOptions, SoftmaxOptions, ConcatenationOptions,
                 ReshapeOptions, SqueezeOptions, ReducerOptions, BatchNormOptions, MatMulOptions>;

}  // namespace qexp::ir

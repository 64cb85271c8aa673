#pragma once
/// Internal to qexp's TFLite importer and exporter (not a public header: it exposes the flatc
/// generated types). The mappings that both directions must agree on live here, once.

#include <cstdint>
#include <optional>
#include <string>

#include "framework/core/dtype.h"
#include "framework/core/strings.h"
#include "framework/importers/tflite/schema/tflite_subset_generated.h"
#include "framework/ir/graph.h"

namespace qexp::tflite::internal {

namespace fb = ::tflite;

/// The schema version qexp reads and writes ("TFL3").
inline constexpr uint32_t kSchemaVersion = 3;

/// TFLite TensorType → DType; nullopt for types qexp does not support.
inline std::optional<DType> dtype_from_tflite(fb::TensorType t) {
  switch (t) {
    case fb::TensorType_FLOAT32:
      return DType::kFloat32;
    case fb::TensorType_FLOAT16:
      return DType::kFloat16;
    case fb::TensorType_INT8:
      return DType::kInt8;
    case fb::TensorType_UINT8:
      return DType::kUInt8;
    case fb::TensorType_INT16:
      return DType::kInt16;
    case fb::TensorType_INT32:
      return DType::kInt32;
    case fb::TensorType_INT64:
      return DType::kInt64;
    case fb::TensorType_BOOL:
      return DType::kBool;
    default:
      return std::nullopt;
  }
}

inline fb::TensorType dtype_to_tflite(DType t) {
  switch (t) {
    case DType::kFloat32:
      return fb::TensorType_FLOAT32;
    case DType::kFloat16:
      return fb::TensorType_FLOAT16;
    case DType::kInt8:
      return fb::TensorType_INT8;
    case DType::kUInt8:
      return fb::TensorType_UINT8;
    case DType::kInt16:
      return fb::TensorType_INT16;
    case DType::kInt32:
      return fb::TensorType_INT32;
    case DType::kInt64:
      return fb::TensorType_INT64;
    case DType::kBool:
      return fb::TensorType_BOOL;
  }
  return fb::TensorType_FLOAT32;
}

/// The BuiltinOptions union member TFLite's schema pairs with an op (NONE for ops that have no
/// options table: LOGISTIC, RELU, RELU6, RELU_N1_TO_1, TANH). The exporter writes this member; the
/// importer accepts it or NONE (read as the schema defaults).
inline fb::BuiltinOptions options_type_for(ir::OpType type) {
  using ir::OpType;
  switch (type) {
    case OpType::kConv2D:
      return fb::BuiltinOptions_Conv2DOptions;
    case OpType::kDepthwiseConv2D:
      return fb::BuiltinOptions_DepthwiseConv2DOptions;
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
      return fb::BuiltinOptions_Pool2DOptions;
    case OpType::kFullyConnected:
      return fb::BuiltinOptions_FullyConnectedOptions;
    case OpType::kAdd:
      return fb::BuiltinOptions_AddOptions;
    case OpType::kSub:
      return fb::BuiltinOptions_SubOptions;
    case OpType::kMul:
      return fb::BuiltinOptions_MulOptions;
    case OpType::kSoftmax:
      return fb::BuiltinOptions_SoftmaxOptions;
    case OpType::kConcatenation:
      return fb::BuiltinOptions_ConcatenationOptions;
    case OpType::kReshape:
      return fb::BuiltinOptions_ReshapeOptions;
    case OpType::kSqueeze:
      return fb::BuiltinOptions_SqueezeOptions;
    case OpType::kMean:
      return fb::BuiltinOptions_ReducerOptions;
    case OpType::kPad:
      return fb::BuiltinOptions_PadOptions;
    case OpType::kQuantize:
      return fb::BuiltinOptions_QuantizeOptions;
    case OpType::kDequantize:
      return fb::BuiltinOptions_DequantizeOptions;
    default:
      return fb::BuiltinOptions_NONE;
  }
}

/// "Conv2DOptions", or "type 200" for a union type this schema does not know.
inline std::string options_type_name(fb::BuiltinOptions t) {
  const char* name = fb::EnumNameBuiltinOptions(t);
  if (name != nullptr && name[0] != '\0') return name;
  return str_cat("type ", static_cast<int>(t));
}

/// "CONV_2D", or "" for a code this schema does not know.
inline std::string builtin_name(int code) {
  if (code < fb::BuiltinOperator_MIN || code > fb::BuiltinOperator_MAX) return "";
  const char* name = fb::EnumNameBuiltinOperator(static_cast<fb::BuiltinOperator>(code));
  return name != nullptr ? std::string(name) : std::string();
}

}  // namespace qexp::tflite::internal

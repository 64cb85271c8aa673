// IR options → TFLite builtin options tables.

#include <vector>

#include "framework/exporters/tflite/tflite_export_internal.h"

namespace qexp::tflite::internal {
namespace {

using Built = std::pair<fb::BuiltinOptions, flatbuffers::Offset<void>>;

fb::ActivationFunctionType act(ir::Activation a) {
  return static_cast<fb::ActivationFunctionType>(a);
}

fb::Padding pad(ir::Padding p) { return static_cast<fb::Padding>(p); }

template <typename T>
Built built(fb::BuiltinOptions type, flatbuffers::Offset<T> table) {
  return {type, table.Union()};
}

struct OptionsBuilder {
  flatbuffers::FlatBufferBuilder& b;
  const ir::Graph& graph;
  const ir::Op& op;

  Built operator()(const ir::NoOptions&) const {
    switch (op.type) {
      case ir::OpType::kPad:
        return built(fb::BuiltinOptions_PadOptions, fb::CreatePadOptions(b));
      case ir::OpType::kQuantize:
        return built(fb::BuiltinOptions_QuantizeOptions, fb::CreateQuantizeOptions(b));
      case ir::OpType::kDequantize:
        return built(fb::BuiltinOptions_DequantizeOptions, fb::CreateDequantizeOptions(b));
      default:
        return {fb::BuiltinOptions_NONE, 0};
    }
  }
  Built operator()(const ir::Conv2DOptions& o) const {
    return built(fb::BuiltinOptions_Conv2DOptions,
                 fb::CreateConv2DOptions(b, pad(o.padding), o.stride_w, o.stride_h,
                                         act(o.activation), o.dilation_w, o.dilation_h));
  }
  Built operator()(const ir::DepthwiseConv2DOptions& o) const {
    return built(fb::BuiltinOptions_DepthwiseConv2DOptions,
                 fb::CreateDepthwiseConv2DOptions(b, pad(o.padding), o.stride_w, o.stride_h,
                                                  o.depth_multiplier, act(o.activation),
                                                  o.dilation_w, o.dilation_h));
  }
  Built operator()(const ir::Pool2DOptions& o) const {
    return built(fb::BuiltinOptions_Pool2DOptions,
                 fb::CreatePool2DOptions(b, pad(o.padding), o.stride_w, o.stride_h, o.filter_w,
                                         o.filter_h, act(o.activation)));
  }
  Built operator()(const ir::FullyConnectedOptions& o) const {
    return built(
        fb::BuiltinOptions_FullyConnectedOptions,
        fb::CreateFullyConnectedOptions(
            b, act(o.activation), fb::FullyConnectedOptionsWeightsFormat_DEFAULT, o.keep_num_dims));
  }
  Built operator()(const ir::ElementwiseOptions& o) const {
    const bool pot = pot_scale_int16(graph, op);
    switch (op.type) {
      case ir::OpType::kAdd:
        return built(fb::BuiltinOptions_AddOptions,
                     fb::CreateAddOptions(b, act(o.activation), pot));
      case ir::OpType::kSub:
        return built(fb::BuiltinOptions_SubOptions,
                     fb::CreateSubOptions(b, act(o.activation), pot));
      default:
        return built(fb::BuiltinOptions_MulOptions, fb::CreateMulOptions(b, act(o.activation)));
    }
  }
  Built operator()(const ir::SoftmaxOptions& o) const {
    return built(fb::BuiltinOptions_SoftmaxOptions, fb::CreateSoftmaxOptions(b, o.beta));
  }
  Built operator()(const ir::ConcatenationOptions& o) const {
    return built(fb::BuiltinOptions_ConcatenationOptions,
                 fb::CreateConcatenationOptions(b, o.axis, act(o.activation)));
  }
  Built operator()(const ir::ReshapeOptions& o) const {
    flatbuffers::Offset<flatbuffers::Vector<int32_t>> shape = 0;
    if (!o.new_shape.empty()) {
      std::vector<int32_t> dims(o.new_shape.begin(), o.new_shape.end());
      shape = b.CreateVector(dims);
    }
    return built(fb::BuiltinOptions_ReshapeOptions, fb::CreateReshapeOptions(b, shape));
  }
  Built operator()(const ir::SqueezeOptions& o) const {
    flatbuffers::Offset<flatbuffers::Vector<int32_t>> dims = 0;
    if (!o.squeeze_dims.empty()) dims = b.CreateVector(o.squeeze_dims);
    return built(fb::BuiltinOptions_SqueezeOptions, fb::CreateSqueezeOptions(b, dims));
  }
  Built operator()(const ir::ReducerOptions& o) const {
    return built(fb::BuiltinOptions_ReducerOptions, fb::CreateReducerOptions(b, o.keep_dims));
  }
  // IR-only ops are rejected before any options are built.
  Built operator()(const ir::BatchNormOptions&) const { return {fb::BuiltinOptions_NONE, 0}; }
  Built operator()(const ir::MatMulOptions&) const { return {fb::BuiltinOptions_NONE, 0}; }
};

}  // namespace

std::pair<fb::BuiltinOptions, flatbuffers::Offset<void>> build_options(
    flatbuffers::FlatBufferBuilder& b, const ir::Graph& graph, const ir::Op& op) {
  return std::visit(OptionsBuilder{b, graph, op}, op.options);
}

}  // namespace qexp::tflite::internal

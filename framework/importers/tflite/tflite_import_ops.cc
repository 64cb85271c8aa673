// Operators of a TFLite subgraph → IR ops: opcode resolution, tensor index checks and builtin
// options → typed IR options.

#include <algorithm>
#include <vector>

#include "framework/importers/tflite/tflite_import_internal.h"

namespace qexp::tflite::internal {
namespace {

/// An empty flatbuffer table. Every table type reads its schema defaults from it, which is what a
/// TFLite reader sees for a missing builtin options table.
const uint8_t* empty_table() {
  static const std::vector<uint8_t> bytes = [] {
    flatbuffers::FlatBufferBuilder b(64);
    b.Finish(flatbuffers::Offset<flatbuffers::Table>(b.EndTable(b.StartTable())));
    return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  }();
  return bytes.data();
}

/// Everything the options converters need to report an error.
struct OpContext {
  const ImportContext& ctx;
  const fb::Operator* op;
  std::string label;  ///< "operator 3 (CONV_2D)"

  Status error(StatusCode code, const std::string& what) const {
    return ctx.error(code, str_cat(label, ": ", what));
  }

  /// The op's options table as T, or an empty table (schema defaults) when it has none.
  /// Precondition: check_options_type passed, so a present table is a verified T. (A table under
  /// type NONE was never verified and must not be read.)
  template <typename T>
  const T* options() const {
    if (op->builtin_options_type() != fb::BuiltinOptions_NONE && op->builtin_options() != nullptr) {
      return static_cast<const T*>(op->builtin_options());
    }
    return flatbuffers::GetRoot<T>(empty_table());
  }
};

Result<ir::Activation> activation(const OpContext& oc, fb::ActivationFunctionType a) {
  if (a < fb::ActivationFunctionType_MIN || a > fb::ActivationFunctionType_MAX) {
    return oc.error(StatusCode::kInvalidArgument,
                    str_cat("fused_activation_function ", static_cast<int>(a),
                            " is not a TFLite activation (0 to 5)"));
  }
  return static_cast<ir::Activation>(a);
}

Result<ir::Padding> padding(const OpContext& oc, fb::Padding p) {
  if (p != fb::Padding_SAME && p != fb::Padding_VALID) {
    return oc.error(StatusCode::kInvalidArgument,
                    str_cat("padding ", static_cast<int>(p), " is neither SAME (0) nor VALID (1)"));
  }
  return static_cast<ir::Padding>(p);
}

/// Window parameters (strides, dilations, filter sizes) must be ≥ 1.
Status positive(const OpContext& oc, const char* name, int value) {
  if (value >= 1) return ok_status();
  return oc.error(StatusCode::kInvalidArgument, str_cat(name, " is ", value, ", expected >= 1"));
}

Result<ir::OpOptions> conv_options(const OpContext& oc) {
  const auto* o = oc.options<fb::Conv2DOptions>();
  ir::Conv2DOptions r;
  QEXP_ASSIGN_OR_RETURN(r.padding, padding(oc, o->padding()));
  QEXP_ASSIGN_OR_RETURN(r.activation, activation(oc, o->fused_activation_function()));
  r.stride_h = o->stride_h();
  r.stride_w = o->stride_w();
  r.dilation_h = o->dilation_h_factor();
  r.dilation_w = o->dilation_w_factor();
  QEXP_RETURN_IF_ERROR(positive(oc, "stride_h", r.stride_h));
  QEXP_RETURN_IF_ERROR(positive(oc, "stride_w", r.stride_w));
  QEXP_RETURN_IF_ERROR(positive(oc, "dilation_h_factor", r.dilation_h));
  QEXP_RETURN_IF_ERROR(positive(oc, "dilation_w_factor", r.dilation_w));
  return ir::OpOptions(r);
}

/// depth_multiplier 0 (the schema default, written by some converters) is derived from the input
/// and filter channels, as TFLite's kernel does; any other value is kept and checked by the
/// verifier.
int derive_depth_multiplier(const OpContext& oc, const ir::Op& op, int value) {
  if (value != 0 || op.inputs.size() < 2) return value;
  const auto& tensors = oc.ctx.graph->tensors;
  const Shape& in = tensors[static_cast<size_t>(op.inputs[0])].shape;
  const Shape& w = tensors[static_cast<size_t>(op.inputs[1])].shape;
  if (in.rank() != 4 || w.rank() != 4 || in[3] <= 0 || w[3] % in[3] != 0) return value;
  int64_t m = w[3] / in[3];
  return m <= INT32_MAX ? static_cast<int>(m) : value;
}

Result<ir::OpOptions> depthwise_options(const OpContext& oc, const ir::Op& op) {
  const auto* o = oc.options<fb::DepthwiseConv2DOptions>();
  ir::DepthwiseConv2DOptions r;
  QEXP_ASSIGN_OR_RETURN(r.padding, padding(oc, o->padding()));
  QEXP_ASSIGN_OR_RETURN(r.activation, activation(oc, o->fused_activation_function()));
  r.stride_h = o->stride_h();
  r.stride_w = o->stride_w();
  r.dilation_h = o->dilation_h_factor();
  r.dilation_w = o->dilation_w_factor();
  r.depth_multiplier = derive_depth_multiplier(oc, op, o->depth_multiplier());
  QEXP_RETURN_IF_ERROR(positive(oc, "stride_h", r.stride_h));
  QEXP_RETURN_IF_ERROR(positive(oc, "stride_w", r.stride_w));
  QEXP_RETURN_IF_ERROR(positive(oc, "dilation_h_factor", r.dilation_h));
  QEXP_RETURN_IF_ERROR(positive(oc, "dilation_w_factor", r.dilation_w));
  return ir::OpOptions(r);
}

Result<ir::OpOptions> pool_options(const OpContext& oc) {
  const auto* o = oc.options<fb::Pool2DOptions>();
  ir::Pool2DOptions r;
  QEXP_ASSIGN_OR_RETURN(r.padding, padding(oc, o->padding()));
  QEXP_ASSIGN_OR_RETURN(r.activation, activation(oc, o->fused_activation_function()));
  r.stride_h = o->stride_h();
  r.stride_w = o->stride_w();
  r.filter_h = o->filter_height();
  r.filter_w = o->filter_width();
  QEXP_RETURN_IF_ERROR(positive(oc, "stride_h", r.stride_h));
  QEXP_RETURN_IF_ERROR(positive(oc, "stride_w", r.stride_w));
  QEXP_RETURN_IF_ERROR(positive(oc, "filter_height", r.filter_h));
  QEXP_RETURN_IF_ERROR(positive(oc, "filter_width", r.filter_w));
  return ir::OpOptions(r);
}

Result<ir::OpOptions> fully_connected_options(const OpContext& oc) {
  const auto* o = oc.options<fb::FullyConnectedOptions>();
  if (o->weights_format() != fb::FullyConnectedOptionsWeightsFormat_DEFAULT) {
    const char* name = fb::EnumNameFullyConnectedOptionsWeightsFormat(o->weights_format());
    return oc.error(StatusCode::kUnimplemented,
                    str_cat("weights_format ",
                            name != nullptr && name[0] ? std::string(name)
                                                       : std::to_string(o->weights_format()),
                            " is not supported (only DEFAULT)"));
  }
  ir::FullyConnectedOptions r;
  QEXP_ASSIGN_OR_RETURN(r.activation, activation(oc, o->fused_activation_function()));
  r.keep_num_dims = o->keep_num_dims();
  return ir::OpOptions(r);
}

template <typename T>
Result<ir::OpOptions> elementwise_options(const OpContext& oc) {
  ir::ElementwiseOptions r;
  QEXP_ASSIGN_OR_RETURN(r.activation, activation(oc, oc.options<T>()->fused_activation_function()));
  return ir::OpOptions(r);
}

Result<ir::OpOptions> concatenation_options(const OpContext& oc) {
  const auto* o = oc.options<fb::ConcatenationOptions>();
  ir::ConcatenationOptions r;
  r.axis = o->axis();
  QEXP_ASSIGN_OR_RETURN(r.activation, activation(oc, o->fused_activation_function()));
  return ir::OpOptions(r);
}

Result<ir::OpOptions> convert_options(const OpContext& oc, const ir::Op& op) {
  using ir::OpType;
  switch (op.type) {
    case OpType::kConv2D:
      return conv_options(oc);
    case OpType::kDepthwiseConv2D:
      return depthwise_options(oc, op);
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
      return pool_options(oc);
    case OpType::kFullyConnected:
      return fully_connected_options(oc);
    case OpType::kAdd:
      return elementwise_options<fb::AddOptions>(oc);
    case OpType::kSub:
      return elementwise_options<fb::SubOptions>(oc);
    case OpType::kMul:
      return elementwise_options<fb::MulOptions>(oc);
    case OpType::kSoftmax:
      return ir::OpOptions(ir::SoftmaxOptions{oc.options<fb::SoftmaxOptions>()->beta()});
    case OpType::kConcatenation:
      return concatenation_options(oc);
    case OpType::kReshape: {
      ir::ReshapeOptions r;
      if (const auto* s = oc.options<fb::ReshapeOptions>()->new_shape()) {
        r.new_shape.assign(s->begin(), s->end());
      }
      return ir::OpOptions(r);
    }
    case OpType::kSqueeze: {
      ir::SqueezeOptions r;
      if (const auto* d = oc.options<fb::SqueezeOptions>()->squeeze_dims()) {
        r.squeeze_dims.assign(d->begin(), d->end());
      }
      return ir::OpOptions(r);
    }
    case OpType::kMean:
      return ir::OpOptions(ir::ReducerOptions{oc.options<fb::ReducerOptions>()->keep_dims()});
    default:
      return ir::default_options(op.type);
  }
}

/// The options table must be the union member TFLite pairs with the op, or absent.
Status check_options_type(const OpContext& oc, ir::OpType type) {
  const fb::BuiltinOptions have = oc.op->builtin_options_type();
  const fb::BuiltinOptions want = options_type_for(type);
  if (have == fb::BuiltinOptions_NONE || have == want) return ok_status();
  return oc.error(
      StatusCode::kInvalidArgument,
      str_cat("builtin options are ", options_type_name(have), ", expected ",
              want == fb::BuiltinOptions_NONE ? std::string("none") : options_type_name(want)));
}

/// The IR op type of operator `index` (its opcode must be a builtin qexp supports).
Result<ir::OpType> resolve_opcode(const ImportContext& ctx, size_t index, const fb::Operator* op,
                                  std::string* label) {
  const auto* codes = ctx.model->operator_codes();
  const uint32_t n = codes != nullptr ? codes->size() : 0;
  *label = str_cat("operator ", index);
  if (op->opcode_index() >= n) {
    return ctx.error(StatusCode::kOutOfRange,
                     str_cat(*label, ": opcode index ", op->opcode_index(),
                             " is out of range, the model has ", n, " operator codes"));
  }
  const fb::OperatorCode* code = codes->Get(op->opcode_index());
  // Old writers set only the byte field; new ones put min(code, 127) there and the full code in
  // builtin_code.
  const int builtin = std::max<int>(code->deprecated_builtin_code(), code->builtin_code());
  if (builtin == fb::BuiltinOperator_CUSTOM) {
    std::string_view custom =
        code->custom_code() != nullptr ? code->custom_code()->string_view() : std::string_view();
    return ctx.error(StatusCode::kUnimplemented,
                     str_cat(*label, ": custom operator ", quoted(custom),
                             " is not supported (qexp reads builtin operators only)"));
  }
  auto type = ir::op_type_from_tflite(builtin);
  if (!type) {
    std::string name = builtin_name(builtin);
    return ctx.error(StatusCode::kUnimplemented,
                     str_cat(*label, ": unsupported builtin operator ", builtin, " (",
                             name.empty() ? std::string("unknown to qexp's schema") : name, ")"));
  }
  *label = str_cat(*label, " (", ir::op_type_name(*type), ")");
  return *type;
}

/// Input and output tensor indices: counts from ops.def, -1 only for optional inputs.
Status import_tensor_refs(const OpContext& oc, ir::Op* op) {
  const ir::OpInfo& info = ir::op_info(op->type);
  const int num_tensors = oc.ctx.num_tensors();
  const auto* ins = oc.op->inputs();
  const int n_in = ins != nullptr ? static_cast<int>(ins->size()) : 0;
  if (n_in < info.min_inputs || n_in > info.max_inputs) {
    return oc.error(StatusCode::kInvalidArgument,
                    str_cat("has ", n_in, " inputs, expected ",
                            info.min_inputs == info.max_inputs
                                ? std::to_string(info.min_inputs)
                                : str_cat(info.min_inputs, " to ", info.max_inputs)));
  }
  for (int k = 0; k < n_in; ++k) {
    const int t = ins->Get(static_cast<flatbuffers::uoffset_t>(k));
    if (t == -1 && k >= info.min_inputs) {
      op->inputs.push_back(-1);
      continue;
    }
    if (t == -1) {
      return oc.error(StatusCode::kInvalidArgument,
                      str_cat("input ", k, " is -1 (absent), but ", info.name, " requires it"));
    }
    if (t < 0 || t >= num_tensors) {
      return oc.error(StatusCode::kOutOfRange,
                      str_cat("input ", k, " refers to tensor ", t, ", the subgraph has ",
                              num_tensors, " tensors"));
    }
    op->inputs.push_back(t);
  }
  const auto* outs = oc.op->outputs();
  const int n_out = outs != nullptr ? static_cast<int>(outs->size()) : 0;
  if (n_out != info.num_outputs) {
    return oc.error(StatusCode::kInvalidArgument,
                    str_cat("has ", n_out, " outputs, expected ", info.num_outputs));
  }
  for (int k = 0; k < n_out; ++k) {
    const int t = outs->Get(static_cast<flatbuffers::uoffset_t>(k));
    if (t < 0 || t >= num_tensors) {
      return oc.error(StatusCode::kOutOfRange,
                      str_cat("output ", k, " refers to tensor ", t, ", the subgraph has ",
                              num_tensors, " tensors"));
    }
    op->outputs.push_back(t);
  }
  return ok_status();
}

Status import_operator(const ImportContext& ctx, size_t index, const fb::Operator* src) {
  std::string label;
  ir::Op op;
  QEXP_ASSIGN_OR_RETURN(op.type, resolve_opcode(ctx, index, src, &label));
  OpContext oc{ctx, src, label};
  QEXP_RETURN_IF_ERROR(import_tensor_refs(oc, &op));
  QEXP_RETURN_IF_ERROR(check_options_type(oc, op.type));
  QEXP_ASSIGN_OR_RETURN(op.options, convert_options(oc, op));
  // TFLite operators carry no names: use the first output's tensor name, as Netron does.
  op.name = ctx.graph->tensors[static_cast<size_t>(op.outputs[0])].name;
  ctx.graph->ops.push_back(std::move(op));
  return ok_status();
}

}  // namespace

Status import_operators(const ImportContext& ctx) {
  const auto* ops = ctx.subgraph->operators();
  if (ops == nullptr) return ok_status();
  ctx.graph->ops.reserve(ops->size());
  for (flatbuffers::uoffset_t i = 0; i < ops->size(); ++i) {
    QEXP_RETURN_IF_ERROR(import_operator(ctx, i, ops->Get(i)));
  }
  return ok_status();
}

}  // namespace qexp::tflite::internal

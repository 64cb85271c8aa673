#include "framework/quantization/quantize_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "framework/core/regex.h"
#include "framework/core/strings.h"
#include "framework/ir/verifier.h"

namespace qexp::quant {
namespace {

using ir::OpType;

bool is_integer_mode(QuantMode m) { return m == QuantMode::kInt8 || m == QuantMode::kInt16x8; }

/// Ops that have integer kernels in the given mode.
bool supports(QuantMode mode, OpType t) {
  switch (t) {
    case OpType::kConv2D:
    case OpType::kDepthwiseConv2D:
    case OpType::kFullyConnected:
    case OpType::kAdd:
    case OpType::kSoftmax:
    case OpType::kReshape:
    case OpType::kSqueeze:
    case OpType::kAveragePool2D:
    case OpType::kMaxPool2D:
      return true;
    case OpType::kMul:
    case OpType::kLogistic:
    case OpType::kTanh:
    case OpType::kConcatenation:
    case OpType::kPad:
    case OpType::kMean:
      return mode == QuantMode::kInt8;
    default:
      return false;
  }
}

/// Output parameters copied from input 0 (TFLite's "same scale as input" ops).
bool shares_input_params(OpType t) {
  return t == OpType::kAveragePool2D || t == OpType::kMaxPool2D || t == OpType::kReshape ||
         t == OpType::kSqueeze || t == OpType::kPad;
}

}  // namespace

std::optional<ir::QuantParams> fixed_output_params(ir::OpType type, QuantMode mode) {
  const bool int16 = mode == QuantMode::kInt16x8;
  switch (type) {
    case OpType::kSoftmax:
    case OpType::kLogistic:
      return int16 ? ir::QuantParams{{1.0f / 32768.0f}, {0}, 0, {}, {}}
                   : ir::QuantParams{{1.0f / 256.0f}, {-128}, 0, {}, {}};
    case OpType::kTanh:
      return int16 ? ir::QuantParams{{1.0f / 32768.0f}, {0}, 0, {}, {}}
                   : ir::QuantParams{{1.0f / 128.0f}, {0}, 0, {}, {}};
    default:
      return std::nullopt;
  }
}

namespace {

/// Which role a constant input plays in a quantized op.
enum class ConstRole { kWeights, kBias, kOperand, kIndices };

ConstRole const_role(OpType t, size_t input) {
  bool weighted =
      t == OpType::kConv2D || t == OpType::kDepthwiseConv2D || t == OpType::kFullyConnected;
  if (weighted && input == 1) return ConstRole::kWeights;
  if (weighted && input == 2) return ConstRole::kBias;
  if ((t == OpType::kReshape || t == OpType::kMean || t == OpType::kPad) && input == 1) {
    return ConstRole::kIndices;
  }
  return ConstRole::kOperand;
}

int weight_axis(OpType t) { return t == OpType::kDepthwiseConv2D ? 3 : 0; }

class Quantizer {
 public:
  Quantizer(const ir::Graph& g, const RangeMap& ranges, const QuantizeOptions& o,
            QuantizeSummary* summary)
      : src_(g), ranges_(ranges), opts_(o), summary_(summary) {}

  Result<ir::Graph> run() {
    QEXP_RETURN_IF_ERROR(compile_excludes());
    for (int t : src_.inputs) {
      if (src_.tensors[static_cast<size_t>(t)].dtype != DType::kFloat32) {
        return invalid_argument(str_cat("quantization needs a float32 model; input ",
                                        quoted(src_.tensors[static_cast<size_t>(t)].name), " is ",
                                        dtype_name(src_.tensors[static_cast<size_t>(t)].dtype)));
      }
    }
    out_ = src_;
    out_.ops.clear();
    out_.metadata["quantization"] = std::string(quant_mode_name(opts_.mode));
    const size_t n = src_.tensors.size();
    is_int_.assign(n, false);
    int_version_.assign(n, -1);
    float_version_.assign(n, -1);
    if (is_integer_mode(opts_.mode)) QEXP_RETURN_IF_ERROR(setup_integer_inputs());
    for (const ir::Op& op : src_.ops) {
      if (is_integer_mode(opts_.mode) && quantize_op(op)) {
        QEXP_RETURN_IF_ERROR(emit_integer_op(op));
      } else {
        QEXP_RETURN_IF_ERROR(emit_float_op(op));
      }
    }
    if (is_integer_mode(opts_.mode)) QEXP_RETURN_IF_ERROR(finish_integer_outputs());
    out_.remove_unused_tensors();
    QEXP_RETURN_IF_ERROR_CTX(ir::verify(out_), "quantized graph");
    return std::move(out_);
  }

  /// The exclude patterns compile and, in integer modes, every op that is not excluded has an
  /// integer kernel.
  Status check() {
    QEXP_RETURN_IF_ERROR(compile_excludes());
    if (!is_integer_mode(opts_.mode)) return ok_status();
    for (const ir::Op& op : src_.ops) {
      if (!excluded(op) && !supports(opts_.mode, op.type)) return unsupported(op);
    }
    return ok_status();
  }

 private:
  Status compile_excludes() {
    for (const auto& pattern : opts_.exclude) {
      if (ir::parse_op_type(pattern)) {
        excluded_types_.insert(pattern);
        continue;
      }
      Result<std::regex> re = compile_regex(pattern);
      if (!re.ok()) {
        return invalid_argument(str_cat("exclude: ", quoted(pattern),
                                        " is neither an op type nor a valid regular expression (",
                                        re.status().message(), ")"));
      }
      exclude_regex_.push_back(std::move(re).value());
    }
    return ok_status();
  }

  bool excluded(const ir::Op& op) const {
    if (excluded_types_.count(std::string(ir::op_type_name(op.type)))) return true;
    for (const auto& re : exclude_regex_) {
      if (std::regex_match(op.name, re)) return true;
    }
    return false;
  }

  bool quantize_op(const ir::Op& op) const {
    return !excluded(op) && supports(opts_.mode, op.type);
  }

  DType act_dtype() const {
    return opts_.mode == QuantMode::kInt16x8 ? DType::kInt16 : DType::kInt8;
  }

  Result<ir::QuantParams> activation_params(int t) const {
    const std::string& name = src_.tensors[static_cast<size_t>(t)].name;
    auto it = ranges_.find(name);
    if (it == ranges_.end()) {
      return not_found(str_cat("no calibrated range for activation tensor ", quoted(name)));
    }
    const TensorRange r = it->second;
    if (!std::isfinite(r.min) || !std::isfinite(r.max) || r.min > r.max) {
      return invalid_argument(str_cat("tensor ", quoted(name), ": range [", format_float(r.min),
                                      ", ", format_float(r.max), "] is not a finite interval"));
    }
    if (opts_.mode == QuantMode::kInt16x8) return symmetric_params(r, 32767);
    if (opts_.symmetric_activations) return symmetric_params(r, 127);
    return asymmetric_params(r, -128, 127);
  }

  int add_tensor_like(int t, const std::string& suffix, DType dtype, const ir::QuantParams& q) {
    ir::Tensor x;
    x.name = out_.tensors[static_cast<size_t>(t)].name + suffix;
    x.dtype = dtype;
    x.shape = out_.tensors[static_cast<size_t>(t)].shape;
    x.quant = q;
    return out_.add_tensor(std::move(x));
  }

  void emit_convert(OpType type, const std::string& name, int from, int to) {
    out_.add_op(type, name, {from}, {to}, ir::NoOptions{});
    if (summary_ != nullptr) {
      (type == OpType::kQuantize ? summary_->inserted_quantize : summary_->inserted_dequantize)++;
    }
  }

  /// The integer version of activation tensor t (inserting a QUANTIZE after t if t is float).
  Result<int> need_int(int t) {
    if (is_int_[static_cast<size_t>(t)]) return t;
    int& v = int_version_[static_cast<size_t>(t)];
    if (v >= 0) return v;
    ir::QuantParams q;
    if (out_.tensors[static_cast<size_t>(t)].dtype == DType::kUInt8) {  // uint8 model input
      q = out_.tensors[static_cast<size_t>(t)].quant;
      q.zero_point[0] -= 128;
    } else {
      QEXP_ASSIGN_OR_RETURN(q, activation_params(t));
    }
    v = add_tensor_like(t, str_cat("/", dtype_name(act_dtype())), act_dtype(), q);
    emit_convert(OpType::kQuantize, out_.tensors[static_cast<size_t>(v)].name, t, v);
    return v;
  }

  /// The float version of activation tensor t (inserting a DEQUANTIZE if t is an integer).
  int need_float(int t) {
    // A uint8 model input is neither float nor the int8 representation: dequantize it too.
    const bool uint8_input = out_.tensors[static_cast<size_t>(t)].dtype == DType::kUInt8;
    if (!is_int_[static_cast<size_t>(t)] && !uint8_input) return t;
    int& v = float_version_[static_cast<size_t>(t)];
    if (v >= 0) return v;
    v = add_tensor_like(t, "/dequantize", DType::kFloat32, ir::QuantParams{});
    emit_convert(OpType::kDequantize, out_.tensors[static_cast<size_t>(v)].name, t, v);
    return v;
  }

  Status setup_integer_inputs() {
    if (opts_.io_type == IoType::kFloat32) return ok_status();
    for (int t : src_.inputs) {
      QEXP_ASSIGN_OR_RETURN(ir::QuantParams q, activation_params(t));
      ir::Tensor& tensor = out_.tensors[static_cast<size_t>(t)];
      if (opts_.io_type == IoType::kInt8) {
        if (opts_.mode == QuantMode::kInt16x8) {
          return invalid_argument("int16x8 models take float or int16 I/O, not int8");
        }
        tensor.dtype = DType::kInt8;
        tensor.quant = q;
        is_int_[static_cast<size_t>(t)] = true;
      } else {  // uint8 input: TFLite's legacy I/O, converted with a QUANTIZE (zero point + 128)
        ir::QuantParams uq = q;
        uq.zero_point[0] += 128;
        tensor.dtype = DType::kUInt8;
        tensor.quant = uq;  // need_int() adds the uint8 → int8 QUANTIZE where it is consumed
      }
    }
    return ok_status();
  }

  Status finish_integer_outputs() {
    for (int& t : out_.outputs) {
      const bool is_int = is_int_[static_cast<size_t>(t)];
      if (opts_.io_type == IoType::kFloat32 && is_int) {
        // The float output keeps the model's output name; the integer tensor is renamed.
        int f = need_float(t);
        std::string name = out_.tensors[static_cast<size_t>(t)].name;
        out_.tensors[static_cast<size_t>(f)].name = name;
        out_.tensors[static_cast<size_t>(t)].name = str_cat(name, "/", dtype_name(act_dtype()));
        t = f;
      } else if (opts_.io_type == IoType::kInt8 && !is_int) {
        QEXP_ASSIGN_OR_RETURN(t, need_int(t));
      } else if (opts_.io_type == IoType::kUInt8) {
        QEXP_ASSIGN_OR_RETURN(int q, need_int(t));
        ir::QuantParams uq = out_.tensors[static_cast<size_t>(q)].quant;
        uq.zero_point[0] += 128;
        int u = add_tensor_like(q, "/uint8", DType::kUInt8, uq);
        emit_convert(OpType::kQuantize, out_.tensors[static_cast<size_t>(u)].name, q, u);
        t = u;
      }
    }
    return ok_status();
  }

  /// A quantized copy of constant input `t` for role `role` of `op` (cached per tensor + role).
  Result<int> quantize_const(const ir::Op& op, size_t pos, int t, const std::vector<int>& ins) {
    const ir::Tensor& c = src_.tensors[static_cast<size_t>(t)];
    ConstRole role = const_role(op.type, pos);
    if (role == ConstRole::kIndices || c.dtype != DType::kFloat32) return t;
    ir::QuantParams q;
    DType dtype = DType::kInt8;
    int64_t qmin = -127, qmax = 127;
    std::string key = str_cat(t, "/", static_cast<int>(role));
    if (role == ConstRole::kWeights) {
      bool per_channel =
          op.type == OpType::kFullyConnected ? opts_.fc_per_channel : opts_.per_channel;
      q = symmetric_weight_params(c, weight_axis(op.type), 127, per_channel);
      if (opts_.weight_threshold) {
        QEXP_RETURN_IF_ERROR(apply_weight_thresholds(c, weight_axis(op.type), per_channel, &q));
      }
    } else if (role == ConstRole::kBias) {
      const ir::QuantParams& in_q = out_.tensors[static_cast<size_t>(ins[0])].quant;
      const ir::QuantParams& w_q = out_.tensors[static_cast<size_t>(ins[1])].quant;
      const int64_t channels = c.shape.num_elements();
      for (int64_t k = 0; k < channels; ++k) {
        float ws = w_q.scale[w_q.scale.size() == 1 ? 0 : static_cast<size_t>(k)];
        q.scale.push_back(in_q.scale[0] * ws);
        q.zero_point.push_back(0);
      }
      if (w_q.scale.size() == 1) {  // per-tensor weights: per-tensor bias
        q.scale.resize(1);
        q.zero_point.resize(1);
      }
      key += str_cat("/", ins[0], "/", ins[1]);
      dtype = opts_.mode == QuantMode::kInt16x8 ? DType::kInt64 : DType::kInt32;
      qmin = dtype == DType::kInt32 ? std::numeric_limits<int32_t>::min() : -(int64_t{1} << 62);
      qmax = dtype == DType::kInt32 ? std::numeric_limits<int32_t>::max() : (int64_t{1} << 62);
    } else {  // an operand of ADD / MUL / CONCATENATION …: quantized like an activation
      auto v = c.const_data<float>();
      TensorRange r{0.0f, 0.0f};
      if (!v.empty()) {
        r.min = *std::min_element(v.begin(), v.end());
        r.max = *std::max_element(v.begin(), v.end());
      }
      if (opts_.mode == QuantMode::kInt16x8) {
        q = symmetric_params(r, 32767);
        dtype = DType::kInt16;
        qmin = -32767;
        qmax = 32767;
      } else {
        q = opts_.symmetric_activations ? symmetric_params(r, 127)
                                        : asymmetric_params(r, -128, 127);
        qmin = -128;
      }
    }
    auto cached = const_cache_.find(key);
    if (cached != const_cache_.end()) return cached->second;
    std::vector<uint8_t> bytes = quantize_values(c, q, dtype, qmin, qmax);
    int id = out_.add_const(
        c.name + (role == ConstRole::kBias ? "/quantized" : str_cat("/", dtype_name(dtype))), dtype,
        c.shape, std::move(bytes));
    out_.tensors[static_cast<size_t>(id)].quant = q;
    const_cache_[key] = id;
    return id;
  }

  /// Replaces the abs-max scales in `q` by T / 127 with T from opts_.weight_threshold, one
  /// call per scale (per channel along `axis`, or the whole tensor).
  Status apply_weight_thresholds(const ir::Tensor& w, int axis, bool per_channel,
                                 ir::QuantParams* q) const {
    auto v = w.const_data<float>();
    std::vector<std::vector<float>> groups(q->scale.size());
    if (!per_channel) {
      groups[0].assign(v.begin(), v.end());
    } else {
      int64_t inner = 1;
      for (int d = axis + 1; d < w.shape.rank(); ++d) inner *= w.shape[d];
      const int64_t channels = w.shape[axis];
      for (size_t i = 0; i < v.size(); ++i) {
        groups[static_cast<size_t>((static_cast<int64_t>(i) / inner) % channels)].push_back(v[i]);
      }
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      QEXP_ASSIGN_OR_RETURN(float t,
                            opts_.weight_threshold(w.name, groups[g])
                                .with_context(str_cat("weight range of ", quoted(w.name))));
      if (!std::isfinite(t) || t < 0.0f) {
        return invalid_argument(str_cat("weight range of ", quoted(w.name), ": threshold ",
                                        format_float(t), " is not a finite value >= 0"));
      }
      if (t > 0.0f) q->scale[g] = t / 127.0f;
    }
    return ok_status();
  }

  Status emit_integer_op(const ir::Op& op) {
    ir::Op q = op;
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      int t = op.inputs[i];
      if (t < 0) continue;
      if (src_.tensors[static_cast<size_t>(t)].is_const()) {
        QEXP_ASSIGN_OR_RETURN(q.inputs[i], quantize_const(op, i, t, q.inputs));
      } else {
        QEXP_ASSIGN_OR_RETURN(q.inputs[i], need_int(t));
      }
    }
    for (int t : op.outputs) {
      ir::Tensor& out = out_.tensors[static_cast<size_t>(t)];
      out.dtype = act_dtype();
      if (shares_input_params(op.type)) {
        out.quant = out_.tensors[static_cast<size_t>(q.inputs[0])].quant;
      } else if (auto fixed = fixed_output_params(op.type, opts_.mode)) {
        out.quant = *fixed;
      } else {
        QEXP_ASSIGN_OR_RETURN(out.quant, activation_params(t));
      }
      is_int_[static_cast<size_t>(t)] = true;
    }
    if (op.type == OpType::kConcatenation) requantize_to_output(op, q);
    if (summary_ != nullptr) summary_->quantized_ops.push_back(op.name);
    out_.ops.push_back(std::move(q));
    return ok_status();
  }

  /// TFLite's int8 / int16 CONCATENATION kernels require every input to carry the output's
  /// parameters (its converter marks the op "restrict same input / output scale" and requantizes
  /// inputs that differ): the output keeps its calibrated range, which covers every input, and
  /// each input with other parameters gets a QUANTIZE (integer → integer) to the output's.
  void requantize_to_output(const ir::Op& op, ir::Op& q) {
    const ir::QuantParams out_q = out_.tensors[static_cast<size_t>(q.outputs[0])].quant;
    std::map<int, int> requantized;  // an input listed twice is requantized once
    for (int& in : q.inputs) {
      const ir::QuantParams& in_q = out_.tensors[static_cast<size_t>(in)].quant;
      if (in_q.scale == out_q.scale && in_q.zero_point == out_q.zero_point) continue;
      auto [it, added] = requantized.try_emplace(in, -1);
      if (added) {
        it->second = add_tensor_like(in, str_cat("/requantized/", op.name), act_dtype(), out_q);
        emit_convert(OpType::kQuantize, out_.tensors[static_cast<size_t>(it->second)].name, in,
                     it->second);
      }
      in = it->second;
    }
  }

  Status unsupported(const ir::Op& op) const {
    return unimplemented(str_cat("op ", quoted(op.name), " (", ir::op_type_name(op.type),
                                 ") cannot be quantized in ", quant_mode_name(opts_.mode),
                                 " mode; keep it in float with exclude: [",
                                 ir::op_type_name(op.type), "] or exclude its name"));
  }

  Status emit_float_op(const ir::Op& op) {
    if (is_integer_mode(opts_.mode) && !excluded(op)) return unsupported(op);
    ir::Op f = op;
    for (size_t i = 0; i < op.inputs.size(); ++i) {
      int t = op.inputs[i];
      if (t < 0) continue;
      const ir::Tensor& src = src_.tensors[static_cast<size_t>(t)];
      if (!src.is_const()) {
        f.inputs[i] = is_integer_mode(opts_.mode) ? need_float(t) : t;
      } else if (!excluded(op)) {
        f.inputs[i] = convert_float_const(op, i, t);
      }
    }
    if (summary_ != nullptr) {
      bool changed = f.inputs != op.inputs && !is_integer_mode(opts_.mode);
      (changed ? summary_->quantized_ops : summary_->float_ops).push_back(op.name);
    }
    out_.ops.push_back(std::move(f));
    return ok_status();
  }

  /// float16 / dynamic-range handling of a float op's constant input.
  int convert_float_const(const ir::Op& op, size_t pos, int t) {
    const ir::Tensor& c = src_.tensors[static_cast<size_t>(t)];
    if (c.dtype != DType::kFloat32) return t;
    if (opts_.mode == QuantMode::kFloat16) {
      int& v = float_version_[static_cast<size_t>(t)];
      if (v >= 0) return v;
      int h = out_.add_const(c.name + "/float16", DType::kFloat16, c.shape, to_float16(c));
      v = out_.add_tensor(c.name + "/dequantize", DType::kFloat32, c.shape);
      emit_convert(OpType::kDequantize, c.name + "/dequantize", h, v);
      return v;
    }
    if (opts_.mode == QuantMode::kDynamicRange && const_role(op.type, pos) == ConstRole::kWeights &&
        c.shape.num_elements() >= opts_.dynamic_range_min_elements) {
      std::string key = str_cat(t, "/dr");
      auto it = const_cache_.find(key);
      if (it != const_cache_.end()) return it->second;
      bool per_channel =
          op.type == OpType::kFullyConnected ? opts_.fc_per_channel : opts_.per_channel;
      ir::QuantParams q = symmetric_weight_params(c, weight_axis(op.type), 127, per_channel);
      int id = out_.add_const(c.name + "/int8", DType::kInt8, c.shape,
                              quantize_values(c, q, DType::kInt8, -127, 127));
      out_.tensors[static_cast<size_t>(id)].quant = q;
      const_cache_[key] = id;
      return id;
    }
    return t;
  }

  const ir::Graph& src_;
  const RangeMap& ranges_;
  const QuantizeOptions& opts_;
  QuantizeSummary* summary_;
  ir::Graph out_;
  std::vector<bool> is_int_;
  std::vector<int> int_version_, float_version_;
  std::map<std::string, int> const_cache_;
  std::set<std::string> excluded_types_;
  std::vector<std::regex> exclude_regex_;
};

}  // namespace

std::string_view quant_mode_name(QuantMode m) {
  switch (m) {
    case QuantMode::kFloat16:
      return "float16";
    case QuantMode::kDynamicRange:
      return "dynamic_range";
    case QuantMode::kInt8:
      return "int8";
    case QuantMode::kInt16x8:
      return "int16x8";
  }
  return "?";
}

Result<QuantMode> parse_quant_mode(std::string_view name) {
  for (QuantMode m :
       {QuantMode::kFloat16, QuantMode::kDynamicRange, QuantMode::kInt8, QuantMode::kInt16x8}) {
    if (quant_mode_name(m) == name) return m;
  }
  return invalid_argument(str_cat("quantization mode ", quoted(name),
                                  " is not one of float16, dynamic_range, int8, int16x8"));
}

std::string_view io_type_name(IoType t) {
  switch (t) {
    case IoType::kFloat32:
      return "float";
    case IoType::kInt8:
      return "int8";
    case IoType::kUInt8:
      return "uint8";
  }
  return "?";
}

Result<IoType> parse_io_type(std::string_view name) {
  for (IoType t : {IoType::kFloat32, IoType::kInt8, IoType::kUInt8}) {
    if (io_type_name(t) == name) return t;
  }
  return invalid_argument(str_cat("I/O type ", quoted(name), " is not one of float, int8, uint8"));
}

std::vector<std::string> tensors_needing_ranges(const ir::Graph& g, const QuantizeOptions& o) {
  std::vector<std::string> names;
  if (!is_integer_mode(o.mode)) return names;
  std::set<std::string> seen;
  for (const auto& t : g.tensors) {
    if (!t.is_const() && t.dtype == DType::kFloat32 && seen.insert(t.name).second) {
      names.push_back(t.name);
    }
  }
  return names;
}

Status check_quantizable(const ir::Graph& float_graph, const QuantizeOptions& options) {
  const RangeMap no_ranges;
  Quantizer q(float_graph, no_ranges, options, nullptr);
  return q.check();
}

Result<ir::Graph> quantize_graph(const ir::Graph& float_graph, const RangeMap& ranges,
                                 const QuantizeOptions& options, QuantizeSummary* summary) {
  Quantizer q(float_graph, ranges, options, summary);
  return q.run();
}

}  // namespace qexp::quant

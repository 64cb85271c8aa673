// fold-constants: an op whose inputs are all constant is computed here, natively, and its output
// becomes a constant. Covers what TensorFlow graphs compute from constants before inference:
// elementwise ADD/SUB/MUL (float32, int32; numpy broadcasting), RESHAPE/SQUEEZE/IDENTITY (any
// dtype, bytes shared), unary float activations, CONCATENATION, and DEQUANTIZE of float16
// weights. Anything else (and anything quantized) is left for the interpreter.

#include <algorithm>
#include <cmath>

#include "framework/core/strings.h"
#include "framework/ir/shape_inference.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

using Bytes = std::shared_ptr<const std::vector<uint8_t>>;

template <typename T>
std::vector<T> values_of(const ir::Tensor& t) {
  auto s = t.const_data<T>();
  return {s.begin(), s.end()};
}

template <typename T>
Bytes make_bytes(const std::vector<T>& v) {
  return std::make_shared<const std::vector<uint8_t>>(internal::to_bytes(std::span<const T>(v)));
}

/// Element strides of `s` when broadcast to rank `rank` (0 along broadcast dimensions).
std::vector<int64_t> broadcast_strides(const Shape& s, int rank) {
  std::vector<int64_t> strides(static_cast<size_t>(rank), 0);
  int64_t stride = 1;
  for (int d = s.rank() - 1; d >= 0; --d) {
    if (s[d] != 1) strides[static_cast<size_t>(rank - s.rank() + d)] = stride;
    stride *= s[d];
  }
  return strides;
}

/// out = fn(a, b) elementwise with numpy broadcasting to `out_shape`.
template <typename T, typename Fn>
std::vector<T> broadcast_binary(const ir::Tensor& a, const ir::Tensor& b, const Shape& out_shape,
                                Fn fn) {
  const std::vector<T> av = values_of<T>(a), bv = values_of<T>(b);
  const int rank = out_shape.rank();
  const std::vector<int64_t> sa = broadcast_strides(a.shape, rank);
  const std::vector<int64_t> sb = broadcast_strides(b.shape, rank);
  std::vector<T> out(static_cast<size_t>(out_shape.num_elements()));
  std::vector<int64_t> index(static_cast<size_t>(rank), 0);
  int64_t ia = 0, ib = 0;
  for (T& o : out) {
    o = fn(av[static_cast<size_t>(ia)], bv[static_cast<size_t>(ib)]);
    for (int d = rank - 1; d >= 0; --d) {  // odometer increment
      const size_t k = static_cast<size_t>(d);
      ia += sa[k];
      ib += sb[k];
      if (++index[k] < out_shape[d]) break;
      ia -= sa[k] * index[k];
      ib -= sb[k] * index[k];
      index[k] = 0;
    }
  }
  return out;
}

/// Applies a fused activation to float values; false for one this pass does not compute.
bool apply_activation(ir::Activation act, std::vector<float>& v) {
  auto clamp = [&](float lo, float hi) {
    for (float& x : v) x = std::min(std::max(x, lo), hi);
  };
  switch (act) {
    case ir::Activation::kNone: return true;
    case ir::Activation::kRelu: clamp(0.0f, INFINITY); return true;
    case ir::Activation::kRelu6: clamp(0.0f, 6.0f); return true;
    case ir::Activation::kReluN1To1: clamp(-1.0f, 1.0f); return true;
    case ir::Activation::kTanh:
      for (float& x : v) x = std::tanh(x);
      return true;
    case ir::Activation::kSignBit: return false;
  }
  return false;
}

template <typename T>
std::vector<T> elementwise(ir::OpType type, const ir::Tensor& a, const ir::Tensor& b,
                           const Shape& out) {
  switch (type) {
    case ir::OpType::kAdd: return broadcast_binary<T>(a, b, out, [](T x, T y) { return x + y; });
    case ir::OpType::kSub: return broadcast_binary<T>(a, b, out, [](T x, T y) { return x - y; });
    default: return broadcast_binary<T>(a, b, out, [](T x, T y) { return x * y; });
  }
}

Bytes fold_elementwise(const ir::Graph& g, const ir::Op& op, const Shape& out) {
  const ir::Tensor& a = g.tensors[static_cast<size_t>(op.inputs[0])];
  const ir::Tensor& b = g.tensors[static_cast<size_t>(op.inputs[1])];
  const ir::Activation act = *internal::fused_activation(op);
  if (a.dtype != b.dtype) return nullptr;
  if (a.dtype == DType::kInt32 && act == ir::Activation::kNone) {
    // Wrapping like the int32 kernels would; computed in uint32 to avoid signed overflow UB.
    std::vector<int32_t> v;
    for (uint32_t x : elementwise<uint32_t>(op.type, a, b, out)) {
      v.push_back(static_cast<int32_t>(x));
    }
    return make_bytes(v);
  }
  if (a.dtype != DType::kFloat32) return nullptr;
  std::vector<float> v = elementwise<float>(op.type, a, b, out);
  return apply_activation(act, v) ? make_bytes(v) : nullptr;
}

Bytes fold_unary(const ir::Tensor& x, ir::OpType type) {
  if (x.dtype != DType::kFloat32) return nullptr;
  std::vector<float> v = values_of<float>(x);
  switch (type) {
    case ir::OpType::kRelu: apply_activation(ir::Activation::kRelu, v); break;
    case ir::OpType::kRelu6: apply_activation(ir::Activation::kRelu6, v); break;
    case ir::OpType::kReluN1To1: apply_activation(ir::Activation::kReluN1To1, v); break;
    case ir::OpType::kTanh: apply_activation(ir::Activation::kTanh, v); break;
    case ir::OpType::kLogistic:
      for (float& f : v) f = 1.0f / (1.0f + std::exp(-f));
      break;
    default: return nullptr;
  }
  return make_bytes(v);
}

Bytes fold_concatenation(const ir::Graph& g, const ir::Op& op, const ir::Tensor& out) {
  const auto& o = op.opts<ir::ConcatenationOptions>();
  if (o.activation != ir::Activation::kNone) return nullptr;
  const int rank = out.shape.rank();
  const int axis = o.axis < 0 ? o.axis + rank : o.axis;  // validated by shape inference
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= out.shape[d];
  for (int d = axis + 1; d < rank; ++d) inner *= out.shape[d];
  const size_t elem = dtype_size(out.dtype);
  std::vector<uint8_t> bytes;
  bytes.reserve(static_cast<size_t>(out.shape.num_elements()) * elem);
  for (int64_t r = 0; r < outer; ++r) {
    for (int t : op.inputs) {
      const ir::Tensor& in = g.tensors[static_cast<size_t>(t)];
      if (in.dtype != out.dtype) return nullptr;
      const size_t chunk = static_cast<size_t>(in.shape[axis] * inner) * elem;
      const uint8_t* src = in.data->data() + static_cast<size_t>(r) * chunk;
      bytes.insert(bytes.end(), src, src + chunk);
    }
  }
  return std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
}

/// The folded contents of `op`'s output, or nullptr when this pass does not fold such an op.
Bytes fold(const ir::Graph& g, const ir::Op& op, const ir::Tensor& out) {
  const ir::Tensor& x = g.tensors[static_cast<size_t>(op.inputs[0])];
  switch (op.type) {
    case ir::OpType::kIdentity:
    case ir::OpType::kReshape:
    case ir::OpType::kSqueeze:
      return x.dtype == out.dtype ? x.data : nullptr;
    case ir::OpType::kAdd:
    case ir::OpType::kSub:
    case ir::OpType::kMul:
      return x.dtype == out.dtype ? fold_elementwise(g, op, out.shape) : nullptr;
    case ir::OpType::kRelu:
    case ir::OpType::kRelu6:
    case ir::OpType::kReluN1To1:
    case ir::OpType::kTanh:
    case ir::OpType::kLogistic:
      return out.dtype == DType::kFloat32 ? fold_unary(x, op.type) : nullptr;
    case ir::OpType::kConcatenation:
      return fold_concatenation(g, op, out);
    case ir::OpType::kDequantize: {
      if (x.dtype != DType::kFloat16 || out.dtype != DType::kFloat32) return nullptr;
      std::vector<float> v;
      for (uint16_t h : x.const_data<uint16_t>()) v.push_back(half_to_float(h));
      return make_bytes(v);
    }
    default:
      return nullptr;
  }
}

class FoldConstantsPass final : public Pass {
 public:
  std::string_view name() const override { return "fold-constants"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int folded = 0, too_large = 0;
    const int64_t limit = context.options().max_folded_elements;
    for (size_t i = 0; i < graph.ops.size();) {
      const ir::Op& op = graph.ops[i];
      if (!all_inputs_constant(graph, op)) {
        ++i;
        continue;
      }
      QEXP_ASSIGN_OR_RETURN(std::vector<Shape> shapes, ir::infer_output_shapes(graph, op));
      ir::Tensor& out = graph.tensors[static_cast<size_t>(op.outputs[0])];
      if (out.quant.is_quantized() || shapes[0] != out.shape) {
        ++i;
        continue;
      }
      if (out.shape.num_elements() > limit && out.shape.num_elements() > largest_input(graph, op)) {
        ++too_large;
        ++i;
        continue;
      }
      Bytes value = fold(graph, op, out);
      if (value == nullptr) {
        ++i;
        continue;
      }
      out.data = std::move(value);
      internal::erase_op(graph, i);
      ++folded;
    }
    if (too_large > 0) {
      context.log(name(), str_cat("left ", too_large, " op", too_large == 1 ? "" : "s",
                                  " unfolded: result above max_folded_elements = ", limit));
    }
    if (folded == 0) return false;
    context.log(name(), str_cat("folded ", folded, " constant op", folded == 1 ? "" : "s"));
    return true;
  }

 private:
  static bool all_inputs_constant(const ir::Graph& g, const ir::Op& op) {
    if (op.inputs.empty() || op.outputs.size() != 1) return false;
    for (int t : op.inputs) {
      if (t < 0) continue;
      const ir::Tensor& in = g.tensors[static_cast<size_t>(t)];
      if (!in.is_const() || in.quant.is_quantized()) return false;
    }
    return true;
  }

  static int64_t largest_input(const ir::Graph& g, const ir::Op& op) {
    int64_t n = 0;
    for (int t : op.inputs) {
      if (t >= 0) n = std::max(n, g.tensors[static_cast<size_t>(t)].shape.num_elements());
    }
    return n;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_fold_constants_pass() {
  return std::make_unique<FoldConstantsPass>();
}

}  // namespace qexp::passes

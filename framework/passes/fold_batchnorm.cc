// fold-batchnorm: inference batch norm y = (x - mean) * s + beta with s = gamma / sqrt(var + eps)
// per channel. After a conv / depthwise / FC with constant weights it folds away: each output
// channel's weights are scaled by s and the bias becomes beta + (bias - mean) * s. Anywhere else
// it is lowered to MUL by s and ADD of beta - mean * s, so no BATCH_NORM survives.

#include <cmath>

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

/// Per-channel affine form of a batch norm: y = x * scale + offset.
struct Affine {
  std::vector<double> scale, offset;
};

Result<Affine> affine_of(const ir::Graph& g, const ir::Op& bn) {
  const ir::Tensor& x = g.tensors[static_cast<size_t>(bn.inputs[0])];
  if (!internal::is_plain_float(x)) {
    return unimplemented(str_cat(internal::op_label(bn), ": input ", qexp::quoted(x.name), " is ",
                                 dtype_name(x.dtype), ", expected unquantized float32"));
  }
  const int64_t channels = internal::last_dim(x.shape);
  static constexpr const char* kParams[] = {"", "gamma", "beta", "mean", "variance"};
  std::vector<float> p[5];
  for (size_t k = 1; k < 5; ++k) {
    const ir::Tensor* t = internal::input_tensor(g, bn, k);
    if (t == nullptr || !internal::is_float_const(*t) || t->shape.num_elements() != channels) {
      return unimplemented(str_cat(
          internal::op_label(bn), ": ", kParams[k], " (input ", k, ") ",
          t == nullptr ? std::string("is missing")
                       : str_cat(qexp::quoted(t->name), " is ", t->is_const() ? "" : "not ",
                                 "constant ", dtype_name(t->dtype), t->shape.to_string()),
          "; fold-batchnorm needs a constant float32 tensor of ", channels,
          " elements (run fold-constants first if it is computed from constants)"));
    }
    p[k] = internal::const_floats(*t);
  }
  const double eps = bn.opts<ir::BatchNormOptions>().epsilon;
  Affine a;
  for (size_t c = 0; c < static_cast<size_t>(channels); ++c) {
    double var_eps = static_cast<double>(p[4][c]) + eps;
    if (!(var_eps > 0.0) || !std::isfinite(var_eps)) {
      return invalid_argument(str_cat(internal::op_label(bn), ": variance[", c, "] + epsilon = ",
                                      format_double(var_eps), ", expected a finite value > 0"));
    }
    double s = p[1][c] / std::sqrt(var_eps);
    a.scale.push_back(s);
    a.offset.push_back(p[2][c] - p[3][c] * s);
  }
  return a;
}

/// Axis of the output channel in the weights of `type`, or -1 if the op cannot absorb a scale.
int channel_axis(ir::OpType type) {
  switch (type) {
    case ir::OpType::kConv2D: return 0;           // OHWI
    case ir::OpType::kDepthwiseConv2D: return 3;  // [1, H, W, C * M]
    case ir::OpType::kFullyConnected: return 0;   // [N, K]
    default: return -1;
  }
}

/// The index of the op the batch norm can fold into, or -1.
int foldable_producer(const ir::Graph& g, size_t bn_index, int64_t channels) {
  const int x = g.ops[bn_index].inputs[0];
  const int p = g.producer(x);
  if (p < 0 || internal::sole_consumer(g, x) != static_cast<int>(bn_index)) return -1;
  const ir::Op& op = g.ops[static_cast<size_t>(p)];
  const int axis = channel_axis(op.type);
  if (axis < 0) return -1;
  // A fused activation sits between the op and the batch norm: y = bn(act(conv)) ≠ act(bn'(…)).
  if (*internal::fused_activation(op) != ir::Activation::kNone) return -1;
  const ir::Tensor* w = internal::input_tensor(g, op, 1);
  const ir::Tensor* b = internal::input_tensor(g, op, 2);
  if (w == nullptr || !internal::is_float_const(*w) || axis >= w->shape.rank() ||
      w->shape[axis] != channels) {
    return -1;
  }
  if (b != nullptr && !(internal::is_float_const(*b) && b->shape.num_elements() == channels)) {
    return -1;
  }
  return p;
}

void fold_into(ir::Graph& g, size_t p, size_t bn_index, const Affine& a) {
  const ir::Op& op = g.ops[p];
  const ir::Tensor& w = g.tensors[static_cast<size_t>(op.inputs[1])];
  const int axis = channel_axis(op.type);
  int64_t inner = 1;
  for (int d = axis + 1; d < w.shape.rank(); ++d) inner *= w.shape[d];
  const int64_t channels = static_cast<int64_t>(a.scale.size());
  std::vector<float> weights = internal::const_floats(w);
  for (size_t e = 0; e < weights.size(); ++e) {
    size_t c = static_cast<size_t>((static_cast<int64_t>(e) / inner) % channels);
    weights[e] = static_cast<float>(weights[e] * a.scale[c]);
  }
  const ir::Tensor* b = internal::input_tensor(g, op, 2);
  std::vector<float> bias(a.scale.size(), 0.0f);
  if (b != nullptr) bias = internal::const_floats(*b);
  for (size_t c = 0; c < bias.size(); ++c) {
    bias[c] = static_cast<float>(bias[c] * a.scale[c] + a.offset[c]);
  }
  const Shape w_shape = w.shape;
  internal::set_float_input(g, p, 1, w_shape, weights, "/bn_folded");
  if (b != nullptr) {
    internal::set_float_input(g, p, 2, Shape{channels}, bias, "/bn_folded");
  } else {
    int t = internal::add_float_const(g, str_cat(g.ops[p].name, "/bias"), Shape{channels}, bias);
    g.ops[p].inputs.resize(3, -1);
    g.ops[p].inputs[2] = t;
  }
  const int x = g.ops[bn_index].inputs[0], y = g.ops[bn_index].outputs[0];
  for (int& o : g.ops[p].outputs) {
    if (o == x) o = y;
  }
  internal::erase_op(g, bn_index);
}

/// Replaces the batch norm at `i` by MUL (at i) and ADD (at i + 1).
void lower(ir::Graph& g, size_t i, const Affine& a) {
  const ir::Op bn = g.ops[i];
  const int64_t channels = static_cast<int64_t>(a.scale.size());
  std::vector<float> scale(a.scale.begin(), a.scale.end());
  std::vector<float> offset(a.offset.begin(), a.offset.end());
  int s = internal::add_float_const(g, str_cat(bn.name, "/scale"), Shape{channels}, scale);
  int o = internal::add_float_const(g, str_cat(bn.name, "/offset"), Shape{channels}, offset);
  const Shape y_shape = g.tensors[static_cast<size_t>(bn.outputs[0])].shape;
  int mid = g.add_tensor(internal::unique_tensor_name(g, str_cat(bn.name, "/scaled")),
                         DType::kFloat32, y_shape);
  ir::Op& mul = g.ops[i];
  mul.type = ir::OpType::kMul;
  mul.name = str_cat(bn.name, "/mul");
  mul.inputs = {bn.inputs[0], s};
  mul.outputs = {mid};
  mul.options = ir::ElementwiseOptions{};
  ir::Op add;
  add.type = ir::OpType::kAdd;
  add.name = str_cat(bn.name, "/add");
  add.inputs = {mid, o};
  add.outputs = bn.outputs;
  add.options = ir::ElementwiseOptions{};
  g.insert_op(i + 1, std::move(add));
}

class FoldBatchNormPass final : public Pass {
 public:
  std::string_view name() const override { return "fold-batchnorm"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int folded = 0, lowered = 0;
    for (size_t i = 0; i < graph.ops.size();) {
      if (graph.ops[i].type != ir::OpType::kBatchNorm) {
        ++i;
        continue;
      }
      QEXP_ASSIGN_OR_RETURN(Affine a, affine_of(graph, graph.ops[i]));
      int p = foldable_producer(graph, i, static_cast<int64_t>(a.scale.size()));
      if (p >= 0) {
        fold_into(graph, static_cast<size_t>(p), i, a);  // erases op i
        ++folded;
      } else {
        lower(graph, i, a);
        i += 2;
        ++lowered;
      }
    }
    if (folded + lowered == 0) return false;
    context.log(name(), str_cat("folded ", folded, " batch norm", folded == 1 ? "" : "s",
                                ", lowered ", lowered, " to MUL + ADD"));
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_fold_batchnorm_pass() {
  return std::make_unique<FoldBatchNormPass>();
}

}  // namespace qexp::passes

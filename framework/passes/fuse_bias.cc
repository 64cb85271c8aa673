// fuse-bias: TensorFlow's Conv2D / DepthwiseConv2dNative / MatMul carry no bias; BiasAdd (or
// Add) follows as an ADD of a constant [C]. That constant becomes (or is added into) the op's
// bias, and a fused activation of the ADD moves to the op.

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

bool has_bias_input(ir::OpType type) {
  return type == ir::OpType::kConv2D || type == ir::OpType::kDepthwiseConv2D ||
         type == ir::OpType::kFullyConnected;
}

/// The constant's values as a per-channel vector of `channels` values, if it broadcasts along
/// the last axis only (shape [C], [1,…,1,C], a single value, or [] for a scalar).
std::optional<std::vector<float>> per_channel(const ir::Tensor& c, int64_t channels,
                                              int max_rank) {
  if (!internal::is_float_const(c) || c.shape.rank() > max_rank) return std::nullopt;
  for (int d = 0; d + 1 < c.shape.rank(); ++d) {
    if (c.shape[d] != 1) return std::nullopt;
  }
  std::vector<float> v = internal::const_floats(c);
  if (v.size() == 1) return std::vector<float>(static_cast<size_t>(channels), v[0]);
  if (static_cast<int64_t>(v.size()) != channels) return std::nullopt;
  return v;
}

class FuseBiasPass final : public Pass {
 public:
  std::string_view name() const override { return "fuse-bias"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int fused = 0;
    for (size_t i = 0; i < graph.ops.size();) {
      if (graph.ops[i].type == ir::OpType::kAdd && try_fuse(graph, i)) {
        ++fused;
      } else {
        ++i;
      }
    }
    if (fused == 0) return false;
    context.log(name(), str_cat("fused ", fused, " bias add", fused == 1 ? "" : "s"));
    return true;
  }

 private:
  static bool try_fuse(ir::Graph& g, size_t i) {
    const ir::Op& add = g.ops[i];
    for (size_t c_slot : {size_t{1}, size_t{0}}) {
      const int x = add.inputs[1 - c_slot];
      const int p = g.producer(x);
      if (p < 0 || !has_bias_input(g.ops[static_cast<size_t>(p)].type)) continue;
      if (try_fuse_into(g, i, static_cast<size_t>(p), c_slot)) return true;
    }
    return false;
  }

  static bool try_fuse_into(ir::Graph& g, size_t add_index, size_t p, size_t c_slot) {
    const ir::Op& add = g.ops[add_index];
    const int x = add.inputs[1 - c_slot], y = add.outputs[0];
    const ir::Tensor& xt = g.tensors[static_cast<size_t>(x)];
    const ir::Tensor& yt = g.tensors[static_cast<size_t>(y)];
    if (internal::sole_consumer(g, x) != static_cast<int>(add_index)) return false;
    if (!internal::is_plain_float(xt) || !internal::is_plain_float(yt) || xt.shape != yt.shape) {
      return false;
    }
    ir::Op& op = g.ops[p];
    if (*internal::fused_activation(op) != ir::Activation::kNone) return false;
    const int64_t channels = internal::last_dim(xt.shape);
    auto addend = per_channel(g.tensors[static_cast<size_t>(add.inputs[c_slot])], channels,
                              xt.shape.rank());
    if (!addend) return false;
    const ir::Tensor* bias = internal::input_tensor(g, op, 2);
    if (bias != nullptr && !(internal::is_float_const(*bias) &&
                             bias->shape.num_elements() == channels)) {
      return false;
    }
    std::vector<float> sum = bias != nullptr ? internal::const_floats(*bias)
                                             : std::vector<float>(addend->size(), 0.0f);
    for (size_t c = 0; c < sum.size(); ++c) sum[c] += (*addend)[c];
    const ir::Activation add_act = *internal::fused_activation(g.ops[add_index]);
    if (bias != nullptr) {
      internal::set_float_input(g, p, 2, Shape{channels}, sum, "/fused");
    } else {
      int b = internal::add_float_const(g, str_cat(op.name, "/bias"), Shape{channels}, sum);
      g.ops[p].inputs.resize(3, -1);
      g.ops[p].inputs[2] = b;
    }
    ir::Op& fused = g.ops[p];
    *internal::fused_activation(fused) = add_act;
    for (int& o : fused.outputs) {
      if (o == x) o = y;
    }
    internal::erase_op(g, add_index);
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_fuse_bias_pass() { return std::make_unique<FuseBiasPass>(); }

}  // namespace qexp::passes

// fuse-activation: RELU / RELU6 / RELU_N1_TO_1 after an op with a fused-activation field
// becomes that field, as TFLite's converter does. The activation's output tensor becomes the
// op's output, so tensor names stay meaningful ("conv1/Relu6", not "conv1/Conv2D").

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

std::optional<ir::Activation> activation_of(ir::OpType type) {
  switch (type) {
    case ir::OpType::kRelu: return ir::Activation::kRelu;
    case ir::OpType::kRelu6: return ir::Activation::kRelu6;
    case ir::OpType::kReluN1To1: return ir::Activation::kReluN1To1;
    default: return std::nullopt;
  }
}

bool can_fuse_into(ir::OpType type) {
  switch (type) {
    case ir::OpType::kConv2D:
    case ir::OpType::kDepthwiseConv2D:
    case ir::OpType::kFullyConnected:
    case ir::OpType::kAdd:
    case ir::OpType::kSub:
    case ir::OpType::kMul:
    case ir::OpType::kAveragePool2D:
    case ir::OpType::kMaxPool2D:
      return true;
    // CONCATENATION is deliberately absent: TFLite's concatenation kernel rejects any fused
    // activation other than NONE at Prepare, so fusing would export files TFLite cannot run.
    default:
      return false;
  }
}

class FuseActivationPass final : public Pass {
 public:
  std::string_view name() const override { return "fuse-activation"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int fused = 0;
    for (size_t i = 0; i < graph.ops.size();) {
      if (try_fuse(graph, i)) {
        ++fused;  // op i was erased; look at the op that moved into slot i
      } else {
        ++i;
      }
    }
    if (fused == 0) return false;
    context.log(name(), str_cat("fused ", fused, " activation", fused == 1 ? "" : "s"));
    return true;
  }

 private:
  static bool try_fuse(ir::Graph& g, size_t i) {
    const ir::Op& act = g.ops[i];
    std::optional<ir::Activation> kind = activation_of(act.type);
    if (!kind) return false;
    const int x = act.inputs[0], y = act.outputs[0];
    const int p = g.producer(x);
    if (p < 0 || internal::sole_consumer(g, x) != static_cast<int>(i)) return false;
    ir::Op& producer = g.ops[static_cast<size_t>(p)];
    ir::Activation* slot = internal::fused_activation(producer);
    if (!can_fuse_into(producer.type) || slot == nullptr || *slot != ir::Activation::kNone) {
      return false;
    }
    // Quantized tensors would need their ranges merged; conversion runs on float graphs.
    if (!internal::is_plain_float(g.tensors[static_cast<size_t>(x)]) ||
        !internal::is_plain_float(g.tensors[static_cast<size_t>(y)])) {
      return false;
    }
    *slot = *kind;
    for (int& o : producer.outputs) {
      if (o == x) o = y;
    }
    internal::erase_op(g, i);
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_fuse_activation_pass() {
  return std::make_unique<FuseActivationPass>();
}

}  // namespace qexp::passes

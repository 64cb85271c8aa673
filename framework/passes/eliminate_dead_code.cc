// eliminate-dead-code: everything that does not contribute to a graph output goes — ops first
// (walking backwards from the outputs), then tensors nothing refers to any more (replaced
// weights, bypassed activations). Graph inputs are kept even when unused: they are the
// model's interface.

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

class EliminateDeadCodePass final : public Pass {
 public:
  std::string_view name() const override { return "eliminate-dead-code"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    std::vector<bool> live_tensor(graph.tensors.size(), false);
    for (int t : graph.outputs) live_tensor[static_cast<size_t>(t)] = true;
    std::vector<bool> dead_op(graph.ops.size(), true);
    int dead_ops = static_cast<int>(graph.ops.size());
    for (size_t i = graph.ops.size(); i-- > 0;) {
      const ir::Op& op = graph.ops[i];
      bool live = false;
      for (int t : op.outputs) live = live || live_tensor[static_cast<size_t>(t)];
      if (!live) continue;
      dead_op[i] = false;
      --dead_ops;
      for (int t : op.inputs) {
        if (t >= 0) live_tensor[static_cast<size_t>(t)] = true;
      }
    }
    if (dead_ops > 0) graph.remove_ops(dead_op);
    int dead_tensors = graph.remove_unused_tensors();
    if (dead_ops == 0 && dead_tensors == 0) return false;
    context.log(name(), str_cat("removed ", dead_ops, " dead op", dead_ops == 1 ? "" : "s",
                                " and ", dead_tensors, " unused tensor",
                                dead_tensors == 1 ? "" : "s"));
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_eliminate_dead_code_pass() {
  return std::make_unique<EliminateDeadCodePass>();
}

}  // namespace qexp::passes

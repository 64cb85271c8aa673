// remove-identity: TensorFlow's Identity / StopGradient become IDENTITY ops that TFLite has no
// code for. Each is bypassed; when its output is a graph output ("output" = Identity of
// "dense/Softmax") the output name survives and the producer writes it directly.

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

class RemoveIdentityPass final : public Pass {
 public:
  std::string_view name() const override { return "remove-identity"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int removed = 0;
    for (size_t i = 0; i < graph.ops.size();) {
      if (graph.ops[i].type != ir::OpType::kIdentity) {
        ++i;
        continue;
      }
      internal::bypass_op(graph, i);  // erases op i; the next op moves into slot i
      ++removed;
    }
    if (removed == 0) return false;
    context.log(name(), str_cat("removed ", removed, " identity op", removed == 1 ? "" : "s"));
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_remove_identity_pass() {
  return std::make_unique<RemoveIdentityPass>();
}

}  // namespace qexp::passes

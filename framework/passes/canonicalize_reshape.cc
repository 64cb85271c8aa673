// canonicalize-reshape: one spelling for every reshape, so the exporter, the quantizer and the
// pattern-matching passes see a single form: RESHAPE(x, const int32 shape) with no -1 and no
// new_shape option. SQUEEZE becomes RESHAPE; RESHAPE of a RESHAPE reads the first input
// directly (the inner one goes when nothing else reads it); a reshape to the input's own shape
// is removed.

#include <cstdint>

#include "framework/core/strings.h"
#include "framework/ir/shape_inference.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

bool is_reshape_like(ir::OpType type) {
  return type == ir::OpType::kReshape || type == ir::OpType::kSqueeze;
}

/// True if `t` is a constant int32 rank-1 tensor holding exactly `dims`.
bool holds_shape(const ir::Tensor* t, const Shape& dims) {
  if (t == nullptr || !t->is_const() || t->dtype != DType::kInt32 || t->quant.is_quantized() ||
      t->shape.rank() != 1 || t->shape[0] != dims.rank()) {
    return false;
  }
  auto values = t->const_data<int32_t>();
  for (int d = 0; d < dims.rank(); ++d) {
    if (values[static_cast<size_t>(d)] != dims[d]) return false;
  }
  return true;
}

class CanonicalizeReshapePass final : public Pass {
 public:
  std::string_view name() const override { return "canonicalize-reshape"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    Counts n;
    for (size_t i = 0; i < graph.ops.size();) {
      if (!is_reshape_like(graph.ops[i].type)) {
        ++i;
        continue;
      }
      QEXP_ASSIGN_OR_RETURN(i, visit(graph, i, n));
    }
    if (n.collapsed + n.removed + n.rewritten == 0) return false;
    context.log(name(), str_cat("collapsed ", n.collapsed, " reshape chain",
                                n.collapsed == 1 ? "" : "s", ", removed ", n.removed,
                                " no-op reshape", n.removed == 1 ? "" : "s", ", rewrote ",
                                n.rewritten, " to canonical RESHAPE"));
    return true;
  }

 private:
  struct Counts {
    int collapsed = 0, removed = 0, rewritten = 0;
  };

  /// Canonicalizes the reshape-like op at `i`; returns the index of the next op to look at.
  static Result<size_t> visit(ir::Graph& g, size_t i, Counts& n) {
    QEXP_ASSIGN_OR_RETURN(std::vector<Shape> shapes, ir::infer_output_shapes(g, g.ops[i]));
    const Shape target = shapes[0];
    // RESHAPE(RESHAPE(x)) == RESHAPE(x): read x directly.
    const int p = g.producer(g.ops[i].inputs[0]);
    if (p >= 0 && is_reshape_like(g.ops[static_cast<size_t>(p)].type)) {
      const int inner_out = g.ops[i].inputs[0];
      g.ops[i].inputs[0] = g.ops[static_cast<size_t>(p)].inputs[0];
      ++n.collapsed;
      if (g.consumers(inner_out).empty() && !g.is_graph_output(inner_out)) {
        internal::erase_op(g, static_cast<size_t>(p));
        --i;  // p came before i
      }
    }
    if (g.tensors[static_cast<size_t>(g.ops[i].inputs[0])].shape == target) {
      internal::bypass_op(g, i);
      ++n.removed;
      return i;
    }
    for (int d = 0; d < target.rank(); ++d) {
      if (target[d] > INT32_MAX) return i + 1;  // cannot be spelled as int32; leave it
    }
    ir::Op& op = g.ops[i];
    const ir::Tensor* shape_input = internal::input_tensor(g, op, 1);
    const bool canonical = op.type == ir::OpType::kReshape && op.inputs.size() == 2 &&
                           op.opts<ir::ReshapeOptions>().new_shape.empty() &&
                           holds_shape(shape_input, target);
    if (canonical) return i + 1;
    int shape_tensor = holds_shape(shape_input, target) ? op.inputs[1] : -1;
    if (shape_tensor < 0) {
      std::vector<int32_t> dims(target.dims().begin(), target.dims().end());
      shape_tensor = internal::add_int32_const(g, str_cat(g.ops[i].name, "/shape"), dims);
    }
    ir::Op& r = g.ops[i];
    r.type = ir::OpType::kReshape;
    r.inputs = {r.inputs[0], shape_tensor};
    r.options = ir::ReshapeOptions{};
    ++n.rewritten;
    return i + 1;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_canonicalize_reshape_pass() {
  return std::make_unique<CanonicalizeReshapePass>();
}

}  // namespace qexp::passes

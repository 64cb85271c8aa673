// matmul-to-fully-connected: TensorFlow MatMul [M,K] x [K,N] becomes TFLite FULLY_CONNECTED,
// whose weights are [N,K] (B transposed unless transpose_b was set).
//
// Decision: a MATMUL this pass cannot convert is an error naming the op, not left for the
// exporter. TFLite FC needs constant weights (and qexp quantizes them per output channel), and
// qexp's IR has no BATCH_MATMUL / TRANSPOSE to express the other cases; failing here says why,
// instead of a later "MATMUL has no TFLite code".

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

Status check_convertible(const ir::Graph& g, const ir::Op& op) {
  const auto& o = op.opts<ir::MatMulOptions>();
  const ir::Tensor& a = g.tensors[static_cast<size_t>(op.inputs[0])];
  const ir::Tensor& b = g.tensors[static_cast<size_t>(op.inputs[1])];
  if (o.transpose_a) {
    return unimplemented(str_cat(internal::op_label(op),
                                 ": transpose_a=true is not supported; FULLY_CONNECTED reads its "
                                 "input as [M,K] and qexp has no TRANSPOSE op"));
  }
  if (!internal::is_float_const(b)) {
    return unimplemented(str_cat(internal::op_label(op), ": B ", qexp::quoted(b.name), " is ",
                                 b.is_const() ? "" : "not ", "constant ", dtype_name(b.dtype),
                                 "; FULLY_CONNECTED needs constant float32 weights (qexp has no "
                                 "BATCH_MATMUL)"));
  }
  if (!internal::is_plain_float(a) || a.shape.rank() != 2 || b.shape.rank() != 2) {
    return unimplemented(str_cat(internal::op_label(op), ": expected float32 rank-2 inputs, got ",
                                 dtype_name(a.dtype), a.shape.to_string(), " x ",
                                 dtype_name(b.dtype), b.shape.to_string()));
  }
  return ok_status();
}

class MatMulToFullyConnectedPass final : public Pass {
 public:
  std::string_view name() const override { return "matmul-to-fully-connected"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int converted = 0;
    for (size_t i = 0; i < graph.ops.size(); ++i) {
      if (graph.ops[i].type != ir::OpType::kMatMul) continue;
      QEXP_RETURN_IF_ERROR(check_convertible(graph, graph.ops[i]));
      convert(graph, i);
      ++converted;
    }
    if (converted == 0) return false;
    context.log(name(), str_cat("converted ", converted, " matmul", converted == 1 ? "" : "s",
                                " to FULLY_CONNECTED"));
    return true;
  }

 private:
  static void convert(ir::Graph& g, size_t i) {
    const bool transpose_b = g.ops[i].opts<ir::MatMulOptions>().transpose_b;
    if (!transpose_b) {
      // B is [K,N]; FC wants [N,K].
      const ir::Tensor& b = g.tensors[static_cast<size_t>(g.ops[i].inputs[1])];
      const int64_t k = b.shape[0], n = b.shape[1];
      std::vector<float> src = internal::const_floats(b);
      std::vector<float> dst(src.size());
      for (int64_t r = 0; r < k; ++r) {
        for (int64_t c = 0; c < n; ++c) {
          dst[static_cast<size_t>(c * k + r)] = src[static_cast<size_t>(r * n + c)];
        }
      }
      internal::set_float_input(g, i, 1, Shape{n, k}, dst, "/transposed");
    }
    ir::Op& op = g.ops[i];
    op.type = ir::OpType::kFullyConnected;
    op.inputs = {op.inputs[0], op.inputs[1], -1};
    op.options = ir::FullyConnectedOptions{};
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_matmul_to_fully_connected_pass() {
  return std::make_unique<MatMulToFullyConnectedPass>();
}

}  // namespace qexp::passes

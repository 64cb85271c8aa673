// mean-to-average-pool: TensorFlow's global average pooling is Mean over axes {1,2} of an
// NHWC tensor. AVERAGE_POOL_2D with a VALID window of the whole H×W plane computes the same
// value (sum / (H*W), no padding involved) and is what TFLite models use (well supported in
// int8). Without keep_dims the pool's [N,1,1,C] result is reshaped to the MEAN's [N,C]. Any
// other MEAN (other axes, other ranks, quantized) is left alone: it would not be exact.

#include <cstdint>

#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"
#include "framework/passes/pass_util.h"

namespace qexp::passes {
namespace {

/// True if the constant axes tensor of a rank-4 MEAN holds exactly the axes {1, 2}.
bool reduces_height_and_width(const ir::Tensor* axes) {
  if (axes == nullptr || !axes->is_const() || axes->quant.is_quantized()) return false;
  std::vector<int64_t> values;
  if (axes->dtype == DType::kInt32) {
    for (int32_t v : axes->const_data<int32_t>()) values.push_back(v);
  } else if (axes->dtype == DType::kInt64) {
    for (int64_t v : axes->const_data<int64_t>()) values.push_back(v);
  } else {
    return false;
  }
  bool seen[4] = {false, false, false, false};
  for (int64_t v : values) {
    if (v < -4 || v >= 4) return false;
    seen[v < 0 ? v + 4 : v] = true;
  }
  return !seen[0] && seen[1] && seen[2] && !seen[3];
}

class MeanToAveragePoolPass final : public Pass {
 public:
  std::string_view name() const override { return "mean-to-average-pool"; }

  Result<bool> run(ir::Graph& graph, PassContext& context) override {
    int converted = 0;
    for (size_t i = 0; i < graph.ops.size(); ++i) {
      if (graph.ops[i].type != ir::OpType::kMean || !convertible(graph, graph.ops[i])) continue;
      if (convert(graph, i)) ++i;  // skip the RESHAPE inserted after the pool
      ++converted;
    }
    if (converted == 0) return false;
    context.log(name(), str_cat("converted ", converted, " mean", converted == 1 ? "" : "s",
                                " to AVERAGE_POOL_2D"));
    return true;
  }

 private:
  static bool convertible(const ir::Graph& g, const ir::Op& op) {
    const ir::Tensor& x = g.tensors[static_cast<size_t>(op.inputs[0])];
    const ir::Tensor& y = g.tensors[static_cast<size_t>(op.outputs[0])];
    if (!internal::is_plain_float(x) || !internal::is_plain_float(y) || x.shape.rank() != 4) {
      return false;
    }
    for (int d = 0; d < 4; ++d) {
      if (x.shape[d] < 1 || x.shape[d] > INT32_MAX) return false;  // int options, int32 shape
    }
    return reduces_height_and_width(internal::input_tensor(g, op, 1));
  }

  /// Rewrites MEAN at `i` in place; returns true if a RESHAPE was inserted at i + 1.
  static bool convert(ir::Graph& g, size_t i) {
    const Shape in = g.tensors[static_cast<size_t>(g.ops[i].inputs[0])].shape;
    const bool keep_dims = g.ops[i].opts<ir::ReducerOptions>().keep_dims;
    ir::Pool2DOptions pool;
    pool.padding = ir::Padding::kValid;
    pool.filter_h = static_cast<int>(in[1]);
    pool.filter_w = static_cast<int>(in[2]);
    const int y = g.ops[i].outputs[0];
    const std::string op_name = g.ops[i].name;
    int pooled = y;
    if (!keep_dims) {
      pooled = g.add_tensor(internal::unique_tensor_name(g, str_cat(op_name, "/pooled")),
                            DType::kFloat32, Shape{in[0], 1, 1, in[3]});
    }
    ir::Op& op = g.ops[i];
    op.type = ir::OpType::kAveragePool2D;
    op.inputs = {op.inputs[0]};
    op.outputs = {pooled};
    op.options = pool;
    if (keep_dims) return false;
    const std::vector<int32_t> dims = {static_cast<int32_t>(in[0]), static_cast<int32_t>(in[3])};
    int shape = internal::add_int32_const(g, str_cat(op_name, "/shape"), dims);
    ir::Op reshape;
    reshape.type = ir::OpType::kReshape;
    reshape.name = str_cat(op_name, "/reshape");
    reshape.inputs = {pooled, shape};
    reshape.outputs = {y};
    reshape.options = ir::ReshapeOptions{};
    g.insert_op(i + 1, std::move(reshape));
    return true;
  }
};

}  // namespace

std::unique_ptr<Pass> internal::make_mean_to_average_pool_pass() {
  return std::make_unique<MeanToAveragePoolPass>();
}

}  // namespace qexp::passes

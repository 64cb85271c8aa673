#include "framework/passes/pass_util.h"

#include <algorithm>
#include <cstring>

#include "framework/core/logging.h"
#include "framework/core/strings.h"

namespace qexp::passes::internal {

std::string op_label(const ir::Op& op) {
  return str_cat("op ", qexp::quoted(op.name), " (", ir::op_type_name(op.type), ")");
}

bool is_plain_float(const ir::Tensor& t) {
  return t.dtype == DType::kFloat32 && !t.quant.is_quantized();
}

bool is_float_const(const ir::Tensor& t) { return t.is_const() && is_plain_float(t); }

const ir::Tensor* input_tensor(const ir::Graph& g, const ir::Op& op, size_t slot) {
  if (slot >= op.inputs.size() || op.inputs[slot] < 0) return nullptr;
  return &g.tensors[static_cast<size_t>(op.inputs[slot])];
}

std::vector<float> const_floats(const ir::Tensor& t) {
  QEXP_DCHECK(t.is_const() && t.dtype == DType::kFloat32);
  std::vector<float> v(t.data->size() / sizeof(float));
  if (!v.empty()) std::memcpy(v.data(), t.data->data(), v.size() * sizeof(float));
  return v;
}

std::string unique_tensor_name(const ir::Graph& g, std::string_view base) {
  if (g.find_tensor(base) < 0) return std::string(base);
  for (int i = 1;; ++i) {
    std::string candidate = str_cat(base, "_", i);
    if (g.find_tensor(candidate) < 0) return candidate;
  }
}

int add_float_const(ir::Graph& g, std::string_view base, Shape shape, std::span<const float> v) {
  QEXP_CHECK(shape.num_elements() == static_cast<int64_t>(v.size()));
  return g.add_const(unique_tensor_name(g, base), DType::kFloat32, std::move(shape),
                     to_bytes(v));
}

int add_int32_const(ir::Graph& g, std::string_view base, std::span<const int32_t> v) {
  return g.add_const(unique_tensor_name(g, base), DType::kInt32,
                     Shape{static_cast<int64_t>(v.size())}, to_bytes(v));
}

int sole_consumer(const ir::Graph& g, int tensor) {
  if (g.is_graph_output(tensor)) return -1;
  std::vector<int> readers = g.consumers(tensor);
  return readers.size() == 1 ? readers[0] : -1;
}

ir::Activation* fused_activation(ir::Op& op) {
  return std::visit(
      [](auto& o) -> ir::Activation* {
        if constexpr (requires { o.activation; }) {
          return &o.activation;
        } else {
          return nullptr;
        }
      },
      op.options);
}

const ir::Activation* fused_activation(const ir::Op& op) {
  return fused_activation(const_cast<ir::Op&>(op));
}

void set_float_input(ir::Graph& g, size_t op_index, size_t slot, Shape shape,
                     std::span<const float> values, std::string_view suffix) {
  ir::Op& op = g.ops[op_index];
  int t = op.inputs[slot];
  QEXP_CHECK(t >= 0);
  ir::Tensor& old = g.tensors[static_cast<size_t>(t)];
  // The op may read the constant in several slots; count readers, not reading ops.
  int uses = 0;
  for (const ir::Op& other : g.ops) uses += static_cast<int>(std::count(other.inputs.begin(),
                                                                         other.inputs.end(), t));
  if (uses == 1 && !g.is_graph_output(t) && !g.is_graph_input(t)) {
    old.dtype = DType::kFloat32;
    old.shape = std::move(shape);
    old.quant = {};
    old.data = std::make_shared<const std::vector<uint8_t>>(to_bytes(values));
    return;
  }
  std::string base = str_cat(old.name, suffix);
  int fresh = add_float_const(g, base, std::move(shape), values);
  g.ops[op_index].inputs[slot] = fresh;
}

void erase_op(ir::Graph& g, size_t op_index) {
  g.ops.erase(g.ops.begin() + static_cast<std::ptrdiff_t>(op_index));
}

void bypass_op(ir::Graph& g, size_t op_index) {
  const int in = g.ops[op_index].inputs[0];
  const int out = g.ops[op_index].outputs[0];
  erase_op(g, op_index);
  const int producer = g.producer(in);
  if (g.is_graph_output(out) && producer >= 0 && !g.is_graph_output(in)) {
    // Keep the graph output's name: the producer writes `out` directly.
    for (int& o : g.ops[static_cast<size_t>(producer)].outputs) {
      if (o == in) o = out;
    }
    g.replace_uses(in, out);
    return;
  }
  g.replace_uses(out, in);
}

int64_t last_dim(const Shape& s) { return s.rank() == 0 ? 1 : s[s.rank() - 1]; }

}  // namespace qexp::passes::internal

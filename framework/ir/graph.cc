#include "framework/ir/graph.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "framework/core/logging.h"

namespace qexp::ir {
namespace {

template <typename T, typename Variant>
struct VariantIndex;
template <typename T, typename... Ts>
struct VariantIndex<T, std::variant<Ts...>> {
  static constexpr size_t value = [] {
    constexpr std::array<bool, sizeof...(Ts)> same = {std::is_same_v<T, Ts>...};
    for (size_t i = 0; i < same.size(); ++i)
      if (same[i]) return i;
    return size_t{0};
  }();
};

constexpr OpInfo kOpInfos[] = {
#define QEXP_OP(e, name, code, opts, min_in, max_in, n_out) \
  {name, code, VariantIndex<opts, OpOptions>::value, min_in, max_in, n_out},
#include "framework/ir/ops.def"
#undef QEXP_OP
};

constexpr OpType kAllOpTypes[] = {
#define QEXP_OP(e, name, code, opts, min_in, max_in, n_out) OpType::e,
#include "framework/ir/ops.def"
#undef QEXP_OP
};

template <size_t I = 0>
OpOptions make_alternative(size_t index) {
  if constexpr (I < std::variant_size_v<OpOptions>) {
    if (index == I) return OpOptions(std::in_place_index<I>);
    return make_alternative<I + 1>(index);
  } else {
    return NoOptions{};
  }
}

}  // namespace

const OpInfo& op_info(OpType type) { return kOpInfos[static_cast<size_t>(type)]; }

std::optional<OpType> parse_op_type(std::string_view name) {
  for (OpType t : kAllOpTypes) {
    if (op_info(t).name == name) return t;
  }
  return std::nullopt;
}

std::optional<OpType> op_type_from_tflite(int builtin_code) {
  if (builtin_code < 0) return std::nullopt;
  for (OpType t : kAllOpTypes) {
    if (op_info(t).tflite_code == builtin_code) return t;
  }
  return std::nullopt;
}

std::span<const OpType> all_op_types() { return kAllOpTypes; }

OpOptions default_options(OpType type) { return make_alternative(op_info(type).options_index); }

int Graph::add_tensor(Tensor t) {
  tensors.push_back(std::move(t));
  return static_cast<int>(tensors.size()) - 1;
}

int Graph::add_tensor(std::string tname, DType dtype, Shape shape) {
  Tensor t;
  t.name = std::move(tname);
  t.dtype = dtype;
  t.shape = std::move(shape);
  return add_tensor(std::move(t));
}

int Graph::add_const(std::string tname, const qexp::Tensor& value) {
  const auto* p = static_cast<const uint8_t*>(value.raw());
  std::vector<uint8_t> bytes(p, p + value.byte_size());
  return add_const(std::move(tname), value.dtype(), value.shape(), std::move(bytes));
}

int Graph::add_const(std::string tname, DType dtype, Shape shape, std::vector<uint8_t> bytes) {
  Tensor t;
  t.name = std::move(tname);
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.data = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  return add_tensor(std::move(t));
}

Op& Graph::add_op(OpType type, std::string oname, std::vector<int> ins, std::vector<int> outs,
                  OpOptions options) {
  Op op;
  op.type = type;
  op.name = std::move(oname);
  op.inputs = std::move(ins);
  op.outputs = std::move(outs);
  op.options = std::move(options);
  ops.push_back(std::move(op));
  return ops.back();
}

Op& Graph::insert_op(size_t pos, Op op) {
  QEXP_CHECK(pos <= ops.size());
  return *ops.insert(ops.begin() + static_cast<std::ptrdiff_t>(pos), std::move(op));
}

int Graph::find_tensor(std::string_view tname) const {
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].name == tname) return static_cast<int>(i);
  }
  return -1;
}

int Graph::find_op(std::string_view oname) const {
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].name == oname) return static_cast<int>(i);
  }
  return -1;
}

int Graph::producer(int tensor) const {
  for (size_t i = 0; i < ops.size(); ++i) {
    for (int o : ops[i].outputs) {
      if (o == tensor) return static_cast<int>(i);
    }
  }
  return -1;
}

std::vector<int> Graph::consumers(int tensor) const {
  std::vector<int> out;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (std::find(ops[i].inputs.begin(), ops[i].inputs.end(), tensor) != ops[i].inputs.end()) {
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

bool Graph::is_graph_output(int tensor) const {
  return std::find(outputs.begin(), outputs.end(), tensor) != outputs.end();
}

bool Graph::is_graph_input(int tensor) const {
  return std::find(inputs.begin(), inputs.end(), tensor) != inputs.end();
}

void Graph::replace_uses(int from, int to) {
  for (auto& op : ops) {
    for (int& i : op.inputs) {
      if (i == from) i = to;
    }
  }
  for (int& o : outputs) {
    if (o == from) o = to;
  }
}

void Graph::remove_ops(const std::vector<bool>& remove) {
  QEXP_CHECK(remove.size() == ops.size());
  std::vector<Op> kept;
  kept.reserve(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!remove[i]) kept.push_back(std::move(ops[i]));
  }
  ops = std::move(kept);
}

int Graph::remove_unused_tensors() {
  std::vector<bool> used(tensors.size(), false);
  auto mark = [&](int t) {
    if (t >= 0 && static_cast<size_t>(t) < tensors.size()) used[static_cast<size_t>(t)] = true;
  };
  for (const auto& op : ops) {
    for (int t : op.inputs) mark(t);
    for (int t : op.outputs) mark(t);
  }
  for (int t : inputs) mark(t);
  for (int t : outputs) mark(t);
  std::vector<int> remap(tensors.size(), -1);
  std::vector<Tensor> kept;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (used[i]) {
      remap[i] = static_cast<int>(kept.size());
      kept.push_back(std::move(tensors[i]));
    }
  }
  int removed = static_cast<int>(tensors.size() - kept.size());
  tensors = std::move(kept);
  auto fix = [&](int& t) {
    if (t >= 0) t = remap[static_cast<size_t>(t)];
  };
  for (auto& op : ops) {
    for (int& t : op.inputs) fix(t);
    for (int& t : op.outputs) fix(t);
  }
  for (int& t : inputs) fix(t);
  for (int& t : outputs) fix(t);
  return removed;
}

std::string_view padding_name(Padding p) { return p == Padding::kSame ? "SAME" : "VALID"; }

std::string_view activation_name(Activation a) {
  switch (a) {
    case Activation::kNone: return "NONE";
    case Activation::kRelu: return "RELU";
    case Activation::kReluN1To1: return "RELU_N1_TO_1";
    case Activation::kRelu6: return "RELU6";
    case Activation::kTanh: return "TANH";
    case Activation::kSignBit: return "SIGN_BIT";
  }
  return "?";
}

}  // namespace qexp::ir

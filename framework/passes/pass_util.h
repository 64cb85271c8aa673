#pragma once
// Internal helpers shared by the built-in passes (not part of the public pass API).

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::passes::internal {

/// "op 'name' (TYPE)", for messages.
std::string op_label(const ir::Op& op);

/// A plain float tensor: float32 without quantization parameters.
bool is_plain_float(const ir::Tensor& t);
/// A constant plain float tensor.
bool is_float_const(const ir::Tensor& t);

/// The tensor at input `slot` of `op`, or nullptr when the slot is absent (-1 or past the end).
const ir::Tensor* input_tensor(const ir::Graph& g, const ir::Op& op, size_t slot);

/// The values of a float32 constant. Precondition: t.is_const() and t.dtype is float32.
std::vector<float> const_floats(const ir::Tensor& t);

/// Little-endian bytes of a span of trivially copyable values.
template <typename T>
std::vector<uint8_t> to_bytes(std::span<const T> values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

/// `base` if no tensor has that name yet, else `base_1`, `base_2`, … (first free).
std::string unique_tensor_name(const ir::Graph& g, std::string_view base);

/// Appends a float32 constant with a unique name derived from `base`.
int add_float_const(ir::Graph& g, std::string_view base, Shape shape, std::span<const float> v);
/// Appends a rank-1 int32 constant with a unique name derived from `base`.
int add_int32_const(ir::Graph& g, std::string_view base, std::span<const int32_t> v);

/// The only op reading `tensor`, or -1 if the tensor is a graph output or has zero or several
/// readers (a rewrite that consumes the tensor would then change what the others see).
int sole_consumer(const ir::Graph& g, int tensor);

/// The fused activation field of ops that have one (CONV_2D, DEPTHWISE_CONV_2D,
/// FULLY_CONNECTED, ADD, SUB, MUL, pools, CONCATENATION), else nullptr.
ir::Activation* fused_activation(ir::Op& op);
const ir::Activation* fused_activation(const ir::Op& op);

/// Gives input `slot` of op `op_index` the float32 contents `values` with shape `shape`. When
/// that op is the constant's only user (and it is no graph output) the constant is rewritten in
/// place, keeping its name; otherwise a new constant named "<old name><suffix>" is added and
/// only this op is rewired to it. Precondition: the slot holds a tensor.
void set_float_input(ir::Graph& g, size_t op_index, size_t slot, Shape shape,
                     std::span<const float> values, std::string_view suffix);

/// Removes op `op_index`, whose single output has the same value as its first input, and
/// rewires the readers of the output to the input. When the output is a graph output its name
/// is kept: the input's producer writes the output tensor instead (if the input is an
/// activation that is no graph output itself); otherwise the graph output becomes the input.
void bypass_op(ir::Graph& g, size_t op_index);

/// Erases op `op_index` from the execution order (its tensors stay).
void erase_op(ir::Graph& g, size_t op_index);

/// Channel count of a tensor laid out with channels last (1 for rank 0).
int64_t last_dim(const Shape& s);

}  // namespace qexp::passes::internal

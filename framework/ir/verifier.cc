#include "framework/ir/verifier.h"

#include <cmath>
#include <limits>

#include "framework/core/checked_math.h"
#include "framework/core/limits.h"
#include "framework/core/strings.h"
#include "framework/ir/shape_inference.h"

namespace qexp::ir {
namespace {

std::string tensor_label(const Graph& g, int t) {
  return str_cat("tensor ", t, " ", quoted(g.tensors[static_cast<size_t>(t)].name));
}

std::string op_label(const Op& op, size_t index) {
  return str_cat("op ", index, " ", quoted(op.name), " (", op_type_name(op.type), ")");
}

Status verify_tensor(const Graph& g, int index) {
  const Tensor& t = g.tensors[static_cast<size_t>(index)];
  auto n = t.shape.checked_num_elements();
  if (!n.ok()) return invalid_argument(str_cat(tensor_label(g, index), ": ", n.status().message()));
  if (t.is_const()) {
    int64_t bytes = 0;
    if (!checked_mul(*n, static_cast<int64_t>(dtype_size(t.dtype)), &bytes) ||
        static_cast<int64_t>(t.data->size()) != bytes) {
      return invalid_argument(str_cat(tensor_label(g, index), ": constant has ", t.data->size(),
                                      " bytes, shape ", t.shape.to_string(), " ",
                                      dtype_name(t.dtype), " needs ", bytes));
    }
  }
  const QuantParams& q = t.quant;
  if (q.scale.empty()) {
    if (!q.zero_point.empty()) {
      return invalid_argument(str_cat(tensor_label(g, index), ": zero_point without scale"));
    }
    return ok_status();
  }
  if (q.zero_point.size() != q.scale.size()) {
    return invalid_argument(str_cat(tensor_label(g, index), ": ", q.scale.size(), " scales but ",
                                    q.zero_point.size(), " zero points"));
  }
  for (size_t i = 0; i < q.scale.size(); ++i) {
    float s = q.scale[i];
    if (!std::isfinite(s) || s <= 0.0f) {
      return invalid_argument(str_cat(tensor_label(g, index), ": scale[", i, "] = ",
                                      format_float(s), ", expected a finite value > 0"));
    }
  }
  if (q.scale.size() > 1) {
    int qd = q.quantized_dimension;
    if (qd < 0 || qd >= t.shape.rank()) {
      return invalid_argument(str_cat(tensor_label(g, index), ": quantized_dimension ", qd,
                                      " is outside the rank ", t.shape.rank(), " of shape ",
                                      t.shape.to_string()));
    }
    if (static_cast<int64_t>(q.scale.size()) != t.shape[qd]) {
      return invalid_argument(str_cat(tensor_label(g, index), ": ", q.scale.size(),
                                      " per-axis scales but dimension ", qd, " of shape ",
                                      t.shape.to_string(), " has ", t.shape[qd]));
    }
  }
  return ok_status();
}

/// limits().max_model_elements over all tensors (each count already checked by verify_tensor).
Status check_total_elements(const Graph& g) {
  int64_t total = 0;
  for (const Tensor& t : g.tensors) {
    auto n = t.shape.checked_num_elements();
    if (!n.ok() || !checked_add(total, *n, &total)) total = std::numeric_limits<int64_t>::max();
  }
  if (total > limits().max_model_elements) {
    return resource_exhausted(str_cat("the model's ", g.tensors.size(), " tensors hold ", total,
                                      " elements, more than the limit of ",
                                      limits().max_model_elements, " (--limit max_model_elements)"));
  }
  return ok_status();
}

/// The first op writing each tensor (-1: none), to tell a cycle (a tensor read before the op that
/// writes it runs) from a tensor nothing writes.
std::vector<int> first_writers(const Graph& g) {
  std::vector<int> writer(g.tensors.size(), -1);
  for (size_t i = g.ops.size(); i-- > 0;) {
    for (int t : g.ops[i].outputs) {
      if (t >= 0 && static_cast<size_t>(t) < writer.size()) {
        writer[static_cast<size_t>(t)] = static_cast<int>(i);
      }
    }
  }
  return writer;
}

}  // namespace

Status verify(const Graph& g, const VerifyOptions& options) {
  const int num_tensors = static_cast<int>(g.tensors.size());
  auto in_range = [&](int t) { return t >= 0 && t < num_tensors; };

  for (int t = 0; t < num_tensors; ++t) QEXP_RETURN_IF_ERROR(verify_tensor(g, t));
  QEXP_RETURN_IF_ERROR(check_total_elements(g));

  // 0 = unavailable, 1 = available (constant, graph input or already produced).
  std::vector<uint8_t> available(static_cast<size_t>(num_tensors), 0);
  std::vector<int> producer(static_cast<size_t>(num_tensors), -1);
  for (int t = 0; t < num_tensors; ++t) {
    if (g.tensors[static_cast<size_t>(t)].is_const()) available[static_cast<size_t>(t)] = 1;
  }
  for (int t : g.inputs) {
    if (!in_range(t)) {
      return invalid_argument(str_cat("graph input index ", t, " is outside [0, ", num_tensors, ")"));
    }
    if (g.tensors[static_cast<size_t>(t)].is_const()) {
      return invalid_argument(str_cat("graph input ", tensor_label(g, t), " is a constant"));
    }
    available[static_cast<size_t>(t)] = 1;
  }
  for (int t : g.outputs) {
    if (!in_range(t)) {
      return invalid_argument(str_cat("graph output index ", t, " is outside [0, ", num_tensors, ")"));
    }
  }

  const std::vector<int> writer = first_writers(g);
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const Op& op = g.ops[i];
    const OpInfo& info = op_info(op.type);
    int n_in = static_cast<int>(op.inputs.size());
    if (n_in < info.min_inputs || n_in > info.max_inputs) {
      return invalid_argument(str_cat(op_label(op, i), ": has ", n_in, " inputs, expected ",
                                      info.min_inputs == info.max_inputs
                                          ? std::to_string(info.min_inputs)
                                          : str_cat(info.min_inputs, " to ", info.max_inputs)));
    }
    if (static_cast<int>(op.outputs.size()) != info.num_outputs) {
      return invalid_argument(str_cat(op_label(op, i), ": has ", op.outputs.size(),
                                      " outputs, expected ", info.num_outputs));
    }
    if (op.options.index() != info.options_index) {
      return invalid_argument(str_cat(op_label(op, i), ": options of the wrong kind"));
    }
    for (int k = 0; k < n_in; ++k) {
      int t = op.inputs[static_cast<size_t>(k)];
      if (t == -1 && k >= info.min_inputs) continue;  // absent optional input
      if (!in_range(t)) {
        return invalid_argument(str_cat(op_label(op, i), ": input ", k, " refers to tensor ", t,
                                        ", outside [0, ", num_tensors, ")"));
      }
      if (!available[static_cast<size_t>(t)]) {
        int p = writer[static_cast<size_t>(t)];
        return invalid_argument(
            str_cat(op_label(op, i), ": input ", k, " ", tensor_label(g, t),
                    p < 0 ? " is never produced before it is used"
                    : p == static_cast<int>(i)
                        ? " is the op's own output (cycle)"
                        : str_cat(" is produced later, by op ", p, " (cycle or wrong order)")));
      }
    }
    for (int t : op.outputs) {
      if (!in_range(t)) {
        return invalid_argument(str_cat(op_label(op, i), ": output refers to tensor ", t,
                                        ", outside [0, ", num_tensors, ")"));
      }
      if (available[static_cast<size_t>(t)] || producer[static_cast<size_t>(t)] >= 0) {
        return invalid_argument(str_cat(op_label(op, i), ": output ", tensor_label(g, t),
                                        " is a constant, a graph input or already produced"));
      }
    }
    if (options.check_shapes) {
      auto shapes = infer_output_shapes(g, op);
      if (!shapes.ok()) return shapes.status();
      for (size_t k = 0; k < op.outputs.size(); ++k) {
        const Shape& have = g.tensors[static_cast<size_t>(op.outputs[k])].shape;
        if (have != (*shapes)[k]) {
          return invalid_argument(str_cat(op_label(op, i), ": output ",
                                          tensor_label(g, op.outputs[k]), " has shape ",
                                          have.to_string(), ", the op computes ",
                                          (*shapes)[k].to_string()));
        }
      }
    }
    for (int t : op.outputs) {
      available[static_cast<size_t>(t)] = 1;
      producer[static_cast<size_t>(t)] = static_cast<int>(i);
    }
  }
  for (int t : g.outputs) {
    if (!available[static_cast<size_t>(t)]) {
      return invalid_argument(str_cat("graph output ", tensor_label(g, t), " is never produced"));
    }
  }
  return ok_status();
}

}  // namespace qexp::ir

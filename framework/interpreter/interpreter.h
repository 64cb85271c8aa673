#pragma once
/// The qexp interpreter: runs an IR graph with Prepare / Eval kernels over one planned arena.
///
/// Lifecycle (like XNNPACK's create → setup → run): `create` validates the graph, picks a kernel
/// for every op (error naming the op and dtype if none exists), runs each kernel's Prepare
/// (shape checks, precomputed multipliers, scratch sizes) and plans the arena; `invoke` only
/// computes — no allocation, no validation, no logging.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/kernels/rounding.h"
#include "framework/ir/graph.h"

namespace qexp::interp {

/// Receives every tensor the interpreter computes: the graph inputs when `invoke` starts, then
/// each op's outputs right after the op runs. The view is valid only during the call (the arena
/// reuses memory). The interpreter never knows who observes: calibration adapts this hook.
class TensorObserver {
 public:
  virtual ~TensorObserver() = default;
  virtual void on_tensor(int tensor_id, const TensorView& value) = 0;
};

enum class KernelSet { kOptimized, kReference };

struct InterpreterOptions {
  /// Threads kernels may use, in [1, 256]. Outputs are bit-identical for every thread count.
  int num_threads = 1;
  /// Keep every tensor alive after invoke() (no arena reuse), so tensor(id) can read any of them.
  bool preserve_all_tensors = false;
  /// Whose integer arithmetic the quantized kernels reproduce where TFLite runtimes differ
  /// (kernels/rounding.h): TFLite's builtin kernels (the default, the reference semantics) or
  /// TFLite with the XNNPACK delegate. Float kernels do not depend on it.
  RoundingProfile rounding_profile = RoundingProfile::kTfliteBuiltin;
  /// Which implementations kernels use. kOptimized lets each kernel's Prepare pick a faster
  /// implementation where one applies (integer results bit-identical to the reference, float
  /// within rounding); kReference runs the reference kernels only (the specification, used by
  /// the differential tests).
  KernelSet kernel_set = KernelSet::kOptimized;
  /// Highest instruction set optimized kernels may use; nullopt: default_isa() (the CPU's,
  /// capped by QEXP_ISA). A level above the CPU's is lowered to it.
  std::optional<Isa> isa;
  /// Time every op's eval (steady clock); read with op_time_ns().
  bool profile = false;
};

class Interpreter {
 public:
  /// Builds an interpreter for `graph` (which must outlive nothing: the interpreter shares it).
  /// Errors: verifier failures, unsupported op / dtype combinations (kUnimplemented, e.g.
  /// "op 'conv1' (CONV_2D): no kernel for int8 inputs"), Prepare failures — each naming the op —
  /// and kResourceExhausted if the activation arena cannot be allocated.
  static Result<std::unique_ptr<Interpreter>> create(std::shared_ptr<const ir::Graph> graph,
                                                     const InterpreterOptions& options = {});
  virtual ~Interpreter() = default;

  virtual const ir::Graph& graph() const = 0;
  virtual int num_inputs() const = 0;
  virtual int num_outputs() const = 0;

  /// Writable view of graph input i; fill it before invoke().
  virtual TensorView input(int i) = 0;
  /// Copies raw little-endian bytes into input i; error if the byte count differs.
  virtual Status set_input_bytes(int i, std::span<const uint8_t> bytes) = 0;
  /// View of graph output i, valid until the next invoke().
  virtual TensorView output(int i) const = 0;
  /// View of any tensor after invoke(). Precondition (checked, aborts): preserve_all_tensors, or
  /// the tensor is a graph input / output or a constant (constants view the graph's buffers).
  virtual TensorView tensor(int tensor_id) const = 0;

  /// Observer for subsequent invokes (nullptr to clear). Not owned.
  virtual void set_observer(TensorObserver* observer) = 0;

  /// Runs the graph once on the current inputs.
  virtual Status invoke() = 0;

  /// Bytes of the activation arena (for reports and memory budgets).
  virtual size_t arena_bytes() const = 0;

  /// Name of the kernel chosen for op `op_index` (in graph().ops order), e.g. "conv2d_float"
  /// (the id in kernels/kernels.def). Precondition: 0 <= op_index < graph().ops.size().
  virtual std::string_view kernel_name(int op_index) const = 0;
  /// Implementation the kernel of op `op_index` chose in Prepare: "reference" or e.g.
  /// "gemm_avx512vnni". Same precondition as kernel_name.
  virtual std::string_view kernel_variant(int op_index) const = 0;

  /// With InterpreterOptions::profile: nanoseconds spent in each op's eval (graph().ops order),
  /// summed over the invokes since create() or reset_profile(). Empty without profile.
  virtual std::span<const int64_t> op_time_ns() const = 0;
  virtual void reset_profile() = 0;
};

}  // namespace qexp::interp

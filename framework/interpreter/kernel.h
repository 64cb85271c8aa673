#pragma once
/// The kernel interface: Prepare decides, Eval computes.
///
/// The interpreter creates one Kernel object per op (from the registry in kernels/kernels.def).
/// `prepare` runs once, at Interpreter::create: it validates everything the kernel relies on
/// (dtypes, shapes beyond the shared shape rules, parameter ranges — model files are untrusted),
/// precomputes what `eval` needs into members of the kernel object, and declares its scratch
/// bytes. `eval` runs on every invoke and only computes: no allocation, no validation, no
/// logging, no failure. Output shapes have already been checked against ir/shape_inference.h
/// before `prepare` is called.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "framework/core/status.h"
#include "framework/core/tensor.h"
#include "framework/interpreter/cpu_features.h"
#include "framework/interpreter/kernels/rounding.h"
#include "framework/interpreter/thread_pool.h"
#include "framework/ir/graph.h"

namespace qexp::interp {

/// What `Kernel::prepare` can see and declare. Errors a kernel returns are prefixed by the
/// interpreter with the op ("op 'conv1' (CONV_2D): "), so messages start with the input or
/// parameter at fault: "bias has 3 elements, expected 8".
class PrepareContext {
 public:
  PrepareContext(const ir::Graph& graph, const ir::Op& op, int num_threads,
                 RoundingProfile rounding_profile = RoundingProfile::kTfliteBuiltin,
                 bool optimized = true, Isa isa = default_isa())
      : graph_(graph),
        op_(op),
        num_threads_(num_threads),
        rounding_profile_(rounding_profile),
        optimized_(optimized),
        isa_(isa) {}

  const ir::Graph& graph() const { return graph_; }
  const ir::Op& op() const { return op_; }
  /// Typed options of the op. Precondition: T is the op's options type (the verifier checked).
  template <typename T>
  const T& options() const {
    return op_.opts<T>();
  }

  int num_inputs() const { return static_cast<int>(op_.inputs.size()); }
  int num_outputs() const { return static_cast<int>(op_.outputs.size()); }
  /// False for an index past the end and for an absent optional input (-1).
  bool has_input(int i) const;
  /// Precondition: has_input(i).
  const ir::Tensor& input(int i) const;
  /// Precondition: 0 <= i < num_outputs().
  const ir::Tensor& output(int i) const;

  /// Threads eval may use through EvalContext::thread_pool.
  int num_threads() const { return num_threads_; }
  /// InterpreterOptions::rounding_profile: integer kernels pick their rounding rules from it.
  RoundingProfile rounding_profile() const { return rounding_profile_; }
  /// False when the interpreter runs reference kernels only (InterpreterOptions::kernel_set).
  bool optimized() const { return optimized_; }
  /// Highest instruction set an optimized implementation may use (already capped to the CPU).
  Isa isa() const { return isa_; }

  /// Declares the scratch memory eval needs (64-byte aligned, contents undefined at each eval,
  /// shared with other ops' scratch). Replaces an earlier request. Error if negative.
  Status request_scratch(int64_t bytes);
  int64_t scratch_bytes() const { return scratch_bytes_; }

 private:
  const ir::Graph& graph_;
  const ir::Op& op_;
  int num_threads_;
  RoundingProfile rounding_profile_;
  bool optimized_;
  Isa isa_;
  int64_t scratch_bytes_ = 0;
};

/// What `Kernel::eval` works on. Built once at create time; views point into the arena (or at
/// the graph's constant buffers) and stay valid for the interpreter's lifetime.
struct EvalContext {
  /// One view per op input slot; an absent optional input has raw() == nullptr.
  std::span<const TensorView> inputs;
  std::span<const TensorView> outputs;
  /// The bytes requested in prepare (empty if none).
  std::span<uint8_t> scratch;
  /// Never null. Kernels that split work must make every output element independent of the
  /// split, so results do not depend on the thread count.
  ThreadPool* thread_pool = nullptr;

  const TensorView& input(int i) const { return inputs[static_cast<size_t>(i)]; }
  const TensorView& output(int i) const { return outputs[static_cast<size_t>(i)]; }
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  /// Validates the op and precomputes eval's state. Called exactly once, before any eval.
  virtual Status prepare(PrepareContext& context) = 0;
  /// Computes the op's outputs from its inputs. Must not allocate, validate or log; const so
  /// that one prepared kernel can never drift between invokes.
  virtual void eval(const EvalContext& context) const = 0;
  /// The implementation Prepare chose, for logs, `qexp bench` and tests: "reference" unless an
  /// optimized path was taken (e.g. "gemm_avx512vnni"). Valid after prepare.
  virtual std::string_view variant() const { return "reference"; }
};

/// Creates a fresh, unprepared kernel.
using KernelFactory = std::unique_ptr<Kernel> (*)();

}  // namespace qexp::interp

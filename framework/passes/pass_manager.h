#pragma once
/// PassManager: runs a pipeline of passes over a graph, with optional re-verification,
/// dumps after chosen passes and a caller-supplied float-equivalence check.

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/ir/graph.h"
#include "framework/passes/pass.h"

namespace qexp::passes {

/// Checks that `after` computes the same float outputs as `before` (the CLI runs both through
/// the interpreter on seeded inputs). Returns an error describing the difference. Keeps passes
/// independent of the interpreter.
using FloatCheck = std::function<Status(const ir::Graph& before, const ir::Graph& after,
                                        std::string_view pass)>;

/// Receives the ir::dump text of the graph after a pass named in print_after.
using DumpSink = std::function<void(std::string_view pass, std::string_view dump_text)>;

struct PassManagerOptions {
  /// Run ir::verify before the first pass and after every pass. Errors read
  /// "after pass 'fold-batchnorm': <verifier message>" ("before the first pass: …").
  bool verify_each = false;
  /// Pass names (as in the pipeline) after which to send a dump to `print_sink`, or "all".
  /// A name that is not in the pipeline is an error from run().
  std::vector<std::string> print_after;
  /// Required when print_after is not empty. Called after every run of a matching pass,
  /// changed or not.
  DumpSink print_sink;
  /// When set, called after every run of a pass that preserves_float_semantics() and changed
  /// the graph; an error fails the pipeline with "after pass 'X': <message>". PassManager
  /// copies the graph before such passes (cheap: constant buffers are shared).
  FloatCheck float_check;
};

/// Runs passes in order. A step is one pass or a fixed-point group: a list of passes repeated
/// until a round changes nothing or `max_iterations` rounds ran (then a note is logged under
/// "pass-manager"; not an error).
class PassManager {
 public:
  explicit PassManager(PassManagerOptions options = {});
  PassManager(PassManager&&) noexcept;
  PassManager& operator=(PassManager&&) noexcept;
  ~PassManager();

  /// Appends the built-in pass `name`. Error: unknown name (lists the known ones).
  Status add(std::string_view name);
  /// Appends a pass object (e.g. a test or plugin pass). Precondition: pass != nullptr.
  void add(std::unique_ptr<Pass> pass);
  /// Appends each built-in pass in order, e.g. default_conversion_pipeline().
  Status add_all(std::span<const std::string> names);
  /// Appends a fixed-point group of built-in passes. Error: unknown name, empty group or
  /// max_iterations < 1.
  Status add_fixed_point(std::span<const std::string> names, int max_iterations = 10);
  /// Appends a fixed-point group of pass objects. Preconditions: non-empty, no nullptr,
  /// max_iterations >= 1.
  void add_fixed_point(std::vector<std::unique_ptr<Pass>> passes, int max_iterations = 10);

  /// The pipeline as text: "remove-identity, fixed-point(fuse-bias, fold-batchnorm; max 4), …".
  std::string describe() const;
  /// Names of all passes in pipeline order (a group's passes once each).
  std::vector<std::string> pass_names() const;

  /// Runs the pipeline. Returns whether any pass changed the graph. Errors from a pass read
  /// "while running pass 'X': …"; verification and float-check failures "after pass 'X': …".
  /// On error the graph is left as the failing pass (or check) left it.
  Result<bool> run(ir::Graph& graph, PassContext& context);

 private:
  struct Step;
  Result<bool> run_pass(Pass& pass, ir::Graph& graph, PassContext& context);
  Status check_print_after() const;
  bool should_print(std::string_view pass) const;

  PassManagerOptions options_;
  std::vector<Step> steps_;
};

/// The ordered pass names that turn an imported TensorFlow graph (1:1 GraphDef mapping with
/// BATCH_NORM, MATMUL, IDENTITY, bias-less convs followed by ADD, MEAN, SQUEEZE) into a float
/// graph of TFLite ops that the exporter accepts. Also safe on TFLite-imported graphs (it then
/// mostly does nothing).
std::vector<std::string> default_conversion_pipeline();

}  // namespace qexp::passes

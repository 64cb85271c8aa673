#pragma once
/// Pass: one graph transformation of the conversion pipeline (import → passes → export).
///
/// In the style of LLVM's new pass manager, a pass is a small class with one `run`. Built-in
/// passes are listed in passes.def and created by name (registry.h); PassManager runs a list of
/// them. Passes depend only on the IR: they never call the interpreter (float-equivalence checks
/// are a hook the caller plugs into PassManager).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "framework/core/status.h"
#include "framework/ir/graph.h"

namespace qexp::passes {

/// Options shared by all passes (typed, defaulted here once).
struct PassOptions {
  /// fold-constants leaves an op alone when its result would have more than this many elements
  /// and more than any of its inputs (a broadcast that would bloat the model). Reshapes and
  /// other ops that do not grow their input are always folded.
  int64_t max_folded_elements = int64_t{1} << 20;
};

/// One line of the pass log: what a pass did ("folded 27 batch norms") or chose not to do.
struct PassLogEntry {
  std::string pass;     ///< kebab-case pass name, or "pass-manager"
  std::string message;  ///< one line, no trailing newline
};

/// State shared by the passes of one pipeline run: options in, a log of what happened out
/// (for reports). Not thread-safe; one context per pipeline run.
class PassContext {
 public:
  PassContext() = default;
  explicit PassContext(PassOptions options) : options_(std::move(options)) {}

  const PassOptions& options() const { return options_; }
  PassOptions& mutable_options() { return options_; }

  /// Records a one-line note from `pass`. Built-in passes log one summary for each run that
  /// changed the graph, plus one line for anything they deliberately left alone.
  void log(std::string_view pass, std::string message);
  const std::vector<PassLogEntry>& log_entries() const { return log_; }
  /// The log as text, one "pass: message" line each.
  std::string log_text() const;

 private:
  PassOptions options_;
  std::vector<PassLogEntry> log_;
};

class Pass {
 public:
  virtual ~Pass() = default;

  /// Kebab-case name, used as-is in YAML configs, logs and reports ("fold-batchnorm").
  virtual std::string_view name() const = 0;

  /// Transforms `graph` in place. Returns true if the graph changed, false if it is left exactly
  /// as it was. Precondition: `graph` passes ir::verify. Postcondition on success: it still
  /// does. On error the graph may be partially transformed; the message names the op.
  virtual Result<bool> run(ir::Graph& graph, PassContext& context) = 0;

  /// True if the pass computes the same float outputs as before (up to float rounding, e.g.
  /// folded batch norm scales). PassManager's float check hook runs only for such passes.
  /// Passes that change the numbers on purpose (e.g. quantization) override this with false.
  virtual bool preserves_float_semantics() const { return true; }
};

}  // namespace qexp::passes

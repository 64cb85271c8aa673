#include "framework/passes/pass_manager.h"

#include <algorithm>
#include <optional>

#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/ir/dump.h"
#include "framework/ir/verifier.h"
#include "framework/passes/registry.h"

namespace qexp::passes {

struct PassManager::Step {
  std::vector<std::unique_ptr<Pass>> passes;
  int max_iterations = 1;
  bool is_group = false;
};

PassManager::PassManager(PassManagerOptions options) : options_(std::move(options)) {}
PassManager::PassManager(PassManager&&) noexcept = default;
PassManager& PassManager::operator=(PassManager&&) noexcept = default;
PassManager::~PassManager() = default;

Status PassManager::add(std::string_view name) {
  QEXP_ASSIGN_OR_RETURN(std::unique_ptr<Pass> pass, create_pass(name));
  add(std::move(pass));
  return ok_status();
}

void PassManager::add(std::unique_ptr<Pass> pass) {
  QEXP_CHECK(pass != nullptr);
  Step step;
  step.passes.push_back(std::move(pass));
  steps_.push_back(std::move(step));
}

Status PassManager::add_all(std::span<const std::string> names) {
  for (const std::string& name : names) QEXP_RETURN_IF_ERROR(add(name));
  return ok_status();
}

Status PassManager::add_fixed_point(std::span<const std::string> names, int max_iterations) {
  if (names.empty()) return invalid_argument("fixed-point group: no passes");
  if (max_iterations < 1) {
    return invalid_argument(
        str_cat("fixed-point group: max_iterations is ", max_iterations, ", expected >= 1"));
  }
  std::vector<std::unique_ptr<Pass>> passes;
  for (const std::string& name : names) {
    QEXP_ASSIGN_OR_RETURN(std::unique_ptr<Pass> pass, create_pass(name));
    passes.push_back(std::move(pass));
  }
  add_fixed_point(std::move(passes), max_iterations);
  return ok_status();
}

void PassManager::add_fixed_point(std::vector<std::unique_ptr<Pass>> passes, int max_iterations) {
  QEXP_CHECK(!passes.empty() && max_iterations >= 1);
  for (const auto& p : passes) QEXP_CHECK(p != nullptr);
  Step step;
  step.passes = std::move(passes);
  step.max_iterations = max_iterations;
  step.is_group = true;
  steps_.push_back(std::move(step));
}

std::string PassManager::describe() const {
  std::vector<std::string> parts;
  for (const Step& step : steps_) {
    std::vector<std::string_view> names;
    for (const auto& p : step.passes) names.push_back(p->name());
    if (step.is_group) {
      parts.push_back(str_cat("fixed-point(", str_join(names, ", "), "; max ",
                              step.max_iterations, ")"));
    } else {
      parts.emplace_back(names[0]);
    }
  }
  return str_join(parts, ", ");
}

std::vector<std::string> PassManager::pass_names() const {
  std::vector<std::string> names;
  for (const Step& step : steps_) {
    for (const auto& p : step.passes) names.emplace_back(p->name());
  }
  return names;
}

Status PassManager::check_print_after() const {
  if (options_.print_after.empty()) return ok_status();
  if (!options_.print_sink) {
    return failed_precondition("print_after is set but no print_sink was given");
  }
  std::vector<std::string> names = pass_names();
  for (const std::string& want : options_.print_after) {
    if (want == "all" || std::find(names.begin(), names.end(), want) != names.end()) continue;
    std::vector<std::string> candidates = names;
    candidates.emplace_back("all");
    std::string suggestion = closest_match(want, candidates);
    return invalid_argument(str_cat(
        "print_after: ", qexp::quoted(want), " is not a pass of this pipeline",
        suggestion.empty() ? "" : str_cat(" (did you mean ", qexp::quoted(suggestion), "?)"),
        "; expected \"all\" or one of: ", str_join(names, ", ")));
  }
  return ok_status();
}

bool PassManager::should_print(std::string_view pass) const {
  for (const std::string& want : options_.print_after) {
    if (want == "all" || want == pass) return true;
  }
  return false;
}

Result<bool> PassManager::run_pass(Pass& pass, ir::Graph& graph, PassContext& context) {
  const std::string name(pass.name());
  std::optional<ir::Graph> before;
  if (options_.float_check && pass.preserves_float_semantics()) before = graph;
  Result<bool> changed = pass.run(graph, context);
  if (!changed.ok()) {
    return std::move(changed).status().with_context(
        str_cat("while running pass ", qexp::quoted(name)));
  }
  const std::string after_pass = str_cat("after pass ", qexp::quoted(name));
  if (options_.verify_each) QEXP_RETURN_IF_ERROR_CTX(ir::verify(graph), after_pass);
  if (before.has_value() && *changed) {
    QEXP_RETURN_IF_ERROR_CTX(options_.float_check(*before, graph, name), after_pass);
  }
  if (should_print(name)) options_.print_sink(name, ir::dump(graph));
  return *changed;
}

Result<bool> PassManager::run(ir::Graph& graph, PassContext& context) {
  QEXP_RETURN_IF_ERROR(check_print_after());
  if (options_.verify_each) QEXP_RETURN_IF_ERROR_CTX(ir::verify(graph), "before the first pass");
  bool any_changed = false;
  for (Step& step : steps_) {
    for (int round = 1;; ++round) {
      bool round_changed = false;
      for (auto& pass : step.passes) {
        QEXP_ASSIGN_OR_RETURN(bool changed, run_pass(*pass, graph, context));
        round_changed = round_changed || changed;
      }
      any_changed = any_changed || round_changed;
      if (!round_changed || !step.is_group) break;
      if (round >= step.max_iterations) {
        std::vector<std::string_view> names;
        for (const auto& p : step.passes) names.push_back(p->name());
        context.log("pass-manager",
                    str_cat("group (", str_join(names, ", "), ") still changed the graph after ",
                            round, " rounds; stopped at the bound"));
        break;
      }
    }
  }
  return any_changed;
}

std::vector<std::string> default_conversion_pipeline() {
  return {
      // Identity nodes hide every pattern below (conv → Identity → BiasAdd).
      "remove-identity",
      // Weights computed from constants (Reshape/Identity of a Const, fp16 Dequantize) must be
      // plain constants before anything that needs constant weights.
      "fold-constants",
      // MatMul → FULLY_CONNECTED before bias / batch norm / activation fusion, which match FC.
      "matmul-to-fully-connected",
      // Conv → BiasAdd → FusedBatchNorm: the bias must be inside the conv before the batch
      // norm can see the conv as its producer.
      "fuse-bias",
      // Folds into conv / depthwise / FC weights; lowers the rest to MUL + ADD.
      "fold-batchnorm",
      // MEAN emits AVERAGE_POOL_2D + RESHAPE; canonicalize-reshape then merges that RESHAPE
      // with the Squeeze / Reshape that usually follows.
      "mean-to-average-pool",
      "canonicalize-reshape",
      // Last rewrite: activations fuse into whatever the earlier passes left in front of them
      // (a conv with folded batch norm, the ADD of a lowered batch norm).
      "fuse-activation",
      // Drops the replaced weights, bypassed tensors and anything not reaching an output.
      "eliminate-dead-code",
  };
}

}  // namespace qexp::passes

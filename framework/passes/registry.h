#pragma once
/// Creating built-in passes by name (the names listed in passes.def).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "framework/core/status.h"
#include "framework/passes/pass.h"

namespace qexp::passes {

/// Names of the built-in passes, in passes.def order.
const std::vector<std::string>& builtin_pass_names();

/// One-line summary of a built-in pass, "" if `name` is not one.
std::string_view builtin_pass_summary(std::string_view name);

/// A new instance of the built-in pass `name`. Error (not found) for an unknown name, listing
/// the known names and suggesting the closest one.
Result<std::unique_ptr<Pass>> create_pass(std::string_view name);

}  // namespace qexp::passes

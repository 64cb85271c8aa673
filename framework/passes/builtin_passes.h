#pragma once
// Internal: factories of the built-in passes, one per passes.def line, defined in <id>.cc.
// Callers use create_pass() from registry.h instead.

#include <memory>

#include "framework/passes/pass.h"

namespace qexp::passes::internal {

#define QEXP_PASS(id, name, summary) std::unique_ptr<Pass> make_##id##_pass();
#include "framework/passes/passes.def"
#undef QEXP_PASS

}  // namespace qexp::passes::internal

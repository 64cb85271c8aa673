#include "framework/passes/registry.h"

#include "framework/core/logging.h"
#include "framework/core/strings.h"
#include "framework/passes/builtin_passes.h"

namespace qexp::passes {
namespace {

struct BuiltinPass {
  std::string_view name;
  std::string_view summary;
  std::unique_ptr<Pass> (*make)();
};

constexpr BuiltinPass kBuiltinPasses[] = {
#define QEXP_PASS(id, name, summary) {name, summary, &internal::make_##id##_pass},
#include "framework/passes/passes.def"
#undef QEXP_PASS
};

const BuiltinPass* find_builtin(std::string_view name) {
  for (const BuiltinPass& p : kBuiltinPasses) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

const std::vector<std::string>& builtin_pass_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const BuiltinPass& p : kBuiltinPasses) v.emplace_back(p.name);
    return v;
  }();
  return names;
}

std::string_view builtin_pass_summary(std::string_view name) {
  const BuiltinPass* p = find_builtin(name);
  return p == nullptr ? std::string_view() : p->summary;
}

Result<std::unique_ptr<Pass>> create_pass(std::string_view name) {
  const BuiltinPass* p = find_builtin(name);
  if (p == nullptr) {
    std::string suggestion = closest_match(name, builtin_pass_names());
    return not_found(str_cat("unknown pass ", qexp::quoted(name),
                             suggestion.empty() ? "" : str_cat(" (did you mean ",
                                                               qexp::quoted(suggestion), "?)"),
                             "; known passes: ", str_join(builtin_pass_names(), ", ")));
  }
  std::unique_ptr<Pass> pass = p->make();
  QEXP_CHECK(pass != nullptr && pass->name() == p->name);
  return pass;
}

}  // namespace qexp::passes

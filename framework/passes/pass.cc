#include "framework/passes/pass.h"

#include "framework/core/strings.h"

namespace qexp::passes {

void PassContext::log(std::string_view pass, std::string message) {
  log_.push_back({std::string(pass), std::move(message)});
}

std::string PassContext::log_text() const {
  std::string out;
  for (const PassLogEntry& e : log_) out += str_cat(e.pass, ": ", e.message, "\n");
  return out;
}

}  // namespace qexp::passes

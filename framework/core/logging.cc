#include "framework/core/logging.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace qexp {
namespace {
std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mu;
}  // namespace

void set_log_level(LogLevel level) { g_level.store(level); }
LogLevel log_level() { return g_level.load(); }

namespace internal {

LogMessage::~LogMessage() {
  static constexpr const char* kPrefix[] = {"debug", "info", "warning", "error", ""};
  std::string line = std::string("qexp: ") + kPrefix[static_cast<int>(level_)] + ": " + os_.str();
  if (line.empty() || line.back() != '\n') line += '\n';
  std::lock_guard<std::mutex> lock(g_mu);
  std::fputs(line.c_str(), stderr);
}

void check_failed(const char* file, int line, const char* expr, std::string_view msg) {
  std::fprintf(stderr, "qexp: internal error: %s:%d: check failed: %s %.*s\n", file, line, expr,
               static_cast<int>(msg.size()), msg.data());
  std::abort();
}

}  // namespace internal
}  // namespace qexp

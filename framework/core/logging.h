#pragma once
/// Logging to stderr and internal invariant checks.
///
/// QEXP_LOG(kWarning) << "…"; messages below the global level are dropped. QEXP_CHECK(cond)
/// aborts with file:line: it guards bugs, never bad input (bad input returns a Status).

#include <sstream>
#include <string_view>

namespace qexp {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3, kQuiet = 4 };

void set_log_level(LogLevel level);
LogLevel log_level();

namespace internal {
class LogMessage {
 public:
  LogMessage(LogLevel level) : level_(level) {}  // NOLINT
  ~LogMessage();
  std::ostream& stream() { return os_; }

 private:
  LogLevel level_;
  std::ostringstream os_;
};

[[noreturn]] void check_failed(const char* file, int line, const char* expr, std::string_view msg);
}  // namespace internal

}  // namespace qexp

#define QEXP_LOG(level)                                        \
  if (::qexp::LogLevel::level < ::qexp::log_level()) {         \
  } else                                                       \
    ::qexp::internal::LogMessage(::qexp::LogLevel::level).stream()

#define QEXP_CHECK(cond)                                                     \
  do {                                                                       \
    if (!(cond)) ::qexp::internal::check_failed(__FILE__, __LINE__, #cond, ""); \
  } while (false)

#define QEXP_CHECK_MSG(cond, msg)                                               \
  do {                                                                          \
    if (!(cond)) ::qexp::internal::check_failed(__FILE__, __LINE__, #cond, msg); \
  } while (false)

#ifdef NDEBUG
#define QEXP_DCHECK(cond) \
  do {                    \
  } while (false && (cond))
#else
#define QEXP_DCHECK(cond) QEXP_CHECK(cond)
#endif

#pragma once
/// Status and Result<T>: how qexp library code reports errors.
///
/// Library code never throws and never prints; it returns a Status (or Result<T>) whose message
/// says what failed, which thing, the bad value and what was expected. Context is added while the
/// error bubbles up (`with_context`). Only `main` turns a Status into output and an exit code.

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace qexp {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     ///< bad user input: config, option, malformed file content
  kNotFound,            ///< missing file, tensor, op, plugin
  kUnimplemented,       ///< valid input that qexp does not support (unknown op, dtype)
  kOutOfRange,          ///< index or value outside its allowed range
  kDataLoss,            ///< truncated or corrupt file
  kFailedPrecondition,  ///< operation called in the wrong state
  kResourceExhausted,   ///< a configured resource limit was exceeded
  kIoError,             ///< the operating system refused a read or write
  kCancelled,           ///< interrupted by the user (Ctrl-C)
  kInternal,            ///< a bug in qexp or a plugin
};

/// Name of a status code, e.g. "invalid argument".
std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// Prepends context: "context: message". Returns *this for chaining; no-op when ok().
  Status& with_context(std::string_view context) &;
  Status&& with_context(std::string_view context) &&;

  /// "message" (the one line main prints after "qexp: error: ").
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status ok_status() { return Status(); }

// Builders; message parts are concatenated with operator<< semantics via str_cat.
Status invalid_argument(std::string message);
Status not_found(std::string message);
Status unimplemented(std::string message);
Status out_of_range(std::string message);
Status data_loss(std::string message);
Status failed_precondition(std::string message);
Status resource_exhausted(std::string message);
Status io_error(std::string message);
Status cancelled(std::string message);
Status internal_error(std::string message);

/// Result<T>: either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<std::decay_t<T>, Status>, "Result<Status> makes no sense");

  Result(const T& value) : value_(value) {}                          // NOLINT implicit
  Result(T&& value) : value_(std::move(value)) {}                    // NOLINT implicit
  template <typename U, typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                                    !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status>>>
  Result(U&& value) : value_(T(std::forward<U>(value))) {}          // NOLINT implicit
  Result(Status status) : status_(std::move(status)) {              // NOLINT implicit
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result constructed from ok Status");
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  /// By value on rvalues, so `QEXP_RETURN_IF_ERROR(make().status())` never binds a reference
  /// to a dead temporary.
  Status status() && { return std::move(status_); }

  /// Preconditions: ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

  /// Adds context to the error (no-op when ok()).
  Result& with_context(std::string_view context) & {
    status_.with_context(context);
    return *this;
  }
  Result&& with_context(std::string_view context) && {
    status_.with_context(context);
    return std::move(*this);
  }

 private:
  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline Status&& as_status(Status&& s) { return std::move(s); }
inline const Status& as_status(const Status& s) { return s; }
template <typename T>
Status as_status(Result<T>&& r) {
  return std::move(r).status();
}
template <typename T>
const Status& as_status(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace qexp

#define QEXP_CONCAT_INNER_(a, b) a##b
#define QEXP_CONCAT_(a, b) QEXP_CONCAT_INNER_(a, b)

/// Returns the Status of `expr` (a Status or Result) from the enclosing function if not ok.
#define QEXP_RETURN_IF_ERROR(expr)                                           \
  do {                                                                       \
    auto&& qexp_status_or_ = (expr);                                         \
    if (!qexp_status_or_.ok()) {                                             \
      return ::qexp::internal::as_status(std::move(qexp_status_or_));        \
    }                                                                        \
  } while (false)

/// Like QEXP_RETURN_IF_ERROR, prepending `context` to the message.
#define QEXP_RETURN_IF_ERROR_CTX(expr, context)                              \
  do {                                                                       \
    auto&& qexp_status_or_ = (expr);                                         \
    if (!qexp_status_or_.ok()) {                                             \
      ::qexp::Status qexp_s_ = ::qexp::internal::as_status(std::move(qexp_status_or_)); \
      return std::move(qexp_s_).with_context(context);                       \
    }                                                                        \
  } while (false)

#define QEXP_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = std::move(tmp).value()

/// `QEXP_ASSIGN_OR_RETURN(auto x, make_x());` declares/assigns on success, returns on error.
#define QEXP_ASSIGN_OR_RETURN(lhs, expr) \
  QEXP_ASSIGN_OR_RETURN_IMPL_(QEXP_CONCAT_(qexp_result_, __LINE__), lhs, expr)

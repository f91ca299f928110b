// base/status.h: the error type for machinery failures (see STYLE.md H4, H6).
//
// Status says that an operation could not be carried out: bad input to a tool, a budget or a
// deadline exhausted, an internal bug. A CEL expression that fails (overflow, missing key) does
// NOT produce a Status; it produces a cel::Value of kind error. OK costs one pointer compare.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace celgate {

// A small set of canonical codes, as in absl::StatusCode.
enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  std::string_view message() const { return rep_ ? std::string_view(rep_->message) : ""; }
  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "prefix: message". OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;  // shared: Status copies are cheap and immutable
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFoundError(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status InternalError(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
inline Status ResourceExhaustedError(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status DeadlineExceededError(std::string m) {
  return Status(StatusCode::kDeadlineExceeded, std::move(m));
}
inline Status UnimplementedError(std::string m) {
  return Status(StatusCode::kUnimplemented, std::move(m));
}
inline Status FailedPreconditionError(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status UnavailableError(std::string m) {
  return Status(StatusCode::kUnavailable, std::move(m));
}
inline Status CancelledError(std::string m) { return Status(StatusCode::kCancelled, std::move(m)); }

// StatusOr<T>: a T or a non-OK Status. Accessing the value of an error is a bug (DCHECK).
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const Status& s) : v_(s) {}  // NOLINT: implicit by design, as absl
  StatusOr(Status&& s) : v_(std::move(s)) {}  // NOLINT
  StatusOr(const T& v) : v_(v) {}  // NOLINT
  StatusOr(T&& v) : v_(std::move(v)) {}  // NOLINT
  template <typename U,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, Status> &&
                                        !std::is_same_v<std::decay_t<U>, StatusOr<T>>>>
  StatusOr(U&& u) : v_(std::in_place_index<1>, std::forward<U>(u)) {}  // NOLINT

  bool ok() const { return v_.index() == 1; }
  Status status() const { return ok() ? OkStatus() : std::get<0>(v_); }
  T& value() & { return std::get<1>(v_); }
  const T& value() const& { return std::get<1>(v_); }
  T&& value() && { return std::get<1>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace celgate

#define CG_CONCAT_INNER_(a, b) a##b
#define CG_CONCAT_(a, b) CG_CONCAT_INNER_(a, b)

// Returns from the current function when `expr` (a Status) is not OK.
#define CG_RETURN_IF_ERROR(expr)                   \
  do {                                             \
    ::celgate::Status cg_status_ = (expr);         \
    if (!cg_status_.ok()) return cg_status_;       \
  } while (0)

// `CG_ASSIGN_OR_RETURN(auto x, StatusOrExpr());`
#define CG_ASSIGN_OR_RETURN(lhs, expr) \
  CG_ASSIGN_OR_RETURN_IMPL_(CG_CONCAT_(cg_statusor_, __LINE__), lhs, expr)
#define CG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

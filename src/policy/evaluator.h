// policy/evaluator.h: evaluates every matching (policy, binding, param) of a PolicySet for
// one admission request and composes the decision as kube-apiserver's ValidatingAdmissionPolicy
// plugin does (admission-policies.md sections 3-7).
//
// Entry point: Evaluate(). Callers normally go through admission/handler.h, which decodes the
// AdmissionReview into RequestAttributes and encodes the Decision. Thread-safe: the PolicySet,
// ObjectSource and Authorizer are only read; per-request state (arena, activations) is taken
// from a per-thread scratch that is reset, not freed, between requests (STYLE.md H10).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/deadline.h"
#include "base/status.h"
#include "k8s/object_source.h"
#include "policy/match.h"
#include "policy/policy.h"

namespace celgate::k8s::cellib {
class Authorizer;
}  // namespace celgate::k8s::cellib

namespace celgate::policy {

// Per-expression runtime cost limit and per-evaluation budget (section 10).
inline constexpr uint64_t kPerExpressionCostLimit = 1'000'000;
inline constexpr uint64_t kPerEvaluationCostBudget = 10'000'000;

// One record of kube-apiserver's apiserver_validating_admission_policy_check_total and
// _check_duration_seconds, which its validating dispatcher emits per policy decision: for a
// validation that failed (or errored under failurePolicy Fail), once per validation action of
// the binding (deny, warn, audit); for an error ignored under failurePolicy Ignore, as
// "allow"; for an audit annotation that errored under Fail, as "deny". Passing validations
// are not recorded. `elapsed_ns` is the evaluation time of that expression.
enum class CheckAction : uint8_t { kAllow, kDeny, kWarn, kAudit };
enum class CheckError : uint8_t { kNone, kCompile, kInvalid, kOutOfBudget };
inline constexpr int kNumCheckActions = 4;
inline constexpr int kNumCheckErrors = 4;
std::string_view CheckActionName(CheckAction a);  // allow deny warn audit
std::string_view CheckErrorName(CheckError e);    // no_error compile_error invalid_error out_of_budget

class CheckSink {
 public:
  virtual ~CheckSink() = default;
  virtual void Record(std::string_view policy, std::string_view binding, CheckAction action,
                      CheckError error, int64_t elapsed_ns) = 0;
};

struct EvaluateOptions {
  // Wall-time limit for the whole request; evaluation past it fails like a runtime error.
  Deadline deadline = Deadline::Infinite();
  // Record, for each binding that denied or warned because a validation returned false, the
  // values of the sub-expressions of that validation (REQUIRES policies loaded with
  // LoadOptions::enable_tracing for values; otherwise only the expression is reported).
  bool explain = false;
  // Answers `authorizer` checks (spec 9.1), with the requesting user from request.userInfo.
  // Null: every check is denied, as with an empty rules file. Must outlive the call.
  const k8s::cellib::Authorizer* authorizer = nullptr;
  // Receives the per-decision check records (metrics); null = none, and no expression is
  // timed.
  CheckSink* checks = nullptr;
};

// The first denial, which the response reports.
struct Denial {
  std::string policy;
  std::string binding;  // empty for a policy-level configuration error
  std::string message;  // the decision message (without the "ValidatingAdmissionPolicy" prefix)
  std::string reason;   // Unauthorized | Forbidden | Invalid | RequestEntityTooLarge
  // "ValidatingAdmissionPolicy '<p>' with binding '<b>' denied request: <message>".
  std::string Cause() const;
};

// A sub-expression value for --explain.
struct TracedValue {
  int64_t expr_id;
  std::string value;  // CEL literal rendering
};

struct Explanation {
  std::string policy, binding, field_path, expression, message;
  std::vector<TracedValue> values;
};

struct Decision {
  bool allowed = true;
  std::optional<Denial> denial;
  std::vector<std::string> warnings;
  // Policy audit annotations: (policy name, key, value), one per key per policy.
  struct Annotation {
    std::string policy, key, value;
  };
  std::vector<Annotation> audit_annotations;
  // validation.policy.admission.k8s.io/validation_failure value (JSON array), when a binding
  // with Audit recorded a failure.
  std::optional<std::string> validation_failure;
  std::vector<Explanation> explanations;
  // How many (policy, binding) pairs were evaluated (matched); for tests and benchmarks.
  int evaluated = 0;
};

// Reason -> HTTP code: Forbidden 403, Unauthorized 401, RequestEntityTooLarge 413, else 422.
int ReasonToCode(std::string_view reason);

// Evaluates the request. Returns a Status only when the request must fail regardless of
// failurePolicy (the Namespace of a namespaced request cannot be read for namespaceObject).
StatusOr<Decision> Evaluate(const PolicySet& set, const k8s::ObjectSource& objects,
                            const RequestAttributes& request, const EvaluateOptions& options);

}  // namespace celgate::policy

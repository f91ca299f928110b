// admission/handler.h: THE engine entry point. The server, `celgate review`, `celgate test`
// and the tests all answer AdmissionReviews through Handler::Review, so offline answers are
// online answers (STYLE.md section 2).
//
// A Handler reads the current PolicySet from a snapshot source on every call (so a server can
// swap policies atomically) and cluster state through a k8s::ObjectSource.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/deadline.h"
#include "base/status.h"
#include "k8s/object_source.h"

namespace celgate::policy {
class PolicySet;
class CheckSink;
struct Decision;
}  // namespace celgate::policy

namespace celgate::k8s::cellib {
class Authorizer;
}  // namespace celgate::k8s::cellib

namespace celgate::admission {

// What a server logs and counts about one review, filled by Review() when asked: taken from
// the decoded request and the decision, so the caller never parses the body or the answer
// again. Reuse one object per connection: the strings keep their capacity.
struct ReviewInfo {
  enum class Verdict : uint8_t { kAllow, kWarn, kDeny };
  Verdict verdict = Verdict::kAllow;   // kWarn: allowed with warnings
  std::string uid, kind, ns, name, operation;  // request.uid, kind.kind, namespace, name, operation
  // Input: receives the per-policy check records (policy/evaluator.h); null = none.
  policy::CheckSink* checks = nullptr;
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Answers one AdmissionReview (JSON body). Never throws. Returns a well-formed review
  // response for every parseable review. Returns kInvalidArgument only when `body` is not an
  // AdmissionReview at all (not JSON, wrong kind or apiVersion, no request, no uid).
  // Thread-safe: called concurrently from every server thread. `info`, when not null, is
  // filled for every OK answer.
  virtual StatusOr<std::string> Review(std::string_view body, Deadline deadline,
                                       ReviewInfo* info) const = 0;
  StatusOr<std::string> Review(std::string_view body, Deadline deadline) const {
    return Review(body, deadline, nullptr);
  }

  // As Review, also returning the decision (explanations included when `explain`), for
  // `celgate review --explain` and tests.
  virtual StatusOr<std::string> ReviewWithDecision(std::string_view body, Deadline deadline,
                                                   bool explain,
                                                   policy::Decision* decision) const = 0;
};

// Returns the current snapshot; called once per request. Must be thread-safe and cheap
// (e.g. an atomic load of a shared_ptr).
using PolicySetSource = std::function<std::shared_ptr<const policy::PolicySet>()>;

struct HandlerOptions {
  // Write status.message as kube-apiserver's in-process plugin does
  // (`<resource> "<name>" is forbidden: <cause>`) instead of the webhook form (`<cause>`).
  bool in_process_status = false;
  // Answers the policies' `authorizer` checks for the requesting user (kubeclient's
  // SubjectAccessReview client for `serve`, a RulesAuthorizer offline). Null: every check is
  // denied, as with an empty rules file. Thread-safe; shared with the handler.
  std::shared_ptr<const k8s::cellib::Authorizer> authorizer;
};

// `objects` must outlive the handler.
std::unique_ptr<Handler> NewHandler(PolicySetSource policies,
                                    std::shared_ptr<const k8s::ObjectSource> objects,
                                    HandlerOptions options = {});

}  // namespace celgate::admission

// admission/handler.cc: the Handler implementation: decode -> policy::Evaluate -> encode.
#include "admission/handler.h"

#include "admission/review.h"
#include "policy/evaluator.h"
#include "policy/policy.h"

namespace celgate::admission {
namespace {

class PolicyHandler final : public Handler {
 public:
  PolicyHandler(PolicySetSource policies, std::shared_ptr<const k8s::ObjectSource> objects,
                HandlerOptions options)
      : policies_(std::move(policies)), objects_(std::move(objects)), options_(options) {}

  StatusOr<std::string> Review(std::string_view body, Deadline deadline,
                               ReviewInfo* info) const override {
    return Run(body, deadline, false, nullptr, info);
  }

  StatusOr<std::string> ReviewWithDecision(std::string_view body, Deadline deadline,
                                           bool explain,
                                           policy::Decision* out) const override {
    return Run(body, deadline, explain, out, nullptr);
  }

 private:
  StatusOr<std::string> Run(std::string_view body, Deadline deadline, bool explain,
                            policy::Decision* out, ReviewInfo* info) const {
    CG_ASSIGN_OR_RETURN(std::unique_ptr<DecodedReview> review, DecodeReview(body));
    if (info) {
      const policy::RequestAttributes& a = review->request;
      info->uid.assign(a.uid);
      info->kind.assign(a.kind);
      info->ns.assign(a.ns);
      info->name.assign(a.name);
      info->operation.assign(a.operation_name);
    }
    std::shared_ptr<const policy::PolicySet> set = policies_();
    policy::EvaluateOptions eo;
    eo.deadline = deadline;
    eo.explain = explain;
    eo.authorizer = options_.authorizer.get();
    eo.checks = info ? info->checks : nullptr;
    policy::Decision empty;
    StatusOr<policy::Decision> d =
        set ? policy::Evaluate(*set, *objects_, review->request, eo) : StatusOr<policy::Decision>(empty);
    if (!d.ok()) {
      int code = d.status().code() == StatusCode::kNotFound ? 404 : 500;
      std::string reason = code == 404 ? "NotFound" : "InternalError";
      if (info) info->verdict = ReviewInfo::Verdict::kDeny;
      return EncodeError(*review, code, reason, d.status().message());
    }
    if (info) {
      info->verdict = !d->allowed                ? ReviewInfo::Verdict::kDeny
                      : !d->warnings.empty()     ? ReviewInfo::Verdict::kWarn
                                                 : ReviewInfo::Verdict::kAllow;
    }
    EncodeOptions enc;
    enc.in_process_status = options_.in_process_status;
    std::string response = EncodeResponse(*review, *d, enc);
    if (out) *out = std::move(*d);
    return response;
  }

  PolicySetSource policies_;
  std::shared_ptr<const k8s::ObjectSource> objects_;
  HandlerOptions options_;
};

}  // namespace

std::unique_ptr<Handler> NewHandler(PolicySetSource policies,
                                    std::shared_ptr<const k8s::ObjectSource> objects,
                                    HandlerOptions options) {
  return std::make_unique<PolicyHandler>(std::move(policies), std::move(objects), options);
}

}  // namespace celgate::admission

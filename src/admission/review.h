// admission/review.h: AdmissionReview (admission.k8s.io v1 and v1beta1) decoding and response
// encoding (admission-policies.md 12.2, 12.3, 13.1). No HTTP here.
//
// DecodeReview parses the body once; the returned DecodedReview owns the Document that
// RequestAttributes points into. EncodeResponse writes the review response for a Decision.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "json/json.h"
#include "policy/evaluator.h"
#include "policy/match.h"

namespace celgate::admission {

struct DecodedReview {
  json::Document doc;
  // "admission.k8s.io/v1" or "admission.k8s.io/v1beta1"; points into `doc` (as `request`).
  std::string_view api_version;
  policy::RequestAttributes request;
};

// kInvalidArgument when `body` is not JSON or not an AdmissionReview with a request.
StatusOr<std::unique_ptr<DecodedReview>> DecodeReview(std::string_view body);

struct EncodeOptions {
  // Prefix for policy audit annotation keys in the webhook response (kube-apiserver adds
  // "<webhook name>/"); see docs/policies.md "Audit annotations".
  bool in_process_status = false;  // status.message as kube-apiserver's in-process plugin
};

// The AdmissionReview response (same apiVersion as the request, uid echoed).
std::string EncodeResponse(const DecodedReview& review, const policy::Decision& decision,
                           const EncodeOptions& options = {});

// A rejection for a request that failed outside the policies (e.g. the Namespace could not
// be read): allowed false with `code` and `message`.
std::string EncodeError(const DecodedReview& review, int code, std::string_view reason,
                        std::string_view message);

// Webhook audit annotation key for a policy annotation: "<policy>_<key>" cut to 63 bytes
// (a webhook's keys may not contain '/').
std::string PolicyAnnotationKey(std::string_view policy, std::string_view key);

}  // namespace celgate::admission

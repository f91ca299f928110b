// fuzz/admission_review_fuzzer.cc: libFuzzer target for AdmissionReview decoding and the
// whole engine behind it, through the one entry point the server uses:
// admission::NewHandler(...)->Review(body, deadline) (reliability.md 8.1 F4).
//
// The handler holds a small fixed policy set: the test/testdata/policy/replicas policy,
// binding and ConfigMap param, plus inline policies that read many request fields (object,
// oldObject, request, namespaceObject-free), so mutated bodies reach the evaluator.
//
// Invariants checked: nothing crashes, leaks or overflows the stack; Review returns either a
// response or kInvalidArgument (the server's HTTP 400), never another Status; every response
// is JSON with the AdmissionReview envelope and a boolean response.allowed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "admission/handler.h"
#include "json/json.h"
#include "policy/loader.h"
#include "policy/object_store.h"
#include "policy/policy.h"

#ifndef CELGATE_FUZZ_TESTDATA
#error "CELGATE_FUZZ_TESTDATA must name test/testdata (set by fuzz/CMakeLists.txt)"
#endif

namespace {

// Policies over every kind of request, Fail and Ignore, with variables and matchConditions.
constexpr const char* kInlinePolicies = R"yaml(
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: fields
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: ["*"]
      apiVersions: ["*"]
      operations: ["*"]
      resources: ["*"]
  matchConditions:
  - name: has-object
    expression: "has(request.object) || request.operation == 'DELETE'"
  variables:
  - name: labels
    expression: "has(object.metadata.labels) ? object.metadata.labels : {}"
  validations:
  - expression: "!('forbidden' in variables.labels)"
    messageExpression: "'label forbidden on ' + request.name"
  - expression: "object.spec.containers.all(c, c.image.startsWith('registry.example.com/'))"
    message: images must come from the registry
  - expression: "request.userInfo.username != 'mallory'"
    reason: Forbidden
  auditAnnotations:
  - key: user
    valueExpression: "request.userInfo.username"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: fields-binding
spec:
  policyName: fields
  validationActions: [Deny, Audit]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: lenient
spec:
  failurePolicy: Ignore
  matchConstraints:
    resourceRules:
    - apiGroups: ["", "apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["pods", "deployments", "configmaps"]
  validations:
  - expression: "oldObject == null || object.metadata.name == oldObject.metadata.name"
  - expression: "size(object.metadata.name) < 64 && object.metadata.name.matches('^[a-z0-9-]+$')"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: lenient-binding
spec:
  policyName: lenient
  validationActions: [Warn]
)yaml";

struct Engine {
  std::unique_ptr<celgate::admission::Handler> handler;
};

Engine MakeEngine() {
  celgate::policy::Manifests m;
  const std::string dir = std::string(CELGATE_FUZZ_TESTDATA) + "/policy/replicas/";
  celgate::Status s =
      celgate::policy::LoadPaths({dir + "policy.yaml", dir + "params.yaml"}, {}, &m);
  celgate::policy::LoadText(kInlinePolicies, "inline.yaml", {}, &m);
  if (!s.ok() || m.has_errors() || m.policies.size() != 3 || m.bindings.size() != 3) {
    std::abort();  // the fixed policy set must load cleanly
  }
  std::shared_ptr<const celgate::policy::PolicySet> set = celgate::policy::BuildPolicySet(m);
  auto store = std::make_shared<celgate::policy::ObjectStore>(m.objects);
  Engine e;
  e.handler = celgate::admission::NewHandler([set] { return set; }, store);
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Engine engine = MakeEngine();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  celgate::StatusOr<std::string> out = engine.handler->Review(body, celgate::Deadline::Infinite());
  if (!out.ok()) {
    if (out.status().code() != celgate::StatusCode::kInvalidArgument) {
      std::abort();  // only "not an AdmissionReview" may fail (HTTP 400)
    }
    return 0;
  }
  celgate::StatusOr<celgate::json::Document> doc = celgate::json::Parse(*out);
  if (!doc.ok()) {
    std::abort();  // the response must be JSON
  }
  const celgate::json::Value root = doc->root();
  if (root.Find("kind").as_string() != "AdmissionReview" ||
      !root.Find("response").Find("allowed").is_bool()) {
    std::abort();
  }
  return 0;
}

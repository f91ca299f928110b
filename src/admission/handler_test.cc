// admission/handler_test.cc: end-to-end rules of admission-policies.md 3-7 and 12-13 through
// Handler::Review (manifests in, AdmissionReview response out).
#include "admission/handler.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "json/json.h"
#include "k8s/cellib/authz.h"
#include "policy/evaluator.h"
#include "policy/loader.h"
#include "policy/object_store.h"

namespace celgate::admission {
namespace {

struct Req {
  std::string api_version = "admission.k8s.io/v1";
  std::string operation = "CREATE";
  std::string group = "apps", version = "v1", kind = "Deployment", resource = "deployments";
  std::string ns = "default", name = "web";
  std::string object = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},"spec":{"replicas":10}})";
  std::string old_object = "null";
};

std::string Body(const Req& r) {
  std::string s = R"({"apiVersion":")" + r.api_version + R"(","kind":"AdmissionReview","request":{"uid":"u-1",)";
  s += R"("kind":{"group":")" + r.group + R"(","version":")" + r.version + R"(","kind":")" + r.kind + R"("},)";
  s += R"("resource":{"group":")" + r.group + R"(","version":")" + r.version + R"(","resource":")" + r.resource + R"("},)";
  if (!r.name.empty()) s += R"("name":")" + r.name + R"(",)";
  if (!r.ns.empty()) s += R"("namespace":")" + r.ns + R"(",)";
  s += R"("operation":")" + r.operation + R"(","userInfo":{"username":"alice"},)";
  s += R"("object":)" + r.object + R"(,"oldObject":)" + r.old_object + "}}";
  return s;
}

class Result {
 public:
  explicit Result(const std::string& text) : text_(text) {
    auto d = json::Parse(text);
    EXPECT_TRUE(d.ok()) << text;
    if (d.ok()) doc_ = std::move(*d);
  }
  json::Value response() const { return doc_.root().Find("response"); }
  bool allowed() const { return response().Find("allowed").as_bool(); }
  std::string message() const {
    return std::string(response().Find("status").Find("message").as_string());
  }
  int64_t code() const { return response().Find("status").Find("code").as_int(); }
  std::string reason() const {
    return std::string(response().Find("status").Find("reason").as_string());
  }
  std::string warning(size_t i) const {
    return std::string(response().Find("warnings").at(i).as_string());
  }
  size_t warnings() const { return response().Find("warnings").size(); }
  std::string annotation(std::string_view k) const {
    return std::string(response().Find("auditAnnotations").Find(k).as_string());
  }
  const std::string& text() const { return text_; }
  json::Value root() const { return doc_.root(); }

 private:
  std::string text_;
  json::Document doc_;
};

Result ReviewWith(const std::string& manifests, const Req& req = Req(),
                  HandlerOptions options = {}) {
  policy::Manifests m;
  policy::LoadText(manifests, "test.yaml", {}, &m);
  for (const auto& i : m.issues) ADD_FAILURE() << i.ToString();
  auto set = policy::BuildPolicySet(m);
  auto store = std::make_shared<policy::ObjectStore>(m.objects);
  auto h = NewHandler([set] { return set; }, store, options);
  StatusOr<std::string> out = h->Review(Body(req), Deadline::Infinite());
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return Result(out.ok() ? *out : "{}");
}

std::string Policy(const std::string& spec_extra, const std::string& validations,
                   const std::string& name = "p") {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
         "metadata:\n  name: " + name + "\nspec:\n" + spec_extra +
         "  matchConstraints:\n    resourceRules:\n    - apiGroups: [apps]\n"
         "      apiVersions: [v1]\n      operations: [CREATE, UPDATE]\n"
         "      resources: [deployments]\n" + validations;
}

std::string Binding(const std::string& actions = "[Deny]", const std::string& extra = "",
                    const std::string& name = "b", const std::string& policy = "p") {
  return "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
         "metadata:\n  name: " + name + "\nspec:\n  policyName: " + policy +
         "\n  validationActions: " + actions + "\n" + extra;
}

const char* kReplicas = "  validations:\n  - expression: object.spec.replicas <= 5\n";

TEST(MessageSelection, DefaultIsFailedExpression) {
  Result r = ReviewWith(Policy("", kReplicas) + Binding());
  EXPECT_FALSE(r.allowed());
  EXPECT_EQ(r.message(),
            "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed expression: "
            "object.spec.replicas <= 5");
  EXPECT_EQ(r.code(), 422);
  EXPECT_EQ(r.reason(), "Invalid");
}

TEST(MessageSelection, StaticMessageIsTrimmed) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: object.spec.replicas <= 5\n"
                            "    message: '  too many  '\n") + Binding());
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: too many");
}

TEST(MessageSelection, MessageExpressionWinsOverMessage) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: object.spec.replicas <= 5\n"
                            "    message: static\n"
                            "    messageExpression: \"'got ' + string(object.spec.replicas)\"\n") +
                 Binding());
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: got 10");
}

TEST(MessageSelection, FailingOrEmptyMessageExpressionFallsBack) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: object.spec.replicas <= 5\n"
                            "    message: static\n"
                            "    messageExpression: \"object.nope + 'x'\"\n") + Binding());
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: static");
  Result r2 = ReviewWith(Policy("", "  validations:\n  - expression: object.spec.replicas <= 5\n"
                             "    messageExpression: \"'   '\"\n") + Binding());
  EXPECT_NE(r2.message().find("failed expression: object.spec.replicas <= 5"), std::string::npos);
}

TEST(Reason, SelectsStatusCode) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: 'false'\n    reason: Forbidden\n") +
                 Binding());
  EXPECT_EQ(r.code(), 403);
  EXPECT_EQ(r.reason(), "Forbidden");
  Result r2 = ReviewWith(Policy("", "  validations:\n  - expression: 'false'\n    reason: Unauthorized\n") +
                  Binding());
  EXPECT_EQ(r2.code(), 401);
}

TEST(FailurePolicy, RuntimeErrorDeniesWhenFail) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: object.spec.nope == 1\n") + Binding());
  EXPECT_FALSE(r.allowed());
  EXPECT_NE(r.message().find("expression 'object.spec.nope == 1' resulted in error: "),
            std::string::npos)
      << r.message();
}

TEST(FailurePolicy, RuntimeErrorIgnoredWhenIgnore) {
  Result r = ReviewWith(Policy("  failurePolicy: Ignore\n",
                        "  validations:\n  - expression: object.spec.nope == 1\n") + Binding());
  EXPECT_TRUE(r.allowed()) << r.text();
}

TEST(FailurePolicy, FalseDeniesEvenWhenIgnore) {
  Result r = ReviewWith(Policy("  failurePolicy: Ignore\n", kReplicas) + Binding());
  EXPECT_FALSE(r.allowed());
}

TEST(FailurePolicy, PerExpressionCostLimitIsAnError) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: "
                            "\"[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, "
                            "[1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, "
                            "[1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, "
                            "a+b+c+d+e+f > 0))))))\"\n") + Binding());
  EXPECT_FALSE(r.allowed());
  EXPECT_NE(r.message().find("cost"), std::string::npos) << r.message();
}

TEST(ValidationActions, WarnAdmitsWithWarning) {
  Result r = ReviewWith(Policy("", kReplicas) + Binding("[Warn]"));
  EXPECT_TRUE(r.allowed());
  ASSERT_EQ(r.warnings(), 1u);
  EXPECT_EQ(r.warning(0),
            "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': failed "
            "expression: object.spec.replicas <= 5");
}

TEST(ValidationActions, AuditWritesValidationFailure) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: 'true'\n  - expression: '1 > 2'\n"
                            "    message: a<b\n") + Binding("[Audit]"));
  EXPECT_TRUE(r.allowed());
  EXPECT_EQ(r.annotation("validation_failure"),
            "[{\"message\":\"a\\u003cb\",\"policy\":\"p\",\"binding\":\"b\",\"expressionIndex\":1,"
            "\"validationActions\":[\"Audit\"]}]");
}

TEST(MatchConditions, FalseSkipsPolicy) {
  Result r = ReviewWith(Policy("  matchConditions:\n  - name: only-prod\n    expression: "
                        "\"request.namespace == 'prod'\"\n", kReplicas) + Binding());
  EXPECT_TRUE(r.allowed());
}

TEST(MatchConditions, ErrorFollowsFailurePolicy) {
  std::string mc = "  matchConditions:\n  - name: broken\n    expression: object.nope == 1\n";
  EXPECT_FALSE(ReviewWith(Policy(mc, kReplicas) + Binding()).allowed());
  EXPECT_TRUE(ReviewWith(Policy("  failurePolicy: Ignore\n" + mc, kReplicas) + Binding()).allowed());
}

TEST(Variables, CompositionAndLaziness) {
  Result r = ReviewWith(Policy("", "  variables:\n  - name: r\n    expression: object.spec.replicas\n"
                            "  - name: twice\n    expression: variables.r * 2\n"
                            "  - name: unused\n    expression: object.nope\n"
                            "  validations:\n  - expression: variables.twice == 20\n") + Binding());
  EXPECT_TRUE(r.allowed()) << r.text();
  Result r2 = ReviewWith(Policy("", "  variables:\n  - name: bad\n    expression: object.nope\n"
                             "  validations:\n  - expression: variables.bad == 1\n") + Binding());
  EXPECT_NE(r2.message().find("composited variable \"bad\" fails to evaluate"), std::string::npos)
      << r2.message();
}

// A policy that declares no variables still sees `variables`, as an empty map, in its
// validations and in its messageExpressions (the evaluator binds one shared empty map).
TEST(Variables, PolicyWithoutVariablesSeesAnEmptyMap) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: size(variables) == 1\n"
                                   "    messageExpression: \"'vars: ' + string(size(variables))"
                                   " + ' ' + string(has(variables.x))\"\n") +
                        Binding());
  EXPECT_FALSE(r.allowed());
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: vars: 0 false")
      << r.text();
  EXPECT_TRUE(ReviewWith(Policy("", "  validations:\n  - expression: size(variables) == 0\n") +
                         Binding())
                  .allowed());
}

const char* kParamKind = "  paramKind:\n    apiVersion: v1\n    kind: ConfigMap\n";
const char* kParamCheck =
    "  validations:\n  - expression: object.spec.replicas <= int(params.data.max)\n";
std::string ConfigMap(const std::string& name, const std::string& ns, const std::string& max,
                      const std::string& labels = "{}") {
  return "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " +
         ns + "\n  labels: " + labels + "\ndata:\n  max: \"" + max + "\"\n";
}

TEST(Params, NamedParamDefaultsToRequestNamespace) {
  std::string b = Binding("[Deny]", "  paramRef:\n    name: limits\n    parameterNotFoundAction: Deny\n");
  EXPECT_TRUE(ReviewWith(Policy(kParamKind, kParamCheck) + b + ConfigMap("limits", "default", "20")).allowed());
  EXPECT_FALSE(ReviewWith(Policy(kParamKind, kParamCheck) + b + ConfigMap("limits", "default", "3")).allowed());
  // The param in another namespace is not seen: not found -> Deny action.
  Result r = ReviewWith(Policy(kParamKind, kParamCheck) + b + ConfigMap("limits", "other", "20"));
  EXPECT_FALSE(r.allowed());
  EXPECT_EQ(r.message(),
            "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: failed to configure "
            "binding: no params found for policy binding with `Deny` parameterNotFoundAction");
}

TEST(Params, NotFoundAllowSkipsBinding) {
  std::string b = Binding("[Deny]", "  paramRef:\n    name: limits\n    parameterNotFoundAction: Allow\n");
  EXPECT_TRUE(ReviewWith(Policy(kParamKind, kParamCheck) + b).allowed());
}

TEST(Params, SelectorEvaluatesEachParam) {
  std::string b = Binding("[Deny]",
                          "  paramRef:\n    selector:\n      matchLabels:\n        team: a\n"
                          "    parameterNotFoundAction: Deny\n");
  std::string pol = Policy(kParamKind, kParamCheck);
  EXPECT_TRUE(ReviewWith(pol + b + ConfigMap("one", "default", "20", "{team: a}") +
                  ConfigMap("two", "default", "30", "{team: a}") +
                  ConfigMap("three", "default", "1", "{team: b}")).allowed());
  EXPECT_FALSE(ReviewWith(pol + b + ConfigMap("one", "default", "20", "{team: a}") +
                   ConfigMap("two", "default", "3", "{team: a}")).allowed());
}

TEST(Params, NoParamRefMeansNullParams) {
  Result r = ReviewWith(Policy(kParamKind, "  validations:\n  - expression: params == null\n") + Binding());
  EXPECT_TRUE(r.allowed()) << r.text();
}

TEST(AuditAnnotations, PublishedPerPolicyAndErrorsDeny) {
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: 'true'\n  auditAnnotations:\n"
                            "  - key: replicas\n    valueExpression: string(object.spec.replicas)\n"
                            "  - key: empty\n    valueExpression: \"''\"\n") + Binding());
  EXPECT_TRUE(r.allowed());
  EXPECT_EQ(r.annotation("p_replicas"), "10");
  EXPECT_FALSE(r.response().Find("auditAnnotations").Find("p_empty").valid());
  Result r2 = ReviewWith(Policy("", "  auditAnnotations:\n  - key: bad\n    valueExpression: object.nope\n") +
                  Binding());
  EXPECT_FALSE(r2.allowed());
}

TEST(Response, EchoesUidAndApiVersion) {
  Req req;
  req.api_version = "admission.k8s.io/v1beta1";
  Result r = ReviewWith(Policy("", kReplicas) + Binding(), req);
  EXPECT_EQ(r.root().Find("apiVersion").as_string(), "admission.k8s.io/v1beta1");
  EXPECT_EQ(r.root().Find("kind").as_string(), "AdmissionReview");
  EXPECT_EQ(r.response().Find("uid").as_string(), "u-1");
  json::Value details = r.response().Find("status").Find("details");
  EXPECT_EQ(details.Find("name").as_string(), "web");
  EXPECT_EQ(details.Find("group").as_string(), "apps");
  EXPECT_EQ(details.Find("kind").as_string(), "deployments");
}

TEST(Response, FirstDenialByPolicyThenBindingName) {
  std::string m = Policy("", "  validations:\n  - expression: 'false'\n    message: from-a\n", "a") +
                  Binding("[Deny]", "", "ba", "a") +
                  "---\n" + Policy("", "  validations:\n  - expression: 'false'\n    message: from-b\n", "b") +
                  Binding("[Deny]", "", "bb", "b");
  Result r = ReviewWith(m);
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'a' with binding 'ba' denied request: from-a");
}

TEST(Handler, RejectsNonReviews) {
  auto set = std::make_shared<const policy::PolicySet>(
      std::vector<std::shared_ptr<const policy::Policy>>{},
      std::vector<std::shared_ptr<const policy::Binding>>{});
  auto h = NewHandler([set] { return set; }, std::make_shared<policy::ObjectStore>(
                                                 std::vector<policy::LoadedObject>{}));
  EXPECT_EQ(h->Review("[]", Deadline::Infinite()).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h->Review("{\"kind\":\"Pod\"}", Deadline::Infinite()).status().code(),
            StatusCode::kInvalidArgument);
  // kube-apiserver always sends request.uid and needs it echoed: without one there is nothing
  // to answer to.
  const std::string head =
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{)";
  for (const std::string uid : {"", R"("uid":"",)", R"("uid":7,)", R"("uid":null,)"}) {
    StatusOr<std::string> out =
        h->Review(head + uid + R"("operation":"CREATE"}})", Deadline::Infinite());
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument) << uid;
    EXPECT_NE(out.status().message().find("uid"), std::string::npos) << uid;
  }
  ReviewInfo info;
  StatusOr<std::string> ok = h->Review(head + R"("uid":"u-1","kind":{"kind":"Pod"},)"
                                              R"("namespace":"ns","name":"p","operation":"DELETE"}})",
                                       Deadline::Infinite(), &info);
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(info.uid, "u-1");
  EXPECT_EQ(info.kind, "Pod");
  EXPECT_EQ(info.ns, "ns");
  EXPECT_EQ(info.name, "p");
  EXPECT_EQ(info.operation, "DELETE");
  EXPECT_EQ(info.verdict, ReviewInfo::Verdict::kAllow);
}

TEST(Matching, ExemptKindsAreNeverEvaluated) {
  std::string pol =
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n"
      "  name: p\nspec:\n  matchConstraints:\n    resourceRules:\n    - apiGroups: ['*']\n"
      "      apiVersions: ['*']\n      operations: ['*']\n      resources: ['*']\n"
      "  validations:\n  - expression: 'false'\n";
  Req req;
  req.group = "admissionregistration.k8s.io";
  req.kind = "ValidatingAdmissionPolicy";
  req.resource = "validatingadmissionpolicies";
  req.ns = "";
  EXPECT_TRUE(ReviewWith(pol + Binding(), req).allowed());
  EXPECT_FALSE(ReviewWith(pol + Binding()).allowed());
}

// ---- authorizer (spec 9.1, cel-kubernetes.md 3.4) -------------------------------------------

HandlerOptions AuthzRules(const std::string& rules_json) {
  auto doc = json::Parse(rules_json);
  EXPECT_TRUE(doc.ok());
  auto rules = k8s::cellib::RulesAuthorizer::FromJson(doc->root());
  EXPECT_TRUE(rules.ok()) << rules.status().ToString();
  HandlerOptions o;
  o.authorizer = std::make_shared<const k8s::cellib::RulesAuthorizer>(std::move(*rules));
  return o;
}

const char* kAuthzPolicy =
    "  validations:\n"
    "  - expression: >-\n"
    "      authorizer.group('apps').resource('deployments').namespace('default')"
    ".check('create').allowed()\n"
    "    message: no create\n"
    "  - expression: authorizer.requestResource.check('update').allowed()\n"
    "    message: no update\n";

TEST(Authorizer, WithoutRulesEveryCheckIsDenied) {
  Result r = ReviewWith(Policy("", kAuthzPolicy) + Binding());
  EXPECT_FALSE(r.allowed());
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: no create");
}

TEST(Authorizer, RulesAnswerChecksForTheRequestingUser) {
  HandlerOptions alice = AuthzRules(
      R"([{"user": "alice", "verbs": ["create", "update"], "apiGroups": ["apps"],
           "resources": ["deployments"], "namespaces": ["default"]}])");
  EXPECT_TRUE(ReviewWith(Policy("", kAuthzPolicy) + Binding(), Req(), alice).allowed());
  HandlerOptions bob = AuthzRules(R"([{"user": "bob", "verbs": ["*"], "resources": ["*"]}])");
  EXPECT_FALSE(ReviewWith(Policy("", kAuthzPolicy) + Binding(), Req(), bob).allowed());
}

TEST(Authorizer, RequestResourceIsPresetFromTheRequest) {
  // Only update of deployments/web in default: the first check (create) fails, the
  // requestResource check (group apps, resource deployments, namespace default, name web) passes.
  HandlerOptions o = AuthzRules(
      R"([{"user": "alice", "verbs": ["update"], "apiGroups": ["apps"],
           "resources": ["deployments"], "namespaces": ["default"], "names": ["web"]}])");
  Result r = ReviewWith(Policy("", kAuthzPolicy) + Binding(), Req(), o);
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: no create");
  Req other = Req();
  other.name = "db";
  other.object = R"({"metadata":{"name":"db"},"spec":{"replicas":1}})";
  Result r2 = ReviewWith(Policy("", "  validations:\n  - expression: "
                                    "authorizer.requestResource.check('update').allowed()\n") +
                             Binding(),
                         other, o);
  EXPECT_FALSE(r2.allowed());
}

TEST(Authorizer, UsableInMatchConditionsNotBoundInAuditAnnotations) {
  HandlerOptions o = AuthzRules(R"([{"user": "alice", "verbs": ["get"], "resources": ["*"]}])");
  // matchConditions see the authorizer: alice may get pods, so the policy applies.
  Result r = ReviewWith(Policy("  matchConditions:\n  - name: can-get\n    expression: "
                               "authorizer.group('').resource('pods').check('get').allowed()\n",
                               kReplicas) + Binding(), Req(), o);
  EXPECT_FALSE(r.allowed());
  // auditAnnotations: declared, but not bound at run time (upstream binds no authorizer).
  Result a = ReviewWith(Policy("", "  auditAnnotations:\n  - key: k\n    valueExpression: "
                                   "authorizer.path('/x').check('get').reason()\n") +
                            Binding(), Req(), o);
  EXPECT_FALSE(a.allowed());
  EXPECT_NE(a.message().find("no such attribute"), std::string::npos) << a.message();
}

// ---- namespaceObject and request as kube-apiserver presents them (spec 9.2, 9.5) -----------

const char* kNamespace =
    "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n  uid: u-ns\n"
    "  labels: {env: prod}\n  annotations: {}\n  finalizers: [x]\n"
    "  ownerReferences: [{apiVersion: v1, kind: Foo, name: f, uid: u}]\n"
    "  managedFields: [{manager: kubectl}]\nspec:\n  finalizers: [kubernetes]\n"
    "status:\n  phase: Active\n";

TEST(NamespaceObject, IsTrimmedAsKubeApiserverBuildsIt) {
  std::string expr =
      "namespaceObject.metadata.name == 'default' && namespaceObject.metadata.uid == 'u-ns' && "
      "namespaceObject.metadata.labels.env == 'prod' && "
      "namespaceObject.metadata.finalizers == ['x'] && "
      "namespaceObject.spec.finalizers == ['kubernetes'] && "
      "namespaceObject.status.phase == 'Active' && "
      "!has(namespaceObject.metadata.managedFields) && "
      "!has(namespaceObject.metadata.ownerReferences) && "
      "!has(namespaceObject.metadata.annotations) && "  // empty map: omitempty
      "!has(namespaceObject.apiVersion) && !has(namespaceObject.kind) && "
      "has(namespaceObject.metadata.creationTimestamp) && "  // always there (null when unset)
      "namespaceObject.metadata.creationTimestamp == null && "
      "namespaceObject.size() == 3";
  Result r = ReviewWith(Policy("", "  validations:\n  - expression: \"" + expr + "\"\n") +
                        Binding() + kNamespace);
  EXPECT_TRUE(r.allowed()) << r.message();
}

TEST(NamespaceObject, NullForClusterScopedRequests) {
  Req req;
  req.ns = "";
  Result r = ReviewWith(
      Policy("", "  validations:\n  - expression: namespaceObject == null\n") + Binding(), req);
  EXPECT_TRUE(r.allowed()) << r.message();
}

TEST(RequestVariable, HasNoUidAndNoObjects) {
  Result r = ReviewWith(
      Policy("", "  validations:\n  - expression: \"!has(request.uid) && !has(request.object) && "
                 "!has(request.oldObject) && request.userInfo.username == 'alice' && "
                 "request.name == 'web' && request.operation == 'CREATE'\"\n") +
      Binding());
  EXPECT_TRUE(r.allowed()) << r.message();
}

// ---- variables read first by a messageExpression -------------------------------------------

TEST(Variables, ChainedVariableFirstReadByMessageExpression) {
  // `b` reads `a`; both are first evaluated in the messageExpression pass, whose environment
  // lacks `authorizer`: each variable must still run in its own environment's layout.
  Result r = ReviewWith(
      Policy("", "  variables:\n  - name: a\n    expression: object.spec.replicas\n"
                 "  - name: b\n    expression: variables.a * 2\n"
                 "  validations:\n  - expression: object.spec.replicas <= 5\n"
                 "    messageExpression: \"'b=' + string(variables.b)\"\n") +
      Binding());
  EXPECT_EQ(r.message(), "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: b=20");
}

// ---- per-thread scratch ---------------------------------------------------------------------

TEST(Scratch, LargeRequestsThenSmallOnesOnTheSameThread) {
  // A request whose evaluation outgrows the first arena block, then ordinary ones: results must
  // not depend on what the thread evaluated before.
  std::string ten = "[1,2,3,4,5,6,7,8,9,10]";
  std::string big = "  validations:\n  - expression: \"object.spec.replicas <= 5 || " + ten +
                    ".map(x, " + ten + ".map(y, " + ten + ".map(z, string(z) + "
                    "'abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz'))).size() "
                    "== 0\"\n";
  std::string pols = Policy("", big) + Binding();
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(ReviewWith(pols).allowed());
    EXPECT_FALSE(ReviewWith(Policy("", kReplicas) + Binding()).allowed());
    Req ok;
    ok.object = R"({"metadata":{"name":"web"},"spec":{"replicas":1}})";
    EXPECT_TRUE(ReviewWith(Policy("", kReplicas) + Binding(), ok).allowed());
  }
}

}  // namespace
}  // namespace celgate::admission

namespace celgate::admission {
namespace {

// Records what the evaluator reports for apiserver_validating_admission_policy_check_*.
class Checks final : public policy::CheckSink {
 public:
  void Record(std::string_view policy, std::string_view binding, policy::CheckAction action,
              policy::CheckError error, int64_t elapsed_ns) override {
    lines.push_back(std::string(policy) + "/" + std::string(binding) + " " +
                    std::string(policy::CheckActionName(action)) + " " +
                    std::string(policy::CheckErrorName(error)));
    EXPECT_GE(elapsed_ns, 0);
  }
  std::vector<std::string> lines;
};

std::vector<std::string> ChecksFor(const std::string& manifests) {
  policy::Manifests m;
  policy::LoadText(manifests, "test.yaml", {}, &m);
  auto set = policy::BuildPolicySet(m);
  auto store = std::make_shared<policy::ObjectStore>(m.objects);
  auto h = NewHandler([set] { return set; }, store);
  Checks checks;
  ReviewInfo info;
  info.checks = &checks;
  EXPECT_TRUE(h->Review(Body(Req()), Deadline::Infinite(), &info).ok());
  std::sort(checks.lines.begin(), checks.lines.end());
  return checks.lines;
}

// kube-apiserver's dispatcher: one record per failed validation and validation action; errors
// ignored under failurePolicy Ignore count as "allow"; passing validations are not recorded.
TEST(CheckRecords, FollowKubeApiserversDispatcher) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ChecksFor(Policy("", kReplicas) + Binding("[Deny, Audit]")),
            V({"p/b audit no_error", "p/b deny no_error"}));
  EXPECT_EQ(ChecksFor(Policy("", kReplicas) + Binding("[Warn]")), V({"p/b warn no_error"}));
  EXPECT_EQ(ChecksFor(Policy("", "  validations:\n  - expression: object.spec.replicas > 5\n") +
                      Binding()),
            V());
  EXPECT_EQ(ChecksFor(Policy("  failurePolicy: Ignore\n",
                             "  validations:\n  - expression: object.spec.nope == 1\n") +
                      Binding()),
            V({"p/b allow invalid_error"}));
  EXPECT_EQ(ChecksFor(Policy("", "  validations:\n  - expression: object.spec.nope == 1\n") +
                      Binding()),
            V({"p/b deny invalid_error"}));
  // Expressions that do not compile are rejected when loading (as the API server rejects
  // them on create), so compile_error is not reachable here; the cost limit is.
  EXPECT_EQ(ChecksFor(Policy("", "  validations:\n  - expression: "
                                 "\"[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, "
                                 "[1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, "
                                 "[1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, "
                                 "a+b+c+d+e+f > 0))))))\"\n") +
                      Binding()),
            V({"p/b deny out_of_budget"}));
}

}  // namespace
}  // namespace celgate::admission

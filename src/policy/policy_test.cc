// policy/policy_test.cc: matching rules (admission-policies.md 2) and loader validation.
#include <gtest/gtest.h>

#include "policy/loader.h"
#include "policy/match.h"

namespace celgate::policy {
namespace {

RequestAttributes Attrs(std::string_view group, std::string_view resource,
                        std::string_view sub = "", std::string_view ns = "default",
                        uint8_t op = kCreate) {
  RequestAttributes a;
  a.group = group;
  a.version = "v1";
  a.resource = resource;
  a.sub_resource = sub;
  a.ns = ns;
  a.operation = op;
  a.name = "x";
  return a;
}

ResourceRule Rule(std::vector<std::string> resources, std::string group = "",
                  uint8_t ops = kAllOperations) {
  ResourceRule r;
  r.operations = ops;
  r.api_groups = {group};
  r.api_versions = {"*"};
  r.resources = std::move(resources);
  return r;
}

TEST(RuleMatching, SubresourceTable) {
  auto m = [](std::vector<std::string> res, std::string_view r, std::string_view sub) {
    return RuleMatches(Rule(res, "*"), Attrs("", r, sub), "", "v1");
  };
  EXPECT_TRUE(m({"pods"}, "pods", ""));
  EXPECT_FALSE(m({"pods"}, "pods", "status"));
  EXPECT_TRUE(m({"pods/*"}, "pods", ""));
  EXPECT_TRUE(m({"pods/*"}, "pods", "status"));
  EXPECT_TRUE(m({"pods/status"}, "pods", "status"));
  EXPECT_FALSE(m({"pods/status"}, "pods", ""));
  EXPECT_TRUE(m({"*"}, "pods", ""));
  EXPECT_FALSE(m({"*"}, "pods", "status"));
  EXPECT_TRUE(m({"*/scale"}, "deployments", "scale"));
  EXPECT_FALSE(m({"*/scale"}, "pods", ""));
  EXPECT_TRUE(m({"*/*"}, "deployments", "scale"));
  EXPECT_TRUE(m({"*/*"}, "pods", ""));
}

TEST(RuleMatching, ScopeTreatsNamespacesAsClusterScoped) {
  ResourceRule r = Rule({"*"}, "*");
  r.scope = ResourceRule::Scope::kNamespaced;
  EXPECT_TRUE(RuleMatches(r, Attrs("", "pods"), "", "v1"));
  EXPECT_FALSE(RuleMatches(r, Attrs("", "nodes", "", ""), "", "v1"));
  EXPECT_FALSE(RuleMatches(r, Attrs("", "namespaces", "", "ns1"), "", "v1"));
  r.scope = ResourceRule::Scope::kCluster;
  EXPECT_TRUE(RuleMatches(r, Attrs("", "namespaces", "", "ns1"), "", "v1"));
  EXPECT_FALSE(RuleMatches(r, Attrs("", "pods"), "", "v1"));
}

TEST(RuleMatching, OperationsAndResourceNames) {
  ResourceRule r = Rule({"pods"}, "", kCreate | kUpdate);
  EXPECT_TRUE(RuleMatches(r, Attrs("", "pods"), "", "v1"));
  EXPECT_FALSE(RuleMatches(r, Attrs("", "pods", "", "default", kDelete), "", "v1"));
  r.resource_names = {"y"};
  EXPECT_FALSE(RuleMatches(r, Attrs("", "pods"), "", "v1"));
  r.resource_names = {"x"};
  EXPECT_TRUE(RuleMatches(r, Attrs("", "pods"), "", "v1"));
}

TEST(MatchPolicy, EquivalentMatchesOtherGroupAndVersion) {
  std::vector<ResourceRule> rules = {Rule({"deployments"}, "apps")};
  rules[0].api_versions = {"v1"};
  RequestAttributes a = Attrs("extensions", "deployments");
  a.version = "v1beta1";
  EXPECT_TRUE(RulesMatch(rules, true, a));
  EXPECT_FALSE(RulesMatch(rules, false, a));
}

StatusOr<json::Value> NoNamespace() { return NotFoundError("namespaces \"default\" not found"); }

TEST(Selectors, NamespaceSelectorUsesNamespaceLabels) {
  auto doc = json::Parse(R"({"env":"prod"})");
  ASSERT_TRUE(doc.ok());
  k8s::LabelSelectorSpec spec;
  spec.match_labels["env"] = "prod";
  MatchResources m;
  m.namespace_selector = *k8s::LabelSelector::FromApi(&spec);
  json::Value labels = doc->root();
  EXPECT_TRUE(*Matches(m, false, Attrs("", "pods"), [&]() -> StatusOr<json::Value> { return labels; }));
  // Cluster-scoped requests ignore the namespace selector.
  EXPECT_TRUE(*Matches(m, false, Attrs("", "nodes", "", ""), NoNamespace));
  // A missing namespace is an error (subject to failurePolicy).
  EXPECT_FALSE(Matches(m, false, Attrs("", "pods"), NoNamespace).ok());
}

TEST(Selectors, ObjectSelectorMatchesNewOrOldObject) {
  auto obj = json::Parse(R"({"metadata":{"labels":{"app":"a"}}})");
  auto old = json::Parse(R"({"metadata":{"labels":{"app":"b"}}})");
  k8s::LabelSelectorSpec spec;
  spec.match_labels["app"] = "b";
  MatchResources m;
  m.object_selector = *k8s::LabelSelector::FromApi(&spec);
  RequestAttributes a = Attrs("", "pods");
  a.object = obj->root();
  EXPECT_FALSE(*Matches(m, false, a, NoNamespace));
  a.old_object = old->root();
  EXPECT_TRUE(*Matches(m, false, a, NoNamespace));
}

TEST(Matching, ExclusionWinsAndEmptyBindingRulesMatchAll) {
  MatchResources m;
  m.resource_rules = {Rule({"pods"})};
  m.exclude_resource_rules = {Rule({"pods"})};
  EXPECT_FALSE(*Matches(m, true, Attrs("", "pods"), NoNamespace));
  MatchResources empty;
  EXPECT_TRUE(*Matches(empty, false, Attrs("", "pods"), NoNamespace));
  EXPECT_FALSE(*Matches(empty, true, Attrs("", "pods"), NoNamespace));
}

TEST(Loader, ReportsPositionedIssuesAndKeepsValidObjects) {
  Manifests m;
  LoadText(
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
      "metadata:\n  name: bad\nspec:\n  matchConstraints:\n    resourceRules:\n"
      "    - apiGroups: ['']\n      apiVersions: [v1]\n      operations: [CREATE]\n"
      "      resources: [pods]\n  validations:\n  - expression: 'true'\n  - expression: '1 +'\n"
      "---\napiVersion: admissionregistration.k8s.io/v1beta1\n"
      "kind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: ok\nspec:\n  policyName: bad\n"
      "  validationActions: [Warn]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
      "f.yaml", {}, &m);
  ASSERT_EQ(m.issues.size(), 1u);
  EXPECT_EQ(m.issues[0].field, "spec.validations[1].expression");
  EXPECT_EQ(m.issues[0].position.line, 14u);
  EXPECT_EQ(m.issues[0].document, 0);
  EXPECT_TRUE(m.policies.empty());
  EXPECT_EQ(m.bindings.size(), 1u);
  EXPECT_EQ(m.objects.size(), 1u);
}

TEST(Loader, BindingActionsValidated) {
  Manifests m;
  LoadText("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
           "metadata:\n  name: b\nspec:\n  policyName: p\n  validationActions: [Deny, Warn]\n",
           "f.yaml", {}, &m);
  EXPECT_TRUE(m.has_errors());
  EXPECT_TRUE(m.bindings.empty());
}

}  // namespace
}  // namespace celgate::policy

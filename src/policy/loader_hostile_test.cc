// Hostile manifests through policy::LoadText (STYLE.md H5, H7; reliability.md 8.1 F5): every
// field of ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding given a value of the
// wrong type (a string where a list is expected, a list where a string is expected, a map, a
// number, null) must give an error naming that field, keep the object out of the snapshot, and
// never crash. Also: alias bombs, deep nesting, invalid UTF-8 and huge manifests.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "policy/loader.h"
#include "policy/policy.h"

namespace celgate::policy {
namespace {

using ::testing::HasSubstr;

// A valid policy and binding, every field a ${PLACEHOLDER} with a valid default. A case
// replaces one placeholder with a wrong value.
const char* kTemplate = R"(apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: ${META}
spec: ${SPEC}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: ${BSPEC}
)";

const std::map<std::string, std::string>& Defaults() {
  static const std::map<std::string, std::string> d = {
      {"META", "{name: ${NAME}}"},
      {"NAME", "p"},
      {"SPEC",
       "{failurePolicy: ${FP}, paramKind: ${PK}, matchConstraints: ${MC}, "
       "matchConditions: ${MCONDS}, variables: ${VARS}, validations: ${VALS}, "
       "auditAnnotations: ${AAS}}"},
      {"FP", "Fail"},
      {"PK", "{apiVersion: ${PK_API}, kind: ${PK_KIND}}"},
      {"PK_API", "v1"},
      {"PK_KIND", "ConfigMap"},
      {"MC",
       "{resourceRules: ${RRS}, excludeResourceRules: ${XRRS}, namespaceSelector: ${NSSEL}, "
       "objectSelector: ${OBJSEL}, matchPolicy: ${MP}}"},
      {"RRS", "[${RR}]"},
      {"RR",
       "{apiGroups: ${RR_GROUPS}, apiVersions: ${RR_VERSIONS}, operations: ${RR_OPS}, "
       "resources: ${RR_RES}, scope: ${RR_SCOPE}, resourceNames: ${RR_NAMES}}"},
      {"RR_GROUPS", "[apps]"},
      {"RR_VERSIONS", "[v1]"},
      {"RR_OPS", "[CREATE]"},
      {"RR_RES", "[deployments]"},
      {"RR_SCOPE", "Namespaced"},
      {"RR_NAMES", "[web]"},
      {"XRRS", "[{apiGroups: [''], apiVersions: [v1], operations: [DELETE], resources: [pods]}]"},
      {"NSSEL", "{matchLabels: ${ML}, matchExpressions: ${MES}}"},
      {"ML", "{env: prod}"},
      {"MES", "[${ME}]"},
      {"ME", "{key: ${ME_KEY}, operator: ${ME_OP}, values: ${ME_VALUES}}"},
      {"ME_KEY", "tier"},
      {"ME_OP", "In"},
      {"ME_VALUES", "[a, b]"},
      {"OBJSEL", "{matchLabels: {app: web}}"},
      {"MP", "Equivalent"},
      {"MCONDS", "[${MCOND}]"},
      {"MCOND", "{name: ${MCOND_NAME}, expression: ${MCOND_EXPR}}"},
      {"MCOND_NAME", "c"},
      {"MCOND_EXPR", "'true'"},
      {"VARS", "[${VAR}]"},
      {"VAR", "{name: ${VAR_NAME}, expression: ${VAR_EXPR}}"},
      {"VAR_NAME", "v"},
      {"VAR_EXPR", "'1'"},
      {"VALS", "[${VAL}]"},
      {"VAL",
       "{expression: ${VAL_EXPR}, message: ${VAL_MSG}, messageExpression: ${VAL_MEXPR}, "
       "reason: ${VAL_REASON}}"},
      {"VAL_EXPR", "'variables.v == 1'"},
      {"VAL_MSG", "denied"},
      {"VAL_MEXPR", "\"'no'\""},
      {"VAL_REASON", "Forbidden"},
      {"AAS", "[${AA}]"},
      {"AA", "{key: ${AA_KEY}, valueExpression: ${AA_VEXPR}}"},
      {"AA_KEY", "k"},
      {"AA_VEXPR", "\"'v'\""},
      {"BSPEC",
       "{policyName: ${B_POLICY}, validationActions: ${B_ACTIONS}, paramRef: ${B_PR}, "
       "matchResources: ${B_MR}}"},
      {"B_POLICY", "p"},
      {"B_ACTIONS", "[Deny]"},
      {"B_PR",
       "{name: ${B_PR_NAME}, namespace: ${B_PR_NS}, parameterNotFoundAction: ${B_PR_ACTION}}"},
      {"B_PR_NAME", "limits"},
      {"B_PR_NS", "default"},
      {"B_PR_ACTION", "Deny"},
      {"B_MR",
       "{namespaceSelector: ${B_NSSEL}, objectSelector: ${B_OBJSEL}, resourceRules: ${B_RRS}, "
       "excludeResourceRules: ${B_XRRS}, matchPolicy: ${B_MP}}"},
      {"B_NSSEL", "{matchLabels: {env: prod}}"},
      {"B_OBJSEL", "{matchExpressions: [{key: app, operator: Exists}]}"},
      {"B_XRRS", "[{apiGroups: [''], apiVersions: [v1], operations: [DELETE], resources: [pods]}]"},
      {"B_MP", "Exact"},
      {"B_RRS", "[{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: ["
                "deployments]}]"},
  };
  return d;
}

std::string Manifest(const std::string& key = "", const std::string& value = "") {
  std::string s = kTemplate;
  for (size_t pos; (pos = s.find("${")) != std::string::npos;) {
    const size_t end = s.find('}', pos);
    const std::string name = s.substr(pos + 2, end - pos - 2);
    const std::string repl = name == key ? value : Defaults().at(name);
    s.replace(pos, end - pos + 1, repl);
  }
  return s;
}

Manifests Load(const std::string& text) {
  Manifests m;
  LoadText(text, "f.yaml", {}, &m);
  return m;
}

std::string Issues(const Manifests& m) {
  std::string s;
  for (const LoadIssue& i : m.issues) s += i.ToString() + "\n";
  return s;
}

TEST(LoaderHostile, TemplateLoadsCleanly) {
  Manifests m = Load(Manifest());
  EXPECT_EQ(Issues(m), "");
  EXPECT_EQ(m.policies.size(), 1u);
  EXPECT_EQ(m.bindings.size(), 1u);
}

struct WrongType {
  const char* placeholder;
  const char* value;
  const char* field;  // the field path the error must name
  bool binding;       // the error is in the binding (document 1)
};

TEST(LoaderHostile, EveryFieldOfTheWrongTypeIsAnErrorWithItsFieldPath) {
  const WrongType cases[] = {
      // metadata and scalars given lists, maps and numbers.
      {"META", "just-a-name", "metadata.name", false},
      {"NAME", "[p]", "metadata.name", false},
      {"NAME", "{n: p}", "metadata.name", false},
      {"SPEC", "[a, b]", "spec", false},
      {"SPEC", "text", "spec", false},
      {"FP", "[Fail]", "spec.failurePolicy", false},
      {"FP", "42", "spec.failurePolicy", false},
      {"PK", "ConfigMap", "spec.paramKind", false},
      {"PK_API", "[v1]", "spec.paramKind.apiVersion", false},
      {"PK_KIND", "{k: v}", "spec.paramKind.kind", false},
      // matchConstraints: lists given strings, strings given lists.
      {"MC", "deployments", "spec.matchConstraints", false},
      {"RRS", "deployments", "spec.matchConstraints.resourceRules", false},
      {"RRS", "{apiGroups: [apps]}", "spec.matchConstraints.resourceRules", false},
      {"RR", "deployments", "spec.matchConstraints.resourceRules[0]", false},
      {"RR_GROUPS", "apps", "spec.matchConstraints.resourceRules[0].apiGroups", false},
      {"RR_GROUPS", "[[apps]]", "spec.matchConstraints.resourceRules[0].apiGroups[0]", false},
      {"RR_VERSIONS", "v1", "spec.matchConstraints.resourceRules[0].apiVersions", false},
      {"RR_OPS", "CREATE", "spec.matchConstraints.resourceRules[0].operations", false},
      {"RR_OPS", "[1]", "spec.matchConstraints.resourceRules[0].operations[0]", false},
      {"RR_RES", "deployments", "spec.matchConstraints.resourceRules[0].resources", false},
      {"RR_RES", "[{a: b}]", "spec.matchConstraints.resourceRules[0].resources[0]", false},
      {"RR_SCOPE", "[Namespaced]", "spec.matchConstraints.resourceRules[0].scope", false},
      {"RR_NAMES", "web", "spec.matchConstraints.resourceRules[0].resourceNames", false},
      {"XRRS", "pods", "spec.matchConstraints.excludeResourceRules", false},
      {"NSSEL", "env=prod", "spec.matchConstraints.namespaceSelector", false},
      {"ML", "env=prod", "spec.matchConstraints.namespaceSelector.matchLabels", false},
      {"ML", "{env: [prod]}", "spec.matchConstraints.namespaceSelector.matchLabels", false},
      {"MES", "tier in (a)", "spec.matchConstraints.namespaceSelector.matchExpressions", false},
      {"ME", "tier", "spec.matchConstraints.namespaceSelector.matchExpressions[0]", false},
      {"ME_KEY", "[tier]", "spec.matchConstraints.namespaceSelector.matchExpressions[0].key",
       false},
      {"ME_OP", "{In: 1}",
       "spec.matchConstraints.namespaceSelector.matchExpressions[0].operator", false},
      {"ME_VALUES", "a", "spec.matchConstraints.namespaceSelector.matchExpressions[0].values",
       false},
      {"OBJSEL", "[app]", "spec.matchConstraints.objectSelector", false},
      {"MP", "[Exact]", "spec.matchConstraints.matchPolicy", false},
      // Expression lists and their items.
      {"MCONDS", "'true'", "spec.matchConditions", false},
      {"MCONDS", "{name: c, expression: 'true'}", "spec.matchConditions", false},
      {"MCOND", "'true'", "spec.matchConditions[0]", false},
      {"MCOND_NAME", "[c]", "spec.matchConditions[0].name", false},
      {"MCOND_EXPR", "[a, b]", "spec.matchConditions[0].expression", false},
      {"MCOND_EXPR", "true", "spec.matchConditions[0].expression", false},
      {"VARS", "v", "spec.variables", false},
      {"VAR", "[v, '1']", "spec.variables[0]", false},
      {"VAR_NAME", "7", "spec.variables[0].name", false},
      {"VAR_EXPR", "{x: 1}", "spec.variables[0].expression", false},
      {"VALS", "'object.x > 1'", "spec.validations", false},
      {"VAL", "'object.x > 1'", "spec.validations[0]", false},
      {"VAL_EXPR", "[x]", "spec.validations[0].expression", false},
      {"VAL_MSG", "[no]", "spec.validations[0].message", false},
      {"VAL_MEXPR", "{m: 1}", "spec.validations[0].messageExpression", false},
      {"VAL_REASON", "[Forbidden]", "spec.validations[0].reason", false},
      {"AAS", "k", "spec.auditAnnotations", false},
      {"AA", "k", "spec.auditAnnotations[0]", false},
      {"AA_KEY", "[k]", "spec.auditAnnotations[0].key", false},
      {"AA_VEXPR", "1.5", "spec.auditAnnotations[0].valueExpression", false},
      // Binding.
      {"BSPEC", "p", "spec", true},
      {"B_POLICY", "[p]", "spec.policyName", true},
      {"B_ACTIONS", "Deny", "spec.validationActions", true},
      {"B_ACTIONS", "[[Deny]]", "spec.validationActions[0]", true},
      {"B_PR", "limits", "spec.paramRef", true},
      {"B_PR_NAME", "[limits]", "spec.paramRef.name", true},
      {"B_PR_NS", "{ns: x}", "spec.paramRef.namespace", true},
      {"B_PR_ACTION", "[Deny]", "spec.paramRef.parameterNotFoundAction", true},
      {"B_MR", "all", "spec.matchResources", true},
      {"B_MR", "[{namespaceSelector: {}}]", "spec.matchResources", true},
      {"B_NSSEL", "prod", "spec.matchResources.namespaceSelector", true},
      {"B_RRS", "deployments", "spec.matchResources.resourceRules", true},
      {"B_OBJSEL", "app=web", "spec.matchResources.objectSelector", true},
      {"B_OBJSEL", "{matchExpressions: {key: app}}",
       "spec.matchResources.objectSelector.matchExpressions", true},
      {"B_XRRS", "{resources: [pods]}", "spec.matchResources.excludeResourceRules", true},
      {"B_MP", "[Exact]", "spec.matchResources.matchPolicy", true},
      // paramRef by selector instead of name: the selector itself mistyped.
      {"B_PR", "{selector: [app], parameterNotFoundAction: Deny}", "spec.paramRef.selector",
       true},
      {"B_PR", "{selector: {matchLabels: [app]}, parameterNotFoundAction: Allow}",
       "spec.paramRef.selector.matchLabels", true},
  };
  for (const WrongType& c : cases) {
    SCOPED_TRACE(std::string(c.placeholder) + " = " + c.value);
    Manifests m = Load(Manifest(c.placeholder, c.value));
    ASSERT_TRUE(m.has_errors()) << "no error for " << c.field;
    bool named = false;
    for (const LoadIssue& i : m.issues) {
      EXPECT_FALSE(i.message.empty());
      EXPECT_EQ(i.file, "f.yaml");
      if (!i.warning && i.field == c.field && i.document == (c.binding ? 1 : 0)) {
        named = true;
        EXPECT_TRUE(i.position.known()) << i.ToString();
      }
    }
    EXPECT_TRUE(named) << "want an error at " << c.field << "; got:\n" << Issues(m);
    // The broken object is not loaded; the other one is.
    EXPECT_EQ(m.policies.size(), c.binding ? 1u : 0u) << Issues(m);
    EXPECT_EQ(m.bindings.size(), c.binding ? 0u : 1u) << Issues(m);
  }
}

TEST(LoaderHostile, AliasBombIsAnErrorNotAnOutage) {
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 12; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev + ", " + prev +
            ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev + ", " + prev +
            ", " + prev + ", " + prev + "]\n";
  }
  Manifests m = Load(Manifest() + "---\n" + bomb);
  EXPECT_TRUE(m.has_errors());
  EXPECT_THAT(Issues(m), HasSubstr("f.yaml"));
}

TEST(LoaderHostile, DeepNestingAndInvalidUtf8AreErrors) {
  Manifests deep = Load("a: " + std::string(100000, '[') + std::string(100000, ']') + "\n");
  EXPECT_TRUE(deep.has_errors());
  Manifests deep_json = Load("{\"a\": " + std::string(100000, '[') + std::string(100000, ']') +
                             "}");
  EXPECT_TRUE(deep_json.has_errors());
  Manifests utf8 = Load(Manifest("VAL_MSG", "\"bad \xff byte\""));
  EXPECT_TRUE(utf8.has_errors());
  EXPECT_THAT(Issues(utf8), HasSubstr("UTF-8"));
  Manifests expr = Load(Manifest("VAL_EXPR", "\"'\xc3' == 'x'\""));
  EXPECT_TRUE(expr.has_errors());
}

TEST(LoaderHostile, DuplicateKeysAreErrors) {
  Manifests m = Load(
      "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
      "metadata: {name: b}\nspec:\n  policyName: p\n  validationActions: [Deny]\n"
      "  validationActions: [Warn]\n");
  EXPECT_TRUE(m.has_errors());
  EXPECT_TRUE(m.bindings.empty());
  EXPECT_THAT(Issues(m), HasSubstr("validationActions"));
}

}  // namespace
}  // namespace celgate::policy

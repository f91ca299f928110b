// test/integration/deploy_test.cc: deploy/celgate.yaml parses with our YAML module and carries
// the settings docs/serve.md promises (replicas, PDB, anti-affinity, restricted security
// context, probes, webhook failurePolicy/timeout/matchPolicy/namespace exclusions), and the
// policies shipped in its ConfigMap load without issues.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "json/json.h"
#include "policy/loader.h"
#include "yaml/yaml.h"

namespace celgate {
namespace {

std::string ReadFile(const std::string& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Follows a dotted path; "[i]" selects an array element.
json::Value At(json::Value v, std::string_view path) {
  while (!path.empty() && v.valid()) {
    size_t dot = path.find('.');
    std::string_view part = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    size_t br = part.find('[');
    std::string_view key = part.substr(0, br);
    if (!key.empty()) v = v.Find(key);
    if (br != std::string_view::npos) {
      v = v.at(static_cast<size_t>(std::stoi(std::string(part.substr(br + 1)))));
    }
  }
  return v;
}

class DeployManifests : public ::testing::Test {
 protected:
  void SetUp() override {
    auto docs = yaml::LoadAll(ReadFile(std::string(CELGATE_SOURCE_DIR) + "/deploy/celgate.yaml"));
    ASSERT_TRUE(docs.ok()) << docs.status().message();
    docs_ = std::move(*docs);
    for (const auto& d : docs_) {
      json::Value root = d.doc.root();
      by_kind_[std::string(root.Find("kind").as_string())] = root;
    }
  }
  json::Value Kind(const std::string& k) {
    auto it = by_kind_.find(k);
    return it == by_kind_.end() ? json::Value() : it->second;
  }
  std::vector<yaml::YamlDocument> docs_;
  std::map<std::string, json::Value> by_kind_;
};

TEST_F(DeployManifests, HaveEveryObject) {
  for (const char* k : {"Namespace", "ServiceAccount", "ConfigMap", "Deployment",
                        "PodDisruptionBudget", "Service", "ValidatingWebhookConfiguration"}) {
    EXPECT_TRUE(Kind(k).valid()) << k;
  }
}

TEST_F(DeployManifests, DeploymentIsHighlyAvailableAndRestricted) {
  json::Value d = Kind("Deployment");
  EXPECT_EQ(At(d, "spec.replicas").as_int(), 3);
  EXPECT_EQ(At(d, "spec.template.spec.affinity.podAntiAffinity."
                  "preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey")
                .as_string(),
            "kubernetes.io/hostname");
  EXPECT_TRUE(At(d, "spec.template.spec.securityContext.runAsNonRoot").as_bool());
  EXPECT_EQ(At(d, "spec.template.spec.securityContext.seccompProfile.type").as_string(),
            "RuntimeDefault");
  json::Value c = At(d, "spec.template.spec.containers[0]");
  EXPECT_FALSE(At(c, "securityContext.allowPrivilegeEscalation").as_bool());
  EXPECT_TRUE(At(c, "securityContext.readOnlyRootFilesystem").as_bool());
  EXPECT_EQ(At(c, "securityContext.capabilities.drop[0]").as_string(), "ALL");
  EXPECT_EQ(At(c, "readinessProbe.httpGet.path").as_string(), "/readyz");
  EXPECT_EQ(At(c, "livenessProbe.httpGet.path").as_string(), "/healthz");
  EXPECT_GT(At(d, "spec.template.spec.terminationGracePeriodSeconds").as_int(), 25);
  EXPECT_EQ(At(Kind("PodDisruptionBudget"), "spec.minAvailable").as_int(), 2);
}

TEST_F(DeployManifests, WebhookFailsClosedQuicklyAndSkipsTheControlPlane) {
  json::Value w = At(Kind("ValidatingWebhookConfiguration"), "webhooks[0]");
  EXPECT_EQ(At(w, "failurePolicy").as_string(), "Fail");
  EXPECT_EQ(At(w, "timeoutSeconds").as_int(), 3);
  EXPECT_EQ(At(w, "matchPolicy").as_string(), "Equivalent");
  EXPECT_EQ(At(w, "sideEffects").as_string(), "None");
  EXPECT_EQ(At(w, "clientConfig.service.path").as_string(), "/validate");
  json::Value expr = At(w, "namespaceSelector.matchExpressions[0]");
  EXPECT_EQ(At(expr, "key").as_string(), "kubernetes.io/metadata.name");
  EXPECT_EQ(At(expr, "operator").as_string(), "NotIn");
  std::vector<std::string> excluded;
  for (size_t i = 0; i < At(expr, "values").size(); ++i) {
    excluded.emplace_back(At(expr, "values").at(i).as_string());
  }
  for (const char* ns : {"kube-system", "kube-node-lease", "celgate-system"}) {
    EXPECT_NE(std::find(excluded.begin(), excluded.end(), ns), excluded.end()) << ns;
  }
}

TEST_F(DeployManifests, ConfigMapPoliciesLoadWithoutIssues) {
  json::Value data = At(Kind("ConfigMap"), "data");
  ASSERT_GT(data.size(), 0u);
  for (size_t i = 0; i < data.size(); ++i) {
    policy::Manifests m;
    policy::LoadText(data.value_at(i).as_string(), std::string(data.key_at(i)), {}, &m);
    EXPECT_FALSE(m.has_errors()) << data.key_at(i);
    EXPECT_EQ(m.policies.size(), 1u);
    EXPECT_EQ(m.bindings.size(), 1u);
  }
}

}  // namespace
}  // namespace celgate

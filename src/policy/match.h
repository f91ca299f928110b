// policy/match.h: does a request fall under a MatchResources (admission-policies.md 2)?
// Pure functions over the request attributes; the Namespace is read through the caller's
// lookup (cached per request). Used by policy/evaluator.cc; public for tests.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "json/json.h"
#include "policy/policy.h"

namespace celgate::policy {

// The attributes of one admission request, as views into its decoded AdmissionReview (they
// must outlive every use). Filled by admission/review.cc and by tests.
struct RequestAttributes {
  json::Value raw;  // the `request` object (bound to the CEL variable `request`)
  std::string_view uid;
  std::string_view kind_group, kind_version, kind;
  std::string_view group, version, resource, sub_resource;
  std::string_view name, ns;
  std::string_view operation_name;  // "CREATE", ...
  uint8_t operation = 0;            // Operation bit
  json::Value object;               // invalid or null when absent
  json::Value old_object;
};

// Returns the labels object (metadata.labels) of the request's Namespace; a non-OK status
// (typically kNotFound) when it cannot be read.
using NamespaceLabelsFn = std::function<StatusOr<json::Value>()>;

// Rule test (2.2) for one rule against (group, version, resource, subresource), without
// equivalence. Scope and operation included; resourceNames included.
bool RuleMatches(const ResourceRule& rule, const RequestAttributes& a, std::string_view group,
                 std::string_view version);

// True when any rule matches (with matchPolicy Equivalent: also through an equivalent
// group/version of the same resource).
bool RulesMatch(const std::vector<ResourceRule>& rules, bool equivalent,
                const RequestAttributes& a);

// Groups that serve the same resource as `group`/`resource` (including `group` itself),
// e.g. deployments: apps, extensions.
std::vector<std::string_view> EquivalentGroups(std::string_view group, std::string_view resource);

// Full MatchResources test in kube-apiserver's order (2.3). `require_rules`: an empty
// resourceRules list matches nothing (policy) rather than everything (binding).
// Returns true/false, or an error (for example the Namespace cannot be read).
StatusOr<bool> Matches(const MatchResources& m, bool require_rules, const RequestAttributes& a,
                       const NamespaceLabelsFn& namespace_labels);

// Label lookup helper: labels of `object` (metadata.labels) against a selector.
bool SelectorMatchesObject(const k8s::LabelSelector& selector, json::Value object);
bool SelectorMatchesLabels(const k8s::LabelSelector& selector, json::Value labels);

}  // namespace celgate::policy

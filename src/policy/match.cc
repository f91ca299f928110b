// policy/match.cc: request matching (admission-policies.md section 2). See match.h.
#include "policy/match.h"

#include <algorithm>

namespace celgate::policy {
namespace {

// Runs for every candidate policy of every request: plain length and byte tests instead of
// comparisons with C strings (which measure "*" each time).
bool IsStar(std::string_view x) { return x.size() == 1 && x[0] == '*'; }

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  for (const std::string& x : v) {
    if (IsStar(x) || x == s) return true;
  }
  return false;
}

// An entry is "resource" or "resource/subresource", either part possibly "*".
bool ResourceMatches(const std::vector<std::string>& entries, std::string_view res,
                     std::string_view sub) {
  for (const std::string& e : entries) {
    const std::string_view ev = e;
    const size_t slash = ev.find('/');
    const std::string_view r = slash == std::string_view::npos ? ev : ev.substr(0, slash);
    const std::string_view s =
        slash == std::string_view::npos ? std::string_view() : ev.substr(slash + 1);
    if ((IsStar(r) || r == res) && (IsStar(s) || s == sub)) return true;
  }
  return false;
}

struct Equivalence {
  std::string_view resource;
  std::string_view groups[3];
};
// Resources served by more than one API group over the same storage.
constexpr Equivalence kEquivalences[] = {
    {"deployments", {"apps", "extensions"}},
    {"daemonsets", {"apps", "extensions"}},
    {"replicasets", {"apps", "extensions"}},
    {"ingresses", {"networking.k8s.io", "extensions"}},
    {"networkpolicies", {"networking.k8s.io", "extensions"}},
    {"podsecuritypolicies", {"policy", "extensions"}},
    {"events", {"", "events.k8s.io"}},
};

}  // namespace

// Calls `f(g)` for `group` and then every group serving the same resource, until f returns
// true; returns whether it did. No allocation (used per request by RulesMatch).
template <typename F>
bool AnyEquivalentGroup(std::string_view group, std::string_view resource, F f) {
  if (f(group)) return true;
  for (const Equivalence& e : kEquivalences) {
    if (e.resource != resource) continue;
    bool member = false;
    for (std::string_view g : e.groups) member |= (!g.data() ? false : g == group);
    if (!member) continue;
    for (std::string_view g : e.groups) {
      if (g.data() && g != group && f(g)) return true;
    }
  }
  return false;
}

std::vector<std::string_view> EquivalentGroups(std::string_view group, std::string_view resource) {
  std::vector<std::string_view> out;
  AnyEquivalentGroup(group, resource, [&](std::string_view g) {
    out.push_back(g);
    return false;
  });
  return out;
}

bool RuleMatches(const ResourceRule& rule, const RequestAttributes& a, std::string_view group,
                 std::string_view version) {
  if (rule.scope != ResourceRule::Scope::kAll) {
    const bool is_namespace = a.group.empty() && a.resource == "namespaces";
    if (rule.scope == ResourceRule::Scope::kNamespaced ? (is_namespace || a.ns.empty())
                                                       : (!is_namespace && !a.ns.empty())) {
      return false;
    }
  }
  if ((rule.operations & a.operation) == 0) return false;
  if (!Contains(rule.api_groups, group)) return false;
  if (!version.empty() && !Contains(rule.api_versions, version)) return false;
  if (!ResourceMatches(rule.resources, a.resource, a.sub_resource)) return false;
  if (!rule.resource_names.empty() &&
      std::find(rule.resource_names.begin(), rule.resource_names.end(), a.name) ==
          rule.resource_names.end()) {
    return false;
  }
  return true;
}

bool RulesMatch(const std::vector<ResourceRule>& rules, bool equivalent,
                const RequestAttributes& a) {
  for (const ResourceRule& r : rules) {
    if (RuleMatches(r, a, a.group, a.version)) return true;
  }
  if (!equivalent) return false;
  // Equivalent: the same resource in another version of the group (every version of a group
  // shares storage), or in an equivalent group. Offline we cannot ask which versions exist,
  // so any listed version counts (version "" skips the version test).
  return AnyEquivalentGroup(a.group, a.resource, [&](std::string_view g) {
    for (const ResourceRule& r : rules) {
      if (RuleMatches(r, a, g, "")) return true;
    }
    return false;
  });
}

bool SelectorMatchesLabels(const k8s::LabelSelector& selector, json::Value labels) {
  return selector.Matches([labels](std::string_view key) -> std::optional<std::string_view> {
    json::Value v = labels.Find(key);
    if (!v.valid() || !v.is_string()) return std::nullopt;
    return v.as_string();
  });
}

bool SelectorMatchesObject(const k8s::LabelSelector& selector, json::Value object) {
  if (!object.is_object()) return false;
  json::Value meta = object.Find("metadata");
  if (!meta.is_object()) return false;
  return SelectorMatchesLabels(selector, meta.Find("labels"));
}

StatusOr<bool> Matches(const MatchResources& m, bool require_rules, const RequestAttributes& a,
                       const NamespaceLabelsFn& namespace_labels) {
  Status deferred;
  // 1. namespaceSelector.
  if (m.namespace_selector) {
    bool is_namespace = a.group.empty() && a.resource == "namespaces";
    bool cluster_scoped = a.ns.empty() && !is_namespace;
    if (!cluster_scoped) {
      json::Value labels;
      bool have = false;
      if (is_namespace && a.sub_resource.empty() && (a.operation & (kCreate | kUpdate))) {
        labels = a.object.Find("metadata").Find("labels");
        have = true;
      } else {
        StatusOr<json::Value> l = namespace_labels();
        if (!l.ok()) {
          deferred = l.status();
        } else {
          labels = *l;
          have = true;
        }
      }
      if (have && !SelectorMatchesLabels(*m.namespace_selector, labels)) return false;
    }
  }
  // 2. objectSelector.
  if (m.object_selector) {
    if (!SelectorMatchesObject(*m.object_selector, a.object) &&
        !SelectorMatchesObject(*m.object_selector, a.old_object)) {
      return false;
    }
  }
  // 3. exclusions.
  if (!m.exclude_resource_rules.empty() && RulesMatch(m.exclude_resource_rules, m.equivalent, a)) {
    return false;
  }
  // 4. inclusions.
  if (!m.resource_rules.empty() || require_rules) {
    if (!RulesMatch(m.resource_rules, m.equivalent, a)) return false;
  }
  // 5. deferred selector error.
  if (!deferred.ok()) return deferred;
  return true;
}

}  // namespace celgate::policy

// policy/policy_set.cc: the immutable snapshot and its candidate index (see policy.h).
#include <algorithm>
#include <cstring>
#include <iterator>
#include <set>

#include "policy/match.h"
#include "policy/policy.h"

namespace celgate::policy {

PolicySet::PolicySet(std::vector<std::shared_ptr<const Policy>> policies,
                     std::vector<std::shared_ptr<const Binding>> bindings) {
  // Last definition of a name wins (as a later `kubectl apply` would).
  std::map<std::string, std::shared_ptr<const Policy>> by_name;
  for (auto& p : policies) by_name[p->name] = p;
  std::map<std::string, std::shared_ptr<const Binding>> bindings_by_name;
  for (auto& b : bindings) bindings_by_name[b->name] = b;
  policy_count_ = by_name.size();
  binding_count_ = bindings_by_name.size();
  std::map<std::string, std::vector<std::shared_ptr<const Binding>>> per_policy;
  for (auto& [name, b] : bindings_by_name) per_policy[b->policy_name].push_back(b);
  for (auto& [name, p] : by_name) {
    auto it = per_policy.find(name);
    if (it == per_policy.end()) continue;
    entries_.push_back(Entry{p, it->second});
  }
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    const MatchResources& mc = entries_[i].policy->match_constraints;
    bool wildcard = false;
    std::set<std::string> keys;
    for (const ResourceRule& r : mc.resource_rules) {
      for (const std::string& g : r.api_groups) {
        for (const std::string& res : r.resources) {
          std::string base = res.substr(0, res.find('/'));
          if (g == "*" || base == "*") {
            wildcard = true;
            continue;
          }
          for (std::string_view eg : EquivalentGroups(g, base)) {
            keys.insert(std::string(eg) + "/" + base);
          }
        }
      }
    }
    if (wildcard) {
      wildcard_.push_back(i);
      continue;
    }
    for (const auto& k : keys) by_gr_[k].push_back(i);
  }
}

const std::vector<uint32_t>& PolicySet::Candidates(std::string_view group,
                                                   std::string_view resource,
                                                   std::vector<uint32_t>* scratch) const {
  char buf[256];
  std::string key;
  std::string_view k;
  if (group.size() + resource.size() + 1 <= sizeof(buf)) {
    // std::copy, not memcpy: an empty view may have a null data() (json::Value::as_string of
    // ""), and memcpy from null is undefined even for 0 bytes (found by fuzzing under UBSan).
    std::copy(group.begin(), group.end(), buf);
    buf[group.size()] = '/';
    std::copy(resource.begin(), resource.end(), buf + group.size() + 1);
    k = std::string_view(buf, group.size() + resource.size() + 1);
  } else {
    key = std::string(group) + "/" + std::string(resource);
    k = key;
  }
  auto it = by_gr_.find(k);
  if (it == by_gr_.end()) return wildcard_;
  if (wildcard_.empty()) return it->second;
  scratch->clear();
  std::merge(it->second.begin(), it->second.end(), wildcard_.begin(), wildcard_.end(),
             std::back_inserter(*scratch));
  return *scratch;
}

}  // namespace celgate::policy

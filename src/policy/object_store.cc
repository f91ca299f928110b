// policy/object_store.cc: in-memory cluster state (see object_store.h).
#include "policy/object_store.h"

#include <algorithm>
#include <atomic>

#include "policy/match.h"

namespace celgate::policy {
namespace {

std::string KindKey(std::string_view api_version, std::string_view kind) {
  std::string k(api_version);
  k += '|';
  k += kind;
  return k;
}

struct BuiltinScope {
  std::string_view api_version, kind;
  bool namespaced;
};
constexpr BuiltinScope kBuiltins[] = {
    {"v1", "ConfigMap", true},       {"v1", "Secret", true},
    {"v1", "Namespace", false},      {"v1", "Pod", true},
    {"v1", "Service", true},         {"v1", "ServiceAccount", true},
    {"v1", "Node", false},           {"v1", "PersistentVolume", false},
    {"apps/v1", "Deployment", true}, {"rbac.authorization.k8s.io/v1", "ClusterRole", false},
    {"rbac.authorization.k8s.io/v1", "Role", true},
    {"apiextensions.k8s.io/v1", "CustomResourceDefinition", false},
};

// Distinguishes stores in the per-thread cache of synthesized Namespaces (an address could be
// reused by a store built after a reload).
std::atomic<uint64_t> next_store_id{1};
constexpr size_t kSynthesizedCacheMax = 4096;

}  // namespace

ObjectStore::ObjectStore(std::vector<LoadedObject> objects, ObjectStoreOptions options)
    : options_(options), id_(next_store_id.fetch_add(1, std::memory_order_relaxed)) {
  for (LoadedObject& o : objects) {
    json::Value meta = o.value.Find("metadata");
    Item it;
    it.ns = std::string(meta.Find("namespace").as_string());
    it.name = std::string(meta.Find("name").as_string());
    it.ref = k8s::ObjectRef{o.doc, o.value};
    std::string key = KindKey(o.value.Find("apiVersion").as_string(),
                              o.value.Find("kind").as_string());
    if (!it.ns.empty()) namespaced_[key] = true;
    by_kind_[key].push_back(std::move(it));
  }
  for (auto& [k, items] : by_kind_) {
    std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return std::tie(a.ns, a.name) < std::tie(b.ns, b.name);
    });
    // A later definition of the same object replaces the earlier one.
    std::vector<Item> unique;
    for (Item& i : items) {
      if (!unique.empty() && unique.back().ns == i.ns && unique.back().name == i.name) {
        unique.back() = std::move(i);
      } else {
        unique.push_back(std::move(i));
      }
    }
    items = std::move(unique);
  }
  if (auto it = by_kind_.find(KindKey("v1", "Namespace")); it != by_kind_.end()) {
    for (const Item& i : it->second) {
      if (i.ns.empty()) namespaces_.emplace(i.name, i.ref);
    }
  }
}

StatusOr<k8s::ObjectRef> ObjectStore::GetNamespace(std::string_view name) const {
  if (auto it = namespaces_.find(name); it != namespaces_.end()) return it->second;
  if (!options_.synthesize_namespaces) {
    return NotFoundError("namespace \"" + std::string(name) + "\" not found");
  }
  // Synthesized Namespaces are the same for every request naming them: each thread keeps the
  // ones it built (per store, bounded), so the request path neither builds a Document nor
  // takes a lock for them.
  struct Cache {
    uint64_t store = 0;
    std::map<std::string, k8s::ObjectRef, std::less<>> by_name;
  };
  thread_local Cache cache;
  if (cache.store != id_) {
    cache.by_name.clear();
    cache.store = id_;
  }
  if (auto it = cache.by_name.find(name); it != cache.by_name.end()) return it->second;
  if (cache.by_name.size() >= kSynthesizedCacheMax) cache.by_name.clear();
  json::Builder b;
  b.StartObject();
  b.Key("apiVersion");
  b.String("v1");
  b.Key("kind");
  b.String("Namespace");
  b.Key("metadata");
  b.StartObject();
  b.Key("name");
  b.String(name);
  b.Key("labels");
  b.StartObject();
  b.Key("kubernetes.io/metadata.name");
  b.String(name);
  b.EndObject();
  b.EndObject();
  b.EndObject();
  auto doc = std::make_shared<json::Document>(b.Finish());
  json::Value root = doc->root();
  k8s::ObjectRef ref{doc, root};
  cache.by_name.emplace(std::string(name), ref);
  return ref;
}

std::optional<bool> ObjectStore::IsNamespaced(std::string_view api_version,
                                              std::string_view kind) const {
  for (const BuiltinScope& b : kBuiltins) {
    if (b.api_version == api_version && b.kind == kind) return b.namespaced;
  }
  std::string key = KindKey(api_version, kind);
  if (namespaced_.count(key)) return true;
  if (by_kind_.count(key)) return false;
  if (options_.unknown_kinds_are_cluster_scoped) return false;
  return std::nullopt;
}

StatusOr<k8s::ObjectRef> ObjectStore::Get(std::string_view api_version, std::string_view kind,
                                          std::string_view ns, std::string_view name) const {
  auto it = by_kind_.find(KindKey(api_version, kind));
  if (it != by_kind_.end()) {
    for (const Item& i : it->second) {
      if (i.ns == ns && i.name == name) return i.ref;
    }
  }
  std::string what(kind);
  for (char& ch : what) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return NotFoundError(what + " \"" + std::string(name) + "\" not found");
}

StatusOr<std::vector<k8s::ObjectRef>> ObjectStore::List(
    std::string_view api_version, std::string_view kind, std::string_view ns,
    const k8s::LabelSelector& selector) const {
  std::vector<k8s::ObjectRef> out;
  auto it = by_kind_.find(KindKey(api_version, kind));
  if (it == by_kind_.end()) return out;
  for (const Item& i : it->second) {
    if (!ns.empty() && i.ns != ns) continue;
    if (!SelectorMatchesObject(selector, i.ref.value)) continue;
    out.push_back(i.ref);
  }
  return out;
}

}  // namespace celgate::policy

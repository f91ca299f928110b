// policy/object_store.h: an in-memory k8s::ObjectSource fed from loaded manifests, for
// `celgate review`, `celgate test` and unit tests (the server uses kubeclient/ instead).
//
// Immutable after construction; thread-safe. Namespaces: the loaded Namespace objects; with
// `synthesize_namespaces`, a name not loaded yields a minimal Namespace carrying only
// metadata.name and the label kubernetes.io/metadata.name (what the API server always sets),
// so offline reviews of namespaced objects work without a Namespace file.
// Scope of a kind: a small table of built-in kinds, else inferred from the loaded objects
// (any object with metadata.namespace => namespaced), else cluster-scoped when no object of
// that kind is loaded and `unknown_kinds_are_cluster_scoped` (otherwise unknown).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "k8s/object_source.h"
#include "policy/loader.h"

namespace celgate::policy {

struct ObjectStoreOptions {
  bool synthesize_namespaces = true;
  bool unknown_kinds_are_cluster_scoped = true;
};

class ObjectStore final : public k8s::ObjectSource {
 public:
  ObjectStore(std::vector<LoadedObject> objects, ObjectStoreOptions options = {});

  StatusOr<k8s::ObjectRef> GetNamespace(std::string_view name) const override;
  std::optional<bool> IsNamespaced(std::string_view api_version,
                                   std::string_view kind) const override;
  StatusOr<k8s::ObjectRef> Get(std::string_view api_version, std::string_view kind,
                               std::string_view ns, std::string_view name) const override;
  StatusOr<std::vector<k8s::ObjectRef>> List(std::string_view api_version,
                                             std::string_view kind, std::string_view ns,
                                             const k8s::LabelSelector& selector) const override;

 private:
  struct Item {
    std::string ns, name;
    k8s::ObjectRef ref;
  };
  // "apiVersion|kind" -> items sorted by (ns, name).
  std::map<std::string, std::vector<Item>, std::less<>> by_kind_;
  std::map<std::string, bool, std::less<>> namespaced_;  // observed scopes
  std::map<std::string, k8s::ObjectRef, std::less<>> namespaces_;  // loaded Namespaces by name
  ObjectStoreOptions options_;
  uint64_t id_;
};

}  // namespace celgate::policy

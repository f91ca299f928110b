// k8s/object_source.h: read access to cluster state (Namespaces, parameter resources), as the
// admission engine needs it. A pure interface: `kubeclient/` implements it over watch caches
// for `serve`; policy/object_store.h implements it in memory for `review`, `test` and tests.
//
// Objects are JSON views (json::Value). Each returned ObjectRef keeps the Document that holds
// its value alive (`owner`), so a caller may keep using the value after the source changed.
// Thread-safety: implementations must be safe for concurrent calls (one call per request
// thread). Errors: kNotFound for a missing object (Get/GetNamespace); any other code means the
// lookup itself failed (for example the cache is not synced).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "json/json.h"

namespace celgate::k8s {

class LabelSelector;

// A Kubernetes object (its JSON form) plus whatever owns its memory.
struct ObjectRef {
  std::shared_ptr<const void> owner;  // keeps `value` valid
  json::Value value;
};

class ObjectSource {
 public:
  virtual ~ObjectSource() = default;

  // The Namespace object `name`; kNotFound when it does not exist.
  virtual StatusOr<ObjectRef> GetNamespace(std::string_view name) const = 0;

  // Scope of the kind `api_version`/`kind` ("v1"/"ConfigMap", "kubescape.io/v1"/...):
  // true = namespaced, false = cluster-scoped, nullopt = kind unknown to the cluster.
  virtual std::optional<bool> IsNamespaced(std::string_view api_version,
                                           std::string_view kind) const = 0;

  // The object of that kind named `name` in `ns` ("" for cluster-scoped); kNotFound if none.
  virtual StatusOr<ObjectRef> Get(std::string_view api_version, std::string_view kind,
                                  std::string_view ns, std::string_view name) const = 0;

  // Every object of that kind whose labels match `selector`; in namespace `ns` when non-empty
  // (all namespaces otherwise). Sorted by namespace then name.
  virtual StatusOr<std::vector<ObjectRef>> List(std::string_view api_version, std::string_view kind,
                                                std::string_view ns,
                                                const LabelSelector& selector) const = 0;
};

}  // namespace celgate::k8s

// cli/environment.cc: see environment.h.
#include "cli/environment.h"

#include "k8s/cellib/environment.h"

namespace celgate::cli {

StatusOr<std::shared_ptr<const cel::Env>> BuildEvalEnvironment(
    const std::string& kubernetes_version,
    const std::vector<std::pair<std::string, json::Value>>& bindings, bool extended) {
  k8s::cellib::Version version = k8s::cellib::kNewestVersion;
  if (!kubernetes_version.empty()) {
    StatusOr<k8s::cellib::Version> v = k8s::cellib::ParseVersion(kubernetes_version);
    if (!v.ok()) return v.status();
    version = *v;
  }
  cel::EnvBuilder b;
  b.SetOptions(k8s::cellib::EnvOptionsFor(version, extended));
  for (const cel::Library& lib : k8s::cellib::Libraries(version, extended)) b.AddLibrary(lib);
  for (const auto& [name, value] : bindings) b.AddVariable(name, cel::Type::Dyn());
  return b.Build();
}

}  // namespace celgate::cli

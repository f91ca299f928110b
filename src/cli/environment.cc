// cli/environment.cc: see environment.h.
#include "cli/environment.h"

#include "cel/lib/std/std_lib.h"

namespace celgate::cli {

StatusOr<std::shared_ptr<const cel::Env>> BuildEvalEnvironment(
    const std::string& kubernetes_version,
    const std::vector<std::pair<std::string, json::Value>>& bindings) {
  if (!kubernetes_version.empty()) {
    return UnimplementedError("--kubernetes-version is not supported yet");
  }
  cel::EnvBuilder b;
  b.AddLibrary(cel::StandardLibrary());
  for (const auto& [name, value] : bindings) b.AddVariable(name, cel::Type::Dyn());
  return b.Build();
}

}  // namespace celgate::cli

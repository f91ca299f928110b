// policy/environment.cc: builds the admission CEL environment (see environment.h).
#include "policy/environment.h"

#include "k8s/cellib/authz.h"
#include "k8s/cellib/environment.h"

namespace celgate::policy {

std::shared_ptr<const cel::Env> PolicyEnvironment(const EnvironmentOptions& options) {
  cel::EnvBuilder b;
  // The standard library plus every extension and Kubernetes library of the newest modelled
  // Kubernetes version (k8s/cellib/environment.h decides which).
  for (const cel::Library& lib : k8s::cellib::Libraries()) b.AddLibrary(lib);
  b.AddVariable(kObjectVar, cel::Type::Dyn());
  b.AddVariable(kOldObjectVar, cel::Type::Dyn());
  b.AddVariable(kRequestVar, cel::Type::Dyn());
  b.AddVariable(kNamespaceObjectVar, cel::Type::Dyn());
  if (options.declare_params) b.AddVariable(kParamsVar, cel::Type::Dyn());
  if (options.declare_authorizer) {
    b.AddVariable(kAuthorizerVar, k8s::cellib::AuthorizerType());
    b.AddVariable(kRequestResourceVar, k8s::cellib::ResourceCheckType());
  }
  if (options.declare_variables) b.AddVariable(kVariablesVar, cel::Type::Dyn());
  // The syntax of the same version: optional syntax, two-variable comprehensions; no cel.bind.
  cel::EnvOptions env_options = k8s::cellib::EnvOptionsFor(k8s::cellib::kNewestVersion);
  env_options.plan.enable_tracing = options.enable_tracing;
  b.SetOptions(env_options);
  return b.Build();
}

}  // namespace celgate::policy

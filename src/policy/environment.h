// policy/environment.h: the ONE place where the CEL environment of admission policies is built
// (admission-policies.md 9.1). Libraries written later (extension libraries, Kubernetes
// libraries) are added here and nowhere else, so every policy expression, lint and the
// `review`/`test` commands see the same functions.
#pragma once

#include <memory>

#include "cel/cel.h"

namespace celgate::policy {

struct EnvironmentOptions {
  // Declare `params` (only when the policy has a paramKind; otherwise using it is a compile
  // error, as upstream).
  bool declare_params = true;
  // Declare `variables` (false for matchConditions, which cannot read variables).
  bool declare_variables = true;
  // Declare `authorizer` (false for messageExpression).
  bool declare_authorizer = true;
  // Record sub-expression values when Eval gets a Trace (`review --explain`). Slower.
  bool enable_tracing = false;
};

// Variable names, shared by the planner and the evaluator.
inline constexpr const char* kObjectVar = "object";
inline constexpr const char* kOldObjectVar = "oldObject";
inline constexpr const char* kRequestVar = "request";
inline constexpr const char* kParamsVar = "params";
inline constexpr const char* kNamespaceObjectVar = "namespaceObject";
inline constexpr const char* kAuthorizerVar = "authorizer";
inline constexpr const char* kRequestResourceVar = "authorizer.requestResource";
inline constexpr const char* kVariablesVar = "variables";

// Standard library + every available extension library + the admission variables, all dyn.
// Thread-safe; the returned Env is immutable.
std::shared_ptr<const cel::Env> PolicyEnvironment(const EnvironmentOptions& options);

}  // namespace celgate::policy

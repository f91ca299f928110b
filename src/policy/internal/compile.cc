// policy/internal/compile.cc: see compile.h.
#include "policy/internal/compile.h"

#include <array>
#include <mutex>

#include "policy/environment.h"

namespace celgate::policy::internal {

const cel::Env& EnvVariant(int variant) {
  static std::array<std::shared_ptr<const cel::Env>, kEnvVariantCount> envs;
  static std::once_flag once;
  std::call_once(once, [] {
    for (int v = 0; v < kEnvVariantCount; ++v) {
      EnvironmentOptions o;
      o.declare_params = (v & kEnvParams) != 0;
      o.declare_variables = (v & kEnvVariables) != 0;
      o.declare_authorizer = (v & kEnvAuthorizer) != 0;
      o.enable_tracing = (v & kEnvTracing) != 0;
      envs[v] = PolicyEnvironment(o);
    }
  });
  return *envs[variant & (kEnvVariantCount - 1)];
}

CompiledExpression CompileExpression(std::string_view source, std::string field_path,
                                     int variant, Want want) {
  CompiledExpression out;
  out.source = std::string(source);
  out.field_path = std::move(field_path);
  out.env = variant;
  cel::CompileResult r = EnvVariant(variant).Compile(source, "<input>");
  if (!r.ok()) {
    out.error = "compilation failed: " + r.FormatIssues();
    return out;
  }
  const cel::Type& t = r.result_type;
  auto kind = t.kind();
  bool type_ok = true;
  const char* want_name = "";
  if (kind != cel::TypeKind::kDyn && kind != cel::TypeKind::kError) {
    switch (want) {
      case Want::kAny:
        break;
      case Want::kBool:
        type_ok = kind == cel::TypeKind::kBool;
        want_name = "bool";
        break;
      case Want::kString:
        type_ok = kind == cel::TypeKind::kString;
        want_name = "string";
        break;
      case Want::kStringOrNull:
        type_ok = kind == cel::TypeKind::kString || kind == cel::TypeKind::kNull ||
                  (kind == cel::TypeKind::kOptional);
        want_name = "string";
        break;
    }
  }
  if (!type_ok) {
    out.error = std::string("must evaluate to ") + want_name + " but got " + t.DebugString();
    return out;
  }
  out.program = std::move(r.program);
  return out;
}

}  // namespace celgate::policy::internal

// policy/internal/compile.h: private to policy/. Environment variants and expression
// compilation shared by the loader and the evaluator.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cel/cel.h"
#include "policy/policy.h"

namespace celgate::policy::internal {

// Environment variant bits.
inline constexpr int kEnvParams = 1;
inline constexpr int kEnvVariables = 2;
inline constexpr int kEnvAuthorizer = 4;
inline constexpr int kEnvTracing = 8;
inline constexpr int kEnvVariantCount = 16;

// The cached environment for a variant (built once, thread-safe).
const cel::Env& EnvVariant(int variant);

// Expected result type of an expression.
enum class Want { kAny, kBool, kString, kStringOrNull };

// Compiles `source` in `variant`; on failure `error` holds the kube-apiserver wording
// ("compilation failed: ..." or "must evaluate to bool but got int").
CompiledExpression CompileExpression(std::string_view source, std::string field_path,
                                     int variant, Want want);

}  // namespace celgate::policy::internal

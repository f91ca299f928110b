// k8s/cellib/environment.h: the CEL libraries kube-apiserver enables, per Kubernetes version
// (shared/spec/cel-kubernetes.md section 1.1, upstream apiserver/pkg/cel/environment/base.go).
//
// Where this sits: k8s/cellib, the bundle policy/ and cli/ build their environments from:
//
//   cel::EnvBuilder b;
//   b.SetOptions(cellib::EnvOptionsFor({1, 31}));
//   for (const cel::Library& lib : cellib::Libraries({1, 31})) b.AddLibrary(lib);
//
// An environment needs both: Libraries() for the functions, EnvOptionsFor() for the syntax
// (optional syntax and the extension macros are parser features, not library functions).
// Both give the *stored-expressions* environment of `version`: every option introduced at or
// before it (spec 1.2). For the new-expressions environment, pass the compatibility version
// (version minus one). Admission variables (`object`, `authorizer`, ...) are not included; the
// caller declares them. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "cel/cel.h"
#include "cel/common/function.h"
#include "cel/parser/parser.h"

namespace celgate::k8s::cellib {

struct Version {
  int major = 1;
  int minor = 34;
  friend bool operator==(const Version&, const Version&) = default;
  friend auto operator<=>(const Version&, const Version&) = default;
};

// Oldest and newest versions whose environments we model.
inline constexpr Version kEarliestVersion{1, 23};
inline constexpr Version kNewestVersion{1, 34};

// Parses "1.30", "v1.31" or "1.31.2" (the patch level is ignored). kInvalidArgument for other
// text or a version outside [kEarliestVersion, kNewestVersion].
StatusOr<Version> ParseVersion(std::string_view text);
std::string VersionString(Version v);  // "1.31"

// The libraries of the stored-expressions environment at `version`: the standard library
// (cross-type numeric comparisons from 1.28), Kubernetes URLs/regex/lists (always), authz
// (1.27), quantity and optional types (1.28), strings v0 (until 1.28) / v2 (from 1.29), sets
// (1.29), ip and cidr (1.30), format (1.31), two-variable comprehensions (1.32), semver and
// image (1.33). With `extended`, every library regardless of version, plus the cel-go
// extensions Kubernetes does not enable (math, encoders, lists, strings latest) and
// jsonpatch.escapeKey. Extension libraries need the cg_cel_ext target (see
// CELGATE_HAVE_CEL_EXT); without it they are left out.
std::vector<cel::Library> Libraries(Version version = kNewestVersion, bool extended = false);

// The syntax features of the environment at `version` (spec 1.1, 4.3-4.5): standard macros
// always; optional syntax (`.?f`, `[?i]`, `{?k: v}`, `[?e]`) and optMap/optFlatMap from 1.28;
// the two-variable comprehension macros from 1.32; cel.bind and cel.block never. With
// `extended`, every feature including cel.bind and cel.block. Limits keep their defaults.
cel::ParserOptions ParserOptionsFor(Version version = kNewestVersion, bool extended = false);

// Default cel::EnvOptions with `parser` = ParserOptionsFor(version, extended). Callers may
// change the other fields (tracing, container) afterwards.
cel::EnvOptions EnvOptionsFor(Version version = kNewestVersion, bool extended = false);

}  // namespace celgate::k8s::cellib

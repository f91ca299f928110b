// k8s/cellib/cellib.h: the Kubernetes CEL libraries (shared/spec/cel-kubernetes.md section 3),
// one cel::Library per file in this folder (STYLE.md H13): declarations for the checker and
// implementations for the evaluator come from the same registration call.
//
// Where this sits: k8s + cel -> k8s/cellib -> policy. Most callers want the versioned bundle
// from environment.h (cellib::Libraries(version)); the individual libraries are exposed for
// tests and for environments that pick their own set.
//
// Every function returns a plain value: build once, share freely. Implementations keep no
// shared mutable state and allocate results in the evaluation's arena, so programs using them
// stay thread-safe. Opaque values (kubernetes.Quantity, net.IP, ...) never own heap memory.
// Runtime costs follow Kubernetes' CostEstimator (spec 5.3).
#pragma once

#include "cel/common/function.h"

namespace celgate::k8s::cellib {

// lists.cc: list.isSorted(), sum(), min(), max(), indexOf(x), lastIndexOf(x).
cel::Library ListsLibrary();
// regex.cc: string.find(re), string.findAll(re), string.findAll(re, n) (Go regexp semantics;
// constant patterns are compiled at plan time, an invalid one is a compile issue).
cel::Library RegexLibrary();
// urls.cc: url(s), isURL(s), URL.getScheme/getHost/getHostname/getPort/getEscapedPath/getQuery.
cel::Library URLsLibrary();
// quantity.cc: quantity(s), isQuantity(s), sign(q), q.isGreaterThan/isLessThan/compareTo,
// q.add/sub (quantity or int), q.asInteger(), q.isInteger(), q.asApproximateFloat().
cel::Library QuantityLibrary();
// ip.cc: ip(s), isIP(s), ip.isCanonical(s), net.IP.family/isUnspecified/isLoopback/
// isLinkLocalMulticast/isLinkLocalUnicast/isGlobalUnicast, string(ip), the net.IP type name.
cel::Library IPLibrary();
// cidr.cc: cidr(s), isCIDR(s), net.CIDR.containsIP/containsCIDR (value or string), ip(),
// masked(), prefixLength(), string(cidr), the net.CIDR type name.
cel::Library CIDRLibrary();
// format.cc: format.named(s) -> optional(Format), format.<name>(), Format.validate(s).
cel::Library FormatLibrary();
// semver.cc: semver(s[, normalize]), isSemver(s[, normalize]), Semver.major/minor/patch,
// isGreaterThan/isLessThan/compareTo.
cel::Library SemverLibrary();
// jsonpatch.cc: jsonpatch.escapeKey(s) (MutatingAdmissionPolicy environments only).
cel::Library JSONPatchLibrary();
// image.cc: image(s), isImage(s), Image.registry/repository/tag/digest/identifier/
// containsDigest.
cel::Library ImageLibrary();
// authz.cc: the authorizer builder chain; see authz.h for the Authorizer interface and the
// `authorizer` variable.
cel::Library AuthzLibrary();

}  // namespace celgate::k8s::cellib

// cel/common/cost_constants.h: the cost constants of the CEL cost model (cel-kubernetes.md 5.1),
// shared by the runtime tracker (cel/eval/planner.cc) and the static estimator
// (cel/checker/cost.cc) so the two cannot drift apart (STYLE.md H11).
#pragma once

#include <cmath>
#include <cstdint>

namespace celgate::cel::cost {

inline constexpr uint64_t kConstant = 0;         // literal
inline constexpr uint64_t kIdent = 1;            // identifier (global or local)
inline constexpr uint64_t kSelect = 1;           // field selection (has(): PlanOptions)
inline constexpr uint64_t kListCreate = 10;      // list literal; each comprehension append
inline constexpr uint64_t kMapCreate = 30;       // map literal
inline constexpr uint64_t kStructCreate = 40;    // message literal
inline constexpr uint64_t kCall = 1;             // default function call
inline constexpr double kStringTraversalFactor = 0.1;  // per byte / code point / element
inline constexpr double kRegexFactor = 0.25;           // per regex pattern character

// Kubernetes bounds unknown input sizes by the API request size limit (admission-policies.md
// 10): strings up to 3 MiB, lists up to 3 MiB divided by the smallest element size.
inline constexpr uint64_t kMaxRequestSizeBytes = 3 * 1024 * 1024;

// ceil(n * factor), the shape of every size-dependent cost.
inline uint64_t OfSize(uint64_t n, double factor) {
  return static_cast<uint64_t>(std::ceil(static_cast<double>(n) * factor));
}

}  // namespace celgate::cel::cost

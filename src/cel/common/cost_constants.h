// cel/common/cost_constants.h: the cost constants of the CEL cost model (cel-kubernetes.md 5.1),
// shared by the runtime tracker (cel/eval/planner.cc) and the static estimator
// (cel/checker/cost.cc) so the two cannot drift apart (STYLE.md H11), plus the range types and
// saturating arithmetic that library cost formulas use (the per-function half of the table is
// declared with each overload: Library::FunctionBuilder::Cost in cel/common/function.h).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace celgate::cel {

namespace cost {
// "No bound": sizes and costs saturate here instead of overflowing.
inline constexpr uint64_t kUnbounded = std::numeric_limits<uint64_t>::max();
}  // namespace cost

// Static size range of a value, in the unit the cost model uses: bytes of a string or bytes,
// elements of a list or map, 1 for anything else. max == cost::kUnbounded: no known bound.
struct SizeRange {
  uint64_t min = 0;
  uint64_t max = cost::kUnbounded;
};

// Static cost range of an expression or a call. max == cost::kUnbounded: no known bound.
struct CostEstimate {
  uint64_t min = 0;
  uint64_t max = cost::kUnbounded;
};

}  // namespace celgate::cel

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

// ceil(n * factor), the shape of every size-dependent cost. Saturates at kUnbounded (an
// unbounded size stays unbounded), so static estimates can use it on range ends.
inline uint64_t OfSize(uint64_t n, double factor) {
  if (n == kUnbounded) return factor > 0 ? kUnbounded : 0;
  const double c = std::ceil(static_cast<double>(n) * factor);
  return c >= 18446744073709551615.0 ? kUnbounded : static_cast<uint64_t>(c);
}
// floor(n * factor) (Kubernetes' traversal costs), saturating like OfSize.
inline uint64_t FloorOfSize(uint64_t n, double factor) {
  if (n == kUnbounded) return factor > 0 ? kUnbounded : 0;
  const double c = std::floor(static_cast<double>(n) * factor);
  return c >= 18446744073709551615.0 ? kUnbounded : static_cast<uint64_t>(c);
}
// Saturating arithmetic for cost formulas.
inline uint64_t SatAdd(uint64_t a, uint64_t b) { return a > kUnbounded - b ? kUnbounded : a + b; }
inline uint64_t SatMul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kUnbounded / b ? kUnbounded : a * b;
}
inline uint64_t AtLeast1(uint64_t v) { return std::max<uint64_t>(1, v); }
inline CostEstimate Plus(CostEstimate a, CostEstimate b) {
  return {SatAdd(a.min, b.min), SatAdd(a.max, b.max)};
}

}  // namespace celgate::cel::cost

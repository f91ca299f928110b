// cel/checker/cost.h: static (worst-case) cost estimate of a checked expression
// (cel-kubernetes.md 5.4), the compile-time twin of the runtime cost tracker in cel/eval.
//
// Both use the constants of cel/common/cost_constants.h, and each library function's cost comes
// from its overload declaration (OverloadDecl::cost at run time, OverloadDecl::estimate here,
// declared together by the library; STYLE.md H11). Unknown input sizes are bounded as
// Kubernetes bounds them for admission: by the maximum request size (strings up to 3 MiB,
// lists and maps up to 3 MiB / the smallest element size). A comprehension costs its range's
// maximum size times one iteration. Anything that cannot be bounded saturates at UINT64_MAX.
#pragma once

#include <cstdint>
#include <limits>

#include "cel/common/ast.h"
#include "cel/common/checked.h"
#include "cel/common/cost_constants.h"
#include "cel/common/decl_set.h"

namespace celgate::cel {

// CostEstimate and SizeRange: cel/common/cost_constants.h.

struct CostOptions {
  // Largest input (string bytes) a variable of unknown size may hold.
  uint64_t max_request_size_bytes = cost::kMaxRequestSizeBytes;
  // Smallest serialised list/map element ("0," in JSON): bounds list and map sizes.
  uint64_t min_element_size_bytes = 2;
  // Cost of has(); Kubernetes keeps 0 (must match PlanOptions::presence_test_cost).
  uint64_t presence_test_cost = 0;
};

// Estimates the runtime cost range of `expr`. `info` is the checker's result for `expr`.
// Each call costs what its overload's estimate function says (the default 1 without one); an
// overload with a runtime cost but no estimate (not declarable through Library) is unbounded.
CostEstimate EstimateCost(const ParsedExpr& expr, const CheckedInfo& info, const DeclSet& decls,
                          const CostOptions& options = {});

}  // namespace celgate::cel

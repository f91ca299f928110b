// cel/checker/checker.h: static type checking of a parsed expression (stage: checker).
//
// Gradual typing with `dyn`, overload resolution (no implicit numeric conversion), the
// homogeneous-literal rule, and every issue with its position, not only the first
// (STYLE.md H5). The planner uses the result to narrow overloads and resolve names.
#pragma once

#include <vector>

#include "cel/common/ast.h"
#include "cel/common/checked.h"
#include "cel/common/decl_set.h"
#include "cel/common/source.h"

namespace celgate::cel {

struct CheckerOptions {
  // Mixed element types in list literals, map keys or map values are errors unless dyn
  // (Kubernetes enables this everywhere; cel-kubernetes.md 1.1).
  bool homogeneous_aggregate_literals = true;
};

struct CheckResult {
  CheckedInfo info;
  Type result_type;  // dyn when unknown
  std::vector<Issue> issues;
  bool ok() const {
    for (const Issue& i : issues) {
      if (i.severity == Severity::kError) return false;
    }
    return true;
  }
};

CheckResult Check(const ParsedExpr& expr, const DeclSet& decls, const CheckerOptions& options);

}  // namespace celgate::cel

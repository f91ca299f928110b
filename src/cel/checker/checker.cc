// cel/checker/checker.cc: PLACEHOLDER until the real checker lands: declares every node dyn
// and reports nothing, so expressions run in dynamic mode.
#include "cel/checker/checker.h"

namespace celgate::cel {

CheckResult Check(const ParsedExpr&, const DeclSet&, const CheckerOptions&) {
  return CheckResult{};
}

}  // namespace celgate::cel

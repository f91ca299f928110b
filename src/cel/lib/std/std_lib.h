// cel/lib/std/std_lib.h: the CEL standard library (cel-spec langdef "Standard definitions"):
// operators, size, string predicates, matches, conversions, timestamp and duration
// accessors. Declarations and implementations together (STYLE.md H13).
#pragma once

#include "cel/common/function.h"

namespace celgate::cel {

struct StdLibOptions {
  // `<`, `<=`, `>`, `>=` between int, uint and double (Kubernetes enables it from 1.28).
  bool cross_type_numeric_comparisons = true;
};

Library StandardLibrary(const StdLibOptions& options = {});

}  // namespace celgate::cel

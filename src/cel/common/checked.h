// cel/common/checked.h: what the checker learns about an expression, for the planner.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "cel/common/ast.h"
#include "cel/common/type.h"

namespace celgate::cel {

struct Reference {
  // For identifiers and qualified selections: the fully qualified declared name they resolve to
  // (variable or type name). Empty for calls.
  std::string name;
  // For calls: the overload ids that remain possible after type checking.
  std::vector<std::string> overload_ids;
};

struct CheckedInfo {
  std::unordered_map<ExprId, Type> types;            // type of every node
  std::unordered_map<ExprId, Reference> references;  // resolved identifiers and calls
};

}  // namespace celgate::cel

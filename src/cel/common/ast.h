// cel/common/ast.h: the CEL abstract syntax tree shared by parser, checker and planner.
//
// Pipeline: parser (produces ParsedExpr, macros already expanded into Comprehension nodes)
// -> checker (annotates a CheckedExpr with types and resolved references) -> planner.
// Node ids are unique within one expression and start at 1. Operators are calls with the
// cel-go operator function names listed in operators.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "cel/common/source.h"

namespace celgate::cel {

using ExprId = int64_t;

enum class ConstantKind : uint8_t { kNull, kBool, kInt, kUint, kDouble, kString, kBytes };

struct Constant {
  ConstantKind kind = ConstantKind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double double_value = 0;
  std::string string_value;  // string (UTF-8) or bytes (raw)
};

enum class ExprKind : uint8_t {
  kUnspecified,    // placeholder left by a parse error; never reaches the planner
  kConstant,
  kIdent,          // name
  kSelect,         // operand.field ; test_only for has(operand.field)
  kCall,           // [target.]function(args...)
  kList,           // [elements...]; optional_indices mark `?e` elements
  kMap,            // {entries...}; entry.key is an Expr
  kStruct,         // message_name{field: value, ...}; entry.field is the name
  kComprehension,  // see Comprehension
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Entry {  // a map or struct literal entry
  ExprId id = 0;
  std::string field;  // kStruct
  ExprPtr key;        // kMap
  ExprPtr value;
  bool optional = false;  // `?key: value`
};

// What a comprehension came from, so the planner can specialise it. kNone for hand-built
// comprehensions; semantics never depend on this hint.
enum class MacroKind : uint8_t {
  kNone, kAll, kExists, kExistsOne, kMap, kMapFilter, kFilter, kBind,
  kAll2, kExists2, kExistsOne2, kTransformList, kTransformListFilter, kTransformMap,
  kTransformMapFilter, kTransformMapEntry, kTransformMapEntryFilter, kOptMap, kOptFlatMap,
};

struct Comprehension {
  std::string iter_var;
  std::string iter_var2;  // two-variable comprehensions; empty otherwise
  ExprPtr iter_range;
  std::string accu_var;
  ExprPtr accu_init;
  ExprPtr loop_condition;
  ExprPtr loop_step;
  ExprPtr result;
  MacroKind macro = MacroKind::kNone;
};

struct Expr {
  ExprId id = 0;
  ExprKind kind = ExprKind::kUnspecified;

  Constant constant;  // kConstant

  // kIdent: identifier; kSelect: field; kCall: function; kStruct: message name.
  std::string name;

  ExprPtr operand;         // kSelect
  bool test_only = false;  // kSelect inside has()

  ExprPtr target;              // kCall receiver, null for global calls
  std::vector<ExprPtr> args;   // kCall arguments; kList elements
  std::vector<int32_t> optional_indices;  // kList: indices of `?e` elements

  std::vector<Entry> entries;  // kMap, kStruct

  std::unique_ptr<Comprehension> comprehension;  // kComprehension
};

struct ParsedExpr {
  ExprPtr root;
  // Code-point offset of every node (and every map/struct entry id) in the source.
  std::unordered_map<ExprId, int32_t> positions;
  // For macro-expanded nodes: the original call, kept for explanations. Optional.
  std::unordered_map<ExprId, std::string> macro_calls;
  ExprId next_id = 1;  // one past the largest id used
};

// Deep copy (ids kept).
ExprPtr CloneExpr(const Expr& e);

}  // namespace celgate::cel

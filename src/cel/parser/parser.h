// cel/parser/parser.h: CEL source text -> ParsedExpr (AST with ids, positions, macros expanded).
//
// Pipeline stage: the first one. Source -> lexer (internal/lexer.h) -> recursive-descent parser
// with macro expansion (parser.cc) -> ParsedExpr, consumed by the checker. This header is the
// parser's only front door; nothing outside this folder includes internal/.
//
// The grammar, node ids, positions, operator function names and macro expansions follow cel-go
// (parser/gen/CEL.g4, parser/parser.go, parser/macro.go, ext/comprehensions.go, ext/bindings.go
// and the optional library), so ASTs, error texts and positions line up with what
// kube-apiserver reports. Notable cel-go behaviours kept on purpose:
//   - `-` directly before an int or double literal is part of the literal (`-1` is the constant
//     -1, so `-9223372036854775808` is an int); runs of `!` or `-` collapse pairwise
//     (`!!a` is `a`, `---a` is `-a`).
//   - Chains of `&&` / `||` are built as balanced trees.
//   - Reserved words (`as`, `while`, ...) are errors only as identifiers or global function names;
//     they are valid field names, selections and receiver function names.
//   - `a.b.C{...}` builds a message; any other qualified name stays a chain of Select nodes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cel/common/ast.h"
#include "cel/common/source.h"

namespace celgate::cel {

struct ParserOptions {
  // Inputs longer than this many code points are rejected with one issue
  // ("expression code point size exceeds limit: ..."). cel-go and Kubernetes default: 100,000.
  int32_t max_expression_code_points = 100000;
  // Maximum nesting of the grammar: parenthesised / bracketed / call-argument nesting, ternary
  // chains, and the length of left-assocative operator and member chains (each of which grows the
  // AST by one level). Deeper input yields the issue "expression recursion limit exceeded: N"
  // and parsing stops. This also bounds the depth of the produced AST, so later recursive walks
  // are safe. The parser recurses once per level, using up to ~1.5 KiB of stack each (about
  // 256-384 KiB at the default). Values above 1000 are treated as 1000; values < 1 as 1.
  int32_t max_recursion_depth = 250;
  // Expand the standard macros has, all, exists, exists_one, existsOne, map, filter. When false,
  // no macro of any kind is expanded: every macro-shaped call stays a plain call.
  bool enable_macros = true;
  // Accept the optional syntax `a.?f`, `a[?i]`, `{?k: v}`, `Msg{?f: v}` and `[?e]`. When false,
  // each use is an issue ("unsupported syntax '.?'" etc.).
  bool enable_optional_syntax = true;
  // The extension macros, one switch per feature so an environment can follow the Kubernetes
  // version that introduced each (k8s/cellib/environment.h). Each needs enable_macros; when off,
  // the call stays a plain call (and usually fails to type-check: "undeclared reference").
  //
  // cel.bind(v, init, body) (cel-go ext.Bindings). Kubernetes never enables it; true by default
  // for plain CEL (the conformance suite's bindings_ext).
  bool enable_bind_macro = true;
  // The two-variable comprehensions (cel-go ext.TwoVarComprehensions): all, exists, existsOne
  // and exists_one with three arguments, transformList, transformMap and transformMapEntry (3 or
  // 4 arguments). Kubernetes: from 1.32.
  bool enable_two_variable_comprehensions = true;
  // opt.optMap(v, e) and opt.optFlatMap(v, e) (cel-go OptionalTypes, version 1). Kubernetes:
  // from 1.28, together with enable_optional_syntax.
  bool enable_optional_macros = true;
  // With enable_macros, also expand cel-go's block macros (its common-subexpression form, not
  // enabled by Kubernetes): cel.block([e0, e1, ...], r) becomes the call `cel.@block([...], r)`,
  // cel.index(i) the identifier `@index<i>`, and cel.iterVar(i, j) / cel.accuVar(i, j) the
  // identifiers `@it:<i>:<j>` / `@ac:<i>:<j>`. The block's list must be a list literal and the
  // numbers non-negative int literals.
  bool enable_block_macros = false;
};

struct ParseResult {
  // Always has a root, even when there are issues: sub-expressions that failed to parse become
  // ExprKind::kUnspecified nodes. Only an issue-free result may be handed to the checker.
  ParsedExpr expr;
  // Every problem found, sorted by position (stable). Lexical and syntax errors read
  // "Syntax error: ..." as in cel-go; semantic ones (bad literal, bad macro argument, reserved
  // identifier, limits) carry cel-go's texts.
  std::vector<Issue> issues;
  bool ok() const { return issues.empty(); }
};

// Parses `source` as one CEL expression.
//
// Node ids are unique, start at 1 and follow cel-go's allocation order (ids consumed by macro
// call nodes that were expanded away leave gaps). Every node, and every map / message entry id,
// has a code-point offset in ParsedExpr::positions: the operator token for unary, binary and
// ternary operators, `(` for calls, `.` for selections, `[` / `{` for index, list, map and
// message nodes, `:` for entries, the first character for literals and identifiers. Nodes made
// by a macro expansion carry the offset of the macro call's `(`. For each expansion,
// ParsedExpr::macro_calls maps the id of the expansion's root to the call's source text
// (truncated to 1 KiB).
//
// Never crashes, hangs or overflows the stack: time and memory are linear in the input size, and
// nesting is bounded by options.max_recursion_depth. Thread-safe (no shared state).
ParseResult Parse(const Source& source, const ParserOptions& options = {});

// A compact, deterministic S-expression rendering of an AST, for tests and debugging:
//   constants   42  7u  1.5  "str"  b"\x00"  true  null
//   identifier  a
//   select      a.f          presence test  has(a.f)
//   call        (_+_ a b)    receiver call  (.size x)   i.e. (.name target args...)
//   list        [1 ?x]       `?` marks optional elements
//   map         {"k":1 ?"o":x}        message  pkg.Msg{f:1 ?g:x}
//   comprehension
//     (fold:<macro> <iter_var>[,<iter_var2>] <range> <accu_var> <init> <cond> <step> <result>)
//     where <macro> is all, exists, exists_one, map, map_filter, filter, bind, all2, ... or none
//   parse-error placeholder  <error>
// With `with_ids`, every node is followed by ^#<id> (cel-go's debug style). Iterative: safe on
// arbitrarily deep ASTs.
std::string DebugString(const Expr& expr, bool with_ids = false);

}  // namespace celgate::cel

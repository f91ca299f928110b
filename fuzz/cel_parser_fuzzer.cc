// fuzz/cel_parser_fuzzer.cc: libFuzzer target for the CEL lexer and parser (cel/parser/parser.h).
//
// Feeds arbitrary bytes to cel::Parse with default options and renders the result, checking the
// invariants every caller relies on: a root always exists, successful parses have positioned,
// unique node ids, and nothing crashes, hangs or overflows the stack.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <vector>

#include "cel/common/source.h"
#include "cel/parser/parser.h"

namespace {

void CheckIds(const celgate::cel::ParsedExpr& parsed) {
  std::unordered_set<celgate::cel::ExprId> seen;
  std::vector<const celgate::cel::Expr*> stack = {parsed.root.get()};
  const auto check = [&](celgate::cel::ExprId id) {
    if (id <= 0 || id >= parsed.next_id || !seen.insert(id).second ||
        parsed.positions.count(id) == 0) {
      std::abort();
    }
  };
  while (!stack.empty()) {
    const celgate::cel::Expr* e = stack.back();
    stack.pop_back();
    if (e == nullptr) {
      std::abort();
    }
    check(e->id);
    if (e->operand) {
      stack.push_back(e->operand.get());
    }
    if (e->target) {
      stack.push_back(e->target.get());
    }
    for (const auto& a : e->args) {
      stack.push_back(a.get());
    }
    for (const auto& en : e->entries) {
      check(en.id);
      if (en.key) {
        stack.push_back(en.key.get());
      }
      stack.push_back(en.value.get());
    }
    if (e->comprehension) {
      const auto& c = *e->comprehension;
      for (const auto* p :
           {&c.iter_range, &c.accu_init, &c.loop_condition, &c.loop_step, &c.result}) {
        stack.push_back(p->get());
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  celgate::cel::Source source(std::string(reinterpret_cast<const char*>(data), size));
  celgate::cel::ParseResult result = celgate::cel::Parse(source);
  if (result.expr.root == nullptr) {
    std::abort();
  }
  if (result.ok()) {
    CheckIds(result.expr);
  }
  (void)celgate::cel::DebugString(*result.expr.root, /*with_ids=*/true);
  (void)celgate::cel::FormatIssues(source, result.issues);
  return 0;
}

// cel/common/ast.cc: AST utilities. See ast.h.
#include "cel/common/ast.h"

namespace celgate::cel {

ExprPtr CloneExpr(const Expr& e) {
  auto c = std::make_unique<Expr>();
  c->id = e.id;
  c->kind = e.kind;
  c->constant = e.constant;
  c->name = e.name;
  if (e.operand) c->operand = CloneExpr(*e.operand);
  c->test_only = e.test_only;
  if (e.target) c->target = CloneExpr(*e.target);
  c->args.reserve(e.args.size());
  for (const auto& a : e.args) c->args.push_back(CloneExpr(*a));
  c->optional_indices = e.optional_indices;
  for (const auto& en : e.entries) {
    Entry n;
    n.id = en.id;
    n.field = en.field;
    if (en.key) n.key = CloneExpr(*en.key);
    if (en.value) n.value = CloneExpr(*en.value);
    n.optional = en.optional;
    c->entries.push_back(std::move(n));
  }
  if (e.comprehension) {
    const Comprehension& s = *e.comprehension;
    auto d = std::make_unique<Comprehension>();
    d->iter_var = s.iter_var;
    d->iter_var2 = s.iter_var2;
    if (s.iter_range) d->iter_range = CloneExpr(*s.iter_range);
    d->accu_var = s.accu_var;
    if (s.accu_init) d->accu_init = CloneExpr(*s.accu_init);
    if (s.loop_condition) d->loop_condition = CloneExpr(*s.loop_condition);
    if (s.loop_step) d->loop_step = CloneExpr(*s.loop_step);
    if (s.result) d->result = CloneExpr(*s.result);
    d->macro = s.macro;
    c->comprehension = std::move(d);
  }
  return c;
}

}  // namespace celgate::cel

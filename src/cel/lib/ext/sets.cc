// cel/lib/ext/sets.cc: the sets extension. Entry point: SetsLibrary() in ext.h.
//
// cel-go ext/sets.go: lists used as sets, membership by CEL equality (heterogeneous numbers
// compare by value). Quadratic by nature; the cost tracker charges 1 + size(a) * size(b), as
// cel-go's does, so the per-expression budget bounds the work.
#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

bool ListContains(CallContext& c, const ListValue& l, const Value& v) {
  for (size_t i = 0; i < l.size(); ++i) {
    if (ValueEquals(l.Get(i, *c.arena), v, *c.arena)) return true;
  }
  return false;
}

// Every element of `sub` is in `l`.
bool ContainsAll(CallContext& c, const ListValue& l, const ListValue& sub) {
  for (size_t i = 0; i < sub.size(); ++i) {
    if (!ListContains(c, l, sub.Get(i, *c.arena))) return false;
  }
  return true;
}

Value Contains(CallContext& c, const Value* a) {
  return Value::Bool(ContainsAll(c, a[0].list(), a[1].list()));
}

Value Equivalent(CallContext& c, const Value* a) {
  return Value::Bool(ContainsAll(c, a[0].list(), a[1].list()) &&
                     ContainsAll(c, a[1].list(), a[0].list()));
}

Value Intersects(CallContext& c, const Value* a) {
  const ListValue& x = a[0].list();
  for (size_t i = 0; i < x.size(); ++i) {
    if (ListContains(c, a[1].list(), x.Get(i, *c.arena))) return Value::Bool(true);
  }
  return Value::Bool(false);
}

uint64_t ProductCost(const Value* a) {
  return 1 + static_cast<uint64_t>(a[0].list().size()) * a[1].list().size();
}
uint64_t TwiceProductCost(const Value* a) {
  return 1 + 2 * static_cast<uint64_t>(a[0].list().size()) * a[1].list().size();
}

}  // namespace

Library SetsLibrary() {
  Library lib("cel.lib.ext.sets");
  const T list = T::List(T::Param("T"));
  lib.Function("sets.contains")
      .Raw("list_sets_contains_list", {list, list}, T::Bool(), &Contains)
      .Cost(&ProductCost);
  lib.Function("sets.equivalent")
      .Raw("list_sets_equivalent_list", {list, list}, T::Bool(), &Equivalent)
      .Cost(&TwiceProductCost);
  lib.Function("sets.intersects")
      .Raw("list_sets_intersects_list", {list, list}, T::Bool(), &Intersects)
      .Cost(&ProductCost);
  return lib;
}

}  // namespace celgate::cel

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

// 1 + size(a) * size(b) (cel-go's tracker); runtime and static (CostSizes) from one formula.
uint64_t ProductCost(const CostSizes& size) {
  return cost::SatAdd(1, cost::SatMul(size[0], size[1]));
}
// sets.equivalent: both directions, 1 + 2 * size(a) * size(b).
uint64_t TwiceProductCost(const CostSizes& size) {
  return cost::SatAdd(1, cost::SatMul(2, cost::SatMul(size[0], size[1])));
}

}  // namespace

Library SetsLibrary() {
  Library lib("cel.lib.ext.sets");
  const T list = T::List(T::Param("T"));
  lib.Function("sets.contains")
      .Raw("list_sets_contains_list", {list, list}, T::Bool(), &Contains)
      .CostBySize<&ProductCost>();
  lib.Function("sets.equivalent")
      .Raw("list_sets_equivalent_list", {list, list}, T::Bool(), &Equivalent)
      .CostBySize<&TwiceProductCost>();
  lib.Function("sets.intersects")
      .Raw("list_sets_intersects_list", {list, list}, T::Bool(), &Intersects)
      .CostBySize<&ProductCost>();
  return lib;
}

}  // namespace celgate::cel

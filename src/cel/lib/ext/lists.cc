// cel/lib/ext/lists.cc: the lists extension. Entry point: ListsLibrary() in ext.h.
//
// cel-go ext/lists.go. `sortBy(v, key)` is a cel-go macro that expands to
// `@sortByAssociatedKeys(list, list.map(v, key))`; the run-time half is declared here and
// works once the parser expands the macro (ours does not yet).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

std::vector<Value> Items(CallContext& c, const ListValue& l) {
  std::vector<Value> out(l.size());
  for (size_t i = 0; i < l.size(); ++i) out[i] = l.Get(i, *c.arena);
  return out;
}

Value Slice(CallContext& c, const Value* a) {
  const ListValue& l = a[0].list();
  int64_t start = a[1].int_value(), end = a[2].int_value();
  std::string range = "cannot slice(" + std::to_string(start) + ", " + std::to_string(end) + ")";
  if (start < 0 || end < 0) return c.Error(range + ", negative indexes not supported");
  if (start > end) {
    return c.Error(range + ", start index must be less than or equal to end index");
  }
  if (static_cast<uint64_t>(end) > l.size()) {
    return c.Error(range + ", list is length " + std::to_string(l.size()));
  }
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(end - start));
  for (int64_t i = start; i < end; ++i) out.push_back(l.Get(static_cast<size_t>(i), *c.arena));
  return MakeList(*c.arena, out.data(), out.size());
}

// Appends the elements of `l`, descending into nested lists up to `depth` levels. Iterative
// over an explicit stack (STYLE.md H11).
void FlattenInto(CallContext& c, const ListValue& l, int64_t depth, std::vector<Value>* out) {
  struct Frame {
    const ListValue* list;
    size_t next;
    int64_t depth;
  };
  std::vector<Frame> stack = {{&l, 0, depth}};
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == f.list->size()) {
      stack.pop_back();
      continue;
    }
    Value v = f.list->Get(f.next++, *c.arena);
    if (v.kind() == ValueKind::kList && f.depth > 0) {
      stack.push_back({&v.list(), 0, f.depth - 1});
    } else {
      out->push_back(v);
    }
  }
}

Value FlattenDepth(CallContext& c, const ListValue& l, int64_t depth) {
  if (depth < 0) return c.Error("level must be non-negative");
  std::vector<Value> out;
  FlattenInto(c, l, depth, &out);
  return MakeList(*c.arena, out.data(), out.size());
}
Value Flatten(CallContext& c, const Value* a) { return FlattenDepth(c, a[0].list(), 1); }
Value FlattenN(CallContext& c, const Value* a) {
  return FlattenDepth(c, a[0].list(), a[1].int_value());
}

bool Comparable(ValueKind k) {
  switch (k) {
    case ValueKind::kInt: case ValueKind::kUint: case ValueKind::kDouble: case ValueKind::kBool:
    case ValueKind::kString: case ValueKind::kBytes: case ValueKind::kTimestamp:
    case ValueKind::kDuration:
      return true;
    default:
      return false;
  }
}

// Checks that `keys` are comparable and of one kind, as cel-go's sort does.
Value CheckSortKeys(CallContext& c, const std::vector<Value>& keys) {
  if (keys.empty()) return Value();
  if (!Comparable(keys[0].kind())) return c.Error("list elements must be comparable");
  for (const Value& k : keys) {
    if (k.kind() != keys[0].kind()) return c.Error("list elements must have the same type");
  }
  return Value();
}

bool Less(const Value& x, const Value& y) {
  int r = 0;
  bool nan = false;
  ValueCompare(x, y, &r, &nan);
  return !nan && r < 0;
}

Value Sort(CallContext& c, const Value* a) {
  std::vector<Value> items = Items(c, a[0].list());
  Value err = CheckSortKeys(c, items);
  if (err.is_error()) return err;
  std::stable_sort(items.begin(), items.end(), Less);
  return MakeList(*c.arena, items.data(), items.size());
}

Value SortByAssociatedKeys(CallContext& c, const Value* a) {
  std::vector<Value> items = Items(c, a[0].list());
  std::vector<Value> keys = Items(c, a[1].list());
  if (items.size() != keys.size()) {
    return c.Error(
        "@sortByAssociatedKeys() expected a list of the same size as the associated keys list, "
        "but got " + std::to_string(items.size()) + " and " + std::to_string(keys.size()) +
        " elements respectively.");
  }
  Value err = CheckSortKeys(c, keys);
  if (err.is_error()) return err;
  std::vector<size_t> order(items.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return Less(keys[x], keys[y]); });
  std::vector<Value> out(items.size());
  for (size_t i = 0; i < order.size(); ++i) out[i] = items[order[i]];
  return MakeList(*c.arena, out.data(), out.size());
}

// Keeps the first of each group of equal elements (CEL equality). Quadratic; see DistinctCost.
Value Distinct(CallContext& c, const Value* a) {
  std::vector<Value> out;
  const ListValue& l = a[0].list();
  for (size_t i = 0; i < l.size(); ++i) {
    Value v = l.Get(i, *c.arena);
    bool seen = false;
    for (const Value& o : out) {
      if (ValueEquals(o, v, *c.arena)) {
        seen = true;
        break;
      }
    }
    if (!seen) out.push_back(v);
  }
  return MakeList(*c.arena, out.data(), out.size());
}

Value Reverse(CallContext& c, const Value* a) {
  std::vector<Value> items = Items(c, a[0].list());
  std::reverse(items.begin(), items.end());
  return MakeList(*c.arena, items.data(), items.size());
}

Value Range(CallContext& c, const Value* a) {
  int64_t n = std::max<int64_t>(0, a[0].int_value());
  Value* items = c.arena->NewArray<Value>(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) items[i] = Value::Int(i);
  return Value::List(c.arena->New<ArrayList>(items, static_cast<size_t>(n)));
}

// cel-go charges these calls 1. We charge the work up front where it grows faster than the
// input or allocates what the input does not bound, so the per-expression budget caps it:
// lists.range(n) costs 1 + n and distinct() costs 1 + ceil(0.1 * n * n).
uint64_t RangeFormula(int64_t n) { return 1 + static_cast<uint64_t>(std::max<int64_t>(0, n)); }
uint64_t RangeCost(const Value* a) { return RangeFormula(a[0].int_value()); }
// Exact for a literal count; otherwise the count is not bounded by any input size.
CallEstimate RangeEstimate(const EstimateInput& in) {
  if (!in.args.empty() && in.args[0].int_constant) {
    uint64_t c = RangeFormula(*in.args[0].int_constant);
    return {{c, c}, SizeRange{c - 1, c - 1}};
  }
  return {{1, cost::kUnbounded}, std::nullopt};
}
// 1 + ceil(0.1 * n * n) for n = size(list); runtime and static (CostSizes) from one formula.
uint64_t DistinctCost(const CostSizes& size) {
  return cost::SatAdd(1, cost::OfSize(cost::SatMul(size[0], size[0]), 0.1));
}

}  // namespace

Library ListsLibrary(int version) {
  Library lib("cel.lib.ext.lists");
  const T A = T::Param("T");
  const T listA = T::List(A);
  lib.Member("slice").Raw("list_slice", {listA, T::Int(), T::Int()}, listA, &Slice);
  if (version >= 1) {
    lib.Member("flatten")
        .Raw("list_flatten", {T::List(T::Dyn())}, T::List(T::Dyn()), &Flatten)
        .Raw("list_flatten_int", {T::List(T::Dyn()), T::Int()}, T::List(T::Dyn()), &FlattenN);
  }
  if (version >= 2) {
    const std::pair<const char*, T> comparable[] = {
        {"int", T::Int()},         {"uint", T::Uint()},
        {"double", T::Double()},   {"bool", T::Bool()},
        {"duration", T::Duration()}, {"timestamp", T::Timestamp()},
        {"string", T::String()},   {"bytes", T::Bytes()}};
    auto sort = lib.Member("sort");
    auto sort_by = lib.Function("@sortByAssociatedKeys");
    for (const auto& [name, t] : comparable) {
      sort.Raw(std::string("list_") + name + "_sort", {T::List(t)}, T::List(t), &Sort);
      sort_by.Raw(std::string("list_") + name + "_sortByAssociatedKeys", {listA, T::List(t)},
                  listA, &SortByAssociatedKeys);
    }
    lib.Member("distinct")
        .Raw("list_distinct", {listA}, listA, &Distinct)
        .CostBySize<&DistinctCost>();
    lib.Member("reverse").Raw("list_reverse", {listA}, listA, &Reverse);
    lib.Function("lists.range").Raw("lists_range", {T::Int()}, T::List(T::Int()), &Range)
        .Cost(&RangeCost, &RangeEstimate);
  }
  return lib;
}

}  // namespace celgate::cel

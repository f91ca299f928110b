// k8s/cellib/lists.cc: the Kubernetes lists library (spec 3.1; upstream library/lists.go).
// Entry point: ListsLibrary() in cellib.h.
//
// Overloads are declared per element type so the checker rejects unordered element types
// (`[{}].min()`), but the implementations are generic: a list(dyn) receiver dispatches to the
// first overload at run time, whatever its elements are. Cost is Kubernetes' traversal cost of
// the receiver, charged through CallContext::extra_cost because it needs the arena to walk
// lazy JSON views.
#include <algorithm>
#include <vector>

#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;
using cel::ValueKind;

// Upstream traversalCost: strings and bytes floor(len * 0.1), lists and maps the sum over
// their elements (keys and values), everything else 1. Explicit stack (STYLE.md H11).
uint64_t TraversalCost(const Value& root, Arena& arena) {
  uint64_t cost = 0;
  std::vector<Value> stack{root};
  while (!stack.empty()) {
    Value v = stack.back();
    stack.pop_back();
    switch (v.kind()) {
      case ValueKind::kString:
        cost += static_cast<uint64_t>(static_cast<double>(v.string_value().size()) * 0.1);
        break;
      case ValueKind::kBytes:
        cost += static_cast<uint64_t>(static_cast<double>(v.bytes_value().size()) * 0.1);
        break;
      case ValueKind::kList: {
        const cel::ListValue& l = v.list();
        for (size_t i = 0; i < l.size(); ++i) stack.push_back(l.Get(i, arena));
        break;
      }
      case ValueKind::kMap: {
        const cel::MapValue& m = v.map();
        for (size_t i = 0; i < m.size(); ++i) {
          stack.push_back(m.KeyAt(i, arena));
          stack.push_back(m.ValueAt(i, arena));
        }
        break;
      }
      default: cost += 1;
    }
  }
  return cost;
}
uint64_t ZeroCost(const Value*) { return 0; }

// Static bound of TraversalCost for one value of static type `t` and unknown contents.
// Strings and bytes: floor(max size * 0.1). Lists and maps: max elements times their element
// bound. Dyn (any shape, decoded from the request): every leaf costs at most its serialised
// length and at least 1 byte, so the request size bounds the sum. Depth is bounded by the
// type's nesting, which the checker built from the source.
uint64_t MaxTraversal(const Type& t, const cel::EstimateInput& in) {
  using cel::cost::SatAdd;
  using cel::cost::SatMul;
  switch (t.kind()) {
    case cel::TypeKind::kString:
    case cel::TypeKind::kBytes:
      return cel::cost::FloorOfSize(in.max_string_size, internal::kStringTraversalFactor);
    case cel::TypeKind::kList:
      return SatMul(in.max_elements, MaxTraversal(t.param(0), in));
    case cel::TypeKind::kMap:
      return SatMul(in.max_elements,
                    SatAdd(MaxTraversal(t.param(0), in), MaxTraversal(t.param(1), in)));
    case cel::TypeKind::kDyn:
    case cel::TypeKind::kTypeParam:
    case cel::TypeKind::kError:
      return std::max(in.max_string_size, in.max_elements);
    default: return 1;
  }
}
// Static twin of ChargeTraversal on the receiver (isSorted, sum, min, max, indexOf,
// lastIndexOf): its element count times the bound per element. At least one per element for
// elements that are neither strings nor containers (a short string may cost 0).
cel::CallEstimate TraversalEstimate(const cel::EstimateInput& in) {
  const cel::SizeRange n = in.size(0);
  Type elem = Type::Dyn();
  if (!in.args.empty() && in.args[0].type.kind() == cel::TypeKind::kList) {
    elem = in.args[0].type.param(0);
  }
  const uint64_t per_max = MaxTraversal(elem, in);
  const bool scalar = per_max == 1;
  return {{scalar ? n.min : 0, cel::cost::SatMul(n.max, per_max)}, std::nullopt};
}
void ChargeTraversal(CallContext& ctx, const Value& receiver) {
  ctx.extra_cost += TraversalCost(receiver, *ctx.arena);
}

Value IsSorted(CallContext& ctx, const Value* args) {
  ChargeTraversal(ctx, args[0]);
  const cel::ListValue& l = args[0].list();
  if (l.size() < 2) return Value::Bool(true);
  Value prev = l.Get(0, *ctx.arena);
  for (size_t i = 1; i < l.size(); ++i) {
    Value cur = l.Get(i, *ctx.arena);
    int cmp = 0;
    bool nan = false;
    if (!cel::ValueCompare(prev, cur, &cmp, &nan)) return cel::NoSuchOverload(*ctx.arena, "isSorted");
    if (nan || cmp > 0) return Value::Bool(false);
    prev = cur;
  }
  return Value::Bool(true);
}

template <bool kMin>
Value MinMax(CallContext& ctx, const Value* args) {
  ChargeTraversal(ctx, args[0]);
  const cel::ListValue& l = args[0].list();
  if (l.size() == 0) {
    return ctx.Error(kMin ? "min called on empty list" : "max called on empty list");
  }
  Value best = l.Get(0, *ctx.arena);
  for (size_t i = 1; i < l.size(); ++i) {
    Value cur = l.Get(i, *ctx.arena);
    int cmp = 0;
    bool nan = false;
    if (!cel::ValueCompare(cur, best, &cmp, &nan)) {
      return cel::NoSuchOverload(*ctx.arena, kMin ? "min" : "max");
    }
    if (!nan && (kMin ? cmp < 0 : cmp > 0)) best = cur;  // ties keep the first occurrence
  }
  return best;
}

// The zero of the overload's element type is returned for an empty list.
template <ValueKind kZero>
Value Sum(CallContext& ctx, const Value* args) {
  ChargeTraversal(ctx, args[0]);
  const cel::ListValue& l = args[0].list();
  if (l.size() == 0) {
    switch (kZero) {
      case ValueKind::kUint: return Value::Uint(0);
      case ValueKind::kDouble: return Value::Double(0);
      case ValueKind::kDuration: return Value::Duration(0);
      default: return Value::Int(0);
    }
  }
  Value acc = l.Get(0, *ctx.arena);
  ValueKind kind = acc.kind();
  if (kind != ValueKind::kInt && kind != ValueKind::kUint && kind != ValueKind::kDouble &&
      kind != ValueKind::kDuration) {
    return cel::NoSuchOverload(*ctx.arena, "sum");
  }
  for (size_t i = 1; i < l.size(); ++i) {
    Value cur = l.Get(i, *ctx.arena);
    if (cur.kind() != kind) return cel::NoSuchOverload(*ctx.arena, "sum");
    switch (kind) {
      case ValueKind::kInt: {
        int64_t r;
        if (__builtin_add_overflow(acc.int_value(), cur.int_value(), &r)) {
          return ctx.Error("integer overflow");
        }
        acc = Value::Int(r);
        break;
      }
      case ValueKind::kUint: {
        uint64_t r;
        if (__builtin_add_overflow(acc.uint_value(), cur.uint_value(), &r)) {
          return ctx.Error("unsigned integer overflow");
        }
        acc = Value::Uint(r);
        break;
      }
      case ValueKind::kDouble: acc = Value::Double(acc.double_value() + cur.double_value()); break;
      default: {
        int64_t r;
        if (__builtin_add_overflow(acc.duration_value(), cur.duration_value(), &r)) {
          return ctx.Error("duration overflow");
        }
        acc = Value::Duration(r);
      }
    }
  }
  return acc;
}

template <bool kLast>
Value IndexOf(CallContext& ctx, const Value* args) {
  ChargeTraversal(ctx, args[0]);
  const cel::ListValue& l = args[0].list();
  const size_t n = l.size();
  for (size_t k = 0; k < n; ++k) {
    size_t i = kLast ? n - 1 - k : k;
    if (cel::ValueEquals(l.Get(i, *ctx.arena), args[1], *ctx.arena)) {
      return Value::Int(static_cast<int64_t>(i));
    }
  }
  return Value::Int(-1);
}

struct ElemType {
  const char* id;
  Type type;
};

}  // namespace

cel::Library ListsLibrary() {
  cel::Library lib("kubernetes.lists");
  const ElemType comparable[] = {
      {"int", Type::Int()},           {"uint", Type::Uint()},
      {"double", Type::Double()},     {"bool", Type::Bool()},
      {"duration", Type::Duration()}, {"timestamp", Type::Timestamp()},
      {"string", Type::String()},     {"bytes", Type::Bytes()},
  };
  auto is_sorted = lib.Member("isSorted");
  auto min = lib.Member("min");
  auto max = lib.Member("max");
  for (const ElemType& e : comparable) {
    const std::string t = e.id;
    const Type list = Type::List(e.type);
    is_sorted.Raw("list_" + t + "_is_sorted_bool", {list}, Type::Bool(), &IsSorted)
        .Cost(&ZeroCost, &TraversalEstimate);
    min.Raw("list_" + t + "_min_" + t, {list}, e.type, &MinMax<true>)
        .Cost(&ZeroCost, &TraversalEstimate);
    max.Raw("list_" + t + "_max_" + t, {list}, e.type, &MinMax<false>)
        .Cost(&ZeroCost, &TraversalEstimate);
  }
  lib.Member("sum")
      .Raw("list_int_sum_int", {Type::List(Type::Int())}, Type::Int(), &Sum<ValueKind::kInt>)
      .Cost(&ZeroCost, &TraversalEstimate)
      .Raw("list_uint_sum_uint", {Type::List(Type::Uint())}, Type::Uint(), &Sum<ValueKind::kUint>)
      .Cost(&ZeroCost, &TraversalEstimate)
      .Raw("list_double_sum_double", {Type::List(Type::Double())}, Type::Double(),
           &Sum<ValueKind::kDouble>)
      .Cost(&ZeroCost, &TraversalEstimate)
      .Raw("list_duration_sum_duration", {Type::List(Type::Duration())}, Type::Duration(),
           &Sum<ValueKind::kDuration>)
      .Cost(&ZeroCost, &TraversalEstimate);
  const Type a = Type::Param("A");
  lib.Member("indexOf")
      .Raw("list_a_index_of_int", {Type::List(a), a}, Type::Int(), &IndexOf<false>)
      .Cost(&ZeroCost, &TraversalEstimate);
  lib.Member("lastIndexOf")
      .Raw("list_a_last_index_of_int", {Type::List(a), a}, Type::Int(), &IndexOf<true>)
      .Cost(&ZeroCost, &TraversalEstimate);
  return lib;
}

}  // namespace celgate::k8s::cellib

// cel/lib/ext/optional.cc: the optional types library. Entry point: OptionalLibrary() in ext.h.
//
// cel-go's OptionalTypes (cel/library.go), library version 2. The optional operators
// (`x.?f`, `x[?k]`, `[?e]`, `{?k: v}`, and selection/indexing on an optional) are evaluated by
// the planner's own steps; this library declares them for the checker and supplies the
// functions. `opt.optMap(v, e)` and `opt.optFlatMap(v, e)` are parser macros that expand to
// `opt.hasValue() ? optional.of(<bind v = opt.value()> e) : optional.none()` (optFlatMap
// without the optional.of), so they need nothing else at run time.
#include <vector>

#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

// The zero value of each type, as cel-go's IsZeroValue: null, false, 0, 0u, 0.0, '', b'',
// [], {}, duration 0, timestamp 0001-01-01T00:00:00Z, optional.none().
bool IsZeroValue(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull: return true;
    case ValueKind::kBool: return !v.bool_value();
    case ValueKind::kInt: return v.int_value() == 0;
    case ValueKind::kUint: return v.uint_value() == 0;
    case ValueKind::kDouble: return v.double_value() == 0;
    case ValueKind::kString: return v.string_value().empty();
    case ValueKind::kBytes: return v.bytes_value().empty();
    case ValueKind::kList: return v.list().size() == 0;
    case ValueKind::kMap: return v.map().size() == 0;
    case ValueKind::kDuration: return v.duration_value() == 0;
    case ValueKind::kTimestamp: {
      Timestamp ts = v.timestamp_value();
      return ts.seconds == -62135596800 && ts.nanos == 0;
    }
    case ValueKind::kOptional: return !v.optional_has_value();
    default: return false;
  }
}

Value Of(CallContext& c, const Value* a) { return MakeOptional(*c.arena, a[0]); }
Value OfNonZeroValue(CallContext& c, const Value* a) {
  return IsZeroValue(a[0]) ? OptionalNone() : MakeOptional(*c.arena, a[0]);
}
Value None(CallContext&, const Value*) { return OptionalNone(); }

Value GetValue(CallContext& c, const Value* a) {
  if (!a[0].optional_has_value()) return c.Error("optional.none() dereference");
  return a[0].optional_value();
}
Value HasValue(CallContext&, const Value* a) { return Value::Bool(a[0].optional_has_value()); }
Value Or(CallContext&, const Value* a) { return a[0].optional_has_value() ? a[0] : a[1]; }
// Non-strict in the default argument: an error there only matters when it is used.
Value OrValue(CallContext&, const Value* a) {
  if (a[0].is_error()) return a[0];
  return a[0].optional_has_value() ? a[0].optional_value() : a[1];
}

// optional.unwrap(list) and list.unwrapOpt(): the values of the present optionals, in order.
Value Unwrap(CallContext& c, const Value* a) {
  const ListValue& l = a[0].list();
  std::vector<Value> out;
  out.reserve(l.size());
  for (size_t i = 0; i < l.size(); ++i) {
    Value v = l.Get(i, *c.arena);
    if (v.kind() != ValueKind::kOptional) {
      return NoSuchOverload(*c.arena, "optional.unwrap");
    }
    if (v.optional_has_value()) out.push_back(v.optional_value());
  }
  return MakeList(*c.arena, out.data(), out.size());
}

Value First(CallContext& c, const Value* a) {
  const ListValue& l = a[0].list();
  if (l.size() == 0) return OptionalNone();
  return MakeOptional(*c.arena, l.Get(0, *c.arena));
}
Value Last(CallContext& c, const Value* a) {
  const ListValue& l = a[0].list();
  if (l.size() == 0) return OptionalNone();
  return MakeOptional(*c.arena, l.Get(l.size() - 1, *c.arena));
}

}  // namespace

Library OptionalLibrary() {
  Library lib("cel.lib.optional");
  const T V = T::Param("V");
  const T K = T::Param("K");
  const T optV = T::Optional(V);
  lib.Function("optional.of").Raw("optional_of", {V}, optV, &Of);
  lib.Function("optional.ofNonZeroValue")
      .Raw("optional_ofNonZeroValue", {V}, optV, &OfNonZeroValue);
  lib.Function("optional.none").Raw("optional_none", {}, optV, &None);
  lib.Member("value").Raw("optional_value", {optV}, V, &GetValue);
  lib.Member("hasValue").Raw("optional_hasValue", {optV}, T::Bool(), &HasValue);
  lib.Member("or").Raw("optional_or_optional", {optV, optV}, optV, &Or);
  lib.Member("orValue").Raw("optional_orValue_value", {optV, V}, V, &OrValue, /*strict=*/false);
  lib.Function("optional.unwrap")
      .Raw("optional_unwrap", {T::List(optV)}, T::List(V), &Unwrap);
  lib.Member("unwrapOpt").Raw("optional_unwrapOpt", {T::List(optV)}, T::List(V), &Unwrap);
  lib.Member("first").Raw("list_first", {T::List(V)}, optV, &First);
  lib.Member("last").Raw("list_last", {T::List(V)}, optV, &Last);

  // Operators the planner implements; declared so the checker knows their signatures.
  lib.Function("_?._").Raw("select_optional_field", {T::Dyn(), T::String()}, optV, nullptr);
  lib.Function("_[?_]")
      .Raw("list_optindex_optional_int", {T::List(V), T::Int()}, optV, nullptr)
      .Raw("optional_list_optindex_optional_int", {T::Optional(T::List(V)), T::Int()}, optV,
           nullptr)
      .Raw("map_optindex_optional_value", {T::Map(K, V), K}, optV, nullptr)
      .Raw("optional_map_optindex_optional_value", {T::Optional(T::Map(K, V)), K}, optV,
           nullptr);
  lib.Function("_[_]")
      .Raw("optional_list_index_int", {T::Optional(T::List(V)), T::Int()}, optV, nullptr)
      .Raw("optional_map_index_value", {T::Optional(T::Map(K, V)), K}, optV, nullptr);

  lib.TypeName(&types::kOptional, T::TypeOf(T::Optional(T::Dyn())));
  return lib;
}

}  // namespace celgate::cel

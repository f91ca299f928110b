// cel/lib/ext/comprehensions.cc: run-time support for the two-variable comprehension macros.
// Entry point: TwoVarComprehensionsLibrary() in ext.h.
//
// cel-go ext/comprehensions.go: the parser expands `m.transformMap(k, v, [filter,] t)` into a
// comprehension whose step is `cel.@mapInsert(@result, k, t)`, and
// `m.transformMapEntry(k, v, [filter,] e)` into one whose step is `cel.@mapInsert(@result, e)`.
// The other two-variable macros (all, exists, existsOne, transformList) need only the standard
// library.
#include <string>
#include <vector>

#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

Value KeyExists(CallContext& c, const Value& key) {
  std::string k = key.kind() == ValueKind::kString ? std::string(key.string_value())
                                                   : DebugString(key, *c.arena);
  return c.Error("insert failed: key " + k + " already exists");
}

// A copy of `m` plus the entries of `keys`/`values`; an error value when a key is present
// twice or is not a valid map key.
Value Merge(CallContext& c, const MapValue& m, const Value* keys, const Value* values, size_t n) {
  size_t total = m.size() + n;
  Value* ks = c.arena->NewArray<Value>(total);
  Value* vs = c.arena->NewArray<Value>(total);
  for (size_t i = 0; i < m.size(); ++i) {
    ks[i] = m.KeyAt(i, *c.arena);
    vs[i] = m.ValueAt(i, *c.arena);
  }
  for (size_t j = 0; j < n; ++j) {
    const Value& key = keys[j];
    if (!IsValidMapKey(key)) {
      return c.Error("unsupported key type: " + std::string(KindName(key.kind())));
    }
    Value existing;
    ArrayMap so_far(ks, vs, m.size() + j);
    if (so_far.Find(key, *c.arena, &existing)) return KeyExists(c, key);
    ks[m.size() + j] = key;
    vs[m.size() + j] = values[j];
  }
  return Value::Map(c.arena->New<ArrayMap>(ks, vs, total));
}

Value InsertKeyValue(CallContext& c, const Value* a) {
  return Merge(c, a[0].map(), &a[1], &a[2], 1);
}

Value InsertMap(CallContext& c, const Value* a) {
  const MapValue& add = a[1].map();
  std::vector<Value> keys(add.size()), values(add.size());
  for (size_t i = 0; i < add.size(); ++i) {
    keys[i] = add.KeyAt(i, *c.arena);
    values[i] = add.ValueAt(i, *c.arena);
  }
  return Merge(c, a[0].map(), keys.data(), values.data(), keys.size());
}

}  // namespace

Library TwoVarComprehensionsLibrary() {
  Library lib("cel.lib.ext.comprev2");
  const T K = T::Param("K");
  const T V = T::Param("V");
  const T map = T::Map(K, V);
  lib.Function("cel.@mapInsert")
      .Raw("@mapInsert_map_key_value", {map, K, V}, map, &InsertKeyValue)
      .Raw("@mapInsert_map_map", {map, map}, map, &InsertMap);
  return lib;
}

}  // namespace celgate::cel

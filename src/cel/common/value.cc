// cel/common/value.cc: value helpers, runtime equality and ordering. See value.h.
#include "cel/common/value.h"

#include <cmath>
#include <limits>

#include "cel/common/strconv.h"

namespace celgate::cel {

namespace types {
const TypeInfo kNull{"null_type"}, kBool{"bool"}, kInt{"int"}, kUint{"uint"}, kDouble{"double"},
    kString{"string"}, kBytes{"bytes"}, kList{"list"}, kMap{"map"}, kType{"type"},
    kTimestamp{"google.protobuf.Timestamp"}, kDuration{"google.protobuf.Duration"},
    kOptional{"optional_type"}, kDyn{"dyn"}, kError{"*error*"};

const TypeInfo& ForKind(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull: return kNull;
    case ValueKind::kBool: return kBool;
    case ValueKind::kInt: return kInt;
    case ValueKind::kUint: return kUint;
    case ValueKind::kDouble: return kDouble;
    case ValueKind::kString: return kString;
    case ValueKind::kBytes: return kBytes;
    case ValueKind::kList: return kList;
    case ValueKind::kMap: return kMap;
    case ValueKind::kType: return kType;
    case ValueKind::kTimestamp: return kTimestamp;
    case ValueKind::kDuration: return kDuration;
    case ValueKind::kOptional: return kOptional;
    case ValueKind::kOpaque: return kDyn;
    case ValueKind::kError: return kError;
  }
  return kDyn;
}

const TypeInfo* FindBuiltin(std::string_view name) {
  static const TypeInfo* const kAll[] = {&kNull, &kBool, &kInt, &kUint, &kDouble, &kString,
                                         &kBytes, &kList, &kMap, &kType, &kTimestamp,
                                         &kDuration, &kOptional, &kDyn};
  for (const TypeInfo* t : kAll) {
    if (t->name == name) return t;
  }
  return nullptr;
}
}  // namespace types

std::string_view KindName(ValueKind kind) { return types::ForKind(kind).name; }

Value MakeError(Arena& arena, std::string_view message) {
  auto* e = arena.New<ErrorInfo>(ErrorInfo{arena.CopyString(message)});
  return Value::Error(e);
}
Value MakeString(Arena& arena, std::string_view s) { return Value::String(arena.CopyString(s)); }
Value MakeBytes(Arena& arena, std::string_view s) { return Value::Bytes(arena.CopyString(s)); }
Value MakeList(Arena& arena, const Value* items, size_t n) {
  Value* copy = arena.NewArray<Value>(n);
  for (size_t i = 0; i < n; ++i) copy[i] = items[i];
  return Value::List(arena.New<ArrayList>(copy, n));
}
Value MakeOptional(Arena& arena, const Value& v) { return Value::Optional(arena.New<Value>(v)); }
Value OptionalNone() { return Value::Optional(nullptr); }

Value NoSuchOverload(Arena& arena, std::string_view function) {
  std::string m = "no such overload";
  if (!function.empty()) {
    m += ": ";
    m += function;
  }
  return MakeError(arena, m);
}

Value NoSuchKey(Arena& arena, const Value& key) {
  std::string m = "no such key: ";
  if (key.kind() == ValueKind::kString) {
    m += key.string_value();
  } else {
    m += DebugString(key, arena);
  }
  return MakeError(arena, m);
}

namespace {

// Numeric comparison across int, uint and double. Returns false for NaN.
int CompareIntUint(int64_t a, uint64_t b) {
  if (a < 0) return -1;
  uint64_t ua = static_cast<uint64_t>(a);
  return ua < b ? -1 : (ua > b ? 1 : 0);
}
// cel-go compares int and uint with double by converting the integer to double (lossy above
// 2^53); the conformance suite pins that: dyn(9223372036854775807) < 9223372036854775808.0
// is false.
bool CompareDoubles(double a, double b, int* r) {
  if (std::isnan(a) || std::isnan(b)) return false;
  *r = a < b ? -1 : (a > b ? 1 : 0);
  return true;
}
bool CompareDoubleInt(double a, int64_t b, int* r) {
  return CompareDoubles(a, static_cast<double>(b), r);
}
bool CompareDoubleUint(double a, uint64_t b, int* r) {
  return CompareDoubles(a, static_cast<double>(b), r);
}

bool IsNumber(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint || k == ValueKind::kDouble;
}

// Compares two numbers of any numeric kinds. Returns false when unordered (NaN).
bool CompareNumbers(const Value& a, const Value& b, int* r) {
  switch (a.kind()) {
    case ValueKind::kInt:
      switch (b.kind()) {
        case ValueKind::kInt:
          *r = a.int_value() < b.int_value() ? -1 : (a.int_value() > b.int_value() ? 1 : 0);
          return true;
        case ValueKind::kUint: *r = CompareIntUint(a.int_value(), b.uint_value()); return true;
        case ValueKind::kDouble:
          if (!CompareDoubleInt(b.double_value(), a.int_value(), r)) return false;
          *r = -*r;
          return true;
        default: return false;
      }
    case ValueKind::kUint:
      switch (b.kind()) {
        case ValueKind::kInt: *r = -CompareIntUint(b.int_value(), a.uint_value()); return true;
        case ValueKind::kUint:
          *r = a.uint_value() < b.uint_value() ? -1 : (a.uint_value() > b.uint_value() ? 1 : 0);
          return true;
        case ValueKind::kDouble:
          if (!CompareDoubleUint(b.double_value(), a.uint_value(), r)) return false;
          *r = -*r;
          return true;
        default: return false;
      }
    case ValueKind::kDouble:
      switch (b.kind()) {
        case ValueKind::kInt: return CompareDoubleInt(a.double_value(), b.int_value(), r);
        case ValueKind::kUint: return CompareDoubleUint(a.double_value(), b.uint_value(), r);
        case ValueKind::kDouble: {
          double x = a.double_value(), y = b.double_value();
          if (std::isnan(x) || std::isnan(y)) return false;
          *r = x < y ? -1 : (x > y ? 1 : 0);
          return true;
        }
        default: return false;
      }
    default: return false;
  }
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

}  // namespace

bool ValueEquals(const Value& a, const Value& b, Arena& arena) {
  if (a.kind() != b.kind()) {
    if (IsNumber(a.kind()) && IsNumber(b.kind())) {
      int r = 0;
      return CompareNumbers(a, b, &r) && r == 0;
    }
    return false;
  }
  switch (a.kind()) {
    case ValueKind::kNull: return true;
    case ValueKind::kBool: return a.bool_value() == b.bool_value();
    case ValueKind::kInt: return a.int_value() == b.int_value();
    case ValueKind::kUint: return a.uint_value() == b.uint_value();
    case ValueKind::kDouble: return a.double_value() == b.double_value();
    case ValueKind::kString: return a.string_value() == b.string_value();
    case ValueKind::kBytes: return a.bytes_value() == b.bytes_value();
    case ValueKind::kType: return a.type_value().name == b.type_value().name;
    case ValueKind::kTimestamp:
      return a.timestamp_value().seconds == b.timestamp_value().seconds &&
             a.timestamp_value().nanos == b.timestamp_value().nanos;
    case ValueKind::kDuration: return a.duration_value() == b.duration_value();
    case ValueKind::kOptional:
      if (a.optional_has_value() != b.optional_has_value()) return false;
      return !a.optional_has_value() ||
             ValueEquals(a.optional_value(), b.optional_value(), arena);
    case ValueKind::kOpaque:
      return &a.opaque().type() == &b.opaque().type() && a.opaque().Equals(b.opaque());
    case ValueKind::kError: return false;
    case ValueKind::kList: {
      const ListValue& x = a.list();
      const ListValue& y = b.list();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!ValueEquals(x.Get(i, arena), y.Get(i, arena), arena)) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      const MapValue& x = a.map();
      const MapValue& y = b.map();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        Value other;
        if (!y.Find(x.KeyAt(i, arena), arena, &other)) return false;
        if (!ValueEquals(x.ValueAt(i, arena), other, arena)) return false;
      }
      return true;
    }
  }
  return false;
}

bool ValueCompare(const Value& a, const Value& b, int* result, bool* nan) {
  *nan = false;
  if (IsNumber(a.kind()) && IsNumber(b.kind())) {
    if (!CompareNumbers(a, b, result)) {
      *nan = true;
    }
    return true;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kBool: *result = Cmp(a.bool_value(), b.bool_value()); return true;
    case ValueKind::kString: *result = a.string_value().compare(b.string_value()); break;
    case ValueKind::kBytes: *result = a.bytes_value().compare(b.bytes_value()); break;
    case ValueKind::kTimestamp: {
      auto x = a.timestamp_value(), y = b.timestamp_value();
      *result = x.seconds != y.seconds ? Cmp(x.seconds, y.seconds) : Cmp(x.nanos, y.nanos);
      return true;
    }
    case ValueKind::kDuration: *result = Cmp(a.duration_value(), b.duration_value()); return true;
    default: return false;
  }
  *result = *result < 0 ? -1 : (*result > 0 ? 1 : 0);
  return true;
}

size_t MapValue::FindPath(const std::string_view* keys, size_t n, Arena& arena,
                          Value* out) const {
  const MapValue* m = this;
  for (size_t i = 0; i < n; ++i) {
    Value v;
    if (!m->FindString(keys[i], arena, &v)) return i;
    *out = v;
    if (i + 1 < n) {
      if (v.kind() != ValueKind::kMap) return i + 1;
      m = &v.map();
    }
  }
  return n;
}

bool IsValidMapKey(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString:
      return true;
    default:
      return false;
  }
}

bool ArrayMap::Find(const Value& key, Arena& arena, Value* out) const {
  for (size_t i = 0; i < n_; ++i) {
    const Value& k = keys_[i];
    bool eq = false;
    if (k.kind() == key.kind()) {
      switch (k.kind()) {
        case ValueKind::kString: eq = k.string_value() == key.string_value(); break;
        case ValueKind::kInt: eq = k.int_value() == key.int_value(); break;
        case ValueKind::kUint: eq = k.uint_value() == key.uint_value(); break;
        case ValueKind::kBool: eq = k.bool_value() == key.bool_value(); break;
        default: eq = false;
      }
    } else if (IsNumber(k.kind()) && IsNumber(key.kind())) {
      int r = 0;
      eq = CompareNumbers(k, key, &r) && r == 0;
    }
    if (eq) {
      *out = values_[i];
      return true;
    }
  }
  return false;
}

bool ArrayMap::FindString(std::string_view key, Arena&, Value* out) const {
  for (size_t i = 0; i < n_; ++i) {
    if (keys_[i].kind() == ValueKind::kString && keys_[i].string_value() == key) {
      *out = values_[i];
      return true;
    }
  }
  return false;
}

namespace {
void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\t': *out += "\\t"; break;
      case '\r': *out += "\\r"; break;
      default: out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendDebug(std::string* out, const Value& v, Arena& arena, int depth) {
  if (depth > 64) {
    *out += "...";
    return;
  }
  switch (v.kind()) {
    case ValueKind::kNull: *out += "null"; return;
    case ValueKind::kBool: *out += v.bool_value() ? "true" : "false"; return;
    case ValueKind::kInt: *out += std::to_string(v.int_value()); return;
    case ValueKind::kUint: *out += std::to_string(v.uint_value()) + "u"; return;
    case ValueKind::kDouble: *out += FormatDouble(v.double_value()); return;
    case ValueKind::kString: AppendQuoted(out, v.string_value()); return;
    case ValueKind::kBytes: *out += "b"; AppendQuoted(out, v.bytes_value()); return;
    case ValueKind::kType: *out += v.type_value().name; return;
    case ValueKind::kTimestamp:
      *out += "timestamp(\"" + FormatTimestamp(v.timestamp_value()) + "\")";
      return;
    case ValueKind::kDuration:
      *out += "duration(\"" + FormatDuration(v.duration_value()) + "\")";
      return;
    case ValueKind::kOptional:
      if (!v.optional_has_value()) {
        *out += "optional.none()";
      } else {
        *out += "optional.of(";
        AppendDebug(out, v.optional_value(), arena, depth + 1);
        *out += ")";
      }
      return;
    case ValueKind::kOpaque: *out += v.opaque().DebugString(); return;
    case ValueKind::kError: *out += "error: "; *out += v.error().message; return;
    case ValueKind::kList: {
      *out += "[";
      const ListValue& l = v.list();
      for (size_t i = 0; i < l.size(); ++i) {
        if (i) *out += ", ";
        AppendDebug(out, l.Get(i, arena), arena, depth + 1);
      }
      *out += "]";
      return;
    }
    case ValueKind::kMap: {
      *out += "{";
      const MapValue& m = v.map();
      for (size_t i = 0; i < m.size(); ++i) {
        if (i) *out += ", ";
        AppendDebug(out, m.KeyAt(i, arena), arena, depth + 1);
        *out += ": ";
        AppendDebug(out, m.ValueAt(i, arena), arena, depth + 1);
      }
      *out += "}";
      return;
    }
  }
}
}  // namespace

std::string DebugString(const Value& v, Arena& arena) {
  std::string out;
  AppendDebug(&out, v, arena, 0);
  return out;
}

}  // namespace celgate::cel

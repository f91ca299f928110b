// cel/common/value.h: the runtime representation of CEL values (STYLE.md H10).
//
// A Value is 16 bytes, trivially copyable and trivially destructible. Scalars are stored
// inline; strings, bytes, lists, maps, optionals, errors and opaque objects point either into
// the evaluation's Arena, into the Program (constants), or into the caller's input documents
// (lazy JSON views). A Value must not outlive whatever it points into: the Arena of the
// evaluation that produced it, the Program, and the bound inputs.
//
// CEL errors are values (kind kError) and flow through evaluation (H4).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/arena.h"
#include "cel/common/time.h"

namespace celgate::cel {

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kType,
  kTimestamp,
  kDuration,
  kOptional,
  kOpaque,
  kError,
};

// Name of a kind as CEL's type() reports it ("int", "list", "google.protobuf.Timestamp", ...).
std::string_view KindName(ValueKind kind);

class Value;
class ListValue;
class MapValue;
class OpaqueValue;

// A runtime type: the value of `type(x)`, and the identity of opaque types. Instances are
// static (built-ins, libraries) and compared by name.
struct TypeInfo {
  std::string_view name;
};

// The built-in runtime types.
namespace types {
extern const TypeInfo kNull, kBool, kInt, kUint, kDouble, kString, kBytes, kList, kMap, kType,
    kTimestamp, kDuration, kOptional, kDyn, kError;
const TypeInfo& ForKind(ValueKind kind);
// Looks up a built-in type by its CEL name ("int", "google.protobuf.Timestamp"); null if none.
const TypeInfo* FindBuiltin(std::string_view name);
}  // namespace types

struct ErrorInfo {
  std::string_view message;
};

class Value {
 public:
  constexpr Value() : kind_(ValueKind::kNull), flags_(0), pad_(0), aux_(0), u_(0) {}

  static Value Null() { return Value(); }
  static Value Bool(bool b) { Value v(ValueKind::kBool); v.i_ = b ? 1 : 0; return v; }
  static Value Int(int64_t i) { Value v(ValueKind::kInt); v.i_ = i; return v; }
  static Value Uint(uint64_t u) { Value v(ValueKind::kUint); v.u_ = u; return v; }
  static Value Double(double d) { Value v(ValueKind::kDouble); v.d_ = d; return v; }
  // The string's bytes must outlive the value (Arena, Program or input document).
  static Value String(std::string_view s) { return Ref(ValueKind::kString, s); }
  static Value Bytes(std::string_view s) { return Ref(ValueKind::kBytes, s); }
  static Value List(const ListValue* l) { Value v(ValueKind::kList); v.p_ = l; return v; }
  static Value Map(const MapValue* m) { Value v(ValueKind::kMap); v.p_ = m; return v; }
  static Value Type(const TypeInfo* t) { Value v(ValueKind::kType); v.p_ = t; return v; }
  static Value Timestamp(cel::Timestamp ts) {
    Value v(ValueKind::kTimestamp);
    v.i_ = ts.seconds;
    v.aux_ = static_cast<uint32_t>(ts.nanos);
    return v;
  }
  static Value Duration(int64_t nanos) { Value v(ValueKind::kDuration); v.i_ = nanos; return v; }
  // `inner` null means optional.none(); otherwise it must outlive the value.
  static Value Optional(const Value* inner) { Value v(ValueKind::kOptional); v.p_ = inner; return v; }
  static Value Opaque(const OpaqueValue* o) { Value v(ValueKind::kOpaque); v.p_ = o; return v; }
  static Value Error(const ErrorInfo* e) { Value v(ValueKind::kError); v.p_ = e; return v; }

  ValueKind kind() const { return kind_; }
  bool is_error() const { return kind_ == ValueKind::kError; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_true() const { return kind_ == ValueKind::kBool && i_ != 0; }
  bool is_false() const { return kind_ == ValueKind::kBool && i_ == 0; }

  bool bool_value() const { return i_ != 0; }
  int64_t int_value() const { return i_; }
  uint64_t uint_value() const { return u_; }
  double double_value() const { return d_; }
  std::string_view string_value() const { return std::string_view(s_, aux_); }
  std::string_view bytes_value() const { return std::string_view(s_, aux_); }
  const ListValue& list() const { return *static_cast<const ListValue*>(p_); }
  const MapValue& map() const { return *static_cast<const MapValue*>(p_); }
  const TypeInfo& type_value() const { return *static_cast<const TypeInfo*>(p_); }
  cel::Timestamp timestamp_value() const {
    return cel::Timestamp{i_, static_cast<int32_t>(aux_)};
  }
  int64_t duration_value() const { return i_; }
  bool optional_has_value() const { return p_ != nullptr; }
  const Value& optional_value() const { return *static_cast<const Value*>(p_); }
  const OpaqueValue& opaque() const { return *static_cast<const OpaqueValue*>(p_); }
  const ErrorInfo& error() const { return *static_cast<const ErrorInfo*>(p_); }

 private:
  explicit constexpr Value(ValueKind k) : kind_(k), flags_(0), pad_(0), aux_(0), u_(0) {}
  static Value Ref(ValueKind k, std::string_view s) {
    Value v(k);
    v.s_ = s.data();
    v.aux_ = static_cast<uint32_t>(s.size());
    return v;
  }

  ValueKind kind_;
  // Explicit padding, zeroed so a Value's bytes are deterministic; nothing reads it yet.
  [[maybe_unused]] uint8_t flags_;
  [[maybe_unused]] uint16_t pad_;
  uint32_t aux_;  // string/bytes length; timestamp nanos
  union {
    int64_t i_;
    uint64_t u_;
    double d_;
    const char* s_;
    const void* p_;
  };
};

static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");
static_assert(std::is_trivially_copyable_v<Value> && std::is_trivially_destructible_v<Value>);

// Lists. Implementations: arena lists built during evaluation, constant lists owned by a
// Program, and lazy views over input documents (cel/json). Get() may allocate view objects in
// `arena`; REQUIRES: i < size().
class ListValue {
 public:
  virtual size_t size() const = 0;
  virtual Value Get(size_t i, Arena& arena) const = 0;

 protected:
  ~ListValue() = default;  // never deleted through this interface (arena or owner frees)
};

// Maps. Keys are bool, int, uint or string values. Find() applies CEL's key equality (numeric
// keys match across int, uint and double when equal in value). Iteration order is by index.
class MapValue {
 public:
  virtual size_t size() const = 0;
  // Sets *out and returns true when `key` is present.
  virtual bool Find(const Value& key, Arena& arena, Value* out) const = 0;
  // Fast path for field selection with a string key.
  virtual bool FindString(std::string_view key, Arena& arena, Value* out) const {
    return Find(Value::String(key), arena, out);
  }
  virtual Value KeyAt(size_t i, Arena& arena) const = 0;
  virtual Value ValueAt(size_t i, Arena& arena) const = 0;
  // Follows `n` string keys through nested maps (`m.a.b.c`), as repeated FindString would,
  // and returns how many it consumed, k. *out is the value reached after k keys (this map
  // when k is 0). k < n means: if *out is a map, key k is missing from it; otherwise *out is
  // not a map and the caller selects key k generically. Implementations over documents
  // override it to walk without creating a view per level.
  virtual size_t FindPath(const std::string_view* keys, size_t n, Arena& arena, Value* out) const;

 protected:
  ~MapValue() = default;
};

// Opaque library values (quantity, ip, url, ...). They must be arena-allocatable or owned by
// the Program; the destructor is never run through this interface.
class OpaqueValue {
 public:
  virtual const TypeInfo& type() const = 0;
  virtual bool Equals(const OpaqueValue& other) const = 0;
  // Text for debugging and explanations.
  virtual std::string DebugString() const = 0;

 protected:
  ~OpaqueValue() = default;
};

// ---- Arena-backed containers built during evaluation ----------------------------------------

class ArrayList final : public ListValue {
 public:
  ArrayList(const Value* items, size_t n) : items_(items), n_(n) {}
  size_t size() const override { return n_; }
  Value Get(size_t i, Arena&) const override { return items_[i]; }
  const Value* data() const { return items_; }

 private:
  const Value* items_;
  size_t n_;
};

// A map stored as parallel key and value arrays (linear probe for small maps, sorted index
// for large ones is not needed at our sizes: maps built by expressions are small).
class ArrayMap final : public MapValue {
 public:
  ArrayMap(const Value* keys, const Value* values, size_t n) : keys_(keys), values_(values), n_(n) {}
  size_t size() const override { return n_; }
  bool Find(const Value& key, Arena& arena, Value* out) const override;
  bool FindString(std::string_view key, Arena& arena, Value* out) const override;
  Value KeyAt(size_t i, Arena&) const override { return keys_[i]; }
  Value ValueAt(size_t i, Arena&) const override { return values_[i]; }

 private:
  const Value* keys_;
  const Value* values_;
  size_t n_;
};

// Helpers to create values in an arena.
Value MakeError(Arena& arena, std::string_view message);
Value MakeString(Arena& arena, std::string_view s);  // copies
Value MakeBytes(Arena& arena, std::string_view s);   // copies
Value MakeList(Arena& arena, const Value* items, size_t n);  // copies the items array
Value MakeOptional(Arena& arena, const Value& v);
Value OptionalNone();

// Common error texts (cel-go's wording).
Value NoSuchOverload(Arena& arena, std::string_view function);
Value NoSuchKey(Arena& arena, const Value& key);

// Equality as CEL's `==` at run time: heterogeneous numbers compare by value, other kind
// mismatches are unequal. Errors are never produced; callers handle error operands first.
bool ValueEquals(const Value& a, const Value& b, Arena& arena);
// Ordering for `<`: -1, 0, 1; returns false when the pair is not ordered (no overload) and
// sets *unordered_nan for NaN comparisons (every comparison false).
bool ValueCompare(const Value& a, const Value& b, int* result, bool* nan);
// True when the value may be a map key.
bool IsValidMapKey(const Value& v);

// Renders a value for messages and `celgate eval` in a CEL-like literal syntax.
std::string DebugString(const Value& v, Arena& arena);

}  // namespace celgate::cel

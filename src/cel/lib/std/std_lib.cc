// cel/lib/std/std_lib.cc: the CEL standard library. Entry point: StandardLibrary().
//
// Semantics follow cel-spec's langdef and cel-go at run time (shared/spec/cel-kubernetes.md
// section 2). Error texts are cel-go's where Kubernetes users see them.
#include "cel/lib/std/std_lib.h"

#include <re2/re2.h>

#include <cmath>
#include <limits>
#include <string>

#include "base/utf8.h"
#include "cel/common/operators.h"
#include "cel/common/strconv.h"
#include "cel/common/time.h"

namespace celgate::cel {
namespace {

using T = Type;
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

Value Err(CallContext& c, std::string_view m) { return c.Error(m); }

// ---- Costs (spec 5.2) ------------------------------------------------------------------------
// One formula per shape, over argument sizes (cel::CostSize: bytes, elements, 1 for scalars);
// each serves as the runtime cost and, at the ends of the argument size ranges, as the static
// estimate (Library::FunctionBuilder::CostBySize). All are non-decreasing in every size.
using cost::AtLeast1;
using cost::OfSize;
using cost::SatAdd;
using cost::SatMul;
constexpr double kTraversal = cost::kStringTraversalFactor;

// a + b on strings, bytes, lists: ceil((size(a) + size(b)) * 0.1), at least 1.
uint64_t ConcatFormula(const CostSizes& size) {
  return AtLeast1(OfSize(SatAdd(size[0], size[1]), kTraversal));
}
uint64_t ConcatCost(const Value* a) { return SizeCost<&ConcatFormula>::Runtime(a); }
// The result of a concatenation is exactly as large as its operands together.
CallEstimate ConcatEstimate(const EstimateInput& in) {
  CallEstimate out = SizeCost<&ConcatFormula>::Estimate(in);
  out.result_size = SizeRange{SatAdd(in.size(0).min, in.size(1).min),
                              SatAdd(in.size(0).max, in.size(1).max)};
  return out;
}
// <, <=, >, >=: ceil(min(size(a), size(b)) * 0.1), at least 1 (1 for scalars).
uint64_t CompareFormula(const CostSizes& size) {
  return AtLeast1(OfSize(std::min(size[0], size[1]), kTraversal));
}
// x in list: size(list), at least 1.
uint64_t InListFormula(const CostSizes& size) { return AtLeast1(size[1]); }
// s.contains(sub): ceil(size(s) * 0.1) * ceil(size(sub) * 0.1), each at least 1.
uint64_t ContainsFormula(const CostSizes& size) {
  return SatMul(AtLeast1(OfSize(size[0], kTraversal)), AtLeast1(OfSize(size[1], kTraversal)));
}
// startsWith / endsWith: ceil(size(prefix) * 0.1), at least 1.
uint64_t PrefixFormula(const CostSizes& size) { return AtLeast1(OfSize(size[1], kTraversal)); }
// matches: ceil((1 + size(s)) * 0.1) * ceil(size(regex) * 0.25), each at least 1.
uint64_t MatchesFormula(const CostSizes& size) {
  return SatMul(AtLeast1(OfSize(SatAdd(1, size[0]), kTraversal)),
                AtLeast1(OfSize(size[1], cost::kRegexFactor)));
}
// string(bytes), bytes(string), duration(string), timestamp(string): ceil(size * 0.1), >= 1.
uint64_t ConvFormula(const CostSizes& size) { return AtLeast1(OfSize(size[0], kTraversal)); }

// ---- Arithmetic ----------------------------------------------------------------------------

Value AddInt(CallContext& c, const Value* a) {
  int64_t r;
  if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) {
    return Err(c, "integer overflow");
  }
  return Value::Int(r);
}
Value SubInt(CallContext& c, const Value* a) {
  int64_t r;
  if (__builtin_sub_overflow(a[0].int_value(), a[1].int_value(), &r)) {
    return Err(c, "integer overflow");
  }
  return Value::Int(r);
}
Value MulInt(CallContext& c, const Value* a) {
  int64_t r;
  if (__builtin_mul_overflow(a[0].int_value(), a[1].int_value(), &r)) {
    return Err(c, "integer overflow");
  }
  return Value::Int(r);
}
Value DivInt(CallContext& c, const Value* a) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Err(c, "division by zero");
  if (x == kInt64Min && y == -1) return Err(c, "integer overflow");
  return Value::Int(x / y);
}
Value ModInt(CallContext& c, const Value* a) {
  int64_t x = a[0].int_value(), y = a[1].int_value();
  if (y == 0) return Err(c, "modulus by zero");
  if (x == kInt64Min && y == -1) return Err(c, "integer overflow");
  return Value::Int(x % y);
}
Value NegInt(CallContext& c, const Value* a) {
  if (a[0].int_value() == kInt64Min) return Err(c, "integer overflow");
  return Value::Int(-a[0].int_value());
}
Value AddUint(CallContext& c, const Value* a) {
  uint64_t r;
  if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &r)) {
    return Err(c, "unsigned integer overflow");
  }
  return Value::Uint(r);
}
Value SubUint(CallContext& c, const Value* a) {
  uint64_t r;
  if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &r)) {
    return Err(c, "unsigned integer overflow");
  }
  return Value::Uint(r);
}
Value MulUint(CallContext& c, const Value* a) {
  uint64_t r;
  if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &r)) {
    return Err(c, "unsigned integer overflow");
  }
  return Value::Uint(r);
}
Value DivUint(CallContext& c, const Value* a) {
  if (a[1].uint_value() == 0) return Err(c, "division by zero");
  return Value::Uint(a[0].uint_value() / a[1].uint_value());
}
Value ModUint(CallContext& c, const Value* a) {
  if (a[1].uint_value() == 0) return Err(c, "modulus by zero");
  return Value::Uint(a[0].uint_value() % a[1].uint_value());
}
Value AddDouble(CallContext&, const Value* a) {
  return Value::Double(a[0].double_value() + a[1].double_value());
}
Value SubDouble(CallContext&, const Value* a) {
  return Value::Double(a[0].double_value() - a[1].double_value());
}
Value MulDouble(CallContext&, const Value* a) {
  return Value::Double(a[0].double_value() * a[1].double_value());
}
Value DivDouble(CallContext&, const Value* a) {
  return Value::Double(a[0].double_value() / a[1].double_value());
}
Value NegDouble(CallContext&, const Value* a) { return Value::Double(-a[0].double_value()); }

Value AddString(CallContext& c, const Value* a) {
  std::string_view x = a[0].string_value(), y = a[1].string_value();
  if (x.empty()) return a[1];
  if (y.empty()) return a[0];
  char* p = static_cast<char*>(c.arena->Allocate(x.size() + y.size(), 1));
  std::memcpy(p, x.data(), x.size());
  std::memcpy(p + x.size(), y.data(), y.size());
  return Value::String(std::string_view(p, x.size() + y.size()));
}
Value AddBytes(CallContext& c, const Value* a) {
  std::string s(a[0].bytes_value());
  s += a[1].bytes_value();
  return MakeBytes(*c.arena, s);
}
Value AddList(CallContext& c, const Value* a) {
  const ListValue& x = a[0].list();
  const ListValue& y = a[1].list();
  if (x.size() == 0) return a[1];
  if (y.size() == 0) return a[0];
  size_t n = x.size() + y.size();
  Value* items = c.arena->NewArray<Value>(n);
  for (size_t i = 0; i < x.size(); ++i) items[i] = x.Get(i, *c.arena);
  for (size_t i = 0; i < y.size(); ++i) items[x.size() + i] = y.Get(i, *c.arena);
  return Value::List(c.arena->New<ArrayList>(items, n));
}

Value TimestampResult(CallContext& c, bool ok, Timestamp t) {
  if (!ok) return Err(c, "timestamp overflow");
  return Value::Timestamp(t);
}
Value AddTsDur(CallContext& c, const Value* a) {
  Timestamp out;
  bool ok = AddDuration(a[0].timestamp_value(), a[1].duration_value(), &out);
  return TimestampResult(c, ok, out);
}
Value AddDurTs(CallContext& c, const Value* a) {
  Timestamp out;
  bool ok = AddDuration(a[1].timestamp_value(), a[0].duration_value(), &out);
  return TimestampResult(c, ok, out);
}
Value SubTsDur(CallContext& c, const Value* a) {
  if (a[1].duration_value() == kInt64Min) return Err(c, "timestamp overflow");
  Timestamp out;
  bool ok = AddDuration(a[0].timestamp_value(), -a[1].duration_value(), &out);
  return TimestampResult(c, ok, out);
}
Value SubTsTs(CallContext& c, const Value* a) {
  int64_t d;
  if (!SubtractTimestamps(a[0].timestamp_value(), a[1].timestamp_value(), &d)) {
    return Err(c, "duration overflow");
  }
  return Value::Duration(d);
}
Value AddDurDur(CallContext& c, const Value* a) {
  int64_t r;
  if (__builtin_add_overflow(a[0].duration_value(), a[1].duration_value(), &r)) {
    return Err(c, "duration overflow");
  }
  return Value::Duration(r);
}
Value SubDurDur(CallContext& c, const Value* a) {
  int64_t r;
  if (__builtin_sub_overflow(a[0].duration_value(), a[1].duration_value(), &r)) {
    return Err(c, "duration overflow");
  }
  return Value::Duration(r);
}

// ---- Comparison ----------------------------------------------------------------------------

template <int kOp>  // 0 <, 1 <=, 2 >, 3 >=
Value Compare(CallContext& c, const Value* a) {
  int r = 0;
  bool nan = false;
  if (!ValueCompare(a[0], a[1], &r, &nan)) return NoSuchOverload(*c.arena, "");
  if (nan) return Value::Bool(false);
  switch (kOp) {
    case 0: return Value::Bool(r < 0);
    case 1: return Value::Bool(r <= 0);
    case 2: return Value::Bool(r > 0);
    default: return Value::Bool(r >= 0);
  }
}

Value Not(CallContext&, const Value* a) { return Value::Bool(!a[0].bool_value()); }

Value InList(CallContext& c, const Value* a) {
  const ListValue& l = a[1].list();
  for (size_t i = 0; i < l.size(); ++i) {
    if (ValueEquals(a[0], l.Get(i, *c.arena), *c.arena)) return Value::Bool(true);
  }
  return Value::Bool(false);
}
Value InMap(CallContext& c, const Value* a) {
  Value out;
  if (!IsValidMapKey(a[0]) && a[0].kind() != ValueKind::kDouble) return Value::Bool(false);
  return Value::Bool(a[1].map().Find(a[0], *c.arena, &out));
}

// ---- Size and strings ----------------------------------------------------------------------

int64_t SizeString(StringArg s) { return static_cast<int64_t>(utf8::CountCodePoints(s.value)); }
int64_t SizeBytes(BytesArg b) { return static_cast<int64_t>(b.value.size()); }
int64_t SizeList(const ListValue& l) { return static_cast<int64_t>(l.size()); }
int64_t SizeMap(const MapValue& m) { return static_cast<int64_t>(m.size()); }

bool Contains(StringArg s, StringArg sub) { return s.value.find(sub.value) != std::string_view::npos; }
bool StartsWith(StringArg s, StringArg p) { return s.value.substr(0, p.value.size()) == p.value; }
bool EndsWith(StringArg s, StringArg p) {
  return s.value.size() >= p.value.size() &&
         s.value.substr(s.value.size() - p.value.size()) == p.value;
}

// RE2 with Go regexp semantics as far as RE2 offers them (CEL's `matches` is an unanchored
// search).
const RE2* CompileRegex(std::string_view pattern, std::string* error) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(8 << 20);
  auto* re = new RE2(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    *error = "Syntax error: error parsing regexp: " + re->error();
    delete re;
    return nullptr;
  }
  return re;
}
const void* PrepareRegex(std::string_view pattern, std::string* error) {
  return CompileRegex(pattern, error);
}
void DestroyRegex(const void* p) { delete static_cast<const RE2*>(p); }
Value MatchesPrepared(CallContext&, const Value* a, const void* p) {
  std::string_view s = a[0].string_value();
  return Value::Bool(
      RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *static_cast<const RE2*>(p)));
}
Value Matches(CallContext& c, const Value* a) {
  std::string err;
  const RE2* re = CompileRegex(a[1].string_value(), &err);
  if (!re) return Err(c, err);
  Value v = MatchesPrepared(c, a, re);
  delete re;
  return v;
}

// ---- Conversions ---------------------------------------------------------------------------

Value IntFromUint(CallContext& c, const Value* a) {
  if (a[0].uint_value() > static_cast<uint64_t>(kInt64Max)) return Err(c, "integer overflow");
  return Value::Int(static_cast<int64_t>(a[0].uint_value()));
}
Value IntFromDouble(CallContext& c, const Value* a) {
  double d = a[0].double_value();
  // Go's float64 -> int64 range check as cel-go does it: [-2^63, 2^63).
  if (std::isnan(d) || d <= -9223372036854775808.0 - 1024 || d >= 9223372036854775808.0) {
    return Err(c, "integer overflow");
  }
  if (d <= -9223372036854775808.0) return Err(c, "integer overflow");
  return Value::Int(static_cast<int64_t>(d));
}
Value IntFromString(CallContext& c, const Value* a) {
  int64_t v;
  if (!ParseInt64(a[0].string_value(), &v)) {
    return Err(c, "cannot convert string '" + std::string(a[0].string_value()) + "' to int");
  }
  return Value::Int(v);
}
Value IntFromTimestamp(CallContext&, const Value* a) {
  return Value::Int(a[0].timestamp_value().seconds);
}
Value Identity(CallContext&, const Value* a) { return a[0]; }
Value UintFromInt(CallContext& c, const Value* a) {
  if (a[0].int_value() < 0) return Err(c, "unsigned integer overflow");
  return Value::Uint(static_cast<uint64_t>(a[0].int_value()));
}
Value UintFromDouble(CallContext& c, const Value* a) {
  double d = a[0].double_value();
  if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0) {
    return Err(c, "unsigned integer overflow");
  }
  return Value::Uint(static_cast<uint64_t>(d));
}
Value UintFromString(CallContext& c, const Value* a) {
  uint64_t v;
  if (!ParseUint64(a[0].string_value(), &v)) {
    return Err(c, "cannot convert string '" + std::string(a[0].string_value()) + "' to uint");
  }
  return Value::Uint(v);
}
Value DoubleFromInt(CallContext&, const Value* a) {
  return Value::Double(static_cast<double>(a[0].int_value()));
}
Value DoubleFromUint(CallContext&, const Value* a) {
  return Value::Double(static_cast<double>(a[0].uint_value()));
}
Value DoubleFromString(CallContext& c, const Value* a) {
  double d;
  if (!ParseDouble(a[0].string_value(), &d)) {
    return Err(c, "cannot convert string '" + std::string(a[0].string_value()) + "' to double");
  }
  return Value::Double(d);
}
Value StringFromInt(CallContext& c, const Value* a) {
  return MakeString(*c.arena, std::to_string(a[0].int_value()));
}
Value StringFromUint(CallContext& c, const Value* a) {
  return MakeString(*c.arena, std::to_string(a[0].uint_value()));
}
Value StringFromDouble(CallContext& c, const Value* a) {
  return MakeString(*c.arena, FormatDouble(a[0].double_value()));
}
Value StringFromBool(CallContext&, const Value* a) {
  return Value::String(a[0].bool_value() ? "true" : "false");
}
Value StringFromBytes(CallContext& c, const Value* a) {
  if (!utf8::IsValid(a[0].bytes_value())) return Err(c, "invalid UTF-8 in bytes, cannot convert to string");
  return Value::String(a[0].bytes_value());
}
Value StringFromTimestamp(CallContext& c, const Value* a) {
  return MakeString(*c.arena, FormatTimestamp(a[0].timestamp_value()));
}
Value StringFromDuration(CallContext& c, const Value* a) {
  return MakeString(*c.arena, FormatDuration(a[0].duration_value()));
}
Value BytesFromString(CallContext&, const Value* a) { return Value::Bytes(a[0].string_value()); }
Value BoolFromString(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    return Value::Bool(true);
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return Value::Bool(false);
  }
  return Err(c, "type conversion error from 'string' to 'bool'");
}
Value DurationFromString(CallContext& c, const Value* a) {
  int64_t nanos;
  std::string err;
  if (!ParseDuration(a[0].string_value(), &nanos, &err)) {
    return Err(c, "type conversion error from 'string' to 'google.protobuf.Duration': " + err);
  }
  return Value::Duration(nanos);
}
Value TimestampFromString(CallContext& c, const Value* a) {
  Timestamp ts;
  std::string err;
  if (!ParseTimestamp(a[0].string_value(), &ts, &err)) {
    return Err(c, "type conversion error from 'string' to 'google.protobuf.Timestamp': " + err);
  }
  return Value::Timestamp(ts);
}
Value TimestampFromInt(CallContext& c, const Value* a) {
  Timestamp ts{a[0].int_value(), 0};
  if (!TimestampInRange(ts)) return Err(c, "timestamp overflow");
  return Value::Timestamp(ts);
}
Value TypeOf(CallContext&, const Value* a) {
  if (a[0].kind() == ValueKind::kOpaque) return Value::Type(&a[0].opaque().type());
  return Value::Type(&types::ForKind(a[0].kind()));
}

// ---- Timestamp and duration accessors ------------------------------------------------------

enum class Field { kFullYear, kMonth, kDate, kDayOfMonth, kDayOfWeek, kDayOfYear, kHours,
                   kMinutes, kSeconds, kMilliseconds };

template <Field F>
Value TimestampField(CallContext& c, const Value* a, std::string_view tz) {
  CivilTime t;
  std::string err;
  if (!CivilTimeIn(a[0].timestamp_value(), tz, &t, &err)) return Err(c, err);
  switch (F) {
    case Field::kFullYear: return Value::Int(t.year);
    case Field::kMonth: return Value::Int(t.month0);
    case Field::kDate: return Value::Int(t.day_of_month1);
    case Field::kDayOfMonth: return Value::Int(t.day_of_month1 - 1);
    case Field::kDayOfWeek: return Value::Int(t.day_of_week);
    case Field::kDayOfYear: return Value::Int(t.day_of_year0);
    case Field::kHours: return Value::Int(t.hours);
    case Field::kMinutes: return Value::Int(t.minutes);
    case Field::kSeconds: return Value::Int(t.seconds);
    case Field::kMilliseconds: return Value::Int(t.milliseconds);
  }
  return Value();
}
template <Field F>
Value TsFieldUtc(CallContext& c, const Value* a) {
  return TimestampField<F>(c, a, "");
}
template <Field F>
Value TsFieldTz(CallContext& c, const Value* a) {
  return TimestampField<F>(c, a, a[1].string_value());
}

template <Field F>
Value DurationField(CallContext&, const Value* a) {
  int64_t d = a[0].duration_value();
  switch (F) {
    case Field::kHours: return Value::Int(d / 3600000000000LL);
    case Field::kMinutes: return Value::Int(d / 60000000000LL);
    case Field::kSeconds: return Value::Int(d / 1000000000LL);
    case Field::kMilliseconds: return Value::Int((d / 1000000LL) % 1000LL);
    default: return Value();
  }
}

}  // namespace

Library StandardLibrary(const StdLibOptions& options) {
  Library lib("cel.std");
  const T A = T::Param("A");
  const T B = T::Param("B");
  const T listA = T::List(A);
  const T mapAB = T::Map(A, B);

  // Logic and control: implemented by the planner; declared for the checker.
  lib.Function(std::string(op::kLogicalAnd)).Raw("logical_and", {T::Bool(), T::Bool()}, T::Bool(), nullptr, false);
  lib.Function(std::string(op::kLogicalOr)).Raw("logical_or", {T::Bool(), T::Bool()}, T::Bool(), nullptr, false);
  lib.Function(std::string(op::kConditional)).Raw("conditional", {T::Bool(), A, A}, A, nullptr, false);
  lib.Function(std::string(op::kNotStrictlyFalse)).Raw("not_strictly_false", {T::Bool()}, T::Bool(), nullptr, false);
  lib.Function(std::string(op::kEquals)).Raw("equals", {A, A}, T::Bool(), nullptr);
  lib.Function(std::string(op::kNotEquals)).Raw("not_equals", {A, A}, T::Bool(), nullptr);
  lib.Function(std::string(op::kIndex))
      .Raw("index_list", {listA, T::Int()}, A, nullptr)
      .Raw("index_map", {mapAB, A}, B, nullptr);
  lib.Function(std::string(op::kLogicalNot)).Raw("logical_not", {T::Bool()}, T::Bool(), &Not);

  // Arithmetic.
  auto add = lib.Function(std::string(op::kAdd));
  add.Raw("add_int64", {T::Int(), T::Int()}, T::Int(), &AddInt)
      .Raw("add_uint64", {T::Uint(), T::Uint()}, T::Uint(), &AddUint)
      .Raw("add_double", {T::Double(), T::Double()}, T::Double(), &AddDouble)
      .Raw("add_string", {T::String(), T::String()}, T::String(), &AddString)
      .Cost(&ConcatCost, &ConcatEstimate)
      .Raw("add_bytes", {T::Bytes(), T::Bytes()}, T::Bytes(), &AddBytes)
      .Cost(&ConcatCost, &ConcatEstimate)
      .Raw("add_list", {listA, listA}, listA, &AddList).Cost(&ConcatCost, &ConcatEstimate)
      .Raw("add_timestamp_duration", {T::Timestamp(), T::Duration()}, T::Timestamp(), &AddTsDur)
      .Raw("add_duration_timestamp", {T::Duration(), T::Timestamp()}, T::Timestamp(), &AddDurTs)
      .Raw("add_duration_duration", {T::Duration(), T::Duration()}, T::Duration(), &AddDurDur);
  lib.Function(std::string(op::kSubtract))
      .Raw("subtract_int64", {T::Int(), T::Int()}, T::Int(), &SubInt)
      .Raw("subtract_uint64", {T::Uint(), T::Uint()}, T::Uint(), &SubUint)
      .Raw("subtract_double", {T::Double(), T::Double()}, T::Double(), &SubDouble)
      .Raw("subtract_timestamp_timestamp", {T::Timestamp(), T::Timestamp()}, T::Duration(), &SubTsTs)
      .Raw("subtract_timestamp_duration", {T::Timestamp(), T::Duration()}, T::Timestamp(), &SubTsDur)
      .Raw("subtract_duration_duration", {T::Duration(), T::Duration()}, T::Duration(), &SubDurDur);
  lib.Function(std::string(op::kMultiply))
      .Raw("multiply_int64", {T::Int(), T::Int()}, T::Int(), &MulInt)
      .Raw("multiply_uint64", {T::Uint(), T::Uint()}, T::Uint(), &MulUint)
      .Raw("multiply_double", {T::Double(), T::Double()}, T::Double(), &MulDouble);
  lib.Function(std::string(op::kDivide))
      .Raw("divide_int64", {T::Int(), T::Int()}, T::Int(), &DivInt)
      .Raw("divide_uint64", {T::Uint(), T::Uint()}, T::Uint(), &DivUint)
      .Raw("divide_double", {T::Double(), T::Double()}, T::Double(), &DivDouble);
  lib.Function(std::string(op::kModulo))
      .Raw("modulo_int64", {T::Int(), T::Int()}, T::Int(), &ModInt)
      .Raw("modulo_uint64", {T::Uint(), T::Uint()}, T::Uint(), &ModUint);
  lib.Function(std::string(op::kNegate))
      .Raw("negate_int64", {T::Int()}, T::Int(), &NegInt)
      .Raw("negate_double", {T::Double()}, T::Double(), &NegDouble);

  // Ordering: one generic implementation, per-type declarations for the checker.
  struct Rel {
    std::string_view op;
    std::string prefix;
    FunctionImpl impl;
  };
  const Rel rels[] = {{op::kLess, "less", &Compare<0>},
                      {op::kLessEquals, "less_equals", &Compare<1>},
                      {op::kGreater, "greater", &Compare<2>},
                      {op::kGreaterEquals, "greater_equals", &Compare<3>}};
  struct Pair {
    const char* suffix;
    T a, b;
  };
  std::vector<Pair> pairs = {{"bool", T::Bool(), T::Bool()},
                             {"int64", T::Int(), T::Int()},
                             {"uint64", T::Uint(), T::Uint()},
                             {"double", T::Double(), T::Double()},
                             {"string", T::String(), T::String()},
                             {"bytes", T::Bytes(), T::Bytes()},
                             {"timestamp", T::Timestamp(), T::Timestamp()},
                             {"duration", T::Duration(), T::Duration()}};
  if (options.cross_type_numeric_comparisons) {
    pairs.push_back({"int64_uint64", T::Int(), T::Uint()});
    pairs.push_back({"int64_double", T::Int(), T::Double()});
    pairs.push_back({"uint64_int64", T::Uint(), T::Int()});
    pairs.push_back({"uint64_double", T::Uint(), T::Double()});
    pairs.push_back({"double_int64", T::Double(), T::Int()});
    pairs.push_back({"double_uint64", T::Double(), T::Uint()});
  }
  for (const Rel& r : rels) {
    auto f = lib.Function(std::string(r.op));
    for (const Pair& p : pairs) {
      f.Raw(r.prefix + "_" + p.suffix, {p.a, p.b}, T::Bool(), r.impl).CostBySize<&CompareFormula>();
    }
  }

  lib.Function(std::string(op::kIn))
      .Raw("in_list", {A, listA}, T::Bool(), &InList).CostBySize<&InListFormula>()
      .Raw("in_map", {A, mapAB}, T::Bool(), &InMap);

  lib.Function("size")
      .Add<&SizeString>("size_string")
      .Add<&SizeBytes>("size_bytes")
      .Add<&SizeList>("size_list", {listA}, T::Int())
      .Add<&SizeMap>("size_map", {mapAB}, T::Int());
  lib.Member("size")
      .Add<&SizeString>("string_size")
      .Add<&SizeBytes>("bytes_size")
      .Add<&SizeList>("list_size", {listA}, T::Int())
      .Add<&SizeMap>("map_size", {mapAB}, T::Int());

  lib.Member("contains").Add<&Contains>("contains_string").CostBySize<&ContainsFormula>();
  lib.Member("startsWith").Add<&StartsWith>("starts_with_string").CostBySize<&PrefixFormula>();
  lib.Member("endsWith").Add<&EndsWith>("ends_with_string").CostBySize<&PrefixFormula>();
  lib.Function("matches")
      .Raw("matches", {T::String(), T::String()}, T::Bool(), &Matches)
      .CostBySize<&MatchesFormula>()
      .Prepare(1, &PrepareRegex, &MatchesPrepared, &DestroyRegex);
  lib.Member("matches")
      .Raw("matches_string", {T::String(), T::String()}, T::Bool(), &Matches)
      .CostBySize<&MatchesFormula>()
      .Prepare(1, &PrepareRegex, &MatchesPrepared, &DestroyRegex);

  // Conversions.
  lib.Function("int")
      .Raw("int64_to_int64", {T::Int()}, T::Int(), &Identity)
      .Raw("uint64_to_int64", {T::Uint()}, T::Int(), &IntFromUint)
      .Raw("double_to_int64", {T::Double()}, T::Int(), &IntFromDouble)
      .Raw("string_to_int64", {T::String()}, T::Int(), &IntFromString)
      .Raw("timestamp_to_int64", {T::Timestamp()}, T::Int(), &IntFromTimestamp);
  lib.Function("uint")
      .Raw("uint64_to_uint64", {T::Uint()}, T::Uint(), &Identity)
      .Raw("int64_to_uint64", {T::Int()}, T::Uint(), &UintFromInt)
      .Raw("double_to_uint64", {T::Double()}, T::Uint(), &UintFromDouble)
      .Raw("string_to_uint64", {T::String()}, T::Uint(), &UintFromString);
  lib.Function("double")
      .Raw("double_to_double", {T::Double()}, T::Double(), &Identity)
      .Raw("int64_to_double", {T::Int()}, T::Double(), &DoubleFromInt)
      .Raw("uint64_to_double", {T::Uint()}, T::Double(), &DoubleFromUint)
      .Raw("string_to_double", {T::String()}, T::Double(), &DoubleFromString);
  lib.Function("string")
      .Raw("string_to_string", {T::String()}, T::String(), &Identity)
      .Raw("int64_to_string", {T::Int()}, T::String(), &StringFromInt)
      .Raw("uint64_to_string", {T::Uint()}, T::String(), &StringFromUint)
      .Raw("double_to_string", {T::Double()}, T::String(), &StringFromDouble)
      .Raw("bool_to_string", {T::Bool()}, T::String(), &StringFromBool)
      .Raw("bytes_to_string", {T::Bytes()}, T::String(), &StringFromBytes)
      .CostBySize<&ConvFormula>()
      .Raw("timestamp_to_string", {T::Timestamp()}, T::String(), &StringFromTimestamp)
      .Raw("duration_to_string", {T::Duration()}, T::String(), &StringFromDuration);
  lib.Function("bytes")
      .Raw("bytes_to_bytes", {T::Bytes()}, T::Bytes(), &Identity)
      .Raw("string_to_bytes", {T::String()}, T::Bytes(), &BytesFromString)
      .CostBySize<&ConvFormula>();
  lib.Function("bool")
      .Raw("bool_to_bool", {T::Bool()}, T::Bool(), &Identity)
      .Raw("string_to_bool", {T::String()}, T::Bool(), &BoolFromString);
  lib.Function("duration")
      .Raw("duration_to_duration", {T::Duration()}, T::Duration(), &Identity)
      .Raw("string_to_duration", {T::String()}, T::Duration(), &DurationFromString)
      .CostBySize<&ConvFormula>();
  lib.Function("timestamp")
      .Raw("timestamp_to_timestamp", {T::Timestamp()}, T::Timestamp(), &Identity)
      .Raw("string_to_timestamp", {T::String()}, T::Timestamp(), &TimestampFromString)
      .CostBySize<&ConvFormula>()
      .Raw("int64_to_timestamp", {T::Int()}, T::Timestamp(), &TimestampFromInt);
  lib.Function("dyn").Raw("to_dyn", {A}, T::Dyn(), &Identity);
  lib.Function("type").Raw("type", {A}, T::TypeOf(A), &TypeOf);

  // Timestamp accessors, UTC and with a time zone.
  struct Acc {
    const char* name;
    const char* id;
    FunctionImpl utc;
    FunctionImpl tz;
  };
  const Acc accs[] = {
      {"getFullYear", "timestamp_to_year", &TsFieldUtc<Field::kFullYear>, &TsFieldTz<Field::kFullYear>},
      {"getMonth", "timestamp_to_month", &TsFieldUtc<Field::kMonth>, &TsFieldTz<Field::kMonth>},
      {"getDate", "timestamp_to_day_of_month_1_based", &TsFieldUtc<Field::kDate>, &TsFieldTz<Field::kDate>},
      {"getDayOfMonth", "timestamp_to_day_of_month", &TsFieldUtc<Field::kDayOfMonth>, &TsFieldTz<Field::kDayOfMonth>},
      {"getDayOfWeek", "timestamp_to_day_of_week", &TsFieldUtc<Field::kDayOfWeek>, &TsFieldTz<Field::kDayOfWeek>},
      {"getDayOfYear", "timestamp_to_day_of_year", &TsFieldUtc<Field::kDayOfYear>, &TsFieldTz<Field::kDayOfYear>},
      {"getHours", "timestamp_to_hours", &TsFieldUtc<Field::kHours>, &TsFieldTz<Field::kHours>},
      {"getMinutes", "timestamp_to_minutes", &TsFieldUtc<Field::kMinutes>, &TsFieldTz<Field::kMinutes>},
      {"getSeconds", "timestamp_to_seconds", &TsFieldUtc<Field::kSeconds>, &TsFieldTz<Field::kSeconds>},
      {"getMilliseconds", "timestamp_to_milliseconds", &TsFieldUtc<Field::kMilliseconds>, &TsFieldTz<Field::kMilliseconds>},
  };
  for (const Acc& a : accs) {
    auto f = lib.Member(a.name);
    f.Raw(a.id, {T::Timestamp()}, T::Int(), a.utc);
    f.Raw(std::string(a.id) + "_with_tz", {T::Timestamp(), T::String()}, T::Int(), a.tz);
  }
  lib.Member("getHours").Raw("duration_to_hours", {T::Duration()}, T::Int(), &DurationField<Field::kHours>);
  lib.Member("getMinutes").Raw("duration_to_minutes", {T::Duration()}, T::Int(), &DurationField<Field::kMinutes>);
  lib.Member("getSeconds").Raw("duration_to_seconds", {T::Duration()}, T::Int(), &DurationField<Field::kSeconds>);
  lib.Member("getMilliseconds").Raw("duration_to_milliseconds", {T::Duration()}, T::Int(), &DurationField<Field::kMilliseconds>);

  // Type names usable as values.
  lib.TypeName(&types::kBool, T::TypeOf(T::Bool()));
  lib.TypeName(&types::kInt, T::TypeOf(T::Int()));
  lib.TypeName(&types::kUint, T::TypeOf(T::Uint()));
  lib.TypeName(&types::kDouble, T::TypeOf(T::Double()));
  lib.TypeName(&types::kString, T::TypeOf(T::String()));
  lib.TypeName(&types::kBytes, T::TypeOf(T::Bytes()));
  lib.TypeName(&types::kList, T::TypeOf(T::List(T::Dyn())));
  lib.TypeName(&types::kMap, T::TypeOf(T::Map(T::Dyn(), T::Dyn())));
  lib.TypeName(&types::kNull, T::TypeOf(T::Null()));
  lib.TypeName(&types::kType, T::TypeOf(T::TypeOf(T::Dyn())));
  lib.TypeName(&types::kTimestamp, T::TypeOf(T::Timestamp()));
  lib.TypeName(&types::kDuration, T::TypeOf(T::Duration()));
  return lib;
}

}  // namespace celgate::cel

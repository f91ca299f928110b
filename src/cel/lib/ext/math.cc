// cel/lib/ext/math.cc: the math extension. Entry point: MathLibrary() in ext.h.
//
// cel-go ext/math.go. cel-go parses math.greatest / math.least as macros that rewrite to
// math.@max / math.@min (one argument, two arguments, or a list of three or more); our parser
// leaves them as calls, so both spellings are declared here with one implementation: numbers of
// any mix of int, uint and double compare by value, and the winner keeps its own type.
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

bool IsNumber(const Value& v) {
  return v.kind() == ValueKind::kInt || v.kind() == ValueKind::kUint ||
         v.kind() == ValueKind::kDouble;
}
bool IsNaN(const Value& v) {
  return v.kind() == ValueKind::kDouble && std::isnan(v.double_value());
}

// Folds `items` with max (kMax) or min; the first of equal values wins, as in cel-go.
template <bool kMax>
Value Extremum(CallContext& c, const Value* items, size_t n) {
  const char* name = kMax ? "math.@max" : "math.@min";
  Value best = items[0];
  for (size_t i = 0; i < n; ++i) {
    const Value& v = items[i];
    if (!IsNumber(v)) return NoSuchOverload(*c.arena, name);
    if (IsNaN(v) || IsNaN(best)) {
      return c.Error(std::string("NaN values cannot be ordered: ") + name);
    }
    if (i == 0) continue;
    int r = 0;
    bool nan = false;
    ValueCompare(best, v, &r, &nan);
    if (kMax ? r < 0 : r > 0) best = v;
  }
  return best;
}

template <bool kMax>
Value ExtremumArgs1(CallContext& c, const Value* a) {
  return Extremum<kMax>(c, a, 1);
}
template <bool kMax, size_t N>
Value ExtremumN(CallContext& c, const Value* a) {
  return Extremum<kMax>(c, a, N);
}

template <bool kMax>
Value ExtremumList(CallContext& c, const Value* a) {
  const ListValue& l = a[0].list();
  if (l.size() == 0) {
    return c.Error(std::string(kMax ? "math.@max" : "math.@min") +
                   "(list) argument must not be empty");
  }
  std::vector<Value> items(l.size());
  for (size_t i = 0; i < l.size(); ++i) items[i] = l.Get(i, *c.arena);
  return Extremum<kMax>(c, items.data(), items.size());
}

// Dispatch table for the variadic forms: ExtremumN<kMax, N> for N in [3, kMaxMathArgs].
template <bool kMax, size_t... I>
constexpr std::array<FunctionImpl, sizeof...(I)> MakeVariadic(std::index_sequence<I...>) {
  return {&ExtremumN<kMax, I + 3>...};
}

// Declares one greatest/least spelling: scalars, pairs, lists, and (for the user-facing
// name) 3..kMaxMathArgs arguments.
template <bool kMax>
void DeclareExtremum(Library& lib, const std::string& name, const std::string& id_prefix,
                     bool variadic) {
  auto f = lib.Function(name);
  const std::pair<const char*, T> nums[] = {
      {"double", T::Double()}, {"int", T::Int()}, {"uint", T::Uint()}};
  for (const auto& [n, t] : nums) f.Raw(id_prefix + n, {t}, t, &ExtremumArgs1<kMax>);
  for (const auto& [n1, t1] : nums) {
    for (const auto& [n2, t2] : nums) {
      T result = t1 == t2 ? t1 : T::Dyn();
      f.Raw(id_prefix + n1 + "_" + n2, {t1, t2}, result, &ExtremumN<kMax, 2>);
    }
  }
  for (const auto& [n, t] : nums) {
    f.Raw(id_prefix + "list_" + n, {T::List(t)}, t, &ExtremumList<kMax>);
  }
  if (variadic) {
    static constexpr auto kImpls = MakeVariadic<kMax>(std::make_index_sequence<kMaxMathArgs - 2>());
    for (size_t n = 3; n <= kMaxMathArgs; ++n) {
      f.Raw(id_prefix + "dyn" + std::to_string(n), std::vector<T>(n, T::Dyn()), T::Dyn(),
            kImpls[n - 3]);
    }
  }
}

// ---- Rounding, signs, floating-point predicates -------------------------------------------

double Ceil(double d) { return std::ceil(d); }
double Floor(double d) { return std::floor(d); }
double Round(double d) { return std::round(d); }  // half away from zero, as Go's math.Round
double Trunc(double d) { return std::trunc(d); }
bool IsInf(double d) { return std::isinf(d); }
bool IsNaNDouble(double d) { return std::isnan(d); }
bool IsFinite(double d) { return std::isfinite(d); }

double AbsDouble(double d) { return std::fabs(d); }
// Functions taking the CallContext use the untyped form (the typed adapter cannot take a
// leading CallContext& together with other arguments yet; see the report).
Value AbsInt(CallContext& c, const Value* a) {
  int64_t i = a[0].int_value();
  if (i == std::numeric_limits<int64_t>::min()) return c.Error("integer overflow");
  return Value::Int(i < 0 ? -i : i);
}
uint64_t AbsUint(uint64_t u) { return u; }

double SignDouble(double d) {
  if (std::isnan(d)) return d;
  return d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);
}
int64_t SignInt(int64_t i) { return i > 0 ? 1 : (i < 0 ? -1 : 0); }
uint64_t SignUint(uint64_t u) { return u == 0 ? 0 : 1; }

double SqrtDouble(double d) { return std::sqrt(d); }
double SqrtInt(int64_t i) { return std::sqrt(static_cast<double>(i)); }
double SqrtUint(uint64_t u) { return std::sqrt(static_cast<double>(u)); }

// ---- Bitwise ------------------------------------------------------------------------------

int64_t BitAndInt(int64_t a, int64_t b) { return a & b; }
uint64_t BitAndUint(uint64_t a, uint64_t b) { return a & b; }
int64_t BitOrInt(int64_t a, int64_t b) { return a | b; }
uint64_t BitOrUint(uint64_t a, uint64_t b) { return a | b; }
int64_t BitXorInt(int64_t a, int64_t b) { return a ^ b; }
uint64_t BitXorUint(uint64_t a, uint64_t b) { return a ^ b; }
int64_t BitNotInt(int64_t a) { return ~a; }
uint64_t BitNotUint(uint64_t a) { return ~a; }

Value NegativeShift(CallContext& c, const char* fn, int64_t bits) {
  return c.Error(std::string(fn) + " negative offset: " + std::to_string(bits));
}
// Shifts of 64 bits or more give 0; right shifts fill with zeros, also for ints.
Value ShiftLeftInt(CallContext& c, const Value* a) {
  int64_t v = a[0].int_value(), bits = a[1].int_value();
  if (bits < 0) return NegativeShift(c, "math.bitShiftLeft()", bits);
  if (bits >= 64) return Value::Int(0);
  return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(v) << bits));
}
Value ShiftLeftUint(CallContext& c, const Value* a) {
  uint64_t v = a[0].uint_value();
  int64_t bits = a[1].int_value();
  if (bits < 0) return NegativeShift(c, "math.bitShiftLeft()", bits);
  return Value::Uint(bits >= 64 ? 0 : v << bits);
}
Value ShiftRightInt(CallContext& c, const Value* a) {
  int64_t v = a[0].int_value(), bits = a[1].int_value();
  if (bits < 0) return NegativeShift(c, "math.bitShiftRight()", bits);
  if (bits >= 64) return Value::Int(0);
  return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(v) >> bits));
}
Value ShiftRightUint(CallContext& c, const Value* a) {
  uint64_t v = a[0].uint_value();
  int64_t bits = a[1].int_value();
  if (bits < 0) return NegativeShift(c, "math.bitShiftRight()", bits);
  return Value::Uint(bits >= 64 ? 0 : v >> bits);
}

}  // namespace

Library MathLibrary(int version) {
  Library lib("cel.lib.ext.math");
  DeclareExtremum<true>(lib, "math.greatest", "math_greatest_", true);
  DeclareExtremum<false>(lib, "math.least", "math_least_", true);
  DeclareExtremum<true>(lib, "math.@max", "math_@max_", false);
  DeclareExtremum<false>(lib, "math.@min", "math_@min_", false);
  if (version >= 1) {
    lib.Function("math.ceil").Add<&Ceil>("math_ceil_double");
    lib.Function("math.floor").Add<&Floor>("math_floor_double");
    lib.Function("math.round").Add<&Round>("math_round_double");
    lib.Function("math.trunc").Add<&Trunc>("math_trunc_double");
    lib.Function("math.isInf").Add<&IsInf>("math_isInf_double");
    lib.Function("math.isNaN").Add<&IsNaNDouble>("math_isNaN_double");
    lib.Function("math.isFinite").Add<&IsFinite>("math_isFinite_double");
    lib.Function("math.abs")
        .Add<&AbsDouble>("math_abs_double")
        .Raw("math_abs_int", {T::Int()}, T::Int(), &AbsInt)
        .Add<&AbsUint>("math_abs_uint");
    lib.Function("math.sign")
        .Add<&SignDouble>("math_sign_double")
        .Add<&SignInt>("math_sign_int")
        .Add<&SignUint>("math_sign_uint");
    lib.Function("math.bitAnd")
        .Add<&BitAndInt>("math_bitAnd_int_int")
        .Add<&BitAndUint>("math_bitAnd_uint_uint");
    lib.Function("math.bitOr")
        .Add<&BitOrInt>("math_bitOr_int_int")
        .Add<&BitOrUint>("math_bitOr_uint_uint");
    lib.Function("math.bitXor")
        .Add<&BitXorInt>("math_bitXor_int_int")
        .Add<&BitXorUint>("math_bitXor_uint_uint");
    lib.Function("math.bitNot")
        .Add<&BitNotInt>("math_bitNot_int_int")
        .Add<&BitNotUint>("math_bitNot_uint_uint");
    lib.Function("math.bitShiftLeft")
        .Raw("math_bitShiftLeft_int_int", {T::Int(), T::Int()}, T::Int(), &ShiftLeftInt)
        .Raw("math_bitShiftLeft_uint_int", {T::Uint(), T::Int()}, T::Uint(), &ShiftLeftUint);
    lib.Function("math.bitShiftRight")
        .Raw("math_bitShiftRight_int_int", {T::Int(), T::Int()}, T::Int(), &ShiftRightInt)
        .Raw("math_bitShiftRight_uint_int", {T::Uint(), T::Int()}, T::Uint(), &ShiftRightUint);
  }
  if (version >= 2) {
    lib.Function("math.sqrt")
        .Add<&SqrtDouble>("math_sqrt_double")
        .Add<&SqrtInt>("math_sqrt_int")
        .Add<&SqrtUint>("math_sqrt_uint");
  }
  return lib;
}

}  // namespace celgate::cel

// cel/common/function.h: declarations and implementations of CEL functions, together
// (STYLE.md H13). A Library bundles function overloads (their static signatures for the
// checker, their implementations for the evaluator), variables and macros, so the two can
// never drift apart. Typed adapters derive signatures from C++ function types:
//
//   bool StringContains(StringArg s, StringArg sub);
//   Library lib("strings");
//   lib.Member("contains").Add<&StringContains>("contains_string");
//
// Implementations are plain function pointers: no std::function, no lookup at call time.
//
// Costs (STYLE.md H11): an overload whose cost is not the default 1 declares, in the same
// registration, its runtime cost and its static estimate, so the checker's estimate and the
// runtime tracker read one table. Write the formula once over argument sizes:
//
//   uint64_t ContainsFormula(const CostSizes& size) {   // non-decreasing in every size
//     return SatMul(AtLeast1(OfSize(size[0], 0.1)), AtLeast1(OfSize(size[1], 0.1)));
//   }
//   lib.Member("contains").Add<&StringContains>("contains_string")
//       .CostBySize<&ContainsFormula>();
//
// or give both halves explicitly with .Cost(runtime_fn, estimate_fn) (shapes a size formula
// cannot express), or .FixedCost<N>().
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/arena.h"
#include "cel/common/cost_constants.h"
#include "cel/common/type.h"
#include "cel/common/value.h"

namespace celgate::cel {

// What an implementation may use while running. Owned by the evaluator for one evaluation.
struct CallContext {
  Arena* arena = nullptr;
  // Runtime cost accumulated by library calls whose cost depends on their input (strings,
  // regexes, lists); the evaluator adds it to the expression's cost.
  uint64_t extra_cost = 0;
  // Opaque pointer for environment-specific services (e.g. an authorizer). May be null.
  const void* services = nullptr;

  Arena& arena_ref() { return *arena; }
  Value Error(std::string_view message) { return MakeError(*arena, message); }
};

using FunctionImpl = Value (*)(CallContext& ctx, const Value* args);

// ---- Costs ---------------------------------------------------------------------------------

// Runtime cost of one call from its (already evaluated) arguments.
using RuntimeCostFn = uint64_t (*)(const Value* args);

// What the static estimator (cel/checker/cost.h) knows about one argument of a call.
struct ArgEstimate {
  SizeRange size;  // bytes of a string or bytes, elements of a list or map, 1 otherwise
  Type type;       // the checker's static type (dyn when unknown)
  std::optional<int64_t> int_constant;  // the value, when the argument is an int literal
};

// Input of a static estimate function. Valid during the call only.
struct EstimateInput {
  std::span<const ArgEstimate> args;  // receiver first for member overloads
  // The estimator's bounds for values of unknown size (CostOptions): string / bytes length
  // and list / map element count.
  uint64_t max_string_size = cost::kMaxRequestSizeBytes;
  uint64_t max_elements = cost::kMaxRequestSizeBytes / 2;

  // Size range of argument i; {0, 0} past the end (an absent optional argument).
  SizeRange size(size_t i) const { return i < args.size() ? args[i].size : SizeRange{0, 0}; }
  // The bound for a value of static type `t` of unknown size (the estimator's own rule).
  SizeRange SizeOfType(const Type& t) const;
};

// Result of a static estimate function.
struct CallEstimate {
  CostEstimate cost;  // of the call itself, arguments excluded
  // Size of the result when the function knows better than its result type (e.g. `a + b` on
  // strings is at most size(a) + size(b)); nullopt: the bound of the result type.
  std::optional<SizeRange> result_size;
};
using EstimateFn = CallEstimate (*)(const EstimateInput& in);

// Argument sizes as a cost formula sees them: at run time the sizes of the actual values, in a
// static estimate one end (all minima or all maxima) of the argument size ranges. Past the last
// argument the size is 0.
class CostSizes {
 public:
  using Measure = uint64_t (*)(const Value& v);
  CostSizes(const Value* args, Measure measure) : args_(args), measure_(measure) {}
  CostSizes(const EstimateInput& in, bool max) : in_(&in), max_(max) {}
  uint64_t operator[](size_t i) const {
    if (in_ == nullptr) return measure_(args_[i]);
    SizeRange r = in_->size(i);
    return max_ ? r.max : r.min;
  }

 private:
  const Value* args_ = nullptr;
  Measure measure_ = nullptr;
  const EstimateInput* in_ = nullptr;
  bool max_ = false;
};
// A cost formula over argument sizes. It must be non-decreasing in every size: the static
// estimate is [formula(minima), formula(maxima)]. Use cost:: saturating arithmetic, since
// maxima may be cost::kUnbounded. A formula reads only the arguments its overload has.
using SizeFormula = uint64_t (*)(const CostSizes& size);

// The cost model's size of a value (spec 5.1 actualSize, in bytes): bytes of a string or
// bytes, elements of a list or map, 1 otherwise. Kubernetes library formulas that count code
// points pass their own measure; code points <= bytes, and the estimator's ranges bracket both.
inline uint64_t CostSize(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kString: return v.string_value().size();
    case ValueKind::kBytes: return v.bytes_value().size();
    case ValueKind::kList: return v.list().size();
    case ValueKind::kMap: return v.map().size();
    default: return 1;
  }
}

// The runtime and static halves of a size formula (FunctionBuilder::CostBySize).
template <SizeFormula F, CostSizes::Measure M = &CostSize>
struct SizeCost {
  static uint64_t Runtime(const Value* args) { return F(CostSizes(args, M)); }
  static CallEstimate Estimate(const EstimateInput& in) {
    return {{F(CostSizes(in, false)), F(CostSizes(in, true))}, std::nullopt};
  }
};
template <uint64_t N>
struct FixedCostFns {
  static uint64_t Runtime(const Value*) { return N; }
  static CallEstimate Estimate(const EstimateInput&) { return {{N, N}, std::nullopt}; }
};

// Runtime argument test derived from a parameter's static type: the evaluator dispatches on
// it when static typing left several candidates (dyn arguments).
struct ArgMatcher {
  bool any = true;  // dyn, type parameters
  ValueKind kind = ValueKind::kNull;
  std::string opaque_name;  // for kOpaque: the TypeInfo name
  bool Matches(const Value& v) const {
    if (any) return true;
    if (v.kind() != kind) return false;
    return kind != ValueKind::kOpaque || v.opaque().type().name == opaque_name;
  }
};

struct OverloadDecl {
  std::string id;             // unique, e.g. "contains_string"
  bool member = false;        // receiver-style: args[0] is the receiver
  std::vector<Type> params;   // including the receiver for member overloads
  Type result;
  FunctionImpl impl = nullptr;  // null for operators the planner implements itself
  // Strict functions never see error arguments: the evaluator returns the first error.
  bool strict = true;
  std::vector<ArgMatcher> matchers;  // filled by Library from params
  // Runtime cost of one call (Kubernetes/cel-go cost model); null means the default cost 1.
  // Set together with `estimate` (FunctionBuilder::Cost): one table for both (STYLE.md H11).
  RuntimeCostFn cost = nullptr;
  // Static estimate of the same cost (cel/checker/cost.h), including anything the
  // implementation charges through CallContext::extra_cost. Null with a null `cost`: [1, 1].
  EstimateFn estimate = nullptr;
  // Optional plan-time specialisation when argument `prepared_arg` is a constant string (a
  // regex pattern, say): `prepare` builds an object the Program owns (null + *error when the
  // constant is invalid, which becomes a compile issue), `call_prepared` uses it, `destroy`
  // frees it with the Program.
  int prepared_arg = -1;
  const void* (*prepare)(std::string_view constant, std::string* error) = nullptr;
  Value (*call_prepared)(CallContext& ctx, const Value* args, const void* prepared) = nullptr;
  void (*destroy)(const void* prepared) = nullptr;
};

struct FunctionDecl {
  std::string name;
  std::vector<OverloadDecl> overloads;
};

struct VariableDecl {
  std::string name;
  Type type;
};

// Argument wrappers for typed adapters.
struct StringArg {
  std::string_view value;
  operator std::string_view() const { return value; }  // NOLINT
};
struct BytesArg {
  std::string_view value;
};
struct DurationArg {
  int64_t nanos;
};
// A result string the adapter copies into the arena.
struct StringResult {
  std::string value;
};

namespace internal {

template <typename T>
struct ArgTraits;
template <>
struct ArgTraits<bool> {
  static Type StaticType() { return Type::Bool(); }
  static bool Get(const Value& v) { return v.bool_value(); }
};
template <>
struct ArgTraits<int64_t> {
  static Type StaticType() { return Type::Int(); }
  static int64_t Get(const Value& v) { return v.int_value(); }
};
template <>
struct ArgTraits<uint64_t> {
  static Type StaticType() { return Type::Uint(); }
  static uint64_t Get(const Value& v) { return v.uint_value(); }
};
template <>
struct ArgTraits<double> {
  static Type StaticType() { return Type::Double(); }
  static double Get(const Value& v) { return v.double_value(); }
};
template <>
struct ArgTraits<StringArg> {
  static Type StaticType() { return Type::String(); }
  static StringArg Get(const Value& v) { return StringArg{v.string_value()}; }
};
template <>
struct ArgTraits<BytesArg> {
  static Type StaticType() { return Type::Bytes(); }
  static BytesArg Get(const Value& v) { return BytesArg{v.bytes_value()}; }
};
template <>
struct ArgTraits<Timestamp> {
  static Type StaticType() { return Type::Timestamp(); }
  static Timestamp Get(const Value& v) { return v.timestamp_value(); }
};
template <>
struct ArgTraits<DurationArg> {
  static Type StaticType() { return Type::Duration(); }
  static DurationArg Get(const Value& v) { return DurationArg{v.duration_value()}; }
};
template <>
struct ArgTraits<Value> {
  static Type StaticType() { return Type::Dyn(); }
  static Value Get(const Value& v) { return v; }
};
template <>
struct ArgTraits<const Value&> : ArgTraits<Value> {};
template <>
struct ArgTraits<const ListValue&> {
  static Type StaticType() { return Type::List(Type::Dyn()); }
  static const ListValue& Get(const Value& v) { return v.list(); }
};
template <>
struct ArgTraits<const MapValue&> {
  static Type StaticType() { return Type::Map(Type::Dyn(), Type::Dyn()); }
  static const MapValue& Get(const Value& v) { return v.map(); }
};
// Opaque library types: `const T&` where T derives from OpaqueValue and declares
// `static const TypeInfo& StaticTypeInfo();`.
template <typename T>
struct ArgTraits<const T&> {
  static_assert(std::is_base_of_v<OpaqueValue, T>, "unsupported argument type");
  static Type StaticType() { return Type::Opaque(std::string(T::StaticTypeInfo().name)); }
  static const T& Get(const Value& v) { return static_cast<const T&>(v.opaque()); }
};

template <typename R>
struct ResultTraits;
template <>
struct ResultTraits<bool> {
  static Type StaticType() { return Type::Bool(); }
  static Value Make(CallContext&, bool b) { return Value::Bool(b); }
};
template <>
struct ResultTraits<int64_t> {
  static Type StaticType() { return Type::Int(); }
  static Value Make(CallContext&, int64_t i) { return Value::Int(i); }
};
template <>
struct ResultTraits<uint64_t> {
  static Type StaticType() { return Type::Uint(); }
  static Value Make(CallContext&, uint64_t u) { return Value::Uint(u); }
};
template <>
struct ResultTraits<double> {
  static Type StaticType() { return Type::Double(); }
  static Value Make(CallContext&, double d) { return Value::Double(d); }
};
template <>
struct ResultTraits<Value> {
  static Type StaticType() { return Type::Dyn(); }
  static Value Make(CallContext&, Value v) { return v; }
};
template <>
struct ResultTraits<StringResult> {
  static Type StaticType() { return Type::String(); }
  static Value Make(CallContext& c, const StringResult& s) { return MakeString(*c.arena, s.value); }
};
template <>
struct ResultTraits<Timestamp> {
  static Type StaticType() { return Type::Timestamp(); }
  static Value Make(CallContext&, Timestamp t) { return Value::Timestamp(t); }
};
template <>
struct ResultTraits<DurationArg> {
  static Type StaticType() { return Type::Duration(); }
  static Value Make(CallContext&, DurationArg d) { return Value::Duration(d.nanos); }
};

template <auto F>
struct Adapter;

template <typename... Args>
inline constexpr bool kStartsWithContext = false;
template <typename First, typename... Rest>
inline constexpr bool kStartsWithContext<First, Rest...> =
    std::is_same_v<std::remove_cvref_t<First>, CallContext>;

// Without a context parameter.
template <typename R, typename... Args, R (*F)(Args...)>
  requires(!kStartsWithContext<Args...>)
struct Adapter<F> {
  static std::vector<Type> Params() { return {ArgTraits<Args>::StaticType()...}; }
  static Type Result() { return ResultTraits<R>::StaticType(); }
  static Value Call(CallContext& ctx, const Value* args) {
    return CallImpl(ctx, args, std::index_sequence_for<Args...>{});
  }
  template <size_t... I>
  static Value CallImpl(CallContext& ctx, const Value* args, std::index_sequence<I...>) {
    return ResultTraits<R>::Make(ctx, F(ArgTraits<Args>::Get(args[I])...));
  }
};

// With a leading CallContext& parameter.
template <typename R, typename... Args, R (*F)(CallContext&, Args...)>
struct Adapter<F> {
  static std::vector<Type> Params() { return {ArgTraits<Args>::StaticType()...}; }
  static Type Result() { return ResultTraits<R>::StaticType(); }
  static Value Call(CallContext& ctx, const Value* args) {
    return CallImpl(ctx, args, std::index_sequence_for<Args...>{});
  }
  template <size_t... I>
  static Value CallImpl(CallContext& ctx, const Value* args, std::index_sequence<I...>) {
    return ResultTraits<R>::Make(ctx, F(ctx, ArgTraits<Args>::Get(args[I])...));
  }
};

}  // namespace internal

// Fills OverloadDecl::matchers from OverloadDecl::params.
void ComputeMatchers(OverloadDecl* overload);

class Library {
 public:
  // Adds overloads to one function name, global or member style.
  class FunctionBuilder {
   public:
    FunctionBuilder(Library* lib, std::string name, bool member)
        : lib_(lib), name_(std::move(name)), member_(member) {}

    // Typed adapter: signature from F's C++ type. `result` overrides the derived result type
    // (use it for Value-returning functions with a precise static type).
    template <auto F>
    FunctionBuilder& Add(std::string id) {
      using A = internal::Adapter<F>;
      return Raw(std::move(id), A::Params(), A::Result(), &A::Call);
    }
    template <auto F>
    FunctionBuilder& Add(std::string id, std::vector<Type> params, Type result) {
      using A = internal::Adapter<F>;
      return Raw(std::move(id), std::move(params), std::move(result), &A::Call);
    }
    // Untyped implementation with an explicit signature.
    FunctionBuilder& Raw(std::string id, std::vector<Type> params, Type result,
                         FunctionImpl impl, bool strict = true);
    // Adds a plan-time specialisation to the overload added last (see OverloadDecl).
    FunctionBuilder& Prepare(int arg, const void* (*prepare)(std::string_view, std::string*),
                             Value (*call)(CallContext&, const Value*, const void*),
                             void (*destroy)(const void*));
    // Sets the cost of the overload added last: `runtime` at run time (plus whatever the
    // implementation adds to CallContext::extra_cost) and `estimate`, its static twin, which
    // must bracket it for every input within the argument ranges.
    FunctionBuilder& Cost(RuntimeCostFn runtime, EstimateFn estimate);
    // Cost of the overload added last given by one size formula (see SizeFormula), measured
    // at run time with M.
    template <SizeFormula F, CostSizes::Measure M = &CostSize>
    FunctionBuilder& CostBySize() {
      return Cost(&SizeCost<F, M>::Runtime, &SizeCost<F, M>::Estimate);
    }
    // A constant cost N for the overload added last.
    template <uint64_t N>
    FunctionBuilder& FixedCost() {
      return Cost(&FixedCostFns<N>::Runtime, &FixedCostFns<N>::Estimate);
    }

   private:
    Library* lib_;
    std::string name_;
    bool member_;
  };

  explicit Library(std::string name) : name_(std::move(name)) {}

  FunctionBuilder Function(std::string name) { return FunctionBuilder(this, std::move(name), false); }
  FunctionBuilder Member(std::string name) { return FunctionBuilder(this, std::move(name), true); }
  void Variable(std::string name, Type type) { variables_.push_back({std::move(name), type}); }
  // A type name usable as a value in expressions (e.g. `net.IP` in `type(x) == net.IP`).
  void TypeName(const TypeInfo* info, Type type) { type_names_.push_back({info, std::move(type)}); }

  const std::string& name() const { return name_; }
  const std::vector<FunctionDecl>& functions() const { return functions_; }
  const std::vector<VariableDecl>& variables() const { return variables_; }
  struct TypeNameDecl {
    const TypeInfo* info;
    Type type;
  };
  const std::vector<TypeNameDecl>& type_names() const { return type_names_; }

 private:
  friend class FunctionBuilder;
  FunctionDecl& FindOrAdd(const std::string& name);

  std::string name_;
  std::vector<FunctionDecl> functions_;
  std::vector<VariableDecl> variables_;
  std::vector<TypeNameDecl> type_names_;
};

}  // namespace celgate::cel

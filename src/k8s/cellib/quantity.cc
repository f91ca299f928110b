// k8s/cellib/quantity.cc: the Kubernetes quantity library (spec 3.5; upstream
// library/quantity.go). Entry point: QuantityLibrary() in cellib.h.
//
// Values: a QuantityValue never owns heap memory (the arena drops it without running a
// destructor), so it does not hold a k8s::Quantity (which has std::string members). It holds a
// recipe instead: the parsed text (in the arena), or "lhs + rhs" / "lhs - n" over other
// QuantityValues. Materialize() replays the recipe into a stack Quantity; chains are as long as
// the expression's add/sub calls, so this is cheap and exact (it keeps upstream's int64 vs
// arbitrary-precision distinction that isInteger() depends on).
#include <optional>

#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"
#include "k8s/quantity.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Value;
using internal::GoQuote;

class QuantityValue final : public cel::OpaqueValue {
 public:
  enum class Op : uint8_t { kParsed, kAdd, kSub, kAddInt, kSubInt };

  static const cel::TypeInfo& StaticTypeInfo() {
    static constexpr cel::TypeInfo kInfo{"kubernetes.Quantity"};
    return kInfo;
  }
  // `text` must live in the arena (or longer); REQUIRES: Quantity::Parse(text) succeeds.
  explicit QuantityValue(std::string_view text) : text_(text) {}
  QuantityValue(Op op, const QuantityValue* lhs, const QuantityValue* rhs, int64_t n)
      : op_(op), lhs_(lhs), rhs_(rhs), n_(n) {}

  Quantity Materialize() const {
    switch (op_) {
      case Op::kParsed: {
        StatusOr<Quantity> q = Quantity::Parse(text_);
        return q.ok() ? *q : Quantity();
      }
      case Op::kAdd: return lhs_->Materialize().Add(rhs_->Materialize());
      case Op::kSub: return lhs_->Materialize().Sub(rhs_->Materialize());
      case Op::kAddInt: return lhs_->Materialize().Add(n_);
      case Op::kSubInt: return lhs_->Materialize().Sub(n_);
    }
    return Quantity();
  }

  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return Materialize() == static_cast<const QuantityValue&>(other).Materialize();
  }
  std::string DebugString() const override {
    return "quantity(" + GoQuote(Materialize().ToString()) + ")";
  }

 private:
  Op op_ = Op::kParsed;
  std::string_view text_;
  const QuantityValue* lhs_ = nullptr;
  const QuantityValue* rhs_ = nullptr;
  int64_t n_ = 0;
};
static_assert(std::is_trivially_destructible_v<QuantityValue>);

Value ParseQuantity(CallContext& ctx, cel::StringArg s) {
  StatusOr<Quantity> q = Quantity::Parse(s.value);
  if (!q.ok()) return ctx.Error(q.status().message());
  return Value::Opaque(ctx.arena->New<QuantityValue>(ctx.arena->CopyString(s.value)));
}
bool IsQuantity(cel::StringArg s) { return Quantity::Parse(s.value).ok(); }

int64_t Sign(const QuantityValue& q) { return q.Materialize().Sign(); }
bool IsInteger(const QuantityValue& q) { return q.Materialize().IsInteger(); }
Value AsInteger(CallContext& ctx, const QuantityValue& q) {
  std::optional<int64_t> v = q.Materialize().AsInt64();
  if (!v) return ctx.Error("cannot convert value to integer");
  return Value::Int(*v);
}
double AsApproximateFloat(const QuantityValue& q) {
  return q.Materialize().AsApproximateFloat64();
}
bool IsGreaterThan(const QuantityValue& a, const QuantityValue& b) {
  return a.Materialize().Compare(b.Materialize()) > 0;
}
bool IsLessThan(const QuantityValue& a, const QuantityValue& b) {
  return a.Materialize().Compare(b.Materialize()) < 0;
}
int64_t CompareTo(const QuantityValue& a, const QuantityValue& b) {
  return a.Materialize().Compare(b.Materialize());
}

template <QuantityValue::Op kOp>
Value Combine(CallContext& ctx, const QuantityValue& a, const QuantityValue& b) {
  return Value::Opaque(ctx.arena->New<QuantityValue>(kOp, &a, &b, 0));
}
template <QuantityValue::Op kOp>
Value CombineInt(CallContext& ctx, const QuantityValue& a, int64_t n) {
  return Value::Opaque(ctx.arena->New<QuantityValue>(kOp, &a, nullptr, n));
}

}  // namespace

cel::Library QuantityLibrary() {
  using Op = QuantityValue::Op;
  const cel::Type q = cel::Type::Opaque("kubernetes.Quantity");
  cel::Library lib("kubernetes.quantity");
  lib.Function("quantity")
      .Raw("string_to_quantity", {cel::Type::String()}, q, internal::WithContext<&ParseQuantity>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("isQuantity")
      .Add<&IsQuantity>("is_quantity_string")
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  // Upstream declares sign() as a global function, not a member.
  lib.Function("sign").Add<&Sign>("quantity_sign");
  lib.Member("isGreaterThan").Add<&IsGreaterThan>("quantity_is_greater_than");
  lib.Member("isLessThan").Add<&IsLessThan>("quantity_is_less_than");
  lib.Member("compareTo").Add<&CompareTo>("quantity_compare_to");
  lib.Member("asApproximateFloat").Add<&AsApproximateFloat>("quantity_get_float");
  lib.Member("asInteger").Raw("quantity_get_int", {q}, cel::Type::Int(), internal::WithContext<&AsInteger>);
  lib.Member("isInteger").Add<&IsInteger>("quantity_is_integer");
  lib.Member("add")
      .Raw("quantity_add", {q, q}, q, internal::WithContext<&Combine<Op::kAdd>>)
      .Raw("quantity_add_int", {q, cel::Type::Int()}, q, internal::WithContext<&CombineInt<Op::kAddInt>>);
  lib.Member("sub")
      .Raw("quantity_sub", {q, q}, q, internal::WithContext<&Combine<Op::kSub>>)
      .Raw("quantity_sub_int", {q, cel::Type::Int()}, q, internal::WithContext<&CombineInt<Op::kSubInt>>);
  return lib;
}

}  // namespace celgate::k8s::cellib

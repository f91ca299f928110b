// cel/eval/planner.cc: turns a parsed (and optionally checked) expression into a Program.
//
// Stage: planner. Entry point: Plan() in program.h. All name resolution, overload narrowing,
// constant regex compilation and local-variable slot assignment happen here, once per
// expression (STYLE.md H8). Hot operators get dedicated steps (H9); whatever is left goes
// through CallStep, which dispatches among the remaining overloads on runtime kinds.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "cel/common/cost_constants.h"
#include "cel/common/operators.h"
#include "cel/eval/internal/steps.h"
#include "cel/eval/program.h"

namespace celgate::cel {
namespace internal {

// ---- Program state -------------------------------------------------------------------------

struct PlanState {
  StepPtr root;
  size_t local_count = 0;
  size_t global_count = 0;
  // Strings and constant containers the steps point into.
  std::unique_ptr<Arena> constants = std::make_unique<Arena>(1024);
  std::vector<std::pair<const void*, void (*)(const void*)>> prepared;
  ~PlanState() {
    for (auto& [p, destroy] : prepared) {
      if (destroy) destroy(p);
    }
  }
  static std::unique_ptr<Program> MakeProgram(std::unique_ptr<PlanState> s) {
    std::unique_ptr<Program> p(new Program());
    p->state_ = std::move(s);
    return p;
  }
};

namespace {

// ---- Leaf steps ----------------------------------------------------------------------------

class ConstStep final : public Step {
 public:
  ConstStep(ExprId id, Value v) : Step(id), v_(v) {}
  Value Eval(Frame&) const override { return v_; }
  const Value* constant() const override { return &v_; }

 private:
  Value v_;
};

// Always fails with a fixed message (unknown names in unchecked mode).
class ErrorStep final : public Step {
 public:
  ErrorStep(ExprId id, std::string_view message) : Step(id), message_(message) {}
  Value Eval(Frame& f) const override { return f.Error(message_); }

 private:
  std::string_view message_;
};

class GlobalStep final : public Step {
 public:
  GlobalStep(ExprId id, int slot, std::string_view name) : Step(id), slot_(slot), name_(name) {}
  Value Eval(Frame& f) const override {
    if (!f.Charge(cost::kIdent)) return Value();
    if (static_cast<size_t>(slot_) >= f.activation->size()) return Unbound(f);
    const Activation::Entry& e = f.activation->entry(slot_);
    if (!e.bound) return Unbound(f);
    if (e.fn == nullptr) return e.value;
    uint8_t& state = f.lazy_state[slot_];
    if (state == 2) return f.lazy_cache[slot_];
    if (state == 1) return f.Error("cyclic reference to '" + std::string(name_) + "'");
    state = 1;
    Value v = e.fn(e.ctx, *f.arena);
    f.lazy_cache[slot_] = v;
    state = 2;
    return v;
  }

 private:
  Value Unbound(Frame& f) const {
    return f.Error("no such attribute(s): " + std::string(name_));
  }
  int slot_;
  std::string_view name_;
};

class LocalStep final : public Step {
 public:
  LocalStep(ExprId id, int slot) : Step(id), slot_(slot) {}
  Value Eval(Frame& f) const override {
    if (!f.Charge(cost::kIdent)) return Value();
    return f.locals[slot_];
  }

 private:
  int slot_;
};

// ---- Selection and indexing ----------------------------------------------------------------

Value SelectField(Frame& f, const Value& operand, std::string_view field, bool test_only) {
  switch (operand.kind()) {
    case ValueKind::kMap: {
      Value out;
      bool found = operand.map().FindString(field, *f.arena, &out);
      if (test_only) return Value::Bool(found);
      if (!found) return f.Error("no such key: " + std::string(field));
      return out;
    }
    case ValueKind::kOptional: {
      // Selection on an optional value yields an optional (cel-go optional semantics).
      if (!operand.optional_has_value()) return test_only ? Value::Bool(false) : OptionalNone();
      const Value& inner = operand.optional_value();
      if (inner.kind() != ValueKind::kMap) {
        return f.Error("type '" + std::string(KindName(inner.kind())) +
                       "' does not support field selection");
      }
      Value out;
      bool found = inner.map().FindString(field, *f.arena, &out);
      if (test_only) return Value::Bool(found);
      return found ? MakeOptional(*f.arena, out) : OptionalNone();
    }
    case ValueKind::kError:
      return operand;
    default:
      return f.Error("type '" + std::string(KindName(operand.kind())) +
                     "' does not support field selection");
  }
}

class SelectStep final : public Step {
 public:
  SelectStep(ExprId id, StepPtr operand, std::string_view field, bool test_only, uint64_t cost)
      : Step(id), operand_(std::move(operand)), field_(field), test_only_(test_only), cost_(cost) {}
  Value Eval(Frame& f) const override {
    Value v = operand_->Eval(f);
    if (f.aborted || v.is_error()) return v;
    if (!f.Charge(cost_)) return Value();
    return SelectField(f, v, field_, test_only_);
  }

 private:
  StepPtr operand_;
  std::string_view field_;
  bool test_only_;
  uint64_t cost_;
};

// `a.b.c.d` with a plain (non-optional, non-presence) chain: one step, one loop.
class SelectChainStep final : public Step {
 public:
  SelectChainStep(ExprId id, StepPtr operand, std::vector<std::string_view> fields)
      : Step(id), operand_(std::move(operand)), fields_(std::move(fields)) {}
  Value Eval(Frame& f) const override {
    Value v = operand_->Eval(f);
    if (f.aborted || v.is_error()) return v;
    if (!f.Charge(fields_.size() * cost::kSelect)) return Value();
    const size_t n = fields_.size();
    size_t i = 0;
    while (i < n) {
      if (v.kind() == ValueKind::kMap) {
        // Walk as many keys as the map implementation can in one call.
        i += v.map().FindPath(fields_.data() + i, n - i, *f.arena, &v);
        if (i == n) return v;
        if (v.kind() == ValueKind::kMap) {
          return f.Error("no such key: " + std::string(fields_[i]));
        }
      }
      v = SelectField(f, v, fields_[i], false);
      if (v.is_error()) return v;
      ++i;
    }
    return v;
  }

 private:
  StepPtr operand_;
  std::vector<std::string_view> fields_;
};

bool IndexToInt(const Value& idx, int64_t* out) {
  switch (idx.kind()) {
    case ValueKind::kInt: *out = idx.int_value(); return true;
    case ValueKind::kUint:
      if (idx.uint_value() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        *out = -1;
        return true;
      }
      *out = static_cast<int64_t>(idx.uint_value());
      return true;
    case ValueKind::kDouble: {
      double d = idx.double_value();
      if (d != std::trunc(d) || std::isinf(d) || std::isnan(d)) return false;
      if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18) {
        *out = -1;
        return true;
      }
      *out = static_cast<int64_t>(d);
      return true;
    }
    default: return false;
  }
}

// Returns the element/value or an error; *found=false when the key/index is absent (for
// optional indexing), with the error set as cel-go words it.
Value IndexValue(Frame& f, const Value& c, const Value& idx, bool* found) {
  *found = true;
  switch (c.kind()) {
    case ValueKind::kList: {
      int64_t i = 0;
      if (!IndexToInt(idx, &i)) {
        if (idx.kind() == ValueKind::kDouble) {
          return f.Error("unsupported index value " + DebugString(idx, *f.arena) + " in list");
        }
        return f.Error("no such overload");
      }
      size_t n = c.list().size();
      if (i < 0 || static_cast<uint64_t>(i) >= n) {
        *found = false;
        return f.Error("index '" + std::to_string(i) + "' out of range in list size '" +
                       std::to_string(n) + "'");
      }
      return c.list().Get(static_cast<size_t>(i), *f.arena);
    }
    case ValueKind::kMap: {
      if (!IsValidMapKey(idx) && idx.kind() != ValueKind::kDouble) {
        return f.Error("unsupported key type");
      }
      Value out;
      if (c.map().Find(idx, *f.arena, &out)) return out;
      *found = false;
      return NoSuchKey(*f.arena, idx);
    }
    default:
      return f.Error("no such overload");
  }
}

class IndexStep final : public Step {
 public:
  IndexStep(ExprId id, StepPtr c, StepPtr i) : Step(id), c_(std::move(c)), i_(std::move(i)) {}
  Value Eval(Frame& f) const override {
    Value c = c_->Eval(f);
    if (f.aborted || c.is_error()) return c;
    Value i = i_->Eval(f);
    if (f.aborted || i.is_error()) return i;
    if (!f.Charge(1)) return Value();
    bool found;
    if (c.kind() == ValueKind::kOptional) {
      if (!c.optional_has_value()) return OptionalNone();
      Value v = IndexValue(f, c.optional_value(), i, &found);
      if (!found) return OptionalNone();
      if (v.is_error()) return v;
      return MakeOptional(*f.arena, v);
    }
    return IndexValue(f, c, i, &found);
  }

 private:
  StepPtr c_, i_;
};

// `_[?_]` and `_?._`: optional indexing and selection.
class OptIndexStep final : public Step {
 public:
  OptIndexStep(ExprId id, StepPtr c, StepPtr i, bool field)
      : Step(id), c_(std::move(c)), i_(std::move(i)), field_(field) {}
  Value Eval(Frame& f) const override {
    Value c = c_->Eval(f);
    if (f.aborted || c.is_error()) return c;
    Value i = i_->Eval(f);
    if (f.aborted || i.is_error()) return i;
    if (!f.Charge(1)) return Value();
    if (c.kind() == ValueKind::kOptional) {
      if (!c.optional_has_value()) return OptionalNone();
      c = c.optional_value();
    }
    if (field_) {
      if (c.kind() != ValueKind::kMap || i.kind() != ValueKind::kString) {
        return f.Error("no such overload");
      }
      Value out;
      if (c.map().FindString(i.string_value(), *f.arena, &out)) return MakeOptional(*f.arena, out);
      return OptionalNone();
    }
    bool found;
    Value v = IndexValue(f, c, i, &found);
    if (!found) return OptionalNone();
    if (v.is_error()) return v;
    return MakeOptional(*f.arena, v);
  }

 private:
  StepPtr c_, i_;
  bool field_;
};

// ---- Logic ---------------------------------------------------------------------------------

class AndStep final : public Step {
 public:
  AndStep(ExprId id, StepPtr a, StepPtr b) : Step(id), a_(std::move(a)), b_(std::move(b)) {}
  Value Eval(Frame& f) const override {
    Value a = a_->Eval(f);
    if (f.aborted) return a;
    if (a.is_false()) return a;
    Value b = b_->Eval(f);
    if (f.aborted) return b;
    if (b.is_false()) return b;
    if (a.is_true() && b.is_true()) return a;
    if (a.is_error()) return a;
    if (b.is_error()) return b;
    return f.Error("no such overload");
  }

 private:
  StepPtr a_, b_;
};

class OrStep final : public Step {
 public:
  OrStep(ExprId id, StepPtr a, StepPtr b) : Step(id), a_(std::move(a)), b_(std::move(b)) {}
  Value Eval(Frame& f) const override {
    Value a = a_->Eval(f);
    if (f.aborted) return a;
    if (a.is_true()) return a;
    Value b = b_->Eval(f);
    if (f.aborted) return b;
    if (b.is_true()) return b;
    if (a.is_false() && b.is_false()) return a;
    if (a.is_error()) return a;
    if (b.is_error()) return b;
    return f.Error("no such overload");
  }

 private:
  StepPtr a_, b_;
};

class CondStep final : public Step {
 public:
  CondStep(ExprId id, StepPtr c, StepPtr t, StepPtr e)
      : Step(id), c_(std::move(c)), t_(std::move(t)), e_(std::move(e)) {}
  Value Eval(Frame& f) const override {
    Value c = c_->Eval(f);
    if (f.aborted || c.is_error()) return c;
    if (c.kind() != ValueKind::kBool) return f.Error("no such overload");
    return c.bool_value() ? t_->Eval(f) : e_->Eval(f);
  }

 private:
  StepPtr c_, t_, e_;
};

class NotStrictlyFalseStep final : public Step {
 public:
  NotStrictlyFalseStep(ExprId id, StepPtr a) : Step(id), a_(std::move(a)) {}
  Value Eval(Frame& f) const override {
    Value a = a_->Eval(f);
    if (f.aborted) return a;
    if (a.kind() == ValueKind::kBool) return a;
    return Value::Bool(true);
  }

 private:
  StepPtr a_;
};

// ---- Equality ------------------------------------------------------------------------------

class EqStep final : public Step {
 public:
  EqStep(ExprId id, StepPtr a, StepPtr b, bool negate)
      : Step(id), a_(std::move(a)), b_(std::move(b)), negate_(negate) {}
  Value Eval(Frame& f) const override {
    Value a = a_->Eval(f);
    if (f.aborted || a.is_error()) return a;
    Value b = b_->Eval(f);
    if (f.aborted || b.is_error()) return b;
    uint64_t cost = 1;
    switch (a.kind()) {
      case ValueKind::kString:
      case ValueKind::kBytes:
      case ValueKind::kList:
      case ValueKind::kMap:
        cost = std::max<uint64_t>(1, CostOfSize(std::min(CostSize(a), CostSize(b)),
                                                cost::kStringTraversalFactor));
        break;
      default: break;
    }
    if (!f.Charge(cost)) return Value();
    return Value::Bool(ValueEquals(a, b, *f.arena) != negate_);
  }

 private:
  StepPtr a_, b_;
  bool negate_;
};

// ---- Calls ---------------------------------------------------------------------------------

struct Candidate {
  const OverloadDecl* decl;
  const void* prepared = nullptr;
};

class CallStep final : public Step {
 public:
  CallStep(ExprId id, std::string_view name, std::vector<StepPtr> args,
           std::vector<Candidate> candidates)
      : Step(id), name_(name), args_(std::move(args)) {
    strict_ = true;
    size_t n = args_.size();
    for (const Candidate& c : candidates) {
      strict_ = strict_ && c.decl->strict;
      Resolved r;
      r.decl = c.decl;
      r.prepared = c.prepared;
      for (const ArgMatcher& m : c.decl->matchers) {
        if (m.any) {
          codes_.push_back(kAnyKind);
        } else {
          codes_.push_back(static_cast<uint8_t>(m.kind));
          r.has_opaque = r.has_opaque || m.kind == ValueKind::kOpaque;
        }
      }
      codes_.resize(cands_.size() * n + n, kAnyKind);  // arity checked by the planner
      cands_.push_back(r);
      // Built-in arithmetic and ordering on two ints or two doubles run inline (same
      // semantics and cost as the standard library overloads they stand for).
      const std::string& oid = c.decl->id;
      if (n == 2 && (oid == FastId(name, "int64") || oid == FastId(name, "double"))) {
        fast_op_ = FastOpFor(name);
        if (oid == FastId(name, "int64")) fast_int_ = true;
        if (oid == FastId(name, "double") && fast_op_ != FastOp::kMod) fast_double_ = true;
      }
    }
  }
  Value Eval(Frame& f) const override {
    constexpr size_t kInline = 6;
    alignas(Value) unsigned char inline_args[kInline * sizeof(Value)];  // written before read
    const size_t n = args_.size();
    Value* args = n <= kInline ? reinterpret_cast<Value*>(inline_args) : f.arena->NewArray<Value>(n);
    for (size_t i = 0; i < n; ++i) {
      args[i] = args_[i]->Eval(f);
      if (f.aborted) return args[i];
      if (strict_ && args[i].is_error()) return args[i];
    }
    if (fast_op_ != FastOp::kNone && args[0].kind() == args[1].kind()) {
      if (fast_int_ && args[0].kind() == ValueKind::kInt) {
        if (!f.Charge(cost::kCall)) return Value();
        return IntOp(f, args[0].int_value(), args[1].int_value());
      }
      if (fast_double_ && args[0].kind() == ValueKind::kDouble) {
        if (!f.Charge(cost::kCall)) return Value();
        return DoubleOp(args[0].double_value(), args[1].double_value());
      }
    }
    // Dispatch on runtime kinds: one byte per parameter, 0xFF for dyn and type parameters.
    const Resolved* chosen = nullptr;
    const uint8_t* codes = codes_.data();
    for (const Resolved& c : cands_) {
      bool ok = true;
      for (size_t i = 0; i < n; ++i) {
        uint8_t code = codes[i];
        if (code != kAnyKind && code != static_cast<uint8_t>(args[i].kind())) {
          ok = false;
          break;
        }
      }
      codes += n;
      if (ok && c.has_opaque) ok = MatchesOpaque(*c.decl, args);
      if (ok) {
        chosen = &c;
        break;
      }
    }
    if (chosen == nullptr) {
      if (!strict_) {
        for (size_t i = 0; i < n; ++i) {
          if (args[i].is_error()) return args[i];
        }
      }
      return NoSuchOverload(*f.arena, name_);
    }
    const OverloadDecl& d = *chosen->decl;
    if (!f.Charge(d.cost ? d.cost(args) : 1)) return Value();
    f.ctx.extra_cost = 0;
    Value r = chosen->prepared ? d.call_prepared(f.ctx, args, chosen->prepared)
                               : d.impl(f.ctx, args);
    if (f.ctx.extra_cost && !f.Charge(f.ctx.extra_cost)) return Value();
    return r;
  }

 private:
  enum class FastOp : uint8_t { kNone, kLess, kLessEq, kGreater, kGreaterEq, kAdd, kSub, kMul,
                                kDiv, kMod };
  static FastOp FastOpFor(std::string_view fn) {
    if (fn == op::kLess) return FastOp::kLess;
    if (fn == op::kLessEquals) return FastOp::kLessEq;
    if (fn == op::kGreater) return FastOp::kGreater;
    if (fn == op::kGreaterEquals) return FastOp::kGreaterEq;
    if (fn == op::kAdd) return FastOp::kAdd;
    if (fn == op::kSubtract) return FastOp::kSub;
    if (fn == op::kMultiply) return FastOp::kMul;
    if (fn == op::kDivide) return FastOp::kDiv;
    if (fn == op::kModulo) return FastOp::kMod;
    return FastOp::kNone;
  }
  // The standard library's overload id for `fn` on two values of `kind` ("less_int64", ...).
  static std::string FastId(std::string_view fn, std::string_view kind) {
    const char* prefix = fn == op::kLess            ? "less_"
                         : fn == op::kLessEquals    ? "less_equals_"
                         : fn == op::kGreater       ? "greater_"
                         : fn == op::kGreaterEquals ? "greater_equals_"
                         : fn == op::kAdd           ? "add_"
                         : fn == op::kSubtract      ? "subtract_"
                         : fn == op::kMultiply      ? "multiply_"
                         : fn == op::kDivide        ? "divide_"
                         : fn == op::kModulo        ? "modulo_"
                                                    : nullptr;
    if (prefix == nullptr) return std::string();
    return std::string(prefix) + std::string(kind);
  }
  Value IntOp(Frame& f, int64_t a, int64_t b) const {
    int64_t r;
    switch (fast_op_) {
      case FastOp::kLess: return Value::Bool(a < b);
      case FastOp::kLessEq: return Value::Bool(a <= b);
      case FastOp::kGreater: return Value::Bool(a > b);
      case FastOp::kGreaterEq: return Value::Bool(a >= b);
      case FastOp::kAdd:
        return __builtin_add_overflow(a, b, &r) ? f.Error("integer overflow") : Value::Int(r);
      case FastOp::kSub:
        return __builtin_sub_overflow(a, b, &r) ? f.Error("integer overflow") : Value::Int(r);
      case FastOp::kMul:
        return __builtin_mul_overflow(a, b, &r) ? f.Error("integer overflow") : Value::Int(r);
      case FastOp::kDiv:
        if (b == 0) return f.Error("division by zero");
        if (a == std::numeric_limits<int64_t>::min() && b == -1) {
          return f.Error("integer overflow");
        }
        return Value::Int(a / b);
      case FastOp::kMod:
        if (b == 0) return f.Error("modulus by zero");
        if (a == std::numeric_limits<int64_t>::min() && b == -1) {
          return f.Error("integer overflow");
        }
        return Value::Int(a % b);
      case FastOp::kNone: break;
    }
    return Value();
  }
  Value DoubleOp(double a, double b) const {
    switch (fast_op_) {
      case FastOp::kLess: return Value::Bool(a < b);  // NaN compares false, as cel-go
      case FastOp::kLessEq: return Value::Bool(a <= b);
      case FastOp::kGreater: return Value::Bool(a > b);
      case FastOp::kGreaterEq: return Value::Bool(a >= b);
      case FastOp::kAdd: return Value::Double(a + b);
      case FastOp::kSub: return Value::Double(a - b);
      case FastOp::kMul: return Value::Double(a * b);
      case FastOp::kDiv: return Value::Double(a / b);
      default: return Value();
    }
  }

  static constexpr uint8_t kAnyKind = 0xFF;
  struct Resolved {
    const OverloadDecl* decl = nullptr;
    const void* prepared = nullptr;
    bool has_opaque = false;  // some parameter is a library type: compare type names too
  };
  static bool MatchesOpaque(const OverloadDecl& d, const Value* args) {
    for (size_t i = 0; i < d.matchers.size(); ++i) {
      if (!d.matchers[i].Matches(args[i])) return false;
    }
    return true;
  }
  std::string_view name_;
  std::vector<StepPtr> args_;
  std::vector<Resolved> cands_;
  std::vector<uint8_t> codes_;  // cands_.size() x args_.size() parameter kind codes
  bool strict_;
  FastOp fast_op_ = FastOp::kNone;
  bool fast_int_ = false;     // an (int, int) standard overload is among the candidates
  bool fast_double_ = false;  // likewise (double, double)
};

// ---- Aggregates ----------------------------------------------------------------------------

class ListStep final : public Step {
 public:
  ListStep(ExprId id, std::vector<StepPtr> elems, std::vector<bool> optional)
      : Step(id), elems_(std::move(elems)), optional_(std::move(optional)) {}
  Value Eval(Frame& f) const override {
    Value* items = f.arena->NewArray<Value>(elems_.size());
    size_t n = 0;
    for (size_t i = 0; i < elems_.size(); ++i) {
      Value v = elems_[i]->Eval(f);
      if (f.aborted || v.is_error()) return v;
      if (optional_[i]) {
        if (v.kind() != ValueKind::kOptional) return f.Error("no such overload");
        if (!v.optional_has_value()) continue;
        v = v.optional_value();
      }
      items[n++] = v;
    }
    if (!f.Charge(cost::kListCreate)) return Value();
    return Value::List(f.arena->New<ArrayList>(items, n));
  }

 private:
  std::vector<StepPtr> elems_;
  std::vector<bool> optional_;
};

class MapStep final : public Step {
 public:
  MapStep(ExprId id, std::vector<StepPtr> keys, std::vector<StepPtr> values,
          std::vector<bool> optional)
      : Step(id), keys_(std::move(keys)), values_(std::move(values)),
        optional_(std::move(optional)) {}
  Value Eval(Frame& f) const override {
    size_t cap = keys_.size();
    Value* ks = f.arena->NewArray<Value>(cap);
    Value* vs = f.arena->NewArray<Value>(cap);
    size_t n = 0;
    for (size_t i = 0; i < cap; ++i) {
      Value k = keys_[i]->Eval(f);
      if (f.aborted || k.is_error()) return k;
      Value v = values_[i]->Eval(f);
      if (f.aborted || v.is_error()) return v;
      if (!IsValidMapKey(k)) return f.Error("unsupported key type");
      if (optional_[i]) {
        if (v.kind() != ValueKind::kOptional) return f.Error("no such overload");
        if (!v.optional_has_value()) continue;
        v = v.optional_value();
      }
      ArrayMap probe(ks, vs, n);
      Value dummy;
      if (probe.Find(k, *f.arena, &dummy)) {
        return f.Error("Failed with repeated key");
      }
      ks[n] = k;
      vs[n] = v;
      ++n;
    }
    if (!f.Charge(cost::kMapCreate)) return Value();
    return Value::Map(f.arena->New<ArrayMap>(ks, vs, n));
  }

 private:
  std::vector<StepPtr> keys_, values_;
  std::vector<bool> optional_;
};

// A list that a comprehension accumulator grows in place. Only the comprehension that owns
// it can observe it before the result is produced, so appending cannot be seen by others.
class GrowableList final : public ListValue {
 public:
  size_t size() const override { return n_; }
  Value Get(size_t i, Arena&) const override { return items_[i]; }
  void Append(Arena& arena, const Value& v) {
    if (n_ == cap_) {
      size_t cap = cap_ ? cap_ * 2 : 8;
      Value* items = arena.NewArray<Value>(cap);
      if (n_) std::memcpy(static_cast<void*>(items), items_, n_ * sizeof(Value));
      items_ = items;
      cap_ = cap;
    }
    items_[n_++] = v;
  }

 private:
  Value* items_ = nullptr;
  size_t n_ = 0;
  size_t cap_ = 0;
};

// `[]` as the accumulator init of a map/filter macro.
class NewGrowableListStep final : public Step {
 public:
  explicit NewGrowableListStep(ExprId id) : Step(id) {}
  Value Eval(Frame& f) const override {
    if (!f.Charge(cost::kListCreate)) return Value();
    return Value::List(f.arena->New<GrowableList>());
  }
};

// `@result + [elem]` inside a map/filter macro: appends in place.
class AppendStep final : public Step {
 public:
  AppendStep(ExprId id, int accu_slot, StepPtr elem)
      : Step(id), accu_slot_(accu_slot), elem_(std::move(elem)) {}
  Value Eval(Frame& f) const override {
    Value accu = f.locals[accu_slot_];
    if (accu.is_error()) return accu;  // an earlier element failed: keep the first error
    if (!f.Charge(cost::kIdent)) return Value();
    Value e = elem_->Eval(f);
    if (f.aborted || e.is_error()) return e;
    // List literal creation (10) and the concatenation (cel-go list append cost).
    auto& list = const_cast<GrowableList&>(static_cast<const GrowableList&>(accu.list()));
    if (!f.Charge(cost::kListCreate +
                  CostOfSize(list.size() + 1, cost::kStringTraversalFactor))) return Value();
    list.Append(*f.arena, e);
    return accu;
  }

 private:
  int accu_slot_;
  StepPtr elem_;
};

class ComprehensionStep final : public Step {
 public:
  struct Parts {
    StepPtr range, init, cond, step, result;
    int iter_slot = -1, iter2_slot = -1, accu_slot = -1;
  };
  ComprehensionStep(ExprId id, Parts p) : Step(id), p_(std::move(p)) {}
  Value Eval(Frame& f) const override {
    Value range = p_.range->Eval(f);
    if (f.aborted || range.is_error()) return range;
    Value accu = p_.init->Eval(f);
    if (f.aborted || accu.is_error()) return accu;
    f.locals[p_.accu_slot] = accu;
    bool two = p_.iter2_slot >= 0;
    if (range.kind() == ValueKind::kList) {
      const ListValue& l = range.list();
      size_t n = l.size();
      for (size_t i = 0; i < n; ++i) {
        if (!f.Tick()) return Value();
        if (two) {
          f.locals[p_.iter_slot] = Value::Int(static_cast<int64_t>(i));
          f.locals[p_.iter2_slot] = l.Get(i, *f.arena);
        } else {
          f.locals[p_.iter_slot] = l.Get(i, *f.arena);
        }
        if (!Iterate(f)) break;
        if (f.aborted) return Value();
      }
    } else if (range.kind() == ValueKind::kMap) {
      const MapValue& m = range.map();
      size_t n = m.size();
      for (size_t i = 0; i < n; ++i) {
        if (!f.Tick()) return Value();
        f.locals[p_.iter_slot] = m.KeyAt(i, *f.arena);
        if (two) f.locals[p_.iter2_slot] = m.ValueAt(i, *f.arena);
        if (!Iterate(f)) break;
        if (f.aborted) return Value();
      }
    } else {
      return f.Error("expression of type '" + std::string(KindName(range.kind())) +
                     "' cannot be range of a comprehension (must be list, map, or dynamic)");
    }
    if (f.aborted) return Value();
    return p_.result->Eval(f);
  }

 private:
  // Returns false when the loop condition stops the loop.
  bool Iterate(Frame& f) const {
    Value c = p_.cond->Eval(f);
    if (f.aborted) return false;
    if (c.is_false()) return false;
    if (c.is_error()) {
      f.locals[p_.accu_slot] = c;
      return false;
    }
    f.locals[p_.accu_slot] = p_.step->Eval(f);
    return !f.aborted;
  }
  Parts p_;
};

// cel.@block([e0, e1, ...], r): each e_i is evaluated on first use of `@index<i>` (at most once
// per evaluation of the block), in a local slot; a second slot records whether it is computed.
class BlockStep final : public Step {
 public:
  BlockStep(ExprId id, std::vector<StepPtr> elems, std::vector<int> state_slots, StepPtr result)
      : Step(id), elems_(std::move(elems)), state_slots_(std::move(state_slots)),
        result_(std::move(result)) {}
  Value Eval(Frame& f) const override {
    for (int slot : state_slots_) f.locals[slot] = Value();  // not computed
    return result_->Eval(f);
  }

 private:
  std::vector<StepPtr> elems_;  // owned here, evaluated by BlockIndexStep
  std::vector<int> state_slots_;
  StepPtr result_;
};

class BlockIndexStep final : public Step {
 public:
  BlockIndexStep(ExprId id, int value_slot, int state_slot, const Step* elem)
      : Step(id), value_slot_(value_slot), state_slot_(state_slot), elem_(elem) {}
  Value Eval(Frame& f) const override {
    if (!f.Charge(cost::kIdent)) return Value();
    if (f.locals[state_slot_].kind() == ValueKind::kBool) return f.locals[value_slot_];
    Value v = elem_->Eval(f);
    if (f.aborted) return Value();
    f.locals[value_slot_] = v;
    f.locals[state_slot_] = Value::Bool(true);
    return v;
  }

 private:
  int value_slot_;
  int state_slot_;
  const Step* elem_;
};

// Records every sub-expression's value for explanations.
class TraceStep final : public Step {
 public:
  explicit TraceStep(StepPtr inner) : Step(inner->id()), inner_(std::move(inner)) {}
  Value Eval(Frame& f) const override {
    Value v = inner_->Eval(f);
    if (f.trace) (*f.trace)[id()] = v;
    return v;
  }
  const Value* constant() const override { return inner_->constant(); }

 private:
  StepPtr inner_;
};

// ---- The planner ---------------------------------------------------------------------------

class Planner {
 public:
  Planner(const ParsedExpr& parsed, const CheckedInfo* checked, const DeclSet& decls,
          const PlanOptions& options, std::vector<Issue>* issues, PlanState* state)
      : parsed_(parsed), checked_(checked), decls_(decls), options_(options),
        issues_(issues), state_(state) {}

  StepPtr PlanExpr(const Expr& e) {
    StepPtr s = PlanInner(e);
    if (s && options_.enable_tracing) s = std::make_unique<TraceStep>(std::move(s));
    return s;
  }

  bool failed() const { return failed_; }
  size_t max_locals() const { return max_locals_; }

 private:
  void Error(const Expr& e, std::string message) {
    failed_ = true;
    auto it = parsed_.positions.find(e.id);
    issues_->push_back(Issue{Severity::kError, it == parsed_.positions.end() ? -1 : it->second,
                             std::move(message)});
  }

  std::string_view Intern(std::string_view s) {
    auto it = interned_.find(std::string(s));
    if (it != interned_.end()) return it->second;
    std::string_view v = state_->constants->CopyString(s);
    interned_.emplace(std::string(s), v);
    return v;
  }

  StepPtr Placeholder(const Expr& e) { return std::make_unique<ConstStep>(e.id, Value()); }

  Value ConstantValue(const Constant& c) {
    switch (c.kind) {
      case ConstantKind::kNull: return Value::Null();
      case ConstantKind::kBool: return Value::Bool(c.bool_value);
      case ConstantKind::kInt: return Value::Int(c.int_value);
      case ConstantKind::kUint: return Value::Uint(c.uint_value);
      case ConstantKind::kDouble: return Value::Double(c.double_value);
      case ConstantKind::kString: return Value::String(Intern(c.string_value));
      case ConstantKind::kBytes: return Value::Bytes(Intern(c.string_value));
    }
    return Value();
  }

  int LookupLocal(std::string_view name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return -1;
  }

  // "a.b.c" for an identifier or a plain selection chain; nullopt otherwise.
  static std::optional<std::string> QualifiedName(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return e.name;
    if (e.kind == ExprKind::kSelect && !e.test_only && e.operand) {
      auto base = QualifiedName(*e.operand);
      if (!base) return std::nullopt;
      return *base + "." + e.name;
    }
    return std::nullopt;
  }

  static const Expr* RootIdent(const Expr& e) {
    const Expr* p = &e;
    while (p->kind == ExprKind::kSelect) p = p->operand.get();
    return p->kind == ExprKind::kIdent ? p : nullptr;
  }

  // Resolves a qualified name to a global variable or type value.
  StepPtr ResolveName(const Expr& e, const std::string& name) {
    if (checked_) {
      auto it = checked_->references.find(e.id);
      if (it != checked_->references.end() && !it->second.name.empty()) {
        int slot = decls_.VariableSlot(it->second.name);
        if (slot >= 0) {
          return std::make_unique<GlobalStep>(e.id, slot, Intern(it->second.name));
        }
        if (auto* t = decls_.FindTypeName(it->second.name)) {
          return std::make_unique<ConstStep>(e.id, Value::Type(t->info));
        }
      }
    }
    for (const std::string& cand : decls_.CandidateNames(name)) {
      int slot = decls_.VariableSlot(cand);
      if (slot >= 0) return std::make_unique<GlobalStep>(e.id, slot, Intern(cand));
      if (auto* t = decls_.FindTypeName(cand)) {
        return std::make_unique<ConstStep>(e.id, Value::Type(t->info));
      }
    }
    return nullptr;
  }

  StepPtr PlanInner(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kUnspecified:
        Error(e, "unspecified expression");
        return Placeholder(e);
      case ExprKind::kConstant:
        return std::make_unique<ConstStep>(e.id, ConstantValue(e.constant));
      case ExprKind::kIdent: {
        int local = LookupLocal(e.name);
        if (local >= 0) {
          auto block = block_slots_.find(local);
          if (block != block_slots_.end()) {
            return std::make_unique<BlockIndexStep>(e.id, local, block->second.state_slot,
                                                    block->second.elem);
          }
          return std::make_unique<LocalStep>(e.id, local);
        }
        if (StepPtr s = ResolveName(e, e.name)) return s;
        if (checked_ == nullptr) {
          // Unchecked (dynamic) mode: as cel-go, an unknown name fails when evaluated, so
          // `x || true` is still true.
          return std::make_unique<ErrorStep>(e.id, Intern("no such attribute(s): " + e.name));
        }
        Error(e, "undeclared reference to '" + e.name + "' (in container '" +
                     decls_.container() + "')");
        return Placeholder(e);
      }
      case ExprKind::kSelect:
        return PlanSelect(e);
      case ExprKind::kCall:
        return PlanCall(e);
      case ExprKind::kList: {
        std::vector<StepPtr> elems;
        std::vector<bool> opt(e.args.size(), false);
        for (int32_t i : e.optional_indices) {
          if (i >= 0 && static_cast<size_t>(i) < opt.size()) opt[i] = true;
        }
        for (const auto& a : e.args) elems.push_back(PlanExpr(*a));
        return std::make_unique<ListStep>(e.id, std::move(elems), std::move(opt));
      }
      case ExprKind::kMap: {
        std::vector<StepPtr> ks, vs;
        std::vector<bool> opt;
        for (const Entry& en : e.entries) {
          ks.push_back(PlanExpr(*en.key));
          vs.push_back(PlanExpr(*en.value));
          opt.push_back(en.optional);
        }
        return std::make_unique<MapStep>(e.id, std::move(ks), std::move(vs), std::move(opt));
      }
      case ExprKind::kStruct:
        Error(e, "unsupported: message construction '" + e.name + "{...}'");
        return Placeholder(e);
      case ExprKind::kComprehension:
        return PlanComprehension(e);
    }
    return Placeholder(e);
  }

  StepPtr PlanSelect(const Expr& e) {
    if (!e.test_only) {
      const Expr* root = RootIdent(e);
      if (root && LookupLocal(root->name) < 0) {
        if (auto name = QualifiedName(e)) {
          // The longest declared prefix wins: try the whole chain first.
          if (StepPtr s = ResolveName(e, *name)) return s;
        }
      }
      // Collapse a chain of plain selections into one step.
      std::vector<const Expr*> chain;
      const Expr* p = &e;
      while (p->kind == ExprKind::kSelect && !p->test_only) {
        // Stop where the rest of the chain resolves to a declared name.
        if (p != &e) {
          const Expr* r = RootIdent(*p);
          if (r && LookupLocal(r->name) < 0) {
            auto qn = QualifiedName(*p);
            if (qn && ResolvesToGlobal(*qn)) break;
          }
        }
        chain.push_back(p);
        p = p->operand.get();
      }
      if (chain.size() > 1 && !options_.enable_tracing) {
        StepPtr base = PlanExpr(*p);
        std::vector<std::string_view> fields;
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) fields.push_back(Intern((*it)->name));
        return std::make_unique<SelectChainStep>(e.id, std::move(base), std::move(fields));
      }
    }
    StepPtr operand = PlanExpr(*e.operand);
    return std::make_unique<SelectStep>(e.id, std::move(operand), Intern(e.name), e.test_only,
                                        e.test_only ? options_.presence_test_cost : cost::kSelect);
  }

  bool ResolvesToGlobal(const std::string& name) const {
    for (const std::string& cand : decls_.CandidateNames(name)) {
      if (decls_.VariableSlot(cand) >= 0 || decls_.FindTypeName(cand)) return true;
    }
    return false;
  }

  StepPtr PlanCall(const Expr& e) {
    const std::string& fn = e.name;
    auto plan_arg = [&](size_t i) { return PlanExpr(*e.args[i]); };
    if (!e.target) {
      if (fn == op::kBlock && e.args.size() == 2 && e.args[0]->kind == ExprKind::kList) {
        return PlanBlock(e);
      }
      if (fn == op::kLogicalAnd && e.args.size() == 2) {
        return std::make_unique<AndStep>(e.id, plan_arg(0), plan_arg(1));
      }
      if (fn == op::kLogicalOr && e.args.size() == 2) {
        return std::make_unique<OrStep>(e.id, plan_arg(0), plan_arg(1));
      }
      if (fn == op::kConditional && e.args.size() == 3) {
        return std::make_unique<CondStep>(e.id, plan_arg(0), plan_arg(1), plan_arg(2));
      }
      if (fn == op::kNotStrictlyFalse && e.args.size() == 1) {
        return std::make_unique<NotStrictlyFalseStep>(e.id, plan_arg(0));
      }
      if ((fn == op::kEquals || fn == op::kNotEquals) && e.args.size() == 2) {
        return std::make_unique<EqStep>(e.id, plan_arg(0), plan_arg(1), fn == op::kNotEquals);
      }
      if (fn == op::kIndex && e.args.size() == 2) {
        return std::make_unique<IndexStep>(e.id, plan_arg(0), plan_arg(1));
      }
      if ((fn == op::kOptIndex || fn == op::kOptSelect) && e.args.size() == 2) {
        return std::make_unique<OptIndexStep>(e.id, plan_arg(0), plan_arg(1),
                                              fn == op::kOptSelect);
      }
      if (fn == op::kAdd && e.args.size() == 2 && accu_append_slot_ >= 0) {
        // `@result + [x]` in a map/filter macro.
        const Expr& a = *e.args[0];
        const Expr& b = *e.args[1];
        if (a.kind == ExprKind::kIdent && a.name == op::kAccumulatorName &&
            LookupLocal(a.name) == accu_append_slot_ && b.kind == ExprKind::kList &&
            b.args.size() == 1 && b.optional_indices.empty()) {
          return std::make_unique<AppendStep>(e.id, accu_append_slot_, PlanExpr(*b.args[0]));
        }
      }
    }

    // Namespaced global function written as a receiver call: `optional.of(x)`, `math.abs(x)`.
    std::string name = fn;
    bool member = e.target != nullptr;
    if (member) {
      const Expr* root = RootIdent(*e.target);
      auto qn = QualifiedName(*e.target);
      if (qn && root && LookupLocal(root->name) < 0 && !ResolvesToGlobal(*qn)) {
        for (const std::string& cand : decls_.CandidateNames(*qn + "." + fn)) {
          if (const FunctionDecl* d = decls_.FindFunction(cand)) {
            if (HasOverloads(*d, false, e.args.size())) {
              name = cand;
              member = false;
              break;
            }
          }
        }
      }
    } else {
      for (const std::string& cand : decls_.CandidateNames(fn)) {
        if (decls_.FindFunction(cand)) {
          name = cand;
          break;
        }
      }
    }

    const FunctionDecl* decl = decls_.FindFunction(name);
    size_t argc = e.args.size() + (member ? 1 : 0);
    if (decl == nullptr) {
      if (checked_ == nullptr) {
        return std::make_unique<ErrorStep>(e.id, Intern("no matching overload: " + fn));
      }
      Error(e, "undeclared reference to '" + fn + "' (in container '" + decls_.container() +
                   "')");
      return Placeholder(e);
    }
    std::vector<const OverloadDecl*> overloads;
    const std::vector<std::string>* narrowed = nullptr;
    if (checked_) {
      auto it = checked_->references.find(e.id);
      if (it != checked_->references.end() && !it->second.overload_ids.empty()) {
        narrowed = &it->second.overload_ids;
      }
    }
    for (const OverloadDecl& o : decl->overloads) {
      if (o.member != member || o.params.size() != argc) continue;
      if (narrowed && std::find(narrowed->begin(), narrowed->end(), o.id) == narrowed->end()) {
        continue;
      }
      overloads.push_back(&o);
    }
    if (overloads.empty() && checked_ == nullptr) {
      return std::make_unique<ErrorStep>(e.id, Intern("no matching overload: " + fn));
    }
    if (overloads.empty()) {
      Error(e, "found no matching overload for '" + fn + "' with " + std::to_string(argc) +
                   " argument(s)");
      return Placeholder(e);
    }
    std::vector<StepPtr> args;
    if (member) args.push_back(PlanExpr(*e.target));
    for (const auto& a : e.args) args.push_back(PlanExpr(*a));

    std::vector<Candidate> cands;
    for (const OverloadDecl* o : overloads) {
      Candidate c{o, nullptr};
      if (o->prepare && o->prepared_arg >= 0 &&
          static_cast<size_t>(o->prepared_arg) < args.size()) {
        const Value* k = args[o->prepared_arg]->constant();
        if (k && k->kind() == ValueKind::kString) {
          std::string err;
          const void* p = o->prepare(k->string_value(), &err);
          if (p == nullptr) {
            Error(*ArgExpr(e, o->prepared_arg), err);
          } else {
            state_->prepared.emplace_back(p, o->destroy);
            c.prepared = p;
          }
        }
      }
      if (o->impl == nullptr && c.prepared == nullptr) continue;
      cands.push_back(c);
    }
    if (cands.empty()) {
      Error(e, "function '" + fn + "' has no implementation");
      return Placeholder(e);
    }
    return std::make_unique<CallStep>(e.id, Intern(name), std::move(args), std::move(cands));
  }

  static const Expr* ArgExpr(const Expr& call, int i) {
    if (call.target) {
      if (i == 0) return call.target.get();
      return call.args[i - 1].get();
    }
    return call.args[i].get();
  }

  static bool HasOverloads(const FunctionDecl& d, bool member, size_t argc) {
    for (const auto& o : d.overloads) {
      if (o.member == member && o.params.size() == argc) return true;
    }
    return false;
  }

  int NewLocal(const std::string& name) {
    int slot = static_cast<int>(next_local_++);
    max_locals_ = std::max(max_locals_, next_local_);
    scopes_.emplace_back(name, slot);
    return slot;
  }

  StepPtr PlanBlock(const Expr& e) {
    const Expr& list = *e.args[0];
    size_t saved_next = next_local_;
    size_t saved_scopes = scopes_.size();
    std::vector<StepPtr> elems;
    std::vector<int> value_slots, state_slots;
    for (size_t i = 0; i < list.args.size(); ++i) {
      elems.push_back(PlanExpr(*list.args[i]));
      // An element may first be evaluated from inside a later element or a comprehension of
      // the result: keep the locals it uses apart from everything planned after it.
      next_local_ = max_locals_;
      int state = NewLocal("");
      scopes_.pop_back();
      int value = NewLocal(std::string(op::kBlockIndexPrefix) + std::to_string(i));
      block_slots_[value] = BlockSlot{state, elems.back().get()};
      value_slots.push_back(value);
      state_slots.push_back(state);
    }
    StepPtr result = PlanExpr(*e.args[1]);
    for (int slot : value_slots) block_slots_.erase(slot);
    scopes_.resize(saved_scopes);
    next_local_ = saved_next;
    return std::make_unique<BlockStep>(e.id, std::move(elems), std::move(state_slots),
                                       std::move(result));
  }

  StepPtr PlanComprehension(const Expr& e) {
    const Comprehension& c = *e.comprehension;
    ComprehensionStep::Parts p;
    p.range = PlanExpr(*c.iter_range);
    size_t saved_next = next_local_;
    size_t saved_scopes = scopes_.size();
    bool grow = c.macro == MacroKind::kMap || c.macro == MacroKind::kMapFilter ||
                c.macro == MacroKind::kFilter || c.macro == MacroKind::kTransformList ||
                c.macro == MacroKind::kTransformListFilter;
    bool init_is_empty_list = c.accu_init->kind == ExprKind::kList && c.accu_init->args.empty();
    grow = grow && init_is_empty_list && c.accu_var == op::kAccumulatorName;
    if (grow) {
      p.init = std::make_unique<NewGrowableListStep>(c.accu_init->id);
    } else {
      p.init = PlanExpr(*c.accu_init);
    }
    p.accu_slot = NewLocal(c.accu_var);
    p.result = nullptr;
    // The loop body sees the iteration variables; the result sees only the accumulator.
    p.iter_slot = NewLocal(c.iter_var);
    if (!c.iter_var2.empty()) p.iter2_slot = NewLocal(c.iter_var2);
    int saved_append = accu_append_slot_;
    accu_append_slot_ = grow ? p.accu_slot : -1;
    p.cond = PlanExpr(*c.loop_condition);
    p.step = PlanExpr(*c.loop_step);
    accu_append_slot_ = -1;
    // Hide the iteration variables from the result.
    scopes_.resize(saved_scopes + 1);
    p.result = PlanExpr(*c.result);
    accu_append_slot_ = saved_append;
    scopes_.resize(saved_scopes);
    next_local_ = saved_next;
    return std::make_unique<ComprehensionStep>(e.id, std::move(p));
  }

  const ParsedExpr& parsed_;
  const CheckedInfo* checked_;
  const DeclSet& decls_;
  const PlanOptions& options_;
  std::vector<Issue>* issues_;
  PlanState* state_;
  bool failed_ = false;
  std::vector<std::pair<std::string, int>> scopes_;
  size_t next_local_ = 0;
  size_t max_locals_ = 0;
  int accu_append_slot_ = -1;
  // Local slots holding cel.@block values: their "computed" slot and defining element.
  struct BlockSlot {
    int state_slot;
    const Step* elem;
  };
  std::unordered_map<int, BlockSlot> block_slots_;
  std::unordered_map<std::string, std::string_view> interned_;
};

}  // namespace
}  // namespace internal

Program::Program() = default;
Program::~Program() = default;

StatusOr<Value> Program::Eval(const Activation& activation, Arena& arena,
                              const EvalOptions& options, EvalStats* stats, Trace* trace) const {
  internal::Frame f;
  f.arena = &arena;
  f.activation = &activation;
  f.ctx.arena = &arena;
  f.ctx.services = options.services;
  f.limit = options.cost_limit;
  f.options = &options;
  f.trace = trace;
  size_t locals = state_->local_count;
  size_t globals = activation.size();
  // Locals are written before they are read and the lazy cache is read only once computed,
  // so neither needs initialising; only the lazy-state bytes do.
  constexpr size_t kInline = 16;
  alignas(Value) unsigned char inline_locals[kInline * sizeof(Value)];
  alignas(Value) unsigned char inline_cache[kInline * sizeof(Value)];
  uint8_t inline_state[kInline];
  f.locals = locals <= kInline ? reinterpret_cast<Value*>(inline_locals)
                               : arena.NewArray<Value>(locals);
  if (globals <= kInline) {
    f.lazy_cache = reinterpret_cast<Value*>(inline_cache);
    f.lazy_state = inline_state;
  } else {
    f.lazy_cache = arena.NewArray<Value>(globals);
    f.lazy_state = arena.NewArray<uint8_t>(globals);
  }
  std::memset(f.lazy_state, 0, globals);
  Value v = state_->root->Eval(f);
  if (stats) stats->cost = f.cost;
  if (f.aborted) return f.status;
  return v;
}

std::unique_ptr<Program> Plan(const ParsedExpr& expr, const CheckedInfo* checked,
                              const DeclSet& decls, const PlanOptions& options,
                              std::vector<Issue>* issues) {
  auto state = std::make_unique<internal::PlanState>();
  internal::Planner planner(expr, checked, decls, options, issues, state.get());
  if (!expr.root) return nullptr;
  state->root = planner.PlanExpr(*expr.root);
  if (planner.failed()) return nullptr;
  state->local_count = planner.max_locals();
  state->global_count = decls.variable_count();
  return internal::PlanState::MakeProgram(std::move(state));
}

}  // namespace celgate::cel

// cel/checker/cost.cc: static cost estimate (see cost.h). Mirrors the runtime charges of
// cel/eval/planner.cc node by node; every function call is estimated from its overload's
// declaration (OverloadDecl::estimate, declared by its library next to the runtime cost), so
// this file holds no per-function formulas (STYLE.md H11).
#include "cel/checker/cost.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/utf8.h"
#include "cel/common/operators.h"

namespace celgate::cel {
namespace {

constexpr uint64_t kInf = cost::kUnbounded;
using cost::AtLeast1;
using cost::OfSize;
using cost::Plus;
using cost::SatAdd;
using cost::SatMul;

// Cost range of a sub-expression and the size range of its value (bytes for strings and
// bytes, elements for lists and maps, 1 for anything else).
struct Est {
  CostEstimate cost{0, 0};
  SizeRange size{1, 1};
};

class Estimator {
 public:
  Estimator(const CheckedInfo& info, const DeclSet& decls, const CostOptions& options)
      : info_(info), decls_(decls), options_(options) {}

  Est Visit(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kUnspecified: return Unbounded();
      case ExprKind::kConstant: return Constant(e.constant);
      case ExprKind::kIdent: {
        if (const SizeRange* local = Local(e.name)) return {{cost::kIdent, cost::kIdent}, *local};
        return {{cost::kIdent, cost::kIdent}, SizeOf(e.id)};
      }
      case ExprKind::kSelect: return Select(e);
      case ExprKind::kCall: return Call(e);
      case ExprKind::kList: {
        Est out{{cost::kListCreate, cost::kListCreate}, {}};
        for (const auto& a : e.args) out.cost = Plus(out.cost, Visit(*a).cost);
        out.size = {e.args.size() - e.optional_indices.size(), e.args.size()};
        return out;
      }
      case ExprKind::kMap:
      case ExprKind::kStruct: {
        uint64_t c = e.kind == ExprKind::kMap ? cost::kMapCreate : cost::kStructCreate;
        Est out{{c, c}, {}};
        uint64_t optional = 0;
        for (const Entry& en : e.entries) {
          if (en.key) out.cost = Plus(out.cost, Visit(*en.key).cost);
          if (en.value) out.cost = Plus(out.cost, Visit(*en.value).cost);
          if (en.optional) ++optional;
        }
        out.size = {e.entries.size() - optional, e.entries.size()};
        if (e.kind == ExprKind::kStruct) out.size = {1, 1};
        return out;
      }
      case ExprKind::kComprehension: return Comprehension(e);
    }
    return Unbounded();
  }

 private:
  static Est Unbounded() { return {{0, kInf}, {0, kInf}}; }

  Est Constant(const cel::Constant& c) {
    Est out;
    if (c.kind == ConstantKind::kString) {
      // Library formulas count bytes or code points; [code points, bytes] brackets both.
      out.size = {utf8::CountCodePoints(c.string_value), c.string_value.size()};
    } else if (c.kind == ConstantKind::kBytes) {
      out.size = {c.string_value.size(), c.string_value.size()};
    }
    return out;
  }

  // The bounds libraries see for values of unknown size (EstimateInput).
  EstimateInput Bounds() const {
    EstimateInput in;
    in.max_string_size = options_.max_request_size_bytes;
    in.max_elements = options_.max_request_size_bytes /
                      std::max<uint64_t>(1, options_.min_element_size_bytes);
    return in;
  }
  // Size bound for a value of static type `t`, as Kubernetes bounds admission inputs.
  SizeRange SizeOfType(const Type& t) const { return Bounds().SizeOfType(t); }
  SizeRange SizeOf(ExprId id) const {
    auto it = info_.types.find(id);
    return SizeOfType(it == info_.types.end() ? Type::Dyn() : it->second);
  }

  const SizeRange* Local(const std::string& name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }

  Est Select(const Expr& e) {
    if (e.test_only) {
      Est op = Visit(*e.operand);
      uint64_t c = options_.presence_test_cost;
      return {Plus(op.cost, {c, c}), {1, 1}};
    }
    // A qualified name the checker resolved to a declared variable is one identifier.
    auto ref = info_.references.find(e.id);
    if (ref != info_.references.end() && !ref->second.name.empty() &&
        !RootIsLocal(e)) {
      return {{cost::kIdent, cost::kIdent}, SizeOf(e.id)};
    }
    Est op = Visit(*e.operand);
    return {Plus(op.cost, {cost::kSelect, cost::kSelect}), SizeOf(e.id)};
  }
  bool RootIsLocal(const Expr& e) const {
    const Expr* p = &e;
    while (p->kind == ExprKind::kSelect) p = p->operand.get();
    return p->kind == ExprKind::kIdent && Local(p->name) != nullptr;
  }

  Est Call(const Expr& e) {
    const std::string& fn = e.name;
    std::vector<Est> args;
    if (e.target) args.push_back(Visit(*e.target));
    for (const auto& a : e.args) args.push_back(Visit(*a));
    CostEstimate sum{0, 0};
    for (const Est& a : args) sum = Plus(sum, a.cost);

    if (!e.target && args.size() == 2 && (fn == op::kLogicalAnd || fn == op::kLogicalOr)) {
      return {{args[0].cost.min, sum.max}, {1, 1}};
    }
    if (!e.target && args.size() == 3 && fn == op::kConditional) {
      CostEstimate c{SatAdd(args[0].cost.min, std::min(args[1].cost.min, args[2].cost.min)),
                     SatAdd(args[0].cost.max, std::max(args[1].cost.max, args[2].cost.max))};
      SizeRange s{std::min(args[1].size.min, args[2].size.min),
                  std::max(args[1].size.max, args[2].size.max)};
      return {c, s};
    }
    if (!e.target && args.size() == 1 && fn == op::kNotStrictlyFalse) {
      return {sum, {1, 1}};
    }
    if (!e.target && args.size() == 2 && (fn == op::kEquals || fn == op::kNotEquals)) {
      // Runtime: max(1, ceil(min(size(a), size(b)) * 0.1)) for sized values, else 1.
      uint64_t hi = AtLeast1(OfSize(std::min(args[0].size.max, args[1].size.max),
                                    cost::kStringTraversalFactor));
      return {Plus(sum, {1, hi}), {1, 1}};
    }
    if (!e.target && args.size() == 2 &&
        (fn == op::kIndex || fn == op::kOptIndex || fn == op::kOptSelect)) {
      return {Plus(sum, {cost::kCall, cost::kCall}), SizeOf(e.id)};
    }

    // Library call: the candidate overloads the checker left.
    std::vector<std::string> ids;
    auto ref = info_.references.find(e.id);
    if (ref != info_.references.end()) ids = ref->second.overload_ids;
    if (ids.empty()) return {{sum.min, kInf}, SizeOf(e.id)};
    // The declarations the overload ids may come from: `fn`, and for `ns.fn(x)` also the
    // namespaced function `ns.fn` (`sets.contains` is not the member `contains`).
    std::vector<const FunctionDecl*> decls;
    for (const std::string& cand : decls_.CandidateNames(fn)) {
      if (const FunctionDecl* d = decls_.FindFunction(cand)) {
        decls.push_back(d);
        break;
      }
    }
    if (e.target && e.target->kind == ExprKind::kIdent) {
      for (const std::string& cand : decls_.CandidateNames(e.target->name + "." + fn)) {
        if (const FunctionDecl* d = decls_.FindFunction(cand)) {
          decls.push_back(d);
          break;
        }
      }
    }
    // Argument facts for the overloads' estimate functions.
    std::vector<ArgEstimate> facts;
    facts.reserve(args.size());
    {
      std::vector<const Expr*> arg_exprs;
      if (e.target) arg_exprs.push_back(e.target.get());
      for (const auto& a : e.args) arg_exprs.push_back(a.get());
      for (size_t i = 0; i < args.size(); ++i) {
        ArgEstimate f;
        f.size = args[i].size;
        auto t = info_.types.find(arg_exprs[i]->id);
        if (t != info_.types.end()) f.type = t->second;
        if (arg_exprs[i]->kind == ExprKind::kConstant &&
            arg_exprs[i]->constant.kind == ConstantKind::kInt) {
          f.int_constant = arg_exprs[i]->constant.int_value;
        }
        facts.push_back(std::move(f));
      }
    }
    CostEstimate call{kInf, 0};
    bool namespaced = false;
    std::optional<SizeRange> result;
    bool result_known = true;
    for (const std::string& id : ids) {
      const OverloadDecl* o = Find(decls, id);
      // The receiver of a namespaced function is not an argument.
      std::span<const ArgEstimate> in_args(facts);
      if (o && e.target && !o->member) {
        in_args = in_args.subspan(1);
        namespaced = true;
      }
      CallEstimate c = OverloadCost(o, in_args);
      call.min = std::min(call.min, c.cost.min);
      call.max = std::max(call.max, c.cost.max);
      if (!c.result_size) {
        result_known = false;
      } else if (!result) {
        result = c.result_size;
      } else {
        result = SizeRange{std::min(result->min, c.result_size->min),
                           std::max(result->max, c.result_size->max)};
      }
    }
    if (namespaced) {  // `sets` in `sets.contains(a, b)` is a name, not evaluated
      sum = {0, 0};
      for (size_t i = 1; i < args.size(); ++i) sum = Plus(sum, args[i].cost);
    }
    return {Plus(sum, call), result_known && result ? *result : SizeOf(e.id)};
  }

  static const OverloadDecl* Find(const std::vector<const FunctionDecl*>& decls,
                                  const std::string& id) {
    for (const FunctionDecl* decl : decls) {
      for (const OverloadDecl& o : decl->overloads) {
        if (o.id == id) return &o;
      }
    }
    return nullptr;
  }

  // The overload's own declaration of its cost (OverloadDecl::estimate); the default cost 1
  // when it declares none; unbounded when the overload is unknown or declares a runtime cost
  // without its static twin (Library::FunctionBuilder::Cost always sets both).
  CallEstimate OverloadCost(const OverloadDecl* o, std::span<const ArgEstimate> args) const {
    if (o == nullptr) return {{0, kInf}, std::nullopt};
    if (o->estimate != nullptr) {
      EstimateInput in = Bounds();
      in.args = args;
      return o->estimate(in);
    }
    if (o->cost == nullptr) return {{cost::kCall, cost::kCall}, std::nullopt};
    return {{0, kInf}, std::nullopt};
  }

  static bool IsTrue(const Expr& e) {
    return e.kind == ExprKind::kConstant && e.constant.kind == ConstantKind::kBool &&
           e.constant.bool_value;
  }

  Est Comprehension(const Expr& e) {
    const cel::Comprehension& c = *e.comprehension;
    Est range = Visit(*c.iter_range);
    Est init = Visit(*c.accu_init);
    // Element sizes: typed by the checker through the range's type.
    SizeRange elem = {0, kInf};
    SizeRange elem2 = {0, kInf};
    auto rt = info_.types.find(c.iter_range->id);
    Type range_type = rt == info_.types.end() ? Type::Dyn() : rt->second;
    if (range_type.kind() == TypeKind::kList) {
      elem = SizeOfType(range_type.param(0));
      elem2 = elem;
      if (!c.iter_var2.empty()) elem = {1, 1};  // index
    } else if (range_type.kind() == TypeKind::kMap) {
      elem = SizeOfType(range_type.param(0));
      elem2 = SizeOfType(range_type.params().size() > 1 ? range_type.param(1) : Type::Dyn());
    } else {
      elem = elem2 = SizeOfType(Type::Dyn());
    }
    uint64_t iters = range.size.max;
    // The accumulator grows by at most one element per iteration for list-building macros.
    bool grows = c.macro == MacroKind::kMap || c.macro == MacroKind::kMapFilter ||
                 c.macro == MacroKind::kFilter || c.macro == MacroKind::kTransformList ||
                 c.macro == MacroKind::kTransformListFilter ||
                 c.macro == MacroKind::kTransformMap ||
                 c.macro == MacroKind::kTransformMapFilter;
    SizeRange accu = init.size;
    if (grows) {
      accu.max = SatAdd(init.size.max, iters);
    } else if (c.accu_init->kind != ExprKind::kConstant) {
      accu = SizeOf(c.accu_init->id);
    }
    size_t base = scopes_.size();
    scopes_.emplace_back(c.accu_var, accu);
    scopes_.emplace_back(c.iter_var, elem);
    if (!c.iter_var2.empty()) scopes_.emplace_back(c.iter_var2, elem2);
    Est cond = Visit(*c.loop_condition);
    Est step = Visit(*c.loop_step);
    scopes_.erase(scopes_.begin() + static_cast<std::ptrdiff_t>(base) + 1, scopes_.end());
    Est result = Visit(*c.result);
    scopes_.erase(scopes_.begin() + static_cast<std::ptrdiff_t>(base), scopes_.end());

    CostEstimate out = Plus(Plus(range.cost, init.cost), result.cost);
    uint64_t per_iter_max = SatAdd(cond.cost.max, step.cost.max);
    out.max = SatAdd(out.max, SatMul(iters, per_iter_max));
    // The loop may stop after the first condition unless the condition is constant true.
    uint64_t min_iter = IsTrue(*c.loop_condition)
                            ? SatMul(range.size.min, SatAdd(cond.cost.min, step.cost.min))
                            : (range.size.min > 0 ? cond.cost.min : 0);
    out.min = SatAdd(out.min, min_iter);
    SizeRange rsize = result.size;
    if (grows) {
      rsize = {c.macro == MacroKind::kMap || c.macro == MacroKind::kTransformList ||
                       c.macro == MacroKind::kTransformMap
                   ? range.size.min
                   : 0,
               accu.max};
    }
    return {out, rsize};
  }

  const CheckedInfo& info_;
  const DeclSet& decls_;
  const CostOptions& options_;
  std::vector<std::pair<std::string, SizeRange>> scopes_;
};

}  // namespace

CostEstimate EstimateCost(const ParsedExpr& expr, const CheckedInfo& info, const DeclSet& decls,
                          const CostOptions& options) {
  if (!expr.root) return {0, 0};
  Estimator est(info, decls, options);
  return est.Visit(*expr.root).cost;
}

}  // namespace celgate::cel

// cel/checker/cost.cc: static cost estimate (see cost.h). Mirrors the runtime charges of
// cel/eval/planner.cc and the standard library's cost functions, node by node.
#include "cel/checker/cost.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cel/common/operators.h"

namespace celgate::cel {
namespace {

constexpr uint64_t kInf = std::numeric_limits<uint64_t>::max();

uint64_t SatAdd(uint64_t a, uint64_t b) { return a > kInf - b ? kInf : a + b; }
uint64_t SatMul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kInf / b ? kInf : a * b;
}
uint64_t OfSize(uint64_t n, double factor) {
  if (n == kInf) return kInf;
  return cost::OfSize(n, factor);
}
uint64_t AtLeast1(uint64_t v) { return std::max<uint64_t>(1, v); }

// Range of the size the runtime uses for costs: bytes for strings and bytes, elements for
// lists and maps, 1 for anything else.
struct SizeRange {
  uint64_t min = 0;
  uint64_t max = kInf;
};

struct Est {
  CostEstimate cost{0, 0};
  SizeRange size{1, 1};
};

CostEstimate Plus(CostEstimate a, CostEstimate b) {
  return {SatAdd(a.min, b.min), SatAdd(a.max, b.max)};
}

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }
bool EndsWith(const std::string& s, std::string_view p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

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
    if (c.kind == ConstantKind::kString || c.kind == ConstantKind::kBytes) {
      out.size = {c.string_value.size(), c.string_value.size()};
    }
    return out;
  }

  // Size bound for a value of static type `t`, as Kubernetes bounds admission inputs.
  SizeRange SizeOfType(const Type& t) const {
    uint64_t max_elems = options_.max_request_size_bytes /
                         std::max<uint64_t>(1, options_.min_element_size_bytes);
    switch (t.kind()) {
      case TypeKind::kString:
      case TypeKind::kBytes: return {0, options_.max_request_size_bytes};
      case TypeKind::kList:
      case TypeKind::kMap: return {0, max_elems};
      case TypeKind::kDyn:
      case TypeKind::kTypeParam:
      case TypeKind::kError:
        return {0, std::max(options_.max_request_size_bytes, max_elems)};
      default: return {1, 1};
    }
  }
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
    const FunctionDecl* decl = nullptr;
    for (const std::string& cand : decls_.CandidateNames(fn)) {
      if ((decl = decls_.FindFunction(cand))) break;
    }
    if (decl == nullptr && e.target) {  // namespaced function: `math.abs(x)`
      if (e.target->kind == ExprKind::kIdent) {
        for (const std::string& cand : decls_.CandidateNames(e.target->name + "." + fn)) {
          if ((decl = decls_.FindFunction(cand))) break;
        }
      }
    }
    CostEstimate call{kInf, 0};
    for (const std::string& id : ids) {
      const OverloadDecl* o = Find(decl, id);
      // The receiver of a namespaced function is not an argument.
      const Est* a = args.data();
      size_t n = args.size();
      if (o && e.target && !o->member) {
        ++a;
        --n;
      }
      CostEstimate c = OverloadCost(id, o, a, n);
      call.min = std::min(call.min, c.min);
      call.max = std::max(call.max, c.max);
    }
    return {Plus(sum, call), ResultSize(ids, args, e.id)};
  }

  static const OverloadDecl* Find(const FunctionDecl* decl, const std::string& id) {
    if (decl == nullptr) return nullptr;
    for (const OverloadDecl& o : decl->overloads) {
      if (o.id == id) return &o;
    }
    return nullptr;
  }

  // Static form of each standard-library runtime cost function (cel-kubernetes.md 5.2).
  static CostEstimate OverloadCost(const std::string& id, const OverloadDecl* o, const Est* a,
                                   size_t n) {
    constexpr double kT = cost::kStringTraversalFactor;
    auto range = [](auto f) { return CostEstimate{f(false), f(true)}; };
    auto sz = [&](size_t i, bool hi) { return i < n ? (hi ? a[i].size.max : a[i].size.min) : 0; };
    if (n == 2 && (id == "add_string" || id == "add_bytes" || id == "add_list")) {
      return range([&](bool hi) { return AtLeast1(OfSize(SatAdd(sz(0, hi), sz(1, hi)), kT)); });
    }
    if (n == 2 && (StartsWith(id, "less_") || StartsWith(id, "greater_")) &&
        (EndsWith(id, "_string") || EndsWith(id, "_bytes"))) {
      return range([&](bool hi) { return AtLeast1(OfSize(std::min(sz(0, hi), sz(1, hi)), kT)); });
    }
    if (id == "in_list") {
      return range([&](bool hi) { return AtLeast1(sz(1, hi)); });
    }
    if (id == "contains_string") {
      return range([&](bool hi) {
        return SatMul(AtLeast1(OfSize(sz(0, hi), kT)), AtLeast1(OfSize(sz(1, hi), kT)));
      });
    }
    if (id == "starts_with_string" || id == "ends_with_string") {
      return range([&](bool hi) { return AtLeast1(OfSize(sz(1, hi), kT)); });
    }
    if (id == "matches" || id == "matches_string") {
      return range([&](bool hi) {
        return SatMul(AtLeast1(OfSize(SatAdd(1, sz(0, hi)), kT)),
                      AtLeast1(OfSize(sz(1, hi), cost::kRegexFactor)));
      });
    }
    if (id == "bytes_to_string" || id == "string_to_bytes" || id == "string_to_duration" ||
        id == "string_to_timestamp") {
      return range([&](bool hi) { return AtLeast1(OfSize(sz(0, hi), kT)); });
    }
    if (o != nullptr && o->cost == nullptr) return {cost::kCall, cost::kCall};
    // A runtime cost function without a static form here: unbounded.
    return {0, kInf};
  }

  SizeRange ResultSize(const std::vector<std::string>& ids, const std::vector<Est>& args,
                       ExprId id) const {
    if (ids.size() == 1 && args.size() == 2 &&
        (ids[0] == "add_string" || ids[0] == "add_bytes" || ids[0] == "add_list")) {
      return {SatAdd(args[0].size.min, args[1].size.min),
              SatAdd(args[0].size.max, args[1].size.max)};
    }
    return SizeOf(id);
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

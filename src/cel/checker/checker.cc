// cel/checker/checker.cc: the CEL type checker (pipeline stage: checker). Entry point: Check()
// in checker.h; users go through cel/cel.h (Env::Compile runs Check, then Plan).
//
// What happens here, in the order cel-go's checker does it:
//   - One recursive walk over the AST (depth is bounded by the parser's recursion limit, 250 by
//     default and at most 1000, so recursion is safe here) assigns a type to every node.
//   - Type parameters of overloads ("A", "B", ...) are instantiated with fresh variables per call
//     and unified against the argument types. The substitution (`Mapping`) is global to the
//     expression, so a variable bound inside a comprehension step (the `[]` accumulator of `map`)
//     refines the accumulator type seen by the result.
//   - Unification is gradual: dyn and the error type unify with anything; a bound variable that
//     meets a less specific type is widened (int then dyn gives dyn).
//   - Names resolve as the planner resolves them (locals first, then container candidates,
//     longest declared qualified name first), so `references` tell the planner what we decided.
//   - Every problem is recorded as an Issue with the node's offset; checking continues with the
//     error type, which unifies with anything to avoid cascades.
// Error texts are cel-go's (checker/errors.go wording), type names in messages are formatted as
// cel-go's FormatCelType does (`timestamp`, `null`, `!error!`), which differs from
// Type::DebugString on purpose.
#include "cel/checker/checker.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cel/common/operators.h"

namespace celgate::cel {
namespace {

// cel-go stops recording after this many errors; the rest only bloat the output.
constexpr size_t kMaxIssues = 100;

bool IsDyn(const Type& t) { return t.kind() == TypeKind::kDyn; }
bool IsError(const Type& t) { return t.kind() == TypeKind::kError; }
bool IsDynOrError(const Type& t) { return IsDyn(t) || IsError(t); }
bool IsParam(const Type& t) { return t.kind() == TypeKind::kTypeParam; }

// Kinds that unify by name and parameters (cel-go treats all of these as parameterised types).
bool IsParameterised(TypeKind k) {
  return k == TypeKind::kList || k == TypeKind::kMap || k == TypeKind::kOptional ||
         k == TypeKind::kOpaque;
}

// `null` may be assigned to these (cel-go keeps the legacy checker's nullable set: abstract and
// message types, timestamps, durations; wrappers and Any do not exist here).
bool IsNullable(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kNull:
    case TypeKind::kOpaque:
    case TypeKind::kOptional:
    case TypeKind::kTimestamp:
    case TypeKind::kDuration:
      return true;
    default:
      return false;
  }
}

// Type text in messages, as cel-go formats it.
std::string FormatType(const Type& t) {
  auto params = [&](std::string name) {
    name += "(";
    for (size_t i = 0; i < t.params().size(); ++i) {
      if (i) name += ", ";
      name += FormatType(t.params()[i]);
    }
    return name + ")";
  };
  switch (t.kind()) {
    case TypeKind::kDyn: return "dyn";
    case TypeKind::kNull: return "null";
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "int";
    case TypeKind::kUint: return "uint";
    case TypeKind::kDouble: return "double";
    case TypeKind::kString: return "string";
    case TypeKind::kBytes: return "bytes";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kDuration: return "duration";
    case TypeKind::kError: return "!error!";
    case TypeKind::kTypeParam: return t.name();
    case TypeKind::kList: return params("list");
    case TypeKind::kMap: return params("map");
    case TypeKind::kOptional: return params("optional_type");
    case TypeKind::kType: return t.params().empty() ? "type" : params("type");
    case TypeKind::kOpaque: return t.params().empty() ? t.name() : params(t.name());
  }
  return "?";
}

// True when `t1` is as general as `t2` or more (dyn and type variables are the most general).
// Only meaningful for types already known to unify.
bool EqualOrLessSpecific(const Type& t1, const Type& t2) {
  if (IsDyn(t1) || IsParam(t1)) return true;
  // A nullable type is more general than null itself: `[optional.of(1), null]` is a list of
  // optional_type(int), not of null (cel-spec type_deductions/legacy_nullable_types).
  if (t2.kind() == TypeKind::kNull && IsNullable(t1)) return true;
  if (IsDyn(t2) || IsParam(t2)) return false;
  if (t1.kind() != t2.kind()) return false;
  switch (t1.kind()) {
    case TypeKind::kType:
      return true;
    case TypeKind::kList:
    case TypeKind::kMap:
    case TypeKind::kOptional:
    case TypeKind::kOpaque: {
      if (t1.name() != t2.name() || t1.params().size() != t2.params().size()) return false;
      for (size_t i = 0; i < t1.params().size(); ++i) {
        if (!EqualOrLessSpecific(t1.params()[i], t2.params()[i])) return false;
      }
      return true;
    }
    default:
      return t1 == t2;
  }
}

const Type& MostGeneral(const Type& t1, const Type& t2) {
  return EqualOrLessSpecific(t1, t2) ? t1 : t2;
}

bool ContainsParam(const Type& t) {
  if (IsParam(t)) return true;
  for (const Type& p : t.params()) {
    if (ContainsParam(p)) return true;
  }
  return false;
}

// Replaces type parameters named in `subs` (no chasing: one level, for instantiation).
Type Rename(const Type& t, const std::unordered_map<std::string, Type>& subs) {
  if (IsParam(t)) {
    auto it = subs.find(t.name());
    return it == subs.end() ? t : it->second;
  }
  if (t.params().empty()) return t;
  std::vector<Type> ps;
  ps.reserve(t.params().size());
  for (const Type& p : t.params()) ps.push_back(Rename(p, subs));
  switch (t.kind()) {
    case TypeKind::kList: return Type::List(ps[0]);
    case TypeKind::kMap: return Type::Map(ps[0], ps[1]);
    case TypeKind::kOptional: return Type::Optional(ps[0]);
    case TypeKind::kType: return Type::TypeOf(ps[0]);
    case TypeKind::kOpaque: return Type::Opaque(t.name(), std::move(ps));
    default: return t;
  }
}

void CollectParams(const Type& t, std::vector<std::string>* out) {
  if (IsParam(t)) {
    if (std::find(out->begin(), out->end(), t.name()) == out->end()) out->push_back(t.name());
    return;
  }
  for (const Type& p : t.params()) CollectParams(p, out);
}

// "a.b.c" for an identifier or a chain of plain selections; nullopt otherwise.
std::optional<std::string> QualifiedName(const Expr& e) {
  if (e.kind == ExprKind::kIdent) return e.name;
  if (e.kind == ExprKind::kSelect && !e.test_only && e.operand) {
    std::optional<std::string> base = QualifiedName(*e.operand);
    if (!base) return std::nullopt;
    return *base + "." + e.name;
  }
  return std::nullopt;
}

const Expr* RootIdent(const Expr& e) {
  const Expr* p = &e;
  while (p->kind == ExprKind::kSelect && p->operand) p = p->operand.get();
  return p->kind == ExprKind::kIdent ? p : nullptr;
}

// Overloads cel-go's optional library declares for `_[?_]` and for `_[_]` on optional operands.
// Used when the environment has no declaration of its own with the same id: the syntax is
// always accepted by our parser, and the planner implements these operators itself.
const std::vector<OverloadDecl>& BuiltinOptIndexOverloads() {
  static const auto* v = [] {
    const Type V = Type::Param("V"), K = Type::Param("K");
    auto* out = new std::vector<OverloadDecl>();
    auto add = [&](const char* id, std::vector<Type> params, Type result) {
      OverloadDecl o;
      o.id = id;
      o.params = std::move(params);
      o.result = std::move(result);
      out->push_back(std::move(o));
    };
    add("list_optindex_optional_int", {Type::List(V), Type::Int()}, Type::Optional(V));
    add("optional_list_optindex_optional_int", {Type::Optional(Type::List(V)), Type::Int()},
        Type::Optional(V));
    add("map_optindex_optional_value", {Type::Map(K, V), K}, Type::Optional(V));
    add("optional_map_optindex_optional_value", {Type::Optional(Type::Map(K, V)), K},
        Type::Optional(V));
    return out;
  }();
  return *v;
}
const std::vector<OverloadDecl>& BuiltinOptionalOperandIndexOverloads() {
  static const auto* v = [] {
    const Type V = Type::Param("V"), K = Type::Param("K");
    auto* out = new std::vector<OverloadDecl>();
    OverloadDecl l;
    l.id = "optional_list_index_int";
    l.params = {Type::Optional(Type::List(V)), Type::Int()};
    l.result = Type::Optional(V);
    out->push_back(l);
    OverloadDecl m;
    m.id = "optional_map_index_value";
    m.params = {Type::Optional(Type::Map(K, V)), K};
    m.result = Type::Optional(V);
    out->push_back(m);
    return out;
  }();
  return *v;
}

class Checker {
 public:
  Checker(const ParsedExpr& parsed, const DeclSet& decls, const CheckerOptions& options)
      : parsed_(parsed), decls_(decls), options_(options) {}

  CheckResult Run() {
    if (parsed_.root) Visit(*parsed_.root);
    // Final substitution: bound variables by their binding, unbound ones by dyn.
    for (auto& [id, t] : result_.info.types) t = Substitute(t, true);
    if (parsed_.root) {
      auto it = result_.info.types.find(parsed_.root->id);
      if (it != result_.info.types.end()) result_.result_type = it->second;
    }
    std::stable_sort(result_.issues.begin(), result_.issues.end(),
                     [](const Issue& a, const Issue& b) { return a.offset < b.offset; });
    return std::move(result_);
  }

 private:
  // ---- Type substitution and unification -----------------------------------------------------

  // Type variable bindings. Trial unifications record what they change in `trail_` so a failed
  // trial can be undone without copying the whole mapping.
  std::optional<Type> Find(const Type& t) const {
    if (!IsParam(t)) return std::nullopt;
    auto it = subs_.find(t.name());
    if (it == subs_.end()) return std::nullopt;
    return it->second;
  }
  void Bind(const Type& param, const Type& value) {
    auto it = subs_.find(param.name());
    if (it == subs_.end()) {
      trail_.emplace_back(param.name(), std::nullopt);
      subs_.emplace(param.name(), value);
    } else {
      trail_.emplace_back(param.name(), it->second);
      it->second = value;
    }
  }
  void Rollback(size_t mark) {
    while (trail_.size() > mark) {
      auto& [name, old] = trail_.back();
      if (old) {
        subs_[name] = *old;
      } else {
        subs_.erase(name);
      }
      trail_.pop_back();
    }
  }

  Type Substitute(const Type& t, bool params_to_dyn) const {
    if (IsParam(t)) {
      if (std::optional<Type> sub = Find(t)) return Substitute(*sub, params_to_dyn);
      return params_to_dyn ? Type::Dyn() : t;
    }
    if (t.params().empty() || !ContainsParam(t)) return t;
    std::vector<Type> ps;
    ps.reserve(t.params().size());
    for (const Type& p : t.params()) ps.push_back(Substitute(p, params_to_dyn));
    switch (t.kind()) {
      case TypeKind::kList: return Type::List(ps[0]);
      case TypeKind::kMap: return Type::Map(ps[0], ps[1]);
      case TypeKind::kOptional: return Type::Optional(ps[0]);
      case TypeKind::kType: return Type::TypeOf(ps[0]);
      case TypeKind::kOpaque: return Type::Opaque(t.name(), std::move(ps));
      default: return t;
    }
  }

  // Occurs check: false when type variable `t` appears in `within` (following bindings).
  bool NotReferencedIn(const Type& t, const Type& within) const {
    if (t == within) return false;
    if (IsParam(within)) {
      std::optional<Type> sub = Find(within);
      return !sub || NotReferencedIn(t, *sub);
    }
    if (IsParameterised(within.kind())) {
      for (const Type& p : within.params()) {
        if (!NotReferencedIn(t, p)) return false;
      }
    }
    return true;
  }

  // Whether `t2` (a type variable), or its binding, can stand for `t1`; binds or widens `t2`
  // when it can. `*has_sub` tells whether `t2` was already bound.
  bool ValidSubstitution(const Type& t1, const Type& t2, bool* has_sub) {
    if (t1 == t2) {
      *has_sub = true;
      return true;
    }
    if (std::optional<Type> t2_sub = Find(t2)) {
      *has_sub = true;
      if (t1 == *t2_sub) return true;
      if (Assignable(t1, *t2_sub)) {
        Type widened = MostGeneral(t1, *t2_sub);
        if (NotReferencedIn(t2, widened)) Bind(t2, widened);
        return true;
      }
      return false;
    }
    *has_sub = false;
    if (NotReferencedIn(t2, t1)) {
      Bind(t2, t1);
      return true;
    }
    return false;
  }

  // Whether a value of type `t1` may be used where `t2` is expected (and vice versa for type
  // variables, which unify in both directions). Records bindings; callers undo on failure.
  bool Assignable(const Type& t1, const Type& t2) {
    if (IsParam(t2)) {
      bool has_sub = false;
      if (ValidSubstitution(t1, t2, &has_sub)) return true;
      if (has_sub) return false;
    }
    if (IsParam(t1)) {
      bool has_sub = false;
      return ValidSubstitution(t2, t1, &has_sub);
    }
    if (IsDynOrError(t1) || IsDynOrError(t2)) return true;
    if (t1.kind() == TypeKind::kNull) return IsNullable(t2);
    if (t2.kind() == TypeKind::kNull) return IsNullable(t1);
    switch (t1.kind()) {
      case TypeKind::kType:
        return t2.kind() == TypeKind::kType;
      case TypeKind::kList:
      case TypeKind::kMap:
      case TypeKind::kOptional:
      case TypeKind::kOpaque:
        return t1.kind() == t2.kind() && t1.name() == t2.name() &&
               AssignableList(t1.params(), t2.params());
      default:
        return t1 == t2;
    }
  }
  bool AssignableList(const std::vector<Type>& l1, const std::vector<Type>& l2) {
    if (l1.size() != l2.size()) return false;
    for (size_t i = 0; i < l1.size(); ++i) {
      if (!Assignable(l1[i], l2[i])) return false;
    }
    return true;
  }

  // Trial versions: keep the bindings on success, leave the mapping untouched on failure.
  bool TryAssignable(const Type& t1, const Type& t2) {
    size_t mark = trail_.size();
    bool ok = Assignable(t1, t2);
    if (!ok) Rollback(mark);
    if (mark == 0) trail_.clear();
    return ok;
  }
  bool TryAssignableList(const std::vector<Type>& l1, const std::vector<Type>& l2) {
    size_t mark = trail_.size();
    bool ok = AssignableList(l1, l2);
    if (!ok) Rollback(mark);
    if (mark == 0) trail_.clear();
    return ok;
  }

  Type NewTypeVar() { return Type::Param("_var" + std::to_string(next_var_++)); }

  // ---- Bookkeeping -----------------------------------------------------------------------------

  void Error(ExprId id, std::string message) {
    if (result_.issues.size() >= kMaxIssues) return;
    auto it = parsed_.positions.find(id);
    int32_t offset = it == parsed_.positions.end() ? -1 : it->second;
    result_.issues.push_back(Issue{Severity::kError, offset, std::move(message)});
  }
  void SetType(const Expr& e, Type t) { result_.info.types[e.id] = std::move(t); }
  Type GetType(const Expr& e) const {
    auto it = result_.info.types.find(e.id);
    return it == result_.info.types.end() ? Type::Error() : it->second;
  }
  void AssertType(const Expr& e, const Type& want) {
    Type got = GetType(e);
    if (!TryAssignable(want, got)) {
      Error(e.id, "expected type '" + FormatType(want) + "' but found '" + FormatType(got) + "'");
    }
  }
  void UndeclaredReference(ExprId id, const std::string& name) {
    Error(id, "undeclared reference to '" + name + "' (in container '" + decls_.container() +
                  "')");
  }

  const Type* LookupLocal(const std::string& name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }

  // Resolves a (possibly qualified) global name through the container's candidates: variables
  // first, then type names. Returns the declared name and its type.
  bool ResolveGlobal(const std::string& name, std::string* resolved, Type* type) const {
    for (const std::string& cand : decls_.CandidateNames(name)) {
      int slot = decls_.VariableSlot(cand);
      if (slot >= 0) {
        *resolved = cand;
        *type = decls_.variable(slot).type;
        return true;
      }
      if (const Library::TypeNameDecl* t = decls_.FindTypeName(cand)) {
        *resolved = cand;
        *type = t->type;
        return true;
      }
    }
    return false;
  }

  // ---- The walk ----------------------------------------------------------------------------------

  void Visit(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kUnspecified:
        // Left by a parse error; the parser has reported it.
        SetType(e, Type::Error());
        return;
      case ExprKind::kConstant:
        SetType(e, ConstantType(e.constant));
        return;
      case ExprKind::kIdent:
        VisitIdent(e);
        return;
      case ExprKind::kSelect:
        VisitSelect(e);
        return;
      case ExprKind::kCall:
        VisitCall(e);
        return;
      case ExprKind::kList:
        VisitList(e);
        return;
      case ExprKind::kMap:
        VisitMap(e);
        return;
      case ExprKind::kStruct:
        VisitStruct(e);
        return;
      case ExprKind::kComprehension:
        VisitComprehension(e);
        return;
    }
    SetType(e, Type::Error());
  }

  static Type ConstantType(const Constant& c) {
    switch (c.kind) {
      case ConstantKind::kNull: return Type::Null();
      case ConstantKind::kBool: return Type::Bool();
      case ConstantKind::kInt: return Type::Int();
      case ConstantKind::kUint: return Type::Uint();
      case ConstantKind::kDouble: return Type::Double();
      case ConstantKind::kString: return Type::String();
      case ConstantKind::kBytes: return Type::Bytes();
    }
    return Type::Error();
  }

  void VisitIdent(const Expr& e) {
    if (const Type* local = LookupLocal(e.name)) {
      SetType(e, *local);
      return;
    }
    std::string resolved;
    Type type;
    if (ResolveGlobal(e.name, &resolved, &type)) {
      SetType(e, type);
      result_.info.references[e.id].name = std::move(resolved);
      return;
    }
    SetType(e, Type::Error());
    UndeclaredReference(e.id, e.name);
  }

  void VisitSelect(const Expr& e) {
    if (!e.operand) {
      SetType(e, Type::Error());
      return;
    }
    // A qualified name `a.b.c` names a declared variable or type when some prefix of the chain
    // is not a local: the longest declared name wins, since each level tries its own chain
    // before descending into the operand.
    if (!e.test_only) {
      const Expr* root = RootIdent(e);
      if (root != nullptr && LookupLocal(root->name) == nullptr) {
        if (std::optional<std::string> qn = QualifiedName(e)) {
          std::string resolved;
          Type type;
          if (ResolveGlobal(*qn, &resolved, &type)) {
            SetType(e, type);
            result_.info.references[e.id].name = std::move(resolved);
            return;
          }
        }
      }
    }
    Type t = SelectField(e, *e.operand, e.name, /*optional=*/false);
    if (e.test_only) t = Type::Bool();
    SetType(e, Substitute(t, false));
  }

  // Type of `operand.field` (or `operand.?field` when `optional`), reporting on node `e`.
  Type SelectField(const Expr& e, const Expr& operand, const std::string& field, bool optional) {
    Visit(operand);
    Type operand_type = Substitute(GetType(operand), false);
    bool was_optional = operand_type.kind() == TypeKind::kOptional;
    Type target = was_optional ? operand_type.param(0) : operand_type;
    Type result;
    switch (target.kind()) {
      case TypeKind::kMap:
        result = target.param(1);
        break;
      case TypeKind::kTypeParam:
        // Pin the unknown operand to dyn so it cannot later be bound to a type without fields.
        TryAssignable(Type::Dyn(), target);
        result = Type::Dyn();
        break;
      default:
        if (!IsDynOrError(target)) {
          Error(e.id, "type '" + FormatType(target) + "' does not support field selection");
        }
        result = Type::Dyn();
        break;
    }
    (void)field;  // no declared object types yet: every field of a map or dyn is accepted
    if (was_optional || optional) return Type::Optional(result);
    return result;
  }

  void VisitOptSelect(const Expr& e) {
    const Expr* field = e.args.size() == 2 ? e.args[1].get() : nullptr;
    if (field == nullptr || e.target) {
      std::string detail = e.target ? " member call with" : "";
      Error(e.id, "unsupported optional field selection: incorrect signature." + detail +
                      " argument count: " + std::to_string(e.args.size()));
      SetType(e, Type::Error());
      return;
    }
    if (field->kind != ExprKind::kConstant || field->constant.kind != ConstantKind::kString) {
      Error(field->id, "unsupported optional field selection");
      SetType(e, Type::Error());
      return;
    }
    Type t = SelectField(e, *e.args[0], field->constant.string_value, /*optional=*/true);
    SetType(*field, Type::String());
    SetType(e, Substitute(t, false));
    result_.info.references[e.id].overload_ids = {"select_optional_field"};
  }

  // Whether `target.fn(...)` is really the namespaced global function `<target>.fn`: the same
  // rule as the planner's (the target is a qualified name whose root is not a local and which
  // does not name a declared variable or type, and some candidate function has a global
  // overload of this arity).
  const FunctionDecl* NamespacedFunction(const Expr& e, std::string* name) const {
    const Expr* root = RootIdent(*e.target);
    std::optional<std::string> qn = QualifiedName(*e.target);
    if (!qn || root == nullptr || LookupLocal(root->name) != nullptr) return nullptr;
    std::string resolved;
    Type type;
    if (ResolveGlobal(*qn, &resolved, &type)) return nullptr;
    for (const std::string& cand : decls_.CandidateNames(*qn + "." + e.name)) {
      if (const FunctionDecl* d = decls_.FindFunction(cand)) {
        for (const OverloadDecl& o : d->overloads) {
          if (!o.member && o.params.size() == e.args.size()) {
            *name = cand;
            return d;
          }
        }
      }
    }
    return nullptr;
  }

  void VisitCall(const Expr& e) {
    if (!e.target && e.name == op::kOptSelect) {
      VisitOptSelect(e);
      return;
    }
    if (!e.target && e.name == op::kBlock && e.args.size() == 2 &&
        e.args[0]->kind == ExprKind::kList) {
      VisitBlock(e);
      return;
    }
    if (e.target) {
      std::string ns_name;
      if (const FunctionDecl* fn = NamespacedFunction(e, &ns_name)) {
        for (const auto& a : e.args) Visit(*a);
        Resolve(e, ns_name, fn->overloads, nullptr, nullptr);
        return;
      }
    }
    for (const auto& a : e.args) Visit(*a);
    const FunctionDecl* fn = nullptr;
    std::string name = e.name;
    if (e.target) {
      Visit(*e.target);
      fn = decls_.FindFunction(e.name);
    } else {
      for (const std::string& cand : decls_.CandidateNames(e.name)) {
        if ((fn = decls_.FindFunction(cand)) != nullptr) {
          name = cand;
          break;
        }
      }
    }
    // Operators our parser always produces: fall back to cel-go's optional-library overloads.
    const std::vector<OverloadDecl>* extra = nullptr;
    if (!e.target && e.name == op::kOptIndex) extra = &BuiltinOptIndexOverloads();
    if (!e.target && e.name == op::kIndex) extra = &BuiltinOptionalOperandIndexOverloads();
    if (fn == nullptr && extra == nullptr) {
      SetType(e, Type::Error());
      UndeclaredReference(e.id, e.name);
      return;
    }
    static const std::vector<OverloadDecl> kNone;
    Resolve(e, name, fn ? fn->overloads : kNone, extra, e.target.get());
  }

  // Overload resolution for call `e` of function `name`. `extra` overloads are considered after
  // the declared ones unless an overload with the same id is declared. `target` is the receiver
  // for member-style calls, null for global ones.
  void Resolve(const Expr& e, const std::string& name, const std::vector<OverloadDecl>& declared,
               const std::vector<OverloadDecl>* extra, const Expr* target) {
    std::vector<const Expr*> arg_exprs;
    if (target) arg_exprs.push_back(target);
    for (const auto& a : e.args) arg_exprs.push_back(a.get());
    std::vector<Type> arg_types;
    for (const Expr* a : arg_exprs) arg_types.push_back(GetType(*a));

    std::vector<const OverloadDecl*> overloads;
    for (const OverloadDecl& o : declared) overloads.push_back(&o);
    if (extra) {
      for (const OverloadDecl& o : *extra) {
        bool dup = false;
        for (const OverloadDecl& d : declared) dup = dup || d.id == o.id;
        if (!dup) overloads.push_back(&o);
      }
    }

    std::optional<Type> result;
    Reference ref;
    for (const OverloadDecl* o : overloads) {
      if (o->member != (target != nullptr)) continue;
      // The logical operators: each argument must be a bool; no unification needed.
      if (name == op::kLogicalAnd || name == op::kLogicalOr) {
        bool ok = true;
        for (size_t i = 0; i < arg_types.size(); ++i) {
          if (!TryAssignable(arg_types[i], Type::Bool())) {
            Error(arg_exprs[i]->id, "expected type 'bool' but found '" +
                                        FormatType(arg_types[i]) + "'");
            ok = false;
          }
        }
        SetType(e, ok ? Type::Bool() : Type::Error());
        if (ok) result_.info.references[e.id].overload_ids = {o->id};
        return;
      }
      if (o->params.size() != arg_types.size()) continue;
      std::vector<Type> params = o->params;
      Type o_result = o->result;
      std::vector<std::string> names;
      for (const Type& p : params) CollectParams(p, &names);
      CollectParams(o_result, &names);
      if (!names.empty()) {
        std::unordered_map<std::string, Type> fresh;
        for (const std::string& n : names) fresh.emplace(n, NewTypeVar());
        for (Type& p : params) p = Rename(p, fresh);
        o_result = Rename(o_result, fresh);
      }
      if (!TryAssignableList(arg_types, params)) continue;
      ref.overload_ids.push_back(o->id);
      Type r = Substitute(o_result, false);
      if (!result) {
        result = r;
      } else if (!IsDyn(*result) && *result != r) {
        result = Type::Dyn();
      }
    }
    if (!result) {
      std::string sig;
      size_t first = 0;
      if (target) {
        sig = FormatType(Substitute(arg_types[0], true)) + ".";
        first = 1;
      }
      sig += "(";
      for (size_t i = first; i < arg_types.size(); ++i) {
        if (i > first) sig += ", ";
        sig += FormatType(Substitute(arg_types[i], true));
      }
      sig += ")";
      Error(e.id, "found no matching overload for '" + name + "' applied to '" + sig + "'");
      SetType(e, Type::Error());
      return;
    }
    SetType(e, *result);
    result_.info.references[e.id] = std::move(ref);
  }

  // Joins an aggregate literal's element (key, value) types, reporting a mismatch on `at`.
  Type Join(const Expr& at, const std::optional<Type>& previous, const Type& current) {
    if (!previous) return current;
    if (TryAssignable(*previous, current)) return MostGeneral(*previous, current);
    if (!options_.homogeneous_aggregate_literals) return Type::Dyn();
    Error(at.id, "expected type '" + FormatType(*previous) + "' but found '" +
                     FormatType(current) + "'");
    return Type::Error();
  }

  // For `?x` elements and entries: the wrapped type, after checking it is optional.
  Type UnwrapOptionalEntry(const Expr& value, const Type& t) {
    if (t.kind() == TypeKind::kOptional) return t.param(0);
    if (!IsDyn(t)) {
      Error(value.id, "expected type '" + FormatType(Type::Optional(t)) + "' but found '" +
                          FormatType(t) + "'");
    }
    return t;
  }

  void VisitList(const Expr& e) {
    std::vector<bool> optional(e.args.size(), false);
    for (int32_t i : e.optional_indices) {
      if (i >= 0 && static_cast<size_t>(i) < optional.size()) optional[i] = true;
    }
    std::optional<Type> elem;
    for (size_t i = 0; i < e.args.size(); ++i) {
      const Expr& a = *e.args[i];
      Visit(a);
      Type t = GetType(a);
      if (optional[i]) t = UnwrapOptionalEntry(a, t);
      elem = Join(a, elem, t);
    }
    SetType(e, Type::List(elem ? *elem : NewTypeVar()));
  }

  void VisitMap(const Expr& e) {
    std::optional<Type> key, value;
    for (const Entry& en : e.entries) {
      if (!en.key || !en.value) continue;
      Visit(*en.key);
      key = Join(*en.key, key, GetType(*en.key));
      Visit(*en.value);
      Type vt = GetType(*en.value);
      if (en.optional) vt = UnwrapOptionalEntry(*en.value, vt);
      value = Join(*en.value, value, vt);
    }
    if (!key) {
      key = NewTypeVar();
      value = NewTypeVar();
    }
    SetType(e, Type::Map(*key, *value));
  }

  // Message construction. No message types are declared in this engine yet, so a known name is
  // never a message type; the field values are still checked for their own errors.
  void VisitStruct(const Expr& e) {
    std::string resolved;
    Type type;
    if (!ResolveGlobal(e.name, &resolved, &type)) {
      UndeclaredReference(e.id, e.name);
    } else if (type.kind() != TypeKind::kType) {
      Error(e.id, "'" + FormatType(type) + "' is not a type");
    } else {
      Type target = type.params().empty() ? Type::Dyn() : type.param(0);
      Error(e.id, "'" + FormatType(target) + "' is not a message type");
    }
    SetType(e, Type::Error());
    for (const Entry& en : e.entries) {
      if (en.value) Visit(*en.value);
    }
  }

  // cel.@block([e0, e1, ...], r): `@index<i>` has the type of e_i in later elements and in r.
  void VisitBlock(const Expr& e) {
    const Expr& list = *e.args[0];
    size_t scope = locals_.size();
    for (size_t i = 0; i < list.args.size(); ++i) {
      Visit(*list.args[i]);
      locals_.emplace_back(std::string(op::kBlockIndexPrefix) + std::to_string(i),
                           GetType(*list.args[i]));
    }
    SetType(list, Type::List(Type::Dyn()));
    Visit(*e.args[1]);
    locals_.resize(scope);
    SetType(e, Substitute(GetType(*e.args[1]), false));
  }

  void VisitComprehension(const Expr& e) {
    const Comprehension& c = *e.comprehension;
    Visit(*c.iter_range);
    Visit(*c.accu_init);
    Type range = Substitute(GetType(*c.iter_range), false);
    Type accu = GetType(*c.accu_init);
    locals_.emplace_back(c.accu_var, accu);
    bool two = !c.iter_var2.empty();
    Type var1, var2;
    switch (range.kind()) {
      case TypeKind::kList:
        var1 = two ? Type::Int() : range.param(0);
        var2 = range.param(0);
        break;
      case TypeKind::kMap:
        var1 = range.param(0);
        var2 = range.param(1);
        break;
      case TypeKind::kDyn:
      case TypeKind::kError:
      case TypeKind::kTypeParam:
        TryAssignable(Type::Dyn(), range);
        var1 = var2 = Type::Dyn();
        break;
      default:
        Error(c.iter_range->id, "expression of type '" + FormatType(range) +
                                    "' cannot be range of a comprehension (must be list, map, "
                                    "or dynamic)");
        var1 = var2 = Type::Error();
        break;
    }
    size_t scope = locals_.size();
    locals_.emplace_back(c.iter_var, var1);
    if (two) locals_.emplace_back(c.iter_var2, var2);
    Visit(*c.loop_condition);
    AssertType(*c.loop_condition, Type::Bool());
    Visit(*c.loop_step);
    AssertType(*c.loop_step, accu);
    locals_.resize(scope);
    Visit(*c.result);
    locals_.pop_back();
    SetType(e, Substitute(GetType(*c.result), false));
  }

  const ParsedExpr& parsed_;
  const DeclSet& decls_;
  const CheckerOptions& options_;
  CheckResult result_;
  std::unordered_map<std::string, Type> subs_;
  std::vector<std::pair<std::string, std::optional<Type>>> trail_;
  int next_var_ = 0;
  // Comprehension variables in scope, innermost last.
  std::vector<std::pair<std::string, Type>> locals_;
};

}  // namespace

CheckResult Check(const ParsedExpr& expr, const DeclSet& decls, const CheckerOptions& options) {
  return Checker(expr, decls, options).Run();
}

}  // namespace celgate::cel

// policy/evaluator.cc: the ValidatingAdmissionPolicy evaluation algorithm
// (admission-policies.md 4-7): select candidate policies, match policy and binding, resolve
// params, run matchConditions / validations / messageExpressions / auditAnnotations with lazy
// `variables` and cost budgets, and fold the per-binding decisions into one Decision.
//
// Per-request memory (STYLE.md H10): everything an evaluation creates lives in one Arena per
// request, taken from a per-thread RequestScratch and reset (not freed) between requests; the
// Activations of the environment variants live there too and keep their capacity. Inputs are
// bound lazily: `object`, `oldObject`, `request`, `namespaceObject`, `authorizer` and
// `authorizer.requestResource` become CEL values (views over the request's json::Document,
// no copies) the first time an expression of the request reads them, once per request.
// Programs are only read. The global heap is used on the paths that build the response
// (denials, warnings, annotations, explanations) and by what the ObjectSource returns.
#include "policy/evaluator.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory_resource>
#include <set>

#include "base/arena.h"
#include "base/cycle_clock.h"
#include "cel/json/json_value.h"
#include "json/json.h"
#include "k8s/cellib/authz.h"
#include "policy/environment.h"
#include "policy/internal/compile.h"

namespace celgate::policy {
namespace {

constexpr size_t kMaxMessageExpressionBytes = 5 * 1024;
constexpr size_t kMaxAuditAnnotationValueBytes = 10 * 1024;
constexpr const char* kBudgetExceeded =
    "validation failed due to running out of cost budget, no further validation rules will be run";

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(b, e - b + 1);
}

// Text of a machinery failure as cel-go reports it.
std::string StatusText(const Status& s) {
  if (s.code() == StatusCode::kResourceExhausted) {
    return "operation cancelled: actual cost limit exceeded";
  }
  if (s.code() == StatusCode::kDeadlineExceeded) return "operation cancelled: deadline exceeded";
  return std::string(s.message());
}

// An std::pmr view of the request Arena for the evaluator's own short lists (never freed
// one by one; the arena is reset after the request).
class ArenaResource final : public std::pmr::memory_resource {
 public:
  explicit ArenaResource(Arena& arena) : arena_(arena) {}

 private:
  void* do_allocate(size_t bytes, size_t align) override { return arena_.Allocate(bytes, align); }
  void do_deallocate(void*, size_t, size_t) override {}
  bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override {
    return this == &o;
  }
  Arena& arena_;
};

// A JSON object seen through CEL with some keys hidden (`request` without the fields
// kube-apiserver does not put in it, spec 9.2). Keys are visited in document order.
class FilteredJsonMap final : public cel::MapValue {
 public:
  using Hidden = bool (*)(std::string_view key);
  FilteredJsonMap(json::Value v, Hidden hidden, Arena& arena) : v_(v), hidden_(hidden) {
    index_ = arena.NewArray<uint32_t>(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
      if (!hidden(v.key_at(i))) index_[n_++] = static_cast<uint32_t>(i);
    }
  }
  size_t size() const override { return n_; }
  bool Find(const cel::Value& key, Arena& arena, cel::Value* out) const override {
    if (key.kind() != cel::ValueKind::kString) return false;
    return FindString(key.string_value(), arena, out);
  }
  bool FindString(std::string_view key, Arena& arena, cel::Value* out) const override {
    if (hidden_(key)) return false;
    json::Value f = v_.Find(key);
    if (!f.valid()) return false;
    *out = cel::FromJson(f, arena);
    return true;
  }
  cel::Value KeyAt(size_t i, Arena&) const override {
    return cel::Value::String(v_.key_at(index_[i]));
  }
  cel::Value ValueAt(size_t i, Arena& arena) const override {
    return cel::FromJson(v_.value_at(index_[i]), arena);
  }

 private:
  json::Value v_;
  Hidden hidden_;
  uint32_t* index_;
  size_t n_ = 0;
};

// `request` carries neither the uid nor the objects (upstream CreateAdmissionRequest).
bool HiddenRequestField(std::string_view key) {
  return key == "uid" || key == "object" || key == "oldObject";
}

// A JSON value omitted by Go's `omitempty` (strings, numbers, bools, lists, maps, null).
bool GoEmpty(json::Value v) {
  if (!v.valid() || v.is_null()) return true;
  if (v.is_string()) return v.as_string().empty();
  if (v.is_bool()) return !v.as_bool();
  if (v.is_number()) return v.as_double() == 0;
  return (v.is_array() || v.is_object()) && v.size() == 0;
}

// A map of the listed keys of `src` that are present and not omitempty-empty, in list order;
// `always` keys are present even when absent from `src` (as null).
cel::Value PickFields(json::Value src, std::initializer_list<std::string_view> keys,
                      std::string_view always, Arena& arena) {
  cel::Value* k = arena.NewArray<cel::Value>(keys.size());
  cel::Value* v = arena.NewArray<cel::Value>(keys.size());
  size_t n = 0;
  for (std::string_view key : keys) {
    json::Value f = src.is_object() ? src.Find(key) : json::Value();
    if (key == always) {
      k[n] = cel::Value::String(key);
      v[n++] = f.valid() ? cel::FromJson(f, arena) : cel::Value::Null();
    } else if (!GoEmpty(f)) {
      k[n] = cel::Value::String(key);
      v[n++] = cel::FromJson(f, arena);
    }
  }
  return cel::Value::Map(arena.New<cel::ArrayMap>(k, v, n));
}

// namespaceObject (spec 9.5): the request's Namespace as kube-apiserver's
// CreateNamespaceObject trims it.
cel::Value NamespaceObjectValue(json::Value ns, Arena& arena) {
  if (!ns.is_object()) return cel::Value::Null();
  // kube-apiserver's CreateNamespaceObject: a new Namespace (no apiVersion/kind) with spec,
  // status and these metadata fields only; then converted to unstructured, so the structs
  // metadata/spec/status are always present and creationTimestamp is null when unset.
  cel::Value* k = arena.NewArray<cel::Value>(3);
  cel::Value* v = arena.NewArray<cel::Value>(3);
  k[0] = cel::Value::String("metadata");
  v[0] = PickFields(ns.Find("metadata"),
                    {"name", "generateName", "namespace", "uid", "resourceVersion", "generation",
                     "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                     "labels", "annotations", "finalizers"},
                    "creationTimestamp", arena);
  k[1] = cel::Value::String("spec");
  v[1] = PickFields(ns.Find("spec"), {"finalizers"}, "", arena);
  k[2] = cel::Value::String("status");
  v[2] = PickFields(ns.Find("status"), {"phase", "conditions"}, "", arena);
  return cel::Value::Map(arena.New<cel::ArrayMap>(k, v, 3));
}

// The request's inputs, converted on first read and then shared by every expression of the
// request (memoized here; the cel::Activation only memoizes within one Eval).
class RequestInputs {
 public:
  enum Input { kObject, kOldObject, kRequest, kNamespaceObject, kAuthorizer, kRequestResource,
               kInputCount };

  RequestInputs(const RequestAttributes& a, const k8s::cellib::Authorizer& authorizer)
      : a_(a), authorizer_(authorizer) {
    for (int i = 0; i < kInputCount; ++i) slots_[i] = Slot{this, static_cast<Input>(i)};
  }
  RequestInputs(const RequestInputs&) = delete;
  RequestInputs& operator=(const RequestInputs&) = delete;

  // The Namespace of a namespaced request (invalid: namespaceObject is null).
  void set_namespace(json::Value ns) { namespace_ = ns; }

  // Binds `input` lazily in `act` at `slot` (ignored when slot < 0).
  void BindLazy(cel::Activation& act, int slot, Input input) const {
    if (slot >= 0) act.SetLazy(slot, &Get, &slots_[input]);
  }

 private:
  struct Slot {
    RequestInputs* owner;
    Input input;
  };
  static cel::Value Get(const void* ctx, Arena& arena) {
    const Slot& s = *static_cast<const Slot*>(ctx);
    return s.owner->Materialize(s.input, arena);
  }
  cel::Value Materialize(Input input, Arena& arena) {
    if (done_[input]) return values_[input];
    cel::Value v;
    switch (input) {
      case kObject:
        v = a_.object.valid() ? cel::FromJson(a_.object, arena) : cel::Value::Null();
        break;
      case kOldObject:
        v = a_.old_object.valid() ? cel::FromJson(a_.old_object, arena) : cel::Value::Null();
        break;
      case kRequest:
        v = a_.raw.is_object()
                ? cel::Value::Map(arena.New<FilteredJsonMap>(a_.raw, &HiddenRequestField, arena))
                : cel::Value::Null();
        break;
      case kNamespaceObject:
        v = NamespaceObjectValue(namespace_, arena);
        break;
      case kAuthorizer:
        v = k8s::cellib::MakeAuthorizerValue(arena, &authorizer_, User());
        break;
      case kRequestResource: {
        // The original request's resource (requestResource), as upstream's attributes.
        json::Value rr = a_.raw.Find("requestResource");
        bool original = rr.is_object();
        std::string_view group = original ? rr.Find("group").as_string() : a_.group;
        std::string_view resource = original ? rr.Find("resource").as_string() : a_.resource;
        std::string_view sub = original ? a_.raw.Find("requestSubResource").as_string()
                                        : a_.sub_resource;
        v = k8s::cellib::MakeRequestResourceValue(arena, Materialize(kAuthorizer, arena), group,
                                                  resource, sub, a_.ns, a_.name);
        break;
      }
      case kInputCount:
        break;
    }
    values_[input] = v;
    done_[input] = true;
    return v;
  }
  // request.userInfo as the authorizer's user. Heap: only for requests whose policies call
  // the authorizer (MakeAuthorizerValue copies it into the arena).
  k8s::cellib::UserInfo User() const {
    k8s::cellib::UserInfo u;
    json::Value ui = a_.raw.Find("userInfo");
    u.name = std::string(ui.Find("username").as_string());
    u.uid = std::string(ui.Find("uid").as_string());
    json::Value groups = ui.Find("groups");
    for (size_t i = 0; i < groups.size(); ++i) u.groups.emplace_back(groups.at(i).as_string());
    json::Value extra = ui.Find("extra");
    for (size_t i = 0; extra.is_object() && i < extra.size(); ++i) {
      std::vector<std::string>& values = u.extra[std::string(extra.key_at(i))];
      json::Value list = extra.value_at(i);
      for (size_t j = 0; j < list.size(); ++j) values.emplace_back(list.at(j).as_string());
    }
    return u;
  }

  const RequestAttributes& a_;
  const k8s::cellib::Authorizer& authorizer_;
  json::Value namespace_;
  std::array<Slot, kInputCount> slots_;
  std::array<cel::Value, kInputCount> values_{};
  std::array<bool, kInputCount> done_{};
};

class VariablesMap;
const cel::MapValue* AsMap(const VariablesMap* vars);
const cel::MapValue* NoVariablesMap();

// One evaluation pass (9.6): its `variables` map and whether `authorizer` is bound
// (validations and matchConditions: yes; messageExpressions and auditAnnotations: no).
struct Pass {
  VariablesMap* vars = nullptr;
  bool authorizer = true;
  bool no_variables = false;  // vars is null because the policy declares none: bind an empty map
};

// The Activations of one request, one per (environment variant, authorizer bound). They live
// in the per-thread RequestScratch and keep their slot vectors across requests; Start() rebinds
// them to a new request without allocating.
class Bindings {
 public:
  void Start(const RequestInputs* inputs) {
    inputs_ = inputs;
    for (Entry& e : entries_) e.ready = false;
    params_ = cel::Value::Null();
  }
  void set_params(cel::Value params) { params_ = params; }

  const cel::Activation& For(int variant, const Pass& pass) {
    variant &= ~internal::kEnvTracing;
    Entry& e = entries_[variant | (pass.authorizer ? kAuthorizerBound : 0)];
    if (!e.ready) Prepare(e, variant, pass.authorizer);
    if (e.params_slot >= 0) e.act.Set(e.params_slot, params_);
    if (e.vars_slot >= 0) {
      if (pass.vars) {
        e.act.Set(e.vars_slot, cel::Value::Map(AsMap(pass.vars)));
      } else if (pass.no_variables) {
        e.act.Set(e.vars_slot, cel::Value::Map(NoVariablesMap()));
      } else {
        e.act.Clear(e.vars_slot);
      }
    }
    return e.act;
  }

 private:
  static constexpr int kAuthorizerBound = internal::kEnvTracing;  // a free bit of the index
  struct Entry {
    cel::Activation act;
    bool ready = false;
    int params_slot = -1, vars_slot = -1;
  };
  // Activation slots of each input in one environment variant. The variants are
  // process-wide and immutable, so the names are looked up once, not per request.
  struct VariantSlots {
    size_t count = 0;
    int object = -1, old_object = -1, request = -1, namespace_object = -1, authorizer = -1,
        request_resource = -1, params = -1, variables = -1;
  };
  static const VariantSlots& SlotsOf(int variant) {
    static const std::array<VariantSlots, internal::kEnvVariantCount> table = [] {
      std::array<VariantSlots, internal::kEnvVariantCount> t;
      for (int v = 0; v < internal::kEnvVariantCount; ++v) {
        const cel::Env& env = internal::EnvVariant(v);
        t[v] = VariantSlots{env.variable_count(),
                            env.VariableSlot(kObjectVar),
                            env.VariableSlot(kOldObjectVar),
                            env.VariableSlot(kRequestVar),
                            env.VariableSlot(kNamespaceObjectVar),
                            env.VariableSlot(kAuthorizerVar),
                            env.VariableSlot(kRequestResourceVar),
                            env.VariableSlot(kParamsVar),
                            env.VariableSlot(kVariablesVar)};
      }
      return t;
    }();
    return table[variant & (internal::kEnvVariantCount - 1)];
  }

  void Prepare(Entry& e, int variant, bool bind_authorizer) {
    const VariantSlots& slots = SlotsOf(variant);
    if (e.act.size() != slots.count) e.act.Resize(slots.count);
    for (size_t i = 0; i < e.act.size(); ++i) e.act.Clear(static_cast<int>(i));
    inputs_->BindLazy(e.act, slots.object, RequestInputs::kObject);
    inputs_->BindLazy(e.act, slots.old_object, RequestInputs::kOldObject);
    inputs_->BindLazy(e.act, slots.request, RequestInputs::kRequest);
    inputs_->BindLazy(e.act, slots.namespace_object, RequestInputs::kNamespaceObject);
    if (bind_authorizer) {
      inputs_->BindLazy(e.act, slots.authorizer, RequestInputs::kAuthorizer);
      inputs_->BindLazy(e.act, slots.request_resource, RequestInputs::kRequestResource);
    }
    e.params_slot = slots.params;
    e.vars_slot = slots.variables;
    e.ready = true;
  }

  const RequestInputs* inputs_ = nullptr;
  cel::Value params_;
  std::array<Entry, 2 * internal::kEnvTracing> entries_;
};

// `variables`: evaluated on first read, at most once per pass (9.6), in the activation of the
// variable's own environment with the pass's bindings.
class VariablesMap final : public cel::MapValue {
 public:
  VariablesMap(const Policy& policy, const cel::EvalOptions& eval_options, Bindings& bindings,
               bool authorizer, Arena& arena)
      : policy_(policy), eval_options_(eval_options), bindings_(bindings),
        authorizer_(authorizer) {
    size_t n = policy.variables.size();
    cache_ = arena.NewArray<cel::Value>(n);
    state_ = arena.NewArray<uint8_t>(n);
    for (size_t i = 0; i < n; ++i) {
      cache_[i] = cel::Value();
      state_[i] = 0;
    }
  }
  // Cost spent on variables since the last call.
  uint64_t TakeCost() const {
    uint64_t c = cost_;
    cost_ = 0;
    return c;
  }

  size_t size() const override { return policy_.variables.size(); }
  bool Find(const cel::Value& key, Arena& arena, cel::Value* out) const override {
    if (key.kind() != cel::ValueKind::kString) return false;
    return FindString(key.string_value(), arena, out);
  }
  bool FindString(std::string_view key, Arena& arena, cel::Value* out) const override {
    for (size_t i = 0; i < policy_.variables.size(); ++i) {
      if (policy_.variables[i].name == key) {
        *out = Compute(i, arena);
        return true;
      }
    }
    return false;
  }
  cel::Value KeyAt(size_t i, Arena&) const override {
    return cel::Value::String(policy_.variables[i].name);
  }
  cel::Value ValueAt(size_t i, Arena& arena) const override { return Compute(i, arena); }

 private:
  cel::Value Compute(size_t i, Arena& arena) const {
    if (state_[i] == 2) return cache_[i];
    const NamedExpression& v = policy_.variables[i];
    if (state_[i] == 1) {
      return cel::MakeError(arena, "composited variable \"" + v.name +
                                       "\" fails to evaluate: cyclic reference");
    }
    state_[i] = 1;
    cel::Value result;
    if (!v.expression.ok()) {
      result = cel::MakeError(arena, "composited variable \"" + v.name +
                                         "\" fails to compile: " + v.expression.error);
    } else {
      Pass pass{const_cast<VariablesMap*>(this), authorizer_};
      const cel::Activation& act = bindings_.For(v.expression.env, pass);
      cel::EvalStats stats;
      StatusOr<cel::Value> r = v.expression.program->Eval(act, arena, eval_options_, &stats);
      cost_ += stats.cost;
      if (!r.ok()) {
        result = cel::MakeError(arena, "composited variable \"" + v.name +
                                           "\" fails to evaluate: " + StatusText(r.status()));
      } else if (r->is_error()) {
        result = cel::MakeError(arena, "composited variable \"" + v.name +
                                           "\" fails to evaluate: " +
                                           std::string(r->error().message));
      } else {
        result = *r;
      }
    }
    cache_[i] = result;
    state_[i] = 2;
    return result;
  }

  const Policy& policy_;
  cel::EvalOptions eval_options_;
  Bindings& bindings_;
  bool authorizer_;
  cel::Value* cache_;
  uint8_t* state_;
  mutable uint64_t cost_ = 0;
};

const cel::MapValue* AsMap(const VariablesMap* vars) { return vars; }

// `variables` of a policy that declares none: what a VariablesMap of no entries would be,
// without building one per evaluation.
class NoVariables final : public cel::MapValue {
 public:
  size_t size() const override { return 0; }
  bool Find(const cel::Value&, Arena&, cel::Value*) const override { return false; }
  bool FindString(std::string_view, Arena&, cel::Value*) const override { return false; }
  cel::Value KeyAt(size_t, Arena&) const override { return cel::Value(); }
  cel::Value ValueAt(size_t, Arena&) const override { return cel::Value(); }
};
const cel::MapValue* NoVariablesMap() {
  static const NoVariables none;
  return &none;
}

struct RunResult {
  cel::Value value;
  bool failed = false;  // runtime error (value error or machinery status)
  bool status_failure = false;
  std::string error;
  uint64_t cost = 0;
};

RunResult Run(const CompiledExpression& e, Bindings& bindings, const Pass& pass, Arena& arena,
              const cel::EvalOptions& eval_options, cel::Trace* trace = nullptr) {
  RunResult out;
  const cel::Activation& act = bindings.For(e.env, pass);
  cel::EvalStats stats;
  StatusOr<cel::Value> r = e.program->Eval(act, arena, eval_options, &stats, trace);
  out.cost = stats.cost + (pass.vars ? pass.vars->TakeCost() : 0);
  if (!r.ok()) {
    out.failed = true;
    out.status_failure = true;
    out.error = StatusText(r.status());
    return out;
  }
  if (r->is_error()) {
    out.failed = true;
    out.error = std::string(r->error().message);
    return out;
  }
  out.value = *r;
  return out;
}

// One decision of one evaluation (section 4.1).
struct PolicyDecision {
  bool deny = false;  // action Deny (else Admit: ignored)
  CheckError error = CheckError::kNone;  // why the expression failed, for CheckSink
  int64_t elapsed_ticks = 0;             // its evaluation time, CycleClock (with a CheckSink)
  std::string message;
  std::string reason;
  int index = 0;
  bool from_false = false;  // a validation returned false
  const Validation* validation = nullptr;
};

struct AuditResult {
  const AuditAnnotation* annotation = nullptr;
  std::string_view value;  // published when !error && !value.empty(); points into the arena
  bool error = false;
  std::string error_message;
};

// Lists of one evaluation, in the request arena: empty on the common path (all admit, no
// audit annotations) and never on the global heap.
struct EvalOutcome {
  explicit EvalOutcome(std::pmr::memory_resource* mr) : decisions(mr), audits(mr) {}
  std::pmr::vector<PolicyDecision> decisions;
  std::pmr::vector<AuditResult> audits;
};

std::string QuoteExpr(const CompiledExpression& e) { return "expression '" + e.source + "'"; }

// Per-request evaluation context shared by Validate calls.
struct Context {
  Arena& arena;
  std::pmr::memory_resource* mr;  // over `arena`
  Bindings& bindings;
  const EvaluateOptions& options;
};

// The check records kube-apiserver's dispatcher emits for one decision (see CheckSink).
void RecordChecks(CheckSink& sink, const Policy& p, const Binding& b, const PolicyDecision& d) {
  const int64_t elapsed_ns = CycleClock::ToNanos(d.elapsed_ticks);
  if (!d.deny) {
    if (d.error != CheckError::kNone) {
      sink.Record(p.name, b.name, CheckAction::kAllow, d.error, elapsed_ns);
    }
    return;
  }
  if (b.deny) sink.Record(p.name, b.name, CheckAction::kDeny, d.error, elapsed_ns);
  if (b.audit) sink.Record(p.name, b.name, CheckAction::kAudit, d.error, elapsed_ns);
  if (b.warn) sink.Record(p.name, b.name, CheckAction::kWarn, d.error, elapsed_ns);
}

EvalOutcome Validate(const Policy& p, Context& cx) {
  Arena& arena = cx.arena;
  EvalOutcome out(cx.mr);
  cel::EvalOptions eo;
  eo.cost_limit = kPerExpressionCostLimit;
  eo.deadline = cx.options.deadline;
  auto error_decision = [&](std::string msg, int index, CheckError error) {
    PolicyDecision d;
    d.deny = p.fail_closed;
    d.message = std::move(msg);
    d.index = index;
    d.error = error;
    return d;
  };
  // Expression timing for the check metrics, only when someone records them (ticks here,
  // nanoseconds when a record is made).
  const bool timed = cx.options.checks != nullptr;
  auto now_ticks = [&]() -> int64_t { return timed ? CycleClock::Now() : 0; };

  // 1. matchConditions: no variables, authorizer bound, their own budget (section 10).
  if (!p.match_conditions.empty()) {
    bool any_false = false;
    bool out_of_budget = false;
    uint64_t budget = kPerEvaluationCostBudget;
    std::vector<std::string> errors;
    for (const NamedExpression& mc : p.match_conditions) {
      if (!mc.expression.ok()) {
        errors.push_back("compilation error: " + mc.expression.error);
        continue;
      }
      RunResult r = Run(mc.expression, cx.bindings, Pass{nullptr, true}, arena, eo);
      if (r.cost > budget) {
        out_of_budget = true;
        break;
      }
      budget -= r.cost;
      if (r.failed) {
        errors.push_back(QuoteExpr(mc.expression) + " resulted in error: " + r.error);
      } else if (r.value.is_false()) {
        any_false = true;
        break;
      } else if (!r.value.is_bool()) {
        errors.push_back(QuoteExpr(mc.expression) + " must evaluate to bool");
      }
    }
    if (any_false) return out;
    if (out_of_budget) {
      out.decisions.push_back(error_decision(kBudgetExceeded, 0, CheckError::kOutOfBudget));
      return out;
    }
    if (!errors.empty()) {
      std::string msg = errors.size() == 1 ? errors[0] : "[";
      if (errors.size() > 1) {
        for (size_t i = 0; i < errors.size(); ++i) msg += (i ? ", " : "") + errors[i];
        msg += "]";
      }
      out.decisions.push_back(error_decision(std::move(msg), 0, CheckError::kInvalid));
      return out;
    }
  }

  // 3. validations, one budget; authorizer bound.
  uint64_t budget = kPerEvaluationCostBudget;
  auto* vars =
      p.variables.empty() ? nullptr : arena.New<VariablesMap>(p, eo, cx.bindings, true, arena);
  const Pass validation_pass{vars, true, vars == nullptr};
  struct Failed {
    size_t decision;
    size_t validation;
  };
  std::pmr::vector<Failed> failed(cx.mr);
  for (size_t i = 0; i < p.validations.size(); ++i) {
    const Validation& v = p.validations[i];
    if (!v.expression.ok()) {
      out.decisions.push_back(error_decision("compilation error: " + v.expression.error,
                                             static_cast<int>(i), CheckError::kCompile));
      continue;
    }
    // The end is read only for expressions that produce a decision: a passing one (the
    // common case) is not recorded, so one clock read is enough for it.
    const int64_t t0 = now_ticks();
    RunResult r = Run(v.expression, cx.bindings, validation_pass, arena, eo);
    auto elapsed = [&] { return now_ticks() - t0; };
    if (r.cost > budget) {
      out.decisions.clear();
      out.decisions.push_back(error_decision(kBudgetExceeded, 0, CheckError::kOutOfBudget));
      out.decisions.back().elapsed_ticks = elapsed();
      return out;
    }
    budget -= r.cost;
    if (r.failed) {
      // The per-expression cost limit surfaces as an evaluation error about cost.
      CheckError kind = r.status_failure && r.error.find("cost") != std::string::npos
                            ? CheckError::kOutOfBudget
                            : CheckError::kInvalid;
      out.decisions.push_back(error_decision(
          QuoteExpr(v.expression) + " resulted in error: " + r.error, static_cast<int>(i), kind));
      out.decisions.back().elapsed_ticks = elapsed();
      continue;
    }
    if (r.value.is_true()) continue;
    PolicyDecision d;
    d.elapsed_ticks = elapsed();
    d.deny = true;
    d.reason = v.reason.empty() ? "Invalid" : v.reason;
    d.index = static_cast<int>(i);
    d.from_false = true;
    d.validation = &v;
    failed.push_back({out.decisions.size(), i});
    out.decisions.push_back(std::move(d));
  }

  // 4. messages, with the budget left over (4.3); authorizer not bound.
  auto* msg_vars = failed.empty() || p.variables.empty()
                       ? nullptr
                       : arena.New<VariablesMap>(p, eo, cx.bindings, false, arena);
  for (const Failed& f : failed) {
    PolicyDecision& d = out.decisions[f.decision];
    const Validation& v = p.validations[f.validation];
    std::string message;
    if (v.message_expression && v.message_expression->ok()) {
      RunResult r = Run(*v.message_expression, cx.bindings,
                        Pass{msg_vars, false, msg_vars == nullptr}, arena, eo);
      if (r.cost > budget || (r.status_failure && r.error.find("cost") != std::string::npos &&
                              budget < kPerExpressionCostLimit)) {
        d = error_decision("failed messageExpression: " + std::string(kBudgetExceeded), d.index,
                           CheckError::kOutOfBudget);
        continue;
      }
      budget -= r.cost;
      if (!r.failed && r.value.kind() == cel::ValueKind::kString) {
        std::string_view t = Trim(r.value.string_value());
        if (!t.empty() && t.size() <= kMaxMessageExpressionBytes &&
            t.find('\n') == std::string_view::npos) {
          message = std::string(t);
        }
      }
    }
    if (message.empty() && !Trim(v.message).empty()) message = std::string(Trim(v.message));
    if (message.empty()) message = "failed expression: " + std::string(Trim(v.expression.source));
    d.message = std::move(message);
  }

  // 5. audit annotations, fresh budget; authorizer declared but not bound (upstream).
  if (!p.audit_annotations.empty()) {
    uint64_t abudget = kPerEvaluationCostBudget;
    auto* avars = arena.New<VariablesMap>(p, eo, cx.bindings, false, arena);
    for (const AuditAnnotation& a : p.audit_annotations) {
      AuditResult ar;
      ar.annotation = &a;
      if (!a.value_expression.ok()) {
        ar.error = true;
        ar.error_message = "compilation error: " + a.value_expression.error;
        out.audits.push_back(std::move(ar));
        continue;
      }
      RunResult r = Run(a.value_expression, cx.bindings, Pass{avars, false}, arena, eo);
      if (r.cost > abudget) {
        ar.error = true;
        ar.error_message = kBudgetExceeded;
        out.audits.push_back(std::move(ar));
        break;
      }
      abudget -= r.cost;
      if (r.failed) {
        ar.error = true;
        ar.error_message = "valueExpression '" + a.value_expression.source +
                           "' resulted in error: " + r.error;
      } else if (r.value.kind() == cel::ValueKind::kString) {
        std::string_view t = Trim(r.value.string_value());
        if (t.size() > kMaxAuditAnnotationValueBytes) t = t.substr(0, kMaxAuditAnnotationValueBytes);
        ar.value = t;
      } else if (r.value.kind() == cel::ValueKind::kNull ||
                 (r.value.kind() == cel::ValueKind::kOptional && !r.value.optional_has_value())) {
        // omitted
      } else {
        ar.error = true;
        ar.error_message = "valueExpression '" + a.value_expression.source +
                           "' resulted in unsupported return type: " +
                           std::string(cel::KindName(r.value.kind())) +
                           ". Return type must be either string or null.";
      }
      out.audits.push_back(std::move(ar));
    }
  }
  return out;
}

// Go encoding/json string escaping (HTML-safe: <, >, & escaped).
void GoQuote(std::string_view s, std::string* out) {
  std::string q = json::Quote(s);
  for (char ch : q) {
    if (ch == '<') {
      *out += "\\u003c";
    } else if (ch == '>') {
      *out += "\\u003e";
    } else if (ch == '&') {
      *out += "\\u0026";
    } else {
      *out += ch;
    }
  }
}

std::string ValidationFailureJson(const std::string& message, const Binding& b, int index) {
  std::string s = "[{\"message\":";
  GoQuote(message, &s);
  s += ",\"policy\":";
  GoQuote(b.policy_name, &s);
  s += ",\"binding\":";
  GoQuote(b.name, &s);
  s += ",\"expressionIndex\":" + std::to_string(index) + ",\"validationActions\":[";
  for (size_t i = 0; i < b.validation_actions.size(); ++i) {
    if (i) s += ",";
    GoQuote(b.validation_actions[i], &s);
  }
  s += "]}]";
  return s;
}

bool IsExempt(const RequestAttributes& a) {
  if (a.kind_group != "admissionregistration.k8s.io" && a.group != "admissionregistration.k8s.io") {
    return false;
  }
  static const std::set<std::string_view> kExempt = {
      "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",      "ValidatingAdmissionPolicyBinding",
      "MutatingAdmissionPolicy",        "MutatingAdmissionPolicyBinding"};
  static const std::set<std::string_view> kExemptResources = {
      "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
      "validatingadmissionpolicies",     "validatingadmissionpolicybindings",
      "mutatingadmissionpolicies",       "mutatingadmissionpolicybindings"};
  return kExempt.count(a.kind) || kExemptResources.count(a.resource);
}

}  // namespace

std::string Denial::Cause() const {
  if (binding.empty()) return "ValidatingAdmissionPolicy '" + policy + "' denied request: " + message;
  return "ValidatingAdmissionPolicy '" + policy + "' with binding '" + binding +
         "' denied request: " + message;
}

int ReasonToCode(std::string_view reason) {
  if (reason == "Forbidden") return 403;
  if (reason == "Unauthorized") return 401;
  if (reason == "RequestEntityTooLarge") return 413;
  return 422;
}

namespace {

// Per-thread memory reused by every request evaluated on the thread (STYLE.md H10): the
// arena (reset after each request, its first block kept) and the activations (their slot
// vectors keep their capacity). The first block grows to the largest request seen, up to
// kMaxKeptArenaBytes, so steady-state requests do not touch the global heap.
struct RequestScratch {
  static constexpr size_t kInitialArenaBytes = 64 * 1024;
  static constexpr size_t kMaxKeptArenaBytes = 4 * 1024 * 1024;
  RequestScratch() : arena(std::make_unique<Arena>(kInitialArenaBytes)) {}
  std::unique_ptr<Arena> arena;
  size_t arena_capacity = kInitialArenaBytes;
  Bindings bindings;
  std::vector<uint32_t> candidates;  // scratch for PolicySet::Candidates
  bool in_use = false;
};

// Takes this thread's scratch for one request; a nested request on the same thread (not
// expected) gets a fresh one.
class ScratchLease {
 public:
  ScratchLease() {
    thread_local RequestScratch tls;
    if (!tls.in_use) {
      s_ = &tls;
    } else {
      own_ = std::make_unique<RequestScratch>();
      s_ = own_.get();
    }
    s_->in_use = true;
  }
  ~ScratchLease() {
    Arena& arena = *s_->arena;
    size_t used = arena.allocated_bytes();
    if (used > s_->arena_capacity && s_->arena_capacity < RequestScratch::kMaxKeptArenaBytes) {
      // Outgrown: next time start with a first block that fits (whole request in one block).
      s_->arena_capacity = std::min(RequestScratch::kMaxKeptArenaBytes, used + used / 4);
      s_->arena = std::make_unique<Arena>(s_->arena_capacity);
    } else {
      arena.Reset();
    }
    s_->in_use = false;
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  RequestScratch& operator*() { return *s_; }
  RequestScratch* operator->() { return s_; }

 private:
  RequestScratch* s_;
  std::unique_ptr<RequestScratch> own_;
};

// Offline default: no rules, every check denied ("no rule matched").
const k8s::cellib::Authorizer& DenyAllAuthorizer() {
  static const k8s::cellib::RulesAuthorizer kDenyAll{std::vector<k8s::cellib::RulesAuthorizer::Rule>{}};
  return kDenyAll;
}

}  // namespace

std::string_view CheckActionName(CheckAction a) {
  static constexpr std::string_view kNames[] = {"allow", "deny", "warn", "audit"};
  return kNames[static_cast<int>(a)];
}

std::string_view CheckErrorName(CheckError e) {
  static constexpr std::string_view kNames[] = {"no_error", "compile_error", "invalid_error",
                                                "out_of_budget"};
  return kNames[static_cast<int>(e)];
}

StatusOr<Decision> Evaluate(const PolicySet& set, const k8s::ObjectSource& objects,
                            const RequestAttributes& a, const EvaluateOptions& options) {
  Decision decision;
  if (IsExempt(a)) return decision;
  ScratchLease scratch;
  const std::vector<uint32_t>& candidates =
      set.Candidates(a.group, a.resource, &scratch->candidates);
  if (candidates.empty()) return decision;

  // Namespace of the request, read at most once.
  bool is_namespace_request = a.group.empty() && a.resource == "namespaces";
  std::optional<StatusOr<k8s::ObjectRef>> ns_cache;
  auto get_namespace = [&]() -> const StatusOr<k8s::ObjectRef>& {
    if (!ns_cache) ns_cache.emplace(objects.GetNamespace(a.ns));
    return *ns_cache;
  };
  NamespaceLabelsFn ns_labels = [&]() -> StatusOr<json::Value> {
    const StatusOr<k8s::ObjectRef>& r = get_namespace();
    if (!r.ok()) return r.status();
    return r->value.Find("metadata").Find("labels");
  };

  Arena& arena = *scratch->arena;
  ArenaResource mr(arena);
  RequestInputs inputs(a, options.authorizer ? *options.authorizer : DenyAllAuthorizer());
  Bindings& bindings = scratch->bindings;
  bindings.Start(&inputs);
  Context cx{arena, &mr, bindings, options};
  std::vector<Denial> denied;
  bool have_ns_object = false;

  for (uint32_t idx : candidates) {
    const PolicySet::Entry& entry = set.entries()[idx];
    const Policy& p = *entry.policy;
    auto config_error = [&](const Binding* b, const std::string& err) {
      if (!p.fail_closed) return;
      Denial d;
      d.policy = p.name;
      d.reason = "Invalid";
      if (b) {
        d.binding = b->name;
        d.message = "failed to configure binding: " + err;
      } else {
        d.message = "failed to configure policy: " + err;
      }
      denied.push_back(std::move(d));
    };
    StatusOr<bool> pm = Matches(p.match_constraints, true, a, ns_labels);
    if (!pm.ok()) {
      config_error(nullptr, std::string(pm.status().message()));
      continue;
    }
    if (!*pm) continue;
    std::map<std::string, std::vector<std::string>> collected;  // audit key -> values
    std::vector<std::string> collected_order;

    for (const auto& bp : entry.bindings) {
      const Binding& b = *bp;
      if (b.match_resources) {
        StatusOr<bool> bm = Matches(*b.match_resources, false, a, ns_labels);
        if (!bm.ok()) {
          config_error(&b, std::string(bm.status().message()));
          continue;
        }
        if (!*bm) continue;
      }
      // Params (3.3).
      std::vector<k8s::ObjectRef> params;
      bool null_param = true;
      if (p.param_kind && b.param_ref) {
        null_param = false;
        const ParamKind& pk = *p.param_kind;
        const ParamRef& ref = *b.param_ref;
        std::optional<bool> namespaced = objects.IsNamespaced(pk.api_version, pk.kind);
        if (!namespaced) {
          config_error(&b, "paramKind kind `" + pk.kind + "` not known");
          continue;
        }
        std::string ns;
        if (*namespaced) {
          ns = !ref.ns.empty() ? ref.ns : std::string(a.ns);
          if (ns.empty()) {
            config_error(&b, "cannot use namespaced paramRef in policy binding that matches "
                             "cluster-scoped resources");
            continue;
          }
        } else if (!ref.ns.empty()) {
          config_error(&b, "paramRef.namespace must not be provided for a cluster-scoped "
                           "`paramKind`");
          continue;
        }
        if (!ref.name.empty()) {
          StatusOr<k8s::ObjectRef> o = objects.Get(pk.api_version, pk.kind, ns, ref.name);
          if (o.ok()) {
            params.push_back(*o);
          } else if (o.status().code() != StatusCode::kNotFound) {
            config_error(&b, std::string(o.status().message()));
            continue;
          }
        } else if (ref.selector) {
          StatusOr<std::vector<k8s::ObjectRef>> l =
              objects.List(pk.api_version, pk.kind, ns, *ref.selector);
          if (!l.ok()) {
            config_error(&b, std::string(l.status().message()));
            continue;
          }
          params = std::move(*l);
        } else {
          config_error(&b, "one of name or selector must be provided");
          continue;
        }
        if (params.empty()) {
          if (ref.deny_when_not_found) {
            config_error(&b, "no params found for policy binding with `Deny` "
                             "parameterNotFoundAction");
          }
          continue;
        }
      }
      // namespaceObject: read here (a read failure fails the request, section 7), converted
      // on first use.
      if (!have_ns_object) {
        have_ns_object = true;
        if (!a.ns.empty() && !is_namespace_request) {
          const StatusOr<k8s::ObjectRef>& r = get_namespace();
          if (!r.ok()) return r.status();
          inputs.set_namespace(r->value);
        }
      }
      ++decision.evaluated;
      size_t n = null_param ? 1 : params.size();
      for (size_t pi = 0; pi < n; ++pi) {
        bindings.set_params(null_param ? cel::Value::Null()
                                       : cel::FromJson(params[pi].value, arena));
        EvalOutcome outcome = Validate(p, cx);
        for (const PolicyDecision& d : outcome.decisions) {
          if (options.checks != nullptr) RecordChecks(*options.checks, p, b, d);
          if (!d.deny) continue;
          if (b.deny) denied.push_back(Denial{p.name, b.name, d.message, d.reason});
          if (b.warn) {
            decision.warnings.push_back("Validation failed for ValidatingAdmissionPolicy '" +
                                        p.name + "' with binding '" + b.name + "': " + d.message);
          }
          if (b.audit && !decision.validation_failure) {
            decision.validation_failure = ValidationFailureJson(d.message, b, d.index);
          }
          if (options.explain && d.from_false && (b.deny || b.warn) && d.validation) {
            Explanation ex;
            ex.policy = p.name;
            ex.binding = b.name;
            ex.field_path = d.validation->expression.field_path;
            ex.expression = d.validation->expression.source;
            ex.message = d.message;
            cel::EvalOptions eo;
            eo.deadline = options.deadline;
            auto* vars = arena.New<VariablesMap>(p, eo, bindings, true, arena);
            cel::Trace trace;
            RunResult rr = Run(d.validation->expression, bindings, Pass{vars, true}, arena, eo,
                               &trace);
            (void)rr;
            for (const auto& [id, value] : trace) {
              ex.values.push_back(TracedValue{id, cel::DebugString(value, arena)});
            }
            std::sort(ex.values.begin(), ex.values.end(),
                      [](const TracedValue& x, const TracedValue& y) { return x.expr_id < y.expr_id; });
            decision.explanations.push_back(std::move(ex));
          }
        }
        for (const AuditResult& ar : outcome.audits) {
          if (ar.error) {
            if (p.fail_closed) {
              denied.push_back(Denial{p.name, b.name, ar.error_message, "Invalid"});
              if (options.checks != nullptr) {
                options.checks->Record(p.name, b.name, CheckAction::kDeny, CheckError::kInvalid, 0);
              }
            }
            continue;
          }
          if (ar.value.empty()) continue;
          auto [it, inserted] = collected.try_emplace(ar.annotation->key);
          if (inserted) collected_order.push_back(ar.annotation->key);
          if (std::find(it->second.begin(), it->second.end(), ar.value) == it->second.end()) {
            it->second.emplace_back(ar.value);
          }
        }
      }
    }
    for (const std::string& key : collected_order) {
      std::string joined;
      for (const std::string& v : collected[key]) {
        if (!joined.empty()) joined += ", ";
        joined += v;
      }
      decision.audit_annotations.push_back(Decision::Annotation{p.name, key, joined});
    }
  }
  if (!denied.empty()) {
    decision.allowed = false;
    decision.denial = std::move(denied.front());
  }
  return decision;
}

}  // namespace celgate::policy

// policy/evaluator.cc: the ValidatingAdmissionPolicy evaluation algorithm
// (admission-policies.md 4-7): select candidate policies, match policy and binding, resolve
// params, run matchConditions / validations / messageExpressions / auditAnnotations with lazy
// `variables` and cost budgets, and fold the per-binding decisions into one Decision.
#include "policy/evaluator.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "base/arena.h"
#include "cel/json/json_value.h"
#include "json/json.h"
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

// Values bound to the admission variables for one evaluation.
struct Inputs {
  cel::Value object, old_object, request, namespace_object, params;
};

// `variables`: evaluated on first read, at most once per pass (9.6).
class VariablesMap final : public cel::MapValue {
 public:
  VariablesMap(const Policy& policy, const cel::EvalOptions& eval_options, Arena& arena)
      : policy_(policy), eval_options_(eval_options) {
    size_t n = policy.variables.size();
    cache_ = arena.NewArray<cel::Value>(n);
    state_ = arena.NewArray<uint8_t>(n);
    for (size_t i = 0; i < n; ++i) {
      cache_[i] = cel::Value();
      state_[i] = 0;
    }
  }
  void set_activation(const cel::Activation* act) { act_ = act; }
  // Cost spent on variables since the last call.
  uint64_t TakeCost() const {
    uint64_t c = cost_;
    cost_ = 0;
    return c;
  }
  const Status& status() const { return status_; }

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
      cel::EvalStats stats;
      StatusOr<cel::Value> r = v.expression.program->Eval(*act_, arena, eval_options_, &stats);
      cost_ += stats.cost;
      if (!r.ok()) {
        if (status_.ok()) status_ = r.status();
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
  const cel::Activation* act_ = nullptr;
  cel::Value* cache_;
  uint8_t* state_;
  mutable uint64_t cost_ = 0;
  mutable Status status_;
};

// Activations per environment variant, sharing the same inputs.
class Activations {
 public:
  explicit Activations(const Inputs& in) : in_(in) {}
  const cel::Activation& For(int variant, const VariablesMap* vars) {
    variant &= ~internal::kEnvTracing;
    auto& slot = acts_[variant];
    if (!slot) {
      const cel::Env& env = internal::EnvVariant(variant);
      slot.emplace(env.variable_count());
      auto set = [&](const char* name, cel::Value v) {
        int s = env.VariableSlot(name);
        if (s >= 0) slot->Set(s, v);
      };
      set(kObjectVar, in_.object);
      set(kOldObjectVar, in_.old_object);
      set(kRequestVar, in_.request);
      set(kNamespaceObjectVar, in_.namespace_object);
      set(kParamsVar, in_.params);
      set(kAuthorizerVar, cel::Value::Null());
      vars_slot_[variant] = env.VariableSlot(kVariablesVar);
    }
    if (vars_slot_[variant] >= 0 && vars) slot->Set(vars_slot_[variant], cel::Value::Map(vars));
    return *slot;
  }

 private:
  const Inputs& in_;
  std::array<std::optional<cel::Activation>, internal::kEnvVariantCount> acts_;
  std::array<int, internal::kEnvVariantCount> vars_slot_{};
};

struct RunResult {
  cel::Value value;
  bool failed = false;  // runtime error (value error or machinery status)
  bool status_failure = false;
  std::string error;
  uint64_t cost = 0;
};

RunResult Run(const CompiledExpression& e, Activations& acts, VariablesMap* vars, Arena& arena,
              const cel::EvalOptions& eval_options, cel::Trace* trace = nullptr) {
  RunResult out;
  if (vars) vars->set_activation(&acts.For(e.env, vars));
  const cel::Activation& act = acts.For(e.env, vars);
  cel::EvalStats stats;
  StatusOr<cel::Value> r = e.program->Eval(act, arena, eval_options, &stats, trace);
  out.cost = stats.cost + (vars ? vars->TakeCost() : 0);
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
  std::string message;
  std::string reason;
  int index = 0;
  bool from_false = false;  // a validation returned false
  const Validation* validation = nullptr;
};

struct AuditResult {
  std::string key;
  std::string value;  // published when !error && !value.empty()
  bool error = false;
  std::string error_message;
};

struct EvalOutcome {
  std::vector<PolicyDecision> decisions;
  std::vector<AuditResult> audits;
};

std::string QuoteExpr(const CompiledExpression& e) { return "expression '" + e.source + "'"; }

EvalOutcome Validate(const Policy& p, const Inputs& inputs, Arena& arena,
                     const EvaluateOptions& options) {
  EvalOutcome out;
  Activations acts(inputs);
  cel::EvalOptions eo;
  eo.cost_limit = kPerExpressionCostLimit;
  eo.deadline = options.deadline;
  auto error_decision = [&](std::string msg, int index) {
    PolicyDecision d;
    d.deny = p.fail_closed;
    d.message = std::move(msg);
    d.index = index;
    return d;
  };

  // 1. matchConditions.
  if (!p.match_conditions.empty()) {
    bool any_false = false;
    std::vector<std::string> errors;
    for (const NamedExpression& mc : p.match_conditions) {
      if (!mc.expression.ok()) {
        errors.push_back("compilation error: " + mc.expression.error);
        continue;
      }
      RunResult r = Run(mc.expression, acts, nullptr, arena, eo);
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
    if (!errors.empty()) {
      std::string msg = errors.size() == 1 ? errors[0] : "[";
      if (errors.size() > 1) {
        for (size_t i = 0; i < errors.size(); ++i) msg += (i ? ", " : "") + errors[i];
        msg += "]";
      }
      out.decisions.push_back(error_decision(std::move(msg), 0));
      return out;
    }
  }

  // 3. validations, one budget.
  uint64_t budget = kPerEvaluationCostBudget;
  auto* vars = arena.New<VariablesMap>(p, eo, arena);
  struct Failed {
    size_t decision;
    size_t validation;
  };
  std::vector<Failed> failed;
  for (size_t i = 0; i < p.validations.size(); ++i) {
    const Validation& v = p.validations[i];
    if (!v.expression.ok()) {
      out.decisions.push_back(
          error_decision("compilation error: " + v.expression.error, static_cast<int>(i)));
      continue;
    }
    RunResult r = Run(v.expression, acts, vars, arena, eo);
    if (r.cost > budget) {
      out.decisions.clear();
      out.decisions.push_back(error_decision(kBudgetExceeded, 0));
      return out;
    }
    budget -= r.cost;
    if (r.failed) {
      out.decisions.push_back(error_decision(
          QuoteExpr(v.expression) + " resulted in error: " + r.error, static_cast<int>(i)));
      continue;
    }
    if (r.value.is_true()) continue;
    PolicyDecision d;
    d.deny = true;
    d.reason = v.reason.empty() ? "Invalid" : v.reason;
    d.index = static_cast<int>(i);
    d.from_false = true;
    d.validation = &v;
    failed.push_back({out.decisions.size(), i});
    out.decisions.push_back(std::move(d));
  }

  // 4. messages, with the budget left over (4.3).
  auto* msg_vars = failed.empty() ? nullptr : arena.New<VariablesMap>(p, eo, arena);
  for (const Failed& f : failed) {
    PolicyDecision& d = out.decisions[f.decision];
    const Validation& v = p.validations[f.validation];
    std::string message;
    if (v.message_expression && v.message_expression->ok()) {
      RunResult r = Run(*v.message_expression, acts, msg_vars, arena, eo);
      if (r.cost > budget || (r.status_failure && r.error.find("cost") != std::string::npos &&
                              budget < kPerExpressionCostLimit)) {
        d = error_decision("failed messageExpression: " + std::string(kBudgetExceeded), d.index);
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

  // 5. audit annotations, fresh budget.
  if (!p.audit_annotations.empty()) {
    uint64_t abudget = kPerEvaluationCostBudget;
    auto* avars = arena.New<VariablesMap>(p, eo, arena);
    for (const AuditAnnotation& a : p.audit_annotations) {
      AuditResult ar;
      ar.key = a.key;
      if (!a.value_expression.ok()) {
        ar.error = true;
        ar.error_message = "compilation error: " + a.value_expression.error;
        out.audits.push_back(std::move(ar));
        continue;
      }
      RunResult r = Run(a.value_expression, acts, avars, arena, eo);
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
        ar.value = std::string(t);
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

StatusOr<Decision> Evaluate(const PolicySet& set, const k8s::ObjectSource& objects,
                            const RequestAttributes& a, const EvaluateOptions& options) {
  Decision decision;
  if (IsExempt(a)) return decision;
  std::vector<uint32_t> scratch;
  const std::vector<uint32_t>& candidates = set.Candidates(a.group, a.resource, &scratch);
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

  Arena arena(16 * 1024);
  std::vector<Denial> denied;
  Inputs inputs;
  inputs.object = a.object.valid() ? cel::FromJson(a.object, arena) : cel::Value::Null();
  inputs.old_object = a.old_object.valid() ? cel::FromJson(a.old_object, arena) : cel::Value::Null();
  inputs.request = cel::FromJson(a.raw, arena);
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
      // namespaceObject.
      if (!have_ns_object) {
        have_ns_object = true;
        inputs.namespace_object = cel::Value::Null();
        if (!a.ns.empty() && !is_namespace_request) {
          const StatusOr<k8s::ObjectRef>& r = get_namespace();
          if (!r.ok()) return r.status();
          inputs.namespace_object = cel::FromJson(r->value, arena);
        }
      }
      ++decision.evaluated;
      size_t n = null_param ? 1 : params.size();
      for (size_t pi = 0; pi < n; ++pi) {
        inputs.params = null_param ? cel::Value::Null() : cel::FromJson(params[pi].value, arena);
        EvalOutcome outcome = Validate(p, inputs, arena, options);
        for (const PolicyDecision& d : outcome.decisions) {
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
            Activations acts(inputs);
            cel::EvalOptions eo;
            eo.deadline = options.deadline;
            auto* vars = arena.New<VariablesMap>(p, eo, arena);
            cel::Trace trace;
            RunResult rr = Run(d.validation->expression, acts, vars, arena, eo, &trace);
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
            if (p.fail_closed) denied.push_back(Denial{p.name, b.name, ar.error_message, "Invalid"});
            continue;
          }
          if (ar.value.empty()) continue;
          auto [it, inserted] = collected.try_emplace(ar.key);
          if (inserted) collected_order.push_back(ar.key);
          if (std::find(it->second.begin(), it->second.end(), ar.value) == it->second.end()) {
            it->second.push_back(ar.value);
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

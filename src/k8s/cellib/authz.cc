// k8s/cellib/authz.cc: the authorizer builder chain (spec 3.4; upstream library/authz.go) and
// the offline RulesAuthorizer. Entry points: AuthzLibrary(), MakeAuthorizerValue(),
// RulesAuthorizer in authz.h.
//
// Values are arena objects holding string_views into the arena and a pointer to the caller's
// Authorizer; builders return new values (the chain is immutable). Equality is identity.
#include "k8s/cellib/authz.h"

#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"
#include "k8s/validation.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;

constexpr std::string_view kAuthorizerName = "kubernetes.authorization.Authorizer";
constexpr std::string_view kPathCheckName = "kubernetes.authorization.PathCheck";
constexpr std::string_view kGroupCheckName = "kubernetes.authorization.GroupCheck";
constexpr std::string_view kResourceCheckName = "kubernetes.authorization.ResourceCheck";
constexpr std::string_view kDecisionName = "kubernetes.authorization.Decision";

template <const std::string_view& kName>
class IdentityValue : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo() {
    static constexpr cel::TypeInfo kInfo{kName};
    return kInfo;
  }
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override { return this == &other; }
  std::string DebugString() const override { return std::string(kName); }
};

// A user copied into the arena.
struct ArenaUser {
  std::string_view name, uid;
  const std::string_view* groups = nullptr;
  size_t group_count = 0;
  // Extra: parallel arrays of keys and (values, count).
  const std::string_view* extra_keys = nullptr;
  const std::string_view* const* extra_values = nullptr;
  const size_t* extra_counts = nullptr;
  size_t extra_count = 0;
};

class AuthorizerValue final : public IdentityValue<kAuthorizerName> {
 public:
  AuthorizerValue(const Authorizer* a, ArenaUser u) : authorizer(a), user(u) {}
  const Authorizer* authorizer;
  ArenaUser user;
};
class PathCheckValue final : public IdentityValue<kPathCheckName> {
 public:
  PathCheckValue(const AuthorizerValue* a, std::string_view p) : authz(a), path(p) {}
  const AuthorizerValue* authz;
  std::string_view path;
};
class GroupCheckValue final : public IdentityValue<kGroupCheckName> {
 public:
  GroupCheckValue(const AuthorizerValue* a, std::string_view g) : authz(a), group(g) {}
  const AuthorizerValue* authz;
  std::string_view group;
};
class ResourceCheckValue final : public IdentityValue<kResourceCheckName> {
 public:
  const AuthorizerValue* authz = nullptr;
  std::string_view group, resource, subresource, namespace_name, name, field_selector,
      label_selector;
};
class DecisionValue final : public IdentityValue<kDecisionName> {
 public:
  DecisionValue(Decision::Kind k, std::string_view r, std::string_view e)
      : kind(k), reason(r), error(e) {}
  Decision::Kind kind;
  std::string_view reason, error;
};
static_assert(std::is_trivially_destructible_v<AuthorizerValue>);
static_assert(std::is_trivially_destructible_v<ResourceCheckValue>);
static_assert(std::is_trivially_destructible_v<DecisionValue>);

ArenaUser CopyUser(Arena& arena, const UserInfo& u) {
  ArenaUser out;
  out.name = arena.CopyString(u.name);
  out.uid = arena.CopyString(u.uid);
  auto* groups = arena.NewArray<std::string_view>(u.groups.size());
  for (size_t i = 0; i < u.groups.size(); ++i) groups[i] = arena.CopyString(u.groups[i]);
  out.groups = groups;
  out.group_count = u.groups.size();
  auto* keys = arena.NewArray<std::string_view>(u.extra.size());
  auto* values = arena.NewArray<const std::string_view*>(u.extra.size());
  auto* counts = arena.NewArray<size_t>(u.extra.size());
  size_t i = 0;
  for (const auto& [k, vs] : u.extra) {
    keys[i] = arena.CopyString(k);
    auto* v = arena.NewArray<std::string_view>(vs.size());
    for (size_t j = 0; j < vs.size(); ++j) v[j] = arena.CopyString(vs[j]);
    values[i] = v;
    counts[i] = vs.size();
    ++i;
  }
  out.extra_keys = keys;
  out.extra_values = values;
  out.extra_counts = counts;
  out.extra_count = u.extra.size();
  return out;
}

UserInfo ToUserInfo(const ArenaUser& u) {
  UserInfo out;
  out.name = u.name;
  out.uid = u.uid;
  for (size_t i = 0; i < u.group_count; ++i) out.groups.emplace_back(u.groups[i]);
  for (size_t i = 0; i < u.extra_count; ++i) {
    auto& vs = out.extra[std::string(u.extra_keys[i])];
    for (size_t j = 0; j < u.extra_counts[i]; ++j) vs.emplace_back(u.extra_values[i][j]);
  }
  return out;
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
}

// ---- Builders ----------------------------------------------------------------------------

Value Path(CallContext& ctx, const AuthorizerValue& a, cel::StringArg path) {
  if (IsBlank(path.value)) return ctx.Error("path must not be empty");
  std::string_view p = ctx.arena->CopyString(path.value);
  return Value::Opaque(ctx.arena->New<PathCheckValue>(&a, p));
}
Value Group(CallContext& ctx, const AuthorizerValue& a, cel::StringArg group) {
  return Value::Opaque(ctx.arena->New<GroupCheckValue>(&a, ctx.arena->CopyString(group.value)));
}
Value ServiceAccount(CallContext& ctx, const AuthorizerValue& a, cel::StringArg ns,
                     cel::StringArg name) {
  if (!IsDNS1123Subdomain(name.value).empty()) return ctx.Error("Invalid service account name");
  if (!IsDNS1123Label(ns.value).empty()) return ctx.Error("Invalid service account namespace");
  UserInfo u;
  u.name = "system:serviceaccount:" + std::string(ns.value) + ":" + std::string(name.value);
  u.groups = {"system:serviceaccounts", "system:serviceaccounts:" + std::string(ns.value)};
  return Value::Opaque(ctx.arena->New<AuthorizerValue>(a.authorizer, CopyUser(*ctx.arena, u)));
}
Value Resource(CallContext& ctx, const GroupCheckValue& g, cel::StringArg resource) {
  if (IsBlank(resource.value)) return ctx.Error("resource must not be empty");
  auto* r = ctx.arena->New<ResourceCheckValue>();
  r->authz = g.authz;
  r->group = g.group;
  r->resource = ctx.arena->CopyString(resource.value);
  return Value::Opaque(r);
}

template <std::string_view ResourceCheckValue::*kField>
Value SetField(CallContext& ctx, const ResourceCheckValue& r, cel::StringArg s) {
  auto* copy = ctx.arena->New<ResourceCheckValue>(r);
  copy->*kField = ctx.arena->CopyString(s.value);
  return Value::Opaque(copy);
}

// ---- Checks --------------------------------------------------------------------------------

Value MakeDecision(CallContext& ctx, const Authorizer* authorizer, const Attributes& attrs) {
  Decision d;
  if (authorizer == nullptr) {
    d.kind = Decision::Kind::kNoOpinion;
    d.error = "no authorizer configured";
  } else {
    d = authorizer->Authorize(attrs);
  }
  return Value::Opaque(ctx.arena->New<DecisionValue>(d.kind, ctx.arena->CopyString(d.reason),
                                                     ctx.arena->CopyString(d.error)));
}
Value PathCheck(CallContext& ctx, const PathCheckValue& p, cel::StringArg verb) {
  Attributes attrs;
  attrs.user = ToUserInfo(p.authz->user);
  attrs.verb = verb.value;
  attrs.resource_request = false;
  attrs.path = p.path;
  if (attrs.path.empty() || attrs.path[0] != '/') attrs.path.insert(0, "/");
  return MakeDecision(ctx, p.authz->authorizer, attrs);
}
Value ResourceCheck(CallContext& ctx, const ResourceCheckValue& r, cel::StringArg verb) {
  Attributes attrs;
  attrs.user = ToUserInfo(r.authz->user);
  attrs.verb = verb.value;
  attrs.resource_request = true;
  attrs.api_group = r.group;
  attrs.api_version = "*";
  attrs.resource = r.resource;
  attrs.subresource = r.subresource;
  attrs.namespace_name = r.namespace_name;
  attrs.name = r.name;
  attrs.field_selector = r.field_selector;
  attrs.label_selector = r.label_selector;
  return MakeDecision(ctx, r.authz->authorizer, attrs);
}

bool Allowed(const DecisionValue& d) { return d.kind == Decision::Kind::kAllow; }
Value Reason(const DecisionValue& d) { return Value::String(d.reason); }
bool Errored(const DecisionValue& d) { return !d.error.empty(); }
Value Error(const DecisionValue& d) { return Value::String(d.error); }

// check(): 350,000 (spec 5.3), so at most two checks fit the per-expression limit.
constexpr uint64_t kCheckCost = 350000;
// 10 + ceil(L * 0.1) + 50 * ceil(L * 0.5) for a selector of length L in bytes (spec 5.3).
uint64_t SelectorCost(const cel::CostSizes& size) {
  const uint64_t l = size[1];
  return cel::cost::SatAdd(cel::cost::SatAdd(10, internal::CeilCost(l, 0.1)),
                           cel::cost::SatMul(50, internal::CeilCost(l, 0.5)));
}

// ---- RulesAuthorizer ---------------------------------------------------------------------

bool MatchList(const std::vector<std::string>& list, std::string_view v) {
  if (list.empty()) return true;
  for (const std::string& e : list) {
    if (e == "*" || e == v) return true;
  }
  return false;
}

}  // namespace

StatusOr<RulesAuthorizer> RulesAuthorizer::FromJson(json::Value rules) {
  if (!rules.is_array()) return InvalidArgumentError("authorization rules: want a list of rules");
  std::vector<Rule> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    json::Value r = rules.at(i);
    std::string where = "authorization rules[" + std::to_string(i) + "]";
    if (!r.is_object()) return InvalidArgumentError(where + ": want an object");
    Rule rule;
    for (size_t k = 0; k < r.size(); ++k) {
      std::string_view key = r.key_at(k);
      json::Value v = r.value_at(k);
      std::vector<std::string>* list = nullptr;
      if (key == "user" || key == "group") {
        if (!v.is_string()) return InvalidArgumentError(where + "." + std::string(key) + ": want a string");
        (key == "user" ? rule.user : rule.group) = v.as_string();
        continue;
      }
      if (key == "verbs") list = &rule.verbs;
      else if (key == "apiGroups") list = &rule.api_groups;
      else if (key == "resources") list = &rule.resources;
      else if (key == "namespaces") list = &rule.namespaces;
      else if (key == "names") list = &rule.names;
      else if (key == "nonResourceURLs") list = &rule.non_resource_urls;
      else return InvalidArgumentError(where + ": unknown field \"" + std::string(key) + "\"");
      if (!v.is_array()) return InvalidArgumentError(where + "." + std::string(key) + ": want a list");
      for (size_t j = 0; j < v.size(); ++j) {
        if (!v.at(j).is_string()) {
          return InvalidArgumentError(where + "." + std::string(key) + ": want strings");
        }
        list->emplace_back(v.at(j).as_string());
      }
    }
    if (rule.user.empty() && rule.group.empty()) {
      return InvalidArgumentError(where + ": needs \"user\" or \"group\"");
    }
    out.push_back(std::move(rule));
  }
  return RulesAuthorizer(std::move(out));
}

Decision RulesAuthorizer::Authorize(const Attributes& a) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    bool subject = (!r.user.empty() && (r.user == "*" || r.user == a.user.name));
    if (!subject && !r.group.empty()) {
      for (const std::string& g : a.user.groups) {
        if (r.group == "*" || r.group == g) subject = true;
      }
    }
    if (!subject || !MatchList(r.verbs, a.verb)) continue;
    if (a.resource_request) {
      if (r.resources.empty()) continue;
      std::string full = a.resource;
      if (!a.subresource.empty()) full += "/" + a.subresource;
      if (!MatchList(r.api_groups, a.api_group) || !MatchList(r.resources, full) ||
          !MatchList(r.namespaces, a.namespace_name) || !MatchList(r.names, a.name)) {
        continue;
      }
    } else {
      bool match = false;
      for (const std::string& u : r.non_resource_urls) {
        if (u == "*" || u == a.path ||
            (!u.empty() && u.back() == '*' &&
             std::string_view(a.path).substr(0, u.size() - 1) == std::string_view(u).substr(0, u.size() - 1))) {
          match = true;
        }
      }
      if (!match) continue;
    }
    return Decision{Decision::Kind::kAllow, "allowed by rule " + std::to_string(i), ""};
  }
  return Decision{Decision::Kind::kDeny, "no rule matched", ""};
}

cel::Type AuthorizerType() { return Type::Opaque(std::string(kAuthorizerName)); }
cel::Type ResourceCheckType() { return Type::Opaque(std::string(kResourceCheckName)); }

cel::Value MakeAuthorizerValue(Arena& arena, const Authorizer* authorizer, const UserInfo& user) {
  return Value::Opaque(arena.New<AuthorizerValue>(authorizer, CopyUser(arena, user)));
}

cel::Value MakeRequestResourceValue(Arena& arena, const cel::Value& authorizer_value,
                                    std::string_view group, std::string_view resource,
                                    std::string_view subresource, std::string_view namespace_name,
                                    std::string_view name) {
  auto* r = arena.New<ResourceCheckValue>();
  r->authz = &static_cast<const AuthorizerValue&>(authorizer_value.opaque());
  r->group = arena.CopyString(group);
  r->resource = arena.CopyString(resource);
  r->subresource = arena.CopyString(subresource);
  r->namespace_name = arena.CopyString(namespace_name);
  r->name = arena.CopyString(name);
  return Value::Opaque(r);
}

cel::Library AuthzLibrary() {
  const Type authz = AuthorizerType();
  const Type path = Type::Opaque(std::string(kPathCheckName));
  const Type group = Type::Opaque(std::string(kGroupCheckName));
  const Type resource = ResourceCheckType();
  const Type decision = Type::Opaque(std::string(kDecisionName));
  const Type str = Type::String();
  cel::Library lib("kubernetes.authz");
  lib.Member("path").Raw("authorizer_path", {authz, str}, path, internal::WithContext<&Path>);
  lib.Member("group").Raw("authorizer_group", {authz, str}, group, internal::WithContext<&Group>);
  lib.Member("serviceAccount")
      .Raw("authorizer_serviceaccount", {authz, str, str}, authz, internal::WithContext<&ServiceAccount>);
  lib.Member("resource").Raw("groupcheck_resource", {group, str}, resource, internal::WithContext<&Resource>);
  lib.Member("subresource")
      .Raw("resourcecheck_subresource",
                                                         {resource, str}, resource, internal::WithContext<&SetField<&ResourceCheckValue::subresource>>);
  lib.Member("namespace")
      .Raw("resourcecheck_namespace",
                                                            {resource, str}, resource, internal::WithContext<&SetField<&ResourceCheckValue::namespace_name>>);
  lib.Member("name").Raw("resourcecheck_name",
                                                               {resource, str}, resource, internal::WithContext<&SetField<&ResourceCheckValue::name>>);
  lib.Member("fieldSelector")
      .Raw("resourcecheck_fieldselector",
                                                            {resource, str}, resource, internal::WithContext<&SetField<&ResourceCheckValue::field_selector>>)
      .CostBySize<&SelectorCost>();
  lib.Member("labelSelector")
      .Raw("resourcecheck_labelselector",
                                                            {resource, str}, resource, internal::WithContext<&SetField<&ResourceCheckValue::label_selector>>)
      .CostBySize<&SelectorCost>();
  lib.Member("check")
      .Raw("pathcheck_check", {path, str}, decision, internal::WithContext<&PathCheck>)
      .FixedCost<kCheckCost>()
      .Raw("resourcecheck_check", {resource, str}, decision, internal::WithContext<&ResourceCheck>)
      .FixedCost<kCheckCost>();
  lib.Member("allowed").Add<&Allowed>("decision_allowed");
  lib.Member("reason").Add<&Reason>("decision_reason", {decision}, str);
  lib.Member("errored").Add<&Errored>("decision_errored");
  lib.Member("error").Add<&Error>("decision_error", {decision}, str);
  return lib;
}

}  // namespace celgate::k8s::cellib

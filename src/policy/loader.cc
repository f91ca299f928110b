// policy/loader.cc: manifests -> validated, compiled policies and bindings (see loader.h).
// Validation mirrors kube-apiserver's create-time checks for admissionregistration objects
// (required fields, enum values, selector syntax, CEL compilation); messages follow the
// field.Error wording ("<path>: Required value", "Unsupported value: ...").
#include "policy/loader.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>

#include "k8s/cellib/authz.h"
#include "policy/internal/compile.h"
#include "yaml/yaml.h"

namespace celgate::policy {
namespace {

using internal::CompileExpression;
using internal::Want;

// Collects issues for one document.
class Ctx {
 public:
  Ctx(Manifests* out, const std::string& file, int doc) : out_(out), file_(file), doc_(doc) {}
  void set_object(std::string o) { object_ = std::move(o); }
  void Error(json::Value at, std::string field, std::string message) {
    Add(false, at, std::move(field), std::move(message));
  }
  void Warning(json::Value at, std::string field, std::string message) {
    Add(true, at, std::move(field), std::move(message));
  }
  int errors() const { return errors_; }
  json::Value fallback;  // position used when a field is absent (its parent)

 private:
  void Add(bool warning, json::Value at, std::string field, std::string message) {
    LoadIssue i;
    i.warning = warning;
    i.file = file_;
    i.document = doc_;
    i.position = at.valid() && at.position().known() ? at.position() : fallback.position();
    i.field = std::move(field);
    i.object = object_;
    i.message = std::move(message);
    out_->issues.push_back(std::move(i));
    if (!warning) ++errors_;
  }
  Manifests* out_;
  std::string file_;
  int doc_;
  std::string object_;
  int errors_ = 0;
};

std::string Quoted(std::string_view s) { return json::Quote(s); }

// Reads a string field; reports a type error when present but not a string.
std::string GetString(Ctx& c, json::Value obj, std::string_view key, const std::string& path) {
  json::Value v = obj.Find(key);
  if (!v.valid() || v.is_null()) return "";
  if (!v.is_string()) {
    c.Error(v, path, "Invalid value: expected string, got " + std::string(json::TypeName(v.type())));
    return "";
  }
  return std::string(v.as_string());
}

// Reads a list field: invalid when absent or null; reports a type error (and returns invalid)
// when present but not a list, so a mistyped list never silently loads as empty.
json::Value GetList(Ctx& c, json::Value obj, std::string_view key, const std::string& path) {
  json::Value v = obj.Find(key);
  if (!v.valid() || v.is_null()) return json::Value();
  if (!v.is_array()) {
    c.Error(v, path, "Invalid value: expected a list, got " + std::string(json::TypeName(v.type())));
    return json::Value();
  }
  return v;
}

// Reports a list item or field that must be an object; true when it is one.
bool ExpectObject(Ctx& c, json::Value v, const std::string& path) {
  if (v.is_object()) return true;
  c.Error(v, path, "Invalid value: expected an object, got " + std::string(json::TypeName(v.type())));
  return false;
}

std::vector<std::string> GetStrings(Ctx& c, json::Value obj, std::string_view key,
                                    const std::string& path) {
  std::vector<std::string> out;
  json::Value v = obj.Find(key);
  if (!v.valid() || v.is_null()) return out;
  if (!v.is_array()) {
    c.Error(v, path, "Invalid value: expected a list of strings");
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    json::Value e = v.at(i);
    if (!e.is_string()) {
      c.Error(e, path + "[" + std::to_string(i) + "]", "Invalid value: expected string");
      continue;
    }
    out.emplace_back(e.as_string());
  }
  return out;
}

std::optional<k8s::LabelSelector> GetSelector(Ctx& c, json::Value obj, std::string_view key,
                                              const std::string& path) {
  json::Value v = obj.Find(key);
  if (!v.valid() || v.is_null()) return std::nullopt;
  if (!v.is_object()) {
    c.Error(v, path, "Invalid value: expected a label selector object");
    return std::nullopt;
  }
  k8s::LabelSelectorSpec spec;
  json::Value ml = v.Find("matchLabels");
  if (ml.valid() && !ml.is_null() && !ExpectObject(c, ml, path + ".matchLabels")) ml = {};
  for (size_t i = 0; i < ml.size(); ++i) {
    json::Value val = ml.value_at(i);
    if (!val.is_string()) {
      c.Error(val, path + ".matchLabels", "Invalid value: label values must be strings");
      continue;
    }
    spec.match_labels[std::string(ml.key_at(i))] = std::string(val.as_string());
  }
  json::Value me = GetList(c, v, "matchExpressions", path + ".matchExpressions");
  for (size_t i = 0; i < me.size(); ++i) {
    json::Value e = me.at(i);
    k8s::LabelSelectorRequirementSpec r;
    std::string p = path + ".matchExpressions[" + std::to_string(i) + "]";
    if (!ExpectObject(c, e, p)) continue;
    r.key = GetString(c, e, "key", p + ".key");
    r.op = GetString(c, e, "operator", p + ".operator");
    r.values = GetStrings(c, e, "values", p + ".values");
    spec.match_expressions.push_back(std::move(r));
  }
  StatusOr<k8s::LabelSelector> sel = k8s::LabelSelector::FromApi(&spec, path);
  if (!sel.ok()) {
    c.Error(v, path, std::string(sel.status().message()));
    return std::nullopt;
  }
  if (sel->is_everything()) return std::nullopt;
  return std::move(*sel);
}

void CheckAllOrOne(Ctx& c, json::Value at, const std::vector<std::string>& items,
                   const std::string& path, const std::string& what) {
  if (items.size() > 1 && std::find(items.begin(), items.end(), "*") != items.end()) {
    c.Error(at, path, "Invalid value: if '*' is present, must not specify other " + what);
  }
}

std::vector<ResourceRule> GetRules(Ctx& c, json::Value obj, std::string_view key,
                                   const std::string& path) {
  std::vector<ResourceRule> rules;
  json::Value list = obj.Find(key);
  if (!list.valid() || list.is_null()) return rules;
  if (!list.is_array()) {
    c.Error(list, path, "Invalid value: expected a list");
    return rules;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    json::Value r = list.at(i);
    std::string p = path + "[" + std::to_string(i) + "]";
    if (!ExpectObject(c, r, p)) continue;
    ResourceRule rule;
    std::vector<std::string> ops = GetStrings(c, r, "operations", p + ".operations");
    if (ops.empty()) c.Error(r, p + ".operations", "Required value");
    CheckAllOrOne(c, r.Find("operations"), ops, p + ".operations", "operations");
    for (const std::string& op : ops) {
      uint8_t bit = ParseOperation(op);
      if (bit == 0) {
        c.Error(r.Find("operations"), p + ".operations",
                "Unsupported value: " + Quoted(op) +
                    ": supported values: \"*\", \"CONNECT\", \"CREATE\", \"DELETE\", \"UPDATE\"");
      }
      rule.operations |= bit;
    }
    rule.api_groups = GetStrings(c, r, "apiGroups", p + ".apiGroups");
    if (rule.api_groups.empty()) c.Error(r, p + ".apiGroups", "Required value");
    CheckAllOrOne(c, r.Find("apiGroups"), rule.api_groups, p + ".apiGroups", "apiGroups");
    rule.api_versions = GetStrings(c, r, "apiVersions", p + ".apiVersions");
    if (rule.api_versions.empty()) c.Error(r, p + ".apiVersions", "Required value");
    CheckAllOrOne(c, r.Find("apiVersions"), rule.api_versions, p + ".apiVersions",
                  "apiVersions");
    rule.resources = GetStrings(c, r, "resources", p + ".resources");
    if (rule.resources.empty()) c.Error(r, p + ".resources", "Required value");
    for (const std::string& res : rule.resources) {
      if (res.empty()) c.Error(r.Find("resources"), p + ".resources", "Required value");
    }
    std::string scope = GetString(c, r, "scope", p + ".scope");
    if (scope.empty() || scope == "*") {
      rule.scope = ResourceRule::Scope::kAll;
    } else if (scope == "Cluster") {
      rule.scope = ResourceRule::Scope::kCluster;
    } else if (scope == "Namespaced") {
      rule.scope = ResourceRule::Scope::kNamespaced;
    } else {
      c.Error(r.Find("scope"), p + ".scope",
              "Unsupported value: " + Quoted(scope) +
                  ": supported values: \"*\", \"Cluster\", \"Namespaced\"");
    }
    rule.resource_names = GetStrings(c, r, "resourceNames", p + ".resourceNames");
    rules.push_back(std::move(rule));
  }
  return rules;
}

MatchResources GetMatchResources(Ctx& c, json::Value m, const std::string& path) {
  MatchResources mr;
  mr.namespace_selector = GetSelector(c, m, "namespaceSelector", path + ".namespaceSelector");
  mr.object_selector = GetSelector(c, m, "objectSelector", path + ".objectSelector");
  mr.resource_rules = GetRules(c, m, "resourceRules", path + ".resourceRules");
  mr.exclude_resource_rules =
      GetRules(c, m, "excludeResourceRules", path + ".excludeResourceRules");
  std::string mp = GetString(c, m, "matchPolicy", path + ".matchPolicy");
  if (mp == "Exact") {
    mr.equivalent = false;
  } else if (!mp.empty() && mp != "Equivalent") {
    c.Error(m.Find("matchPolicy"), path + ".matchPolicy",
            "Unsupported value: " + Quoted(mp) + ": supported values: \"Equivalent\", \"Exact\"");
  }
  return mr;
}

bool IsQualifiedName(std::string_view s) {
  // [prefix/]name; name: ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63.
  size_t slash = s.rfind('/');
  std::string_view name = slash == std::string_view::npos ? s : s.substr(slash + 1);
  if (name.empty() || name.size() > 63) return false;
  auto alnum = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char ch : name) {
    if (!alnum(ch) && ch != '-' && ch != '_' && ch != '.') return false;
  }
  if (slash != std::string_view::npos) {
    std::string_view prefix = s.substr(0, slash);
    if (prefix.empty() || prefix.size() > 253) return false;
  }
  return true;
}

bool IsCelIdentifier(std::string_view s) {
  if (s.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char ch : s) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_')) return false;
  }
  static const std::set<std::string_view> kReserved = {
      "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for",
      "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
      "void", "while"};
  return kReserved.count(s) == 0;
}

bool HasNewline(std::string_view s) {
  return s.find('\n') != std::string_view::npos || s.find('\r') != std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(b, e - b + 1);
}

// Compiles and records an error at `at`.
CompiledExpression Compile(Ctx& c, json::Value at, std::string_view src, const std::string& path,
                           int variant, Want want) {
  CompiledExpression e = CompileExpression(src, path, variant, want);
  if (!e.ok()) c.Error(at, path, "Invalid value: " + Quoted(src) + ": " + e.error);
  return e;
}

void LoadPolicy(Ctx& c, json::Value obj, const std::string& file, const LoadOptions& options,
                Manifests* out) {
  auto p = std::make_shared<Policy>();
  p->file = file;
  json::Value meta = obj.Find("metadata");
  p->name = GetString(c, meta, "name", "metadata.name");
  c.set_object("ValidatingAdmissionPolicy/" + p->name);
  if (p->name.empty()) c.Error(meta, "metadata.name", "Required value: name or generateName is required");
  json::Value spec = obj.Find("spec");
  c.fallback = obj;
  if (!spec.is_object()) {
    c.Error(spec, "spec", "Required value");
    return;
  }
  c.fallback = spec;
  std::string fp = GetString(c, spec, "failurePolicy", "spec.failurePolicy");
  if (fp == "Ignore") {
    p->fail_closed = false;
  } else if (!fp.empty() && fp != "Fail") {
    c.Error(spec.Find("failurePolicy"), "spec.failurePolicy",
            "Unsupported value: " + Quoted(fp) + ": supported values: \"Fail\", \"Ignore\"");
  }
  json::Value pk = spec.Find("paramKind");
  if (pk.valid() && !pk.is_null() && ExpectObject(c, pk, "spec.paramKind")) {
    ParamKind k;
    k.api_version = GetString(c, pk, "apiVersion", "spec.paramKind.apiVersion");
    k.kind = GetString(c, pk, "kind", "spec.paramKind.kind");
    if (k.api_version.empty()) c.Error(pk, "spec.paramKind.apiVersion", "Required value");
    if (k.kind.empty()) c.Error(pk, "spec.paramKind.kind", "Required value");
    p->param_kind = std::move(k);
  }
  json::Value mc = spec.Find("matchConstraints");
  if (!mc.is_object()) {
    c.Error(mc, "spec.matchConstraints", "Required value");
  } else {
    p->match_constraints = GetMatchResources(c, mc, "spec.matchConstraints");
    if (p->match_constraints.resource_rules.empty() && !mc.Find("resourceRules").valid()) {
      c.Error(mc, "spec.matchConstraints.resourceRules", "Required value");
    }
  }
  int base = options.enable_tracing ? internal::kEnvTracing : 0;
  if (p->param_kind) base |= internal::kEnvParams;

  json::Value conds = GetList(c, spec, "matchConditions", "spec.matchConditions");
  std::set<std::string> names;
  for (size_t i = 0; i < conds.size(); ++i) {
    json::Value e = conds.at(i);
    std::string path = "spec.matchConditions[" + std::to_string(i) + "]";
    if (!ExpectObject(c, e, path)) continue;
    NamedExpression ne;
    ne.name = GetString(c, e, "name", path + ".name");
    if (ne.name.empty()) {
      c.Error(e, path + ".name", "Required value");
    } else if (!IsQualifiedName(ne.name)) {
      c.Error(e.Find("name"), path + ".name",
              "Invalid value: " + Quoted(ne.name) + ": must be a qualified name");
    } else if (!names.insert(ne.name).second) {
      c.Error(e.Find("name"), path + ".name", "Duplicate value: " + Quoted(ne.name));
    }
    std::string src = GetString(c, e, "expression", path + ".expression");
    if (src.empty()) {
      c.Error(e, path + ".expression", "Required value");
      continue;
    }
    ne.expression = Compile(c, e.Find("expression"), src, path + ".expression",
                            base | internal::kEnvAuthorizer, Want::kBool);
    p->match_conditions.push_back(std::move(ne));
  }
  if (conds.size() > 64) c.Error(conds, "spec.matchConditions", "Too many: must have at most 64 items");

  json::Value vars = GetList(c, spec, "variables", "spec.variables");
  for (size_t i = 0; i < vars.size(); ++i) {
    json::Value e = vars.at(i);
    std::string path = "spec.variables[" + std::to_string(i) + "]";
    if (!ExpectObject(c, e, path)) continue;
    NamedExpression ne;
    ne.name = GetString(c, e, "name", path + ".name");
    if (ne.name.empty()) {
      c.Error(e, path + ".name", "Required value");
    } else if (!IsCelIdentifier(ne.name)) {
      c.Error(e.Find("name"), path + ".name",
              "Invalid value: " + Quoted(ne.name) + ": name is not a valid CEL identifier");
    } else if (p->variable_index.count(ne.name)) {
      c.Error(e.Find("name"), path + ".name", "Duplicate value: " + Quoted(ne.name));
    }
    std::string src = GetString(c, e, "expression", path + ".expression");
    if (src.empty()) {
      c.Error(e, path + ".expression", "Required value");
      continue;
    }
    ne.expression = Compile(c, e.Find("expression"), src, path + ".expression",
                            base | internal::kEnvVariables | internal::kEnvAuthorizer, Want::kAny);
    p->variable_index[ne.name] = p->variables.size();
    p->variables.push_back(std::move(ne));
  }

  json::Value vals = GetList(c, spec, "validations", "spec.validations");
  for (size_t i = 0; i < vals.size(); ++i) {
    json::Value e = vals.at(i);
    std::string path = "spec.validations[" + std::to_string(i) + "]";
    if (!ExpectObject(c, e, path)) continue;
    Validation v;
    std::string src = GetString(c, e, "expression", path + ".expression");
    if (Trim(src).empty()) {
      c.Error(e, path + ".expression", "Required value: expression is not specified");
      continue;
    }
    v.expression = Compile(c, e.Find("expression"), src, path + ".expression",
                           base | internal::kEnvVariables | internal::kEnvAuthorizer, Want::kBool);
    v.message = GetString(c, e, "message", path + ".message");
    if (!v.message.empty() && Trim(v.message).empty()) {
      c.Error(e.Find("message"), path + ".message",
              "Invalid value: " + Quoted(v.message) + ": message must be non-empty if specified");
    } else if (HasNewline(Trim(v.message))) {
      c.Error(e.Find("message"), path + ".message",
              "Invalid value: " + Quoted(v.message) + ": message must not contain line breaks");
    }
    std::string me = GetString(c, e, "messageExpression", path + ".messageExpression");
    if (!me.empty()) {
      v.message_expression = Compile(c, e.Find("messageExpression"), me,
                                     path + ".messageExpression",
                                     base | internal::kEnvVariables, Want::kString);
    }
    v.reason = GetString(c, e, "reason", path + ".reason");
    if (!v.reason.empty() && v.reason != "Unauthorized" && v.reason != "Forbidden" &&
        v.reason != "Invalid" && v.reason != "RequestEntityTooLarge") {
      c.Error(e.Find("reason"), path + ".reason",
              "Unsupported value: " + Quoted(v.reason) +
                  ": supported values: \"Forbidden\", \"Invalid\", \"RequestEntityTooLarge\", "
                  "\"Unauthorized\"");
    }
    p->validations.push_back(std::move(v));
  }
  json::Value anns = GetList(c, spec, "auditAnnotations", "spec.auditAnnotations");
  std::set<std::string> keys;
  for (size_t i = 0; i < anns.size(); ++i) {
    json::Value e = anns.at(i);
    std::string path = "spec.auditAnnotations[" + std::to_string(i) + "]";
    if (!ExpectObject(c, e, path)) continue;
    AuditAnnotation a;
    a.key = GetString(c, e, "key", path + ".key");
    if (a.key.empty()) {
      c.Error(e, path + ".key", "Required value");
    } else if (!IsQualifiedName(a.key) || a.key.find('/') != std::string::npos) {
      c.Error(e.Find("key"), path + ".key",
              "Invalid value: " + Quoted(a.key) + ": must be a valid annotation key");
    } else if (!keys.insert(a.key).second) {
      c.Error(e.Find("key"), path + ".key", "Duplicate value: " + Quoted(a.key));
    }
    std::string src = GetString(c, e, "valueExpression", path + ".valueExpression");
    if (Trim(src).empty()) {
      c.Error(e, path + ".valueExpression", "Required value: valueExpression is not specified");
      continue;
    }
    if (src.size() > 5 * 1024) {
      c.Error(e.Find("valueExpression"), path + ".valueExpression",
              "Too long: may not be longer than 5120");
    }
    a.value_expression =
        Compile(c, e.Find("valueExpression"), src, path + ".valueExpression",
                base | internal::kEnvVariables | internal::kEnvAuthorizer, Want::kStringOrNull);
    p->audit_annotations.push_back(std::move(a));
  }
  if (p->validations.empty() && p->audit_annotations.empty() && c.errors() == 0) {
    c.Error(spec, "spec.validations",
            "Required value: validations or auditAnnotations must contain at least one item");
  }
  if (c.errors() == 0) out->policies.push_back(std::move(p));
}

void LoadBinding(Ctx& c, json::Value obj, const std::string& file, Manifests* out) {
  auto b = std::make_shared<Binding>();
  b->file = file;
  json::Value meta = obj.Find("metadata");
  b->name = GetString(c, meta, "name", "metadata.name");
  c.set_object("ValidatingAdmissionPolicyBinding/" + b->name);
  c.fallback = obj;
  if (b->name.empty()) c.Error(meta, "metadata.name", "Required value: name or generateName is required");
  json::Value spec = obj.Find("spec");
  if (!spec.is_object()) {
    c.Error(spec, "spec", "Required value");
    return;
  }
  c.fallback = spec;
  b->policy_name = GetString(c, spec, "policyName", "spec.policyName");
  if (b->policy_name.empty()) c.Error(spec, "spec.policyName", "Required value");
  json::Value pr = spec.Find("paramRef");
  if (pr.valid() && !pr.is_null() && ExpectObject(c, pr, "spec.paramRef")) {
    ParamRef ref;
    ref.name = GetString(c, pr, "name", "spec.paramRef.name");
    ref.ns = GetString(c, pr, "namespace", "spec.paramRef.namespace");
    json::Value sel = pr.Find("selector");
    if (sel.valid() && !sel.is_null()) {
      auto s = GetSelector(c, pr, "selector", "spec.paramRef.selector");
      ref.selector = s ? std::move(*s) : k8s::LabelSelector::Everything();
    }
    if (!ref.name.empty() && ref.selector) {
      c.Error(pr, "spec.paramRef.name", "Forbidden: name and selector are mutually exclusive");
    } else if (ref.name.empty() && !ref.selector) {
      c.Error(pr, "spec.paramRef", "Required value: one of name or selector must be specified");
    }
    std::string action = GetString(c, pr, "parameterNotFoundAction",
                                   "spec.paramRef.parameterNotFoundAction");
    if (action.empty()) {
      c.Error(pr, "spec.paramRef.parameterNotFoundAction", "Required value");
    } else if (action == "Allow") {
      ref.deny_when_not_found = false;
    } else if (action != "Deny") {
      c.Error(pr.Find("parameterNotFoundAction"), "spec.paramRef.parameterNotFoundAction",
              "Unsupported value: " + Quoted(action) + ": supported values: \"Allow\", \"Deny\"");
    }
    b->param_ref = std::move(ref);
  }
  json::Value mr = spec.Find("matchResources");
  if (mr.valid() && !mr.is_null()) ExpectObject(c, mr, "spec.matchResources");
  if (mr.is_object()) b->match_resources = GetMatchResources(c, mr, "spec.matchResources");
  b->validation_actions = GetStrings(c, spec, "validationActions", "spec.validationActions");
  if (b->validation_actions.empty()) {
    c.Error(spec, "spec.validationActions", "Required value: at least one validation action is required");
  }
  std::set<std::string> seen;
  for (const std::string& a : b->validation_actions) {
    if (!seen.insert(a).second) {
      c.Error(spec.Find("validationActions"), "spec.validationActions",
              "Duplicate value: " + Quoted(a));
    }
    if (a == "Deny") {
      b->deny = true;
    } else if (a == "Warn") {
      b->warn = true;
    } else if (a == "Audit") {
      b->audit = true;
    } else {
      c.Error(spec.Find("validationActions"), "spec.validationActions",
              "Unsupported value: " + Quoted(a) +
                  ": supported values: \"Audit\", \"Deny\", \"Warn\"");
    }
  }
  if (b->deny && b->warn) {
    c.Error(spec.Find("validationActions"), "spec.validationActions",
            "Invalid value: cannot use both Deny and Warn (Warn is redundant with Deny)");
  }
  if (c.errors() == 0) out->bindings.push_back(std::move(b));
}

bool IsAdmissionRegistration(std::string_view api_version) {
  return api_version == "admissionregistration.k8s.io/v1" ||
         api_version == "admissionregistration.k8s.io/v1beta1" ||
         api_version == "admissionregistration.k8s.io/v1alpha1";
}

void LoadObject(json::Value obj, const std::shared_ptr<const json::Document>& doc,
                const std::string& file, int index, const LoadOptions& options,
                Manifests* out, int depth) {
  Ctx c(out, file, index);
  c.fallback = obj;
  if (!obj.is_object()) {
    c.Warning(obj, "", "not a Kubernetes object; ignored");
    return;
  }
  std::string_view api_version = obj.Find("apiVersion").as_string();
  std::string_view kind = obj.Find("kind").as_string();
  if (kind.empty()) {
    c.Warning(obj, "kind", "not a Kubernetes object (no kind); ignored");
    return;
  }
  if (depth == 0 && kind.size() > 4 && kind.substr(kind.size() - 4) == "List" &&
      obj.Find("items").is_array()) {
    json::Value items = obj.Find("items");
    for (size_t i = 0; i < items.size(); ++i) {
      LoadObject(items.at(i), doc, file, index, options, out, depth + 1);
    }
    return;
  }
  if (IsAdmissionRegistration(api_version)) {
    if (kind == "ValidatingAdmissionPolicy") {
      LoadPolicy(c, obj, file, options, out);
      return;
    }
    if (kind == "ValidatingAdmissionPolicyBinding") {
      LoadBinding(c, obj, file, out);
      return;
    }
    if (kind == "MutatingAdmissionPolicy" || kind == "MutatingAdmissionPolicyBinding") {
      out->unsupported_kinds.emplace_back(kind);
      c.Warning(obj, "kind", std::string(kind) + " is not supported yet; ignored");
      return;
    }
  }
  out->objects.push_back(LoadedObject{doc, obj, file});
}

}  // namespace

std::string LoadIssue::ToString() const {
  std::string s = file;
  if (position.known()) {
    s += ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
  }
  s += ": ";
  s += warning ? "warning: " : "error: ";
  if (document >= 0) s += "document " + std::to_string(document) + " ";
  if (!object.empty()) s += "(" + object + ") ";
  if (!field.empty()) s += field + ": ";
  s += message;
  return s;
}

bool Manifests::has_errors() const {
  for (const LoadIssue& i : issues) {
    if (!i.warning) return true;
  }
  return false;
}

uint8_t ParseOperation(std::string_view op) {
  if (op == "CREATE") return kCreate;
  if (op == "UPDATE") return kUpdate;
  if (op == "DELETE") return kDelete;
  if (op == "CONNECT") return kConnect;
  if (op == "*") return kAllOperations;
  return 0;
}

void LoadText(std::string_view text, const std::string& file, const LoadOptions& options,
              Manifests* out) {
  StatusOr<std::vector<yaml::YamlDocument>> docs = yaml::LoadAll(text);
  if (!docs.ok()) {
    LoadIssue i;
    i.file = file;
    i.message = std::string(docs.status().message());
    out->issues.push_back(std::move(i));
    return;
  }
  for (yaml::YamlDocument& d : *docs) {
    auto doc = std::make_shared<json::Document>(std::move(d.doc));
    LoadObject(doc->root(), doc, file, static_cast<int>(d.index), options, out, 0);
  }
}

StatusOr<std::shared_ptr<const k8s::cellib::RulesAuthorizer>> LoadAuthorizerRules(
    const std::string& path) {
  CG_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(path));
  StatusOr<std::vector<yaml::YamlDocument>> docs = yaml::LoadAll(text);
  if (!docs.ok()) return docs.status().WithPrefix(path);
  if (docs->empty() || docs->front().doc.root().is_null()) {  // an empty file: no rules
    return std::make_shared<const k8s::cellib::RulesAuthorizer>(
        std::vector<k8s::cellib::RulesAuthorizer::Rule>{});
  }
  StatusOr<k8s::cellib::RulesAuthorizer> rules =
      k8s::cellib::RulesAuthorizer::FromJson(docs->front().doc.root());
  if (!rules.ok()) return rules.status().WithPrefix(path);
  return std::make_shared<const k8s::cellib::RulesAuthorizer>(std::move(*rules));
}

StatusOr<std::string> ReadFileOrStdin(const std::string& path) {
  if (path == "-") {
    std::string s((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return s;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status LoadPaths(const std::vector<std::string>& paths, const LoadOptions& options,
                 Manifests* out) {
  namespace fs = std::filesystem;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (path != "-" && fs::is_directory(path, ec)) {
      std::vector<std::string> files;
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string ext = it->path().extension().string();
        if (ext == ".yaml" || ext == ".yml" || ext == ".json") files.push_back(it->path().string());
      }
      std::sort(files.begin(), files.end());
      for (const std::string& f : files) {
        CG_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(f));
        LoadText(text, f, options, out);
      }
      continue;
    }
    CG_ASSIGN_OR_RETURN(std::string text, ReadFileOrStdin(path));
    LoadText(text, path == "-" ? "<stdin>" : path, options, out);
  }
  return OkStatus();
}

std::shared_ptr<const PolicySet> BuildPolicySet(const Manifests& m) {
  return std::make_shared<const PolicySet>(m.policies, m.bindings);
}

}  // namespace celgate::policy

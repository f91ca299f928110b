// policy/policy.h: compiled ValidatingAdmissionPolicies and bindings, and the immutable
// PolicySet snapshot the engine evaluates (STYLE.md H8: compile once, evaluate many).
//
// Produced by policy/loader.h (LoadManifests + CompilePolicySet); read by policy/evaluator.h.
// A PolicySet is never modified after construction: share it as shared_ptr<const PolicySet>
// and swap the pointer atomically to change policies (a server does this on watch events).
// Everything in it is thread-safe to read concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cel/cel.h"
#include "json/json.h"
#include "k8s/labels.h"

namespace celgate::policy {

// Bit set of admission operations.
enum Operation : uint8_t {
  kCreate = 1,
  kUpdate = 2,
  kDelete = 4,
  kConnect = 8,
  kAllOperations = 0xff,  // `*`, including future operations
};
// "CREATE" -> kCreate, ...; 0 when unknown.
uint8_t ParseOperation(std::string_view op);

// A NamedRuleWithOperations (admission-policies.md 2.1).
struct ResourceRule {
  uint8_t operations = 0;
  std::vector<std::string> api_groups;
  std::vector<std::string> api_versions;
  std::vector<std::string> resources;
  enum class Scope { kAll, kCluster, kNamespaced } scope = Scope::kAll;
  std::vector<std::string> resource_names;
};

struct MatchResources {
  // nullopt = no selector (matches everything).
  std::optional<k8s::LabelSelector> namespace_selector;
  std::optional<k8s::LabelSelector> object_selector;
  std::vector<ResourceRule> resource_rules;
  std::vector<ResourceRule> exclude_resource_rules;
  bool equivalent = true;  // matchPolicy Equivalent (default) or Exact
};

// One compiled expression. `program` is null when it failed to compile; `error` then holds
// the message kube-apiserver would use (section 4.1 "compilation error: ...").
struct CompiledExpression {
  std::string source;
  std::string field_path;  // e.g. spec.validations[2].expression
  std::shared_ptr<const cel::Program> program;
  std::string error;
  int env = 0;  // index of the environment variant it was compiled in (evaluator.cc)
  bool ok() const { return program != nullptr; }
};

struct Validation {
  CompiledExpression expression;
  std::string message;
  std::optional<CompiledExpression> message_expression;
  std::string reason;  // "" = Invalid
};

struct AuditAnnotation {
  std::string key;
  CompiledExpression value_expression;
};

struct NamedExpression {
  std::string name;
  CompiledExpression expression;
};

struct ParamKind {
  std::string api_version;
  std::string kind;
};

struct Policy {
  std::string name;
  std::optional<ParamKind> param_kind;
  MatchResources match_constraints;
  std::vector<NamedExpression> match_conditions;
  std::vector<NamedExpression> variables;
  std::unordered_map<std::string, size_t> variable_index;  // name -> index in `variables`
  std::vector<Validation> validations;
  std::vector<AuditAnnotation> audit_annotations;
  bool fail_closed = true;  // failurePolicy Fail (default); false = Ignore
  std::string file;         // where it was loaded from, for messages
};

struct ParamRef {
  std::string name;
  std::string ns;
  std::optional<k8s::LabelSelector> selector;  // set when `selector` was given
  bool deny_when_not_found = true;  // parameterNotFoundAction Deny (vs Allow)
};

struct Binding {
  std::string name;
  std::string policy_name;
  std::optional<ParamRef> param_ref;
  std::optional<MatchResources> match_resources;
  bool deny = false, warn = false, audit = false;
  std::vector<std::string> validation_actions;  // as written, for the audit annotation
  std::string file;
};

// The immutable snapshot: policies by name, their bindings by name, and an index of bindings
// by the resources their policy can match, so a request only visits candidate policies.
class PolicySet {
 public:
  struct Entry {
    std::shared_ptr<const Policy> policy;
    std::vector<std::shared_ptr<const Binding>> bindings;  // sorted by name
  };

  // `policies` and `bindings` in any order; bindings whose policy is absent are kept for
  // lint but never evaluated.
  PolicySet(std::vector<std::shared_ptr<const Policy>> policies,
            std::vector<std::shared_ptr<const Binding>> bindings);

  // Every policy that has at least one binding, sorted by policy name.
  const std::vector<Entry>& entries() const { return entries_; }

  // Indices into entries() of the policies that may match a request for resource
  // `resource` (without subresource) in `group`, in policy-name order. A superset of the
  // policies whose matchConstraints match; policies with wildcard groups/resources or
  // matchPolicy Equivalent across groups are always candidates.
  const std::vector<uint32_t>& Candidates(std::string_view group, std::string_view resource,
                                          std::vector<uint32_t>* scratch) const;

  size_t policy_count() const { return policy_count_; }
  size_t binding_count() const { return binding_count_; }

 private:
  std::vector<Entry> entries_;
  std::map<std::string, std::vector<uint32_t>, std::less<>> by_gr_;  // "group/resource"
  std::vector<uint32_t> wildcard_;  // candidates for every request
  size_t policy_count_ = 0;
  size_t binding_count_ = 0;
};

}  // namespace celgate::policy

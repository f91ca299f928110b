// k8s/cellib/authz.h: the Kubernetes authorizer library (spec 3.4; upstream library/authz.go)
// and the interface it asks for decisions.
//
// Where this sits: k8s/cellib. Admission environments declare the `authorizer` variable with
// AuthorizerType() and bind it per request with MakeAuthorizerValue(); the library functions
// (path, group, resource, subresource, namespace, name, fieldSelector, labelSelector,
// serviceAccount, check, allowed, reason, errored, error) come from AuthzLibrary(). The
// Authorizer is reached through the opaque value itself, so no EvalOptions::services are needed.
//
//   RulesAuthorizer authz = *RulesAuthorizer::FromJson(rules_doc.root());
//   act.Set(env->VariableSlot("authorizer"), MakeAuthorizerValue(arena, &authz, user));
//
// Implementations: kubeclient (SubjectAccessReview, for `serve`) and RulesAuthorizer below
// (offline: review, test, unit tests).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/arena.h"
#include "base/status.h"
#include "cel/common/function.h"
#include "cel/common/type.h"
#include "cel/common/value.h"
#include "json/json.h"

namespace celgate::k8s::cellib {

// The requesting user (request.userInfo).
struct UserInfo {
  std::string name;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
};

// What an authorization check asks (authorizer.Attributes upstream).
struct Attributes {
  UserInfo user;
  std::string verb;
  bool resource_request = false;
  std::string path;  // non-resource requests
  std::string api_group;
  std::string api_version = "*";
  std::string resource;
  std::string subresource;
  std::string namespace_name;
  std::string name;
  // Raw selector text from fieldSelector()/labelSelector() (AuthorizeWithSelectors); empty
  // when not set. Parsing into requirements is the implementation's business.
  std::string field_selector;
  std::string label_selector;
};

struct Decision {
  enum class Kind { kDeny, kAllow, kNoOpinion };
  Kind kind = Kind::kNoOpinion;
  std::string reason;
  std::string error;  // non-empty: the check failed; captured, never raised as a CEL error
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Thread-safe; called from concurrent evaluations.
  virtual Decision Authorize(const Attributes& attributes) const = 0;
};

// Offline authorizer from a rules document: a JSON array (YAML callers convert first) of
//   {"user": "alice" | "group": "devs", "verbs": [...], "apiGroups": [...],
//    "resources": [...], "namespaces": [...], "names": [...], "nonResourceURLs": [...]}
// "*" matches anything; an absent or empty list matches anything, except that a rule without
// "resources" does not match resource requests and one without "nonResourceURLs" does not
// match non-resource requests. "resources" entries may name a subresource ("pods/log").
// "nonResourceURLs" entries may end in "*" (prefix match). The first matching rule allows;
// otherwise the answer is deny ("no rule matched"). Immutable after construction; thread-safe.
class RulesAuthorizer final : public Authorizer {
 public:
  struct Rule {
    std::string user, group;
    std::vector<std::string> verbs, api_groups, resources, namespaces, names, non_resource_urls;
  };
  // kInvalidArgument with the offending rule index when the document is malformed.
  static StatusOr<RulesAuthorizer> FromJson(json::Value rules);
  explicit RulesAuthorizer(std::vector<Rule> rules) : rules_(std::move(rules)) {}
  Decision Authorize(const Attributes& attributes) const override;

 private:
  std::vector<Rule> rules_;
};

// CEL type names of the builder chain.
cel::Type AuthorizerType();     // kubernetes.authorization.Authorizer
cel::Type ResourceCheckType();  // kubernetes.authorization.ResourceCheck

// The value of the `authorizer` variable. `authorizer` (may be null: every check then yields
// an errored Decision) must outlive every evaluation using the value; `user` is copied into
// `arena`.
cel::Value MakeAuthorizerValue(Arena& arena, const Authorizer* authorizer, const UserInfo& user);
// The value of `authorizer.requestResource`: a ResourceCheck preset with the request's
// group, resource, subresource, namespace and name. `authorizer_value` comes from
// MakeAuthorizerValue on the same arena.
cel::Value MakeRequestResourceValue(Arena& arena, const cel::Value& authorizer_value,
                                    std::string_view group, std::string_view resource,
                                    std::string_view subresource, std::string_view namespace_name,
                                    std::string_view name);

// The builder-chain functions (also declared in cellib.h).
cel::Library AuthzLibrary();

}  // namespace celgate::k8s::cellib

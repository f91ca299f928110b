// policy/loader.h: reads manifests (YAML multi-document or JSON, `List` objects, files,
// directories, stdin), validates ValidatingAdmissionPolicy / ValidatingAdmissionPolicyBinding
// objects the way kube-apiserver does on write, and compiles their expressions once.
//
// Entry points: LoadPaths / LoadText fill a Manifests; BuildPolicySet turns it into the
// immutable snapshot evaluated by policy/evaluator.h. Every other object (Namespaces, param
// resources such as ConfigMaps and custom resources) is kept as cluster state for
// policy/object_store.h.
//
// User mistakes never stop loading (STYLE.md H5): each is a LoadIssue naming file, document,
// line:column and field path; an invalid policy or binding is not loaded and the rest is.
// Status is returned only when an input cannot be read at all.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "json/json.h"
#include "policy/policy.h"

namespace celgate::k8s::cellib {
class RulesAuthorizer;
}  // namespace celgate::k8s::cellib

namespace celgate::policy {

struct LoadIssue {
  bool warning = false;
  std::string file;
  int document = -1;        // 0-based document index in the file; -1 = whole file
  json::Position position;  // of the offending field, when known
  std::string field;        // e.g. spec.validations[2].expression
  std::string object;       // e.g. ValidatingAdmissionPolicy/name
  std::string message;
  // "file:line:col: document D (kind/name): field: message".
  std::string ToString() const;
};

// A non-policy object and the document holding it.
struct LoadedObject {
  std::shared_ptr<const json::Document> doc;
  json::Value value;
  std::string file;
};

struct LoadOptions {
  // Plan expressions with tracing support (for `review --explain`). Slower evaluation.
  bool enable_tracing = false;
};

struct Manifests {
  std::vector<std::shared_ptr<const Policy>> policies;
  std::vector<std::shared_ptr<const Binding>> bindings;
  std::vector<LoadedObject> objects;
  std::vector<LoadIssue> issues;
  // Documents of kinds this engine does not evaluate yet (MutatingAdmissionPolicy, ...).
  std::vector<std::string> unsupported_kinds;
  bool has_errors() const;
};

// Loads `text` (YAML stream or JSON) named `file` into `out`.
void LoadText(std::string_view text, const std::string& file, const LoadOptions& options,
              Manifests* out);

// Loads files; directories are walked recursively (*.yaml, *.yml, *.json, in name order);
// "-" reads stdin. kNotFound / kInvalidArgument when a path cannot be read.
Status LoadPaths(const std::vector<std::string>& paths, const LoadOptions& options,
                 Manifests* out);

// Reads a whole file ("-" = stdin).
StatusOr<std::string> ReadFileOrStdin(const std::string& path);

// Reads an offline authorizer rules file for `review`/`test` --authz-rules: a JSON or YAML
// list of rules (k8s/cellib/authz.h RulesAuthorizer; "-" = stdin). kInvalidArgument naming
// the file when it is not such a list.
StatusOr<std::shared_ptr<const k8s::cellib::RulesAuthorizer>> LoadAuthorizerRules(
    const std::string& path);

// The snapshot of the valid policies and bindings in `m`.
std::shared_ptr<const PolicySet> BuildPolicySet(const Manifests& m);

}  // namespace celgate::policy

// cli/test_cmd.cc: `celgate test PATH... [-o text|json|junit]` runs policy test folders
// (docs/policies.md "Test folders"; the layout of shared/corpus/README.md): policy.yaml,
// params.yaml, cases.yaml and resources/. For each case it builds the AdmissionReview the API
// server would send, answers it with admission::Handler::Review (the webhook code path) and
// compares the decision with `expect`, `expectWarning` and `expectMessageContains`.
// Dialects other than VAP are reported as skipped. Exit 1 when any case fails.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include "admission/handler.h"
#include "cli/commands.h"
#include "json/json.h"
#include "k8s/cellib/authz.h"
#include "policy/loader.h"
#include "policy/object_store.h"
#include "yaml/yaml.h"

namespace celgate::cli {
namespace {

namespace fs = std::filesystem;

struct TestArgs {
  std::vector<std::string> paths;
  std::string output = "text";
  bool verbose = false;
  // File of known, explained failures: one `family: case name  # reason` per line.
  std::string expected_failures;
  // Write each evaluated case as a JSON record (review body + the manifests it was answered
  // with) into this directory, for bench/review_bench.cc. Empty = do not record.
  std::string save_reviews;
  // --authz-rules FILE: answers `authorizer` checks; empty = every check denied.
  std::string authz_rules;
};

// Where and how FamilyRunner writes --save-reviews records.
struct Recorder {
  fs::path dir;
  int next = 0;
};

// Reads an expected-failures file; returns false (with a message) when it cannot be read.
bool ReadExpectedFailures(const std::string& path, std::map<std::string, std::string>* out,
                          std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    size_t hash = line.find("  #");
    std::string reason = hash == std::string::npos ? "" : line.substr(hash + 3);
    std::string key = line.substr(0, hash);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    if (key.empty() || key[0] == '#') continue;
    (*out)[key] = reason;
  }
  return true;
}

struct CaseResult {
  std::string family, name;
  enum Status { kPass, kFail, kSkip } status = kPass;
  std::string detail;
};

// Lower-case plural resource name of a kind (the API server's REST mapping for the kinds used
// in tests; a default English plural otherwise).
std::string ResourceForKind(std::string_view kind) {
  static const std::map<std::string, std::string, std::less<>> kIrregular = {
      {"Endpoints", "endpoints"},
      {"PodSecurityPolicy", "podsecuritypolicies"},
      {"NetworkPolicy", "networkpolicies"},
      {"Ingress", "ingresses"},
      {"IngressClass", "ingressclasses"},
      {"StorageClass", "storageclasses"},
      {"PriorityClass", "priorityclasses"},
      {"RuntimeClass", "runtimeclasses"},
      {"CSIStorageCapacity", "csistoragecapacities"},
      {"ComponentStatus", "componentstatuses"},
  };
  auto it = kIrregular.find(kind);
  if (it != kIrregular.end()) return it->second;
  std::string s;
  for (char ch : kind) s += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s.empty()) return s;
  auto ends = [&](std::string_view suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh")) return s + "es";
  if (ends("y") && s.size() > 1 && std::string_view("aeiou").find(s[s.size() - 2]) == std::string_view::npos) {
    return s.substr(0, s.size() - 1) + "ies";
  }
  return s + "s";
}

StatusOr<json::Document> LoadOneYaml(const fs::path& p) {
  CG_ASSIGN_OR_RETURN(std::string text, policy::ReadFileOrStdin(p.string()));
  StatusOr<std::vector<yaml::YamlDocument>> docs = yaml::LoadAll(text);
  if (!docs.ok()) return docs.status().WithPrefix(p.string());
  if (docs->empty()) return InvalidArgumentError(p.string() + ": empty");
  return std::move((*docs)[0].doc);
}

void SplitApiVersion(std::string_view av, std::string_view* group, std::string_view* version) {
  size_t slash = av.find('/');
  if (slash == std::string_view::npos) {
    *group = "";
    *version = av;
  } else {
    *group = av.substr(0, slash);
    *version = av.substr(slash + 1);
  }
}

// Writes `obj`, adding metadata.namespace = ns when it has none (as the API server does).
void WriteObject(json::Writer& w, json::Value obj, std::string_view ns) {
  json::Value meta = obj.Find("metadata");
  if (ns.empty() || !meta.is_object() || meta.Find("namespace").valid()) {
    w.Value(obj);
    return;
  }
  w.StartObject();
  for (size_t i = 0; i < obj.size(); ++i) {
    w.Key(obj.key_at(i));
    if (obj.key_at(i) != "metadata") {
      w.Value(obj.value_at(i));
      continue;
    }
    w.StartObject();
    for (size_t j = 0; j < meta.size(); ++j) {
      w.Key(meta.key_at(j));
      w.Value(meta.value_at(j));
    }
    w.Key("namespace");
    w.String(ns);
    w.EndObject();
  }
  w.EndObject();
}

struct Family {
  fs::path dir;
  std::string name;
  json::Document cases_doc;
};

class FamilyRunner {
 public:
  FamilyRunner(const fs::path& dir, std::vector<CaseResult>* results, Recorder* recorder,
               std::shared_ptr<const k8s::cellib::Authorizer> authorizer)
      : dir_(dir), results_(results), recorder_(recorder), authorizer_(std::move(authorizer)) {}

  void Run() {
    std::string family = dir_.filename().string();
    StatusOr<json::Document> cases = LoadOneYaml(dir_ / "cases.yaml");
    if (!cases.ok()) {
      results_->push_back({family, "(cases.yaml)", CaseResult::kFail,
                           std::string(cases.status().message())});
      return;
    }
    json::Value root = cases->root();
    if (!root.Find("family").as_string().empty()) family = std::string(root.Find("family").as_string());
    std::string dialect(root.Find("dialect").as_string());
    json::Value list = root.Find("cases");
    if (!dialect.empty() && dialect != "VAP") {
      for (size_t i = 0; i < list.size(); ++i) {
        results_->push_back({family, std::string(list.at(i).Find("name").as_string()),
                             CaseResult::kSkip, "dialect " + dialect + " is not supported yet"});
      }
      return;
    }
    // Policies, bindings and params of the family.
    policy::LoadOptions lo;
    Status st = policy::LoadPaths({(dir_ / "policy.yaml").string()}, lo, &base_);
    if (st.ok() && fs::exists(dir_ / "params.yaml")) {
      st = policy::LoadPaths({(dir_ / "params.yaml").string()}, lo, &params_);
    }
    std::string load_errors;
    for (const policy::LoadIssue& i : base_.issues) {
      if (!i.warning) load_errors += (load_errors.empty() ? "" : "; ") + i.ToString();
    }
    for (size_t i = 0; i < list.size(); ++i) {
      json::Value c = list.at(i);
      CaseResult r;
      r.family = family;
      r.name = std::string(c.Find("name").as_string());
      if (!st.ok()) {
        r.status = CaseResult::kFail;
        r.detail = std::string(st.message());
      } else {
        RunCase(c, family, &r);
        if (r.status == CaseResult::kFail && !load_errors.empty()) {
          r.detail += " [manifest errors: " + load_errors + "]";
        }
      }
      results_->push_back(std::move(r));
    }
  }

 private:
  const admission::Handler& HandlerFor(const std::string& binding_override,
                                       const std::string& params_file, json::Value ns_object,
                                       std::string* error) {
    // Per case: the store includes the case's Namespace, so handlers are not cached.
    policy::Manifests m;
    m.policies = base_.policies;
    if (binding_override.empty()) {
      m.bindings = base_.bindings;
    } else {
      policy::Manifests o;
      Status s = policy::LoadPaths({(dir_ / binding_override).string()}, {}, &o);
      if (!s.ok()) *error = std::string(s.message());
      for (const auto& i : o.issues) {
        if (!i.warning) *error += i.ToString();
      }
      m.bindings = o.bindings;
    }
    std::vector<policy::LoadedObject> objects = base_.objects;
    if (params_file.empty()) {
      objects.insert(objects.end(), params_.objects.begin(), params_.objects.end());
    } else {
      policy::Manifests o;
      Status s = policy::LoadPaths({(dir_ / params_file).string()}, {}, &o);
      if (!s.ok()) *error = std::string(s.message());
      objects.insert(objects.end(), o.objects.begin(), o.objects.end());
    }
    if (ns_object.valid()) {
      json::Builder b;
      b.Value(ns_object);
      auto doc = std::make_shared<json::Document>(b.Finish());
      json::Value root = doc->root();
      objects.push_back(policy::LoadedObject{doc, root, "cases.yaml"});
    }
    auto set = policy::BuildPolicySet(m);
    auto store = std::make_shared<policy::ObjectStore>(std::move(objects));
    admission::HandlerOptions ho;
    ho.authorizer = authorizer_;
    handler_ = admission::NewHandler([set] { return set; }, store, ho);
    return *handler_;
  }

  // Writes the --save-reviews record of one case: {family, case, expect, policyFile,
  // bindingFile, objectFiles, namespaceObject?, review}. Paths are absolute.
  void Record(const std::string& family, json::Value c, const std::string& body) {
    auto abs = [](const fs::path& p) { return fs::absolute(p).lexically_normal().string(); };
    std::string binding_override(c.Find("bindingOverride").as_string());
    std::string params_file(c.Find("params").as_string());
    json::Writer w;
    w.StartObject();
    w.Key("family");
    w.String(family);
    w.Key("case");
    w.String(c.Find("name").as_string());
    w.Key("expect");
    w.String(c.Find("expect").as_string());
    w.Key("policyFile");
    w.String(abs(dir_ / "policy.yaml"));
    w.Key("bindingFile");
    w.String(abs(dir_ / (binding_override.empty() ? "policy.yaml" : binding_override)));
    w.Key("objectFiles");
    w.StartArray();
    w.String(abs(dir_ / "policy.yaml"));
    if (!params_file.empty()) {
      w.String(abs(dir_ / params_file));
    } else if (fs::exists(dir_ / "params.yaml")) {
      w.String(abs(dir_ / "params.yaml"));
    }
    w.EndArray();
    if (c.Find("namespaceObject").valid()) {
      w.Key("namespaceObject");
      w.Value(c.Find("namespaceObject"));
    }
    w.Key("review");
    w.Raw(body);
    w.EndObject();
    char name[32];
    std::snprintf(name, sizeof(name), "%05d.json", recorder_->next++);
    std::ofstream(recorder_->dir / name) << w.Take() << "\n";
  }

  void RunCase(json::Value c, const std::string& family, CaseResult* r) {
    auto fail = [&](std::string why) {
      r->status = CaseResult::kFail;
      r->detail = std::move(why);
    };
    std::string operation(c.Find("operation").as_string());
    std::string expect(c.Find("expect").as_string());
    json::Document object_doc, old_doc;
    json::Value object, old_object;
    if (c.Find("object").is_string()) {
      StatusOr<json::Document> d = LoadOneYaml(dir_ / std::string(c.Find("object").as_string()));
      if (!d.ok()) return fail(std::string(d.status().message()));
      object_doc = std::move(*d);
      object = object_doc.root();
    }
    if (c.Find("oldObject").is_string()) {
      StatusOr<json::Document> d =
          LoadOneYaml(dir_ / std::string(c.Find("oldObject").as_string()));
      if (!d.ok()) return fail(std::string(d.status().message()));
      old_doc = std::move(*d);
      old_object = old_doc.root();
    }
    json::Value any = object.valid() ? object : old_object;
    std::string_view api_version = any.Find("apiVersion").as_string();
    std::string_view kind = any.Find("kind").as_string();
    std::string_view group, version;
    SplitApiVersion(api_version, &group, &version);
    std::string resource = ResourceForKind(kind);
    std::string ns(c.Find("namespace").as_string());
    std::string name(any.Find("metadata").Find("name").as_string());
    if (ns.empty()) ns = std::string(any.Find("metadata").Find("namespace").as_string());
    if (ns.empty() && group.empty() && kind == "Namespace") ns = name;

    json::Writer w;
    w.StartObject();
    w.Key("apiVersion");
    w.String("admission.k8s.io/v1");
    w.Key("kind");
    w.String("AdmissionReview");
    w.Key("request");
    w.StartObject();
    w.Key("uid");
    w.String("00000000-0000-0000-0000-000000000000");
    for (const char* k : {"kind", "requestKind"}) {
      w.Key(k);
      w.StartObject();
      w.Key("group");
      w.String(group);
      w.Key("version");
      w.String(version);
      w.Key("kind");
      w.String(kind);
      w.EndObject();
    }
    for (const char* k : {"resource", "requestResource"}) {
      w.Key(k);
      w.StartObject();
      w.Key("group");
      w.String(group);
      w.Key("version");
      w.String(version);
      w.Key("resource");
      w.String(resource);
      w.EndObject();
    }
    if (!name.empty()) {
      w.Key("name");
      w.String(name);
    }
    bool namespace_kind = group.empty() && kind == "Namespace";
    if (!ns.empty()) {
      w.Key("namespace");
      w.String(ns);
    }
    w.Key("operation");
    w.String(operation);
    w.Key("userInfo");
    if (c.Find("userInfo").is_object()) {
      w.Value(c.Find("userInfo"));
    } else {
      w.StartObject();
      w.Key("username");
      w.String("kubernetes-admin");
      w.Key("groups");
      w.StartArray();
      w.String("system:masters");
      w.String("system:authenticated");
      w.EndArray();
      w.EndObject();
    }
    w.Key("object");
    if (object.valid()) {
      WriteObject(w, object, namespace_kind ? "" : ns);
    } else {
      w.Null();
    }
    w.Key("oldObject");
    if (old_object.valid()) {
      WriteObject(w, old_object, namespace_kind ? "" : ns);
    } else {
      w.Null();
    }
    w.Key("dryRun");
    w.Bool(false);
    w.EndObject();
    w.EndObject();
    std::string body = w.Take();
    if (recorder_) Record(family, c, body);

    std::string error;
    const admission::Handler& h =
        HandlerFor(std::string(c.Find("bindingOverride").as_string()),
                   std::string(c.Find("params").as_string()), c.Find("namespaceObject"), &error);
    if (!error.empty()) return fail(error);
    StatusOr<std::string> resp = h.Review(body, Deadline::In(std::chrono::seconds(10)));
    if (!resp.ok()) return fail(std::string(resp.status().message()));
    StatusOr<json::Document> rd = json::Parse(*resp);
    if (!rd.ok()) return fail("unparseable response: " + *resp);
    json::Value response = rd->root().Find("response");
    bool allowed = response.Find("allowed").as_bool();
    std::string message(response.Find("status").Find("message").as_string());
    json::Value warnings = response.Find("warnings");
    std::string got = allowed ? "allow" : "deny";
    if (got != expect) {
      std::string why = "expected " + expect + ", got " + got;
      if (!message.empty()) why += ": " + message;
      if (warnings.size()) why += " (warning: " + std::string(warnings.at(0).as_string()) + ")";
      return fail(why);
    }
    if (c.Find("expectWarning").as_bool() && warnings.size() == 0) {
      return fail("expected a warning, got none");
    }
    std::string_view contains = c.Find("expectMessageContains").as_string();
    if (!contains.empty()) {
      std::string all = message;
      for (size_t i = 0; i < warnings.size(); ++i) all += "\n" + std::string(warnings.at(i).as_string());
      if (all.find(contains) == std::string::npos) {
        return fail("message does not contain \"" + std::string(contains) + "\": " + all);
      }
    }
    r->status = CaseResult::kPass;
    r->detail = message.empty() && warnings.size() ? std::string(warnings.at(0).as_string()) : message;
  }

  fs::path dir_;
  std::vector<CaseResult>* results_;
  Recorder* recorder_;
  std::shared_ptr<const k8s::cellib::Authorizer> authorizer_;
  policy::Manifests base_, params_;
  std::unique_ptr<admission::Handler> handler_;
};

std::string XmlEscape(std::string_view s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += ch;
    }
  }
  return o;
}

int Run(const TestArgs& args) {
  if (args.output != "text" && args.output != "json" && args.output != "junit") {
    std::cerr << "celgate test: -o must be text, json or junit\n";
    return kExitUsage;
  }
  std::vector<fs::path> families;
  for (const std::string& p : args.paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      std::cerr << "celgate test: " << p << ": no such file or directory\n";
      return kExitUsage;
    }
    if (fs::exists(fs::path(p) / "cases.yaml")) {
      families.push_back(p);
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(p, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file() && it->path().filename() == "cases.yaml") {
        families.push_back(it->path().parent_path());
      }
    }
  }
  std::sort(families.begin(), families.end());
  if (families.empty()) {
    std::cerr << "celgate test: no test folders (cases.yaml) under the given paths\n";
    return kExitUsage;
  }
  std::map<std::string, std::string> expected;
  if (!args.expected_failures.empty()) {
    std::string error;
    if (!ReadExpectedFailures(args.expected_failures, &expected, &error)) {
      std::cerr << "celgate test: " << error << "\n";
      return kExitUsage;
    }
  }
  std::optional<Recorder> recorder;
  if (!args.save_reviews.empty()) {
    std::error_code ec;
    fs::create_directories(args.save_reviews, ec);
    if (ec) {
      std::cerr << "celgate test: " << args.save_reviews << ": " << ec.message() << "\n";
      return kExitUsage;
    }
    recorder.emplace(Recorder{args.save_reviews});
  }
  std::shared_ptr<const k8s::cellib::Authorizer> authorizer;
  if (!args.authz_rules.empty()) {
    auto rules = policy::LoadAuthorizerRules(args.authz_rules);
    if (!rules.ok()) {
      std::cerr << "celgate test: " << rules.status().message() << "\n";
      return kExitUsage;
    }
    authorizer = std::move(*rules);
  }
  std::vector<CaseResult> results;
  for (const fs::path& f : families) {
    FamilyRunner(f, &results, recorder ? &*recorder : nullptr, authorizer).Run();
  }
  // A listed failure that fails is expected; an unlisted failure, or a listed case that now
  // passes or no longer exists, fails the run.
  int unexpected = 0;
  std::map<std::string, bool> seen;
  for (const CaseResult& r : results) {
    std::string key = r.family + ": " + r.name;
    auto it = expected.find(key);
    if (it == expected.end()) {
      unexpected += r.status == CaseResult::kFail;
      continue;
    }
    seen[key] = true;
    if (r.status == CaseResult::kPass) {
      std::cerr << "celgate test: listed as expected failure but passed: " << key << "\n";
      ++unexpected;
    }
  }
  for (const auto& [key, reason] : expected) {
    if (!seen.count(key)) {
      std::cerr << "celgate test: expected failure matches no case: " << key << "\n";
      ++unexpected;
    }
  }
  int passed = 0, failed = 0, skipped = 0;
  for (const CaseResult& r : results) {
    passed += r.status == CaseResult::kPass;
    failed += r.status == CaseResult::kFail;
    skipped += r.status == CaseResult::kSkip;
  }
  if (args.output == "text") {
    for (const CaseResult& r : results) {
      if (r.status == CaseResult::kFail) {
        std::string key = r.family + ": " + r.name;
        auto it = expected.find(key);
        std::cout << (it == expected.end() ? "FAIL " : "FAIL (expected: " + it->second + ") ")
                  << key << ": " << r.detail << "\n";
      } else if (args.verbose) {
        std::cout << (r.status == CaseResult::kPass ? "PASS " : "SKIP ") << r.family << ": "
                  << r.name << (r.detail.empty() ? "" : ": " + r.detail) << "\n";
      }
    }
    std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  } else if (args.output == "json") {
    json::Writer w;
    w.StartObject();
    w.Key("passed");
    w.Int(passed);
    w.Key("failed");
    w.Int(failed);
    w.Key("skipped");
    w.Int(skipped);
    w.Key("cases");
    w.StartArray();
    for (const CaseResult& r : results) {
      w.StartObject();
      w.Key("family");
      w.String(r.family);
      w.Key("name");
      w.String(r.name);
      w.Key("result");
      w.String(r.status == CaseResult::kPass ? "pass" : r.status == CaseResult::kFail ? "fail" : "skip");
      if (!r.detail.empty()) {
        w.Key("detail");
        w.String(r.detail);
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << w.Take() << "\n";
  } else {
    std::cout << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\""
              << results.size() << "\" failures=\"" << failed << "\" skipped=\"" << skipped
              << "\">\n";
    std::map<std::string, std::vector<const CaseResult*>> by_family;
    for (const CaseResult& r : results) by_family[r.family].push_back(&r);
    for (const auto& [fam, rs] : by_family) {
      int f = 0, s = 0;
      for (const CaseResult* r : rs) {
        f += r->status == CaseResult::kFail;
        s += r->status == CaseResult::kSkip;
      }
      std::cout << "  <testsuite name=\"" << XmlEscape(fam) << "\" tests=\"" << rs.size()
                << "\" failures=\"" << f << "\" skipped=\"" << s << "\">\n";
      for (const CaseResult* r : rs) {
        std::cout << "    <testcase classname=\"" << XmlEscape(fam) << "\" name=\""
                  << XmlEscape(r->name) << "\"";
        if (r->status == CaseResult::kPass) {
          std::cout << "/>\n";
        } else if (r->status == CaseResult::kSkip) {
          std::cout << "><skipped message=\"" << XmlEscape(r->detail) << "\"/></testcase>\n";
        } else {
          std::cout << "><failure message=\"" << XmlEscape(r->detail) << "\"/></testcase>\n";
        }
      }
      std::cout << "  </testsuite>\n";
    }
    std::cout << "</testsuites>\n";
  }
  return unexpected > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterTest(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "test", "Run policy test folders (policy.yaml, params.yaml, cases.yaml, resources/)");
  cmd->add_option("paths", args->paths, "Test folders, or directories containing them")
      ->required();
  cmd->add_option("-o,--output", args->output, "Output format: text (default), json, junit");
  cmd->add_option("--expected-failures", args->expected_failures,
                  "File listing known failures (`family: case  # reason`); exit 0 when exactly "
                  "those fail");
  cmd->add_flag("-v,--verbose", args->verbose, "Also list passed and skipped cases");
  cmd->add_option("--authz-rules", args->authz_rules,
                  "Rules (JSON or YAML list) answering the policies' `authorizer` checks; "
                  "without it every check is denied");
  cmd->add_option("--save-reviews", args->save_reviews,
                  "Write each evaluated case (AdmissionReview + manifests) as a JSON record "
                  "into this directory (input of bench/review_bench.cc)");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace celgate::cli

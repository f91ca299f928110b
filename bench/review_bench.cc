// bench/review_bench.cc: the whole engine entry point, admission::Handler::Review (decode the
// AdmissionReview, select and evaluate policies, encode the response), timed per review.
//
//   corpus          every VAP case of shared/corpus, answered round-robin, each with its own
//                   policies, params and Namespace (records written by
//                   `celgate test --save-reviews DIR`): ns/review and reviews/s.
//   deployment/N    the 4.7 KB Deployment review (bench/data/admissionreview-deployment.json)
//                   against N policies of shared/bench/webhook/policies/gen_policies.py, of
//                   which 10 match and pass. deployment/1000 / deployment/10 is the cost of the
//                   990 policies that do not match (target <= 1.2).
//
//   json_parse/*   json::Parse of the same 4.7 KB review (the engine's decode step), with two
//                   peers on the same text in the same run: simdjson's DOM parser (its tape,
//                   without building our Document) and RapidJSON's DOM (kParseDefaultFlags).
//
// Every benchmark also reports `allocs/review`: calls of the global operator new per Review
// (STYLE.md H10), counted by the replacement operator new below.
//
// Run: bench/run_review_bench.sh BUILD_DIR (generates the data into BUILD_DIR/bench-out and
// prints the table), or review_bench --data=DIR with DIR holding admissionreview-deployment.json,
// policies-<N>.yaml and corpus/*.json. Instructions per review (machines without hardware
// counters included): bench/count_review_instructions.sh BUILD_DIR, which runs
// `review_bench --fixed=<subject> --fixed_reviews=N` under callgrind.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "admission/handler.h"
#include "admission/review.h"
#include "policy/evaluator.h"
#include "json/json.h"
#include "policy/loader.h"
#include "policy/object_store.h"
#include "policy/policy.h"

namespace {

std::atomic<uint64_t> g_allocations{0};

void* CountedAlloc(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}

}  // namespace

// Replacement global allocation functions: count, then malloc. (The aligned forms keep the
// library's implementation and are not counted; the engine does not use over-aligned types.)
void* operator new(size_t n) { return CountedAlloc(n); }
void* operator new[](size_t n) { return CountedAlloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace {

using namespace celgate;
namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Subject {
  std::string name;
  std::string body;
  std::unique_ptr<admission::Handler> handler;
};

std::vector<Subject> g_corpus;
std::map<int, Subject> g_deployment;  // by policy count

bool Allowed(const std::string& response) {
  StatusOr<json::Document> d = json::Parse(response);
  return d.ok() && d->root().Find("response").Find("allowed").as_bool();
}

// Loads the corpus records; policy files are loaded (and compiled) once per path.
int LoadCorpus(const fs::path& dir) {
  if (!fs::is_directory(dir)) return 0;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, policy::Manifests> loaded;
  auto load = [&](const std::string& path) -> const policy::Manifests& {
    auto it = loaded.find(path);
    if (it == loaded.end()) {
      it = loaded.emplace(path, policy::Manifests()).first;
      (void)policy::LoadPaths({path}, {}, &it->second);
    }
    return it->second;
  };
  int mismatches = 0;
  for (const fs::path& f : files) {
    StatusOr<json::Document> rec = json::Parse(ReadFile(f.string()));
    if (!rec.ok()) continue;
    json::Value r = rec->root();
    policy::Manifests m;
    const policy::Manifests& pol = load(std::string(r.Find("policyFile").as_string()));
    m.policies = pol.policies;
    m.bindings = load(std::string(r.Find("bindingFile").as_string())).bindings;
    json::Value object_files = r.Find("objectFiles");
    for (size_t i = 0; i < object_files.size(); ++i) {
      const policy::Manifests& o = load(std::string(object_files.at(i).as_string()));
      m.objects.insert(m.objects.end(), o.objects.begin(), o.objects.end());
    }
    if (r.Find("namespaceObject").valid()) {
      json::Builder b;
      b.Value(r.Find("namespaceObject"));
      auto doc = std::make_shared<json::Document>(b.Finish());
      m.objects.push_back(policy::LoadedObject{doc, doc->root(), f.string()});
    }
    auto set = policy::BuildPolicySet(m);
    auto store = std::make_shared<policy::ObjectStore>(std::move(m.objects));
    Subject s;
    s.name = std::string(r.Find("family").as_string()) + ": " + std::string(r.Find("case").as_string());
    json::Writer w;
    w.Value(r.Find("review"));
    s.body = w.Take();
    s.handler = admission::NewHandler([set] { return set; }, store);
    StatusOr<std::string> out = s.handler->Review(s.body, Deadline::Infinite());
    bool expect_allow = r.Find("expect").as_string() == "allow";
    if (!out.ok() || Allowed(*out) != expect_allow) ++mismatches;
    g_corpus.push_back(std::move(s));
  }
  std::fprintf(stderr, "review_bench: %zu corpus reviews (%d decided differently from `expect`)\n",
               g_corpus.size(), mismatches);
  return static_cast<int>(g_corpus.size());
}

bool LoadDeployment(const std::string& data, int n) {
  policy::Manifests m;
  std::string path = data + "/policies-" + std::to_string(n) + ".yaml";
  if (!policy::LoadPaths({path}, {}, &m).ok() || m.has_errors()) return false;
  // The request's Namespace, as a server's watch cache would hold it.
  policy::LoadText("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n"
                   "  labels: {kubernetes.io/metadata.name: shop-prod, team: shop}\n",
                   "namespace.yaml", {}, &m);
  auto set = policy::BuildPolicySet(m);
  if (set->policy_count() != static_cast<size_t>(n)) return false;
  Subject s;
  s.name = path;
  s.body = ReadFile(data + "/admissionreview-deployment.json");
  s.handler = admission::NewHandler([set] { return set; },
                                    std::make_shared<policy::ObjectStore>(m.objects));
  StatusOr<std::string> out = s.handler->Review(s.body, Deadline::Infinite());
  if (!out.ok() || !Allowed(*out)) {
    std::fprintf(stderr, "review_bench: %s: the Deployment is not allowed: %s\n", path.c_str(),
                 out.ok() ? out->c_str() : out.status().ToString().c_str());
    return false;
  }
  // Where the heap allocations of one review come from (steady state: second call).
  if (n == 10) {
    auto store = std::make_shared<policy::ObjectStore>(m.objects);
    uint64_t counts[3] = {};
    for (int round = 0; round < 2; ++round) {
      uint64_t t0 = g_allocations.load();
      auto review = admission::DecodeReview(s.body);
      uint64_t t1 = g_allocations.load();
      auto decision = policy::Evaluate(*set, *store, (*review)->request, {});
      uint64_t t2 = g_allocations.load();
      std::string out = admission::EncodeResponse(**review, *decision);
      uint64_t t3 = g_allocations.load();
      counts[0] = t1 - t0;
      counts[1] = t2 - t1;
      counts[2] = t3 - t2;
    }
    std::fprintf(stderr,
                 "review_bench: deployment/10 heap allocations: decode %llu, evaluate %llu, "
                 "encode %llu\n",
                 static_cast<unsigned long long>(counts[0]),
                 static_cast<unsigned long long>(counts[1]),
                 static_cast<unsigned long long>(counts[2]));
  }
  g_deployment.emplace(n, std::move(s));
  return true;
}

// One Review per iteration, cycling through `subjects`.
template <typename Next>
void RunReviews(benchmark::State& state, Next next) {
  // A far deadline, so the per-step deadline checks run as in the server.
  Deadline deadline = Deadline::In(std::chrono::hours(24));
  uint64_t allocations = 0;
  for (auto _ : state) {
    const Subject& s = next();
    uint64_t before = g_allocations.load(std::memory_order_relaxed);
    StatusOr<std::string> out = s.handler->Review(s.body, deadline);
    allocations += g_allocations.load(std::memory_order_relaxed) - before;
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/review"] =
      benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
}

void BM_Corpus(benchmark::State& state) {
  size_t i = 0;
  RunReviews(state, [&]() -> const Subject& {
    const Subject& s = g_corpus[i];
    if (++i == g_corpus.size()) i = 0;
    return s;
  });
}

void BM_Deployment(benchmark::State& state) {
  const Subject& s = g_deployment.at(static_cast<int>(state.range(0)));
  RunReviews(state, [&]() -> const Subject& { return s; });
}

// The decode step alone and its peers (see the top of the file).
std::string g_deployment_body;

void BM_ParseCelgate(benchmark::State& state) {
  for (auto _ : state) {
    StatusOr<json::Document> d = json::Parse(g_deployment_body);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_deployment_body.size()));
}

void BM_ParseSimdjsonDom(benchmark::State& state) {
  simdjson::dom::parser parser;
  for (auto _ : state) {
    auto doc = parser.parse(g_deployment_body.data(), g_deployment_body.size(), true);
    benchmark::DoNotOptimize(doc.error());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_deployment_body.size()));
}

void BM_ParseRapidjsonDom(benchmark::State& state) {
  for (auto _ : state) {
    rapidjson::Document d;
    d.Parse(g_deployment_body.data(), g_deployment_body.size());
    benchmark::DoNotOptimize(d.HasParseError());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_deployment_body.size()));
}

// Answers `n` reviews round-robin over `subjects`, outside Google Benchmark, so that a tool
// can count what one review costs: valgrind --tool=callgrind --toggle-collect='*RunFixed*'
// (instructions per review = collected Ir / n).
[[gnu::noinline]] size_t RunFixed(const std::vector<const Subject*>& subjects, size_t n) {
  Deadline deadline = Deadline::In(std::chrono::hours(24));
  size_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    StatusOr<std::string> out = subjects[i % subjects.size()]->handler->Review(
        subjects[i % subjects.size()]->body, deadline);
    bytes += out.ok() ? out->size() : 0;
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "bench/data";
  std::string fixed_subject;  // --fixed=corpus or --fixed=deployment/N: see RunFixed
  size_t fixed_reviews = 1000;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--data=", 0) == 0) {
      data = a.substr(7);
    } else if (a.rfind("--fixed=", 0) == 0) {
      fixed_subject = a.substr(8);
    } else if (a.rfind("--fixed_reviews=", 0) == 0) {
      fixed_reviews = std::stoul(a.substr(16));
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  if (LoadCorpus(fs::path(data) / "corpus") > 0) {
    benchmark::RegisterBenchmark("corpus", BM_Corpus);
  } else {
    std::fprintf(stderr, "review_bench: no corpus records in %s/corpus: corpus skipped\n",
                 data.c_str());
  }
  g_deployment_body = ReadFile(data + "/admissionreview-deployment.json");
  if (!g_deployment_body.empty()) {
    benchmark::RegisterBenchmark("json_parse/celgate", BM_ParseCelgate);
    benchmark::RegisterBenchmark("json_parse/simdjson_dom", BM_ParseSimdjsonDom);
    benchmark::RegisterBenchmark("json_parse/rapidjson_dom", BM_ParseRapidjsonDom);
  }
  for (int n : {10, 100, 1000}) {
    if (LoadDeployment(data, n)) {
      benchmark::RegisterBenchmark("deployment", BM_Deployment)->Arg(n);
    } else {
      std::fprintf(stderr, "review_bench: cannot use %s/policies-%d.yaml: deployment/%d skipped\n",
                   data.c_str(), n, n);
    }
  }
  if (!fixed_subject.empty()) {
    std::vector<const Subject*> subjects;
    if (fixed_subject == "corpus") {
      for (const Subject& s : g_corpus) subjects.push_back(&s);
    } else if (fixed_subject.rfind("deployment/", 0) == 0 &&
               g_deployment.count(std::stoi(fixed_subject.substr(11)))) {
      subjects.push_back(&g_deployment.at(std::stoi(fixed_subject.substr(11))));
    }
    if (subjects.empty()) {
      std::fprintf(stderr, "review_bench: no subject %s\n", fixed_subject.c_str());
      return 1;
    }
    RunFixed(subjects, fixed_reviews);
    std::printf("%s: %zu reviews\n", fixed_subject.c_str(), fixed_reviews);
    return 0;
  }
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

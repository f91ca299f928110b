// bench/cel_bench.cc: ns per evaluation of the Kubernetes-style expressions that
// shared/bench/cel-js/bench.mjs measures for the JavaScript CEL engines, over the same
// Deployment (bench/data/admissionreview-deployment.json), bound the same way: `object` is
// request.object, `request` is the request with `object` null. Compile once, evaluate many;
// the arena is reset between evaluations as the webhook does per request.
//
// Run: build/bench/cel_bench --data bench/data (bench/run_cel_bench.sh runs it beside the JS
// peers and prints the ratio table).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "json/json.h"
#include "k8s/cellib/environment.h"

namespace {

using namespace celgate;

struct Case {
  const char* id;
  std::string expr;
  bool expect;
  bool big;
};

const std::string kC = "object.spec.template.spec.containers";

std::vector<Case> Cases() {
  return {
      {"replicas-limit", "object.spec.replicas <= 5", true, false},
      {"label-present", "has(object.metadata.labels) && 'app' in object.metadata.labels", true, false},
      {"image-registry", kC + ".all(c, c.image.startsWith('registry.example.com/'))", true, false},
      {"memory-limits", kC + ".all(c, has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits)", true, false},
      {"name-regex", "object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')", true, false},
      {"string-ext", "object.metadata.name.split('-').size() == 2 && object.metadata.labels['app'].upperAscii() == 'WEB'", true, false},
      {"exists-privileged", kC + ".exists(c, has(c.securityContext) && has(c.securityContext.privileged) && c.securityContext.privileged)", false, false},
      {"filter-map", kC + ".filter(c, has(c.ports)).map(c, c.name) == ['app', 'metrics']", true, false},
      {"arithmetic", "object.spec.replicas * 2 + object.spec.template.spec.terminationGracePeriodSeconds / 10 - 1 <= 20", true, false},
      {"ternary-strategy", "object.spec.strategy.type == 'RollingUpdate' ? object.spec.strategy.rollingUpdate.maxUnavailable == '25%' : true", true, false},
      {"label-keys", "size(object.metadata.labels) <= 10 && object.metadata.labels.all(k, k.size() < 64)", true, false},
      {"request-user", "request.operation == 'CREATE' && (request.userInfo.username.startsWith('system:serviceaccount:') || 'system:masters' in request.userInfo.groups)", true, false},
      {"pss-restricted", kC + ".all(c, has(c.securityContext) && c.securityContext.runAsNonRoot == true && c.securityContext.allowPrivilegeEscalation == false && 'ALL' in c.securityContext.capabilities.drop)", true, false},
      {"image-registry-50c", kC + ".all(c, c.image.startsWith('registry.example.com/'))", true, true},
      {"memory-limits-50c", kC + ".all(c, has(c.resources) && has(c.resources.limits) && 'memory' in c.resources.limits)", true, true},
      // Kubernetes library calls (no JavaScript peer implements them).
      {"lib-quantity", kC + ".all(c, !has(c.resources.limits.memory) || quantity(c.resources.limits.memory).isLessThan(quantity('1Gi')))", true, false},
      {"lib-regex-find", "object.spec.template.spec.containers[0].image.find('[0-9]+[.][0-9]+') != ''", true, false},
      {"lib-url", "url('https://registry.example.com:5000/team/app?tag=v1').getHostname() == 'registry.example.com'", true, false},
      {"lib-ip-cidr", "cidr('10.0.0.0/8').containsIP(ip('10.1.2.3')) && !ip('10.1.2.3').isLoopback()", true, false},
  };
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Fixture {
  json::Document review;
  json::Document review50;
  json::Document request_no_object;
  std::shared_ptr<const cel::Env> env;
};

Fixture* g_fixture = nullptr;

void BM_Eval(benchmark::State& state, const Case& c) {
  Fixture& fx = *g_fixture;
  cel::CompileResult r = fx.env->Compile(c.expr);
  if (!r.ok()) {
    state.SkipWithError(("compile: " + r.FormatIssues()).c_str());
    return;
  }
  json::Value object = (c.big ? fx.review50 : fx.review).root().Find("request").Find("object");
  json::Value request = fx.request_no_object.root();
  int object_slot = fx.env->VariableSlot("object");
  int request_slot = fx.env->VariableSlot("request");
  Arena arena(16 << 10);
  {
    cel::Activation act(fx.env->variable_count());
    act.Set(object_slot, cel::FromJson(object, arena));
    act.Set(request_slot, cel::FromJson(request, arena));
    auto v = r.program->Eval(act, arena);
    if (!v.ok() || !v->is_bool() || v->bool_value() != c.expect) {
      std::string got = v.ok() ? cel::DebugString(*v, arena) : v.status().ToString();
      state.SkipWithError(("unexpected result: " + got).c_str());
      return;
    }
  }
  cel::Activation act(fx.env->variable_count());
  for (auto _ : state) {
    arena.Reset();
    act.Set(object_slot, cel::FromJson(object, arena));
    act.Set(request_slot, cel::FromJson(request, arena));
    auto v = r.program->Eval(act, arena);
    benchmark::DoNotOptimize(v);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "bench/data";
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--data=", 0) == 0) {
      data = a.substr(7);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  auto review = json::Parse(ReadFile(data + "/admissionreview-deployment.json"));
  auto review50 = json::Parse(ReadFile(data + "/admissionreview-deployment-50c.json"));
  auto request = json::Parse(ReadFile(data + "/request-no-object.json"));
  if (!review.ok() || !review50.ok() || !request.ok()) {
    std::fprintf(stderr, "cel_bench: cannot load fixtures from %s (run bench/run_cel_bench.sh)\n",
                 data.c_str());
    return 2;
  }
  // The environment kube-apiserver 1.34 gives admission policies (stored expressions).
  cel::EnvBuilder b;
  for (const cel::Library& lib : k8s::cellib::Libraries()) b.AddLibrary(lib);
  b.AddVariable("object", cel::Type::Dyn()).AddVariable("request", cel::Type::Dyn());
  Fixture fx{std::move(*review), std::move(*review50), std::move(*request), b.Build()};
  g_fixture = &fx;
  static std::vector<Case> cases = Cases();
  for (const Case& c : cases) {
    benchmark::RegisterBenchmark(c.id, [&c](benchmark::State& s) { BM_Eval(s, c); });
  }
  benchmark::Initialize(&rest_argc, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// fuzz/cel_eval_fuzzer.cc: libFuzzer target for the whole CEL pipeline (checker + planner +
// evaluator) over arbitrary JSON input (reliability.md 8.1 F2/F3).
//
// Input: `<expression>\n|\n<JSON>`. Everything before the first "\n|\n" is the expression; the
// rest is the JSON bound to `object` (and `oldObject`); without the separator, `object` is {}.
// The environment is the Kubernetes one (k8s/cellib/environment.h, newest version, every
// library) with dyn variables `object`, `oldObject` and `params`. Each input is compiled twice:
// type-checked, and in dynamic mode (no checker, runtime dispatch), and every program that
// compiles is evaluated with the Kubernetes per-expression cost limit.
//
// Invariants checked: nothing crashes, leaks or overflows the stack; every evaluation ends
// with a value (possibly a CEL error value) or with the cost-limit Status
// (kResourceExhausted), never another Status; a non-error result can be written as JSON (or
// the writer returns a Status). Invalid JSON binds `object` to {}.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "base/arena.h"
#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "json/json.h"
#include "k8s/cellib/environment.h"

namespace {

using celgate::Arena;
namespace cel = celgate::cel;

std::shared_ptr<const cel::Env> MakeEnv(bool checked) {
  cel::EnvBuilder b;
  for (const cel::Library& lib :
       celgate::k8s::cellib::Libraries(celgate::k8s::cellib::kNewestVersion, /*extended=*/true)) {
    b.AddLibrary(lib);
  }
  b.AddVariable("object", cel::Type::Dyn());
  b.AddVariable("oldObject", cel::Type::Dyn());
  b.AddVariable("params", cel::Type::Dyn());
  cel::EnvOptions options;
  options.enable_checker = checked;
  b.SetOptions(options);
  return b.Build();
}

void Run(const cel::Env& env, std::string_view expr, celgate::json::Value object) {
  cel::CompileResult r = env.Compile(expr);
  (void)r.FormatIssues();
  if (!r.ok()) {
    return;
  }
  Arena arena;
  cel::Activation act(env.variable_count());
  act.Set(env.VariableSlot("object"), cel::FromJson(object, arena));
  act.Set(env.VariableSlot("oldObject"), cel::FromJson(object, arena));
  act.Set(env.VariableSlot("params"), cel::Value::Null());
  cel::EvalOptions options;  // Kubernetes' per-expression limit: 1,000,000 units
  cel::EvalStats stats;
  celgate::StatusOr<cel::Value> v = r.program->Eval(act, arena, options, &stats);
  if (!v.ok()) {
    if (v.status().code() != celgate::StatusCode::kResourceExhausted) {
      std::abort();  // the machinery failed for a reason other than the budget
    }
    return;
  }
  if (!v->is_error()) {
    (void)cel::ToJsonString(*v, arena);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const cel::Env> checked = MakeEnv(true);
  static const std::shared_ptr<const cel::Env> dynamic = MakeEnv(false);
  if (size > 4096) {
    return 0;  // long inputs add little coverage and slow the run (cel-cpp fuzzes <= 1 KiB)
  }
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view expr = input;
  std::string_view json_text = "{}";
  if (const size_t sep = input.find("\n|\n"); sep != std::string_view::npos) {
    expr = input.substr(0, sep);
    json_text = input.substr(sep + 3);
  }
  celgate::json::ParseOptions parse_options;
  parse_options.max_depth = 64;
  celgate::StatusOr<celgate::json::Document> doc = celgate::json::Parse(json_text, parse_options);
  if (!doc.ok()) {
    doc = celgate::json::Parse("{}");
  }
  const celgate::json::Value object = doc->root();
  Run(*checked, expr, object);
  Run(*dynamic, expr, object);
  return 0;
}

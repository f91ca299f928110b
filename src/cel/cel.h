// cel/cel.h: the front door of the CEL engine. Knows nothing of Kubernetes, YAML or HTTP.
//
//   auto env = cel::EnvBuilder().AddLibrary(cel::StandardLibrary())
//                  .AddVariable("object", cel::Type::Dyn()).Build();
//   cel::CompileResult r = env->Compile("object.spec.replicas <= 5");
//   if (!r.ok()) ... r.FormatIssues() ...
//   cel::Activation act(env->variable_count());
//   act.Set(env->VariableSlot("object"), value);
//   Arena arena;
//   StatusOr<cel::Value> v = r.program->Eval(act, arena);
//
// An Env is immutable and shared; a Program is immutable and thread-safe. Compile once,
// evaluate many times (STYLE.md H8).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cel/checker/checker.h"
#include "cel/checker/cost.h"
#include "cel/common/decl_set.h"
#include "cel/common/function.h"
#include "cel/common/source.h"
#include "cel/common/type.h"
#include "cel/common/value.h"
#include "cel/eval/program.h"
#include "cel/parser/parser.h"

namespace celgate::cel {

struct EnvOptions {
  ParserOptions parser;
  CheckerOptions checker;
  // Type-check before planning. Without checking, calls dispatch on runtime kinds among all
  // declared overloads (dynamic mode), and type errors surface at run time.
  bool enable_checker = true;
  PlanOptions plan;
  std::string container;  // namespace for name resolution, e.g. "google.protobuf"
};

struct CompileResult {
  std::shared_ptr<const Program> program;  // null when there are errors
  Type result_type;                         // dyn when unknown or unchecked
  std::vector<Issue> issues;
  std::shared_ptr<const Source> source;
  // Static worst-case cost (cel/checker/cost.h); filled when the checker ran, otherwise
  // [0, UINT64_MAX] (unknown).
  CostEstimate cost_estimate;
  bool ok() const { return program != nullptr; }
  // cel-go style text: "ERROR: <input>:1:5: message\n | expr\n | ....^".
  std::string FormatIssues() const;
};

class Env {
 public:
  // `description` names the source in messages (default "<input>").
  CompileResult Compile(std::string_view expression,
                        std::string_view description = "<input>") const;

  int VariableSlot(std::string_view name) const { return decls_.VariableSlot(name); }
  size_t variable_count() const { return decls_.variable_count(); }
  const DeclSet& decls() const { return decls_; }
  const EnvOptions& options() const { return options_; }

 private:
  friend class EnvBuilder;
  DeclSet decls_;
  EnvOptions options_;
};

class EnvBuilder {
 public:
  EnvBuilder& AddLibrary(const Library& lib) {
    libs_.push_back(lib);
    return *this;
  }
  EnvBuilder& AddVariable(std::string name, Type type) {
    vars_.push_back({std::move(name), std::move(type)});
    return *this;
  }
  EnvBuilder& SetOptions(EnvOptions options) {
    options_ = std::move(options);
    return *this;
  }
  std::shared_ptr<const Env> Build() const;

 private:
  std::vector<Library> libs_;
  std::vector<VariableDecl> vars_;
  EnvOptions options_;
};

}  // namespace celgate::cel

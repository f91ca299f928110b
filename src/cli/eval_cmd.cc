// cli/eval_cmd.cc: `celgate eval EXPR [--vars FILE] [--var NAME=JSON|@FILE]`.
//
// Compiles one CEL expression in the CLI's environment, binds variables from JSON/YAML,
// evaluates once and prints the result as JSON (encoding in README.md). Parse, check and
// evaluation errors go to stderr with line:column; exit 1.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "cel/lib/std/std_lib.h"
#include "cli/commands.h"
#include "cli/environment.h"
#include "json/json.h"
#include "yaml/yaml.h"

namespace celgate::cli {
namespace {

struct EvalArgs {
  std::string expression;
  std::vector<std::string> vars_files;
  std::vector<std::string> vars;
  std::string kubernetes_version;
  bool extended = false;
  bool cost = false;
  bool cel_output = false;
};

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Parses JSON, or YAML (one document) for .yaml/.yml paths.
StatusOr<json::Document> ParseDocument(const std::string& text, const std::string& path) {
  if (EndsWith(path, ".yaml") || EndsWith(path, ".yml")) {
    auto docs = yaml::LoadAll(text);
    if (!docs.ok()) return docs.status().WithPrefix(path);
    if (docs->size() != 1) {
      return InvalidArgumentError(path + ": expected exactly one YAML document, found " +
                                  std::to_string(docs->size()));
    }
    return std::move((*docs)[0].doc);
  }
  auto doc = json::Parse(text);
  if (!doc.ok()) return doc.status().WithPrefix(path);
  return doc;
}

int Run(const EvalArgs& args) {
  // Documents must outlive the evaluation: the values point into them.
  std::vector<json::Document> docs;
  std::vector<std::pair<std::string, json::Value>> bindings;
  for (const std::string& path : args.vars_files) {
    auto text = ReadFile(path);
    if (!text.ok()) {
      std::fprintf(stderr, "celgate eval: %s\n", std::string(text.status().message()).c_str());
      return kExitUsage;
    }
    auto doc = ParseDocument(*text, path);
    if (!doc.ok()) {
      std::fprintf(stderr, "celgate eval: %s\n", std::string(doc.status().message()).c_str());
      return kExitUsage;
    }
    docs.push_back(std::move(*doc));
    json::Value root = docs.back().root();
    if (!root.is_object()) {
      std::fprintf(stderr, "celgate eval: %s: the variables file must hold an object of "
                           "variable names to values\n", path.c_str());
      return kExitUsage;
    }
    for (size_t i = 0; i < root.size(); ++i) {
      bindings.emplace_back(std::string(root.key_at(i)), root.value_at(i));
    }
  }
  for (const std::string& spec : args.vars) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "celgate eval: --var expects NAME=JSON or NAME=@FILE, got '%s'\n",
                   spec.c_str());
      return kExitUsage;
    }
    std::string name = spec.substr(0, eq);
    std::string value = spec.substr(eq + 1);
    StatusOr<json::Document> doc = InvalidArgumentError("");
    if (!value.empty() && value[0] == '@') {
      auto text = ReadFile(value.substr(1));
      if (!text.ok()) {
        std::fprintf(stderr, "celgate eval: %s\n", std::string(text.status().message()).c_str());
        return kExitUsage;
      }
      doc = ParseDocument(*text, value.substr(1));
    } else {
      doc = json::Parse(value);
      if (!doc.ok()) doc = doc.status().WithPrefix("--var " + name);
    }
    if (!doc.ok()) {
      std::fprintf(stderr, "celgate eval: %s\n", std::string(doc.status().message()).c_str());
      return kExitUsage;
    }
    docs.push_back(std::move(*doc));
    bindings.emplace_back(name, docs.back().root());
  }

  auto env_or = BuildEvalEnvironment(args.kubernetes_version, bindings, args.extended);
  if (!env_or.ok()) {
    std::fprintf(stderr, "celgate eval: %s\n", std::string(env_or.status().message()).c_str());
    return kExitUsage;
  }
  std::shared_ptr<const cel::Env> env = *env_or;
  cel::CompileResult compiled = env->Compile(args.expression);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n", compiled.FormatIssues().c_str());
    return kExitFailure;
  }
  Arena arena;
  cel::Activation act(env->variable_count());
  for (const auto& [name, value] : bindings) {
    act.Set(env->VariableSlot(name), cel::FromJson(value, arena));
  }
  cel::EvalStats stats;
  StatusOr<cel::Value> result = compiled.program->Eval(act, arena, {}, &stats);
  auto print_cost = [&] {
    if (!args.cost) return;
    std::fprintf(stderr, "cost: estimated [%llu, %llu], actual %llu\n",
                 static_cast<unsigned long long>(compiled.cost_estimate.min),
                 static_cast<unsigned long long>(compiled.cost_estimate.max),
                 static_cast<unsigned long long>(stats.cost));
  };
  if (!result.ok()) {
    print_cost();
    std::fprintf(stderr, "celgate eval: %s\n", std::string(result.status().message()).c_str());
    return kExitFailure;
  }
  if (result->is_error()) {
    std::fprintf(stderr, "celgate eval: evaluation error: %s\n",
                 std::string(result->error().message).c_str());
    return kExitFailure;
  }
  if (args.cel_output) {
    std::printf("%s\n", cel::DebugString(*result, arena).c_str());
  } else {
    auto text = cel::ToJsonString(*result, arena);
    if (!text.ok()) {
      std::fprintf(stderr, "celgate eval: %s\n", std::string(text.status().message()).c_str());
      return kExitFailure;
    }
    std::printf("%s\n", text->c_str());
  }
  print_cost();
  return kExitOk;
}

}  // namespace

void RegisterEval(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Compile and evaluate one CEL expression");
  cmd->add_option("expression", args->expression, "The CEL expression")->required();
  cmd->add_option("--vars", args->vars_files,
                  "JSON or YAML file holding an object: variable name -> value (repeatable)");
  cmd->add_option("--var", args->vars,
                  "One variable: NAME=JSON or NAME=@FILE (.json, .yaml) (repeatable)");
  cmd->add_option("--kubernetes-version", args->kubernetes_version,
                  "Kubernetes CEL environment to use (e.g. 1.30); default: the newest");
  cmd->add_flag("--extended", args->extended,
                "Extended mode: also what Kubernetes never enables (cel.bind, cel.block, math, "
                "encoders, lists, strings latest)");
  cmd->add_flag("--cost", args->cost, "Print the cost of the evaluation on stderr");
  cmd->add_flag("--cel", args->cel_output, "Print the result as a CEL literal instead of JSON");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace celgate::cli

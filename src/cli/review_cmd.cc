// cli/review_cmd.cc: `celgate review -f PATH... REQUEST.json|-` answers one AdmissionReview
// with the policies and cluster state in PATH... exactly as the webhook would: it calls
// admission::Handler::Review and prints the response. Exit 0 whatever the decision (2 on
// unreadable input). --explain prints, on stderr, the failing expression of each binding that
// denied or warned and the values of its sub-expressions.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <functional>
#include <iostream>

#include "admission/handler.h"
#include "k8s/cellib/authz.h"
#include "cel/parser/parser.h"
#include "cli/commands.h"
#include "policy/evaluator.h"
#include "policy/loader.h"
#include "policy/object_store.h"

namespace celgate::cli {
namespace {

struct ReviewArgs {
  std::vector<std::string> files;
  std::string request;
  bool explain = false;
  bool in_process = false;
  std::string authz_rules;  // --authz-rules FILE; empty = every authorizer check denied
};

// Labels of AST nodes for explanations: identifiers and field paths as written, calls by
// function name and position, macros by their call text.
void LabelNodes(const cel::Expr& e, const cel::ParsedExpr& parsed, const cel::Source& src,
                std::unordered_map<cel::ExprId, std::string>* out, int depth) {
  if (depth > 200) return;
  auto at = [&](cel::ExprId id) {
    auto it = parsed.positions.find(id);
    if (it == parsed.positions.end()) return std::string();
    cel::Location l = src.LocationOf(it->second);
    return " @" + std::to_string(l.line) + ":" + std::to_string(l.column);
  };
  switch (e.kind) {
    case cel::ExprKind::kIdent:
      (*out)[e.id] = e.name;
      break;
    case cel::ExprKind::kSelect: {
      LabelNodes(*e.operand, parsed, src, out, depth + 1);
      auto it = out->find(e.operand->id);
      std::string base = it != out->end() && it->second.find(' ') == std::string::npos
                             ? it->second
                             : "(...)";
      (*out)[e.id] = e.test_only ? "has(" + base + "." + e.name + ")" : base + "." + e.name;
      break;
    }
    case cel::ExprKind::kCall: {
      if (e.target) LabelNodes(*e.target, parsed, src, out, depth + 1);
      for (const auto& a : e.args) LabelNodes(*a, parsed, src, out, depth + 1);
      std::string fn = e.name;
      (*out)[e.id] = fn + "(...)" + at(e.id);
      break;
    }
    case cel::ExprKind::kList:
      for (const auto& a : e.args) LabelNodes(*a, parsed, src, out, depth + 1);
      break;
    case cel::ExprKind::kMap:
    case cel::ExprKind::kStruct:
      for (const auto& en : e.entries) {
        if (en.key) LabelNodes(*en.key, parsed, src, out, depth + 1);
        if (en.value) LabelNodes(*en.value, parsed, src, out, depth + 1);
      }
      break;
    case cel::ExprKind::kComprehension: {
      const cel::Comprehension& c = *e.comprehension;
      LabelNodes(*c.iter_range, parsed, src, out, depth + 1);
      auto it = parsed.macro_calls.find(e.id);
      (*out)[e.id] = (it != parsed.macro_calls.end() ? it->second : std::string("comprehension")) +
                     at(e.id);
      break;
    }
    default:
      break;
  }
}

void PrintExplanations(const policy::Decision& d) {
  for (const policy::Explanation& ex : d.explanations) {
    std::cerr << "policy '" << ex.policy << "' binding '" << ex.binding << "': " << ex.field_path
              << " is false\n  expression: " << ex.expression
              << (ex.expression.empty() || ex.expression.back() != '\n' ? "\n" : "")
              << "  message: " << ex.message << "\n";
    cel::Source src(ex.expression);
    cel::ParseResult parsed = cel::Parse(src);
    std::unordered_map<cel::ExprId, std::string> labels;
    if (parsed.expr.root) LabelNodes(*parsed.expr.root, parsed.expr, src, &labels, 0);
    for (const policy::TracedValue& v : ex.values) {
      auto it = labels.find(v.expr_id);
      if (it == labels.end()) continue;
      std::string value = v.value;
      if (value.size() > 200) value = value.substr(0, 200) + "...";
      std::cerr << "    " << it->second << " = " << value << "\n";
    }
  }
}

int Run(const ReviewArgs& args) {
  policy::Manifests m;
  policy::LoadOptions lo;
  lo.enable_tracing = args.explain;
  Status st = policy::LoadPaths(args.files, lo, &m);
  if (!st.ok()) {
    std::cerr << "celgate review: " << st.message() << "\n";
    return kExitUsage;
  }
  for (const policy::LoadIssue& i : m.issues) std::cerr << i.ToString() << "\n";
  StatusOr<std::string> body = policy::ReadFileOrStdin(args.request);
  if (!body.ok()) {
    std::cerr << "celgate review: " << body.status().message() << "\n";
    return kExitUsage;
  }
  std::shared_ptr<const policy::PolicySet> set = policy::BuildPolicySet(m);
  auto store = std::make_shared<policy::ObjectStore>(m.objects);
  admission::HandlerOptions ho;
  ho.in_process_status = args.in_process;
  if (!args.authz_rules.empty()) {
    auto rules = policy::LoadAuthorizerRules(args.authz_rules);
    if (!rules.ok()) {
      std::cerr << "celgate review: " << rules.status().message() << "\n";
      return kExitUsage;
    }
    ho.authorizer = std::move(*rules);
  }
  auto handler = admission::NewHandler([set] { return set; }, store, ho);
  policy::Decision decision;
  StatusOr<std::string> out =
      handler->ReviewWithDecision(*body, Deadline::Infinite(), args.explain, &decision);
  if (!out.ok()) {
    std::cerr << "celgate review: " << out.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << *out << "\n";
  if (args.explain) PrintExplanations(decision);
  return kExitOk;
}

}  // namespace

void RegisterReview(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ReviewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "review", "Answer an AdmissionReview with the given policies, as the webhook would");
  cmd->add_option("-f,--filename", args->files,
                  "Policy, binding, param and Namespace manifests (files, directories, -)")
      ->required()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("request", args->request, "AdmissionReview JSON file, or - for stdin")
      ->required();
  cmd->add_flag("--explain", args->explain,
                "On stderr: the failing expression of each denying/warning binding and the "
                "values of its sub-expressions");
  cmd->add_flag("--in-process-status", args->in_process,
                "status.message as kube-apiserver's in-process plugin writes it");
  cmd->add_option("--authz-rules", args->authz_rules,
                  "Rules (JSON or YAML list) answering the policies' `authorizer` checks; "
                  "without it every check is denied");
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace celgate::cli

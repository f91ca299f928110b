// cli/lint_cmd.cc: `celgate lint -f PATH...` loads and validates every
// ValidatingAdmissionPolicy and binding (required fields, enum values, selectors, CEL
// compilation and type checking) and prints each issue with file, line:column and field
// path. Also flags bindings whose policy is not among the inputs. Exit 1 on any error.
#include <CLI/CLI.hpp>

#include <iostream>
#include <set>

#include "cli/commands.h"
#include "policy/loader.h"

namespace celgate::cli {
namespace {

struct LintArgs {
  std::vector<std::string> files;
};

int Run(const LintArgs& args) {
  policy::Manifests m;
  Status st = policy::LoadPaths(args.files, {}, &m);
  if (!st.ok()) {
    std::cerr << "celgate lint: " << st.message() << "\n";
    return kExitUsage;
  }
  std::set<std::string> policies;
  for (const auto& p : m.policies) policies.insert(p->name);
  for (const auto& b : m.bindings) {
    if (!policies.count(b->policy_name)) {
      policy::LoadIssue i;
      i.warning = true;
      i.file = b->file;
      i.object = "ValidatingAdmissionPolicyBinding/" + b->name;
      i.field = "spec.policyName";
      i.message = "policy \"" + b->policy_name + "\" is not among the inputs (binding ignored)";
      m.issues.push_back(std::move(i));
    }
  }
  int errors = 0, warnings = 0;
  for (const policy::LoadIssue& i : m.issues) {
    std::cout << i.ToString() << "\n";
    (i.warning ? warnings : errors)++;
  }
  std::cout << m.policies.size() << " policies, " << m.bindings.size() << " bindings: " << errors
            << " errors, " << warnings << " warnings\n";
  return errors > 0 ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterLint(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<LintArgs>();
  CLI::App* cmd = app.add_subcommand("lint", "Validate and compile policies and bindings");
  cmd->add_option("-f,--filename", args->files, "Manifests (files, directories, -)")
      ->required()
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
}

}  // namespace celgate::cli

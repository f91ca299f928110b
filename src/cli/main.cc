// cli/main.cc: the `celgate` binary. The only place that wires concrete types together
// (STYLE.md section 2); each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"celgate: Kubernetes admission policies (ValidatingAdmissionPolicy, CEL) "
               "evaluated offline and as an admission webhook"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "celgate 0.1.0");
  int exit_code = celgate::cli::kExitOk;
  celgate::cli::RegisterEval(app, &exit_code);
  celgate::cli::RegisterReview(app, &exit_code);
  celgate::cli::RegisterTest(app, &exit_code);
  celgate::cli::RegisterLint(app, &exit_code);
  celgate::cli::RegisterServe(app, &exit_code);
  celgate::cli::RegisterCerts(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : celgate::cli::kExitUsage;
  }
  return exit_code;
}

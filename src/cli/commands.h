// cli/commands.h: the `celgate` subcommands. Each file registers one subcommand on the
// CLI11 app and returns the exit code through `*exit_code` once run.
//
// Exit codes (README.md "Exit codes"): 0 ok, 1 denial / test failure / lint or evaluation
// error, 2 usage or input error.
#pragma once

namespace CLI {
class App;
}

namespace celgate::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

void RegisterEval(CLI::App& app, int* exit_code);
// review_cmd.cc, test_cmd.cc, lint_cmd.cc: the admission policy commands (docs/policies.md).
void RegisterReview(CLI::App& app, int* exit_code);
void RegisterTest(CLI::App& app, int* exit_code);
void RegisterLint(CLI::App& app, int* exit_code);
// serve_cmd.cc: the HTTPS admission webhook and its throwaway certificates (docs/serve.md).
void RegisterServe(CLI::App& app, int* exit_code);
void RegisterCerts(CLI::App& app, int* exit_code);

}  // namespace celgate::cli

// cel/cel.cc: Env and compilation (parse -> check -> plan). See cel.h.
#include "cel/cel.h"

#include "base/utf8.h"

namespace celgate::cel {

std::string CompileResult::FormatIssues() const {
  if (!source) return "";
  return cel::FormatIssues(*source, issues);
}

std::shared_ptr<const Env> EnvBuilder::Build() const {
  auto env = std::shared_ptr<Env>(new Env());
  env->options_ = options_;
  env->decls_.set_container(options_.container);
  for (const Library& lib : libs_) env->decls_.AddLibrary(lib);
  for (const VariableDecl& v : vars_) env->decls_.AddVariable(v.name, v.type);
  return env;
}

CompileResult Env::Compile(std::string_view expression, std::string_view description) const {
  CompileResult out;
  if (!utf8::IsValid(expression)) {
    // CEL source is Unicode text; invalid bytes would otherwise reach string literals and
    // identifiers as is. Report the first invalid byte (as a code-point offset into the
    // displayed source, where each run of invalid bytes shows as one U+FFFD).
    size_t pos = 0;
    int32_t offset = 0;
    char32_t cp = 0;
    while (utf8::DecodeAt(expression, &pos, &cp)) ++offset;
    out.source = std::make_shared<Source>(utf8::ToValidUtf8(expression), std::string(description));
    out.issues.push_back(Issue{Severity::kError, offset, "invalid UTF-8 in expression"});
    return out;
  }
  out.source = std::make_shared<Source>(std::string(expression), std::string(description));
  ParseResult parsed = Parse(*out.source, options_.parser);
  if (!parsed.ok()) {
    out.issues = std::move(parsed.issues);
    return out;
  }
  const CheckedInfo* info = nullptr;
  CheckResult checked;
  if (options_.enable_checker) {
    checked = Check(parsed.expr, decls_, options_.checker);
    out.result_type = checked.result_type;
    for (Issue& i : checked.issues) out.issues.push_back(std::move(i));
    if (!checked.ok()) return out;
    info = &checked.info;
    CostOptions cost_options;
    cost_options.presence_test_cost = options_.plan.presence_test_cost;
    out.cost_estimate = EstimateCost(parsed.expr, checked.info, decls_, cost_options);
  }
  std::vector<Issue> plan_issues;
  std::unique_ptr<Program> program = Plan(parsed.expr, info, decls_, options_.plan, &plan_issues);
  for (Issue& i : plan_issues) out.issues.push_back(std::move(i));
  if (program) out.program = std::move(program);
  return out;
}

}  // namespace celgate::cel

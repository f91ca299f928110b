// Hostile input through the CEL front door (parse -> check -> plan -> eval; STYLE.md H11,
// reliability.md 8.3 C3/C6/C7): expressions as deep as the parser allows, invalid UTF-8 in
// the source, exponential string and list growth, pathological regular expressions over large
// inputs, deeply nested JSON data. Each must end in an issue, a value or the cost-limit
// Status: never a crash, a stack overflow or unbounded memory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "cel/lib/std/std_lib.h"
#include "json/json.h"

namespace celgate::cel {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  std::string compile_issues;  // non-empty when compilation failed
  std::string value;           // DebugString of the result ("error: ..." for error values)
  std::string status;          // non-empty when evaluation stopped with a Status
  uint64_t cost = 0;
  std::chrono::steady_clock::duration elapsed{};
};

Outcome RunCel(std::string_view expr, std::string_view object_json = "{}") {
  static const std::shared_ptr<const Env> env =
      EnvBuilder().AddLibrary(StandardLibrary()).AddVariable("object", Type::Dyn()).Build();
  Outcome out;
  const auto start = std::chrono::steady_clock::now();
  CompileResult r = env->Compile(expr);
  if (!r.ok()) {
    out.compile_issues = r.FormatIssues();
    EXPECT_FALSE(out.compile_issues.empty());
    return out;
  }
  json::ParseOptions po;
  po.max_depth = 1000;
  auto doc = json::Parse(object_json, po);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  Arena arena;
  Activation act(env->variable_count());
  act.Set(env->VariableSlot("object"), FromJson(doc->root(), arena));
  EvalStats stats;
  StatusOr<Value> v = r.program->Eval(act, arena, EvalOptions{}, &stats);
  out.elapsed = std::chrono::steady_clock::now() - start;
  out.cost = stats.cost;
  if (!v.ok()) {
    out.status = std::string(v.status().message());
  } else {
    out.value = v->is_error() ? "error: " + DebugString(*v, arena) : DebugString(*v, arena);
  }
  return out;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(CelHostileInput, ExpressionsAsDeepAsTheParserAllowsCheckPlanAndEvaluate) {
  // Just under the parser's recursion limit (250): the checker, planner and evaluator must
  // handle the deepest AST the parser produces (under ASan too, whose frames are larger).
  struct Gen {
    const char* name;
    std::function<std::string(int)> make;
    std::string want;
  };
  const Gen gens[] = {
      {"parens", [](int n) { return Repeat("(", n) + "1" + Repeat(")", n); }, "1"},
      {"sum chain", [](int n) { return "0" + Repeat(" + 1", n); }, ""},
      {"lists", [](int n) { return "size(" + Repeat("[", n) + Repeat("]", n) + ")"; }, "1"},
      {"ternaries", [](int n) { return Repeat("false ? 0 : ", n) + "1"; }, "1"},
      {"negations", [](int n) { return Repeat("!", n % 2 == 0 ? n : n - 1) + "true"; }, "true"},
      {"maps", [](int n) { return Repeat("{'k': ", n) + "1" + Repeat("}", n) + " != {}"; },
       "true"},
      {"comprehensions",
       [](int n) {
         std::string e;
         for (int i = 0; i < n / 8; ++i) e += "[1].all(x" + std::to_string(i) + ", ";
         return e + "true" + Repeat(")", n / 8);
       },
       "true"},
  };
  for (const Gen& g : gens) {
    int accepted = 0;
    for (int n : {60, 120, 200, 240, 248, 260, 1000}) {
      Outcome o = RunCel(g.make(n));
      if (!o.compile_issues.empty()) {
        EXPECT_THAT(o.compile_issues, HasSubstr("recursion limit exceeded")) << g.name << " " << n;
        continue;
      }
      ++accepted;
      EXPECT_EQ(o.status, "") << g.name << " " << n;
      if (!g.want.empty()) {
        EXPECT_EQ(o.value, g.want) << g.name << " " << n;
      }
    }
    EXPECT_GE(accepted, 2) << g.name;  // the shallow cases must compile
  }
}

TEST(CelHostileInput, InvalidUtf8InTheSourceIsAPositionedIssue) {
  const char* sources[] = {
      "'\xff'",                 // not UTF-8 at all, inside a string literal
      "'\xc3'",                 // truncated two-byte sequence
      "'\xed\xa0\x80'",         // an encoded surrogate
      "'\xf4\x90\x80\x80'",     // beyond U+10FFFF
      "\xc0\xaf == 1",          // overlong '/', outside any literal
      "object.a\xff",           // in an identifier
      "b'\xfe'",                // in a bytes literal (raw bytes are not valid source)
  };
  for (const char* s : sources) {
    Outcome o = RunCel(s);
    EXPECT_THAT(o.compile_issues, HasSubstr("invalid UTF-8 in expression")) << s;
  }
  // Escapes are how a source asks for arbitrary bytes: those are fine.
  EXPECT_EQ(RunCel("b'\\xff\\xfe'.size()").value, "2");
  EXPECT_THAT(RunCel("'ok' + '\xff'").compile_issues,
              HasSubstr("ERROR: <input>:1:9: invalid UTF-8 in expression"));
}

TEST(CelHostileInput, ExponentialStringAndListGrowthStopsAtTheBudget) {
  // Each step doubles: 2^40 bytes if nothing stopped it. The cost of concatenation is charged
  // by size, so the per-expression limit stops the chain after a few MiB.
  std::string strings = "'0123456789abcdef'";
  std::string lists = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]";
  for (int i = 0; i < 40; ++i) {
    strings = "cel.bind(s, " + strings + ", s + s)";
    lists = "cel.bind(l, " + lists + ", l + l)";
  }
  for (const std::string& e : {"size(" + strings + ") > 0", "size(" + lists + ") > 0"}) {
    Outcome o = RunCel(e);
    ASSERT_EQ(o.compile_issues, "") << e;
    EXPECT_EQ(o.status, "operation cancelled: actual cost limit exceeded") << o.value;
    EXPECT_LT(o.elapsed, std::chrono::seconds(2)) << e.substr(0, 40);
  }
}

TEST(CelHostileInput, PathologicalRegexesOverLargeInputsFinishOrHitTheBudget) {
  // RE2 runs in linear time, so the classic catastrophic-backtracking patterns are harmless;
  // over 1 MiB the cost limit stops them first, over 64 KiB they run to completion.
  for (size_t size : {size_t{64} << 10, size_t{1} << 20}) {
    const std::string object = "{\"s\": \"" + std::string(size, 'a') + "\"}";
    for (const char* pattern : {"(a+)+$", "(a|aa)*b", "(a*)*b", "^(a|a?)+c$", "(.*a){20}x"}) {
      Outcome o = RunCel(std::string("object.s.matches('") + pattern + "')", object);
      ASSERT_EQ(o.compile_issues, "") << pattern;
      if (o.status.empty()) {
        EXPECT_THAT(o.value, ::testing::AnyOf("true", "false")) << pattern;
      } else {
        EXPECT_EQ(o.status, "operation cancelled: actual cost limit exceeded") << pattern;
      }
      EXPECT_LT(o.elapsed, std::chrono::seconds(1)) << pattern << " over " << size;
    }
  }
}

TEST(CelHostileInput, NonRe2RegexSyntaxIsACompileIssue) {
  // Backreferences and look-around need backtracking; RE2 refuses them when the policy loads.
  for (const char* pattern : {"(a)\\\\1", "a(?=b)", "a(?!b)", "(?<=a)b"}) {
    Outcome o = RunCel(std::string("'ab'.matches('") + pattern + "')");
    EXPECT_THAT(o.compile_issues, HasSubstr("error parsing regexp")) << pattern;
  }
}

TEST(CelHostileInput, DeeplyNestedJsonDataIsReadAndComparedSafely) {
  const int depth = 400;  // 801 levels of JSON nesting
  const std::string deep = Repeat("{\"a\":[", depth) + "1" + Repeat("]}", depth);
  const std::string object = "{\"x\": " + deep + ", \"y\": " + deep + "}";
  EXPECT_EQ(RunCel("object.x == object.y", object).value, "true");
  EXPECT_EQ(RunCel("object.x != {}", object).value, "true");
  EXPECT_EQ(RunCel("has(object.x.a)", object).value, "true");
  Outcome o = RunCel("string(object.x)", object);
  EXPECT_THAT(o.value, HasSubstr("error")) << o.value.substr(0, 80);
}

}  // namespace
}  // namespace celgate::cel

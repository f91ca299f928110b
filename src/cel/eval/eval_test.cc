// Evaluator behaviour through the front door (parse -> check -> plan -> eval).
#include <gtest/gtest.h>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "cel/lib/std/std_lib.h"
#include "json/json.h"

namespace celgate::cel {
namespace {

class EvalTest : public ::testing::Test {
 protected:
  // Evaluates `expr` with `object` bound to `object_json`; returns the CEL literal form of the
  // result, "error: <msg>" for CEL errors, "compile: <issues>" or "status: <status>".
  std::string Eval(std::string_view expr, std::string_view object_json = "{}",
                   uint64_t cost_limit = kDefaultPerExpressionCostLimit) {
    auto env = EnvBuilder().AddLibrary(StandardLibrary()).AddVariable("object", Type::Dyn()).Build();
    CompileResult r = env->Compile(expr);
    if (!r.ok()) return "compile: " + r.FormatIssues();
    auto doc = json::Parse(object_json);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    Activation act(env->variable_count());
    act.Set(env->VariableSlot("object"), FromJson(doc->root(), arena_));
    EvalOptions opts;
    opts.cost_limit = cost_limit;
    StatusOr<Value> v = r.program->Eval(act, arena_, opts, &stats_);
    if (!v.ok()) return "status: " + std::string(v.status().message());
    return DebugString(*v, arena_);
  }
  Arena arena_;
  EvalStats stats_;
};

struct Case {
  const char* expr;
  const char* want;
};

TEST_F(EvalTest, ArithmeticAndOverflowAreValues) {
  const Case cases[] = {
      {"1 + 2 * 3", "7"},
      {"7 / 2", "3"},
      {"-7 / 2", "-3"},
      {"-7 % 3", "-1"},
      {"9223372036854775807 + 1", "error: integer overflow"},
      {"-9223372036854775808 - 1", "error: integer overflow"},
      {"-9223372036854775808 / -1", "error: integer overflow"},
      {"1 / 0", "error: division by zero"},
      {"1 % 0", "error: modulus by zero"},
      {"0u - 1u", "error: unsigned integer overflow"},
      {"3u * 2u", "6u"},
      {"1.5 + 2.25", "3.75"},
      {"1.0 / 0.0", "+Inf"},
      {"'ab' + 'cd'", "\"abcd\""},
      {"[1] + [2, 3]", "[1, 2, 3]"},
  };
  for (const Case& c : cases) EXPECT_EQ(Eval(c.expr), c.want) << c.expr;
}

TEST_F(EvalTest, LogicAbsorbsErrorsCommutatively) {
  const Case cases[] = {
      {"false && (1/0 == 1)", "false"},
      {"(1/0 == 1) && false", "false"},
      {"true || (1/0 == 1)", "true"},
      {"(1/0 == 1) || true", "true"},
      {"(1/0 == 1) || false", "error: division by zero"},
      {"true && (1/0 == 1)", "error: division by zero"},
      {"true ? 1 : 1/0", "1"},
      {"(1/0 == 1) ? 1 : 2", "error: division by zero"},
  };
  for (const Case& c : cases) EXPECT_EQ(Eval(c.expr), c.want) << c.expr;
}

TEST_F(EvalTest, HeterogeneousNumericEquality) {
  const Case cases[] = {
      {"dyn(1) == dyn(1.0)", "true"},
      {"dyn(1) == dyn(1u)", "true"},
      {"dyn(1) == dyn('1')", "false"},
      {"[1, 2] == [1, 2]", "true"},
      {"{'a': 1} == {'a': 1}", "true"},
      {"null == null", "true"},
      {"1 < 2.5", "true"},
      {"2u > 1", "true"},
      {"'a' < 'b'", "true"},
  };
  for (const Case& c : cases) EXPECT_EQ(Eval(c.expr), c.want) << c.expr;
}

TEST_F(EvalTest, JsonObjectsAreLazyMaps) {
  const char* obj = R"({"spec": {"replicas": 3, "ratio": 0.5, "tags": ["a", "b"],
                        "containers": [{"name": "app", "image": "r.example.com/app:1"},
                                       {"name": "side", "image": "other/x:2"}]},
                        "metadata": {"labels": {"app": "web"}}})";
  const Case cases[] = {
      {"object.spec.replicas <= 5", "true"},
      {"object.spec.ratio", "0.5"},
      {"object.spec.tags[1]", "\"b\""},
      {"'app' in object.metadata.labels", "true"},
      {"has(object.metadata.labels)", "true"},
      {"has(object.metadata.annotations)", "false"},
      {"object.metadata.annotations", "error: no such key: annotations"},
      {"object.spec.containers.all(c, c.image.startsWith('r.example.com/'))", "false"},
      {"object.spec.containers.exists(c, c.name == 'side')", "true"},
      {"object.spec.containers.exists_one(c, c.name.size() > 3)", "true"},
      {"object.spec.containers.map(c, c.name)", "[\"app\", \"side\"]"},
      {"object.spec.containers.filter(c, c.name == 'app').size()", "1"},
      {"object.spec.containers.map(c, c.name == 'app', c.image)", "[\"r.example.com/app:1\"]"},
      {"object.metadata.labels.all(k, k.size() < 64)", "true"},
      {"object.spec.tags[5]", "error: index '5' out of range in list size '2'"},
  };
  for (const Case& c : cases) EXPECT_EQ(Eval(c.expr, obj), c.want) << c.expr;
}

TEST_F(EvalTest, ConversionsFollowCelGo) {
  const Case cases[] = {
      {"int('42')", "42"},
      {"int(3.9)", "3"},
      {"int(-3.9)", "-3"},
      {"uint(-1)", "error: unsigned integer overflow"},
      {"string(1.0)", "\"1\""},
      {"string(1e6)", "\"1e+06\""},
      {"string(true)", "\"true\""},
      {"bool('T')", "true"},
      {"type(1) == int", "true"},
      {"type('a')", "string"},
      {"string(duration('1h'))", "\"3600s\""},
      {"duration('90m').getHours()", "1"},
      {"timestamp('2023-01-02T03:04:05Z').getFullYear()", "2023"},
      {"string(timestamp('2023-01-02T03:04:05.5Z'))", "\"2023-01-02T03:04:05.5Z\""},
      {"'héllo'.size()", "5"},
      {"size(b'abc')", "3"},
  };
  for (const Case& c : cases) EXPECT_EQ(Eval(c.expr), c.want) << c.expr;
}

TEST_F(EvalTest, ConstantRegexIsCompiledOnceAndBadOnesFailCompilation) {
  EXPECT_EQ(Eval("'hello'.matches('ell')"), "true");
  EXPECT_EQ(Eval("matches('hello', '^h.*o$')"), "true");
  std::string bad = Eval("'x'.matches('(')");
  EXPECT_NE(bad.find("compile: "), std::string::npos) << bad;
  EXPECT_NE(bad.find("error parsing regexp: missing )"), std::string::npos) << bad;
}

TEST_F(EvalTest, MapLiteralsRejectRepeatedKeys) {
  EXPECT_EQ(Eval("{'a': 1, 'a': 2}"), "error: Failed with repeated key");
  EXPECT_EQ(Eval("{dyn(1): 'x', dyn(2u): 'y'}[2]"), "\"y\"");
}

TEST_F(EvalTest, CostLimitStopsEvaluationWithStatus) {
  // 1000 * 1000 iterations: far beyond a small budget; must stop with a Status.
  std::string r = Eval("[0,1,2,3,4,5,6,7,8,9].map(a, [0,1,2,3,4,5,6,7,8,9].map(b, a * b)).size()",
                       "{}", 50);
  EXPECT_EQ(r, "status: operation cancelled: actual cost limit exceeded");
  EXPECT_EQ(Eval("[1,2,3].map(x, x * 2)"), "[2, 4, 6]");
  EXPECT_GT(stats_.cost, 0u);
}

TEST_F(EvalTest, UndeclaredNamesAreCompileIssuesWithPositions) {
  std::string r = Eval("object.a + nope");
  EXPECT_NE(r.find("undeclared reference to 'nope'"), std::string::npos) << r;
  EXPECT_NE(r.find("<input>:1:12"), std::string::npos) << r;
}

}  // namespace
}  // namespace celgate::cel

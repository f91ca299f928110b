// Static cost estimate versus the runtime cost tracker (STYLE.md H11): both read the constants
// of cel/common/cost_constants.h; these tests check that the estimate brackets the actual cost
// and that expensive expressions are stopped by the per-expression limit.
#include "cel/checker/cost.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "cel/lib/std/std_lib.h"
#include "json/json.h"

namespace celgate::cel {
namespace {

class CostTest : public ::testing::Test {
 protected:
  struct Run {
    CostEstimate estimate;
    uint64_t actual = 0;
    std::string error;  // status message, empty when the evaluation completed
  };
  Run Eval(std::string_view expr, std::string_view object_json = "{}") {
    auto env =
        EnvBuilder().AddLibrary(StandardLibrary()).AddVariable("object", Type::Dyn()).Build();
    CompileResult r = env->Compile(expr);
    EXPECT_TRUE(r.ok()) << expr << "\n" << r.FormatIssues();
    Run out;
    if (!r.ok()) return out;
    out.estimate = r.cost_estimate;
    auto doc = json::Parse(object_json);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    Activation act(env->variable_count());
    act.Set(env->VariableSlot("object"), FromJson(doc->root(), arena_));
    EvalStats stats;
    StatusOr<Value> v = r.program->Eval(act, arena_, EvalOptions{}, &stats);
    if (!v.ok()) out.error = std::string(v.status().message());
    out.actual = stats.cost;
    return out;
  }
  Arena arena_;
};

std::string IntList(int n) {
  std::string s = "[";
  for (int i = 1; i <= n; ++i) s += (i > 1 ? "," : "") + std::to_string(i);
  return s + "]";
}

TEST_F(CostTest, EstimateBracketsActualCost) {
  const std::string object = R"({"a": 3, "s": "abcdefghijklmnopqrstuvwxyz0123456789",
      "items": [1,2,3,4,5,6,7,8,9,10], "m": {"x": 1, "y": 2},
      "nested": {"list": [{"name": "a"}, {"name": "bb"}]}})";
  const char* exprs[] = {
      "1 + 2 == 3",
      "object.a + 1 > 2",
      "object.s.contains('xyz')",
      "object.s.startsWith('ab') || object.s.endsWith('89')",
      "object.s.matches('^a.*9$')",
      "object.s.size() > 3 && object.s < 'zzz'",
      "object.items.exists(e, e == 2)",
      "object.items.all(e, e > 0)",
      "object.items.exists_one(e, e == 1)",
      "object.items.map(x, x * 2)",
      "object.items.filter(x, x % 2 == 0).size()",
      "object.items.map(x, x > 3, x * 2)",
      "[1, 2, 3].map(x, [4, 5].map(y, x * y))",
      "object.s == 'abc' ? object.items.size() : 0",
      "{'a': 1, 'b': 2}['a'] == 1",
      "has(object.a) && object.a > 0",
      "object.s + object.s",
      "object.items + [11, 12]",
      "'abc' in ['abc', 'd']",
      "3 in object.items",
      "size(object.m) > 0 && object.m.all(k, object.m[k] > 0)",
      "string(b'abc') == 'abc'",
      "bytes('abc').size() == 3",
      "duration('1s') < duration('2s')",
      "timestamp('2024-01-01T00:00:00Z') < timestamp('2025-01-01T00:00:00Z')",
      "object.nested.list.all(i, i.name.size() > 0)",
      "object.items == [1, 2]",
  };
  for (const char* e : exprs) {
    Run r = Eval(e, object);
    EXPECT_EQ(r.error, "") << e;
    EXPECT_LE(r.estimate.min, r.actual) << e << " estimate [" << r.estimate.min << ", "
                                        << r.estimate.max << "]";
    EXPECT_GE(r.estimate.max, r.actual) << e << " estimate [" << r.estimate.min << ", "
                                        << r.estimate.max << "]";
  }
}

TEST_F(CostTest, ClosedExpressionsHaveTightEstimates) {
  // No inputs: the estimate is exact when no loop can stop early.
  Run r = Eval("[1, 2, 3].map(x, x * 2)");
  EXPECT_EQ(r.estimate.min, r.actual);
  EXPECT_EQ(r.estimate.max, r.actual);
  r = Eval("'abc'.contains('b')");
  EXPECT_EQ(r.estimate.min, 1u);
  EXPECT_EQ(r.estimate.max, 1u);
}

TEST_F(CostTest, UnknownSizesAreBoundedByTheRequestSize) {
  // object.s is dyn: up to 3 MiB, so contains('x') costs up to ceil(3145728 * 0.1) * 1.
  Run r = Eval("object.s.contains('x')", R"({"s": "x"})");
  EXPECT_EQ(r.estimate.max, 1u + 1u + 314573u);  // ident, select, contains
  // A comprehension over a list of unknown size multiplies by the list bound (3 MiB / 2).
  r = Eval("object.items.all(x, x > 0)", R"({"items": []})");
  EXPECT_GT(r.estimate.max, 1572864u);
  // Nested comprehensions over unknown lists: far beyond any limit, but still finite.
  r = Eval("object.items.map(x, object.items.map(y, x * y))", R"({"items": []})");
  EXPECT_GT(r.estimate.max, kDefaultPerExpressionCostLimit);
}

TEST_F(CostTest, ExpensiveExpressionsStopAtTheLimit) {
  const std::string items = IntList(1000);
  const std::string big(1 << 20, 'a');  // 1 MiB string
  const std::string object = "{\"items\": " + items + ", \"s\": \"" + big + "\"}";
  const std::string exprs[] = {
      // 1000 x 1000 products: about 1000 * (1000 * 15 + 50,000 appends) >> 1,000,000.
      "object.items.map(x, object.items.map(y, x * y))",
      // The same over literals in the source.
      items + ".map(x, " + items + ".map(y, x * y))",
      // Repeated concatenation of a 1 MiB input: 209,716 + 314,573 + 419,431 + 524,288 > 1M.
      "size(object.s + object.s + object.s + object.s + object.s) > 0",
      // Regex over a large input: ceil((1 + 1048576) * 0.1) * ceil(48 * 0.25) = 1,258,296.
      "object.s.matches('a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+r+s+t+u+v+w+x+')",
  };
  for (const std::string& e : exprs) {
    auto start = std::chrono::steady_clock::now();
    Run r = Eval(e, object);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.error, "operation cancelled: actual cost limit exceeded") << e.substr(0, 80);
    EXPECT_GT(r.actual, kDefaultPerExpressionCostLimit) << e.substr(0, 80);
    EXPECT_GT(r.estimate.max, kDefaultPerExpressionCostLimit) << e.substr(0, 80);
    // A bound check, not a benchmark: the limit must stop the work early.
    EXPECT_LT(elapsed, std::chrono::seconds(1)) << e.substr(0, 80);
  }
}

TEST_F(CostTest, ExactRuntimeCostsFromTheSpecTables) {
  // 'abc'.contains('b'): literals cost 0; contains is
  // ceil(size('abc') * 0.1) * ceil(size('b') * 0.1) = ceil(0.3) * ceil(0.1) = 1 * 1 = 1.
  EXPECT_EQ(Eval("'abc'.contains('b')").actual, 1u);
  // x.size(): identifier 1, field selection 1, size() 1 = 3 (object.x stands for x).
  EXPECT_EQ(Eval("object.x.size()", R"({"x": "hello"})").actual, 3u);
  // [1,2,3].exists(e, e == 2): list literal 10, accumulator init `false` 0.
  //  iteration 1: condition !@result -> ident 1 + `!` 1 = 2; step @result || e == 2 ->
  //               ident 1 + (ident e 1 + `==` 1) = 3.
  //  iteration 2: the same, 2 + 3; the step makes @result true.
  //  iteration 3: condition 2 is false, the loop stops.
  //  result @result: 1.  Total 10 + 5 + 5 + 2 + 1 = 23.
  EXPECT_EQ(Eval("[1, 2, 3].exists(e, e == 2)").actual, 23u);
  // 'abc'.matches('b.*'): ceil((1 + 3) * 0.1) * ceil(3 * 0.25) = 1 * 1 = 1.
  EXPECT_EQ(Eval("'abc'.matches('b.*')").actual, 1u);
  // [1,2,3].map(x, x * 2): list 10, init [] 10, per element i (0-based accumulator size i):
  //  @result 1 + [x*2] list 10 + x 1 + `*` 1 + append ceil((i + 1) * 0.1) = 14; result 1.
  //  Total 10 + 10 + 3 * 14 + 1 = 63.
  EXPECT_EQ(Eval("[1, 2, 3].map(x, x * 2)").actual, 63u);
  // {'a': 1} literal 30, index 1, `==` 1 = 32.
  EXPECT_EQ(Eval("{'a': 1}['a'] == 1").actual, 32u);
}

}  // namespace
}  // namespace celgate::cel

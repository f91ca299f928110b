// Static cost estimate versus the runtime cost tracker (STYLE.md H11): both read the constants
// of cel/common/cost_constants.h; these tests check that the estimate brackets the actual cost
// and that expensive expressions are stopped by the per-expression limit.
#include "cel/checker/cost.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "cel/lib/ext/ext.h"
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
  // With `ext`, the extension libraries too (strings latest, sets, lists latest, math,
  // encoders, optional).
  Run Eval(std::string_view expr, std::string_view object_json = "{}", bool ext = false) {
    EnvBuilder b;
    b.AddLibrary(StandardLibrary()).AddVariable("object", Type::Dyn());
    if (ext) {
      for (const Library& lib : ExtLibraries()) b.AddLibrary(lib);
    }
    auto env = b.Build();
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
  static std::vector<Library> ExtLibraries() {
    return {StringsLibrary(1000), SetsLibrary(), ListsLibrary(1000), MathLibrary(1000),
            EncodersLibrary(),   OptionalLibrary()};
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

// STYLE.md H11: each library function declares its runtime cost and its static estimate
// together (Library::FunctionBuilder::Cost); these tests compare the two on every standard and
// extension function with a cost of its own, over inputs bound through a dyn variable (sizes
// bounded only by the request size) and over literals (sizes known exactly).
TEST_F(CostTest, LibraryCallsCostWithinTheirDeclaredEstimates) {
  const std::string long_text(300, 'a');
  const std::string object = R"({"s": "Hello, World, and more words here", "t": "World",
      "u": "héllo wörld", "re": "W[a-z]+d", "d": "90s", "ts": "2024-01-01T00:00:00Z",
      "items": [1, 2, 3, 4, 5, 2, 3], "other": [3, 9], "words": ["ab", "cde", "", "fgh"],
      "long": ")" + long_text + R"("})";
  struct Case {
    std::string expr;
    bool exact;  // only literals: the estimate must be exactly the actual cost
  };
  const Case cases[] = {
      // Standard library (spec 5.2).
      {"object.s + object.t", false},
      {"'abc' + 'defgh'", true},
      {"b'abc' + b'de'", true},
      {"object.items + object.other", false},
      {"[1, 2] + [3]", true},
      {"object.s < object.t", false},
      {"object.long >= object.long", false},
      {"3 in object.items", false},
      {"3 in [1, 2, 3, 4]", true},
      {"object.long.contains(object.t)", false},
      {"'abcdefghijklmnop'.contains('mnopqrstuvwxyz')", true},
      {"object.s.startsWith(object.t)", false},
      {"object.long.endsWith('aaaaaaaaaaaaaaa')", false},
      {"object.s.matches(object.re)", false},
      {"object.long.matches('a+b?')", false},
      {"matches('abcdefghijklmnopqrstu', '[a-z]+q')", true},
      {"string(bytes(object.long)) == object.long", false},
      {"duration(object.d)", false},
      {"timestamp(object.ts)", false},
      {"timestamp('2024-01-01T00:00:00Z')", true},
      // Strings extension (spec 4.1, costs 5.3).
      {"object.s.indexOf('o')", false},
      {"object.long.indexOf('a', 3)", false},
      {"object.s.lastIndexOf('o')", false},
      {"object.long.lastIndexOf('a', 100)", false},
      {"'hello world, again'.indexOf('again')", true},
      {"object.u.lowerAscii()", false},
      {"object.long.upperAscii()", false},
      {"'héllo wörld héllo wörld'.upperAscii()", false},
      {"object.s.replace('o', '00')", false},
      {"object.long.replace('a', 'b', 5)", false},
      {"object.s.split(', ')", false},
      {"object.long.split('a', 3)", false},
      {"'a,b,c,d,e,f,g,h,i,j,k,l'.split(',')", true},
      {"object.s.substring(3)", false},
      {"object.long.substring(3, 250)", false},
      {"object.u.trim()", false},
      {"object.words.join()", false},
      {"object.words.join(', ')", false},
      {"['abc', 'def', 'ghi', 'jkl'].join('--')", false},
      {"object.s.lowerAscii().upperAscii().size()", false},
      {"object.s.split(' ').join('_')", false},
      // Sets extension.
      {"sets.contains(object.items, object.other)", false},
      {"sets.equivalent(object.items, [1, 2, 3, 4, 5])", false},
      {"sets.intersects(object.other, object.items)", false},
      {"sets.contains([1, 2, 3, 4, 5, 6], [6, 7])", true},
      {"sets.equivalent([1, 2, 3], [3, 2, 1])", true},
      // Lists extension (not Kubernetes).
      {"lists.range(25).size()", true},
      {"object.items.distinct()", false},
      {"[1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 6, 7].distinct()", true},
  };
  for (const Case& c : cases) {
    Run r = Eval(c.expr, object, /*ext=*/true);
    const std::string where = c.expr + " estimate [" + std::to_string(r.estimate.min) + ", " +
                              std::to_string(r.estimate.max) + "] actual " +
                              std::to_string(r.actual);
    EXPECT_EQ(r.error, "") << where;
    EXPECT_LE(r.estimate.min, r.actual) << where;
    EXPECT_GE(r.estimate.max, r.actual) << where;
    // The estimator used the declarations: no call falls back to "unbounded".
    EXPECT_LT(r.estimate.max, cost::kUnbounded) << where;
    if (c.exact) {
      EXPECT_EQ(r.estimate.min, r.estimate.max) << where;
    }
  }
}

TEST_F(CostTest, EstimatesComeFromTheDeclarationsAlone) {
  // A library declaring a cost for its own function: the estimator knows nothing else about it.
  Library lib("test.costly");
  lib.Function("costly")
      .Raw("costly_string", {Type::String()}, Type::Int(),
           [](CallContext&, const Value*) { return Value::Int(0); })
      .Cost([](const Value*) -> uint64_t { return 7; },
            [](const EstimateInput& in) -> CallEstimate {
              return {{5, 5 + in.size(0).max}, std::nullopt};
            });
  lib.Function("plain").Raw("plain_string", {Type::String()}, Type::Int(),
                            [](CallContext&, const Value*) { return Value::Int(0); });
  auto env = EnvBuilder().AddLibrary(StandardLibrary()).AddLibrary(lib).Build();
  CompileResult r = env->Compile("costly('abcd')");
  ASSERT_TRUE(r.ok()) << r.FormatIssues();
  EXPECT_EQ(r.cost_estimate.min, 5u);
  EXPECT_EQ(r.cost_estimate.max, 9u);
  r = env->Compile("plain('abcd')");
  ASSERT_TRUE(r.ok()) << r.FormatIssues();
  EXPECT_EQ(r.cost_estimate.min, 1u);  // no declared cost: the default 1
  EXPECT_EQ(r.cost_estimate.max, 1u);
}

TEST(CostDeclarations, EveryRuntimeCostHasAnEstimate) {
  std::vector<Library> libs = {StandardLibrary(), StringsLibrary(1000), SetsLibrary(),
                               ListsLibrary(1000), MathLibrary(1000),   EncodersLibrary(),
                               OptionalLibrary(), TwoVarComprehensionsLibrary()};
  int with_cost = 0;
  for (const Library& lib : libs) {
    for (const FunctionDecl& f : lib.functions()) {
      for (const OverloadDecl& o : f.overloads) {
        if (o.cost == nullptr) continue;
        ++with_cost;
        EXPECT_NE(o.estimate, nullptr) << lib.name() << " " << o.id;
      }
    }
  }
  EXPECT_GT(with_cost, 30);
}

}  // namespace
}  // namespace celgate::cel

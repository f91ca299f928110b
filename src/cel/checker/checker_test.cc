// Type checker behaviour: result types, cel-go error texts with positions, and the cel-spec
// conformance suite (deduced types; no false errors on expressions that evaluate fine).
#include "cel/checker/checker.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cel/cel.h"
#include "cel/lib/ext/ext.h"
#include "cel/lib/std/std_lib.h"
#include "cel/parser/parser.h"
#include "json/json.h"

namespace celgate::cel {
namespace {

// ---- Helpers -------------------------------------------------------------------------------

struct Var {
  std::string name;
  Type type;
};

// What checking `expr` gives: the result type's DebugString, or every issue as
// "line:column: message" joined by "\n".
std::string CheckExpr(std::string_view expr, const std::vector<Var>& vars = {},
                      std::string container = "", bool homogeneous = true) {
  EnvBuilder b;
  b.AddLibrary(StandardLibrary());
  for (const Var& v : vars) b.AddVariable(v.name, v.type);
  EnvOptions opts;
  opts.container = std::move(container);
  opts.checker.homogeneous_aggregate_literals = homogeneous;
  b.SetOptions(opts);
  auto env = b.Build();
  CompileResult r = env->Compile(expr);
  if (r.issues.empty()) return r.result_type.DebugString();
  std::string out;
  for (const Issue& i : r.issues) {
    if (!out.empty()) out += "\n";
    Location loc = r.source->LocationOf(i.offset);
    out += std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": " + i.message;
  }
  return out;
}

// Parse + Check against a hand-built DeclSet (no planning, so declarations without
// implementations are fine). The conformance suite assumes cel-go's default environment, where
// mixed aggregate literals are list(dyn) / map(dyn, dyn) rather than errors.
CheckResult CheckWithDecls(std::string_view expr, const DeclSet& decls, bool* parsed_ok,
                           bool homogeneous = true) {
  Source src{std::string(expr)};
  ParseResult p = Parse(src);
  *parsed_ok = p.ok();
  if (!p.ok()) return CheckResult{};
  CheckerOptions options;
  options.homogeneous_aggregate_literals = homogeneous;
  return Check(p.expr, decls, options);
}

struct Case {
  const char* expr;
  const char* want;
};

const std::vector<Var> kVars = {
    {"i", Type::Int()},
    {"u", Type::Uint()},
    {"d", Type::Double()},
    {"s", Type::String()},
    {"b", Type::Bool()},
    {"x", Type::Dyn()},
    {"li", Type::List(Type::Int())},
    {"ls", Type::List(Type::String())},
    {"msi", Type::Map(Type::String(), Type::Int())},
    {"mid", Type::Map(Type::Int(), Type::Dyn())},
    {"ts", Type::Timestamp()},
    {"dur", Type::Duration()},
    {"oi", Type::Optional(Type::Int())},
    {"om", Type::Optional(Type::Map(Type::String(), Type::Int()))},
    {"a.b.c", Type::String()},
    {"a.b", Type::Map(Type::String(), Type::Int())},
    {"q", Type::Opaque("kubernetes.Quantity")},
};

void RunCases(const std::vector<Case>& cases, const std::vector<Var>& vars = kVars,
              const std::string& container = "", bool homogeneous = true) {
  for (const Case& c : cases) {
    EXPECT_EQ(CheckExpr(c.expr, vars, container, homogeneous), c.want) << c.expr;
  }
}

// ---- Table-driven behaviour ----------------------------------------------------------------

TEST(CheckerLiterals, ConstantsAndAggregatesHavePreciseTypes) {
  RunCases({
      {"1", "int"},
      {"1u", "uint"},
      {"1.5", "double"},
      {"'a'", "string"},
      {"b'a'", "bytes"},
      {"true", "bool"},
      {"null", "null_type"},
      {"[1, 2]", "list(int)"},
      {"[]", "list(dyn)"},
      {"{}", "map(dyn, dyn)"},
      {"{'a': 1}", "map(string, int)"},
      {"{'a': x}", "map(string, dyn)"},
      {"[1, x]", "list(dyn)"},
      {"[x, 1]", "list(dyn)"},
      {"[[1], []]", "list(list(int))"},
      {"[[], [1]]", "list(list(int))"},
      {"[ts, null]", "list(google.protobuf.Timestamp)"},
  });
}

TEST(CheckerLiterals, MixedElementTypesAreErrorsWhenHomogeneous) {
  RunCases({
      {"[1, 'a']", "1:5: expected type 'int' but found 'string'"},
      {"{'a': 1, 'b': 'x'}", "1:15: expected type 'int' but found 'string'"},
      {"{'a': 1, 2: 3}", "1:10: expected type 'string' but found 'int'"},
      {"[1, null]", "1:5: expected type 'int' but found 'null'"},
      {"[1, 'a', 2.0]", "1:5: expected type 'int' but found 'string'"},
  });
  RunCases({{"[1, 'a']", "list(dyn)"}, {"{'a': 1, 'b': 'x'}", "map(string, dyn)"}}, kVars, "",
           /*homogeneous=*/false);
}

TEST(CheckerArithmetic, NoImplicitNumericConversion) {
  RunCases({
      {"1 + 2", "int"},
      {"1u * 2u", "uint"},
      {"1.0 / 2.0", "double"},
      {"'a' + s", "string"},
      {"li + [3]", "list(int)"},
      {"ts - ts", "google.protobuf.Duration"},
      {"ts + dur", "google.protobuf.Timestamp"},
      {"1 + 1.0", "1:3: found no matching overload for '_+_' applied to '(int, double)'"},
      {"i + u", "1:3: found no matching overload for '_+_' applied to '(int, uint)'"},
      {"-u", "1:1: found no matching overload for '-_' applied to '(uint)'"},
      {"1.0 % 2.0", "1:5: found no matching overload for '_%_' applied to '(double, double)'"},
      {"li + ls",
       "1:4: found no matching overload for '_+_' applied to '(list(int), list(string))'"},
      {"x + 1", "int"},  // only add_int64 accepts an int on the right
      {"x + x", "dyn"},
  });
}

TEST(CheckerComparison, CrossTypeNumericOrderingButNotEquality) {
  RunCases({
      {"1 < 2u", "bool"},
      {"1.5 >= i", "bool"},
      {"u <= d", "bool"},
      {"'a' < 'b'", "bool"},
      {"1 == 1", "bool"},
      {"1 == x", "bool"},
      {"x == 'a'", "bool"},
      {"null == ts", "bool"},
      {"oi == null", "bool"},
      {"[1] == [x]", "bool"},
      {"1 == 'a'", "1:3: found no matching overload for '_==_' applied to '(int, string)'"},
      {"1 == 1.0", "1:3: found no matching overload for '_==_' applied to '(int, double)'"},
      {"1 != null", "1:3: found no matching overload for '_!=_' applied to '(int, null)'"},
      {"'a' < 1", "1:5: found no matching overload for '_<_' applied to '(string, int)'"},
      {"[1] < [2]", "1:5: found no matching overload for '_<_' applied to '(list(int), list(int))'"},
  });
}

TEST(CheckerLogic, OperandsMustBeBool) {
  RunCases({
      {"b && x", "bool"},
      {"!b || i > 1", "bool"},
      {"1 && b", "1:1: expected type 'bool' but found 'int'"},
      {"b || 's'", "1:6: expected type 'bool' but found 'string'"},
      {"!i", "1:1: found no matching overload for '!_' applied to '(int)'"},
      {"b ? 1 : 2", "int"},
      {"b ? 1 : x", "dyn"},
      {"b ? x : 'a'", "dyn"},
      {"b ? [] : [1]", "list(int)"},
      {"b ? 1 : 'a'", "1:3: found no matching overload for '_?_:_' applied to '(bool, int, string)'"},
      {"i ? 1 : 2", "1:3: found no matching overload for '_?_:_' applied to '(int, int, int)'"},
  });
}

TEST(CheckerDyn, DynFlowsThroughEverything) {
  RunCases({
      {"x", "dyn"},
      {"x.y.z", "dyn"},
      {"x[0]", "dyn"},
      {"x.size()", "int"},
      {"size(x)", "int"},
      {"dyn(1)", "dyn"},
      {"dyn(1) + 1", "int"},
      {"x.startsWith('a')", "bool"},
      {"int(x)", "int"},
      {"type(1)", "type(int)"},
      {"type(x) == int", "bool"},
      {"int", "type(int)"},
      {"google.protobuf.Timestamp", "type(google.protobuf.Timestamp)"},
      {"x in li", "bool"},
      {"'a' in msi", "bool"},
      {"1 in msi", "1:3: found no matching overload for '@in' applied to '(int, map(string, int))'"},
  });
}

TEST(CheckerSelect, MapsYieldValuesOtherTypesDoNotSupportFields) {
  RunCases({
      {"msi.a", "int"},
      {"has(msi.a)", "bool"},
      {"has(x.a)", "bool"},
      {"li[0]", "int"},
      {"msi['a']", "int"},
      {"mid[1]", "dyn"},
      {"i.f", "1:2: type 'int' does not support field selection"},
      {"has(s.f)", "1:4: type 'string' does not support field selection"},
      {"ts.seconds", "1:3: type 'timestamp' does not support field selection"},
      {"q.f", "1:2: type 'kubernetes.Quantity' does not support field selection"},
      {"li.f", "1:3: type 'list(int)' does not support field selection"},
      {"li['a']",
       "1:3: found no matching overload for '_[_]' applied to '(list(int), string)'"},
  });
}

TEST(CheckerNames, QualifiedNamesResolveLongestDeclaredPrefixInContainer) {
  RunCases({
      {"a.b.c", "string"},
      {"a.b.d", "int"},
      {"a.b", "map(string, int)"},
      {"a.b.c.size()", "int"},
      {"a", "1:1: undeclared reference to 'a' (in container '')"},
      {"nope + 1", "1:1: undeclared reference to 'nope' (in container '')"},
  });
  const std::vector<Var> vars = {{"ns.inner.v", Type::Int()}, {"v", Type::String()},
                                 {"ns.w", Type::Bool()}};
  RunCases({{"v", "int"},
            {"w", "bool"},
            {".v", "string"},
            {"ns.w", "bool"},
            {"zz", "1:1: undeclared reference to 'zz' (in container 'ns.inner')"}},
           vars, "ns.inner");
}

TEST(CheckerNames, ComprehensionVariablesShadowGlobals) {
  RunCases({
      {"[1, 2].all(i, i > 0)", "bool"},
      {"['a'].exists(s, s == 'a')", "bool"},
      {"['a'].map(i, i)", "list(string)"},
      {"['a'].all(a, a.b == 1)", "1:15: type 'string' does not support field selection"},
  });
}

TEST(CheckerFunctions, UndeclaredAndStyleMismatch) {
  RunCases({
      {"foo(1)", "1:4: undeclared reference to 'foo' (in container '')"},
      {"s.foo()", "1:6: undeclared reference to 'foo' (in container '')"},
      {"contains(s, 'a')",
       "1:9: found no matching overload for 'contains' applied to '(string, string)'"},
      {"s.int()", "1:6: found no matching overload for 'int' applied to 'string.()'"},
      {"s.contains(1)",
       "1:11: found no matching overload for 'contains' applied to 'string.(int)'"},
      {"i.size()", "1:7: found no matching overload for 'size' applied to 'int.()'"},
      {"s.size() + size(s)", "int"},
      {"ts.getHours('UTC')", "int"},
      {"matches(s, 'a+')", "bool"},
      {"duration('1s') + dur", "google.protobuf.Duration"},
  });
}

TEST(CheckerMacros, ComprehensionResultTypes) {
  RunCases({
      {"[1, 2].map(x, x * 2)", "list(int)"},
      {"[1, 2].map(x, x > 1, 'a')", "list(string)"},
      {"[1, 2].filter(x, x > 1)", "list(int)"},
      {"[1, 2].all(x, x > 1)", "bool"},
      {"[1, 2].exists(x, x > 1)", "bool"},
      {"[1, 2].exists_one(x, x > 1)", "bool"},
      {"msi.map(k, k + '!')", "list(string)"},
      {"msi.filter(k, msi[k] > 1)", "list(string)"},
      {"x.map(e, e)", "list(dyn)"},
      {"[].map(e, e)", "list(dyn)"},
      {"li.all(i, v, i < v)", "bool"},
      {"msi.exists(k, v, k == 'a' && v > 1)", "bool"},
      {"li.transformList(i, v, v * i)", "list(int)"},
      {"[1, 2].all(x, x)", "1:15: expected type 'bool' but found 'int'"},
      {"i.all(x, x > 0)",
       "1:1: expression of type 'int' cannot be range of a comprehension (must be list, map, "
       "or dynamic)"},
      {"[1].map(x, x + 'a')",
       "1:14: found no matching overload for '_+_' applied to '(int, string)'"},
  });
}

TEST(CheckerOptional, OptionalSelectionAndLiterals) {
  RunCases({
      {"msi.?a", "optional_type(int)"},
      {"x.?a", "optional_type(dyn)"},
      {"om.a", "optional_type(int)"},
      {"om.?a", "optional_type(int)"},
      {"li[?0]", "optional_type(int)"},
      {"msi[?'a']", "optional_type(int)"},
      {"om[?'a']", "optional_type(int)"},
      {"om['a']", "optional_type(int)"},
      {"[?oi, 1]", "list(int)"},
      {"[?msi.?a]", "list(int)"},
      {"{'k': 1, ?'o': oi}", "map(string, int)"},
      {"[?x]", "list(dyn)"},
      {"oi == null", "bool"},
      {"[?i]", "1:3: expected type 'optional_type(int)' but found 'int'"},
      {"{?'k': s}", "1:8: expected type 'optional_type(string)' but found 'string'"},
      {"i.?f", "1:2: type 'int' does not support field selection"},
  });
}

TEST(CheckerIssues, AllErrorsReportedInSourceOrder) {
  EXPECT_EQ(CheckExpr("y + 1 == z && 1 + 1.0 > 0 || 'a'.foo()", kVars),
            "1:1: undeclared reference to 'y' (in container '')\n"
            "1:10: undeclared reference to 'z' (in container '')\n"
            "1:17: found no matching overload for '_+_' applied to '(int, double)'\n"
            "1:37: undeclared reference to 'foo' (in container '')");
  EXPECT_EQ(CheckExpr("[1,\n 'a'].map(e,\n  e.f)", kVars),
            "2:2: expected type 'int' but found 'string'");
  EXPECT_EQ(CheckExpr("[i.f,\n s.g]", kVars),
            "1:3: type 'int' does not support field selection\n"
            "2:3: type 'string' does not support field selection");
}

TEST(CheckerReferences, RecordsResolvedNamesAndOverloads) {
  DeclSet decls;
  decls.AddLibrary(StandardLibrary());
  decls.AddVariable("a.b", Type::Map(Type::String(), Type::Int()));
  decls.AddVariable("i", Type::Int());
  decls.AddVariable("x", Type::Dyn());
  bool parsed = false;
  Source src("a.b.c + i");
  ParseResult p = Parse(src);
  ASSERT_TRUE(p.ok());
  CheckResult r = Check(p.expr, decls, CheckerOptions{});
  ASSERT_TRUE(r.ok());
  const Expr& root = *p.expr.root;
  ASSERT_EQ(root.kind, ExprKind::kCall);
  EXPECT_EQ(r.info.references[root.id].overload_ids, std::vector<std::string>{"add_int64"});
  const Expr& sel = *root.args[0];  // (a.b).c: `a.b` resolves, `.c` selects on the map
  ASSERT_EQ(sel.kind, ExprKind::kSelect);
  EXPECT_EQ(r.info.references[sel.operand->id].name, "a.b");
  EXPECT_EQ(r.info.references[root.args[1]->id].name, "i");
  EXPECT_EQ(r.info.types[sel.id], Type::Int());

  CheckResult r2 = CheckWithDecls("x + 1", decls, &parsed);
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2.result_type, Type::Int());
}

TEST(CheckerReferences, PlannerRunsWithCheckedReferences) {
  auto env = EnvBuilder()
                 .AddLibrary(StandardLibrary())
                 .AddVariable("a.b", Type::Map(Type::String(), Type::Int()))
                 .Build();
  CompileResult typed = env->Compile("has(a.b.c) ? a.b.c : 0");
  ASSERT_TRUE(typed.ok()) << typed.FormatIssues();
  EXPECT_EQ(typed.result_type, Type::Int());

  CompileResult r = env->Compile("[1, 2].map(e, e * 2)[1] + size('ab') + (dyn(1) == 1.0 ? 1 : 0)");
  ASSERT_TRUE(r.ok()) << r.FormatIssues();
  EXPECT_EQ(r.result_type, Type::Int());
  Activation act(env->variable_count());
  Arena arena;
  StatusOr<Value> v = r.program->Eval(act, arena);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(DebugString(*v, arena), "7");
}

// ---- Conformance oracle ------------------------------------------------------------------

#ifndef CELGATE_CEL_CONFORMANCE_DIR
#define CELGATE_CEL_CONFORMANCE_DIR "/work/shared/cel-conformance"
#endif

std::string ConformanceDir() {
  const char* env = std::getenv("CEL_CONFORMANCE_DIR");
  return env ? env : CELGATE_CEL_CONFORMANCE_DIR;
}

// cel.expr.Type (proto3 JSON) -> Type. False for kinds we do not model (messages, wrappers).
bool DecodeType(json::Value t, Type* out) {
  if (!t.is_object() || t.size() != 1) return false;
  std::string_view key = t.key_at(0);
  json::Value p = t.value_at(0);
  if (key == "dyn") {
    *out = Type::Dyn();
  } else if (key == "null") {
    *out = Type::Null();
  } else if (key == "error") {
    *out = Type::Error();
  } else if (key == "primitive") {
    std::string_view s = p.as_string();
    if (s == "BOOL") *out = Type::Bool();
    else if (s == "INT64") *out = Type::Int();
    else if (s == "UINT64") *out = Type::Uint();
    else if (s == "DOUBLE") *out = Type::Double();
    else if (s == "STRING") *out = Type::String();
    else if (s == "BYTES") *out = Type::Bytes();
    else return false;
  } else if (key == "wellKnown") {
    std::string_view s = p.as_string();
    if (s == "TIMESTAMP") *out = Type::Timestamp();
    else if (s == "DURATION") *out = Type::Duration();
    else return false;
  } else if (key == "listType") {
    Type e;
    if (!DecodeType(p.Find("elemType"), &e)) return false;
    *out = Type::List(e);
  } else if (key == "mapType") {
    Type k, v;
    if (!DecodeType(p.Find("keyType"), &k) || !DecodeType(p.Find("valueType"), &v)) return false;
    *out = Type::Map(k, v);
  } else if (key == "type") {
    Type inner;
    if (!DecodeType(p, &inner)) return false;
    *out = Type::TypeOf(inner);
  } else if (key == "typeParam") {
    *out = Type::Param(std::string(p.as_string()));
  } else if (key == "abstractType") {
    std::vector<Type> ps;
    json::Value arr = p.Find("parameterTypes");
    for (size_t i = 0; i < arr.size(); ++i) {
      ps.emplace_back();
      if (!DecodeType(arr.at(i), &ps.back())) return false;
    }
    std::string name(p.Find("name").as_string());
    *out = name == "optional_type" && ps.size() == 1 ? Type::Optional(ps[0])
                                                      : Type::Opaque(name, std::move(ps));
  } else {
    return false;
  }
  return true;
}

// Builds the declarations of one conformance test: std lib, the extension libraries, and the
// test's typeEnv (functions become declaration-only overloads). False when unsupported.
bool BuildDecls(json::Value test, DeclSet* decls) {
  decls->AddLibrary(StandardLibrary());
  // Every library the suite exercises except cel.block (not offered by this engine).
  decls->AddLibrary(OptionalLibrary());
  decls->AddLibrary(StringsLibrary(1000));
  decls->AddLibrary(SetsLibrary());
  decls->AddLibrary(TwoVarComprehensionsLibrary());
  decls->AddLibrary(ListsLibrary(1000));
  decls->AddLibrary(MathLibrary(1000));
  decls->AddLibrary(EncodersLibrary());
  decls->set_container(std::string(test.Find("container").as_string()));
  json::Value env = test.Find("typeEnv");
  Library fns("test.typeEnv");
  for (size_t i = 0; i < env.size(); ++i) {
    json::Value d = env.at(i);
    std::string name(d.Find("name").as_string());
    if (json::Value ident = d.Find("ident"); ident.valid()) {
      Type t;
      if (!DecodeType(ident.Find("type"), &t)) return false;
      decls->AddVariable(name, t);
    } else if (json::Value fn = d.Find("function"); fn.valid()) {
      json::Value ovs = fn.Find("overloads");
      for (size_t j = 0; j < ovs.size(); ++j) {
        json::Value o = ovs.at(j);
        std::vector<Type> params;
        json::Value ps = o.Find("params");
        for (size_t k = 0; k < ps.size(); ++k) {
          params.emplace_back();
          if (!DecodeType(ps.at(k), &params.back())) return false;
        }
        Type result;
        if (!DecodeType(o.Find("resultType"), &result)) return false;
        auto builder = o.Find("isInstanceFunction").as_bool() ? fns.Member(name) : fns.Function(name);
        builder.Raw(std::string(o.Find("overloadId").as_string()), std::move(params), result,
                    nullptr);
      }
    } else {
      return false;
    }
  }
  decls->AddLibrary(fns);
  return true;
}

bool NeedsProto(json::Value test) {
  json::Value req = test.Find("requires");
  for (size_t i = 0; i < req.size(); ++i) {
    if (req.at(i).as_string().find("proto") != std::string_view::npos) return true;
  }
  return false;
}

std::vector<std::string> ConformanceFiles() {
  return {"basic",      "bindings_ext", "block_ext",    "comparisons", "conversions",
          "dynamic",    "encoders_ext", "enums",        "fields",      "fp_math",
          "integer_math", "lists",      "logic",        "macros",      "macros2",
          "math_ext",   "namespace",    "optionals",    "parse",       "plumbing",
          "string",     "string_ext",   "timestamps",   "type_deductions", "unknowns",
          "wrappers"};
}

bool LoadFile(const std::string& name, json::Document* doc) {
  std::ifstream in(ConformanceDir() + "/" + name + ".json");
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = json::Parse(ss.str());
  if (!parsed.ok()) return false;
  *doc = std::move(*parsed);
  return true;
}

std::string IssuesText(const CheckResult& r) {
  std::string out;
  for (const Issue& i : r.issues) out += " [" + i.message + "]";
  return out;
}

TEST(CheckerConformance, DeducedTypesMatch) {
  int passed = 0, total = 0, skipped = 0;
  for (const std::string& file : ConformanceFiles()) {
    json::Document doc;
    if (!LoadFile(file, &doc)) continue;
    json::Value sections = doc.root().Find("sections");
    for (size_t s = 0; s < sections.size(); ++s) {
      json::Value tests = sections.at(s).Find("tests");
      for (size_t t = 0; t < tests.size(); ++t) {
        json::Value test = tests.at(t);
        json::Value want_json = test.Find("expect").Find("deducedType");
        if (!want_json.valid() || NeedsProto(test)) continue;
        std::string label = file + "/" + std::string(test.Find("name").as_string());
        DeclSet decls;
        Type want;
        if (!BuildDecls(test, &decls) || !DecodeType(want_json, &want)) {
          ++skipped;
          continue;
        }
        ++total;
        bool parsed = false;
        CheckResult r = CheckWithDecls(test.Find("expr").as_string(), decls, &parsed,
                                       /*homogeneous=*/false);
        EXPECT_TRUE(parsed) << label;
        EXPECT_TRUE(r.ok()) << label << IssuesText(r);
        EXPECT_EQ(r.result_type.DebugString(), want.DebugString()) << label;
        if (parsed && r.ok() && r.result_type == want) ++passed;
      }
    }
  }
  std::cout << "deducedType: " << passed << "/" << total << " passed, " << skipped
            << " skipped\n";
  EXPECT_GT(total, 0) << "no conformance tests found under " << ConformanceDir();
}

// Kinds a successfully evaluated value may have under a static type (dyn: any).
bool ValueFitsType(std::string_view value_key, const Type& t) {
  switch (t.kind()) {
    case TypeKind::kDyn:
    case TypeKind::kError:
    case TypeKind::kTypeParam:
    case TypeKind::kOpaque:
    case TypeKind::kOptional:
      return true;
    case TypeKind::kNull: return value_key == "null";
    case TypeKind::kBool: return value_key == "bool";
    case TypeKind::kInt: return value_key == "int";
    case TypeKind::kUint: return value_key == "uint";
    case TypeKind::kDouble: return value_key == "double";
    case TypeKind::kString: return value_key == "string";
    case TypeKind::kBytes: return value_key == "bytes";
    case TypeKind::kList: return value_key == "list";
    case TypeKind::kMap: return value_key == "map";
    case TypeKind::kTimestamp: return value_key == "timestamp" || value_key == "null";
    case TypeKind::kDuration: return value_key == "duration" || value_key == "null";
    case TypeKind::kType: return value_key == "type";
  }
  return true;
}

// Every test that evaluates to a value must type-check (no false errors), and the value must
// fit the deduced type. Tests needing libraries this environment lacks show up as undeclared
// functions only; those are skipped.
TEST(CheckerConformance, ExpressionsThatEvaluateAlsoCheck) {
  int checked = 0, skipped = 0, check_errors_for_error_tests = 0, error_tests = 0;
  for (const std::string& file : ConformanceFiles()) {
    json::Document doc;
    if (!LoadFile(file, &doc)) continue;
    json::Value sections = doc.root().Find("sections");
    for (size_t s = 0; s < sections.size(); ++s) {
      json::Value tests = sections.at(s).Find("tests");
      for (size_t t = 0; t < tests.size(); ++t) {
        json::Value test = tests.at(t);
        if (NeedsProto(test) || test.Find("disableCheck").as_bool() ||
            test.Find("disableMacros").as_bool()) {
          continue;
        }
        std::string label = file + "/" + std::string(test.Find("name").as_string());
        DeclSet decls;
        if (!BuildDecls(test, &decls)) {
          ++skipped;
          continue;
        }
        json::Value expect = test.Find("expect");
        json::Value value = expect.Find("value");
        bool parsed = false;
        CheckResult r = CheckWithDecls(test.Find("expr").as_string(), decls, &parsed,
                                       /*homogeneous=*/false);
        if (!parsed) continue;
        if (!value.valid()) {
          if (expect.Find("error").valid() || expect.Find("anyError").valid()) {
            ++error_tests;
            if (!r.ok()) ++check_errors_for_error_tests;
          }
          continue;
        }
        bool missing_declarations = false;
        for (const Issue& i : r.issues) {
          if (i.message.rfind("undeclared reference to '", 0) == 0) missing_declarations = true;
        }
        if (missing_declarations) {
          if (std::getenv("CHECKER_TEST_VERBOSE")) std::cout << "skip " << label << IssuesText(r) << "\n";
          ++skipped;
          continue;
        }
        ++checked;
        EXPECT_TRUE(r.ok()) << label << ": " << test.Find("expr").as_string() << IssuesText(r);
        if (r.ok() && value.is_object() && value.size() == 1) {
          EXPECT_TRUE(ValueFitsType(value.key_at(0), r.result_type))
              << label << ": value " << value.key_at(0) << " vs type "
              << r.result_type.DebugString();
        }
      }
    }
  }
  std::cout << "value tests checked: " << checked << ", skipped (missing libraries): " << skipped
            << "; error tests rejected at check time: " << check_errors_for_error_tests << "/"
            << error_tests << "\n";
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace celgate::cel

// cel/parser/parser_test.cc: table-driven tests for the CEL lexer, parser and macro expansion,
// plus the cel-spec conformance expressions as a parse oracle.
#include "cel/parser/parser.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cel/common/operators.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace celgate::cel {
namespace {

using ::testing::HasSubstr;

// Debug form of a successful parse, or "ERROR..." text (FormatIssues) for a failed one.
std::string P(const std::string& text, const ParserOptions& options = {}) {
  Source source(text);
  ParseResult r = Parse(source, options);
  if (!r.ok()) {
    return FormatIssues(source, r.issues);
  }
  return DebugString(*r.expr.root);
}

std::string PIds(const std::string& text) {
  Source source(text);
  ParseResult r = Parse(source);
  if (!r.ok()) {
    return FormatIssues(source, r.issues);
  }
  return DebugString(*r.expr.root, /*with_ids=*/true);
}

// Only the first line of each issue: "ERROR: <input>:l:c: message".
std::string Errors(const std::string& text, const ParserOptions& options = {}) {
  Source source(text);
  ParseResult r = Parse(source, options);
  std::string out;
  for (const Issue& issue : r.issues) {
    std::string formatted = FormatIssues(source, {issue});
    if (!out.empty()) {
      out += "\n";
    }
    out += formatted.substr(0, formatted.find('\n'));
  }
  return out;
}

// Walks the AST and checks ids are unique, positive, below next_id and positioned.
void CheckIdInvariants(const ParsedExpr& parsed) {
  std::set<ExprId> seen;
  std::vector<const Expr*> stack = {parsed.root.get()};
  const auto check = [&](ExprId id) {
    EXPECT_GT(id, 0);
    EXPECT_LT(id, parsed.next_id);
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id " << id;
    EXPECT_TRUE(parsed.positions.count(id)) << "no position for id " << id;
  };
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    ASSERT_NE(e, nullptr);
    check(e->id);
    if (e->operand) {
      stack.push_back(e->operand.get());
    }
    if (e->target) {
      stack.push_back(e->target.get());
    }
    for (const auto& a : e->args) {
      stack.push_back(a.get());
    }
    for (const auto& en : e->entries) {
      check(en.id);
      if (en.key) {
        stack.push_back(en.key.get());
      }
      stack.push_back(en.value.get());
    }
    if (e->comprehension) {
      const Comprehension& c = *e->comprehension;
      for (const ExprPtr* p :
           {&c.iter_range, &c.accu_init, &c.loop_condition, &c.loop_step, &c.result}) {
        stack.push_back(p->get());
      }
    }
  }
}

struct Case {
  std::string input;
  std::string want;
};

void RunCases(const std::vector<Case>& cases, const ParserOptions& options = {}) {
  for (const Case& c : cases) {
    EXPECT_EQ(P(c.input, options), c.want) << "input: " << c.input;
    Source source(c.input);
    ParseResult r = Parse(source, options);
    if (r.ok()) {
      CheckIdInvariants(r.expr);
    }
  }
}

TEST(ParserLiterals, ParsesEveryNumberForm) {
  RunCases({
      {"0", "0"},
      {"42", "42"},
      {"0x1F", "31"},
      {"0xff", "255"},
      {"-1", "-1"},
      {"- 1", "-1"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"-0x8000000000000000", "-9223372036854775808"},
      {"0x7fffffffffffffff", "9223372036854775807"},
      {"0u", "0u"},
      {"42U", "42u"},
      {"0x2Au", "42u"},
      {"18446744073709551615u", "18446744073709551615u"},
      {"0xFFFFFFFFFFFFFFFFu", "18446744073709551615u"},
      {"1.5", "1.5"},
      {".5", "0.5"},
      {"-.5", "-0.5"},
      {"1e3", "1000.0"},
      {"1.5e-3", "0.0015"},
      {"2E+2", "200.0"},
      {"-1.5e2", "-150.0"},
      {"1e-400", "0.0"},
      {"0.0", "0.0"},
      {"true", "true"},
      {"false", "false"},
      {"null", "null"},
      {"-1u", "(-_ 1u)"},
      {"-(1)", "(-_ 1)"},
      {"--1", "1"},
      {"---1", "(-_ 1)"},
      {"4--4", "(_-_ 4 -4)"},
      {"4--4.1", "(_-_ 4 -4.1)"},
      {"-1.abs()", "(.abs -1)"},
      {"-x.abs()", "(-_ (.abs x))"},
  });
}

TEST(ParserLiterals, ParsesStringsWithEveryEscape) {
  RunCases({
      {R"('hello')", R"("hello")"},
      {R"("hello")", R"("hello")"},
      {R"('''hello''')", R"("hello")"},
      {R"("""hello""")", R"("hello")"},
      {R"('')", R"("")"},
      {R"("")", R"("")"},
      {R"(' \\ \? \" \' \` ')", R"(" \\ ? \" ' ` ")"},
      {R"(' \a \b \f \n \r \t \v ')", R"(" \x07 \x08 \x0c \n \r \t \x0b ")"},
      {R"('\x41\X42')", R"("AB")"},
      {R"('\u00e9')", "\"\xc3\xa9\""},
      {R"('\U0001F62C')", "\"\xf0\x9f\x98\xac\""},
      {R"('\101\060')", R"("A0")"},
      {R"('\377')", "\"\xc3\xbf\""},
      {R"('\xff')", "\"\xc3\xbf\""},
      {"'h\xc3\xa9llo'", "\"h\xc3\xa9llo\""},
      {R"(r'\n\x00')", R"("\\n\\x00")"},
      {R"(R"\d+")", R"("\\d+")"},
      {R"(r'''a\'b''')", R"("a\\'b")"},
      {"'''a\nb'''", R"("a\nb")"},
      {"'''a\r\nb\rc'''", R"("a\nb\nc")"},
      {R"('''it's''')", R"("it's")"},
      {R"("""say "hi" """)", R"("say \"hi\" ")"},
      {R"('''a\'''')", R"("a'")"},
      {R"('a' + "b")", R"((_+_ "a" "b"))"},
  });
}

TEST(ParserLiterals, ParsesBytes) {
  RunCases({
      {R"(b'abc')", R"(b"abc")"},
      {R"(B"abc")", R"(b"abc")"},
      {R"(b'''abc''')", R"(b"abc")"},
      {R"(b'\xff\x00')", R"(b"\xff\x00")"},
      {R"(b'\377\000')", R"(b"\xff\x00")"},
      {"b'\xc3\xbf'", R"(b"\xc3\xbf")"},
      {R"(b'\u00ff')", R"(b"\xc3\xbf")"},
      {R"(br'\xff')", R"(b"\\xff")"},
      {R"(bR'\n')", R"(b"\\n")"},
      {R"(b'\a\?')", R"(b"\x07?")"},
  });
}

TEST(ParserLiterals, ReportsBadLiterals) {
  RunCases({
      {"9223372036854775808",
       "ERROR: <input>:1:1: invalid int literal\n | 9223372036854775808\n | ^"},
      {"-9223372036854775809",
       "ERROR: <input>:1:1: invalid int literal\n | -9223372036854775809\n | ^"},
      {"0x10000000000000000",
       "ERROR: <input>:1:1: invalid int literal\n | 0x10000000000000000\n | ^"},
      {"18446744073709551616u",
       "ERROR: <input>:1:1: invalid uint literal\n | 18446744073709551616u\n | ^"},
      {"1e400", "ERROR: <input>:1:1: invalid double literal\n | 1e400\n | ^"},
      {"x + -1e999", "ERROR: <input>:1:5: invalid double literal\n | x + -1e999\n | ....^"},
      {R"('\uD800')", "ERROR: <input>:1:1: invalid unicode code point\n | '\\uD800'\n | ^"},
      {R"('\U00110000')", "ERROR: <input>:1:1: invalid unicode code point\n | '\\U00110000'\n | ^"},
      {R"('\q')",
       "ERROR: <input>:1:1: Syntax error: token recognition error at: ''\\q'\n | '\\q'\n | ^"},
      {R"('\x4g')",
       "ERROR: <input>:1:1: Syntax error: token recognition error at: ''\\x4g'\n"
       " | '\\x4g'\n | ^"},
      {R"('\400')",
       "ERROR: <input>:1:1: Syntax error: token recognition error at: ''\\4'\n | '\\400'\n | ^"},
      {R"('\12')",
       "ERROR: <input>:1:1: Syntax error: token recognition error at: ''\\12''\n | '\\12'\n | ^"},
  });
}

TEST(ParserLiterals, ReportsUnterminatedStrings) {
  EXPECT_EQ(Errors("'abc"),
            "ERROR: <input>:1:1: Syntax error: token recognition error at: ''abc'\n"
            "ERROR: <input>:1:5: Syntax error: mismatched input '<EOF>' expecting {'[', '{', "
            "'(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}");
  EXPECT_EQ(Errors("'ab\nc'"),
            "ERROR: <input>:1:1: Syntax error: token recognition error at: ''ab\\n'\n"
            "ERROR: <input>:2:2: Syntax error: token recognition error at: '''");
  EXPECT_THAT(Errors("'''abc"), HasSubstr("token recognition error at: ''abc'"));
  EXPECT_THAT(Errors("r'abc"), HasSubstr("token recognition error at: ''abc'"));
}

TEST(ParserLexer, ReportsUnknownCharactersAndContinues) {
  EXPECT_EQ(Errors("1 + $"),
            "ERROR: <input>:1:5: Syntax error: token recognition error at: '$'\n"
            "ERROR: <input>:1:6: Syntax error: mismatched input '<EOF>' expecting {'[', '{', "
            "'(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}");
  EXPECT_EQ(Errors("a | b"),
            "ERROR: <input>:1:3: Syntax error: token recognition error at: '| '\n"
            "ERROR: <input>:1:5: Syntax error: extraneous input 'b' expecting <EOF>");
  EXPECT_EQ(Errors("*@a | b"),
            "ERROR: <input>:1:1: Syntax error: extraneous input '*' expecting {'[', '{', '(', "
            "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}\n"
            "ERROR: <input>:1:2: Syntax error: token recognition error at: '@'\n"
            "ERROR: <input>:1:5: Syntax error: token recognition error at: '| '\n"
            "ERROR: <input>:1:7: Syntax error: extraneous input 'b' expecting <EOF>");
  EXPECT_EQ(Errors("a # b"),
            "ERROR: <input>:1:3: Syntax error: token recognition error at: '#'\n"
            "ERROR: <input>:1:5: Syntax error: extraneous input 'b' expecting "
            "<EOF>");
  EXPECT_EQ(Errors("a = b"),
            "ERROR: <input>:1:3: Syntax error: token recognition error at: '= '\n"
            "ERROR: <input>:1:5: Syntax error: extraneous input 'b' expecting "
            "<EOF>");
  EXPECT_EQ(Errors("'é' + é"),
            "ERROR: <input>:1:7: Syntax error: token recognition error at: 'é'\n"
            "ERROR: <input>:1:8: Syntax error: mismatched input '<EOF>' expecting {'[', '{', "
            "'(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}");
}

TEST(ParserLexer, HandlesWhitespaceAndComments) {
  RunCases({
      {"a // comment", "a"},
      {"// c1\na // c2\n+ // c3\nb", "(_+_ a b)"},
      {"a\t+\r\nb\f", "(_+_ a b)"},
      {"'a // not a comment'", R"("a // not a comment")"},
      {"a / b", "(_/_ a b)"},
  });
}

TEST(ParserLexer, FallsBackToTheLongestToken) {
  RunCases({
      {"a.b", "a.b"},
      {"x[0].y", "(_[_] x 0).y"},
      {"1.e", "1.e"},  // INT DOT IDENT: a selection on 1, rejected later by the checker
  });
  EXPECT_THAT(Errors("1."), HasSubstr("1:3: Syntax error: mismatched input '<EOF>' expecting "
                                      "IDENTIFIER"));
  EXPECT_THAT(Errors("0x"), HasSubstr("extraneous input 'x' expecting <EOF>"));
  EXPECT_THAT(Errors("1e"), HasSubstr("extraneous input 'e' expecting <EOF>"));
  EXPECT_THAT(Errors("1.5u"), HasSubstr("extraneous input 'u' expecting <EOF>"));
}

TEST(ParserOperators, FollowsPrecedenceAndAssociativity) {
  RunCases({
      {"a + b * c", "(_+_ a (_*_ b c))"},
      {"a * b + c", "(_+_ (_*_ a b) c)"},
      {"a - b - c", "(_-_ (_-_ a b) c)"},
      {"a / b % c * d", "(_*_ (_%_ (_/_ a b) c) d)"},
      {"a < b == c", "(_==_ (_<_ a b) c)"},
      {"a == b < c", "(_<_ (_==_ a b) c)"},
      {"a <= b != c >= d > e", "(_>_ (_>=_ (_!=_ (_<=_ a b) c) d) e)"},
      {"a in b", "(@in a b)"},
      {"a + 1 in [1, 2]", "(@in (_+_ a 1) [1 2])"},
      {"a && b || c", "(_||_ (_&&_ a b) c)"},
      {"a || b && c", "(_||_ a (_&&_ b c))"},
      {"a ? b : c", "(_?_:_ a b c)"},
      {"a ? b : c ? d : e", "(_?_:_ a b (_?_:_ c d e))"},
      {"a ? (b ? c : d) : e", "(_?_:_ a (_?_:_ b c d) e)"},
      {"a || b ? c + d : e && f", "(_?_:_ (_||_ a b) (_+_ c d) (_&&_ e f))"},
      {"!a", "(!_ a)"},
      {"!!a", "a"},
      {"!!!a", "(!_ a)"},
      {"-a", "(-_ a)"},
      {"--a", "a"},
      {"!a.b", "(!_ a.b)"},
      {"-a[0]", "(-_ (_[_] a 0))"},
      {"!-1", "(!_ -1)"},
      {"(a + b) * c", "(_*_ (_+_ a b) c)"},
      {"((a))", "a"},
      {"false && !true || false ? 2 : 3", "(_?_:_ (_||_ (_&&_ false (!_ true)) false) 2 3)"},
      {"1 + 2 * 3 - 1 / 2 == 6 % 1", "(_==_ (_-_ (_+_ 1 (_*_ 2 3)) (_/_ 1 2)) (_%_ 6 1))"},
  });
}

TEST(ParserOperators, BalancesLogicalChainsLikeCelGo) {
  EXPECT_EQ(P("a || b || c || d || e || f"), "(_||_ (_||_ (_||_ a b) c) (_||_ (_||_ d e) f))");
  EXPECT_EQ(PIds("a || b || c || d || e || f"),
            "(_||_ (_||_ (_||_ a^#1 b^#2)^#3 c^#4)^#5 (_||_ (_||_ d^#6 e^#8)^#9 f^#10)^#11)^#7");
  EXPECT_EQ(P("a && b && c && d && e && f && g"),
            "(_&&_ (_&&_ (_&&_ a b) (_&&_ c d)) (_&&_ (_&&_ e f) g))");
}

TEST(ParserOperators, NumbersNodesInCelGoOrder) {
  EXPECT_EQ(PIds("a + b"), "(_+_ a^#1 b^#3)^#2");
  EXPECT_EQ(PIds("a ? b : c"), "(_?_:_ a^#1 b^#3 c^#4)^#2");
  EXPECT_EQ(PIds("!a"), "(!_ a^#2)^#1");
  EXPECT_EQ(PIds("a.b(c)"), "(.b a^#1 c^#3)^#2");
  EXPECT_EQ(PIds("f(a, b)"), "(f a^#2 b^#3)^#1");
  EXPECT_EQ(PIds("a[b]"), "(_[_] a^#1 b^#3)^#2");
  EXPECT_EQ(PIds("[a, b]"), "[a^#2 b^#3]^#1");
  EXPECT_EQ(PIds("{a: b}"), "{a^#3:b^#4}^#1");
  EXPECT_EQ(PIds("M{f: b}"), "M{f:b^#3}^#1");
  EXPECT_EQ(PIds("a.b.c"), "a^#1.b^#2.c^#3");
}

TEST(ParserOperators, RecordsPositions) {
  Source source("a +\n  f(x)[0]");
  ParseResult r = Parse(source);
  ASSERT_TRUE(r.ok());
  const Expr& add = *r.expr.root;
  EXPECT_EQ(r.expr.positions.at(add.id), 2);  // '+'
  const Expr& index = *add.args[1];
  EXPECT_EQ(r.expr.positions.at(index.id), 10);  // '['
  const Expr& call = *index.args[0];
  EXPECT_EQ(r.expr.positions.at(call.id), 7);  // '('
  EXPECT_EQ(r.expr.positions.at(call.args[0]->id), 8);
  Location loc = source.LocationOf(r.expr.positions.at(call.id));
  EXPECT_EQ(loc.line, 2);
  EXPECT_EQ(loc.column, 4);
  // Code points, not bytes.
  Source unicode("'héllo' + x");
  ParseResult u = Parse(unicode);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.expr.positions.at(u.expr.root->id), 8);
  EXPECT_EQ(u.expr.positions.at(u.expr.root->args[1]->id), 10);
}

TEST(ParserSyntax, ParsesSelectionsCallsAndConstruction) {
  RunCases({
      {"a.b.c", "a.b.c"},
      {".a.b", ".a.b"},
      {".a", ".a"},
      {"a.b()", "(.b a)"},
      {"f()", "(f)"},
      {".f(1)", "(.f 1)"},
      {"a.b.f(1, 2)", "(.f a.b 1 2)"},
      {"size(x) == x.size()", "(_==_ (size x) (.size x))"},
      {"a[b][c]", "(_[_] (_[_] a b) c)"},
      {"[]", "[]"},
      {"[1, 2, 3,]", "[1 2 3]"},
      {"[,]", "[]"},
      {"{}", "{}"},
      {"{,}", "{}"},
      {"{1: 2u, 'k': [3],}", R"({1:2u "k":[3]})"},
      {"Msg{}", "Msg{}"},
      {"a.b.Msg{f: 1, g: 'x',}", R"(a.b.Msg{f:1 g:"x"})"},
      {".a.Msg{f: 1}", ".a.Msg{f:1}"},
      {"Msg{f: Msg{g: 1}}.f.g", "Msg{f:Msg{g:1}}.f.g"},
      {"google.protobuf.Int32Value{value: 1}", "google.protobuf.Int32Value{value:1}"},
      {"{'in': 1}.while", R"({"in":1}.while)"},
      {"a.while() || a.as()", "(_||_ (.while a) (.as a))"},
      {"TestAllTypes{as: true, while: 1}", "TestAllTypes{as:true while:1}"},
      {"a.`b-c`", "a.b-c"},
      {"a.`b.c/d e`.f", "a.b.c/d e.f"},
      {"Msg{`k-1`: 1}", "Msg{k-1:1}"},
      {"[a, b][0].c", "(_[_] [a b] 0).c"},
      {"f(a)(b)",
       "ERROR: <input>:1:5: Syntax error: mismatched input '(' expecting <EOF>\n | f(a)(b)\n"
       " | ....^"},
      {"f(a)(",
       "ERROR: <input>:1:5: Syntax error: extraneous input '(' expecting <EOF>\n | f(a)(\n"
       " | ....^"},
  });
}

TEST(ParserSyntax, RejectsReservedIdentifiers) {
  for (const char* word :
       {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while"}) {
    const std::string w = word;
    EXPECT_EQ(Errors(w), "ERROR: <input>:1:1: reserved identifier: " + w) << w;
    EXPECT_EQ(Errors("x + " + w + "(1)"), "ERROR: <input>:1:5: reserved identifier: " + w) << w;
    EXPECT_EQ(Errors("." + w), "ERROR: <input>:1:1: reserved identifier: " + w) << w;
  }
  EXPECT_THAT(Errors("a.true"), HasSubstr("mismatched input 'true' expecting IDENTIFIER"));
  EXPECT_THAT(Errors("a.in"), HasSubstr("mismatched input 'in' expecting IDENTIFIER"));
  EXPECT_THAT(Errors("in"), HasSubstr("mismatched input 'in' expecting {"));
}

TEST(ParserSyntax, ReportsSyntaxErrorsWithPositions) {
  EXPECT_EQ(Errors("1 + 2\n3 +"),
            "ERROR: <input>:2:1: Syntax error: mismatched input '3' expecting <EOF>");
  EXPECT_EQ(Errors("(1 + 2"), "ERROR: <input>:1:7: Syntax error: missing ')' at '<EOF>'");
  EXPECT_EQ(Errors("f(a b)"),
            "ERROR: <input>:1:5: Syntax error: extraneous input 'b' expecting ')'");
  EXPECT_EQ(Errors("[1, 2"), "ERROR: <input>:1:6: Syntax error: missing ']' at '<EOF>'");
  EXPECT_EQ(Errors("{1: 2"), "ERROR: <input>:1:6: Syntax error: missing '}' at '<EOF>'");
  EXPECT_EQ(Errors("{1 2}"), "ERROR: <input>:1:4: Syntax error: missing ':' at '2'");
  EXPECT_EQ(Errors("{1 )}"),
            "ERROR: <input>:1:4: Syntax error: mismatched input ')' expecting ':'");
  EXPECT_EQ(Errors("a ? b"),
            "ERROR: <input>:1:6: Syntax error: mismatched input '<EOF>' expecting ':'");
  EXPECT_EQ(Errors("a ? b c"), "ERROR: <input>:1:7: Syntax error: missing ':' at 'c'");
  // The middle operand of ?: is a conditionalOr, so an unparenthesised nested ?: is an error.
  EXPECT_EQ(Errors("a ? b ? c : d : e"),
            "ERROR: <input>:1:7: Syntax error: mismatched input '?' expecting ':'");
  EXPECT_EQ(Errors("a."),
            "ERROR: <input>:1:3: Syntax error: mismatched input '<EOF>' expecting IDENTIFIER");
  EXPECT_EQ(Errors(""),
            "ERROR: <input>:1:1: Syntax error: mismatched input '<EOF>' expecting {'[', '{', "
            "'(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}");
  EXPECT_EQ(Errors("f(a,)"),
            "ERROR: <input>:1:5: Syntax error: mismatched input ')' expecting {'[', '{', '(', "
            "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}");
  EXPECT_EQ(Errors("-!a"),
            "ERROR: <input>:1:2: Syntax error: mismatched input '!' expecting {'[', '{', '(', "
            "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}");
  EXPECT_EQ(Errors("Msg{1: 2}"),
            "ERROR: <input>:1:5: Syntax error: mismatched input '1' expecting {'}', '?', "
            "IDENTIFIER, ESC_IDENTIFIER}");
  EXPECT_EQ(Errors("TestAllTypes(){single_int32: 1}"),
            "ERROR: <input>:1:15: Syntax error: mismatched input '{' expecting <EOF>");
  // Several independent problems are all reported.
  EXPECT_EQ(Errors("has(a) + x.all(1, y) + 'abc\\q' + while"),
            "ERROR: <input>:1:5: invalid argument to has() macro\n"
            "ERROR: <input>:1:16: argument must be a simple name\n"
            "ERROR: <input>:1:24: Syntax error: token recognition error at: ''abc\\q'\n"
            "ERROR: <input>:1:34: reserved identifier: while");
  // The full cel-go rendering, with the caret line.
  EXPECT_EQ(P("a +\n  )"),
            "ERROR: <input>:2:3: Syntax error: mismatched input ')' expecting {'[', '{', '(', "
            "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
            "BYTES, IDENTIFIER}\n |   )\n | ..^");
}

TEST(ParserMacros, ExpandsStandardMacros) {
  RunCases({
      {"has(a.b)", "has(a.b)"},
      {"has(a.b.c)", "has(a.b.c)"},
      {"x.all(v, v > 0)",
       "(fold:all v x @result true (@not_strictly_false @result) (_&&_ @result (_>_ v 0)) "
       "@result)"},
      {"x.exists(v, p)",
       "(fold:exists v x @result false (@not_strictly_false (!_ @result)) (_||_ @result p) "
       "@result)"},
      {"x.exists_one(v, p)",
       "(fold:exists_one v x @result 0 true (_?_:_ p (_+_ @result 1) @result) "
       "(_==_ @result 1))"},
      {"x.existsOne(v, p)",
       "(fold:exists_one v x @result 0 true (_?_:_ p (_+_ @result 1) @result) "
       "(_==_ @result 1))"},
      {"x.map(v, t)", "(fold:map v x @result [] true (_+_ @result [t]) @result)"},
      {"x.map(v, p, t)",
       "(fold:map_filter v x @result [] true (_?_:_ p (_+_ @result [t]) @result) @result)"},
      {"x.filter(v, p)",
       "(fold:filter v x @result [] true (_?_:_ p (_+_ @result [v]) @result) @result)"},
      {"[1, 2].map(x, [3].all(y, x < y))",
       "(fold:map x [1 2] @result [] true (_+_ @result [(fold:all y [3] @result true "
       "(@not_strictly_false @result) (_&&_ @result (_<_ x y)) @result)]) @result)"},
      // Shapes that are not macros stay calls.
      {"has(a.b, c)", "(has a.b c)"},
      {"x.all(v)", "(.all x v)"},
      {"all(x, v, p)", "(all x v p)"},
      {"x.map(v, a, b, c)", "(.map x v a b c)"},
      {"a.has(b.c)", "(.has a b.c)"},
  });
}

TEST(ParserMacros, NumbersExpansionNodesLikeCelGo) {
  // cel-go: m.exists_one(v, f) gives ids m=1 v=2 f=3 and then the expansion nodes in order.
  EXPECT_EQ(PIds("m.map(v, f)"),
            "(fold:map v m^#1 @result []^#5 true^#6 (_+_ @result^#7 [f^#4]^#8)^#9 @result^#10)"
            "^#11");
  Source source("m.map(v, f)");
  ParseResult r = Parse(source);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.expr.positions.count(2), 0u);            // the call id is gone...
  EXPECT_EQ(r.expr.positions.at(r.expr.root->id), 5);  // ...and expansions sit at its '('
  EXPECT_EQ(r.expr.macro_calls.at(r.expr.root->id), "m.map(v, f)");
  EXPECT_EQ(r.expr.root->comprehension->macro, MacroKind::kMap);
}

TEST(ParserMacros, ReportsBadMacroArguments) {
  EXPECT_EQ(Errors("has(a)"), "ERROR: <input>:1:5: invalid argument to has() macro");
  EXPECT_EQ(Errors("has(a[0])"), "ERROR: <input>:1:6: invalid argument to has() macro");
  EXPECT_EQ(Errors("1.all(2, 3)"), "ERROR: <input>:1:7: argument must be a simple name");
  EXPECT_EQ(Errors("x.exists(a.b, true)"), "ERROR: <input>:1:11: argument must be a simple name");
  EXPECT_EQ(Errors("x.map(1, 2)"), "ERROR: <input>:1:7: argument is not an identifier");
  EXPECT_EQ(Errors("x.filter(f(), 2)"), "ERROR: <input>:1:11: argument is not an identifier");
  EXPECT_EQ(Errors("x.all(__result__, true)"),
            "ERROR: <input>:1:7: iteration variable overwrites accumulator variable");
  EXPECT_EQ(Errors("x.all(i, 1, true)"), "ERROR: <input>:1:10: argument must be a simple name");
  EXPECT_EQ(Errors("x.all(i, i, true)"), "ERROR: <input>:1:7: duplicate variable name: i");
  EXPECT_EQ(Errors("cel.bind(1, 2, 3)"),
            "ERROR: <input>:1:10: cel.bind() variable names must be simple identifiers");
  EXPECT_EQ(Errors("o.optMap(1, 2)"),
            "ERROR: <input>:1:10: optMap() variable name must be a simple identifier");
  EXPECT_EQ(Errors("o.optFlatMap(x.y, 2)"),
            "ERROR: <input>:1:15: optFlatMap() variable name must be a simple identifier");
}

TEST(ParserMacros, ExpandsExtensionMacros) {
  RunCases({
      {"cel.bind(x, 1, x + x)", "(fold:bind #unused [] x 1 false x (_+_ x x))"},
      {"m.all(k, v, v > 0)",
       "(fold:all2 k,v m @result true (@not_strictly_false @result) (_&&_ @result (_>_ v 0)) "
       "@result)"},
      {"m.exists(k, v, p)",
       "(fold:exists2 k,v m @result false (@not_strictly_false (!_ @result)) "
       "(_||_ @result p) @result)"},
      {"m.existsOne(k, v, p)",
       "(fold:exists_one2 k,v m @result 0 true (_?_:_ p (_+_ @result 1) @result) "
       "(_==_ @result 1))"},
      {"m.exists_one(k, v, p)",
       "(fold:exists_one2 k,v m @result 0 true (_?_:_ p (_+_ @result 1) @result) "
       "(_==_ @result 1))"},
      {"l.transformList(i, v, t)",
       "(fold:transform_list i,v l @result [] true (_+_ @result [t]) @result)"},
      {"l.transformList(i, v, p, t)",
       "(fold:transform_list_filter i,v l @result [] true (_?_:_ p (_+_ @result [t]) @result) "
       "@result)"},
      {"m.transformMap(k, v, t)",
       "(fold:transform_map k,v m @result {} true (cel.@mapInsert @result k t) @result)"},
      {"m.transformMap(k, v, p, t)",
       "(fold:transform_map_filter k,v m @result {} true (_?_:_ p (cel.@mapInsert @result k t) "
       "@result) @result)"},
      {"m.transformMapEntry(k, v, {v: k})",
       "(fold:transform_map_entry k,v m @result {} true (cel.@mapInsert @result {v:k}) "
       "@result)"},
      {"m.transformMapEntry(k, v, p, {v: k})",
       "(fold:transform_map_entry_filter k,v m @result {} true (_?_:_ p (cel.@mapInsert "
       "@result {v:k}) @result) @result)"},
      {"o.optMap(x, x + 1)",
       "(_?_:_ (.hasValue o) (optional.of (fold:opt_map #unused [] x (.value o) false x "
       "(_+_ x 1))) (optional.none))"},
      {"a.b.optFlatMap(x, f(x))",
       "(_?_:_ (.hasValue a.b) (fold:opt_flat_map #unused [] x (.value a.b) false x (f x)) "
       "(optional.none))"},
      // Only cel.bind is the macro.
      {"x.bind(a, 1, 2)", "(.bind x a 1 2)"},
      {"cel.bind(a, 1)", "(.bind cel a 1)"},
  });
}

TEST(ParserMacros, CanBeDisabled) {
  ParserOptions no_macros;
  no_macros.enable_macros = false;
  RunCases({{"has(a.b)", "(has a.b)"},
            {"x.all(v, p)", "(.all x v p)"},
            {"x.map(v, p, t)", "(.map x v p t)"},
            {"cel.bind(x, 1, x)", "(.bind cel x 1 x)"},
            {"m.all(k, v, p)", "(.all m k v p)"},
            {"has(a)", "(has a)"}},
           no_macros);
}

TEST(ParserMacros, ExtensionMacrosAreSwitchedPerFeature) {
  const std::string all1 =
      "(fold:all v x @result true (@not_strictly_false @result) (_&&_ @result p) @result)";
  // Everything is on by default.
  ParserOptions defaults;
  EXPECT_TRUE(defaults.enable_bind_macro);
  EXPECT_TRUE(defaults.enable_two_variable_comprehensions);
  EXPECT_TRUE(defaults.enable_optional_macros);

  ParserOptions no_bind;
  no_bind.enable_bind_macro = false;
  RunCases({{"x.all(v, p)", all1},
            {"cel.bind(x, 1, x)", "(.bind cel x 1 x)"},
            {"m.all(k, v, p)",
             "(fold:all2 k,v m @result true (@not_strictly_false @result) (_&&_ @result p) "
             "@result)"},
            {"o.optMap(x, x)",
             "(_?_:_ (.hasValue o) (optional.of (fold:opt_map #unused [] x (.value o) false x "
             "x)) (optional.none))"}},
           no_bind);

  ParserOptions no_two_var;
  no_two_var.enable_two_variable_comprehensions = false;
  RunCases({{"x.all(v, p)", all1},
            {"m.all(k, v, p)", "(.all m k v p)"},
            {"m.exists(k, v, p)", "(.exists m k v p)"},
            {"m.existsOne(k, v, p)", "(.existsOne m k v p)"},
            {"m.exists_one(k, v, p)", "(.exists_one m k v p)"},
            {"m.transformList(k, v, t)", "(.transformList m k v t)"},
            {"m.transformList(k, v, p, t)", "(.transformList m k v p t)"},
            {"m.transformMap(k, v, t)", "(.transformMap m k v t)"},
            {"m.transformMapEntry(k, v, t)", "(.transformMapEntry m k v t)"},
            {"cel.bind(x, 1, x)", "(fold:bind #unused [] x 1 false x x)"}},
           no_two_var);

  ParserOptions no_opt;
  no_opt.enable_optional_macros = false;
  RunCases({{"o.optMap(x, x)", "(.optMap o x x)"},
            {"o.optFlatMap(x, x)", "(.optFlatMap o x x)"},
            {"x.all(v, p)", all1}},
           no_opt);
  // The optional syntax has its own switch: the macros may be off while `.?` parses.
  EXPECT_TRUE(Parse(Source("o.?f"), no_opt).ok());
}

TEST(ParserMacros, OptMapGivesItsCopiedTargetFreshIds) {
  Source source("a.b.optMap(x, x)");
  ParseResult r = Parse(source);
  ASSERT_TRUE(r.ok()) << FormatIssues(source, r.issues);
  CheckIdInvariants(r.expr);
}

TEST(ParserOptional, ParsesOptionalSyntax) {
  RunCases({
      {"a.?b", R"((_?._ a "b"))"},
      {"a.?b.c", R"((_?._ a "b").c)"},
      {"a.?`b-c`", R"((_?._ a "b-c"))"},
      {"a[?0]", "(_[?_] a 0)"},
      {"a[?'k'].?c", R"((_?._ (_[?_] a "k") "c"))"},
      {"[?a, b, ?c]", "[?a b ?c]"},
      {"{?'k': v, 'j': w}", R"({?"k":v "j":w})"},
      {"Msg{?f: v, g: w}", "Msg{?f:v g:w}"},
      {"a.?b ? 1 : 2", R"((_?_:_ (_?._ a "b") 1 2))"},
  });
  EXPECT_EQ(PIds("a.?b"), R"((_?._ a^#1 "b"^#2)^#3)");
}

TEST(ParserOptional, ReportsOptionalSyntaxWhenDisabled) {
  ParserOptions options;
  options.enable_optional_syntax = false;
  EXPECT_EQ(Errors("a.?b", options), "ERROR: <input>:1:2: unsupported syntax '.?'");
  EXPECT_EQ(Errors("a[?b]", options), "ERROR: <input>:1:2: unsupported syntax '[?'");
  EXPECT_EQ(Errors("[?a]", options), "ERROR: <input>:1:2: unsupported syntax '?'");
  EXPECT_EQ(Errors("{?a: 1}", options), "ERROR: <input>:1:2: unsupported syntax '?'");
  EXPECT_EQ(Errors("M{?a: 1}", options), "ERROR: <input>:1:3: unsupported syntax '?'");
  EXPECT_EQ(Errors("x.?a + y[?0]", options),
            "ERROR: <input>:1:2: unsupported syntax '.?'\n"
            "ERROR: <input>:1:9: unsupported syntax '[?'");
}

TEST(ParserLimits, RejectsLongExpressions) {
  ParserOptions options;
  options.max_expression_code_points = 10;
  EXPECT_EQ(Errors("1 + 2 + 3 + 4", options),
            "ERROR: <input>: expression code point size exceeds limit: size: 13, limit 10");
  EXPECT_EQ(Errors("'ééééé'", options), "");  // 7 code points, 12 bytes
  const std::string big(100001, ' ');
  EXPECT_EQ(Errors(big),
            "ERROR: <input>: expression code point size exceeds limit: size: 100001, limit 100000");
}

TEST(ParserLimits, BoundsRecursionWithAnIssue) {
  for (const char* open_cstr : {"(", "[", "{1:", "f(", "a[", "!(", "-(", "x ? y : "}) {
    const std::string open = open_cstr;
    std::string text;
    for (int i = 0; i < 100000 / static_cast<int>(open.size()); ++i) {
      text += open;
    }
    text = text.substr(0, 99999) + "1";
    Source source(text);
    ParseResult r = Parse(source);
    ASSERT_FALSE(r.ok()) << open;
    EXPECT_THAT(FormatIssues(source, r.issues),
                HasSubstr("expression recursion limit exceeded: 250"))
        << open;
    ASSERT_NE(r.expr.root, nullptr);
  }
  // Chains grow the AST too.
  for (const char* link : {" + 1", ".f", "[0]", ".f()", " < 1", " * 2"}) {
    std::string text = "a";
    for (int i = 0; i < 300; ++i) {
      text += link;
    }
    EXPECT_THAT(Errors(text), HasSubstr("expression recursion limit exceeded: 250")) << link;
  }
}

TEST(ParserLimits, AcceptsLongFlatInput) {
  // Unary runs and logical chains do not deepen the tree much.
  EXPECT_EQ(P(std::string(99998, '!') + "a"), "a");
  EXPECT_EQ(P(std::string(99999, '-') + "a"), "(-_ a)");
  std::string ors = "a";
  std::string list = "[";
  for (int i = 0; i < 10000; ++i) {
    ors += " || a";
    list += "1,";
  }
  list += "]";
  EXPECT_TRUE(Parse(Source(ors)).ok());
  EXPECT_TRUE(Parse(Source(list)).ok());
}

TEST(ParserLimits, HonoursACustomDepth) {
  ParserOptions options;
  options.max_recursion_depth = 5;
  EXPECT_TRUE(Parse(Source("((1))"), options).ok());
  EXPECT_EQ(Errors("((((((1))))))", options),
            "ERROR: <input>:1:6: expression recursion limit exceeded: 5");
}

TEST(ParserLimits, StopsAfterOneHundredSyntaxErrors) {
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text += "# ";
  }
  Source source(text);
  ParseResult r = Parse(source);
  ASSERT_EQ(r.issues.size(), 101u);
  EXPECT_EQ(r.issues.back().message, "Syntax error: More than 100 syntax errors");
}

TEST(ParserRobustness, NeverCrashesOnRandomInput) {
  const std::vector<std::string> pieces = {"a",         "b.c", "(",      ")",     "[",
                                           "]",         "{",   "}",      ",",     ":",
                                           "?",         ".",   ".?",     "[?",    "!",
                                           "-",         "+",   "*",      "/",     "%",
                                           "==",        "&&",  "||",     "in",    "1",
                                           "1u",        "1.5", "'s'",    "b'x'",  "has",
                                           "all",       "map", "exists", "cel",   "bind",
                                           "(x, y, z)", "#",   "'",      "\"",    "\\",
                                           "r'",        "'''", "`",      "`a b`", "while",
                                           "optMap",    " ",   "\n",     "\xff",  "\xc3",
                                           "é",         "0x",  "1e",     "M{",    "transformMap",
                                           "(k, v, t)", "null"};
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int n = static_cast<int>(rng() % 20);
    for (int j = 0; j < n; ++j) {
      text += pieces[rng() % pieces.size()];
    }
    Source source(text);
    ParseResult r = Parse(source);
    ASSERT_NE(r.expr.root, nullptr) << text;
    if (r.ok()) {
      CheckIdInvariants(r.expr);
    }
    (void)DebugString(*r.expr.root, true);
    (void)FormatIssues(source, r.issues);
  }
}

TEST(ParserRobustness, SurvivesAbortBeforeALogicalChain) {
  // Found by fuzz/cel_parser_fuzzer.cc: the error limit hit right before `&&` used to leave an
  // empty operator list for the balancer.
  const std::string text(
      "siz([e&&&&&&&&&&&&&\xa1\x00"
      "&&&&!&&&&optMap&&&&&&&&&&&&&&&&&&&&&&&&&&&]&&&&&&&\x14\x00\x00\x00"
      "&&&' [[[[[[[[[[[1]][[[[[[[[[0]]]]]]]]]]]]]]]]]]\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
      "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
      "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
      "\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b"
      "\x0b\x0b\x0b\x0b]]]])",
      199);
  Source source(text);
  ParseResult r = Parse(source);
  EXPECT_FALSE(r.ok());
  ASSERT_NE(r.expr.root, nullptr);
}

TEST(DebugString, RendersHandBuiltDeepTreesIteratively) {
  auto root = std::make_unique<Expr>();
  root->kind = ExprKind::kIdent;
  root->name = "x";
  for (int i = 0; i < 200000; ++i) {
    auto neg = std::make_unique<Expr>();
    neg->kind = ExprKind::kCall;
    neg->name = "-_";
    neg->args.push_back(std::move(root));
    root = std::move(neg);
  }
  EXPECT_EQ(DebugString(*root).size(), 200000u * 5 + 1);
  // Tear down without recursion blowing the stack.
  while (root->kind == ExprKind::kCall) {
    ExprPtr child = std::move(root->args[0]);
    root = std::move(child);
  }
}

TEST(DebugString, RendersConstantsReadably) {
  RunCases({
      {"1.0", "1.0"},
      {"1e100", "1e+100"},
      {R"('a"b\\')", R"("a\"b\\")"},
      {R"(b'\x7f')", R"(b"\x7f")"},
  });
}

// ---- cel-spec conformance expressions as a parse oracle ----

// A minimal JSON reader, enough for the conformance export (test-only, trusted input).
struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool b = false;
  std::string s;
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> fields;

  const Json* Get(std::string_view key) const {
    for (const auto& [k, v] : fields) {
      if (k == key) {
        return &v;
      }
    }
    return nullptr;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : text_(text) {}
  Json Read() {
    SkipWs();
    Json j;
    const char c = text_[pos_];
    if (c == '{') {
      j.kind = Json::Kind::kObject;
      ++pos_;
      SkipWs();
      while (text_[pos_] != '}') {
        std::string key = ReadString();
        SkipWs();
        ++pos_;  // ':'
        j.fields.emplace_back(std::move(key), Read());
        SkipWs();
        if (text_[pos_] == ',') {
          ++pos_;
          SkipWs();
        }
      }
      ++pos_;
    } else if (c == '[') {
      j.kind = Json::Kind::kArray;
      ++pos_;
      SkipWs();
      while (text_[pos_] != ']') {
        j.items.push_back(Read());
        SkipWs();
        if (text_[pos_] == ',') {
          ++pos_;
          SkipWs();
        }
      }
      ++pos_;
    } else if (c == '"') {
      j.kind = Json::Kind::kString;
      j.s = ReadString();
    } else if (text_.substr(pos_, 4) == "true" || text_.substr(pos_, 5) == "false") {
      j.kind = Json::Kind::kBool;
      j.b = c == 't';
      pos_ += j.b ? 4 : 5;
    } else if (text_.substr(pos_, 4) == "null") {
      pos_ += 4;
    } else {
      j.kind = Json::Kind::kNumber;
      while (pos_ < text_.size() &&
             std::string_view("+-.0123456789eE").find(text_[pos_]) != std::string_view::npos) {
        j.s.push_back(text_[pos_++]);
      }
    }
    return j;
  }

 private:
  void SkipWs() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  uint32_t Hex4() {
    uint32_t v = std::stoul(std::string(text_.substr(pos_, 4)), nullptr, 16);
    pos_ += 4;
    return v;
  }
  static void Utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  std::string ReadString() {
    std::string out;
    ++pos_;  // opening quote
    while (text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      c = text_[pos_++];
      switch (c) {
        case 'n':
          out.push_back('\n');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          uint32_t cp = Hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            const uint32_t lo = Hex4();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          Utf8(cp, &out);
          break;
        }
        default:
          out.push_back(c);
      }
    }
    ++pos_;
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string ConformanceDir() {
  if (const char* env = std::getenv("CEL_CONFORMANCE_DIR")) {
    return env;
  }
  return CELGATE_CEL_CONFORMANCE_DIR;
}

std::optional<Json> LoadConformanceFile(const std::string& name) {
  std::ifstream in(ConformanceDir() + "/" + name + ".json", std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  return JsonReader(text).Read();
}

struct ConformanceCounts {
  int parsed = 0;
  int expected_errors = 0;
};

// Every test whose expectation is not an error must parse cleanly.
ConformanceCounts CheckConformanceFile(const std::string& name) {
  ConformanceCounts counts;
  std::optional<Json> file = LoadConformanceFile(name);
  if (!file) {
    ADD_FAILURE() << "cannot read " << name;
    return counts;
  }
  for (const Json& section : file->Get("sections")->items) {
    for (const Json& test : section.Get("tests")->items) {
      const std::string& expr = test.Get("expr")->s;
      const Json* expect = test.Get("expect");
      const bool expects_error =
          expect != nullptr && (expect->Get("error") != nullptr || expect->Get("anyError"));
      ParserOptions options;
      if (const Json* dm = test.Get("disableMacros"); dm != nullptr && dm->b) {
        options.enable_macros = false;
      }
      Source source(expr);
      ParseResult r = Parse(source, options);
      if (expects_error) {
        ++counts.expected_errors;  // evaluation or check errors; parsing may succeed
        continue;
      }
      ++counts.parsed;
      EXPECT_TRUE(r.ok()) << name << "/" << section.Get("name")->s << "/" << test.Get("name")->s
                          << ":\n"
                          << FormatIssues(source, r.issues);
      if (r.ok()) {
        CheckIdInvariants(r.expr);
      }
    }
  }
  return counts;
}

TEST(ParserConformance, ParsesEveryParseJsonExpression) {
  if (!LoadConformanceFile("parse")) {
    GTEST_SKIP() << "conformance suite not found in " << ConformanceDir();
  }
  ConformanceCounts counts = CheckConformanceFile("parse");
  EXPECT_GT(counts.parsed, 200);
}

TEST(ParserConformance, ParsesEveryExpressionOfTheSuite) {
  std::optional<Json> index = LoadConformanceFile("index");
  if (!index) {
    GTEST_SKIP() << "conformance suite not found in " << ConformanceDir();
  }
  int total = 0;
  // block_ext is left out: its expressions use cel.index / cel.iterVar / cel.accuVar, macros of
  // cel-go's cel.block extension, which Kubernetes does not enable and this parser does not
  // expand (`x.exists(cel.iterVar(0, 0), ...)` is then a bad iteration variable).
  for (const std::string name :
       {"basic",      "bindings_ext",    "comparisons", "conversions",  "dynamic",   "encoders_ext",
        "enums",      "fields",          "fp_math",     "integer_math", "lists",     "logic",
        "macros",     "macros2",         "math_ext",    "namespace",    "optionals", "parse",
        "plumbing",   "proto2",          "proto2_ext",  "proto3",       "string",    "string_ext",
        "timestamps", "type_deductions", "unknowns",    "wrappers"}) {
    total += CheckConformanceFile(name).parsed;
  }
  EXPECT_GT(total, 2000);
}

}  // namespace
}  // namespace celgate::cel

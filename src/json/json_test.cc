// Tests for json/json.h: parsing rules, the Value view, Builder, and the writers.
#include "json/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace celgate::json {
namespace {

using ::testing::HasSubstr;

Document ParseOrDie(std::string_view text, const ParseOptions& options = {}) {
  StatusOr<Document> doc = Parse(text, options);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString() << " for: " << text;
  if (!doc.ok()) {
    return Document();
  }
  return std::move(doc).value();
}

TEST(JsonParse, EveryTypeIsRecognised) {
  Document d = ParseOrDie(
      R"({"n":null,"t":true,"f":false,"i":-7,"d":2.5,"s":"hi","a":[1,"x"],"o":{"k":{}}})");
  Value r = d.root();
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r.size(), 8u);
  EXPECT_TRUE(r.Find("n").is_null());
  EXPECT_TRUE(r.Find("t").as_bool());
  EXPECT_TRUE(r.Find("f").is_bool());
  EXPECT_FALSE(r.Find("f").as_bool());
  EXPECT_EQ(r.Find("i").as_int(), -7);
  EXPECT_EQ(r.Find("d").as_double(), 2.5);
  EXPECT_EQ(r.Find("s").as_string(), "hi");
  ASSERT_TRUE(r.Find("a").is_array());
  EXPECT_EQ(r.Find("a").size(), 2u);
  EXPECT_EQ(r.Find("a").at(0).as_int(), 1);
  EXPECT_EQ(r.Find("a").at(1).as_string(), "x");
  EXPECT_TRUE(r.Find("o").Find("k").is_object());
  EXPECT_EQ(r.Find("o").Find("k").size(), 0u);
  EXPECT_EQ(r.key_at(0), "n");
  EXPECT_EQ(r.key_at(7), "o");
  EXPECT_TRUE(r.value_at(4).is_double());
}

TEST(JsonParse, ScalarRootsAreAllowed) {
  EXPECT_TRUE(ParseOrDie("null").root().is_null());
  EXPECT_EQ(ParseOrDie(" 42 ").root().as_int(), 42);
  EXPECT_EQ(ParseOrDie("\"s\"").root().as_string(), "s");
}

struct NumberCase {
  const char* text;
  Type type;
  int64_t i;
  double d;
};

TEST(JsonParse, NumbersFollowKubernetesIntOrDoubleRule) {
  const NumberCase cases[] = {
      {"0", Type::kInt, 0, 0},
      {"-0", Type::kInt, 0, 0},
      {"9223372036854775807", Type::kInt, std::numeric_limits<int64_t>::max(), 0},
      {"-9223372036854775808", Type::kInt, std::numeric_limits<int64_t>::min(), 0},
      {"9223372036854775808", Type::kDouble, 0, 9223372036854775808.0},
      {"-9223372036854775809", Type::kDouble, 0, -9223372036854775809.0},
      {"18446744073709551616", Type::kDouble, 0, 18446744073709551616.0},
      {"123456789012345678901234567890", Type::kDouble, 0, 1.2345678901234568e29},
      {"1.0", Type::kDouble, 0, 1.0},
      {"1e3", Type::kDouble, 0, 1000.0},
      {"1E+3", Type::kDouble, 0, 1000.0},
      {"2e-3", Type::kDouble, 0, 0.002},
      {"-0.0", Type::kDouble, 0, -0.0},
      {"0.1", Type::kDouble, 0, 0.1},
      {"2147483648", Type::kInt, 2147483648LL, 0},
      {"4294967296", Type::kInt, 4294967296LL, 0},
  };
  for (const NumberCase& c : cases) {
    Document d = ParseOrDie(c.text);
    Value v = d.root();
    EXPECT_EQ(v.type(), c.type) << c.text;
    if (c.type == Type::kInt) {
      EXPECT_EQ(v.as_int(), c.i) << c.text;
    } else {
      EXPECT_EQ(v.as_double(), c.d) << c.text;
    }
  }
}

TEST(JsonParse, IntegersBeyondInt64BecomeDoubles) {
  Document d = ParseOrDie("[9223372036854775807, 9223372036854775808]");
  EXPECT_TRUE(d.root().at(0).is_int());
  EXPECT_TRUE(d.root().at(1).is_double());
  EXPECT_TRUE(d.root().at(1).is_number());
}

TEST(JsonParse, LongMantissasAreCorrectlyRounded) {
  // Found by fuzzing: RapidJSON 1.1's own strtod reads out of bounds on inputs like these.
  const std::string digits(300, '6');
  Document d = ParseOrDie("[2." + digits + "104, 0." + std::string(700, '0') + "1, " + digits +
                          ", 2.2250738585072011e-308, 9007199254740993.0]");
  Value r = d.root();
  EXPECT_EQ(r.at(0).as_double(), 2.6666666666666665);
  EXPECT_EQ(r.at(1).as_double(), 0.0);  // underflow rounds to zero, as Go does
  EXPECT_TRUE(r.at(2).is_double());
  EXPECT_EQ(r.at(2).as_double(), std::stod(digits));
  EXPECT_EQ(r.at(3).as_double(), 2.2250738585072011e-308);
  EXPECT_EQ(r.at(4).as_double(), 9007199254740992.0);  // ties to even
}

TEST(JsonParse, UnderflowIsZeroAndOverflowIsAnError) {
  EXPECT_EQ(ParseOrDie("1e-400").root().as_double(), 0.0);
  EXPECT_TRUE(std::signbit(ParseOrDie("-1e-400").root().as_double()));
  StatusOr<Document> d = Parse("[1e400]");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("line 1 column 2"));
  EXPECT_FALSE(Parse("[" + std::string(400, '9') + "]").ok());
  EXPECT_FALSE(Parse("[" + std::string(400, '9') + ".5]").ok());
  EXPECT_EQ(ParseOrDie("[-0." + std::string(400, '0') + "1e5]").root().at(0).as_double(), -0.0);
}

TEST(JsonParse, RejectsMalformedInput) {
  const char* cases[] = {
      "",          "   ",       "NaN",         "[NaN]",      "Infinity",  "-Infinity",
      "[1,]",      "{\"a\"}",   "{\"a\":1,}",  "[1 2]",      "01",        "1.",
      ".5",        "+1",        "{a:1}",       "'s'",        "\"\t\"",    "[1] x",
      "{} {}",     "tru",       "// c\n1",     "1e400",      "[\"\\x\"]", "\"\\uD800\"",
      "\"\\uD800\\u0041\"",
  };
  for (const char* text : cases) {
    StatusOr<Document> d = Parse(text);
    EXPECT_FALSE(d.ok()) << "accepted: " << text;
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(JsonParse, TrailingGarbageIsRejectedWithItsPosition) {
  StatusOr<Document> d = Parse("{\"a\": 1}\n  xyz");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("line 2 column 3"));
}

TEST(JsonParse, EmbeddedNulIsRejected) {
  StatusOr<Document> d = Parse(std::string_view("[1]\0[2]", 7));
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("line 1 column 4"));
}

TEST(JsonParse, ErrorsNameLineAndColumn) {
  StatusOr<Document> d = Parse("{\n  \"a\": 1,\n  \"b\": ?\n}");
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("line 3 column 8"));
}

TEST(JsonParse, UnicodeEscapesDecodeToUtf8IncludingSurrogatePairs) {
  Document d = ParseOrDie(R"(["\u00e9", "\u20AC", "\uD83D\uDE00", "a\u0000b", "\"\\\/\b\f\n\r\t"])");
  Value r = d.root();
  EXPECT_EQ(r.at(0).as_string(), "\xC3\xA9");
  EXPECT_EQ(r.at(1).as_string(), "\xE2\x82\xAC");
  EXPECT_EQ(r.at(2).as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(r.at(3).as_string(), std::string_view("a\0b", 3));
  EXPECT_EQ(r.at(4).as_string(), "\"\\/\b\f\n\r\t");
}

TEST(JsonParse, LoneLowSurrogateBecomesReplacementCharacter) {
  Document d = ParseOrDie(R"(["x\uDC00y"])");
  EXPECT_EQ(d.root().at(0).as_string(), "x\xEF\xBF\xBDy");
}

TEST(JsonParse, RawUtf8IsKeptAndInvalidUtf8Rejected) {
  EXPECT_EQ(ParseOrDie("\"h\xC3\xA9llo \xF0\x9F\x98\x80\"").root().as_string(),
            "h\xC3\xA9llo \xF0\x9F\x98\x80");
  const char* bad[] = {
      "\"\xFF\"",              // never valid
      "\"\xC3\"",              // truncated sequence
      "\"\xC0\xAF\"",          // overlong '/'
      "\"\xED\xA0\x80\"",      // encoded surrogate
      "\"\xF4\x90\x80\x80\"",  // beyond U+10FFFF
      "{\"\x80\":1}",          // in a key
  };
  for (const char* text : bad) {
    EXPECT_FALSE(Parse(text).ok()) << "accepted invalid UTF-8";
  }
}

TEST(JsonParse, DeepNestingIsRejectedWithoutCrashing) {
  for (const char* open : {"[", "{\"a\":"}) {
    std::string text;
    for (int i = 0; i < 100000; ++i) {
      text += open;
    }
    StatusOr<Document> d = Parse(text);
    ASSERT_FALSE(d.ok());
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("nesting deeper than 512"));
  }
}

TEST(JsonParse, NestingUpToMaxDepthIsAccepted) {
  ParseOptions options;
  options.max_depth = 10;
  EXPECT_TRUE(Parse(std::string(10, '[') + std::string(10, ']'), options).ok());
  EXPECT_FALSE(Parse(std::string(11, '[') + std::string(11, ']'), options).ok());
}

TEST(JsonParse, InputOverMaxBytesIsResourceExhausted) {
  ParseOptions options;
  options.max_bytes = 4;
  StatusOr<Document> d = Parse("[1,2]", options);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kResourceExhausted);
}

TEST(JsonParse, DuplicateKeysLastValueWinsAtFirstPlace) {
  Document d = ParseOrDie(R"({"a":1,"b":2,"a":3,"c":4,"a":5})");
  Value r = d.root();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r.key_at(0), "a");
  EXPECT_EQ(r.value_at(0).as_int(), 5);
  EXPECT_EQ(r.key_at(1), "b");
  EXPECT_EQ(r.key_at(2), "c");
  EXPECT_EQ(r.Find("a").as_int(), 5);
  EXPECT_EQ(Serialize(r), R"({"a":5,"b":2,"c":4})");
}

TEST(JsonParse, DuplicateKeysInLargeObjectsAreRemoved) {
  std::string text = "{";
  for (int i = 0; i < 40; ++i) {
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  }
  text += "\"k7\":700,\"k39\":3900}";
  Document d = ParseOrDie(text);
  Value r = d.root();
  EXPECT_EQ(r.size(), 40u);
  EXPECT_EQ(r.Find("k7").as_int(), 700);
  EXPECT_EQ(r.Find("k39").as_int(), 3900);
  EXPECT_EQ(r.key_at(7), "k7");
  for (int i = 0; i < 40; ++i) {
    EXPECT_TRUE(r.Find("k" + std::to_string(i)).is_int()) << i;
  }
}

TEST(JsonParse, DuplicateKeysRejectedWhenDisallowed) {
  ParseOptions options;
  options.allow_duplicate_keys = false;
  StatusOr<Document> d = Parse("{\"x\": {\"a\":1,\n\"a\":2}}", options);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("duplicate key \"a\""));
  EXPECT_THAT(std::string(d.status().message()), HasSubstr("line 2"));
  EXPECT_TRUE(Parse("{\"a\":1,\"b\":{\"a\":2}}", options).ok());
}

// ---------------------------------------------------------------------------------------------
// The simdjson tape walk (fast path) against the RapidJSON reference parser.

// Deep equality: same types, same key order, same bits for doubles. Iterative.
::testing::AssertionResult SameDocument(Value a, Value b) {
  std::vector<std::pair<Value, Value>> todo = {{a, b}};
  while (!todo.empty()) {
    auto [x, y] = todo.back();
    todo.pop_back();
    if (x.valid() != y.valid() || x.type() != y.type()) {
      return ::testing::AssertionFailure() << Serialize(x) << " vs " << Serialize(y);
    }
    switch (x.type()) {
      case Type::kNull:
        break;
      case Type::kBool:
        if (x.as_bool() != y.as_bool()) return ::testing::AssertionFailure() << "bool differs";
        break;
      case Type::kInt:
        if (x.as_int() != y.as_int()) return ::testing::AssertionFailure() << "int differs";
        break;
      case Type::kDouble: {
        const double dx = x.as_double(), dy = y.as_double();
        if (std::memcmp(&dx, &dy, sizeof(dx)) != 0) {
          return ::testing::AssertionFailure() << "double " << dx << " vs " << dy;
        }
        break;
      }
      case Type::kString:
        if (x.as_string() != y.as_string()) {
          return ::testing::AssertionFailure() << Quote(x.as_string()) << " vs "
                                               << Quote(y.as_string());
        }
        break;
      case Type::kArray:
        if (x.size() != y.size()) return ::testing::AssertionFailure() << "array size differs";
        for (size_t i = 0; i < x.size(); ++i) todo.push_back({x.at(i), y.at(i)});
        break;
      case Type::kObject:
        if (x.size() != y.size()) return ::testing::AssertionFailure() << "object size differs";
        for (size_t i = 0; i < x.size(); ++i) {
          if (x.key_at(i) != y.key_at(i)) {
            return ::testing::AssertionFailure() << "key " << Quote(x.key_at(i)) << " vs "
                                                 << Quote(y.key_at(i));
          }
          if (!x.Find(x.key_at(i)).SameNodeAs(x.value_at(i)) ||
              !y.Find(y.key_at(i)).SameNodeAs(y.value_at(i))) {
            return ::testing::AssertionFailure() << "Find misses " << Quote(x.key_at(i));
          }
          todo.push_back({x.value_at(i), y.value_at(i)});
        }
        break;
    }
  }
  return ::testing::AssertionSuccess();
}

// Parse (fast path first) and the reference parser agree: both reject with the same message,
// or both accept the same document; the fast path with every count recomputed agrees too.
::testing::AssertionResult AgreesWithReference(std::string_view text,
                                               const ParseOptions& options = {}) {
  StatusOr<Document> got = Parse(text, options);
  StatusOr<Document> want = internal::ParseReferenceForTest(text, options);
  if (got.ok() != want.ok()) {
    return ::testing::AssertionFailure()
           << "Parse " << (got.ok() ? "accepts" : "rejects") << ", reference "
           << (want.ok() ? "accepts" : "rejects: " + want.status().ToString());
  }
  if (!got.ok()) {
    if (got.status().ToString() != want.status().ToString()) {
      return ::testing::AssertionFailure() << got.status().ToString() << " vs "
                                           << want.status().ToString();
    }
    return ::testing::AssertionSuccess();
  }
  if (auto r = SameDocument(got->root(), want->root()); !r) return r;
  std::optional<Document> fast = internal::ParseFastForTest(text, options);
  if (fast) return SameDocument(fast->root(), want->root());
  return ::testing::AssertionSuccess();
}

// A few objects larger than kIndexedObjectMin, arrays, escapes and every scalar kind.
std::string SampleDocument() {
  std::string big = "{";
  for (int i = 0; i < 40; ++i) {
    big += (i ? "," : "") + std::string("\"key") + std::to_string((i * 7) % 40) + "\":" +
           (i % 3 ? std::to_string(i) : "\"v\\u00e9\\n" + std::to_string(i) + "\"");
  }
  big += "}";
  return R"({"apiVersion":"v1","kind":"X","n":null,"t":true,"f":false,"i":-7,"u":18446744073709551615,)"
         R"("d":2.5e-3,"e":[],"o":{},"big":)" + big +
         R"(,"a":[1,[2,[3,{"x":[{},[]]}]]],"s":"tab\t \"q\" \\ \/ \ud83d\ude00 end",)"
         R"("deep":{"a":{"b":{"c":{"d":[[[["leaf"]]]]}}}},"last":"z"})";
}

TEST(JsonFastPath, EmptyContainersAndScalarRoots) {
  for (const char* text : {"{}", "[]", "[[]]", "[{}]", R"({"a":{},"b":[]})", "[[],[[]],{}]",
                           R"({"a":{"b":{}}})", "0", "-1", "1.5", "\"\"", "true", "null",
                           R"({"":""})", R"([""])"}) {
    EXPECT_TRUE(AgreesWithReference(text)) << text;
  }
  Document d = ParseOrDie(R"({"e":{},"a":[],"x":1})");
  EXPECT_TRUE(d.root().Find("e").is_object());
  EXPECT_EQ(d.root().Find("e").size(), 0u);
  EXPECT_TRUE(d.root().Find("a").is_array());
  EXPECT_EQ(d.root().Find("x").as_int(), 1);
}

TEST(JsonFastPath, LargeObjectsAreIndexedAndMatchReference) {
  for (int n : {15, 16, 17, 18, 40, 300}) {
    std::string text = "{";
    for (int i = n - 1; i >= 0; --i) {
      text += "\"k" + std::to_string(i) + "\":{\"v\":" + std::to_string(i) + "}" +
              (i ? "," : "}");
    }
    ASSERT_TRUE(AgreesWithReference(text)) << n;
    Document d = ParseOrDie(text);
    ASSERT_EQ(d.root().size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(d.root().Find("k" + std::to_string(i)).Find("v").as_int(), i) << n;
    }
    EXPECT_FALSE(d.root().Find("k" + std::to_string(n)).valid());
  }
}

TEST(JsonFastPath, TheFastPathTakesOrdinaryDocuments) {
  // Escapes, large objects, every scalar kind: nothing here needs the reference parser.
  const std::string text = SampleDocument();
  std::optional<Document> fast = internal::ParseFastForTest(text, {});
  ASSERT_TRUE(fast.has_value());
  StatusOr<Document> want = internal::ParseReferenceForTest(text, {});
  ASSERT_TRUE(want.ok());
  EXPECT_TRUE(SameDocument(fast->root(), want->root()));
}

TEST(JsonFastPath, GarbageThatStageOneDoesNotMarkIsRejected) {
  // simdjson's stage 1 marks only the first byte of a run of scalar bytes (and not a quote
  // right after a number): stage 2 must see what follows each scalar.
  for (const char* text :
       {"truex", "[truex]", "nul", "[nulll]", "falsey", "01", "[01]", "1\"a\"", "[1\"a\"]",
        "1.", "1.e5", "1e", "1e+", "-", "--1", "+1", ".5", "[1 2]", "{\"a\" 1}", "{\"a\":}",
        "{\"a\":1,}", "[1,]", "[,1]", "{,}", "\"a\"x", "[\"a\"x]", "[\"a\"\"b\"]", "[1]x",
        "{\"a\":1}}", "[1]]", "[", "{", "{\"a\"", "{\"a\":", "[\"\\x\"]", "1 2", "0x10",
        "1e400", "-1e400", "[1e-400]", "-0", "[-0]", "-0.0", "0e309", "0.0", "[\"\\ud800\"]",
        "\"\\u12\"", "[tru]", "[fals]", "Infinity", "NaN", "[-Infinity]"}) {
    EXPECT_TRUE(AgreesWithReference(text)) << text;
  }
  for (const char* text : {"truex", "01", "1\"a\"", "[\"a\"x]", "[1]x", "{\"a\":1,}"}) {
    EXPECT_FALSE(Parse(text).ok()) << text;
  }
}

TEST(JsonFastPath, IntegersAtTheEdgesOfInt64) {
  for (const char* text : {"9223372036854775807", "-9223372036854775808", "9223372036854775808",
                           "-9223372036854775809", "18446744073709551615",
                           "18446744073709551616", "99999999999999999999", "1000000000000000000",
                           "-1000000000000000000", "[0,-1,1,12345678901234567890]"}) {
    EXPECT_TRUE(AgreesWithReference(text)) << text;
  }
  EXPECT_EQ(ParseOrDie("9223372036854775807").root().as_int(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseOrDie("-9223372036854775808").root().as_int(),
            std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(ParseOrDie("9223372036854775808").root().is_double());
  EXPECT_DOUBLE_EQ(ParseOrDie("9223372036854775808").root().as_double(), 9223372036854775808.0);
}

TEST(JsonFastPath, StringsBeyondTheCopyChunkAndLongStrings) {
  // Many strings, a long one with an escape (decoded into arena space of its own), a lone\n  // low surrogate.
  std::string text = "[";
  for (int i = 0; i < 600; ++i) {
    text += "\"s" + std::to_string(i) + std::string(static_cast<size_t>(i % 37), 'x') + "\",";
  }
  text += "\"" + std::string(10000, 'y') + "\\u00e9\",\"\\udc00 tail\",\"end\"]";
  ASSERT_TRUE(AgreesWithReference(text));
  Document d = ParseOrDie(text);
  EXPECT_EQ(d.root().at(599).as_string(), "s599" + std::string(599 % 37, 'x'));
  EXPECT_EQ(d.root().at(600).as_string().size(), 10002u);
  EXPECT_EQ(d.root().at(601).as_string(), "\xEF\xBF\xBD tail");
  EXPECT_EQ(d.root().at(602).as_string(), "end");
}

TEST(JsonFastPath, EscapesAndSurrogatesInKeysAndValues) {
  for (const char* text : {
           R"({"k\u00e9y":"v\u00e9","\ud83d\ude00":"\ud83d\ude00"})",
           R"({"\udc00":"\udfff","a\udc80b":["\udc00\udc00"]})",
           R"({"\"\\\/\b\f\n\r\t":"\u0000"})",
           "{\"raw \xC3\xA9\":\"\xF0\x9F\x98\x80\"}",
           R"(["\ud800"])",       // lone high surrogate: rejected by both
           R"(["\ud800\u0041"])",  // high surrogate without its low half
       }) {
    EXPECT_TRUE(AgreesWithReference(text)) << text;
  }
  Document d = ParseOrDie(R"({"a\udc80b":"x\udc00"})");
  EXPECT_EQ(d.root().key_at(0), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(d.root().value_at(0).as_string(), "x\xEF\xBF\xBD");
}

TEST(JsonFastPath, EscapesAtEveryOffsetAndOfEveryWidth) {
  // The decoder copies 16 bytes at a time: put each escape at every offset of a block, and
  // use every UTF-8 width, upper- and lower-case hex, and the escapes that end a text.
  const std::vector<std::pair<std::string, std::string>> escapes = {
      {R"(\")", "\""},       {R"(\\)", "\\"},     {R"(\/)", "/"},
      {R"(\b)", "\b"},       {R"(\f)", "\f"},     {R"(\n)", "\n"},
      {R"(\r)", "\r"},       {R"(\t)", "\t"},     {R"(\u0041)", "A"},
      {R"(\u00E9)", "\xC3\xA9"}, {R"(\u20ac)", "\xE2\x82\xAC"}, {R"(\uFFFF)", "\xEF\xBF\xBF"},
      {R"(\uD83D\uDE00)", "\xF0\x9F\x98\x80"}, {R"(\u0000)", std::string(1, '\0')}};
  for (const auto& [escaped, decoded] : escapes) {
    for (size_t pad = 0; pad < 20; ++pad) {
      const std::string prefix(pad, 'p');
      const std::string text = "{\"k" + prefix + escaped + "\":\"" + prefix + escaped + prefix +
                               escaped + "\"}";
      ASSERT_TRUE(AgreesWithReference(text)) << text;
      Document d = ParseOrDie(text);
      EXPECT_EQ(d.root().key_at(0), "k" + prefix + decoded) << text;
      EXPECT_EQ(d.root().value_at(0).as_string(), prefix + decoded + prefix + decoded) << text;
    }
  }
  // A string root that ends with an escape, and kubectl's last-applied-configuration shape.
  EXPECT_EQ(ParseOrDie(R"("a\n")").root().as_string(), "a\n");
  std::string inner, text = "{\"a\":\"";
  for (int i = 0; i < 60; ++i) {
    inner += "{\"k" + std::to_string(i) + "\":\"v\"},";
    text += "{\\\"k" + std::to_string(i) + "\\\":\\\"v\\\"},";
  }
  text += "\"}";
  ASSERT_TRUE(AgreesWithReference(text));
  EXPECT_EQ(ParseOrDie(text).root().Find("a").as_string(), inner);
  // What the decoder leaves to the reference parser, which rejects or repairs it.
  for (const char* bad : {R"(["\x"])", R"(["\u12G4"])", R"(["\u12"])", R"(["\u"])",
                          R"(["\uD800\n"])", R"(["\uD800\uD800"])", R"(["\uDBFF\uE000"])",
                          R"(["\uDC00"])", R"(["a\uDFFFb"])", R"(["\'"])", R"(["\U0041"])"}) {
    EXPECT_TRUE(AgreesWithReference(bad)) << bad;
    EXPECT_FALSE(internal::ParseFastForTest(bad, {}).has_value()) << bad;
  }
}

TEST(JsonFastPath, NestingAtTheLimit) {
  for (size_t limit : {1u, 2u, 10u, 512u, 1023u, 1024u, 1025u, 1500u}) {
    ParseOptions options;
    options.max_depth = limit;
    for (const char* open : {"[", "{\"a\":"}) {
      const char* close = open[0] == '[' ? "]" : "}";
      for (size_t depth : {limit, limit + 1}) {
        std::string text;
        for (size_t i = 0; i < depth; ++i) text += open;
        text += "1";
        for (size_t i = 0; i < depth; ++i) text += close;
        EXPECT_TRUE(AgreesWithReference(text, options)) << limit << " " << depth << open;
        EXPECT_EQ(Parse(text, options).ok(), depth <= limit) << limit << " " << depth << open;
      }
    }
  }
}

TEST(JsonFastPath, RepeatedKeysGoThroughTheBuilderReplay) {
  for (const char* text : {
           R"({"a":1,"a":2})",
           R"({"a":{"x":1,"x":[1,{"y":2,"y":3}]},"b":[{"k":1,"k":2}],"a":{"z":0}})",
           R"([{"a":1},{"b":2,"b":{"c":[],"c":{}}},{"d":{}}])",
           R"({"z":[[[[{"q":1,"q":2}]]]],"later":{"deep":[[[["x"]]]]}})",
       }) {
    EXPECT_TRUE(AgreesWithReference(text)) << text;
    ParseOptions strict;
    strict.allow_duplicate_keys = false;
    EXPECT_TRUE(AgreesWithReference(text, strict)) << text;
    EXPECT_FALSE(Parse(text, strict).ok()) << text;
  }
  std::string big = "{";
  for (int i = 0; i < 30; ++i) big += "\"k" + std::to_string(i % 20) + "\":" + std::to_string(i) + ",";
  big += "\"end\":{\"k\":1,\"k\":2}}";
  EXPECT_TRUE(AgreesWithReference(big));
  // A repeated key found after a deep part: the replay applies the depth limit too.
  ParseOptions shallow;
  shallow.max_depth = 3;
  EXPECT_TRUE(AgreesWithReference(R"({"a":1,"a":2,"b":[[[[1]]]]})", shallow));
}

TEST(JsonFastPath, NumbersMatchReference) {
  for (const char* text : {
           "[0,-0,0.0,-0.0,0e5,0e309,1e308,1e309,-1e309,1e-400,4.9e-324,2.2250738585072014e-308]",
           "[9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809]",
           "[18446744073709551615,18446744073709551616,123456789012345678901234567890]",
           "[1.7976931348623157e308,0.1,1E2,1e+2,-1.5E-2,100000000000000000000000000000000]",
       }) {
    EXPECT_TRUE(AgreesWithReference(text)) << text;
  }
}

// RapidJSON alone rejects a number whose integer part exceeds DBL_MAX even when the exponent
// brings it back into range; the reference path must read it as simdjson and Go do (found by
// json_fuzzer: 575 digits then e-849). Digits inside strings and after the point are not
// touched, and error offsets still count every digit of the text.
TEST(JsonParse, LongIntegerPartsWithAnExponentAreNumbersOnBothPaths) {
  const std::string digits400 = "1" + std::string(399, '0');
  const std::string nines = std::string(569, '9');
  for (const std::string& text : {
           nines + "e-849",
           "[" + digits400 + "e-390," + digits400 + ".5e-300,-" + digits400 + "E-399]",
           "{\"k\":" + digits400 + "e-100,\"s\":\"" + digits400 + "\"}",
           "[" + digits400 + "]",        // 1e399: out of range on both paths
           "[" + digits400 + "e10]",     // 1e409: likewise
           "[" + digits400 + "e-500]",   // underflows to zero, as Go
       }) {
    EXPECT_TRUE(AgreesWithReference(text)) << text.substr(0, 40);
    EXPECT_TRUE(AgreesWithReference(text, ParseOptions{.allow_duplicate_keys = false}))
        << text.substr(0, 40);
  }
  StatusOr<Document> d = internal::ParseReferenceForTest(
      "[" + digits400 + "e-390," + digits400 + ".5e-300,-" + digits400 + "E-399]", {});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->root().at(0).as_double(), 1e9);
  EXPECT_EQ(d->root().at(1).as_double(), 1e99);
  EXPECT_EQ(d->root().at(2).as_double(), -1.0);
  StatusOr<Document> s = internal::ParseReferenceForTest(
      "{\"k\":" + digits400 + "e-100,\"s\":\"" + digits400 + "\"}", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->root().Find("s").as_string(), digits400);
  // An error after a long number is reported at its place in the text (the x: column 408).
  StatusOr<Document> bad = internal::ParseReferenceForTest("[" + digits400 + "e-390 x]", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("column 408"), std::string::npos)
      << bad.status().ToString();
  StatusOr<Document> too_big = internal::ParseReferenceForTest("[" + digits400 + "]", {});
  ASSERT_FALSE(too_big.ok());
  EXPECT_NE(too_big.status().ToString().find("out of the range of a double"), std::string::npos)
      << too_big.status().ToString();
}

// Random mutations of valid documents (byte edits, token insertions, truncation): Parse and
// the reference parser must agree on each. CELGATE_JSON_DIFF_ITERATIONS raises the count
// (e.g. 300000 for a release check).
TEST(JsonFastPath, MutatedDocumentsAgreeWithReference) {
  size_t iterations = 20000;
  if (const char* env = std::getenv("CELGATE_JSON_DIFF_ITERATIONS")) {
    iterations = std::strtoull(env, nullptr, 10);
  }
  const std::vector<std::string> seeds = {
      SampleDocument(),
      R"({"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00","d":{"e":{"f":[]}},"g":-1.5e10})",
      R"([{"k":1,"k":2},{"x":{},"y":[[]]},"s\\\"q",true,false,0.5])",
  };
  const std::vector<std::string> tokens = {
      "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\udc00", "\\ud800", "0", "-0", "1e309",
      "0e309", "18446744073709551616", "9223372036854775808", "null", "true", "\"k\":1,",
      "\"a\"", " ", "\n", "\t", "\xED\xA0\x80", "\xC3\xA9", "\x80", std::string(1, '\0'),
      "1.5", "[[[[", "]]]]", "{\"a\":{\"a\":", "}}"};
  std::mt19937_64 rng(12345);
  ParseOptions options;
  ParseOptions shallow;
  shallow.max_depth = 4;
  ParseOptions strict;
  strict.allow_duplicate_keys = false;
  size_t accepted = 0;
  for (size_t it = 0; it < iterations; ++it) {
    std::string text = seeds[it % seeds.size()];
    const int edits = rng() % 2 ? 1 : 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rng() % (text.size() + 1);
      switch (rng() % 5) {
        case 0:  // delete a few bytes
          text.erase(at, 1 + rng() % 4);
          break;
        case 1:  // insert a token
          text.insert(at, tokens[rng() % tokens.size()]);
          break;
        case 2:  // overwrite a byte: a digit or letter mostly, anything sometimes
          if (at < text.size()) {
            const char* common = "0123456789eE.-+abcxyz";
            text[at] = rng() % 4 ? common[rng() % std::strlen(common)]
                                 : static_cast<char>(rng() % 256);
          }
          break;
        case 3:  // duplicate a slice
          if (at < text.size()) text.insert(at, text.substr(at, 1 + rng() % 24));
          break;
        case 4:  // truncate
          text.resize(at);
          break;
      }
    }
    const ParseOptions& o = it % 7 == 0 ? shallow : it % 11 == 0 ? strict : options;
    ASSERT_TRUE(AgreesWithReference(text, o)) << "iteration " << it << ": " << Quote(text);
    accepted += Parse(text, o).ok();
  }
  // The mutations must leave enough valid documents to compare values, not only errors.
  EXPECT_GT(accepted, iterations / 20);
}

TEST(JsonValue, KeyComparisonSeesEveryByteAtEveryLength) {
  // internal::SameBytes, used by Find, compares short keys with overlapping word loads.
  for (size_t n = 0; n <= 40; ++n) {
    const std::string a = std::string(n, 'k');
    EXPECT_TRUE(internal::SameBytes(a.data(), std::string(a).data(), n)) << n;
    for (size_t at = 0; at < n; ++at) {
      std::string b = a;
      b[at] = 'K';
      EXPECT_FALSE(internal::SameBytes(a.data(), b.data(), n)) << n << " " << at;
      // And through Find: a key that differs in one byte is another key.
      Document d = ParseOrDie("{\"" + b + "\":1,\"" + a + "\":2}");
      EXPECT_EQ(d.root().Find(a).as_int(), 2) << n << " " << at;
      EXPECT_EQ(d.root().Find(b).as_int(), 1) << n << " " << at;
    }
  }
}

TEST(JsonValue, FindOnMissingKeyIsInvalid) {
  Document d = ParseOrDie(R"({"a":{"b":1},"arr":[1]})");
  Value r = d.root();
  Value missing = r.Find("zzz");
  EXPECT_FALSE(missing.valid());
  EXPECT_FALSE(missing.is_null());
  EXPECT_FALSE(missing.is_object());
  EXPECT_EQ(missing.size(), 0u);
  EXPECT_FALSE(missing.Find("x").valid());
  EXPECT_FALSE(r.Find("a").Find("c").valid());
  EXPECT_FALSE(r.Find("").valid());
  EXPECT_FALSE(r.Find("arr").Find("a").valid());  // Find on an array
  EXPECT_FALSE(r.Find("ab").valid());             // same prefix, different length
}

TEST(JsonValue, WrongKindReadsReturnZeroValues) {
  Document d = ParseOrDie(R"(["s", 1, 1.5])");
  Value r = d.root();
  EXPECT_EQ(r.at(0).as_int(), 0);
  EXPECT_EQ(r.at(1).as_string(), "");
  EXPECT_EQ(r.at(1).as_double(), 1.0);  // ints read as doubles
  EXPECT_EQ(r.at(2).as_int(), 0);
  EXPECT_FALSE(r.at(3).valid());
  EXPECT_FALSE(r.at(0).at(0).valid());
  EXPECT_EQ(r.key_at(0), "");
  EXPECT_FALSE(Value().valid());
  EXPECT_EQ(Value().position().line, 0u);
}

TEST(JsonValue, LargeObjectsFindEveryKey) {
  std::string text = "{";
  for (int i = 0; i < 200; ++i) {
    text += (i ? "," : "") + std::string("\"key") + std::to_string(i * 7919 % 1000) + "\":" +
            std::to_string(i);
  }
  text += "}";
  Document d = ParseOrDie(text);
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(d.root().Find("key" + std::to_string(i * 7919 % 1000)).as_int(), i);
  }
  EXPECT_FALSE(d.root().Find("key1000").valid());
  EXPECT_FALSE(d.root().Find("k").valid());
}

TEST(JsonValue, IsTriviallyCopyableAndOnePointer) {
  static_assert(std::is_trivially_copyable_v<Value>);
  static_assert(sizeof(Value) == sizeof(void*));
  static_assert(sizeof(internal::Node) == 24);
}

TEST(JsonDocument, ValuesSurviveMovingTheDocument) {
  Document d = ParseOrDie(R"({"a":"text"})");
  Value a = d.root().Find("a");
  Document moved = std::move(d);
  EXPECT_EQ(a.as_string(), "text");
  EXPECT_GT(moved.memory_bytes(), 0u);
  EXPECT_FALSE(Document().root().valid());
}

TEST(JsonSerialize, RoundTripsCompactText) {
  const char* cases[] = {
      "null",
      "true",
      "[]",
      "{}",
      R"({"a":[1,-2,3.5,"x",null,true,false],"b":{"c":{}}})",
      R"(["\"\\\n\t\u0001","é"])",
      "[9223372036854775807,-9223372036854775808,9223372036854776000.0]",
      "[1.0,0.1,1e-7,1.7976931348623157e308,5e-324]",
  };
  for (const char* text : cases) {
    Document d = ParseOrDie(text);
    const std::string out = Serialize(d.root());
    EXPECT_EQ(out, text);
    Document again = ParseOrDie(out);
    EXPECT_EQ(Serialize(again.root()), out);
  }
}

TEST(JsonSerialize, DoublesStayDoublesAndIntsStayInts) {
  Document d = ParseOrDie("[1.0, 1, 100.0, 1e21]");
  std::string out = Serialize(d.root());
  Document back = ParseOrDie(out);
  EXPECT_TRUE(back.root().at(0).is_double()) << out;
  EXPECT_TRUE(back.root().at(1).is_int()) << out;
  EXPECT_TRUE(back.root().at(2).is_double()) << out;
  EXPECT_EQ(back.root().at(3).as_double(), 1e21) << out;
}

TEST(JsonSerialize, PrettyUsesIndent) {
  Document d = ParseOrDie(R"({"a":[1,2],"b":{}})");
  EXPECT_EQ(SerializePretty(d.root()), "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {}\n}");
  EXPECT_EQ(SerializePretty(d.root(), 4).substr(0, 8), "{\n    \"a");
}

TEST(JsonSerialize, InvalidValueIsNull) { EXPECT_EQ(Serialize(Value()), "null"); }

TEST(JsonSerialize, DeepDocumentsSerializeIteratively) {
  Builder b;
  for (int i = 0; i < 200000; ++i) {
    b.StartArray();
  }
  for (int i = 0; i < 200000; ++i) {
    b.EndArray();
  }
  Document d = b.Finish();
  EXPECT_EQ(Serialize(d.root()).size(), 400000u);
}

TEST(JsonBuilder, BuildsNestedValuesWithPositions) {
  Builder b;
  b.StartObject({1, 1});
  b.Key("name", {1, 1});
  b.String("x", {1, 7});
  b.Key("list", {2, 1});
  b.StartArray({2, 7});
  b.Int(1, {3, 3});
  b.Double(2.5);
  b.Bool(true);
  b.Null();
  b.EndArray();
  b.EndObject();
  Document d = b.Finish();
  Value r = d.root();
  EXPECT_EQ(Serialize(r), R"({"name":"x","list":[1,2.5,true,null]})");
  EXPECT_EQ(r.position().line, 1u);
  EXPECT_EQ(r.Find("name").position().column, 7u);
  EXPECT_EQ(r.Find("list").position().line, 2u);
  EXPECT_EQ(r.Find("list").at(0).position().line, 3u);
  EXPECT_EQ(r.key_position_at(1).line, 2u);
  EXPECT_FALSE(r.Find("list").at(1).position().known());
}

TEST(JsonBuilder, ReportsFirstDuplicateKeyWithPositions) {
  Builder b;
  b.StartObject();
  b.Key("a", {1, 1});
  b.Int(1);
  b.Key("a", {4, 2});
  b.Int(2);
  b.EndObject();
  ASSERT_TRUE(b.first_duplicate().has_value());
  EXPECT_EQ(b.first_duplicate()->key, "a");
  EXPECT_EQ(b.first_duplicate()->first.line, 1u);
  EXPECT_EQ(b.first_duplicate()->second.line, 4u);
  Document d = b.Finish();
  EXPECT_EQ(Serialize(d.root()), R"({"a":2})");
  EXPECT_FALSE(b.first_duplicate().has_value());  // reset by Finish
}

TEST(JsonBuilder, ValueDeepCopiesFromAnotherDocument) {
  Document src = ParseOrDie(R"({"a":[1,{"b":"c"}],"d":null})");
  Builder b;
  b.StartArray();
  b.Value(src.root());
  b.Value(src.root().Find("a"));
  b.Value(Value());
  b.EndArray();
  Document d = b.Finish();
  src = Document();  // the copy owns its own memory
  EXPECT_EQ(Serialize(d.root()), R"([{"a":[1,{"b":"c"}],"d":null},[1,{"b":"c"}],null])");
}

TEST(JsonBuilder, IsReusableAfterFinish) {
  Builder b;
  b.Int(1);
  Document one = b.Finish();
  b.String("two");
  Document two = b.Finish();
  EXPECT_EQ(one.root().as_int(), 1);
  EXPECT_EQ(two.root().as_string(), "two");
}

TEST(JsonWriter, WritesCompactJson) {
  Writer w;
  w.StartObject();
  w.Key("uid");
  w.String("a\"b");
  w.Key("allowed");
  w.Bool(false);
  w.Key("n");
  w.Int(-3);
  w.Key("u");
  w.Uint(18446744073709551615ULL);
  w.Key("d");
  w.Double(0.5);
  w.Key("nan");
  w.Double(std::nan(""));
  w.Key("z");
  w.Null();
  w.Key("raw");
  w.Raw(R"({"x":[1]})");
  w.Key("arr");
  w.StartArray();
  w.Int(1);
  w.EndArray();
  w.EndObject();
  EXPECT_EQ(w.str(),
            R"({"uid":"a\"b","allowed":false,"n":-3,"u":18446744073709551615,"d":0.5,)"
            R"("nan":null,"z":null,"raw":{"x":[1]},"arr":[1]})");
}

TEST(JsonWriter, WritesValuesAndIsReusableAfterTake) {
  Document d = ParseOrDie(R"({"k":[true,"v"]})");
  Writer w;
  w.StartArray();
  w.Value(d.root());
  w.Value(d.root().Find("missing"));
  w.EndArray();
  EXPECT_EQ(w.Take(), R"([{"k":[true,"v"]},null])");
  EXPECT_EQ(w.str(), "");
  w.Int(5);
  EXPECT_EQ(w.Take(), "5");
}

TEST(JsonQuote, EscapesSpecialCharacters) {
  EXPECT_EQ(Quote("plain"), "\"plain\"");
  EXPECT_EQ(Quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(Quote(std::string_view("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(Quote(""), "\"\"");
}

TEST(JsonTypeName, NamesEveryType) {
  EXPECT_EQ(TypeName(Type::kObject), "object");
  EXPECT_EQ(TypeName(Type::kInt), "int");
}

}  // namespace
}  // namespace celgate::json

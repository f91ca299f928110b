// Tests for yaml/yaml.h: kubectl-compatible conversion of YAML streams to json::Documents.
#include "yaml/yaml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace celgate::yaml {
namespace {

using ::testing::HasSubstr;

std::vector<YamlDocument> LoadOrDie(std::string_view text, const LoadOptions& options = {}) {
  StatusOr<std::vector<YamlDocument>> docs = LoadAll(text, options);
  EXPECT_TRUE(docs.ok()) << docs.status().ToString() << "\nfor:\n" << text;
  if (!docs.ok()) {
    return {};
  }
  return std::move(docs).value();
}

// The single document of `text`, as compact JSON.
std::string ToJson(std::string_view text) {
  std::vector<YamlDocument> docs = LoadOrDie(text);
  if (docs.size() != 1) {
    ADD_FAILURE() << "expected one document for: " << text;
    return "";
  }
  return json::Serialize(docs[0].doc.root());
}

std::string LoadError(std::string_view text, const LoadOptions& options = {}) {
  StatusOr<std::vector<YamlDocument>> docs = LoadAll(text, options);
  EXPECT_FALSE(docs.ok()) << "accepted:\n" << text;
  return docs.ok() ? "" : std::string(docs.status().message());
}

struct ScalarCase {
  const char* yaml;  // the value of key `v`
  const char* json;
};

TEST(YamlScalar, PlainScalarsResolveLikeGoYamlV2) {
  const ScalarCase cases[] = {
      // null
      {"~", "null"},
      {"null", "null"},
      {"Null", "null"},
      {"NULL", "null"},
      {"", "null"},
      {"nULL", "\"nULL\""},
      // bool (YAML 1.1, exactly go-yaml v2's list)
      {"true", "true"},
      {"True", "true"},
      {"TRUE", "true"},
      {"yes", "true"},
      {"Yes", "true"},
      {"YES", "true"},
      {"y", "true"},
      {"Y", "true"},
      {"on", "true"},
      {"On", "true"},
      {"ON", "true"},
      {"false", "false"},
      {"no", "false"},
      {"No", "false"},
      {"n", "false"},
      {"N", "false"},
      {"off", "false"},
      {"OFF", "false"},
      {"tRUE", "\"tRUE\""},
      {"yEs", "\"yEs\""},
      {"oN", "\"oN\""},
      // ints
      {"0", "0"},
      {"42", "42"},
      {"-17", "-17"},
      {"+12", "12"},
      {"1_000_000", "1000000"},
      {"0x1F", "31"},
      {"0X1f", "31"},
      {"-0x1F", "-31"},
      {"0x_1F", "31"},
      {"010", "8"},
      {"-010", "-8"},
      {"0o17", "15"},
      {"0b101", "5"},
      {"9223372036854775807", "9223372036854775807"},
      {"-9223372036854775808", "-9223372036854775808"},
      {"9223372036854775808", "9223372036854776000.0"},
      {"18446744073709551615", "18446744073709553000.0"},
      {"0x", "\"0x\""},
      // floats (integral ones become ints, as after kubectl's JSON round trip)
      {"1e3", "1000"},
      {"1.0", "1"},
      {"1.", "1"},
      {"-0.0", "0"},
      {"1.5", "1.5"},
      {".5", "0.5"},
      {"-.5", "-0.5"},
      {"1.5e-3", "0.0015"},
      {"1e21", "1e21"},
      {"08", "8"},
      {"09.5", "9.5"},
      {"1e400", "\"1e400\""},
      // strings
      {"hello", "\"hello\""},
      {"1.2.3", "\"1.2.3\""},
      {"2001-12-14", "\"2001-12-14\""},
      {"12:30", "\"12:30\""},
      {"1_0.5x", "\"1_0.5x\""},
      {"._5", "\"._5\""},
      {"+", "\"+\""},
      {"-x", "\"-x\""},
      {"<<x", "\"<<x\""},
      {"nan", "\"nan\""},
      {"inf", "\"inf\""},
  };
  for (const ScalarCase& c : cases) {
    EXPECT_EQ(ToJson(std::string("v: ") + c.yaml), std::string("{\"v\":") + c.json + "}")
        << "for v: " << c.yaml;
  }
}

TEST(YamlScalar, QuotedAndBlockScalarsAreStrings) {
  const ScalarCase cases[] = {
      {"\"quoted\"", "\"quoted\""},
      {"'yes'", "\"yes\""},
      {"\"123\"", "\"123\""},
      {"'~'", "\"~\""},
      {"\"\"", "\"\""},
      {"\"a\\tb\\u00e9\"", "\"a\\tb\xC3\xA9\""},
      {"'it''s'", "\"it's\""},
      {"!!str 123", "\"123\""},
      {"!!str true", "\"true\""},
      {"!custom 42", "\"42\""},
      {"!!int \"12\"", "12"},
      {"!!float 1", "1"},
      {"!!float 1.5", "1.5"},
      {"!!bool yes", "true"},
  };
  for (const ScalarCase& c : cases) {
    EXPECT_EQ(ToJson(std::string("v: ") + c.yaml), std::string("{\"v\":") + c.json + "}")
        << "for v: " << c.yaml;
  }
  EXPECT_EQ(ToJson("lit: |\n  line1\n  line2\nfold: >\n  a\n  b\nstrip: |-\n  x\n"),
            R"({"lit":"line1\nline2\n","fold":"a b\n","strip":"x"})");
  EXPECT_EQ(ToJson("v: |\n  true\n"), R"({"v":"true\n"})");
}

TEST(YamlScalar, MismatchedExplicitTagIsAnError) {
  EXPECT_THAT(LoadError("v: !!int abc\n"), HasSubstr("cannot decode \"abc\" as !!int"));
  EXPECT_THAT(LoadError("v: !!bool 1\n"), HasSubstr("as !!bool"));
}

TEST(YamlScalar, InfinityAndNanAreRejectedWithPosition) {
  for (const char* v : {".inf", "-.inf", "+.Inf", ".nan", ".NaN"}) {
    const std::string err = LoadError(std::string("a:\n  b: ") + v + "\n");
    EXPECT_THAT(err, HasSubstr("line 2 column 6")) << v;
    EXPECT_THAT(err, HasSubstr("JSON cannot represent")) << v;
  }
}

TEST(YamlKeys, NonStringKeysBecomeStringsLikeSigsYaml) {
  EXPECT_EQ(ToJson("1: a\n0x1F: b\n010: c\ntrue: d\nno: e\n1.5: f\n1e3: g\n\"q\": h\n"
                   "1e6: i\n0.0001: j\n0.00001: k\n"),
            R"({"1":"a","31":"b","8":"c","true":"d","false":"e","1.5":"f","1000":"g","q":"h",)"
            R"("1e+06":"i","0.0001":"j","1e-05":"k"})");
  EXPECT_EQ(ToJson("on: push\n"), R"({"true":"push"})");  // the famous YAML 1.1 surprise
  EXPECT_EQ(ToJson("x: 1\ny: 2\n"), R"({"x":1,"true":2})");   // go-yaml v2: y is a bool
  EXPECT_EQ(ToJson("'on': push\n"), R"({"on":"push"})");
}

TEST(YamlKeys, KeysThatBecomeEqualStringsAreDuplicates) {
  EXPECT_THAT(LoadError("yes: 1\ntrue: 2\n"), HasSubstr("mapping key \"true\" already defined"));
  EXPECT_THAT(LoadError("1: a\n\"1\": b\n"), HasSubstr("mapping key \"1\" already defined"));
}

TEST(YamlKeys, NullAndCollectionKeysAreRejected) {
  EXPECT_THAT(LoadError("~: a\n"), HasSubstr("null mapping key"));
  EXPECT_THAT(LoadError("? [a, b]\n: c\n"), HasSubstr("must be a scalar"));
}

TEST(YamlKeys, DuplicateKeysNameTheKeyAndBothLines) {
  const std::string err = LoadError("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n");
  EXPECT_THAT(err, HasSubstr("line 5 column 3"));
  EXPECT_THAT(err, HasSubstr("mapping key \"c\" already defined at line 3"));
  EXPECT_THAT(err, HasSubstr("document 0"));
}

TEST(YamlStream, LoadsMultipleDocumentsAndSkipsEmptyOnes) {
  std::vector<YamlDocument> docs = LoadOrDie(
      "# leading comment\n"
      "a: 1 # trailing comment\n"
      "---\n"
      "---\n"
      "# only a comment\n"
      "---\n"
      "b: 2\n"
      "...\n"
      "---\n"
      "- x\n");
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(json::Serialize(docs[0].doc.root()), R"({"a":1})");
  EXPECT_EQ(docs[0].index, 0u);
  EXPECT_EQ(docs[0].start_line, 2u);
  EXPECT_EQ(json::Serialize(docs[1].doc.root()), R"({"b":2})");
  EXPECT_EQ(docs[1].index, 3u);
  EXPECT_EQ(docs[1].start_line, 6u);
  EXPECT_EQ(json::Serialize(docs[2].doc.root()), R"(["x"])");
  EXPECT_EQ(docs[2].index, 4u);
}

TEST(YamlStream, EmptyInputHasNoDocuments) {
  EXPECT_TRUE(LoadOrDie("").empty());
  EXPECT_TRUE(LoadOrDie("# nothing\n\n").empty());
  EXPECT_TRUE(LoadOrDie("---\n...\n").empty());
}

TEST(YamlStream, ErrorsNameTheDocumentIndex) {
  const std::string err = LoadError("a: 1\n---\nb: 2\n---\nc: [1, 2\n");
  EXPECT_THAT(err, HasSubstr("document 2"));
  EXPECT_THAT(err, HasSubstr("line 6"));  // the unclosed flow sequence is noticed at EOF
}

TEST(YamlPositions, NestedFieldsCarryLineAndColumn) {
  std::vector<YamlDocument> docs = LoadOrDie(
      "apiVersion: v1\n"
      "kind: Pod\n"
      "spec:\n"
      "  containers:\n"
      "    - name: app\n"
      "      image: nginx\n"
      "      ports: [80, 443]\n");
  ASSERT_EQ(docs.size(), 1u);
  json::Value root = docs[0].doc.root();
  EXPECT_EQ(root.position().line, 1u);
  EXPECT_EQ(root.Find("kind").position().line, 2u);
  EXPECT_EQ(root.Find("kind").position().column, 7u);
  json::Value c0 = root.Find("spec").Find("containers").at(0);
  EXPECT_EQ(c0.position().line, 5u);
  EXPECT_EQ(c0.position().column, 7u);
  EXPECT_EQ(c0.Find("image").position().line, 6u);
  EXPECT_EQ(c0.Find("image").position().column, 14u);
  EXPECT_EQ(c0.key_position_at(1).line, 6u);
  EXPECT_EQ(c0.key_position_at(1).column, 7u);
  EXPECT_EQ(c0.Find("ports").at(1).position().line, 7u);
  EXPECT_EQ(c0.Find("ports").at(1).position().column, 19u);
}

TEST(YamlAliases, AnchorsAliasesAndMergeKeys) {
  EXPECT_EQ(ToJson("base: &b {x: 1, w: 2}\n"
                   "copy: *b\n"
                   "merged:\n"
                   "  <<: *b\n"
                   "  w: 20\n"
                   "  z: 3\n"),
            R"({"base":{"x":1,"w":2},"copy":{"x":1,"w":2},"merged":{"x":1,"w":20,"z":3}})");
}

TEST(YamlAliases, MergeSequenceEarlierSourcesWinAndExplicitKeysAlwaysWin) {
  EXPECT_EQ(ToJson("a: &a {k: a, only_a: 1}\n"
                   "b: &b {k: b, only_b: 2, e: b}\n"
                   "m:\n"
                   "  e: mine\n"
                   "  <<: [*a, *b]\n"),
            R"({"a":{"k":"a","only_a":1},"b":{"k":"b","only_b":2,"e":"b"},)"
            R"("m":{"e":"mine","k":"a","only_a":1,"only_b":2}})");
}

TEST(YamlAliases, MergesChainThroughMergedMaps) {
  EXPECT_EQ(ToJson("a: &a {x: 1}\nb: &b {<<: *a, w: 2}\nc: {<<: *b, z: 3}\n"),
            R"({"a":{"x":1},"b":{"x":1,"w":2},"c":{"x":1,"w":2,"z":3}})");
}

TEST(YamlAliases, MergeOfNonMapIsAnError) {
  EXPECT_THAT(LoadError("a: &a [1]\nb:\n  <<: *a\n"),
              HasSubstr("map merge requires map or sequence of maps"));
  EXPECT_THAT(LoadError("a: &a 1\nb:\n  <<: [*a]\n"),
              HasSubstr("map merge requires map or sequence of maps"));
}

TEST(YamlAliases, QuotedMergeKeyIsAnOrdinaryKey) {
  EXPECT_EQ(ToJson("a: &a {x: 1}\nb: {\"<<\": *a}\n"), R"({"a":{"x":1},"b":{"<<":{"x":1}}})");
}

TEST(YamlAliases, ScalarAliasesExpand) {
  EXPECT_EQ(ToJson("a: &v 0x10\nb: *v\nc: [*v, *v]\n"), R"({"a":16,"b":16,"c":[16,16]})");
}

TEST(YamlAliases, AliasBombIsRejectedQuickly) {
  std::string bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) {
      bomb += std::string(i ? "," : "") + "*" + prev;
    }
    bomb += "]\n";
    prev = c;
  }
  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::vector<YamlDocument>> docs = LoadAll(bomb);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(docs.status().message()), HasSubstr("expanding aliases"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(YamlAliases, MaxNodesBoundsTheWholeStream) {
  LoadOptions options;
  options.max_nodes = 10;
  EXPECT_TRUE(LoadAll("[1, 2, 3]\n---\n[4, 5]\n", options).ok());
  StatusOr<std::vector<YamlDocument>> docs =
      LoadAll("[1, 2, 3, 4]\n---\n[5, 6, 7]\n---\n[8, 9, 10]\n", options);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
}

TEST(YamlAliases, RecursiveAliasIsRejected) {
  EXPECT_THAT(LoadError("a: &x [1, *x]\n"), HasSubstr("recursive alias"));
  EXPECT_THAT(LoadError("a: &x {b: *x}\n"), HasSubstr("recursive alias"));
}

TEST(YamlAliases, UnknownAliasIsAnError) {
  EXPECT_THAT(LoadError("a: *nope\n"), HasSubstr("line 1"));
}

TEST(YamlLimits, DeepNestingIsRejectedWithoutCrashing) {
  for (const std::string& text :
       {std::string(100000, '['), std::string(100000, '{'),
        [] {
          std::string s;
          for (int i = 0; i < 100000; ++i) {
            s += "- ";
          }
          return s + "x\n";
        }(),
        [] {
          std::string s;
          for (int i = 0; i < 2000; ++i) {
            s += std::string(i, ' ') + "k:\n";
          }
          return s;
        }()}) {
    const std::string err = LoadError(text);
    EXPECT_THAT(err, HasSubstr("nesting deeper than 256")) << text.substr(0, 20);
  }
}

TEST(YamlLimits, NestingWithinMaxDepthLoads) {
  LoadOptions options;
  options.max_depth = 3;
  EXPECT_TRUE(LoadAll("[[[1]]]", options).ok());
  EXPECT_FALSE(LoadAll("[[[[1]]]]", options).ok());
}

TEST(YamlLimits, AliasExpansionCannotExceedMaxDepth) {
  LoadOptions options;
  options.max_depth = 4;
  EXPECT_TRUE(LoadAll("a: &a [[1]]\n", options).ok());
  StatusOr<std::vector<YamlDocument>> docs = LoadAll("a: &a [[1]]\nb: [[*a]]\n", options);
  ASSERT_FALSE(docs.ok());
  EXPECT_THAT(std::string(docs.status().message()), HasSubstr("after alias expansion"));
}

TEST(YamlLimits, InputOverMaxBytesIsResourceExhausted) {
  LoadOptions options;
  options.max_bytes = 3;
  StatusOr<std::vector<YamlDocument>> docs = LoadAll("a: 1\n", options);
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kResourceExhausted);
}

TEST(YamlSyntax, TabIndentationIsAnErrorWithLine) {
  EXPECT_THAT(LoadError("a:\n\tb: 1\n"), HasSubstr("line 2"));
}

TEST(YamlSyntax, BadIndentationIsAnErrorWithLine) {
  EXPECT_THAT(LoadError("a:\n  b: 1\n c: 2\n"), HasSubstr("line 3 column 2"));
  EXPECT_THAT(LoadError("a: b: c\n"), HasSubstr("line 1 column 5"));
}

TEST(YamlSyntax, InvalidUtf8AndControlCharactersAreRejected) {
  EXPECT_THAT(LoadError("a: 1\nb: \xFF\n"), HasSubstr("line 2 column 4: invalid UTF-8"));
  EXPECT_THAT(LoadError("a: \xED\xA0\x80\n"), HasSubstr("invalid UTF-8"));
  EXPECT_THAT(LoadError(std::string_view("a: x\0y\n", 7)), HasSubstr("line 1 column 5"));
  EXPECT_EQ(ToJson("a: h\xC3\xA9\n"), "{\"a\":\"h\xC3\xA9\"}");
}

TEST(YamlSyntax, StrayTopLevelCommaIsAnErrorNotAnEndlessLoop) {
  // Found by fuzz/yaml_fuzzer: yaml-cpp 0.7 returned empty documents forever for these
  // (jbeder/yaml-cpp#1040); LoadAll never returned.
  for (const char* text : {",", "\n,\n", "{},a", "[], n:x", " {k: v}, n:-.INF}\n"}) {
    EXPECT_THAT(LoadError(text), HasSubstr("unexpected ','")) << text;
  }
  EXPECT_THAT(LoadError("a: 1\n---\n,\n"), HasSubstr("line 3 column 1: unexpected ','"));
}

TEST(YamlScalar, NelAndNbspEscapesBecomeUtf8) {
  // Found by fuzz/yaml_fuzzer: yaml-cpp 0.7 turns "\N" and "\_" into the lone bytes 0x85 and
  // 0xA0, so the string was not UTF-8 and its JSON serialization did not parse.
  EXPECT_EQ(ToJson("v: \"a\\_b\\Nc\"\n"), "{\"v\":\"a\xC2\xA0" "b\xC2\x85" "c\"}");
  // The same in keys, next to multi-byte characters and other escapes that were already right.
  EXPECT_EQ(ToJson("\"\xC3\xA9\\_\": \"\\N\\u00e9\\L\\_\"\n"),
            "{\"\xC3\xA9\xC2\xA0\":\"\xC2\x85\xC3\xA9\xE2\x80\xA8\xC2\xA0\"}");
  for (const YamlDocument& d : LoadOrDie("- \"\\N\"\n- {\"\\_\": \"x\\_\"}\n")) {
    const std::string text = json::Serialize(d.doc.root());
    EXPECT_TRUE(json::Parse(text).ok()) << text;
  }
}

TEST(YamlSyntax, TabsInsideValuesAndWindowsLineEndingsAreFine) {
  EXPECT_EQ(ToJson("a: \"x\\ty\"\r\nb: 2\r\n"), R"({"a":"x\ty","b":2})");
}

TEST(YamlManifest, ValidatingAdmissionPolicyFromCorpusLoads) {
  const char* path =
      "/work/shared/corpus/kubescape-cel-admission-library/c-0016-allow-privilege-escalation/"
      "policy.yaml";
  std::ifstream file(path);
  if (!file) {
    GTEST_SKIP() << "corpus not available: " << path;
  }
  std::stringstream ss;
  ss << file.rdbuf();
  std::vector<YamlDocument> docs = LoadOrDie(ss.str());
  ASSERT_EQ(docs.size(), 2u);
  json::Value policy = docs[0].doc.root();
  EXPECT_EQ(policy.Find("kind").as_string(), "ValidatingAdmissionPolicy");
  EXPECT_EQ(policy.Find("metadata").Find("name").as_string(),
            "kubescape-c-0016-allow-privilege-escalation");
  json::Value spec = policy.Find("spec");
  EXPECT_EQ(spec.Find("failurePolicy").as_string(), "Fail");
  json::Value rules = spec.Find("matchConstraints").Find("resourceRules");
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules.at(0).Find("apiGroups").at(0).as_string(), "");
  EXPECT_EQ(rules.at(1).Find("resources").size(), 4u);
  json::Value variable = spec.Find("variables").at(0);
  EXPECT_EQ(variable.Find("name").as_string(), "containers");
  EXPECT_THAT(std::string(variable.Find("expression").as_string()),
              HasSubstr("object.kind == 'Pod'\n  ? object.spec.containers"));
  json::Value validation = spec.Find("validations").at(0);
  EXPECT_TRUE(validation.Find("expression").is_string());
  EXPECT_EQ(validation.Find("expression").position().line, 36u);
  EXPECT_EQ(docs[1].doc.root().Find("kind").as_string(), "ValidatingAdmissionPolicyBinding");
  EXPECT_EQ(docs[1].index, 1u);
}

TEST(YamlManifest, ConstraintTemplateFromCorpusLoads) {
  std::ifstream file(
      "/work/shared/corpus/gatekeeper-library/requiredlabels-must-have-key/policy.yaml");
  if (!file) {
    GTEST_SKIP() << "corpus not available";
  }
  std::stringstream ss;
  ss << file.rdbuf();
  std::vector<YamlDocument> docs = LoadOrDie(ss.str());
  ASSERT_FALSE(docs.empty());
  json::Value root = docs[0].doc.root();
  EXPECT_EQ(root.Find("kind").as_string(), "ConstraintTemplate");
  EXPECT_EQ(root.Find("metadata").Find("annotations").Find("metadata.gatekeeper.sh/version")
                .as_string(),
            "1.1.2");
  json::Value code = root.Find("spec").Find("targets").at(0).Find("code");
  EXPECT_EQ(code.at(0).Find("engine").as_string(), "K8sNativeValidation");
}

}  // namespace
}  // namespace celgate::yaml

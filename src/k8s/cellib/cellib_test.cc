// Kubernetes CEL libraries end to end through cel/cel.h: compile with the versioned
// environment, evaluate, compare the CEL literal form of the result (or the error text).
#include <gtest/gtest.h>

#include "cel/cel.h"
#include "cel/json/json_value.h"
#include "json/json.h"
#include "k8s/cellib/authz.h"
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/environment.h"

namespace celgate::k8s::cellib {
namespace {

struct Case {
  const char* expr;
  const char* want;  // CEL literal, "error: <msg>", "compile: <substring>"
};

class CellibTest : public ::testing::Test {
 protected:
  // Evaluates `expr` in the environment of `version`; returns the CEL literal form of the
  // result, "error: <msg>" for CEL errors, "compile: <issues>" or "status: <status>".
  std::string Eval(std::string_view expr, Version version = kNewestVersion,
                   bool extended = false) {
    cel::EnvBuilder b;
    for (const cel::Library& lib : Libraries(version, extended)) b.AddLibrary(lib);
    b.AddVariable("authorizer", AuthorizerType());
    b.AddVariable("x", cel::Type::Dyn());
    b.SetOptions(EnvOptionsFor(version, extended));
    auto env = b.Build();
    cel::CompileResult r = env->Compile(expr);
    estimate_ = r.cost_estimate;
    if (!r.ok()) return "compile: " + r.FormatIssues();
    cel::Activation act(env->variable_count());
    act.Set(env->VariableSlot("authorizer"), MakeAuthorizerValue(arena_, authorizer_, user_));
    act.Set(env->VariableSlot("x"), x_);
    stats_ = cel::EvalStats{};
    StatusOr<cel::Value> v = r.program->Eval(act, arena_, {}, &stats_);
    if (!v.ok()) return "status: " + std::string(v.status().message());
    if (v->is_error()) return "error: " + std::string(v->error().message);
    return cel::DebugString(*v, arena_);
  }
  void Check(const std::vector<Case>& cases, Version version = kNewestVersion) {
    for (const Case& c : cases) {
      std::string got = Eval(c.expr, version);
      std::string_view want = c.want;
      if (want.substr(0, 8) == "compile:") {
        EXPECT_EQ(got.substr(0, 8), "compile:") << c.expr << " -> " << got;
        EXPECT_NE(got.find(want.substr(9)), std::string::npos) << c.expr << " -> " << got;
      } else {
        EXPECT_EQ(got, want) << c.expr;
      }
    }
  }

  Arena arena_;
  cel::EvalStats stats_;
  cel::CostEstimate estimate_;  // static estimate of the last compiled expression
  cel::Value x_;
  const Authorizer* authorizer_ = nullptr;
  UserInfo user_{.name = "alice", .uid = "1", .groups = {"devs", "system:authenticated"}};
};

TEST_F(CellibTest, QuantityComparesAndComputesExactly) {
  Check({
      {"quantity('1Gi').isGreaterThan(quantity('500Mi'))", "true"},
      {"quantity('500Mi').isLessThan(quantity('1Gi'))", "true"},
      {"quantity('50M').compareTo(quantity('50Mi'))", "-1"},
      {"quantity('1k').compareTo(quantity('1000'))", "0"},
      {"quantity('1k') == quantity('1000')", "true"},
      {"quantity('1k') != quantity('1001')", "true"},
      {"quantity('1.5G').asInteger()", "1500000000"},
      {"quantity('1500m').isInteger()", "false"},
      {"quantity('1500m').asInteger()", "error: cannot convert value to integer"},
      {"quantity('1.5Gi').isInteger()", "false"},
      {"quantity('9223372036854775807').add(1).isInteger()", "false"},
      {"quantity('9223372036854775807').add(1).isGreaterThan(quantity('9223372036854775807'))",
       "true"},
      {"quantity('100Ei').asInteger()", "error: cannot convert value to integer"},
      {"quantity('2').asApproximateFloat()", "2"},
      {"quantity('1.5').asApproximateFloat()", "1.5"},
      {"quantity('200k').add(quantity('20k')) == quantity('220k')", "true"},
      {"quantity('200k').sub(quantity('20k')).asInteger()", "180000"},
      {"quantity('1').add(2).asInteger()", "3"},
      {"quantity('1').sub(2).asInteger()", "-1"},
      {"sign(quantity('-5m'))", "-1"},
      {"sign(quantity('0'))", "0"},
      {"sign(quantity('3'))", "1"},
      {"isQuantity('1.5G')", "true"},
      {"isQuantity('200K')", "false"},
      {"isQuantity('1,3G')", "false"},
      {"quantity('Three')",
       "error: quantities must match the regular expression "
       "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
      {"quantity('50k').add('20k')", "compile: found no matching overload for 'add'"},
      {"quantity('1Gi')", "quantity(\"1Gi\")"},
      {"type(quantity('1')) == type(quantity('2'))", "true"},
  });
}

TEST_F(CellibTest, QuantityCosts) {
  EXPECT_EQ(Eval("quantity('1Gi').isGreaterThan(quantity('500Mi'))"), "true");
  // quantity('1Gi') ceil(0.3) = 1, quantity('500Mi') ceil(0.5) = 1, isGreaterThan 1.
  EXPECT_EQ(stats_.cost, 3u);
  EXPECT_EQ(Eval("isQuantity('123456789012345')"), "true");  // ceil(1.5) = 2
  EXPECT_EQ(stats_.cost, 2u);
}

TEST_F(CellibTest, ListsFunctionsAndErrors) {
  Check({
      {"[1, 2, 2, 3].isSorted()", "true"},
      {"[3, 1].isSorted()", "false"},
      {"[].isSorted()", "true"},
      {"['a', 'b'].isSorted()", "true"},
      {"[1, 2, 3].sum()", "6"},
      {"[1.5, 2.75].sum()", "4.25"},
      {"[1u, 2u].sum()", "3u"},
      {"[duration('1s'), duration('2s')].sum()", "duration(\"3s\")"},
      {"[9223372036854775807, 1].sum()", "error: integer overflow"},
      {"[3, 1, 2].min()", "1"},
      {"[3, 1, 2].max()", "3"},
      {"['b', 'a'].min()", "\"a\""},
      {"dyn([]).min()", "error: min called on empty list"},
      {"dyn([]).max()", "error: max called on empty list"},
      {"[1, 2, 1].indexOf(1)", "0"},
      {"[1, 2, 1].lastIndexOf(1)", "2"},
      {"[1, 2].indexOf(5)", "-1"},
      {"[[1], [2]].indexOf([2])", "1"},
      {"[{}].min()", "compile: found no matching overload for 'min'"},
  });
}

TEST_F(CellibTest, ListsCostIsTheReceiverTraversal) {
  EXPECT_EQ(Eval("[1, 2, 3, 4, 5].sum()"), "15");
  // list literal 10 + traversal 5.
  EXPECT_EQ(stats_.cost, 15u);
}

TEST_F(CellibTest, RegexFindsLikeGo) {
  Check({
      {"'abc 123'.find('[0-9]+')", "\"123\""},
      {"'abc 123'.find('[0-9]*')", "\"\""},
      {"'abc'.find('x')", "\"\""},
      {"'123 abc 456'.findAll('[0-9]+')", "[\"123\", \"456\"]"},
      {"'123 abc 456'.findAll('[0-9]+', 1)", "[\"123\"]"},
      {"'123 abc 456'.findAll('[0-9]+', 0)", "[]"},
      {"'123 abc 456'.findAll('[0-9]+', -1)", "[\"123\", \"456\"]"},
      {"'abc'.findAll('')", "[\"\", \"\", \"\", \"\"]"},
      {"'a1b'.findAll('[0-9]*')", "[\"\", \"1\", \"\"]"},
      {"'héllo'.findAll('')", "[\"\", \"\", \"\", \"\", \"\", \"\"]"},
      {"'x'.find('(')", "compile: Illegal regex"},
      {"'x'.find(dyn('('))", "error: Illegal regex: error parsing regexp: missing closing ): `(`"},
      {"'x'.findAll(dyn('a**'))",
       "error: Illegal regex: error parsing regexp: invalid nested repetition operator: `**`"},
  });
}

TEST_F(CellibTest, RegexCost) {
  // find: ceil((1 + 7) * 0.1) * ceil(6 * 0.25) = 1 * 2.
  EXPECT_EQ(Eval("'abc 123'.find('[0-9]+')"), "\"123\"");
  EXPECT_EQ(stats_.cost, 2u);
}

TEST_F(CellibTest, URLParts) {
  Check({
      {"url('https://user@example.com:8080/path%20x/?a=1&a=2&b=c+d#frag').getScheme()",
       "\"https\""},
      {"url('https://example.com:8080/p').getHost()", "\"example.com:8080\""},
      {"url('https://example.com:8080/p').getHostname()", "\"example.com\""},
      {"url('https://example.com:8080/p').getPort()", "\"8080\""},
      {"url('https://example.com/p').getPort()", "\"\""},
      {"url('https://[::1]:80/').getHost()", "\"[::1]:80\""},
      {"url('https://[::1]:80/').getHostname()", "\"::1\""},
      {"url('/path with spaces/').getEscapedPath()", "\"/path%20with%20spaces/\""},
      {"url('https://example.com').getEscapedPath()", "\"\""},
      {"url('https://e.com/?a=1&a=2&b=c+d').getQuery()", "{\"a\": [\"1\", \"2\"], \"b\": [\"c d\"]}"},
      {"url('https://e.com/').getQuery()", "{}"},
      {"isURL('https://example.com')", "true"},
      {"isURL('/absolute')", "true"},
      {"isURL('../relative')", "false"},
      {"url('../x')",
       "error: URL parse error during conversion from string: parse \"../x\": invalid URI for "
       "request"},
      {"isURL('https://a:b:c/')", "false"},
      {"url('https://e.com/a') == url('https://e.com/a')", "true"},
  });
}

TEST_F(CellibTest, IPFamiliesAndRejections) {
  Check({
      {"ip('10.1.2.3').family()", "4"},
      {"ip('fe80::1').family()", "6"},
      {"ip('0.0.0.0').isUnspecified()", "true"},
      {"ip('::').isUnspecified()", "true"},
      {"ip('127.0.0.1').isLoopback()", "true"},
      {"ip('::1').isLoopback()", "true"},
      {"ip('224.0.0.1').isLinkLocalMulticast()", "true"},
      {"ip('ff02::1').isLinkLocalMulticast()", "true"},
      {"ip('169.254.1.1').isLinkLocalUnicast()", "true"},
      {"ip('fe80::1').isLinkLocalUnicast()", "true"},
      {"ip('192.168.0.1').isGlobalUnicast()", "true"},
      {"ip('255.255.255.255').isGlobalUnicast()", "false"},
      {"string(ip('2001:DB8::1'))", "\"2001:db8::1\""},
      {"ip('10.0.0.1') == ip('10.0.0.1')", "true"},
      {"ip('10.0.0.1') == ip('10.0.0.2')", "false"},
      {"type(ip('1.2.3.4')) == net.IP", "true"},
      {"isIP('1.2.3.4')", "true"},
      {"isIP('010.0.0.1')", "false"},
      {"isIP('fe80::1%eth0')", "false"},
      {"isIP('::ffff:1.2.3.4')", "false"},
      {"isIP('[::1]')", "false"},
      {"ip('::ffff:1.2.3.4')", "error: IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed"},
      {"ip('fe80::1%eth0')", "error: IP address \"fe80::1%eth0\" with zone value is not allowed"},
      {"ip.isCanonical('2001:db8::1')", "true"},
      {"ip.isCanonical('2001:DB8::1')", "false"},
      {"ip.isCanonical('2001:db8:0::1')", "false"},
  });
  EXPECT_EQ(Eval("ip('x')").substr(0, 47), "error: IP Address \"x\" parse error during conver");
}

TEST_F(CellibTest, CIDRContainmentAndRejections) {
  Check({
      {"cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", "true"},
      {"cidr('10.0.0.0/8').containsIP('11.1.2.3')", "false"},
      {"cidr('10.0.0.0/8').containsIP('::1')", "false"},
      {"cidr('192.168.0.0/16').containsCIDR(cidr('192.168.0.0/24'))", "true"},
      {"cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')", "false"},
      {"cidr('192.168.0.0/24').containsCIDR('192.168.0.0/16')", "false"},
      {"cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", "true"},
      {"string(cidr('192.168.0.1/24').masked())", "\"192.168.0.0/24\""},
      {"cidr('192.168.0.1/24').prefixLength()", "24"},
      {"string(cidr('192.168.0.1/24'))", "\"192.168.0.1/24\""},
      {"cidr('192.168.0.1/24') == cidr('192.168.0.0/24')", "false"},
      {"cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')", "true"},
      {"type(cidr('::/0')) == net.CIDR", "true"},
      {"isCIDR('10.0.0.0/33')", "false"},
      {"isCIDR('::/129')", "false"},
      {"isCIDR('::ffff:1.2.3.4/96')", "false"},
      {"isCIDR('10.0.0.0')", "false"},
      {"isCIDR('2001:db8::/32')", "true"},
  });
  EXPECT_EQ(Eval("cidr('10.0.0.0/33')"),
            "error: network address parse error during conversion from string: network address "
            "parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0/33\"): "
            "prefix length out of range");
}

TEST_F(CellibTest, IPAndCIDRCosts) {
  EXPECT_EQ(Eval("cidr('10.0.0.0/8').containsIP('10.1.2.3')"), "true");
  // cidr: ceil(10 * 0.1) = 1; containsIP(string): ceil(2 * 0.1) + ceil(8 * 0.1) = 2.
  EXPECT_EQ(stats_.cost, 3u);
  EXPECT_EQ(Eval("cidr('10.0.0.0/8').containsCIDR(cidr('10.0.0.0/16'))"), "true");
  // 1 + 2 + (1 + 1 + 1).
  EXPECT_EQ(stats_.cost, 6u);
}

TEST_F(CellibTest, FormatNamesAndMessages) {
  Check({
      {"format.dns1123Label().validate('my-name')", "optional.none()"},
      {"format.named('dns1123Label').value().validate('my-name')", "optional.none()"},
      {"format.named('nope')", "optional.none()"},
      {"format.named('dns1123Label') == optional.of(format.dns1123Label())", "true"},
      {"format.dns1123Label().validate('My_Name')",
       "optional.of([\"a lowercase RFC 1123 label must consist of lower case alphanumeric "
       "characters or '-', and must start and end with an alphanumeric character (e.g. "
       "'my-name',  or '123-abc', regex used for validation is "
       "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')\"])"},
      {"format.dns1035Label().validate('1abc').hasValue()", "true"},
      {"format.dns1123Subdomain().validate('a.b.c').hasValue()", "false"},
      {"format.qualifiedName().validate('example.com/name').hasValue()", "false"},
      {"format.labelValue().validate('').hasValue()", "false"},
      {"format.dns1123LabelPrefix().validate('my-prefix-').hasValue()", "false"},
      {"format.portName().validate('http').hasValue()", "false"},
      {"format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()", "false"},
      {"format.uuid().validate('x')", "optional.of([\"does not match the UUID format\"])"},
      {"format.byte().validate('aGVsbG8=').hasValue()", "false"},
      {"format.byte().validate('!')", "optional.of([\"invalid base64\"])"},
      {"format.date().validate('2021-01-01').hasValue()", "false"},
      {"format.date().validate('2021-13-01')", "optional.of([\"invalid date\"])"},
      {"format.datetime().validate('2021-01-01T00:00:00Z').hasValue()", "false"},
      {"format.datetime().validate('x')", "optional.of([\"invalid datetime\"])"},
      {"format.uri().validate('http://example.com').hasValue()", "false"},
  });
  EXPECT_EQ(Eval("format.dns1123Label().validate('" + std::string(64, 'a') + "').value()[0]"),
            "\"must be no more than 63 characters\"");
}

TEST_F(CellibTest, FormatValidateCost) {
  EXPECT_EQ(Eval("format.dns1123Label().validate('abcdefghi')"), "optional.none()");
  // format.dns1123Label() 1 + ceil((1 + 9) * 0.1) * ceil(30 * 0.25) = 1 + 1 * 8.
  EXPECT_EQ(stats_.cost, 9u);
}

TEST_F(CellibTest, SemverOrderingAndNormalization) {
  Check({
      {"semver('1.2.3').major()", "1"},
      {"semver('1.2.3').minor()", "2"},
      {"semver('1.2.3').patch()", "3"},
      {"semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", "true"},
      {"semver('1.0.0-alpha.1').isLessThan(semver('1.0.0-alpha.beta'))", "true"},
      {"semver('1.0.0-2').isLessThan(semver('1.0.0-10'))", "true"},
      {"semver('2.0.0').isGreaterThan(semver('1.99.99'))", "true"},
      {"semver('1.0.0+build').compareTo(semver('1.0.0'))", "0"},
      {"semver('1.0.0') == semver('1.0.0')", "true"},
      {"isSemver('1.2.3')", "true"},
      {"isSemver('v1.2.3')", "false"},
      {"isSemver('v1.2.3', true)", "true"},
      {"isSemver('01.2.3')", "false"},
      {"semver('v01.2', true).minor()", "2"},
      {"semver('v1', true).patch()", "0"},
      {"semver('1.2-alpha', true)",
       "error: short version cannot contain PreRelease/Build meta data"},
      {"semver('v1.0.0')", "error: Invalid character(s) found in major number \"v1\""},
  });
}

TEST_F(CellibTest, JSONPatchEscapeKeyInExtendedMode) {
  EXPECT_EQ(Eval("jsonpatch.escapeKey('k8s.io/my~label')", kNewestVersion, true),
            "\"k8s.io~1my~0label\"");
  EXPECT_EQ(Eval("jsonpatch.escapeKey('k8s.io/x')").substr(0, 8), "compile:");
}

TEST_F(CellibTest, ImageReferenceParts) {
  Check({
      {"image('ubuntu').registry()", "\"index.docker.io\""},
      {"image('ubuntu').repository()", "\"library/ubuntu\""},
      {"image('ubuntu').tag()", "\"latest\""},
      {"image('registry.k8s.io/pause:3.9').identifier()", "\"3.9\""},
      {"image('registry.k8s.io/pause:3.9').containsDigest()", "false"},
      {"isImage('UPPER/case')", "false"},
  });
}

class RecordingAuthorizer : public Authorizer {
 public:
  Decision Authorize(const Attributes& a) const override {
    last = a;
    if (a.verb == "fail") return Decision{Decision::Kind::kNoOpinion, "", "backend down"};
    return a.user.name == "alice" ? Decision{Decision::Kind::kAllow, "ok", ""}
                                  : Decision{Decision::Kind::kDeny, "nope", ""};
  }
  mutable Attributes last;
};

TEST_F(CellibTest, AuthorizerBuilderChain) {
  RecordingAuthorizer rec;
  authorizer_ = &rec;
  Check({
      {"authorizer.group('apps').resource('deployments').namespace('ns').name('d').check('get')"
       ".allowed()",
       "true"},
      {"authorizer.path('/healthz').check('get').reason()", "\"ok\""},
      {"authorizer.serviceAccount('ns', 'sa').path('x').check('get').allowed()", "false"},
      {"authorizer.group('').resource('pods').check('fail').errored()", "true"},
      {"authorizer.group('').resource('pods').check('fail').error()", "\"backend down\""},
      {"authorizer.group('').resource('pods').check('get').error()", "\"\""},
      {"authorizer.path(' ')", "error: path must not be empty"},
      {"authorizer.group('').resource('')", "error: resource must not be empty"},
      {"authorizer.serviceAccount('ns', 'Bad_Name')", "error: Invalid service account name"},
      {"authorizer.serviceAccount('bad.ns', 'sa')", "error: Invalid service account namespace"},
  });
  EXPECT_EQ(Eval("authorizer.group('apps').resource('deployments').subresource('scale')"
                 ".namespace('ns').check('update').allowed()"),
            "true");
  EXPECT_TRUE(rec.last.resource_request);
  EXPECT_EQ(rec.last.api_group, "apps");
  EXPECT_EQ(rec.last.subresource, "scale");
  EXPECT_EQ(rec.last.namespace_name, "ns");
  EXPECT_EQ(rec.last.verb, "update");
  EXPECT_EQ(rec.last.user.groups.size(), 2u);
  // check costs 350000; group, resource, subresource, namespace 1 each, allowed 1.
  EXPECT_EQ(stats_.cost, 350000u + 5u + 1u);
  EXPECT_EQ(Eval("authorizer.serviceAccount('ns', 'sa').path('metrics').check('get').allowed()"),
            "false");
  EXPECT_EQ(rec.last.user.name, "system:serviceaccount:ns:sa");
  EXPECT_EQ(rec.last.path, "/metrics");
}

TEST(RulesAuthorizer, AllowsMatchingRulesAndDeniesByDefault) {
  auto doc = json::Parse(R"([
    {"user": "alice", "verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"],
     "namespaces": ["default"]},
    {"group": "admins", "verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]},
    {"group": "system:authenticated", "verbs": ["get"], "nonResourceURLs": ["/healthz", "/api/*"]}
  ])");
  ASSERT_TRUE(doc.ok());
  StatusOr<RulesAuthorizer> authz = RulesAuthorizer::FromJson(doc->root());
  ASSERT_TRUE(authz.ok()) << authz.status().ToString();
  Attributes a;
  a.user.name = "alice";
  a.resource_request = true;
  a.verb = "get";
  a.resource = "pods";
  a.namespace_name = "default";
  EXPECT_EQ(authz->Authorize(a).kind, Decision::Kind::kAllow);
  a.namespace_name = "kube-system";
  EXPECT_EQ(authz->Authorize(a).kind, Decision::Kind::kDeny);
  a.user.groups = {"admins"};
  EXPECT_EQ(authz->Authorize(a).kind, Decision::Kind::kAllow);
  Attributes p;
  p.user.groups = {"system:authenticated"};
  p.verb = "get";
  p.path = "/api/v1";
  EXPECT_EQ(authz->Authorize(p).kind, Decision::Kind::kAllow);
  p.path = "/metrics";
  EXPECT_EQ(authz->Authorize(p).kind, Decision::Kind::kDeny);

  auto bad = json::Parse(R"([{"verbs": ["get"]}])");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(RulesAuthorizer::FromJson(bad->root()).ok());
}

TEST_F(CellibTest, LibrariesAreGatedByVersion) {
  struct Gate {
    const char* expr;
    int first_minor;  // first version where it compiles
  };
  const Gate gates[] = {
      {"quantity('1') == quantity('1')", 28},
      {"isIP('1.2.3.4')", 30},
      {"isCIDR('1.2.3.0/24')", 30},
      {"format.dns1123Label() == format.dns1123Label()", 31},
      {"isSemver('1.0.0')", 33},
      {"1 < 2.0", 28},
      {"authorizer.path('/x') == authorizer.path('/x')", 27},
  };
  for (const Gate& g : gates) {
    for (int minor = 25; minor <= 34; ++minor) {
      std::string got = Eval(g.expr, Version{1, minor});
      bool compiled = got.substr(0, 8) != "compile:";
      EXPECT_EQ(compiled, minor >= g.first_minor) << g.expr << " at 1." << minor << ": " << got;
    }
  }
  // cel-go extensions: strings v0 always, v2 (format) from 1.29, sets 1.29, optional 1.28.
  const Gate ext_gates[] = {
      {"'abc'.charAt(1) == 'b'", 23},
      {"'%d'.format([1]) == '1'", 29},
      {"sets.contains([1], [1])", 29},
      {"optional.of(1).hasValue()", 28},
      // Two-variable macros: parser feature (EnvOptionsFor) and runtime helper, both 1.32.
      {"{'a': 1}.transformMap(k, v, v + 1) == {'a': 2}", 32},
  };
  for (const Gate& g : ext_gates) {
    for (int minor = 25; minor <= 34; ++minor) {
      std::string got = Eval(g.expr, Version{1, minor});
      bool compiled = got.substr(0, 8) != "compile:";
      EXPECT_EQ(compiled, minor >= g.first_minor) << g.expr << " at 1." << minor << ": " << got;
    }
  }
  // Not Kubernetes: only in extended mode.
  EXPECT_EQ(Eval("base64.encode(b'hi')").substr(0, 8), "compile:");
  EXPECT_EQ(Eval("base64.encode(b'hi')", kNewestVersion, true), "\"aGk=\"");
  // Always present.
  EXPECT_EQ(Eval("[1].sum()", Version{1, 25}), "1");
  EXPECT_EQ(Eval("'a1'.find('[0-9]')", Version{1, 25}), "\"1\"");
  EXPECT_EQ(Eval("isURL('/x')", Version{1, 25}), "true");
}

TEST_F(CellibTest, SyntaxFeaturesAreGatedByVersion) {
  // cel.bind (cel-go ext.Bindings) is in no Kubernetes environment, only in extended mode.
  for (int minor = kEarliestVersion.minor; minor <= kNewestVersion.minor; ++minor) {
    std::string got = Eval("cel.bind(x, 1, x)", Version{1, minor});
    EXPECT_EQ(got.substr(0, 8), "compile:") << "1." << minor << ": " << got;
  }
  EXPECT_EQ(Eval("cel.bind(x, 1, x)", kNewestVersion, true), "1");
  EXPECT_EQ(Eval("cel.bind(y, 2, y * y)", Version{1, 25}, true), "4");

  // Two-variable comprehensions: 1.32.
  EXPECT_EQ(Eval("[1].all(i, v, v > 0)", Version{1, 31}).substr(0, 8), "compile:");
  EXPECT_EQ(Eval("[1].all(i, v, v > 0)", Version{1, 32}), "true");
  EXPECT_EQ(Eval("{'a': 1}.exists(k, v, v == 1)", Version{1, 31}).substr(0, 8), "compile:");
  EXPECT_EQ(Eval("[2].transformList(i, v, v * 2)", Version{1, 32}), "[4]");
  // The one-variable forms are standard macros, always there.
  EXPECT_EQ(Eval("[1].all(v, v > 0)", Version{1, 23}), "true");

  // Optional syntax and optMap: 1.28, with the optional library.
  x_ = cel::Value::Map(arena_.New<cel::ArrayMap>(nullptr, nullptr, 0));
  std::string got = Eval("x.?spec", Version{1, 27});
  EXPECT_EQ(got.substr(0, 8), "compile:");
  EXPECT_NE(got.find("unsupported syntax '.?'"), std::string::npos) << got;
  EXPECT_EQ(Eval("x.?spec", Version{1, 28}), "optional.none()");
  EXPECT_EQ(Eval("x.?spec.orValue(1)", Version{1, 28}), "1");
  EXPECT_EQ(Eval("[?optional.of(1)]", Version{1, 27}).substr(0, 8), "compile:");
  EXPECT_EQ(Eval("[?optional.of(1)]", Version{1, 28}), "[1]");
  EXPECT_EQ(Eval("optional.of(1).optMap(v, v + 1).value()", Version{1, 28}), "2");
  // The extended mode has every feature whatever the version.
  EXPECT_EQ(Eval("[1].all(i, v, v > 0)", Version{1, 23}, true), "true");
  EXPECT_EQ(Eval("x.?spec.hasValue()", Version{1, 23}, true), "false");
}

TEST(EnvOptionsFor, SetsParserSwitchesPerVersion) {
  cel::ParserOptions p = ParserOptionsFor(Version{1, 27});
  EXPECT_TRUE(p.enable_macros);
  EXPECT_FALSE(p.enable_optional_syntax);
  EXPECT_FALSE(p.enable_optional_macros);
  EXPECT_FALSE(p.enable_two_variable_comprehensions);
  EXPECT_FALSE(p.enable_bind_macro);
  EXPECT_FALSE(p.enable_block_macros);
  p = ParserOptionsFor(Version{1, 28});
  EXPECT_TRUE(p.enable_optional_syntax);
  EXPECT_TRUE(p.enable_optional_macros);
  EXPECT_FALSE(p.enable_two_variable_comprehensions);
  p = EnvOptionsFor(Version{1, 32}).parser;
  EXPECT_TRUE(p.enable_two_variable_comprehensions);
  EXPECT_FALSE(p.enable_bind_macro);
  EXPECT_FALSE(p.enable_block_macros);
  p = EnvOptionsFor(Version{1, 23}, /*extended=*/true).parser;
  EXPECT_TRUE(p.enable_optional_syntax && p.enable_optional_macros &&
              p.enable_two_variable_comprehensions && p.enable_bind_macro &&
              p.enable_block_macros);
}

// STYLE.md H11: every Kubernetes library function with a cost declares its runtime cost and
// its static estimate together; the actual cost of each call lies within the estimate, over
// inputs of unknown size (x is dyn, bound to a JSON document) and over literals.
TEST_F(CellibTest, LibraryCallsCostWithinTheirDeclaredEstimates) {
  auto doc = json::Parse(R"({
    "q": "1500Mi", "ip": "10.1.2.3", "ip6": "2001:db8::1", "cidr": "10.0.0.0/8",
    "url": "https://example.com:8443/a/b?x=1", "v": "1.2.3", "img": "registry.k8s.io/pause:3.9",
    "name": "my-app", "s": "a1b22c333d4444", "re": "[0-9]+", "sel": "app=web,tier!=db",
    "ints": [3, 1, 2, 5, 4], "strs": ["b", "a", "ccc"], "nested": [[1, 2], [3]],
    "key": "a/b~c"})");
  ASSERT_TRUE(doc.ok());
  x_ = cel::FromJson(doc->root(), arena_);
  auto rules = json::Parse(R"([{"group": "system:authenticated", "verbs": ["*"],
                                "apiGroups": ["*"], "resources": ["*"]}])");
  ASSERT_TRUE(rules.ok());
  StatusOr<RulesAuthorizer> authz = RulesAuthorizer::FromJson(rules->root());
  ASSERT_TRUE(authz.ok());
  authorizer_ = &*authz;
  struct Case {
    std::string expr;
    bool extended = false;
  };
  const Case cases[] = {
      // quantity, semver, url, image, ip, cidr: ceil(size * 0.1) to parse.
      {"quantity(x.q).isInteger()"},
      {"isQuantity(x.q)"},
      {"quantity('1500Mi').asInteger() > 0"},
      {"semver(x.v).major()"},
      {"isSemver(x.v)"},
      {"url(x.url).getHost()"},
      {"isURL(x.url)"},
      {"isImage(x.img)"},
      {"ip(x.ip).family()"},
      {"isIP(x.ip6)"},
      {"ip.isCanonical(x.ip6)"},
      {"cidr(x.cidr).containsIP(x.ip)"},
      {"cidr(x.cidr).containsIP(ip(x.ip))"},
      {"cidr(x.cidr).containsCIDR('10.1.0.0/16')"},
      {"cidr(x.cidr).containsCIDR(cidr('10.1.0.0/16'))"},
      {"isCIDR(x.cidr)"},
      // regex: ceil((1 + size(s)) * 0.1) * ceil(size(re) * 0.25).
      {"x.s.find(x.re)"},
      {"x.s.findAll('[a-z]')"},
      {"x.s.findAll('[0-9]+', 2)"},
      {"'abc123def'.find('[0-9]+')"},
      // format: per-format regex size.
      {"format.dns1123Label().validate(x.name)"},
      {"format.uri().validate(x.url)"},
      {"format.named('labelValue').value().validate(x.name)"},
      // lists: the receiver's traversal.
      {"x.ints.isSorted()"},
      {"x.ints.sum()"},
      {"x.ints.min()"},
      {"x.strs.max()"},
      {"x.strs.indexOf('a')"},
      {"x.nested.lastIndexOf([3])"},
      {"[1, 2, 3].sum()"},
      {"['ab', 'cd'].isSorted()"},
      // authorizer: check 350,000; selectors by length.
      {"authorizer.path('/healthz').check('get').allowed()"},
      {"authorizer.group('apps').resource('deployments').labelSelector(x.sel)"
       ".check('list').allowed()"},
      {"authorizer.group('').resource('pods').fieldSelector('spec.nodeName=n1')"
       ".check('list').reason()"},
      // strings (Kubernetes strings v2) and sets.
      {"x.name.upperAscii()"},
      {"x.s.replace('3', 'x')"},
      {"x.s.split('c')"},
      {"x.strs.join('-')"},
      {"sets.contains(x.ints, [1, 2])"},
      // Extended mode only.
      {"jsonpatch.escapeKey(x.key)", true},
  };
  for (const Case& c : cases) {
    std::string got = Eval(c.expr, kNewestVersion, c.extended);
    const std::string where = c.expr + " -> " + got + ", estimate [" +
                              std::to_string(estimate_.min) + ", " +
                              std::to_string(estimate_.max) + "], actual " +
                              std::to_string(stats_.cost);
    ASSERT_NE(got.substr(0, 8), "compile:") << where;
    EXPECT_NE(got.substr(0, 7), "status:") << where;
    EXPECT_LE(estimate_.min, stats_.cost) << where;
    EXPECT_GE(estimate_.max, stats_.cost) << where;
    EXPECT_LT(estimate_.max, cel::cost::kUnbounded) << where;
  }
  // Fixed costs are exact: check is 350,000, path and allowed 1 each, the identifier 1.
  Eval("authorizer.path('/healthz').check('get').allowed()");
  EXPECT_EQ(estimate_.min, 350003u);
  EXPECT_EQ(estimate_.max, 350003u);
  EXPECT_EQ(stats_.cost, 350003u);
}

TEST(CellibCostDeclarations, EveryRuntimeCostHasAnEstimate) {
  int with_cost = 0;
  for (const cel::Library& lib : Libraries(kNewestVersion, /*extended=*/true)) {
    for (const cel::FunctionDecl& f : lib.functions()) {
      for (const cel::OverloadDecl& o : f.overloads) {
        if (o.cost == nullptr) continue;
        ++with_cost;
        EXPECT_NE(o.estimate, nullptr) << lib.name() << " " << o.id;
      }
    }
  }
  EXPECT_GT(with_cost, 60);
}

TEST(Version, ParsesAndRejects) {
  EXPECT_EQ(*ParseVersion("1.30"), (Version{1, 30}));
  EXPECT_EQ(*ParseVersion("v1.31"), (Version{1, 31}));
  EXPECT_EQ(*ParseVersion("1.32.4"), (Version{1, 32}));
  EXPECT_FALSE(ParseVersion("1").ok());
  EXPECT_FALSE(ParseVersion("x.y").ok());
  EXPECT_FALSE(ParseVersion("1.99").ok());
  EXPECT_FALSE(ParseVersion("2.0").ok());
}

}  // namespace
}  // namespace celgate::k8s::cellib

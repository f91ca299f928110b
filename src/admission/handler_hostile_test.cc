// Hostile AdmissionReviews through Handler::Review, the entry point the server calls
// (STYLE.md H7, H11; reliability.md 8.3, 8.4 P1/P5): deep nesting, invalid UTF-8, huge
// numbers, NaN/Infinity, duplicate keys, and expressions made expensive by the request. Every
// body gets either kInvalidArgument (the server's 400) or a well-formed response, and
// expensive or late evaluations are answered by the binding's failurePolicy before the
// deadline.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "admission/handler.h"
#include "json/json.h"
#include "policy/loader.h"
#include "policy/object_store.h"

namespace celgate::admission {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string Manifests(const std::string& failure_policy, const std::string& expression) {
  return "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
         "metadata:\n  name: p\nspec:\n  failurePolicy: " + failure_policy + "\n"
         "  matchConstraints:\n    resourceRules:\n    - apiGroups: [apps]\n"
         "      apiVersions: [v1]\n      operations: [CREATE]\n      resources: [deployments]\n"
         "  validations:\n  - expression: " + json::Quote(expression) + "\n"
         "---\napiVersion: admissionregistration.k8s.io/v1\n"
         "kind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: b\nspec:\n"
         "  policyName: p\n  validationActions: [Deny]\n";
}

std::unique_ptr<Handler> MakeHandler(const std::string& manifests) {
  policy::Manifests m;
  policy::LoadText(manifests, "test.yaml", {}, &m);
  for (const auto& i : m.issues) ADD_FAILURE() << i.ToString();
  auto set = policy::BuildPolicySet(m);
  auto store = std::make_shared<policy::ObjectStore>(m.objects);
  return NewHandler([set] { return set; }, store);
}

// An AdmissionReview for a Deployment whose `spec` is `spec_json` (raw text, may be invalid).
std::string Body(const std::string& spec_json, const std::string& uid = "\"u-1\"") {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":)" +
         uid +
         R"(,"kind":{"group":"apps","version":"v1","kind":"Deployment"},)"
         R"("resource":{"group":"apps","version":"v1","resource":"deployments"},)"
         R"("name":"web","namespace":"default","operation":"CREATE",)"
         R"("userInfo":{"username":"alice"},"object":{"apiVersion":"apps/v1","kind":"Deployment",)"
         R"("metadata":{"name":"web","namespace":"default"},"spec":)" +
         spec_json + R"(},"oldObject":null}})";
}

struct Answer {
  bool ok = false;           // Review returned a response
  StatusCode code{};         // otherwise its status code
  bool allowed = false;
  std::string message;
  std::string uid;
  Clock::duration elapsed{};
};

Answer Ask(const Handler& h, const std::string& body, Deadline deadline = Deadline::Infinite()) {
  Answer a;
  const auto start = Clock::now();
  StatusOr<std::string> out = h.Review(body, deadline);
  a.elapsed = Clock::now() - start;
  if (!out.ok()) {
    a.code = out.status().code();
    return a;
  }
  a.ok = true;
  auto doc = json::Parse(*out);
  EXPECT_TRUE(doc.ok()) << *out;
  if (!doc.ok()) return a;
  json::Value resp = doc->root().Find("response");
  EXPECT_TRUE(resp.Find("allowed").is_bool()) << *out;
  a.allowed = resp.Find("allowed").as_bool();
  a.message = std::string(resp.Find("status").Find("message").as_string());
  a.uid = std::string(resp.Find("uid").as_string());
  return a;
}

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

TEST(HostileReview, DeepNestingIsRejectedOrEvaluatedWithoutCrashing) {
  auto h = MakeHandler(Manifests("Fail", "object.spec.replicas <= 5"));
  // Beyond the JSON depth limit: not a review we can read (400), no stack overflow.
  Answer deep = Ask(*h, Body(Repeat("{\"a\":[", 100000) + Repeat("]}", 100000)));
  EXPECT_FALSE(deep.ok);
  EXPECT_EQ(deep.code, StatusCode::kInvalidArgument);
  // Within it: evaluated (no replicas field: a runtime error, denied by failurePolicy Fail).
  Answer ok = Ask(*h, Body(Repeat("{\"a\":[", 200) + "1" + Repeat("]}", 200)));
  ASSERT_TRUE(ok.ok);
  EXPECT_FALSE(ok.allowed);
  EXPECT_THAT(ok.message, HasSubstr("no such key"));
}

TEST(HostileReview, InvalidUtf8NaNAndInfinityAreNotReviews) {
  auto h = MakeHandler(Manifests("Fail", "object.spec.replicas <= 5"));
  for (const std::string spec : {"{\"replicas\": NaN}", "{\"replicas\": Infinity}",
                                 "{\"replicas\": -Infinity}", "{\"replicas\": 1e400}",
                                 "{\"name\": \"bad \xff byte\"}", "{\"name\": \"\xed\xa0\x80\"}",
                                 "{\"name\": \"\\ud800\"}", "{\"replicas\": 1"}) {
    Answer a = Ask(*h, Body(spec));
    EXPECT_FALSE(a.ok) << spec;
    EXPECT_EQ(a.code, StatusCode::kInvalidArgument) << spec;
  }
  // Invalid UTF-8 in the uid, which the response echoes.
  Answer uid = Ask(*h, Body("{\"replicas\": 1}", "\"u-\xc3\""));
  EXPECT_EQ(uid.code, StatusCode::kInvalidArgument);
}

TEST(HostileReview, HugeNumbersAreComparedAsNumbersNotWrapped) {
  auto h = MakeHandler(Manifests("Fail", "object.spec.replicas <= 5"));
  // Beyond int64: a double, still far greater than 5 (never wrapped to a small or negative
  // int that would pass the check).
  for (const char* n : {"9223372036854775808", "99999999999999999999999999", "1e300",
                        "18446744073709551617"}) {
    Answer a = Ask(*h, Body(std::string("{\"replicas\": ") + n + "}"));
    ASSERT_TRUE(a.ok) << n;
    EXPECT_FALSE(a.allowed) << n;
  }
  Answer min = Ask(*h, Body("{\"replicas\": -9223372036854775808}"));
  ASSERT_TRUE(min.ok);
  EXPECT_TRUE(min.allowed);
  // Arithmetic on them overflows into a CEL error, which failurePolicy Fail turns into a denial.
  auto add = MakeHandler(Manifests("Fail", "object.spec.replicas + 1 > 0"));
  Answer ovf = Ask(*add, Body("{\"replicas\": 9223372036854775807}"));
  ASSERT_TRUE(ovf.ok);
  EXPECT_FALSE(ovf.allowed);
  EXPECT_THAT(ovf.message, HasSubstr("overflow"));
}

TEST(HostileReview, DuplicateKeysTakeTheLastValueLikeGo) {
  // kube-apiserver decodes with Go's encoding/json (last duplicate wins); the engine must see
  // the same object, or a second `spec` could smuggle a value past the policy.
  auto h = MakeHandler(Manifests("Fail", "object.spec.replicas <= 5"));
  Answer a = Ask(*h, Body("{\"replicas\": 1, \"replicas\": 10}"));
  ASSERT_TRUE(a.ok);
  EXPECT_FALSE(a.allowed);
  Answer b = Ask(*h, Body("{\"replicas\": 10, \"replicas\": 1}"));
  ASSERT_TRUE(b.ok);
  EXPECT_TRUE(b.allowed);
  Answer uid = Ask(*h, Body("{\"replicas\": 1}", "\"first\",\"uid\":\"second\""));
  ASSERT_TRUE(uid.ok);
  EXPECT_EQ(uid.uid, "second");
}

TEST(HostileReview, CoreGroupRequestsWithEmptyStringsAreMatchedSafely) {
  // Found by fuzz/admission_review_fuzzer under UBSan: the empty "group" of a core-group
  // request reached memcpy with a null pointer in PolicySet::Candidates.
  std::string manifests = Manifests("Fail", "object.metadata.name != 'bad'");
  const std::string from = "apiGroups: [apps]";
  manifests.replace(manifests.find(from), from.size(), "apiGroups: [\"\"]");
  const std::string res = "resources: [deployments]";
  manifests.replace(manifests.find(res), res.size(), "resources: [pods]");
  auto h = MakeHandler(manifests);
  const std::string body =
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",)"
      R"("kind":{"group":"","version":"v1","kind":"Pod"},)"
      R"("resource":{"group":"","version":"v1","resource":"pods"},"subResource":"",)"
      R"("name":"bad","namespace":"default","operation":"CREATE","userInfo":{"username":""},)"
      R"("object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"bad"}}}})";
  Answer a = Ask(*h, body);
  ASSERT_TRUE(a.ok);
  EXPECT_FALSE(a.allowed);
  EXPECT_THAT(a.message, HasSubstr("denied request: failed expression")) << a.message;
  EXPECT_EQ(a.uid, "u1");
}

TEST(HostileReview, ExpensiveExpressionsFollowFailurePolicyWithinTheDeadline) {
  std::string items = "[";
  for (int i = 0; i < 3000; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  const std::string big(1 << 20, 'a');
  const std::string spec =
      "{\"items\": " + items + ", \"s\": \"" + big + "\", \"names\": [\"" + big + "\"]}";
  const char* exprs[] = {
      // Nested comprehensions over a large request list: 9,000,000 iterations.
      "object.spec.items.all(x, object.spec.items.all(y, x + y >= 0))",
      "object.spec.items.map(x, object.spec.items.filter(y, y > x)).size() > 0",
      // String growth from the request: 5 MiB of concatenation.
      "size(object.spec.s + object.spec.s + object.spec.s + object.spec.s + object.spec.s) > 0",
  };
  for (const char* e : exprs) {
    SCOPED_TRACE(e);
    const Deadline deadline = Deadline::In(std::chrono::seconds(3));
    Answer fail = Ask(*MakeHandler(Manifests("Fail", e)), Body(spec), deadline);
    ASSERT_TRUE(fail.ok);
    EXPECT_FALSE(fail.allowed);
    EXPECT_THAT(fail.message, HasSubstr("cost")) << fail.message;
    EXPECT_LT(fail.elapsed, std::chrono::seconds(3));
    Answer ignore = Ask(*MakeHandler(Manifests("Ignore", e)), Body(spec), deadline);
    ASSERT_TRUE(ignore.ok);
    EXPECT_TRUE(ignore.allowed) << ignore.message;
    EXPECT_LT(ignore.elapsed, std::chrono::seconds(3));
  }
  // Catastrophic-backtracking patterns over 1 MiB of request data: RE2 is linear, so these
  // finish well inside the budget and the deadline with an ordinary result (false: denied,
  // whatever the failurePolicy).
  const char* regex = "object.spec.s.matches('(a+)+$') && "
                      "object.spec.names.all(n, n.matches('(a|aa)*b'))";
  for (const char* fp : {"Fail", "Ignore"}) {
    Answer a = Ask(*MakeHandler(Manifests(fp, regex)), Body(spec),
                   Deadline::In(std::chrono::seconds(3)));
    ASSERT_TRUE(a.ok);
    EXPECT_FALSE(a.allowed);
    EXPECT_THAT(a.message, HasSubstr("failed expression")) << a.message;
    EXPECT_LT(a.elapsed, std::chrono::seconds(3));
  }
}

TEST(HostileReview, PassedDeadlineIsAnsweredByFailurePolicyAtOnce) {
  std::string items = "[";
  for (int i = 0; i < 5000; ++i) items += (i ? "," : "") + std::to_string(i);
  items += "]";
  // Cheap enough for the cost limit, but the request's deadline has already passed.
  const char* e = "object.spec.items.all(x, x >= 0)";
  const Deadline past = Deadline::In(std::chrono::nanoseconds(-1));
  Answer fail = Ask(*MakeHandler(Manifests("Fail", e)), Body("{\"items\": " + items + "}"), past);
  ASSERT_TRUE(fail.ok);
  EXPECT_FALSE(fail.allowed);
  EXPECT_THAT(fail.message, HasSubstr("deadline")) << fail.message;
  Answer ignore =
      Ask(*MakeHandler(Manifests("Ignore", e)), Body("{\"items\": " + items + "}"), past);
  ASSERT_TRUE(ignore.ok);
  EXPECT_TRUE(ignore.allowed) << ignore.message;
  EXPECT_LT(fail.elapsed + ignore.elapsed, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace celgate::admission

// server/internal/envelope_test.cc: the envelope scanner against hand-written reviews.
#include "server/internal/envelope.h"

#include <gtest/gtest.h>

namespace celgate::server::internal {
namespace {

TEST(ScanEnvelope, ReadsTheEnvelopeFieldsAndSkipsTheRest) {
  Envelope e;
  std::string err;
  ASSERT_TRUE(ScanEnvelope(
      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","request":{
        "object":{"a":[1,{"b":"}]\"x"}],"kind":"Nope"},"uid":"u-1","kind":{"group":"apps",
        "kind":"Deployment"},"namespace":"shop","name":"w\"eb","operation":"CREATE",
        "dryRun":false,"n":-1.5e3,"z":null}})",
      &e, &err))
      << err;
  EXPECT_EQ(e.kind, "AdmissionReview");
  EXPECT_EQ(e.api_version, "admission.k8s.io/v1");
  EXPECT_TRUE(e.has_request);
  EXPECT_EQ(e.uid, "u-1");
  EXPECT_EQ(e.resource_kind, "Deployment");
  EXPECT_EQ(e.ns, "shop");
  EXPECT_EQ(e.name, "w\"eb");
  EXPECT_EQ(e.operation, "CREATE");
}

TEST(ScanEnvelope, MissingPiecesStayEmpty) {
  Envelope e;
  std::string err;
  ASSERT_TRUE(ScanEnvelope(R"({"kind":"AdmissionReview","request":null})", &e, &err));
  EXPECT_FALSE(e.has_request);
  EXPECT_TRUE(e.uid.empty());
  Envelope f;
  ASSERT_TRUE(ScanEnvelope(R"({"request":{"uid":7}})", &f, &err));
  EXPECT_TRUE(f.has_request);
  EXPECT_TRUE(f.uid.empty());
}

TEST(ScanEnvelope, RejectsWhatIsNotAnObject) {
  for (const char* bad : {"", "[1]", "{", "{\"a\":", "{\"a\" 1}", "{\"a\":\"x}", "{\"a\":[1,2}"}) {
    Envelope e;
    std::string err;
    EXPECT_FALSE(ScanEnvelope(bad, &e, &err)) << bad;
    EXPECT_FALSE(err.empty());
  }
}

}  // namespace
}  // namespace celgate::server::internal

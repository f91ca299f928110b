// Tests for k8s/validation.h: apimachinery messages verbatim and the named formats.
#include "k8s/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace celgate::k8s {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kLabelMsg[] =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
constexpr char kSubdomainMsg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
constexpr char k1035Msg[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
    "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
constexpr char kNamePartMsg[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
constexpr char kLabelValueMsg[] =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

TEST(Validation, DNS1123LabelMessagesAreVerbatim) {
  EXPECT_THAT(IsDNS1123Label("my-name"), IsEmpty());
  EXPECT_THAT(IsDNS1123Label("123-abc"), IsEmpty());
  EXPECT_THAT(IsDNS1123Label("a"), IsEmpty());
  EXPECT_THAT(IsDNS1123Label("My-Name"), ElementsAre(kLabelMsg));
  EXPECT_THAT(IsDNS1123Label("-a"), ElementsAre(kLabelMsg));
  EXPECT_THAT(IsDNS1123Label("a-"), ElementsAre(kLabelMsg));
  EXPECT_THAT(IsDNS1123Label("a.b"), ElementsAre(kLabelMsg));
  EXPECT_THAT(IsDNS1123Label(""), ElementsAre(kLabelMsg));
  EXPECT_THAT(IsDNS1123Label(std::string(64, 'a')),
              ElementsAre("must be no more than 63 characters"));
  EXPECT_THAT(IsDNS1123Label(std::string(64, 'A')),
              ElementsAre("must be no more than 63 characters", kLabelMsg));
}

TEST(Validation, SubdomainAnd1035) {
  EXPECT_THAT(IsDNS1123Subdomain("apiextensions.k8s.io"), IsEmpty());
  EXPECT_THAT(IsDNS1123Subdomain("a..b"), ElementsAre(kSubdomainMsg));
  EXPECT_THAT(IsDNS1123Subdomain("a.b."), ElementsAre(kSubdomainMsg));
  EXPECT_THAT(IsDNS1123Subdomain(std::string(254, 'a')),
              ElementsAre("must be no more than 253 characters"));
  EXPECT_THAT(IsDNS1035Label("abc-123"), IsEmpty());
  EXPECT_THAT(IsDNS1035Label("1abc"), ElementsAre(k1035Msg));
}

TEST(Validation, QualifiedNameAndLabelValue) {
  EXPECT_THAT(IsQualifiedName("app.kubernetes.io/name"), IsEmpty());
  EXPECT_THAT(IsQualifiedName("MyName"), IsEmpty());
  EXPECT_THAT(IsQualifiedName("my name"), ElementsAre(kNamePartMsg));
  EXPECT_THAT(IsQualifiedName("/name"), ElementsAre("prefix part must be non-empty"));
  EXPECT_THAT(IsQualifiedName("Example.com/name"),
              ElementsAre(std::string("prefix part ") + kSubdomainMsg));
  EXPECT_THAT(IsQualifiedName("example.com/"),
              ElementsAre("name part must be non-empty", kNamePartMsg));
  EXPECT_THAT(IsQualifiedName(""), ElementsAre("name part must be non-empty", kNamePartMsg));
  EXPECT_THAT(IsQualifiedName(std::string(64, 'a')),
              ElementsAre("name part must be no more than 63 characters"));
  EXPECT_THAT(
      IsQualifiedName("a/b/c"),
      ElementsAre("a qualified name must consist of alphanumeric characters, '-', '_' or '.', "
                  "and must start and end with an alphanumeric character (e.g. 'MyName',  or "
                  "'my.name',  or '123-abc', regex used for validation is "
                  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
                  "prefix and '/' (e.g. 'example.com/MyName')"));
  EXPECT_THAT(IsValidLabelValue(""), IsEmpty());
  EXPECT_THAT(IsValidLabelValue("my_value.1"), IsEmpty());
  EXPECT_THAT(IsValidLabelValue("-bad"), ElementsAre(kLabelValueMsg));
  EXPECT_THAT(IsValidLabelValue(std::string(64, 'a')),
              ElementsAre("must be no more than 63 characters"));
}

TEST(Validation, PortName) {
  EXPECT_THAT(IsValidPortName("http"), IsEmpty());
  EXPECT_THAT(IsValidPortName("http-80"), IsEmpty());
  EXPECT_THAT(IsValidPortName("80"), ElementsAre("must contain at least one letter (a-z)"));
  EXPECT_THAT(IsValidPortName("a--b"), ElementsAre("must not contain consecutive hyphens"));
  EXPECT_THAT(IsValidPortName("-ab"), ElementsAre("must not begin or end with a hyphen"));
  EXPECT_THAT(IsValidPortName("Http"),
              ElementsAre("must contain only alpha-numeric characters (a-z, 0-9), and hyphens "
                          "(-)"));
  EXPECT_THAT(IsValidPortName("abcdefghijklmnop"),
              ElementsAre("must be no more than 15 characters"));
}

TEST(Validation, PrefixVariantsMaskTheTrailingDash) {
  EXPECT_THAT(IsDNS1123LabelPrefix("my-label-prefix-"), IsEmpty());
  EXPECT_THAT(IsDNS1123SubdomainPrefix("mysubdomain.prefix.-"), IsEmpty());
  EXPECT_THAT(IsDNS1035LabelPrefix("my-label-prefix-"), IsEmpty());
  EXPECT_THAT(IsDNS1123LabelPrefix("-"), ElementsAre(kLabelMsg));
  EXPECT_THAT(IsDNS1123Label("my-label-prefix-"), ElementsAre(kLabelMsg));
  // Upstream drops two characters: "a.-" becomes "a" + "a" and passes; "Ab-" becomes "Aa".
  EXPECT_THAT(IsDNS1123LabelPrefix("a.-"), IsEmpty());
  EXPECT_THAT(IsDNS1123LabelPrefix("Ab-"), ElementsAre(kLabelMsg));
}

TEST(Validation, NamedFormats) {
  EXPECT_EQ(ValidateNamedFormat("unknown", "x"), std::nullopt);
  EXPECT_EQ(ValidateNamedFormat("portName", "http"), std::nullopt);
  EXPECT_EQ(KnownNamedFormats().size(), 13u);
  auto ok = [](const char* f, const char* v) {
    auto r = ValidateNamedFormat(f, v);
    return r.has_value() && r->empty();
  };
  auto errs = [](const char* f, const char* v) { return *ValidateNamedFormat(f, v); };
  EXPECT_TRUE(ok("dns1123Label", "my-label-name"));
  EXPECT_TRUE(ok("dns1123Subdomain", "apiextensions.k8s.io"));
  EXPECT_TRUE(ok("qualifiedName", "apiextensions.k8s.io/v1beta1"));
  EXPECT_TRUE(ok("labelValue", ""));
  EXPECT_TRUE(ok("uri", "http://example.com"));
  EXPECT_THAT(errs("uri", "example"), ElementsAre("parse \"example\": invalid URI for request"));
  EXPECT_TRUE(ok("uuid", "123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(ok("uuid", "123E4567E89B12D3A456426614174000"));
  EXPECT_THAT(errs("uuid", "123e4567-e89b-12d3-a456-42661417400"),
              ElementsAre("does not match the UUID format"));
  EXPECT_TRUE(ok("byte", "aGVsbG8="));
  EXPECT_TRUE(ok("byte", "aGVsbA=="));
  EXPECT_TRUE(ok("byte", "aGVs"));
  EXPECT_THAT(errs("byte", "aGVsbG8"), ElementsAre("invalid base64"));
  EXPECT_THAT(errs("byte", ""), ElementsAre("invalid base64"));
  EXPECT_THAT(errs("byte", "a=VsbG8="), ElementsAre("invalid base64"));
  EXPECT_TRUE(ok("date", "2021-01-01"));
  EXPECT_TRUE(ok("date", "2024-02-29"));
  EXPECT_THAT(errs("date", "2023-02-29"), ElementsAre("invalid date"));
  EXPECT_THAT(errs("date", "2021-13-01"), ElementsAre("invalid date"));
  EXPECT_THAT(errs("date", "2021-1-01"), ElementsAre("invalid date"));
  EXPECT_TRUE(ok("datetime", "2021-01-01T00:00:00Z"));
  EXPECT_TRUE(ok("datetime", "2021-01-01t23:59:59.123+05:30"));
  EXPECT_THAT(errs("datetime", "2021-01-01T24:00:00Z"), ElementsAre("invalid datetime"));
  EXPECT_THAT(errs("datetime", "2021-01-01 00:00:00Z"), ElementsAre("invalid datetime"));
  EXPECT_THAT(errs("datetime", "2021-01-01T00:00:00"), ElementsAre("invalid datetime"));
}

}  // namespace
}  // namespace celgate::k8s

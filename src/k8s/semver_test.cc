// Tests for k8s/semver.h: blang/semver parsing errors, normalization and semver.org precedence.
#include "k8s/semver.h"

#include <gtest/gtest.h>

namespace celgate::k8s {
namespace {

Semver V(std::string_view s) {
  StatusOr<Semver> v = Semver::Parse(s);
  EXPECT_TRUE(v.ok()) << s << ": " << v.status().ToString();
  return v.ok() ? *v : Semver();
}

TEST(Semver, PrecedenceFollowsSemverOrg) {
  // semver.org section 11 example chain.
  const char* chain[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
                         "1.0.0-beta",  "1.0.0-beta.2",  "1.0.0-beta.11",
                         "1.0.0-rc.1",  "1.0.0",         "1.0.1",
                         "1.1.0",       "2.0.0",         "10.0.0"};
  for (size_t i = 0; i + 1 < std::size(chain); ++i) {
    for (size_t j = i + 1; j < std::size(chain); ++j) {
      EXPECT_EQ(V(chain[i]).Compare(V(chain[j])), -1) << chain[i] << " < " << chain[j];
      EXPECT_EQ(V(chain[j]).Compare(V(chain[i])), 1) << chain[j] << " > " << chain[i];
    }
  }
  EXPECT_EQ(V("1.0.0+build.1").Compare(V("1.0.0+other")), 0);
  EXPECT_EQ(V("1.0.0+build.1"), V("1.0.0"));
}

TEST(Semver, ComponentsAndString) {
  Semver v = V("1.2.3-rc.1+build.5");
  EXPECT_EQ(v.major(), 1u);
  EXPECT_EQ(v.minor(), 2u);
  EXPECT_EQ(v.patch(), 3u);
  EXPECT_EQ(v.ToString(), "1.2.3-rc.1+build.5");
  EXPECT_EQ(V("0.0.0").ToString(), "0.0.0");
}

TEST(Semver, StrictParseErrorsAreBlangTexts) {
  struct Case {
    const char* in;
    const char* msg;
  } cases[] = {
      {"", "Version string empty"},
      {"1.0", "No Major.Minor.Patch elements found"},
      {"v1.0.0", "Invalid character(s) found in major number \"v1\""},
      {"01.0.0", "Major number must not contain leading zeroes \"01\""},
      {"1.a.0", "Invalid character(s) found in minor number \"a\""},
      {"1.01.0", "Minor number must not contain leading zeroes \"01\""},
      {"1.0.0a", "Invalid character(s) found in patch number \"0a\""},
      {"1.0.00", "Patch number must not contain leading zeroes \"00\""},
      {"1.0.0-01", "Numeric PreRelease version must not contain leading zeroes \"01\""},
      {"1.0.0-", "Prerelease is empty"},
      {"1.0.0-a..b", "Prerelease is empty"},
      {"1.0.0-a_b", "Invalid character(s) found in prerelease \"a_b\""},
      {"1.0.0+", "Build meta data is empty"},
      {"1.0.0+a_b", "Invalid character(s) found in build meta data \"a_b\""},
      {".0.0", "strconv.ParseUint: parsing \"\": invalid syntax"},
      {"99999999999999999999.0.0",
       "strconv.ParseUint: parsing \"99999999999999999999\": value out of range"},
      {" 1.0.0", "Invalid character(s) found in major number \" 1\""},
  };
  for (const Case& c : cases) {
    StatusOr<Semver> v = Semver::Parse(c.in);
    ASSERT_FALSE(v.ok()) << c.in;
    EXPECT_EQ(v.status().message(), c.msg) << c.in;
  }
}

TEST(Semver, NormalizeStripsVAndZerosAndFillsParts) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"v1.0.0", "1.0.0"},
      {"1", "1.0.0"},
      {"v1.2", "1.2.0"},
      {"01.02.03", "1.2.3"},
      {"1.0.01-rc.1", "1.0.1-rc.1"},
      {"00.0.0", "0.0.0"},
      {"1.2.3-00x", "1.2.3-00x"},
  };
  for (const Case& c : cases) {
    StatusOr<Semver> v = Semver::ParseNormalized(c.in);
    ASSERT_TRUE(v.ok()) << c.in << ": " << v.status().ToString();
    EXPECT_EQ(v->ToString(), c.out) << c.in;
  }
  for (const char* s : {"1.2-rc", "1+build", "v1-alpha"}) {
    StatusOr<Semver> bad = Semver::ParseNormalized(s);
    ASSERT_FALSE(bad.ok()) << s;
    EXPECT_EQ(bad.status().message(), "short version cannot contain PreRelease/Build meta data");
  }
  // Three dot-separated parts are not "short": the '-' ends up inside the minor number.
  StatusOr<Semver> three = Semver::ParseNormalized("1.2-rc.1");
  ASSERT_FALSE(three.ok());
  EXPECT_EQ(three.status().message(), "Invalid character(s) found in minor number \"2-rc\"");
  EXPECT_FALSE(Semver::ParseNormalized(" 1.0.0").ok());
  EXPECT_FALSE(Semver::ParseNormalized("vv1.0.0").ok());
}

}  // namespace
}  // namespace celgate::k8s

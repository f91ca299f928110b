// Tests for k8s/quantity.h: parsing, exact comparison/arithmetic and canonical printing, with
// expectations taken from upstream's quantity tests and the CEL library tests.
#include "k8s/quantity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace celgate::k8s {
namespace {

constexpr char kFormatWrong[] =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

Quantity Q(std::string_view s) {
  StatusOr<Quantity> q = Quantity::Parse(s);
  EXPECT_TRUE(q.ok()) << s << ": " << q.status().ToString();
  return q.ok() ? *q : Quantity();
}

TEST(Quantity, BinaryAndDecimalSuffixesCompareByValue) {
  struct Case {
    const char* a;
    const char* b;
    int want;
  } cases[] = {
      {"1Gi", "500Mi", 1},  {"50M", "50Mi", -1},
      {"50Mi", "50M", 1},   {"1k", "1000", 0},
      {"200M", "0.2G", 0},  {"2000k", "2M", 0},
      {"100m", "50m", 1},   {"10000T", "100Gi", 1},
      {"0", "0", 0},        {"-1", "1", -1},
      {"1e3", "1k", 0},     {"1Ki", "1024", 0},
      {"1e100", "1e99", 1}, {"0.000000001", "1n", 0},
      {"-1e100", "1", -1},  {"9999999999999999999999999999999999999G", "1E", 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Q(c.a).Compare(Q(c.b)), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(Q(c.b).Compare(Q(c.a)), -c.want) << c.b << " vs " << c.a;
    EXPECT_EQ(Q(c.a) == Q(c.b), c.want == 0);
  }
}

TEST(Quantity, ParseErrorsUseUpstreamTexts) {
  struct Case {
    const char* in;
    const char* msg;
  } cases[] = {
      {"", kFormatWrong},
      {"10Mo", kFormatWrong},
      {"1,3G", kFormatWrong},
      {"Three", kFormatWrong},
      {"1.1.M", kFormatWrong},
      {"1+1.0M", kFormatWrong},
      {" 1", kFormatWrong},
      {"1 ", kFormatWrong},
      {"-3.01e-", "unable to parse quantity's suffix"},
      {"200K", "unable to parse quantity's suffix"},
      {"10Mm", "unable to parse quantity's suffix"},
      {"0.1mi", "unable to parse quantity's suffix"},
      {"0.1am", kFormatWrong},
      {"1i", "unable to parse quantity's suffix"},
      {".5i", "unable to parse quantity's suffix"},
      {"1e4294967297", "unable to parse quantity's suffix"},
      {"1E2147483648", "unable to parse quantity's suffix"},
      // Upstream quirk: 19 digits take the int64 path and overflow it.
      {"9999999999999999999", "unable to parse numeric part of quantity"},
      {".e-10", "unable to parse numeric part of quantity"},
  };
  for (const Case& c : cases) {
    StatusOr<Quantity> q = Quantity::Parse(c.in);
    ASSERT_FALSE(q.ok()) << c.in;
    EXPECT_EQ(q.status().message(), c.msg) << c.in;
  }
}

TEST(Quantity, AcceptsWhatTheUpstreamScannerAccepts) {
  // "Mi", "+", "." have no digits but upstream's scanner reads them as zero (the CEL docs claim
  // isQuantity('Mi') is false; the implementation returns true).
  for (const char* s : {"Mi", "+", "-", ".", "1.", "1.G", ".001", "+5", "01k", "1E", "1e-3"}) {
    EXPECT_TRUE(Quantity::Parse(s).ok()) << s;
  }
  EXPECT_EQ(Q("Mi").Sign(), 0);
  EXPECT_EQ(Q("1.G").ToString(), "1.G");  // upstream reuses the parsed text
}

TEST(Quantity, CanonicalStringsMatchUpstream) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"1Ki", "1Ki"},
      {"1024Mi", "1Gi"},
      {"1000M", "1G"},
      {".001Ki", "1024m"},
      {".000001Ki", "1024u"},
      {".000000001Ki", "1024n"},
      {".000000000001Ki", "2n"},
      {"1.5", "1500m"},
      {"1.5Gi", "1536Mi"},
      {"0.5", "500m"},
      {"1000m", "1"},
      {"100.035k", "100.035k"},
      {"1.2e3", "1200"},
      {"1.3E+6", "1300e3"},
      {"1.40e9", "1400e6"},
      {"3.001n", "4n"},
      {"0.0000000001", "1n"},
      {"0.00000012345", "124n"},
      {"9Ei", "9223372036854775807"},
      {"9999999999999999999Ei", "9223372036854775807"},
      {"12E", "12E"},
      {"1000E", "1e21"},
      {"1e100", "10e99"},
      {"0.000000001", "1n"},
      {"-1.5", "-1500m"},
      {"5", "5"},
      {"1025", "1025"},
      {"1e3", "1e3"},
      {"1E3", "1E3"},
      {"+1k", "+1k"},
      {"01k", "01k"},
      {"0", "0"},
      {"0Ki", "0"},
      {"-0", "0"},
      {"1.1Ki", "1126400m"},
      {"2048Ki", "2Mi"},
      {"1.5Ki", "1536"},
      {"0.5Mi", "512Ki"},
      {"1e-3", "1e-3"},
      {"10e-3", "10e-3"},
      {"100e-3", "100e-3"},
      {"1000e-3", "1"},
      {"1e-9", "1e-9"},
      {"1.1E-9", "2e-9"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Q(c.in).ToString(), c.out) << c.in;
  }
}

TEST(Quantity, AsIntegerFollowsUpstreamAsInt64) {
  EXPECT_EQ(Q("50k").AsInt64(), 50000);
  EXPECT_EQ(Q("50").AsInt64(), 50);
  EXPECT_EQ(Q("1Gi").AsInt64(), int64_t{1} << 30);
  EXPECT_EQ(Q("-1Ki").AsInt64(), -1024);
  EXPECT_EQ(Q("9223372036854775807").AsInt64(), std::numeric_limits<int64_t>::max());
  // Not representable without overflow or precision loss.
  EXPECT_FALSE(Q("9999999999999999999999999999999999999G").IsInteger());
  EXPECT_FALSE(Q("1e100").IsInteger());
  EXPECT_FALSE(Q("10E").IsInteger());
  EXPECT_FALSE(Q("0.5").IsInteger());
  // Upstream representation quirks: negative scale or inf.Dec form never convert.
  EXPECT_FALSE(Q("1000m").IsInteger());
  EXPECT_FALSE(Q("1.0").IsInteger());
  EXPECT_FALSE(Q("1.5Gi").IsInteger());
  EXPECT_TRUE(Q("9E").IsInteger());
}

TEST(Quantity, ArithmeticIsExact) {
  EXPECT_EQ(Q("50k").Add(Q("20")), Q("50.02k"));
  EXPECT_EQ(Q("50k").Sub(Q("20")), Q("49.98k"));
  EXPECT_EQ(Q("50k").Sub(20), Q("49980"));
  EXPECT_FALSE(Q("50k").Add(20).Compare(Q("50020")) < 0);
  EXPECT_EQ(Q("50k").Add(20).Sub(Q("100k")).AsInt64(), -49980);
  EXPECT_EQ(Q("50k").Add(20).Sub(Q("100k")).Sub(-50000).AsInt64(), 20);
  EXPECT_EQ(Q("1e100").Add(Q("1")).Sub(Q("1e100")), Q("1"));
  EXPECT_EQ(Q("0.000000001").Add(Q("0.000000001")).ToString(), "2n");
  EXPECT_EQ(Q("9223372036854775807").Add(1).ToString(), "9223372036854775808");
  EXPECT_EQ(Q("-9223372036854775807").Sub(2).ToString(), "-9223372036854775809");
  EXPECT_FALSE(Q("9223372036854775807").Add(1).IsInteger());             // now in inf.Dec form
  EXPECT_EQ(Q("8Ei").Add(Q("8Ei")).ToString(), "18446744073709551614");  // both capped
  Quantity big =
      Quantity::FromInt64(std::numeric_limits<int64_t>::max(), Quantity::Format::kBinarySI)
          .Add(Quantity::FromInt64(1, Quantity::Format::kBinarySI));
  EXPECT_EQ(big.ToString(), "8Ei");
  EXPECT_EQ(Q("1.5").Add(Q("1.5")).ToString(), "3");
}

TEST(Quantity, AddZeroKeepsSuffixFamily) {
  EXPECT_EQ(Q("100m").Add(Q("0")).ToString(), "100m");
  EXPECT_EQ(Q("0").Add(Q("1Gi")).ToString(), "1Gi");
  EXPECT_EQ(Q("0").Sub(Q("1Gi")).ToString(), "-1Gi");
  EXPECT_EQ(Q("0").Add(5).ToString(), "5");
  EXPECT_EQ(Q("0").Add(5000).ToString(), "5e3");  // DecimalExponent from the int operand
  EXPECT_EQ(Q("+1k").Add(0).ToString(), "1k");    // arithmetic drops the cached text
}

TEST(Quantity, SignAndFloat) {
  EXPECT_EQ(Q("-5m").Sign(), -1);
  EXPECT_EQ(Q("0Ki").Sign(), 0);
  EXPECT_EQ(Q("1e-100").Sign(), 1);  // rounded up to 1n
  EXPECT_EQ(Q("50.703k").AsApproximateFloat64(), 50703.0);
  EXPECT_DOUBLE_EQ(Q("1.5Gi").AsApproximateFloat64(), 1610612736.0);
  EXPECT_EQ(Q("1m").AsApproximateFloat64(), 1e-3);
  EXPECT_NEAR(Q("1e100").AsApproximateFloat64(), 1e100, 1e85);
  EXPECT_TRUE(std::isinf(Q("1e400").AsApproximateFloat64()));
  EXPECT_TRUE(std::isinf(Q("123456789012345678901e400").AsApproximateFloat64()));
  EXPECT_LT(Q("-123456789012345678901e400").AsApproximateFloat64(), 0);
}

TEST(Quantity, HugeExponentsStayCompact) {
  Quantity huge = Q("1e2000000000");
  EXPECT_EQ(huge.ToString(), "100e1999999998");
  EXPECT_EQ(huge.Compare(Q("9e1999999999")), 1);
  EXPECT_EQ(Q("-1e-2000000000").Sign(), -1);
  EXPECT_EQ(Q("-1e-2000000000").ToString(), "-1e-9");  // rounded away from zero to 1e-9
  EXPECT_EQ(Q("12345678901234567890123e2000000000").Compare(huge), 1);
  EXPECT_FALSE(huge.IsInteger());
  EXPECT_TRUE(std::isinf(huge.AsApproximateFloat64()));
  // Memory guard: the negligible operand is dropped instead of building 2e9 digits.
  EXPECT_EQ(huge.Add(1), huge);
  EXPECT_EQ(Q("1e1000").Add(1).Sub(Q("1e1000")), Q("1"));  // small gaps stay exact
}

}  // namespace
}  // namespace celgate::k8s

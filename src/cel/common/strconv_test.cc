// cel/common/strconv_test.cc: tests for cel/common/strconv.h. Expected strings come from the
// CEL conformance suite (conversions.json), spec section 2.10 and Go's strconv behaviour.
#include "cel/common/strconv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace celgate::cel {
namespace {

struct FormatCase {
  double value;
  std::string_view expected;
};

TEST(FormatDouble, MatchesGoPercentG) {
  const FormatCase cases[] = {
      // conversions.json string/double and string/double_hard
      {123.456, "123.456"},
      {-4.5e-3, "-0.0045"},
      // spec 2.10
      {1.0, "1"},
      {0.5, "0.5"},
      {123456.0, "123456"},
      {1e6, "1e+06"},
      {1234567.0, "1.234567e+06"},
      {0.0001, "0.0001"},
      {1e-5, "1e-05"},
      // more of Go's %g
      {0.0, "0"},
      {-0.0, "-0"},
      {-1.0, "-1"},
      {999999.0, "999999"},
      {100000.0, "100000"},
      {1e21, "1e+21"},
      {1e100, "1e+100"},
      {1.5e300, "1.5e+300"},
      {0.1, "0.1"},
      {0.3, "0.3"},
      {0.1 + 0.2, "0.30000000000000004"},
      {0.00012345, "0.00012345"},
      {0.000012345, "1.2345e-05"},
      {1.0 / 3.0, "0.3333333333333333"},
      {9223372036854775807.0, "9.223372036854776e+18"},
      {18446744073709551615.0, "1.8446744073709552e+19"},
      {6.02214e23, "6.02214e+23"},
      {1.38e-23, "1.38e-23"},
      {-843200000.0, "-8.432e+08"},
      {5e-324, "5e-324"},
      {std::numeric_limits<double>::max(), "1.7976931348623157e+308"},
      {123456.7, "123456.7"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), "NaN"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatDouble(c.value), c.expected) << c.expected;
  }
}

TEST(FormatDoubleFixed, NeverUsesAnExponent) {
  EXPECT_EQ(FormatDoubleFixed(1e-9), "0.000000001");
  EXPECT_EQ(FormatDoubleFixed(-1e-9), "-0.000000001");
  EXPECT_EQ(FormatDoubleFixed(3600.0), "3600");
  EXPECT_EQ(FormatDoubleFixed(1.5), "1.5");
  EXPECT_EQ(FormatDoubleFixed(1e21), "1000000000000000000000");
  EXPECT_EQ(FormatDoubleFixed(0.0), "0");
  EXPECT_EQ(FormatDoubleFixed(9223372036.854775807), "9223372036.854776");
}

TEST(ParseInt64, AcceptsGoParseIntBase10) {
  int64_t v = 0;
  EXPECT_TRUE(ParseInt64("987", &v));
  EXPECT_EQ(v, 987);
  EXPECT_TRUE(ParseInt64("+5", &v));
  EXPECT_EQ(v, 5);
  EXPECT_TRUE(ParseInt64("-5", &v));
  EXPECT_EQ(v, -5);
  EXPECT_TRUE(ParseInt64("-0", &v));
  EXPECT_EQ(v, 0);
  EXPECT_TRUE(ParseInt64("007", &v));
  EXPECT_EQ(v, 7);
  EXPECT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, INT64_MAX);
  EXPECT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, INT64_MIN);
  for (std::string_view bad :
       {"", "+", "-", "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
        "1_000", "0x10", " 1", "1 ", "1.0", "1e3", "+-1", "--1", "\xEF\xBC\x91"}) {
    EXPECT_FALSE(ParseInt64(bad, &v)) << bad;
  }
}

TEST(ParseUint64, AcceptsDigitsOnly) {
  uint64_t v = 0;
  EXPECT_TRUE(ParseUint64("300", &v));
  EXPECT_EQ(v, 300u);
  EXPECT_TRUE(ParseUint64("18446744073709551615", &v));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_TRUE(ParseUint64("0", &v));
  EXPECT_EQ(v, 0u);
  for (std::string_view bad :
       {"", "+1", "-1", "-0", "18446744073709551616", "1_0", "0x1", " 1", "1u", "1.5"}) {
    EXPECT_FALSE(ParseUint64(bad, &v)) << bad;
  }
}

struct ParseCase {
  std::string_view text;
  double expected;
};

TEST(ParseDouble, AcceptsGoParseFloatSyntax) {
  const ParseCase cases[] = {
      // conversions.json double/string_*
      {"0", 0.0},
      {"0.0", 0.0},
      {"123", 123.0},
      {"123.456", 123.456},
      {"-987.654", -987.654},
      {"6.02214e23", 6.02214e23},
      {"1.38e-23", 1.38e-23},
      {"-84.32e7", -843200000.0},
      {"-5.43e-21", -5.43e-21},
      // Go syntax
      {"1e3", 1000.0},
      {"-0.5", -0.5},
      {"+1.5", 1.5},
      {".5", 0.5},
      {"5.", 5.0},
      {"1E3", 1000.0},
      {"1e+3", 1000.0},
      {"00012", 12.0},
      {"1_000", 1000.0},  // Go's ParseFloat allows '_' between digits
      {"1_000.000_5", 1000.0005},
      {"1e1_0", 1e10},
      {"0x1p-2", 0.25},
      {"0X1.8P3", 12.0},
      {"0x_1p0", 1.0},
      {"-0x.8p1", -1.0},
      {"0x1Fp0", 31.0},
      {"1e-400", 0.0},  // underflow is not an error in Go
      {"4.9e-324", 4.9e-324},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"0.1", 0.1},
      {"123456789012345678901234567890", 1.2345678901234568e29},
  };
  for (const auto& c : cases) {
    double v = -12345;
    ASSERT_TRUE(ParseDouble(c.text, &v)) << c.text;
    EXPECT_EQ(v, c.expected) << c.text;
  }
}

TEST(ParseDouble, KeepsTheSignOfZero) {
  double v = 0;
  ASSERT_TRUE(ParseDouble("-0.0", &v));  // conversions.json double/string_neg_zero
  EXPECT_TRUE(std::signbit(v));
  ASSERT_TRUE(ParseDouble("-1e-400", &v));
  EXPECT_EQ(v, 0.0);
  EXPECT_TRUE(std::signbit(v));
}

TEST(ParseDouble, AcceptsSpecialValuesIgnoringCase) {
  double v = 0;
  for (std::string_view s : {"inf", "Inf", "+Inf", "INF", "infinity", "+Infinity", "iNfInItY"}) {
    ASSERT_TRUE(ParseDouble(s, &v)) << s;
    EXPECT_EQ(v, std::numeric_limits<double>::infinity()) << s;
  }
  for (std::string_view s : {"-inf", "-Infinity"}) {
    ASSERT_TRUE(ParseDouble(s, &v)) << s;
    EXPECT_EQ(v, -std::numeric_limits<double>::infinity()) << s;
  }
  for (std::string_view s : {"NaN", "nan", "NAN"}) {
    ASSERT_TRUE(ParseDouble(s, &v)) << s;
    EXPECT_TRUE(std::isnan(v)) << s;
  }
}

TEST(ParseDouble, RejectsWhatGoRejects) {
  double v = 0;
  for (std::string_view bad :
       {"",         ".",    "-",     "+",     "e3",     "1e",
        "1e+",      "1e-",  "1.2.3", "abc",   " 1",     "1 ",
        "1f",       "+nan", "-NaN",  "nanx",  "infin",  "infinit",
        "infx",     "_1",   "1_",    "1__0",  "1_.5",   "1._5",
        "1_e5",     "1e_5", "0x",    "0x1",   "0x1.8",  "0xp1",
        "0x1p",     "1p3",  "0b101", "1e400", "-1e400", "1.7976931348623159e308",
        "0x1p1024", "1,5"}) {
    EXPECT_FALSE(ParseDouble(bad, &v)) << bad;
  }
}

TEST(FormatAndParseDouble, RoundTrip) {
  const double values[] = {0.1, 1.0 / 3.0, 2.5e-310, 123456789.125, -7.0e22, 1e23, 5e-324};
  for (double d : values) {
    double back = 0;
    ASSERT_TRUE(ParseDouble(FormatDouble(d), &back)) << FormatDouble(d);
    EXPECT_EQ(back, d) << FormatDouble(d);
  }
}

}  // namespace
}  // namespace celgate::cel

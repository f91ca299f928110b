// cel/common/time_test.cc: tests for cel/common/time.h. Expectations come from the CEL
// conformance suite (timestamps.json, conversions.json), Go's time package behaviour, and, for
// zone offsets, Python's zoneinfo over the same system database.
#include "cel/common/time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace celgate::cel {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

Timestamp Ts(std::string_view text) {
  Timestamp ts;
  std::string error;
  EXPECT_TRUE(ParseTimestamp(text, &ts, &error)) << text << ": " << error;
  return ts;
}

int64_t Dur(std::string_view text) {
  int64_t d = 0;
  std::string error;
  EXPECT_TRUE(ParseDuration(text, &d, &error)) << text << ": " << error;
  return d;
}

// ---------------------------------------------------------------------------------------------
// Durations

struct DurationCase {
  std::string_view text;
  int64_t nanos;
};

TEST(ParseDuration, AcceptsGoSyntax) {
  const DurationCase cases[] = {
      {"0", 0},
      {"-0", 0},
      {"+0", 0},
      {"0s", 0},
      {"1ns", 1},
      {"2us", 2'000},
      {"2\xC2\xB5s", 2'000},  // U+00B5 micro sign
      {"2\xCE\xBCs", 2'000},  // U+03BC Greek mu
      {"300ms", 300'000'000},
      {"1s", kSecond},
      {"100s", 100 * kSecond},
      {"1000000s", 1'000'000 * kSecond},
      {"1m", 60 * kSecond},
      {"1h", 3600 * kSecond},
      {"1h30m", 5400 * kSecond},
      {"2h45m10.5s", (2 * 3600 + 45 * 60 + 10) * kSecond + kSecond / 2},
      {"1.5h", 5400 * kSecond},
      {"-1.5s", -1'500'000'000},
      {"+1.5s", 1'500'000'000},
      {".5s", 500'000'000},
      {"1.s", kSecond},
      {"0.000000001s", 1},
      {"1.0000000001s", kSecond},  // digits past nanoseconds are dropped
      {"-999999999ns", -999'999'999},
      {"1h1h", 7200 * kSecond},
      {"10m0s", 600 * kSecond},
      {"9223372036854775807ns", INT64_MAX},
      {"-9223372036854775808ns", INT64_MIN},
      {"2562047h", 2'562'047LL * 3600 * kSecond},
      {"9223372036.854775807s", INT64_MAX},
      {"0.1h", 360 * kSecond},
  };
  for (const auto& c : cases) {
    int64_t d = 12345;
    std::string error;
    ASSERT_TRUE(ParseDuration(c.text, &d, &error)) << c.text << ": " << error;
    EXPECT_EQ(d, c.nanos) << c.text;
  }
}

struct DurationErrorCase {
  std::string_view text;
  std::string_view error;
};

TEST(ParseDuration, RejectsWithGoMessages) {
  const DurationErrorCase cases[] = {
      {"", R"(time: invalid duration "")"},
      {"-", R"(time: invalid duration "-")"},
      {"abc", R"(time: invalid duration "abc")"},
      {"1", R"(time: missing unit in duration "1")"},
      {"00", R"(time: missing unit in duration "00")"},
      {"1.2.3s", R"(time: missing unit in duration "1.2.3s")"},
      {"1d", R"(time: unknown unit "d" in duration "1d")"},
      {"1H", R"(time: unknown unit "H" in duration "1H")"},
      {"1e3s", R"(time: unknown unit "e" in duration "1e3s")"},
      {"1 s", R"(time: unknown unit " s" in duration "1 s")"},
      {".s", R"(time: invalid duration ".s")"},
      {"-.s", R"(time: invalid duration "-.s")"},
      {"1h-1m", R"(time: unknown unit "h-" in duration "1h-1m")"},  // as Go
      {"--1s", R"(time: invalid duration "--1s")"},
      {" 1s", R"(time: invalid duration " 1s")"},
      {"9223372036854775808ns", R"(time: invalid duration "9223372036854775808ns")"},
      {"-9223372036854775809ns", R"(time: invalid duration "-9223372036854775809ns")"},
      {"2562048h", R"(time: invalid duration "2562048h")"},
      {"320000000000s", R"(time: invalid duration "320000000000s")"},    // conformance
      {"-320000000000s", R"(time: invalid duration "-320000000000s")"},  // conformance
      {"200000000000s", R"(time: invalid duration "200000000000s")"},
      {"99999999999999999999ns", R"(time: invalid duration "99999999999999999999ns")"},
      {"1\xFF", R"(time: unknown unit "\xff" in duration "1\xff")"},
      {"5\"s", R"(time: unknown unit "\"s" in duration "5\"s")"},
  };
  for (const auto& c : cases) {
    int64_t d = 0;
    std::string error;
    EXPECT_FALSE(ParseDuration(c.text, &d, &error)) << c.text;
    EXPECT_EQ(error, c.error) << c.text;
  }
  int64_t d = 0;
  EXPECT_FALSE(ParseDuration("x", &d, nullptr));  // error output is optional
}

TEST(FormatDuration, PrintsSecondsLikeCelGo) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(3600 * kSecond), "3600s");
  EXPECT_EQ(FormatDuration(1'500'000'000), "1.5s");
  EXPECT_EQ(FormatDuration(-1), "-0.000000001s");
  EXPECT_EQ(FormatDuration(1), "0.000000001s");
  EXPECT_EQ(FormatDuration(123'456'789), "0.123456789s");
  EXPECT_EQ(FormatDuration(Dur("1000000s")), "1000000s");  // conformance toString_duration
  EXPECT_EQ(FormatDuration(-90 * 60 * kSecond), "-5400s");
  // Go's Duration.Seconds() is a float64: large values lose nanoseconds, as in cel-go.
  EXPECT_EQ(FormatDuration(INT64_MAX), "9223372036.854776s");
  EXPECT_EQ(FormatDuration(INT64_MIN), "-9223372036.854776s");
}

TEST(DurationArithmetic, DetectsOverflow) {
  int64_t out = 0;
  EXPECT_TRUE(AddDurations(Dur("600s"), Dur("50s"), &out));
  EXPECT_EQ(out, Dur("650s"));
  EXPECT_TRUE(SubtractDurations(Dur("900s"), Dur("42s"), &out));
  EXPECT_EQ(out, Dur("858s"));
  EXPECT_FALSE(AddDurations(INT64_MAX, 1, &out));
  EXPECT_FALSE(AddDurations(INT64_MIN, -1, &out));
  EXPECT_FALSE(SubtractDurations(INT64_MIN, 1, &out));
  EXPECT_FALSE(SubtractDurations(0, INT64_MIN, &out));
  EXPECT_FALSE(NegateDuration(INT64_MIN, &out));
  EXPECT_TRUE(NegateDuration(INT64_MAX, &out));
  EXPECT_EQ(out, -INT64_MAX);
  // conformance duration_range add_over / sub_under, with the largest representable inputs
  const int64_t big = Dur("2562047h");
  EXPECT_FALSE(AddDurations(big, big, &out));
  EXPECT_FALSE(SubtractDurations(-big, big, &out));
}

// ---------------------------------------------------------------------------------------------
// Timestamps: parsing and formatting

struct TimestampCase {
  std::string_view text;
  int64_t seconds;
  int32_t nanos;
};

TEST(ParseTimestamp, AcceptsRfc3339AsGoDoes) {
  const TimestampCase cases[] = {
      {"2009-02-13T23:31:30Z", 1234567890, 0},  // conformance toInt_timestamp
      {"2004-09-16T23:59:59Z", 1095379199, 0},  // conformance int/timestamp
      {"1970-01-01T00:00:00Z", 0, 0},
      {"2023-01-02T03:04:05.123Z", 1672628645, 123000000},
      {"2023-01-02T03:04:05.5Z", 1672628645, 500000000},
      {"2023-01-02T03:04:05,5Z", 1672628645, 500000000},  // Go accepts a comma
      {"2023-01-02T03:04:05.000000001Z", 1672628645, 1},
      {"2023-01-02T03:04:05.1234567891Z", 1672628645, 123456789},  // 10th digit dropped
      {"2023-01-02T03:04:05.9999999999Z", 1672628645, 999999999},  // truncation, no rounding
      {"2023-01-02T3:04:05Z", 1672628645, 0},                      // Go's hour takes one digit too
      {"2023-01-02T04:04:05+01:00", 1672628645, 0},
      {"2023-01-01T19:04:05-08:00", 1672628645, 0},
      {"2023-01-02T03:04:05-00:00", 1672628645, 0},
      {"2023-01-03T03:04:05+24:00", 1672628645, 0},  // Go allows hour 24 in offsets
      {"2023-01-02T04:04:05+00:60", 1672628645, 0},  // and minute 60
      {"1969-12-31T23:59:59Z", -1, 0},
      {"1969-12-31T23:59:59.5Z", -1, 500000000},
      {"1900-03-01T00:00:00Z", -2203891200, 0},
      {"1600-02-29T12:00:00Z", -11670955200, 0},
      {"2024-02-29T00:00:00Z", 1709164800, 0},
      {"2000-02-29T00:00:00Z", 951782400, 0},
      {"0001-01-01T00:00:00Z", kMinTimestampSeconds, 0},
      {"0001-01-01T00:00:00-01:00", kMinTimestampSeconds + 3600, 0},
      {"9999-12-31T23:59:59Z", kMaxTimestampSeconds, 0},
      {"9999-12-31T23:59:59.999999999Z", kMaxTimestampSeconds, 999999999},
      {"9999-12-31T23:59:59+01:00", kMaxTimestampSeconds - 3600, 0},
  };
  for (const auto& c : cases) {
    Timestamp ts;
    std::string error;
    ASSERT_TRUE(ParseTimestamp(c.text, &ts, &error)) << c.text << ": " << error;
    EXPECT_EQ(ts.seconds, c.seconds) << c.text;
    EXPECT_EQ(ts.nanos, c.nanos) << c.text;
    EXPECT_TRUE(TimestampInRange(ts));
  }
}

struct TimestampErrorCase {
  std::string_view text;
  std::string_view error;
};

TEST(ParseTimestamp, RejectsWithGoStyleMessages) {
  constexpr std::string_view kAs = R"( as "2006-01-02T15:04:05Z07:00": cannot parse )";
  const TimestampErrorCase cases[] = {
      // conformance timestamp_range from_string_under / from_string_over
      {"0000-01-01T00:00:00Z", "timestamp out of range"},
      {"10000-01-01T00:00:00Z", ""},
      {"0001-01-01T00:00:00+00:01", "timestamp out of range"},
      {"9999-12-31T23:59:59-00:01", "timestamp out of range"},
      {"2023-13-01T00:00:00Z", R"(parsing time "2023-13-01T00:00:00Z": month out of range)"},
      {"2023-00-01T00:00:00Z", R"(parsing time "2023-00-01T00:00:00Z": month out of range)"},
      {"2023-02-29T00:00:00Z", R"(parsing time "2023-02-29T00:00:00Z": day out of range)"},
      {"1900-02-29T00:00:00Z", R"(parsing time "1900-02-29T00:00:00Z": day out of range)"},
      {"2023-04-31T00:00:00Z", R"(parsing time "2023-04-31T00:00:00Z": day out of range)"},
      {"2023-01-00T00:00:00Z", R"(parsing time "2023-01-00T00:00:00Z": day out of range)"},
      {"2023-01-02T24:00:00Z", R"(parsing time "2023-01-02T24:00:00Z": hour out of range)"},
      {"2023-01-02T23:60:00Z", R"(parsing time "2023-01-02T23:60:00Z": minute out of range)"},
      {"2023-01-02T23:59:60Z", R"(parsing time "2023-01-02T23:59:60Z": second out of range)"},
      {"2023-01-02T03:04:05+25:00",
       R"(parsing time "2023-01-02T03:04:05+25:00": time zone offset hour out of range)"},
      {"2023-01-02T03:04:05+01:61",
       R"(parsing time "2023-01-02T03:04:05+01:61": time zone offset minute out of range)"},
      {"2023-01-02T03:04:05ZZ", R"(parsing time "2023-01-02T03:04:05ZZ": extra text: "Z")"},
      {"2023-01-02T03:04:05Z ", R"(parsing time "2023-01-02T03:04:05Z ": extra text: " ")"},
      {"x", std::string_view()},
      {"2023-01-02T03:04:05", ""},   // offset is mandatory
      {"2023-01-02t03:04:05Z", ""},  // lower-case t
      {"2023-01-02T03:04:05z", ""},  // lower-case z
      {"2023-01-02 03:04:05Z", ""},
      {"2023-1-02T03:04:05Z", ""},
      {"2023-01-2T03:04:05Z", ""},
      {"2023-01-02T03:4:05Z", ""},
      {"2023-01-02T03:04:5Z", ""},
      {"2023-01-02T03:04:05.Z", ""},
      {"2023-01-02T03:04:05+0100", ""},
      {"2023-01-02T03:04:05+1:00", ""},
      {"2023-01-02T03:04:05 01:00", ""},
      {"", ""},
      {"-001-01-01T00:00:00Z", ""},
  };
  for (const auto& c : cases) {
    Timestamp ts;
    std::string error;
    EXPECT_FALSE(ParseTimestamp(c.text, &ts, &error)) << c.text;
    EXPECT_FALSE(error.empty()) << c.text;
    if (!c.error.empty()) {
      EXPECT_EQ(error, c.error) << c.text;
    }
  }
  std::string error;
  Timestamp ts;
  ASSERT_FALSE(ParseTimestamp("2023-01-02X03:04:05Z", &ts, &error));
  EXPECT_EQ(error, std::string(R"(parsing time "2023-01-02X03:04:05Z")") + std::string(kAs) +
                       R"("X03:04:05Z" as "T")");
  ASSERT_FALSE(ParseTimestamp("abc", &ts, &error));
  EXPECT_EQ(error, std::string(R"(parsing time "abc")") + std::string(kAs) + R"("abc" as "2006")");
  EXPECT_FALSE(ParseTimestamp("abc", &ts, nullptr));
}

TEST(FormatTimestamp, PrintsRfc3339NanoInUtc) {
  EXPECT_EQ(FormatTimestamp(Ts("2009-02-13T23:31:30Z")), "2009-02-13T23:31:30Z");
  EXPECT_EQ(FormatTimestamp(Ts("9999-12-31T23:59:59.999999999Z")),
            "9999-12-31T23:59:59.999999999Z");  // conformance toString_timestamp_nanos
  EXPECT_EQ(FormatTimestamp(Ts("2023-01-02T03:04:05.5Z")), "2023-01-02T03:04:05.5Z");
  EXPECT_EQ(FormatTimestamp(Ts("2023-01-02T03:04:05.120Z")), "2023-01-02T03:04:05.12Z");
  EXPECT_EQ(FormatTimestamp(Ts("2023-01-02T03:04:05.000000001Z")),
            "2023-01-02T03:04:05.000000001Z");
  EXPECT_EQ(FormatTimestamp(Ts("2023-01-02T04:04:05+01:00")), "2023-01-02T03:04:05Z");
  EXPECT_EQ(FormatTimestamp(Ts("0001-01-01T00:00:00Z")), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{-1, 500000000}), "1969-12-31T23:59:59.5Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{0, 0}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{951782400, 0}), "2000-02-29T00:00:00Z");
}

TEST(FormatTimestamp, RoundTripsThroughParse) {
  for (int64_t s = kMinTimestampSeconds; s < kMaxTimestampSeconds; s += 86400LL * 1234 + 4321) {
    const Timestamp ts{s, static_cast<int32_t>((s % 1000 + 1000) % 1000 * 1000)};
    Timestamp back;
    std::string error;
    ASSERT_TRUE(ParseTimestamp(FormatTimestamp(ts), &back, &error)) << FormatTimestamp(ts);
    ASSERT_EQ(back, ts) << FormatTimestamp(ts);
  }
}

TEST(TimestampInRange, ChecksBothEndsAndNanos) {
  EXPECT_TRUE(TimestampInRange({kMinTimestampSeconds, 0}));
  EXPECT_FALSE(TimestampInRange({kMinTimestampSeconds - 1, 999999999}));
  EXPECT_TRUE(TimestampInRange({kMaxTimestampSeconds, 999999999}));
  EXPECT_FALSE(TimestampInRange({kMaxTimestampSeconds + 1, 0}));
  EXPECT_FALSE(TimestampInRange({0, -1}));
  EXPECT_FALSE(TimestampInRange({0, 1000000000}));
}

// ---------------------------------------------------------------------------------------------
// Timestamp arithmetic (conformance timestamp_arithmetic and timestamp_range)

TEST(TimestampArithmetic, MatchesConformance) {
  Timestamp out;
  ASSERT_TRUE(AddDuration(Ts("2009-02-13T23:00:00Z"), Dur("240s"), &out));
  EXPECT_EQ(out, Ts("2009-02-13T23:04:00Z"));
  ASSERT_TRUE(AddDuration(Ts("2009-02-13T23:01:00Z"), Dur("120s"), &out));
  EXPECT_EQ(out, Ts("2009-02-13T23:03:00Z"));
  ASSERT_TRUE(AddDuration(Ts("0001-01-01T00:00:01.000000001Z"), Dur("-999999999ns"), &out));
  EXPECT_EQ(out, Ts("0001-01-01T00:00:00.000000002Z"));
  ASSERT_TRUE(AddDuration(Ts("0001-01-01T00:00:01.999999999Z"), Dur("999999999ns"), &out));
  EXPECT_EQ(out, Ts("0001-01-01T00:00:02.999999998Z"));
  ASSERT_TRUE(SubtractDuration(Ts("2009-02-13T23:10:00Z"), Dur("600s"), &out));
  EXPECT_EQ(out, Ts("2009-02-13T23:00:00Z"));
  int64_t d = 0;
  ASSERT_TRUE(SubtractTimestamps(Ts("2009-02-13T23:31:00Z"), Ts("2009-02-13T23:29:00Z"), &d));
  EXPECT_EQ(d, Dur("120s"));
  ASSERT_TRUE(SubtractTimestamps(Ts("2009-02-13T23:29:00Z"), Ts("2009-02-13T23:31:00Z"), &d));
  EXPECT_EQ(d, -Dur("120s"));
  ASSERT_TRUE(AddDuration(Timestamp{0, 0}, -1, &out));
  EXPECT_EQ(out, (Timestamp{-1, 999999999}));
}

TEST(TimestampArithmetic, FailsOutsideTheRange) {
  Timestamp out;
  EXPECT_FALSE(AddDuration(Ts("0001-01-01T00:00:00Z"), Dur("-1s"), &out));
  EXPECT_FALSE(AddDuration(Ts("9999-12-31T23:59:59Z"), Dur("1s"), &out));
  EXPECT_FALSE(AddDuration(Ts("9999-12-31T23:59:59.999999999Z"), Dur("1ns"), &out));
  EXPECT_FALSE(AddDuration(Ts("0001-01-01T00:00:00Z"), Dur("-1ns"), &out));
  EXPECT_FALSE(SubtractDuration(Ts("0001-01-01T00:00:00Z"), 1, &out));
  EXPECT_FALSE(SubtractDuration(Ts("9999-12-31T23:59:59.999999999Z"), -1, &out));
  EXPECT_FALSE(SubtractDuration(Ts("9999-12-31T23:59:59Z"), INT64_MIN, &out));
  EXPECT_TRUE(SubtractDuration(Ts("2000-01-01T00:00:00Z"), INT64_MIN, &out));
  EXPECT_TRUE(AddDuration(Ts("2000-01-01T00:00:00Z"), INT64_MAX, &out));
  EXPECT_EQ(FormatTimestamp(out), "2292-04-10T23:47:16.854775807Z");
  int64_t d = 0;
  EXPECT_FALSE(SubtractTimestamps(Ts("9999-12-31T23:59:59Z"), Ts("0001-01-01T00:00:00Z"), &d));
  EXPECT_FALSE(SubtractTimestamps(Ts("0001-01-01T00:00:00Z"), Ts("9999-12-31T23:59:59Z"), &d));
  // The largest differences that still fit int64 nanoseconds.
  ASSERT_TRUE(SubtractTimestamps(Timestamp{9223372036, 854775807}, Timestamp{0, 0}, &d));
  EXPECT_EQ(d, INT64_MAX);
  EXPECT_FALSE(SubtractTimestamps(Timestamp{9223372036, 854775808}, Timestamp{0, 0}, &d));
  ASSERT_TRUE(SubtractTimestamps(Timestamp{0, 0}, Timestamp{9223372036, 854775808}, &d));
  EXPECT_EQ(d, INT64_MIN);
}

// ---------------------------------------------------------------------------------------------
// Calendar fields

struct CivilCase {
  std::string_view timestamp;
  std::string_view tz;
  CivilTime expected;
};

void ExpectCivil(const CivilCase& c) {
  CivilTime got;
  std::string error;
  ASSERT_TRUE(CivilTimeIn(Ts(c.timestamp), c.tz, &got, &error))
      << c.timestamp << " in '" << c.tz << "': " << error;
  const CivilTime& e = c.expected;
  const std::string where = std::string(c.timestamp) + " in '" + std::string(c.tz) + "'";
  EXPECT_EQ(got.year, e.year) << where;
  EXPECT_EQ(got.month0, e.month0) << where;
  EXPECT_EQ(got.day_of_month1, e.day_of_month1) << where;
  EXPECT_EQ(got.day_of_week, e.day_of_week) << where;
  EXPECT_EQ(got.day_of_year0, e.day_of_year0) << where;
  EXPECT_EQ(got.hours, e.hours) << where;
  EXPECT_EQ(got.minutes, e.minutes) << where;
  EXPECT_EQ(got.seconds, e.seconds) << where;
  EXPECT_EQ(got.milliseconds, e.milliseconds) << where;
}

TEST(CivilTimeIn, MatchesConformanceSelectors) {
  // timestamp_selectors: 2009-02-13T23:31:30Z is a Friday, day 43 of the year.
  ExpectCivil({"2009-02-13T23:31:30Z", "", {2009, 1, 13, 5, 43, 23, 31, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:20.123456789Z", "", {2009, 1, 13, 5, 43, 23, 31, 20, 123}});
  ExpectCivil({"2009-02-13T23:31:30Z", "UTC", {2009, 1, 13, 5, 43, 23, 31, 30, 0}});
  // timestamp_selectors_tz
  ExpectCivil({"2009-02-13T23:31:30Z", "Australia/Sydney", {2009, 1, 14, 6, 44, 10, 31, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "US/Central", {2009, 1, 13, 5, 43, 17, 31, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "+11:00", {2009, 1, 14, 6, 44, 10, 31, 30, 0}});
  ExpectCivil({"2009-02-13T02:00:00Z", "-02:30", {2009, 1, 12, 4, 42, 23, 30, 0, 0}});
  ExpectCivil({"2009-02-13T02:00:00Z", "America/St_Johns", {2009, 1, 12, 4, 42, 22, 30, 0, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "-09:30", {2009, 1, 13, 5, 43, 14, 1, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "02:00", {2009, 1, 14, 6, 44, 1, 31, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "Asia/Kathmandu", {2009, 1, 14, 6, 44, 5, 16, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "-00:00", {2009, 1, 13, 5, 43, 23, 31, 30, 0}});
}

TEST(CivilTimeIn, FixedOffsetsFollowCelGoArithmetic) {
  // "-0:30": hours parse as 0, the leading '-' still makes the minutes negative.
  ExpectCivil({"2009-02-13T00:10:00Z", "-0:30", {2009, 1, 12, 4, 42, 23, 40, 0, 0}});
  ExpectCivil({"2009-02-13T00:00:00Z", "+05:30", {2009, 1, 13, 5, 43, 5, 30, 0, 0}});
  ExpectCivil({"2009-02-13T00:00:00Z", "5:30", {2009, 1, 13, 5, 43, 5, 30, 0, 0}});
  ExpectCivil({"2009-02-13T00:00:00Z", "-08:00", {2009, 1, 12, 4, 42, 16, 0, 0, 0}});
  ExpectCivil({"2009-02-13T00:00:00Z", "+48:00", {2009, 1, 15, 0, 45, 0, 0, 0, 0}});
}

TEST(CivilTimeIn, HandlesDaylightSavingTransitions) {
  // America/New_York spring forward and fall back, 2023.
  ExpectCivil({"2023-03-12T06:59:59Z", "America/New_York", {2023, 2, 12, 0, 70, 1, 59, 59, 0}});
  ExpectCivil({"2023-03-12T07:00:00Z", "America/New_York", {2023, 2, 12, 0, 70, 3, 0, 0, 0}});
  ExpectCivil({"2023-11-05T05:59:59Z", "America/New_York", {2023, 10, 5, 0, 308, 1, 59, 59, 0}});
  ExpectCivil({"2023-11-05T06:00:00Z", "America/New_York", {2023, 10, 5, 0, 308, 1, 0, 0, 0}});
  // Before the zone's first transition: local mean time (-4:56:02).
  ExpectCivil({"1850-01-01T00:00:00Z", "America/New_York", {1849, 11, 31, 1, 364, 19, 3, 58, 0}});
}

TEST(CivilTimeIn, KeepsDaylightSavingAfter2037) {
  // The zone files stop listing transitions in 2037; the POSIX footer rule takes over.
  ExpectCivil({"2050-07-01T12:00:00Z", "America/New_York", {2050, 6, 1, 5, 181, 8, 0, 0, 0}});
  ExpectCivil({"2050-01-01T12:00:00Z", "America/New_York", {2050, 0, 1, 6, 0, 7, 0, 0, 0}});
  ExpectCivil({"2099-03-08T06:59:59Z", "America/New_York", {2099, 2, 8, 0, 66, 1, 59, 59, 0}});
  ExpectCivil({"2099-03-08T07:00:00Z", "America/New_York", {2099, 2, 8, 0, 66, 3, 0, 0, 0}});
  ExpectCivil({"2050-01-15T00:00:00Z", "Australia/Sydney", {2050, 0, 15, 6, 14, 11, 0, 0, 0}});
  ExpectCivil({"2050-07-15T00:00:00Z", "Australia/Sydney", {2050, 6, 15, 5, 195, 10, 0, 0, 0}});
  ExpectCivil({"2040-03-25T00:59:59Z", "Europe/Berlin", {2040, 2, 25, 0, 84, 1, 59, 59, 0}});
  ExpectCivil({"2040-03-25T01:00:00Z", "Europe/Berlin", {2040, 2, 25, 0, 84, 3, 0, 0, 0}});
  ExpectCivil({"2040-10-28T00:59:59Z", "Europe/Berlin", {2040, 9, 28, 0, 301, 2, 59, 59, 0}});
  ExpectCivil({"2040-10-28T01:00:00Z", "Europe/Berlin", {2040, 9, 28, 0, 301, 2, 0, 0, 0}});
  ExpectCivil({"2045-07-01T12:00:00Z", "Europe/London", {2045, 6, 1, 6, 181, 13, 0, 0, 0}});
  ExpectCivil({"2060-02-13T23:31:30Z", "Asia/Kathmandu", {2060, 1, 14, 6, 44, 5, 16, 30, 0}});
  // Rules with odd shapes: Thursday-based with a 26:00 time, negative DST, 24:00 times,
  // half-hour DST, quarter-hour offsets.
  ExpectCivil({"2050-03-24T23:59:59Z", "Asia/Jerusalem", {2050, 2, 25, 5, 83, 1, 59, 59, 0}});
  ExpectCivil({"2050-03-25T00:00:00Z", "Asia/Jerusalem", {2050, 2, 25, 5, 83, 3, 0, 0, 0}});
  ExpectCivil({"2050-01-10T00:00:00Z", "Europe/Dublin", {2050, 0, 10, 1, 9, 0, 0, 0, 0}});
  ExpectCivil({"2050-07-10T00:00:00Z", "Europe/Dublin", {2050, 6, 10, 0, 190, 1, 0, 0, 0}});
  ExpectCivil({"2050-01-10T00:00:00Z", "America/Santiago", {2050, 0, 9, 0, 8, 21, 0, 0, 0}});
  ExpectCivil({"2050-07-10T00:00:00Z", "America/Santiago", {2050, 6, 9, 6, 189, 20, 0, 0, 0}});
  ExpectCivil({"2050-01-10T00:00:00Z", "Australia/Lord_Howe", {2050, 0, 10, 1, 9, 11, 0, 0, 0}});
  ExpectCivil({"2055-01-01T00:00:00Z", "Pacific/Chatham", {2055, 0, 1, 5, 0, 13, 45, 0, 0}});
  ExpectCivil({"2050-01-01T00:00:00Z", "America/Sao_Paulo", {2049, 11, 31, 5, 364, 21, 0, 0, 0}});
  // Transitions listed in the file far ahead (Casablanca's Ramadan changes) still apply.
  ExpectCivil({"2030-06-01T00:00:00Z", "Africa/Casablanca", {2030, 5, 1, 6, 151, 0, 0, 0, 0}});
}

TEST(CivilTimeIn, HandlesTheCalendarRangeEdges) {
  ExpectCivil({"0001-01-01T00:00:00Z", "", {1, 0, 1, 1, 0, 0, 0, 0, 0}});  // a Monday
  ExpectCivil({"9999-12-31T23:59:59.999999999Z", "", {9999, 11, 31, 5, 364, 23, 59, 59, 999}});
  ExpectCivil({"1969-12-31T23:59:59.999Z", "", {1969, 11, 31, 3, 364, 23, 59, 59, 999}});
  ExpectCivil({"1900-03-01T00:00:00Z", "", {1900, 2, 1, 4, 59, 0, 0, 0, 0}});
  ExpectCivil({"2024-12-31T00:00:00Z", "", {2024, 11, 31, 2, 365, 0, 0, 0, 0}});
  ExpectCivil({"1600-02-29T12:00:00Z", "", {1600, 1, 29, 2, 59, 12, 0, 0, 0}});
  // Offsets may step outside 0001..9999; the fields are still computed.
  ExpectCivil({"0001-01-01T00:00:00Z", "-01:00", {0, 11, 31, 0, 365, 23, 0, 0, 0}});
  ExpectCivil({"9999-12-31T23:00:00Z", "+02:00", {10000, 0, 1, 6, 0, 1, 0, 0, 0}});
}

struct ZoneErrorCase {
  std::string_view tz;
  std::string_view error;
};

TEST(CivilTimeIn, ReportsBadZonesLikeCelGo) {
  const ZoneErrorCase cases[] = {
      {"Mars/Olympus_Mons", "unknown time zone Mars/Olympus_Mons"},
      {"utc", "unknown time zone utc"},
      {"america/new_york", "unknown time zone america/new_york"},
      {"../../etc/passwd", "time: invalid location name"},
      {"/etc/localtime", "time: invalid location name"},
      {"x:30", R"(strconv.Atoi: parsing "x": invalid syntax)"},
      {"05:xx", R"(strconv.Atoi: parsing "xx": invalid syntax)"},
      {":30", R"(strconv.Atoi: parsing "": invalid syntax)"},
      {"05:", R"(strconv.Atoi: parsing "": invalid syntax)"},
      {"05:30:00", R"(strconv.Atoi: parsing "30:00": invalid syntax)"},
      {"+05:75", "timezone offset minutes out of range [0, 59]: +05:75"},
      {"+05:-1", "timezone offset minutes out of range [0, 59]: +05:-1"},
      {"99999999:00", "timezone offset out of range: 99999999:00"},
  };
  for (const auto& c : cases) {
    CivilTime out;
    std::string error;
    EXPECT_FALSE(CivilTimeIn(Ts("2009-02-13T23:31:30Z"), c.tz, &out, &error)) << c.tz;
    EXPECT_EQ(error, c.error) << c.tz;
  }
}

TEST(CivilTimeIn, AcceptsLocalAndAliases) {
  CivilTime out;
  std::string error;
  EXPECT_TRUE(CivilTimeIn(Ts("2009-02-13T23:31:30Z"), "Local", &out, &error)) << error;
  ExpectCivil({"2009-02-13T23:31:30Z", "Etc/UTC", {2009, 1, 13, 5, 43, 23, 31, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "GMT", {2009, 1, 13, 5, 43, 23, 31, 30, 0}});
  ExpectCivil({"2009-02-13T23:31:30Z", "Etc/GMT+5", {2009, 1, 13, 5, 43, 18, 31, 30, 0}});
}

TEST(CivilTimeIn, IsSafeToCallConcurrently) {
  const char* zones[] = {"America/New_York",    "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney",
                         "America/Los_Angeles", "Europe/Paris",  "+05:30",     "UTC"};
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        CivilTime out;
        std::string error;
        const Timestamp ts{1234567890 + i * 3600LL, 0};
        if (!CivilTimeIn(ts, zones[(t + i) % 8], &out, &error)) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int f : failures) {
    EXPECT_EQ(f, 0);
  }
}

}  // namespace
}  // namespace celgate::cel

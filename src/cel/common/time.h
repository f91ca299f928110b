// cel/common/time.h: CEL timestamps and durations as plain numbers, with Go's text formats.
//
// Where this sits: cel/common, target cg_cel_time. The standard library (cel/lib/std) builds
// timestamp()/duration() conversions, string() of both, time arithmetic and the timestamp
// accessors (getFullYear, getHours, ... with an optional time zone) on these functions. No
// CEL values here: failures come back as `false` plus, where useful, a message the caller can
// put into a CEL error value. Nothing here throws (date/tz exceptions are caught inside).
//
// Semantics follow cel-go, i.e. Go's time package:
// - A timestamp is an instant with nanosecond precision. CEL's valid range is
//   0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z; every function that produces a
//   Timestamp keeps to it.
// - A duration is an int64 count of nanoseconds (about ±292 years), as Go's time.Duration.
//
// Thread safety: all functions may be called concurrently. CivilTimeIn keeps a process-wide
// cache of loaded time zones behind a reader/writer lock; after the first use of a zone a lookup
// takes the shared lock only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace celgate::cel {

// An instant: seconds since the Unix epoch plus nanoseconds. Invariant: 0 <= nanos < 1e9, so
// one nanosecond before the epoch is {-1, 999999999}.
struct Timestamp {
  int64_t seconds = 0;
  int32_t nanos = 0;

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;

// True when `ts` lies in CEL's range and its nanos field is normalised.
bool TimestampInRange(Timestamp ts);

// duration(string): Go's time.ParseDuration. An optional sign, then one or more decimal numbers
// each with a unit: "300ms", "-1.5h", "2h45m", ".5s", "1.s", "0", "-0". Units: ns, us, µs
// (U+00B5), μs (U+03BC), ms, s, m, h; no days. A unit is required except for a bare "0".
// The result must fit int64 nanoseconds ("9223372036854775807ns" fits, "-9223372036854775808ns"
// fits, one more does not). Fractions are applied with Go's float arithmetic, so results agree
// with Go to the nanosecond.
// On failure returns false and sets `*error` (when non-null) to Go's message:
//   time: invalid duration "abc"          time: missing unit in duration "1"
//   time: unknown unit "d" in duration "1d"
// REQUIRES: nanos non-null.
bool ParseDuration(std::string_view text, int64_t* nanos, std::string* error);

// string(duration), as cel-go: strconv.FormatFloat(Go's Duration.Seconds(), 'f', -1, 64) + "s".
// "3600s", "1.5s", "-0.000000001s", "0s". Note that Seconds() is a float64, so durations
// beyond about 2^53 ns (104 days) print with float rounding, exactly as cel-go does.
std::string FormatDuration(int64_t nanos);

// timestamp(string): Go's time.Parse(time.RFC3339, text), then CEL's range check. Accepts
// "2006-01-02T15:04:05Z" and "...05.123-07:00" forms: 'T' and 'Z' upper case only, hour of one
// or two digits (Go's parser allows "T3:04:05"), optional fraction after '.' or ',' with any
// number of digits (digits past the ninth are dropped, not rounded), offset 'Z' or ±hh:mm with
// hh <= 24 and mm <= 60 (Go's limits). Day of month is checked against the month and leap year.
// The offset is applied and the result is the UTC instant; the offset itself is not kept.
// On failure returns false and sets `*error` (when non-null), e.g.
//   parsing time "2023-13-01T00:00:00Z": month out of range
//   parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"
//   timestamp out of range                  (year 0000, or an offset pushing past the range)
// REQUIRES: out non-null.
bool ParseTimestamp(std::string_view text, Timestamp* out, std::string* error);

// string(timestamp): RFC 3339 in UTC with the fraction trimmed of trailing zeros (Go's
// RFC3339Nano layout): "2023-01-02T03:04:05Z", "2023-01-02T03:04:05.5Z",
// "9999-12-31T23:59:59.999999999Z". REQUIRES: TimestampInRange(ts).
std::string FormatTimestamp(Timestamp ts);

// Checked time arithmetic. Each returns false, leaving `*out` unspecified, when the result
// leaves CEL's timestamp range or int64 nanoseconds. REQUIRES: inputs in range, out non-null.
bool AddDuration(Timestamp ts, int64_t nanos, Timestamp* out);       // ts + d
bool SubtractDuration(Timestamp ts, int64_t nanos, Timestamp* out);  // ts - d
bool SubtractTimestamps(Timestamp a, Timestamp b, int64_t* nanos);   // a - b
bool AddDurations(int64_t a, int64_t b, int64_t* out);               // a + b
bool SubtractDurations(int64_t a, int64_t b, int64_t* out);          // a - b
bool NegateDuration(int64_t a, int64_t* out);                        // -a

// Calendar fields of an instant as seen in a time zone (the CEL timestamp accessors).
struct CivilTime {
  int64_t year = 0;           // getFullYear
  int64_t month0 = 0;         // getMonth: 0-11
  int64_t day_of_month1 = 0;  // getDate: 1-31 (getDayOfMonth is this minus one)
  int64_t day_of_week = 0;    // getDayOfWeek: 0 = Sunday
  int64_t day_of_year0 = 0;   // getDayOfYear: 0-365
  int64_t hours = 0;          // getHours: 0-23
  int64_t minutes = 0;        // getMinutes: 0-59
  int64_t seconds = 0;        // getSeconds: 0-59
  int64_t milliseconds = 0;   // getMilliseconds: 0-999
};

// Fills `*out` with the fields of `ts` in time zone `tz`, following cel-go's rules:
// - If `tz` contains ':', it is a fixed offset "H:M": H and M are Go Atoi integers (so "+05:30",
//   "-08:00", "02:00", "-00:00", "5:30" all work), M must be in [0, 59], and a leading '-'
//   makes the minutes negative too ("-02:30" is 150 minutes west).
// - Otherwise it is a Go time.LoadLocation name: "" and "UTC" mean UTC, "Local" the process's
//   local zone, anything else an IANA name from the system database (/usr/share/zoneinfo,
//   read through date-tz built with USE_OS_TZDB; nothing is ever downloaded). Instants after
//   the last transition stored in the zone file follow the file's POSIX TZ footer, as in Go,
//   so DST keeps working after 2037.
// On failure returns false and sets `*error` (when non-null):
//   unknown time zone Mars/Base     time: invalid location name
//   strconv.Atoi: parsing "x": invalid syntax
//   timezone offset minutes out of range [0, 59]: +05:75
// REQUIRES: out non-null; ts normalised (0 <= nanos < 1e9).
bool CivilTimeIn(Timestamp ts, std::string_view tz, CivilTime* out, std::string* error);

}  // namespace celgate::cel

// cel/common/time.cc: implementation of cel/common/time.h (include that header).
//
// Calendar arithmetic is done here on int64 day numbers (proleptic Gregorian, the same
// calendar Go uses), so no library range limit applies. The only third-party code is date-tz,
// used solely to find IANA zones and their transitions; its exceptions stay in this file.
// Because the system zone files store transitions only up to 2037, instants after the last
// stored transition are resolved with the POSIX TZ rule at the end of the zone file, which
// this file parses itself (Go does the same).
#include "cel/common/time.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "cel/common/strconv.h"

namespace celgate::cel {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

void SetError(std::string* error, std::string message) {
  if (error != nullptr) {
    *error = std::move(message);
  }
}

// Go's time.quote: double quotes; '"' and '\' escaped; bytes below 0x20 or above 0x7F as \xHH.
std::string GoQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x80) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
      }
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) {
    --q;
  }
  return q;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeapYear(y)) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date. Works in 400-year eras counted from
// March 1st so that the leap day is the last day of each era year.
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t year_of_era = y - era * 400;                             // [0, 399]
  const int64_t month_from_march = m > 2 ? m - 3 : m + 9;                // [0, 11]
  const int64_t day_of_year = (153 * month_from_march + 2) / 5 + d - 1;  // [0, 365]
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct CivilDate {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Inverse of DaysFromCivil.
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t day_of_era = days - era * 146097;  // [0, 146096]
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const int month =
      static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

// --- POSIX TZ rules (the footer of TZif version 2+ files) -------------------------------------

// When a DST period starts or ends in a year.
struct TransitionRule {
  enum Kind { kJulianNoLeap, kZeroBasedDay, kMonthWeekDay } kind = kMonthWeekDay;
  int day = 0;          // Jn: 1-365; n: 0-365; Mm.w.d: weekday 0-6
  int week = 0;         // Mm.w.d: 1-5 (5 = last)
  int month = 0;        // Mm.w.d: 1-12
  int64_t time = 7200;  // seconds after local midnight; may be negative or above 24h
};

struct PosixTz {
  int64_t std_east = 0;  // seconds east of UTC in standard time
  bool has_dst = false;
  int64_t dst_east = 0;
  TransitionRule start, end;
};

class PosixTzParser {
 public:
  explicit PosixTzParser(std::string_view s) : s_(s) {}

  std::optional<PosixTz> Parse() {
    PosixTz tz;
    int64_t off = 0;
    if (!Name() || !Offset(&off)) {
      return std::nullopt;
    }
    tz.std_east = -off;  // POSIX offsets are positive west of Greenwich
    if (pos_ == s_.size()) {
      return tz;
    }
    if (!Name()) {
      return std::nullopt;
    }
    tz.has_dst = true;
    tz.dst_east = tz.std_east + 3600;
    if (pos_ < s_.size() && s_[pos_] != ',') {
      if (!Offset(&off)) {
        return std::nullopt;
      }
      tz.dst_east = -off;
    }
    if (pos_ == s_.size()) {
      // No rule given: POSIX leaves the default to the implementation; Go uses US rules.
      tz.start = {TransitionRule::kMonthWeekDay, 0, 2, 3, 7200};
      tz.end = {TransitionRule::kMonthWeekDay, 0, 1, 11, 7200};
      return tz;
    }
    if (!Consume(',') || !Rule(&tz.start) || !Consume(',') || !Rule(&tz.end) || pos_ != s_.size()) {
      return std::nullopt;
    }
    return tz;
  }

 private:
  bool Consume(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool Name() {
    if (Consume('<')) {
      const size_t close = s_.find('>', pos_);
      if (close == std::string_view::npos) {
        return false;
      }
      pos_ = close + 1;
      return true;
    }
    const size_t begin = pos_;
    while (pos_ < s_.size() &&
           ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z'))) {
      ++pos_;
    }
    return pos_ - begin >= 3;
  }

  bool Number(int64_t* v, int max_digits) {
    const size_t begin = pos_;
    *v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9' &&
           static_cast<int>(pos_ - begin) < max_digits) {
      *v = *v * 10 + (s_[pos_] - '0');
      ++pos_;
    }
    return pos_ > begin;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  bool Offset(int64_t* seconds) {
    int64_t sign = 1;
    if (Consume('-')) {
      sign = -1;
    } else {
      Consume('+');
    }
    int64_t h = 0, m = 0, sec = 0;
    if (!Number(&h, 3)) {
      return false;
    }
    if (Consume(':')) {
      if (!Number(&m, 2)) {
        return false;
      }
      if (Consume(':') && !Number(&sec, 2)) {
        return false;
      }
    }
    *seconds = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool Rule(TransitionRule* r) {
    int64_t a = 0, b = 0, c = 0;
    if (Consume('J')) {
      if (!Number(&a, 3) || a < 1 || a > 365) {
        return false;
      }
      r->kind = TransitionRule::kJulianNoLeap;
      r->day = static_cast<int>(a);
    } else if (Consume('M')) {
      if (!Number(&a, 2) || !Consume('.') || !Number(&b, 1) || !Consume('.') || !Number(&c, 1) ||
          a < 1 || a > 12 || b < 1 || b > 5 || c > 6) {
        return false;
      }
      r->kind = TransitionRule::kMonthWeekDay;
      r->month = static_cast<int>(a);
      r->week = static_cast<int>(b);
      r->day = static_cast<int>(c);
    } else {
      if (!Number(&a, 3) || a > 365) {
        return false;
      }
      r->kind = TransitionRule::kZeroBasedDay;
      r->day = static_cast<int>(a);
    }
    r->time = 7200;
    if (Consume('/')) {
      return Offset(&r->time);
    }
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Days since the epoch of the day on which `r` fires in `year`.
int64_t RuleDay(const TransitionRule& r, int64_t year) {
  switch (r.kind) {
    case TransitionRule::kJulianNoLeap: {
      int64_t day_index = r.day - 1;  // Feb 29 is never counted
      if (IsLeapYear(year) && r.day >= 60) {
        ++day_index;
      }
      return DaysFromCivil(year, 1, 1) + day_index;
    }
    case TransitionRule::kZeroBasedDay:
      return DaysFromCivil(year, 1, 1) + r.day;
    case TransitionRule::kMonthWeekDay:
    default: {
      const int64_t first = DaysFromCivil(year, r.month, 1);
      const int64_t first_weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
      int64_t day = (r.day - first_weekday + 7) % 7 + 7 * (r.week - 1);
      while (day >= DaysInMonth(year, r.month)) {
        day -= 7;
      }
      return first + day;
    }
  }
}

// UTC offset in seconds at instant `t` under rule `tz`.
int64_t PosixOffsetAt(const PosixTz& tz, int64_t t) {
  if (!tz.has_dst) {
    return tz.std_east;
  }
  const int64_t year = CivilFromDays(FloorDiv(t + tz.std_east, kSecondsPerDay)).year;
  // The start time is given in standard local time, the end time in daylight local time.
  const int64_t start = RuleDay(tz.start, year) * kSecondsPerDay + tz.start.time - tz.std_east;
  const int64_t end = RuleDay(tz.end, year) * kSecondsPerDay + tz.end.time - tz.dst_east;
  bool dst;
  if (start < end) {
    dst = t >= start && t < end;  // northern hemisphere shape
  } else {
    dst = !(t >= end && t < start);  // southern: DST spans the new year
  }
  return dst ? tz.dst_east : tz.std_east;
}

// The POSIX TZ string at the end of a TZif v2+ file, or nullopt.
std::optional<PosixTz> ReadFooter(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 6 || data.compare(0, 4, "TZif") != 0 || data[4] < '2' || data.back() != '\n') {
    return std::nullopt;
  }
  const size_t prev = data.rfind('\n', data.size() - 2);
  if (prev == std::string::npos) {
    return std::nullopt;
  }
  const std::string_view footer(data.data() + prev + 1, data.size() - prev - 2);
  if (footer.empty()) {
    return std::nullopt;
  }
  return PosixTzParser(footer).Parse();
}

// --- Zone cache ------------------------------------------------------------------------------

struct Zone {
  const date::time_zone* tz = nullptr;  // owned by date's database, lives for the process
  std::optional<PosixTz> footer;        // governs instants after the last stored transition
};

// Hash that lets the cache be probed with a string_view (no allocation per lookup).
struct NameHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

class ZoneCache {
 public:
  // Returns the zone or nullptr with *error set. Only successful lookups are cached, so the
  // cache is bounded by the number of zones in the database. Entries are never removed, so the
  // returned pointer stays valid for the life of the process.
  const Zone* Find(std::string_view name, std::string* error) {
    {
      std::shared_lock lock(mu_);
      auto it = zones_.find(name);
      if (it != zones_.end()) {
        return it->second.get();
      }
    }
    auto zone = std::make_unique<Zone>();
    std::string file_name;
    try {
      if (name == "Local") {
        zone->tz = date::current_zone();
      } else {
        zone->tz = date::locate_zone(name);
      }
      file_name = std::string(zone->tz->name());
    } catch (const std::exception&) {
      if (name == "Local") {
        return nullptr;  // caller falls back to UTC, as Go does without /etc/localtime
      }
      SetError(error, "unknown time zone " + std::string(name));
      return nullptr;
    }
    zone->footer =
        ReadFooter("/usr/share/zoneinfo/" + std::string(name == "Local" ? file_name : name));
    std::unique_lock lock(mu_);
    auto it = zones_.emplace(std::string(name), std::move(zone)).first;  // first one wins
    return it->second.get();
  }

 private:
  std::shared_mutex mu_;
  // Guarded by mu_.
  std::unordered_map<std::string, std::unique_ptr<const Zone>, NameHash, std::equal_to<>> zones_;
};

ZoneCache& Cache() {
  static ZoneCache* cache = new ZoneCache();  // never destroyed: safe during static teardown
  return *cache;
}

// Seconds east of UTC of `tz` at instant `t`, or false with *error.
bool OffsetAt(std::string_view tz, int64_t t, int64_t* offset, std::string* error) {
  if (tz.find(':') != std::string_view::npos) {
    const size_t colon = tz.find(':');
    int64_t hours = 0, minutes = 0;
    const std::string_view h = tz.substr(0, colon), m = tz.substr(colon + 1);
    if (!ParseInt64(h, &hours)) {
      SetError(error, "strconv.Atoi: parsing " + GoQuote(h) + ": invalid syntax");
      return false;
    }
    if (!ParseInt64(m, &minutes)) {
      SetError(error, "strconv.Atoi: parsing " + GoQuote(m) + ": invalid syntax");
      return false;
    }
    if (minutes < 0 || minutes > 59) {
      SetError(error, "timezone offset minutes out of range [0, 59]: " + std::string(tz));
      return false;
    }
    // Go would accept any hour count (and wrap on overflow); we stop at a million hours.
    if (hours > 1'000'000 || hours < -1'000'000) {
      SetError(error, "timezone offset out of range: " + std::string(tz));
      return false;
    }
    const int64_t total_minutes = tz[0] == '-' ? hours * 60 - minutes : hours * 60 + minutes;
    *offset = total_minutes * 60;
    return true;
  }
  if (tz.empty() || tz == "UTC") {
    *offset = 0;
    return true;
  }
  if (tz.find("..") != std::string_view::npos || tz[0] == '/' || tz[0] == '\\') {
    SetError(error, "time: invalid location name");
    return false;
  }
  const Zone* zone = Cache().Find(tz, error);
  if (zone == nullptr) {
    if (tz == "Local") {
      *offset = 0;
      return true;
    }
    return false;
  }
  try {
    const date::sys_info info = zone->tz->get_info(date::sys_seconds(std::chrono::seconds(t)));
    if (zone->footer.has_value() && info.end.time_since_epoch().count() > kMaxTimestampSeconds) {
      // Final period of the file: the footer rule describes it (including future DST).
      *offset = PosixOffsetAt(*zone->footer, t);
    } else {
      *offset = info.offset.count();
    }
  } catch (const std::exception& e) {
    SetError(error, std::string("time zone lookup failed: ") + e.what());
    return false;
  }
  return true;
}

// Reads exactly `width` digits at s[*pos].
bool FixedDigits(std::string_view s, size_t* pos, int width, int* out) {
  if (*pos + static_cast<size_t>(width) > s.size()) {
    return false;
  }
  int v = 0;
  for (int i = 0; i < width; ++i) {
    const char c = s[*pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(width);
  *out = v;
  return true;
}

bool InRangeTotalNanos(__int128 total) {
  const __int128 lo = static_cast<__int128>(kMinTimestampSeconds) * kNanosPerSecond;
  const __int128 hi =
      static_cast<__int128>(kMaxTimestampSeconds) * kNanosPerSecond + (kNanosPerSecond - 1);
  return total >= lo && total <= hi;
}

__int128 TotalNanos(Timestamp ts) {
  return static_cast<__int128>(ts.seconds) * kNanosPerSecond + ts.nanos;
}

Timestamp FromTotalNanos(__int128 total) {
  __int128 sec = total / kNanosPerSecond;
  __int128 rem = total % kNanosPerSecond;
  if (rem < 0) {
    rem += kNanosPerSecond;
    --sec;
  }
  return {static_cast<int64_t>(sec), static_cast<int32_t>(rem)};
}

}  // namespace

bool TimestampInRange(Timestamp ts) {
  return ts.nanos >= 0 && ts.nanos < kNanosPerSecond && ts.seconds >= kMinTimestampSeconds &&
         ts.seconds <= kMaxTimestampSeconds;
}

// --- Durations -------------------------------------------------------------------------------

bool ParseDuration(std::string_view text, int64_t* nanos, std::string* error) {
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  const std::string_view orig = text;
  auto invalid = [&]() {
    SetError(error, "time: invalid duration " + GoQuote(orig));
    return false;
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    *nanos = 0;
    return true;
  }
  if (s.empty()) {
    return invalid();
  }
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))) {
      return invalid();
    }
    // Integer part.
    uint64_t whole = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (whole > kLimit / 10) {
        return invalid();
      }
      whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      if (whole > kLimit) {
        return invalid();
      }
    }
    const bool had_integer = i > 0;
    s.remove_prefix(i);
    // Fraction: digits beyond what fits are ignored, as Go does.
    uint64_t frac = 0;
    double scale = 1;
    bool had_fraction = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      size_t j = 0;
      for (; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) {
        if (overflow) {
          continue;
        }
        if (frac > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        const uint64_t next = frac * 10 + static_cast<uint64_t>(s[j] - '0');
        if (next > kLimit) {
          overflow = true;
          continue;
        }
        frac = next;
        scale *= 10;
      }
      had_fraction = j > 0;
      s.remove_prefix(j);
    }
    if (!had_integer && !had_fraction) {
      return invalid();
    }
    // Unit: everything up to the next digit or '.'.
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !(s[u] >= '0' && s[u] <= '9')) {
      ++u;
    }
    if (u == 0) {
      SetError(error, "time: missing unit in duration " + GoQuote(orig));
      return false;
    }
    const std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t unit = 0;
    if (unit_name == "ns") {
      unit = 1;
    } else if (unit_name == "us" || unit_name == "\xC2\xB5s" || unit_name == "\xCE\xBCs") {
      unit = 1'000;
    } else if (unit_name == "ms") {
      unit = 1'000'000;
    } else if (unit_name == "s") {
      unit = 1'000'000'000;
    } else if (unit_name == "m") {
      unit = 60'000'000'000;
    } else if (unit_name == "h") {
      unit = 3'600'000'000'000;
    } else {
      SetError(error, "time: unknown unit " + GoQuote(unit_name) + " in duration " + GoQuote(orig));
      return false;
    }
    if (whole > kLimit / unit) {
      return invalid();
    }
    whole *= unit;
    if (frac > 0) {
      // Same float expression as Go so that fractional hours round identically.
      whole +=
          static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(unit) / scale));
      if (whole > kLimit) {
        return invalid();
      }
    }
    total += whole;
    if (total > kLimit) {
      return invalid();
    }
  }
  if (negative) {
    *nanos = static_cast<int64_t>(0 - total);  // total <= 2^63, so this is exact
    return true;
  }
  if (total > kLimit - 1) {
    return invalid();
  }
  *nanos = static_cast<int64_t>(total);
  return true;
}

std::string FormatDuration(int64_t nanos) {
  // Go's Duration.Seconds(): whole seconds and the remainder converted separately.
  const int64_t sec = nanos / kNanosPerSecond;
  const int64_t rem = nanos % kNanosPerSecond;
  const double seconds = static_cast<double>(sec) + static_cast<double>(rem) / 1e9;
  return FormatDoubleFixed(seconds) + "s";
}

bool AddDurations(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

bool SubtractDurations(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_sub_overflow(a, b, out);
}

bool NegateDuration(int64_t a, int64_t* out) { return !__builtin_sub_overflow(int64_t{0}, a, out); }

// --- Timestamps ------------------------------------------------------------------------------

bool ParseTimestamp(std::string_view text, Timestamp* out, std::string* error) {
  static constexpr std::string_view kLayout = "2006-01-02T15:04:05Z07:00";
  size_t pos = 0;
  // Go's "cannot parse" error names the rest of the input and the layout element expected.
  auto bad = [&](std::string_view element) {
    SetError(error, "parsing time " + GoQuote(text) + " as " + GoQuote(kLayout) +
                        ": cannot parse " + GoQuote(text.substr(std::min(pos, text.size()))) +
                        " as " + GoQuote(element));
    return false;
  };
  auto out_of_range = [&](std::string_view what) {
    SetError(error, "parsing time " + GoQuote(text) + ": " + std::string(what) + " out of range");
    return false;
  };
  auto literal = [&](char c) {
    return pos < text.size() && text[pos] == c ? (++pos, true) : false;
  };

  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!FixedDigits(text, &pos, 4, &year)) {
    return bad("2006");
  }
  if (!literal('-')) {
    return bad("-");
  }
  if (!FixedDigits(text, &pos, 2, &month)) {
    return bad("01");
  }
  if (month < 1 || month > 12) {
    return out_of_range("month");
  }
  if (!literal('-')) {
    return bad("-");
  }
  if (!FixedDigits(text, &pos, 2, &day)) {
    return bad("02");
  }
  if (!literal('T')) {
    return bad("T");
  }
  // Go's "15" element takes one or two digits.
  if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') {
    return bad("15");
  }
  hour = text[pos++] - '0';
  if (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    hour = hour * 10 + (text[pos++] - '0');
  }
  if (hour > 23) {
    return out_of_range("hour");
  }
  if (!literal(':')) {
    return bad(":");
  }
  if (!FixedDigits(text, &pos, 2, &minute)) {
    return bad("04");
  }
  if (minute > 59) {
    return out_of_range("minute");
  }
  if (!literal(':')) {
    return bad(":");
  }
  if (!FixedDigits(text, &pos, 2, &second)) {
    return bad("05");
  }
  if (second > 59) {
    return out_of_range("second");
  }
  int64_t nanos = 0;
  if (pos + 1 < text.size() && (text[pos] == '.' || text[pos] == ',') && text[pos + 1] >= '0' &&
      text[pos + 1] <= '9') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    for (; digits < 9; ++digits) {
      nanos *= 10;
    }
  }
  int64_t offset = 0;  // seconds east of UTC
  if (literal('Z')) {
    offset = 0;
  } else {
    if (text.size() - pos < 6 || text[pos + 3] != ':') {
      return bad("Z07:00");
    }
    const char sign = text[pos];
    size_t p = pos + 1;
    int oh = 0, om = 0;
    if (!FixedDigits(text, &p, 2, &oh)) {
      return bad("Z07:00");
    }
    ++p;  // ':'
    if (!FixedDigits(text, &p, 2, &om)) {
      return bad("Z07:00");
    }
    if (oh > 24) {
      return out_of_range("time zone offset hour");
    }
    if (om > 60) {
      return out_of_range("time zone offset minute");
    }
    if (sign != '+' && sign != '-') {
      return bad("Z07:00");
    }
    offset = (static_cast<int64_t>(oh) * 60 + om) * 60 * (sign == '-' ? -1 : 1);
    pos = p;
  }
  if (pos != text.size()) {
    SetError(error, "parsing time " + GoQuote(text) + ": extra text: " + GoQuote(text.substr(pos)));
    return false;
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    return out_of_range("day");
  }
  const int64_t seconds = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 +
                          minute * 60 + second - offset;
  const Timestamp ts{seconds, static_cast<int32_t>(nanos)};
  if (!TimestampInRange(ts)) {
    SetError(error, "timestamp out of range");
    return false;
  }
  *out = ts;
  return true;
}

std::string FormatTimestamp(Timestamp ts) {
  const int64_t days = FloorDiv(ts.seconds, kSecondsPerDay);
  const int64_t secs_of_day = ts.seconds - days * kSecondsPerDay;
  const CivilDate date = CivilFromDays(days);
  char buf[64];
  int n = std::snprintf(
      buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d", static_cast<long long>(date.year),
      date.month, date.day, static_cast<int>(secs_of_day / 3600),
      static_cast<int>(secs_of_day / 60 % 60), static_cast<int>(secs_of_day % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (ts.nanos != 0) {
    n = std::snprintf(buf, sizeof buf, ".%09d", static_cast<int>(ts.nanos));
    while (n > 1 && buf[n - 1] == '0') {
      --n;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  out.push_back('Z');
  return out;
}

bool AddDuration(Timestamp ts, int64_t nanos, Timestamp* out) {
  const __int128 total = TotalNanos(ts) + nanos;
  if (!InRangeTotalNanos(total)) {
    return false;
  }
  *out = FromTotalNanos(total);
  return true;
}

bool SubtractDuration(Timestamp ts, int64_t nanos, Timestamp* out) {
  const __int128 total = TotalNanos(ts) - static_cast<__int128>(nanos);
  if (!InRangeTotalNanos(total)) {
    return false;
  }
  *out = FromTotalNanos(total);
  return true;
}

bool SubtractTimestamps(Timestamp a, Timestamp b, int64_t* nanos) {
  const __int128 diff = TotalNanos(a) - TotalNanos(b);
  if (diff > INT64_MAX || diff < INT64_MIN) {
    return false;
  }
  *nanos = static_cast<int64_t>(diff);
  return true;
}

// --- Calendar fields -------------------------------------------------------------------------

bool CivilTimeIn(Timestamp ts, std::string_view tz, CivilTime* out, std::string* error) {
  int64_t offset = 0;
  if (!OffsetAt(tz, ts.seconds, &offset, error)) {
    return false;
  }
  const int64_t local = ts.seconds + offset;
  const int64_t days = FloorDiv(local, kSecondsPerDay);
  const int64_t secs_of_day = local - days * kSecondsPerDay;
  const CivilDate date = CivilFromDays(days);
  out->year = date.year;
  out->month0 = date.month - 1;
  out->day_of_month1 = date.day;
  out->day_of_week = ((days + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
  out->day_of_year0 = days - DaysFromCivil(date.year, 1, 1);
  out->hours = secs_of_day / 3600;
  out->minutes = secs_of_day / 60 % 60;
  out->seconds = secs_of_day % 60;
  out->milliseconds = ts.nanos / 1'000'000;
  return true;
}

}  // namespace celgate::cel

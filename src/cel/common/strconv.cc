// cel/common/strconv.cc: implementation of cel/common/strconv.h (include that header).
//
// Formatting takes the shortest round-trip digits from std::to_chars (scientific form, which
// yields exactly the digit string and decimal exponent) and lays them out the way Go's
// strconv does for 'g' and 'f' with precision -1. Parsing checks Go's grammar itself, then
// hands a cleaned-up string (no sign, no underscores, no 0x) to std::from_chars, which rounds
// correctly and ignores the locale.
#include "cel/common/strconv.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace celgate::cel {
namespace {

// Shortest decimal digits of a finite double: value = 0.d1d2d3... * 10^point, Go's
// (digs.d, digs.dp) convention. Zero has digits "0" and point 1.
struct Digits {
  bool negative = false;
  char digits[32];
  int count = 0;  // number of digits
  int point = 0;  // decimal point position relative to the first digit
};

Digits ShortestDigits(double d) {
  Digits out;
  char buf[64];
  // Scientific shortest: [-]d[.ddd]e[+-]xx
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  const char* p = buf;
  if (*p == '-') {
    out.negative = true;
    ++p;
  }
  while (p < res.ptr && *p != 'e') {
    if (*p != '.') {
      out.digits[out.count++] = *p;
    }
    ++p;
  }
  int exp10 = 0;
  std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), res.ptr, exp10);
  out.point = exp10 + 1;
  return out;
}

// Go's fmtF: digits laid out with `frac` fractional digits, zero padded both sides.
void AppendFixed(const Digits& dg, int frac, std::string* s) {
  if (dg.point > 0) {
    for (int i = 0; i < dg.point; ++i) {
      s->push_back(i < dg.count ? dg.digits[i] : '0');
    }
  } else {
    s->push_back('0');
  }
  if (frac > 0) {
    s->push_back('.');
    for (int i = 0; i < frac; ++i) {
      const int j = dg.point + i;
      s->push_back(j >= 0 && j < dg.count ? dg.digits[j] : '0');
    }
  }
}

bool SpecialValue(double d, std::string* s) {
  if (std::isnan(d)) {
    *s = "NaN";
    return true;
  }
  if (std::isinf(d)) {
    *s = d > 0 ? "+Inf" : "-Inf";
    return true;
  }
  return false;
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view lower_b) {
  if (a.size() != lower_b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != lower_b[i]) {
      return false;
    }
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexLetter(char c) { return Lower(c) >= 'a' && Lower(c) <= 'f'; }

// Go's rule for '_' in number literals: only between two digits, or between a base prefix and
// a digit. `s` may carry a sign.
bool UnderscoresAllowed(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    s.remove_prefix(1);
  }
  char last = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' anything else
  size_t i = 0;
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    last = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c) || (hex && IsHexLetter(c))) {
      last = '0';
      continue;
    }
    if (c == '_') {
      if (last != '0') {
        return false;
      }
      last = '_';
      continue;
    }
    if (last == '_') {
      return false;
    }
    last = '!';
  }
  return last != '_';
}

}  // namespace

std::string FormatDouble(double d) {
  std::string s;
  if (SpecialValue(d, &s)) {
    return s;
  }
  const Digits dg = ShortestDigits(d);
  if (dg.negative) {
    s.push_back('-');
  }
  const int exp10 = dg.point - 1;
  if (dg.digits[0] != '0' && (exp10 < -4 || exp10 >= 6)) {
    s.push_back(dg.digits[0]);
    if (dg.count > 1) {
      s.push_back('.');
      s.append(dg.digits + 1, static_cast<size_t>(dg.count - 1));
    }
    s.push_back('e');
    s.push_back(exp10 < 0 ? '-' : '+');
    const int mag = exp10 < 0 ? -exp10 : exp10;
    if (mag < 10) {
      s.push_back('0');
    }
    s.append(std::to_string(mag));
    return s;
  }
  AppendFixed(dg, dg.count > dg.point ? dg.count - dg.point : 0, &s);
  return s;
}

std::string FormatDoubleFixed(double d) {
  std::string s;
  if (SpecialValue(d, &s)) {
    return s;
  }
  const Digits dg = ShortestDigits(d);
  if (dg.negative) {
    s.push_back('-');
  }
  AppendFixed(dg, dg.count > dg.point ? dg.count - dg.point : 0, &s);
  return s;
}

bool ParseUint64(std::string_view s, uint64_t* out) {
  if (s.empty()) {
    return false;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) {
      return false;
    }
    if (__builtin_mul_overflow(v, uint64_t{10}, &v) ||
        __builtin_add_overflow(v, uint64_t(c - '0'), &v)) {
      return false;
    }
  }
  *out = v;
  return true;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  if (!ParseUint64(s, &magnitude)) {
    return false;
  }
  constexpr uint64_t kLimit = uint64_t{1} << 63;  // |INT64_MIN|
  if (negative) {
    if (magnitude > kLimit) {
      return false;
    }
    *out = static_cast<int64_t>(0 - magnitude);  // two's complement wrap is exact here
    return true;
  }
  if (magnitude >= kLimit) {
    return false;
  }
  *out = static_cast<int64_t>(magnitude);
  return true;
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) {
    return false;
  }
  size_t i = 0;
  bool negative = false;
  bool has_sign = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    has_sign = true;
    i = 1;
  }
  const std::string_view body = s.substr(i);
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return true;
  }
  if (!has_sign && EqualsIgnoreCase(body, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }

  // Go's readFloat grammar over `body`.
  const size_t n = body.size();
  size_t j = 0;
  const bool hex = n > 2 && body[0] == '0' && Lower(body[1]) == 'x';
  if (hex) {
    j = 2;
  }
  bool underscores = false;
  bool saw_dot = false;
  bool saw_digits = false;
  // For telling overflow from underflow when from_chars reports out of range: the position of
  // the first significant digit relative to the point, in digits.
  long lead_exp = 0;
  bool saw_nonzero = false;
  long int_digits = 0;       // significant digits before the point
  long zeros_after_dot = 0;  // zeros after the point before the first significant digit
  std::string clean;
  clean.reserve(n);
  for (; j < n; ++j) {
    const char c = body[j];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (saw_dot) {
        break;
      }
      saw_dot = true;
      clean.push_back('.');
      continue;
    }
    if (IsDigit(c) || (hex && IsHexLetter(c))) {
      saw_digits = true;
      if (c != '0') {
        saw_nonzero = true;
      }
      if (saw_nonzero && !saw_dot) {
        ++int_digits;
      } else if (!saw_nonzero && saw_dot) {
        ++zeros_after_dot;
      }
      clean.push_back(c);
      continue;
    }
    break;
  }
  if (!saw_digits) {
    return false;
  }
  long exp_value = 0;
  if (j < n && Lower(body[j]) == (hex ? 'p' : 'e')) {
    clean.push_back(hex ? 'p' : 'e');
    ++j;
    if (j >= n) {
      return false;
    }
    if (body[j] == '+' || body[j] == '-') {
      if (body[j] == '-') {
        clean.push_back('-');
      }
      ++j;
    }
    const bool exp_negative = !clean.empty() && clean.back() == '-';
    if (j >= n || !IsDigit(body[j])) {
      return false;
    }
    for (; j < n && (IsDigit(body[j]) || body[j] == '_'); ++j) {
      if (body[j] == '_') {
        underscores = true;
        continue;
      }
      clean.push_back(body[j]);
      if (exp_value < 1000000) {
        exp_value = exp_value * 10 + (body[j] - '0');
      }
    }
    if (exp_negative) {
      exp_value = -exp_value;
    }
  } else if (hex) {
    return false;  // Go requires the binary exponent on hex floats
  }
  if (j != n) {
    return false;
  }
  if (underscores && !UnderscoresAllowed(s)) {
    return false;
  }

  double value = 0;
  const auto res = std::from_chars(clean.data(), clean.data() + clean.size(), value,
                                   hex ? std::chars_format::hex : std::chars_format::general);
  if (res.ptr != clean.data() + clean.size()) {
    return false;  // cannot happen for text that passed the grammar above
  }
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow or underflow. Estimate the exponent of the leading significant digit.
    lead_exp = (int_digits > 0 ? int_digits - 1 : -(zeros_after_dot + 1));
    if (hex) {
      lead_exp *= 4;
    }
    if (lead_exp + exp_value > 0) {
      return false;  // overflow: Go's ErrRange
    }
    value = 0;  // underflow: Go rounds to zero without error
  } else if (res.ec != std::errc()) {
    return false;
  }
  *out = negative ? -value : value;
  return true;
}

}  // namespace celgate::cel

// k8s/quantity.cc: parsing, exact arithmetic and canonical printing of Kubernetes quantities.
// Entry point for users: quantity.h. The arbitrary-precision part works on decimal digit
// strings with a separate base-10 exponent, so "1e2000000000" costs a few bytes.
#include "k8s/quantity.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "k8s/internal/go_text.h"

namespace celgate::k8s {
namespace {

constexpr char kFormatWrong[] =
    "quantities must match the regular expression "
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
constexpr char kNumericError[] = "unable to parse numeric part of quantity";
constexpr char kSuffixError[] = "unable to parse quantity's suffix";

constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

// Largest digit string an exact Add/Sub may build (see AddSigned).
constexpr int64_t kMaxAlignedDigits = int64_t{1} << 22;

// ---- Decimal magnitudes: digit strings without leading zeros. ----

void StripLeadingZeros(std::string* d) {
  size_t i = 0;
  while (i < d->size() && (*d)[i] == '0') {
    ++i;
  }
  d->erase(0, i);
}

// Removes leading zeros and moves trailing zeros into *exp.
void Normalize(std::string* d, int64_t* exp) {
  StripLeadingZeros(d);
  size_t n = d->size();
  while (n > 0 && (*d)[n - 1] == '0') {
    --n;
  }
  *exp += static_cast<int64_t>(d->size() - n);
  d->resize(n);
  if (d->empty()) {
    *exp = 0;
  }
}

// Compares normalized magnitudes a*10^ea and b*10^eb.
int CompareMag(const std::string& a, int64_t ea, const std::string& b, int64_t eb) {
  if (a.empty() || b.empty()) {
    return a.empty() ? (b.empty() ? 0 : -1) : 1;
  }
  int64_t ta = static_cast<int64_t>(a.size()) + ea;  // position just above the leading digit
  int64_t tb = static_cast<int64_t>(b.size()) + eb;
  if (ta != tb) {
    return ta < tb ? -1 : 1;
  }
  size_t n = std::min(a.size(), b.size());
  int c = a.compare(0, n, b, 0, n);
  if (c != 0) {
    return c < 0 ? -1 : 1;
  }
  if (a.size() == b.size()) {
    return 0;
  }
  return a.size() > b.size() ? 1 : -1;  // no trailing zeros: the longer one has more value
}

// Plain digit-string addition / subtraction (a >= b for Sub), same alignment (units digit last).
std::string AddDigits(const std::string& a, const std::string& b) {
  std::string out;
  out.resize(std::max(a.size(), b.size()) + 1);
  int carry = 0;
  size_t ia = a.size(), ib = b.size(), io = out.size();
  while (io > 0) {
    int s = carry;
    if (ia > 0) {
      s += a[--ia] - '0';
    }
    if (ib > 0) {
      s += b[--ib] - '0';
    }
    out[--io] = static_cast<char>('0' + s % 10);
    carry = s / 10;
  }
  StripLeadingZeros(&out);
  return out;
}

std::string SubDigits(const std::string& a, const std::string& b) {
  std::string out = a;
  int borrow = 0;
  size_t ib = b.size();
  for (size_t io = out.size(); io > 0;) {
    --io;
    int d = out[io] - '0' - borrow;
    if (ib > 0) {
      d -= b[--ib] - '0';
    }
    borrow = d < 0 ? 1 : 0;
    if (d < 0) {
      d += 10;
    }
    out[io] = static_cast<char>('0' + d);
    if (ib == 0 && borrow == 0) {
      break;
    }
  }
  StripLeadingZeros(&out);
  return out;
}

std::string MulSmall(const std::string& a, uint32_t m) {
  std::string out(a.size() + 10, '0');
  uint64_t carry = 0;
  size_t io = out.size();
  for (size_t ia = a.size(); ia > 0;) {
    uint64_t p = static_cast<uint64_t>(a[--ia] - '0') * m + carry;
    out[--io] = static_cast<char>('0' + p % 10);
    carry = p / 10;
  }
  while (carry > 0) {
    out[--io] = static_cast<char>('0' + carry % 10);
    carry /= 10;
  }
  StripLeadingZeros(&out);
  return out;
}

// Divides by m when exact; returns false (and leaves *a alone) otherwise.
bool DivExact(std::string* a, uint32_t m) {
  std::string q;
  q.reserve(a->size());
  uint64_t rem = 0;
  for (char c : *a) {
    rem = rem * 10 + static_cast<uint64_t>(c - '0');
    q.push_back(static_cast<char>('0' + rem / m));
    rem %= m;
  }
  if (rem != 0) {
    return false;
  }
  StripLeadingZeros(&q);
  *a = std::move(q);
  return true;
}

std::string Uint64Digits(uint64_t v) { return std::to_string(v); }

uint64_t AbsU(int64_t v) { return v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v); }

// Go's math.Pow10.
double GoPow10(int64_t n) {
  static const double kTab[32] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10,
                                  1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                  1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static const double kPos32[10] = {1e0,   1e32,  1e64,  1e96,  1e128,
                                    1e160, 1e192, 1e224, 1e256, 1e288};
  static const double kNeg32[11] = {1e-0,   1e-32,  1e-64,  1e-96,  1e-128, 1e-160,
                                    1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) {
    return kPos32[n / 32] * kTab[n % 32];
  }
  if (n >= -323 && n <= 0) {
    return kNeg32[(-n) / 32] / kTab[(-n) % 32];
  }
  return n > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

// value * 10^scale in int64 (upstream positiveScaleInt64); false on overflow.
bool ScaleUpInt64(int64_t value, int64_t scale, int64_t* out) {
  if (value == 0) {
    *out = 0;
    return true;
  }
  if (scale >= 19) {
    return false;
  }
  int64_t r = value;
  for (int64_t i = 0; i < scale; ++i) {
    if (__builtin_mul_overflow(r, int64_t{10}, &r)) {
      return false;
    }
  }
  *out = r;
  return true;
}

// Suffix table lookups. Returns false when the suffix is unknown.
bool InterpretSuffix(std::string_view s, int* base, int32_t* exponent, Quantity::Format* format) {
  struct Entry {
    std::string_view s;
    int base;
    int32_t exp;
  };
  static constexpr Entry kDec[] = {{"", 10, 0},   {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3},
                                   {"k", 10, 3},  {"M", 10, 6},  {"G", 10, 9},  {"T", 10, 12},
                                   {"P", 10, 15}, {"E", 10, 18}};
  static constexpr Entry kBin[] = {{"Ki", 2, 10}, {"Mi", 2, 20}, {"Gi", 2, 30},
                                   {"Ti", 2, 40}, {"Pi", 2, 50}, {"Ei", 2, 60}};
  for (const Entry& e : kDec) {
    if (e.s == s) {
      *base = e.base;
      *exponent = e.exp;
      *format = Quantity::Format::kDecimalSI;
      return true;
    }
  }
  for (const Entry& e : kBin) {
    if (e.s == s) {
      *base = e.base;
      *exponent = e.exp;
      *format = Quantity::Format::kBinarySI;
      return true;
    }
  }
  if (s.size() > 1 && (s[0] == 'e' || s[0] == 'E')) {
    std::optional<int64_t> v = internal::GoParseInt(s.substr(1));
    if (!v.has_value() || *v > std::numeric_limits<int32_t>::max() ||
        *v < -std::numeric_limits<int32_t>::max()) {
      return false;
    }
    *base = 10;
    *exponent = static_cast<int32_t>(*v);
    *format = Quantity::Format::kDecimalExponent;
    return true;
  }
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct Scanned {
  bool positive = true;
  std::string_view value, num, denom, suffix;
};

// Splits the text into sign, number and suffix like upstream parseQuantityString.
bool ScanQuantity(std::string_view str, Scanned* out) {
  size_t pos = 0;
  const size_t end = str.size();
  if (pos < end && (str[0] == '-' || str[0] == '+')) {
    out->positive = str[0] != '-';
    ++pos;
  }
  while (true) {  // leading zeros
    if (pos >= end) {
      out->num = "0";
      out->value = "0";
      return true;
    }
    if (str[pos] != '0') {
      break;
    }
    ++pos;
  }
  size_t i = pos;
  while (i < end && IsDigit(str[i])) {
    ++i;
  }
  if (i >= end) {
    out->num = str.substr(pos);
    out->value = str;
    return true;
  }
  out->num = str.substr(pos, i - pos);
  pos = i;
  if (out->num.empty()) {
    out->num = "0";
  }
  if (pos < end && str[pos] == '.') {
    ++pos;
    i = pos;
    while (i < end && IsDigit(str[i])) {
      ++i;
    }
    if (i >= end) {
      out->denom = str.substr(pos);
      out->value = str;
      return true;
    }
    out->denom = str.substr(pos, i - pos);
    pos = i;
  }
  out->value = str.substr(0, pos);
  const size_t suffix_start = pos;
  i = pos;
  while (i < end && std::string_view("eEinumkKMGTP").find(str[i]) != std::string_view::npos) {
    ++i;
  }
  if (i >= end) {
    out->suffix = str.substr(suffix_start);
    return true;
  }
  pos = i;
  if (str[pos] == '-' || str[pos] == '+') {
    ++pos;
  }
  while (pos < end && IsDigit(str[pos])) {
    ++pos;
  }
  if (pos >= end) {
    out->suffix = str.substr(suffix_start);
    return true;
  }
  return false;
}

}  // namespace

Quantity Quantity::FromInt64(int64_t value, Format format) {
  Quantity q;
  q.value_ = value;
  q.format_ = format;
  return q;
}

Quantity::Big Quantity::ToBig() const {
  if (big_) {
    return b_;
  }
  Big b;
  b.neg = value_ < 0;
  b.digits = value_ == 0 ? "" : Uint64Digits(AbsU(value_));
  b.exp = scale_;
  b.go_scale = -static_cast<int64_t>(scale_);
  Normalize(&b.digits, &b.exp);
  if (b.digits.empty()) {
    b.neg = false;
  }
  return b;
}

Quantity Quantity::FromBig(Big b, Format format) {
  Quantity q;
  q.big_ = true;
  if (b.digits.empty()) {
    b.neg = false;
    b.exp = 0;
  }
  q.b_ = std::move(b);
  q.format_ = format;
  return q;
}

StatusOr<Quantity> Quantity::Parse(std::string_view str) {
  if (str.empty()) {
    return InvalidArgumentError(kFormatWrong);
  }
  if (str == "0") {
    Quantity q;
    q.cached_ = "0";
    return q;
  }
  Scanned sc;
  if (!ScanQuantity(str, &sc)) {
    return InvalidArgumentError(kFormatWrong);
  }
  int base = 10;
  int32_t exponent = 0;
  Format format = Format::kDecimalSI;
  if (!InterpretSuffix(sc.suffix, &base, &exponent, &format)) {
    return InvalidArgumentError(kSuffixError);
  }

  // Fast path: an int64 mantissa with a base-10 scale.
  int64_t precision = 0;
  int64_t scale = 0;
  int64_t mantissa = 1;
  if (format == Format::kBinarySI) {
    if (exponent >= 0 && sc.denom.empty()) {
      mantissa = int64_t{1} << exponent;
      precision = 15 - static_cast<int64_t>(sc.num.size()) - exponent * 3 / 10 - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = 19 - static_cast<int64_t>(sc.num.size() + sc.denom.size());
  }
  if (precision >= 0) {
    scale -= static_cast<int64_t>(sc.denom.size());
    if (scale >= -9) {
      std::string shifted(sc.num);
      shifted.append(sc.denom);
      std::optional<int64_t> value = internal::GoParseInt(shifted);
      if (!value.has_value()) {
        return InvalidArgumentError(kNumericError);
      }
      int64_t result = 0;
      if (!__builtin_mul_overflow(*value, mantissa, &result)) {
        Quantity q;
        q.value_ = sc.positive ? result : -result;
        q.scale_ = static_cast<int32_t>(scale);
        q.format_ = format;
        bool canonical = false;
        if (format == Format::kBinarySI) {
          canonical = exponent % 10 == 0 && (*value & 0x07) != 0;
        } else {
          canonical =
              scale % 3 == 0 &&
              !(shifted.size() >= 3 && shifted.compare(shifted.size() - 3, 3, "000") == 0) &&
              shifted[0] != '0';
        }
        if (canonical) {
          q.cached_ = std::string(str);
        }
        return q;
      }
    }
  }

  // Arbitrary precision path (upstream inf.Dec).
  Big b;
  int64_t inf_scale = 0;
  bool any_digit = false;
  {
    std::string_view v = sc.value;
    if (!v.empty() && (v[0] == '+' || v[0] == '-')) {
      v.remove_prefix(1);
    }
    bool after_dot = false;
    for (char c : v) {
      if (c == '.') {
        after_dot = true;
        continue;
      }
      any_digit = true;
      b.digits.push_back(c);
      if (after_dot) {
        ++inf_scale;
      }
    }
  }
  if (!any_digit) {
    return InvalidArgumentError(kNumericError);
  }
  b.exp = -inf_scale;
  if (base == 10) {
    b.exp += exponent;
  } else {
    for (int32_t left = exponent; left > 0; left -= std::min<int32_t>(left, 30)) {
      b.digits = MulSmall(b.digits, uint32_t{1} << std::min<int32_t>(left, 30));
    }
  }
  Normalize(&b.digits, &b.exp);
  if (!b.digits.empty()) {
    // Round away from zero to a multiple of 1e-9; upstream then holds scale 9.
    if (b.exp < -9) {
      int64_t keep = static_cast<int64_t>(b.digits.size()) + b.exp + 9;
      if (keep <= 0) {
        b.digits = "1";
      } else {
        b.digits = AddDigits(b.digits.substr(0, static_cast<size_t>(keep)), "1");
      }
      b.exp = -9;
      Normalize(&b.digits, &b.exp);
    }
    b.go_scale = 9;
  } else {
    b.go_scale = inf_scale - (base == 10 ? exponent : 0);
  }
  if (format == Format::kBinarySI && CompareMag(b.digits, b.exp, "9223372036854775807", 0) > 0) {
    b.digits = "9223372036854775807";
    b.exp = 0;
    b.go_scale = 0;
  }
  if (format == Format::kBinarySI && !b.digits.empty() &&
      static_cast<int64_t>(b.digits.size()) + b.exp <= 0) {
    format = Format::kDecimalSI;
  }
  b.neg = !sc.positive && !b.digits.empty();
  return FromBig(std::move(b), format);
}

int Quantity::Sign() const {
  if (!big_) {
    return value_ == 0 ? 0 : (value_ > 0 ? 1 : -1);
  }
  return b_.digits.empty() ? 0 : (b_.neg ? -1 : 1);
}

int Quantity::Compare(const Quantity& other) const {
  Big a = ToBig();
  Big b = other.ToBig();
  int sa = a.digits.empty() ? 0 : (a.neg ? -1 : 1);
  int sb = b.digits.empty() ? 0 : (b.neg ? -1 : 1);
  if (sa != sb) {
    return sa < sb ? -1 : 1;
  }
  int m = CompareMag(a.digits, a.exp, b.digits, b.exp);
  return sa < 0 ? -m : m;
}

namespace {

// Exact signed sum of two normalized decimals.
void AddSigned(bool an, const std::string& ad, int64_t ae, bool bn, const std::string& bd,
               int64_t be, bool* rn, std::string* rd, int64_t* re) {
  if (ad.empty()) {
    *rn = bn;
    *rd = bd;
    *re = be;
    return;
  }
  if (bd.empty()) {
    *rn = an;
    *rd = ad;
    *re = ae;
    return;
  }
  int64_t e = std::min(ae, be);
  int64_t top =
      std::max(static_cast<int64_t>(ad.size()) + ae, static_cast<int64_t>(bd.size()) + be);
  if (top - e > kMaxAlignedDigits) {
    // Memory guard (upstream would try to allocate the aligned big integer): the operand of
    // smaller magnitude is dropped. Only reachable with exponents millions of digits apart.
    bool a_bigger = CompareMag(ad, ae, bd, be) >= 0;
    *rn = a_bigger ? an : bn;
    *rd = a_bigger ? ad : bd;
    *re = a_bigger ? ae : be;
    return;
  }
  std::string a = ad + std::string(static_cast<size_t>(ae - e), '0');
  std::string b = bd + std::string(static_cast<size_t>(be - e), '0');
  if (an == bn) {
    *rd = AddDigits(a, b);
    *rn = an;
  } else {
    int c = CompareMag(ad, ae, bd, be);
    if (c == 0) {
      rd->clear();
      *rn = false;
    } else if (c > 0) {
      *rd = SubDigits(a, b);
      *rn = an;
    } else {
      *rd = SubDigits(b, a);
      *rn = bn;
    }
  }
  *re = e;
  Normalize(rd, re);
  if (rd->empty()) {
    *rn = false;
  }
}

}  // namespace

Quantity Quantity::Add(const Quantity& y) const {
  Format format = format_;
  if (!big_ && !y.big_) {
    if (value_ == 0) {
      format = y.format_;
    }
    // Upstream int64Amount.Add.
    if (y.value_ == 0) {
      Quantity q = *this;
      q.format_ = format;
      q.cached_.clear();
      return q;
    }
    if (value_ == 0) {
      Quantity q = FromInt64(y.value_, format);
      q.scale_ = y.scale_;
      return q;
    }
    int64_t a = value_, b = y.value_, sum = 0;
    int32_t scale = scale_;
    bool ok = true;
    if (scale_ > y.scale_) {
      ok = ScaleUpInt64(a, int64_t{scale_} - y.scale_, &a);
      scale = y.scale_;
    } else if (scale_ < y.scale_) {
      ok = ScaleUpInt64(b, int64_t{y.scale_} - scale_, &b);
    }
    if (ok && !__builtin_add_overflow(a, b, &sum)) {
      Quantity q = FromInt64(sum, format);
      q.scale_ = scale;
      return q;
    }
  } else if (Sign() == 0) {
    format = y.format_;
  }
  Big a = ToBig();
  Big b = y.ToBig();
  Big r;
  AddSigned(a.neg, a.digits, a.exp, b.neg, b.digits, b.exp, &r.neg, &r.digits, &r.exp);
  r.go_scale = std::max(a.go_scale, b.go_scale);
  return FromBig(std::move(r), format);
}

Quantity Quantity::Sub(const Quantity& y) const {
  Format format = Sign() == 0 ? y.format_ : format_;
  if (!big_ && !y.big_ && y.value_ != kInt64Min) {
    Quantity neg = y;
    neg.value_ = -y.value_;
    Quantity q = *this;
    q.format_ = format;
    Quantity r = q.Add(neg);
    r.format_ = format;
    return r;
  }
  Big a = ToBig();
  Big b = y.ToBig();
  Big r;
  AddSigned(a.neg, a.digits, a.exp, !b.neg && !b.digits.empty(), b.digits, b.exp, &r.neg, &r.digits,
            &r.exp);
  r.go_scale = std::max(a.go_scale, b.go_scale);
  return FromBig(std::move(r), format);
}

Quantity Quantity::Add(int64_t value) const { return Add(FromInt64(value)); }
Quantity Quantity::Sub(int64_t value) const { return Sub(FromInt64(value)); }

std::optional<int64_t> Quantity::AsInt64() const {
  if (big_) {
    return std::nullopt;
  }
  if (scale_ == 0) {
    return value_;
  }
  if (scale_ < 0) {
    return std::nullopt;
  }
  int64_t out = 0;
  if (!ScaleUpInt64(value_, scale_, &out)) {
    return std::nullopt;
  }
  return out;
}

double Quantity::AsApproximateFloat64() const {
  double base = 0;
  int64_t exponent = 0;
  if (big_) {
    if (!b_.digits.empty()) {
      // The unscaled integer upstream holds is digits * 10^(exp + go_scale).
      std::string text = b_.digits + "e" + std::to_string(b_.exp + b_.go_scale);
      base = std::strtod(text.c_str(), nullptr);
      if (b_.neg) {
        base = -base;
      }
    }
    exponent = -b_.go_scale;
  } else {
    base = static_cast<double>(value_);
    exponent = scale_;
  }
  if (exponent == 0) {
    return base;
  }
  return base * GoPow10(exponent);
}

std::string Quantity::ToString() const {
  if (!cached_.empty()) {
    return cached_;
  }
  Big b = ToBig();
  if (b.digits.empty()) {
    return "0";
  }
  std::string sign = b.neg ? "-" : "";
  Format format = format_;
  if (format == Format::kBinarySI) {
    bool small = CompareMag(b.digits, b.exp, "1024", 0) < 0;
    if (small || b.exp < 0) {
      format = Format::kDecimalSI;
    } else if (b.exp >= 70) {
      format = Format::kDecimalSI;  // at least 7 factors of 1024: no binary suffix
    } else {
      std::string n = b.digits + std::string(static_cast<size_t>(b.exp), '0');
      int count = 0;
      while (count <= 6 && DivExact(&n, 1024)) {
        ++count;
      }
      if (count <= 6) {
        static constexpr const char* kBin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
        return sign + n + kBin[count];
      }
      format = Format::kDecimalSI;
    }
  }
  std::string digits = b.digits;
  int64_t e = b.exp;
  int64_t r = ((e % 3) + 3) % 3;
  digits.append(static_cast<size_t>(r), '0');
  e -= r;
  if (format == Format::kDecimalSI) {
    switch (e) {
      case -9:
        return sign + digits + "n";
      case -6:
        return sign + digits + "u";
      case -3:
        return sign + digits + "m";
      case 0:
        return sign + digits;
      case 3:
        return sign + digits + "k";
      case 6:
        return sign + digits + "M";
      case 9:
        return sign + digits + "G";
      case 12:
        return sign + digits + "T";
      case 15:
        return sign + digits + "P";
      case 18:
        return sign + digits + "E";
      default:
        break;  // beyond the table: exponent notation
    }
  }
  if (e == 0) {
    return sign + digits;
  }
  return sign + digits + "e" + std::to_string(e);
}

}  // namespace celgate::k8s

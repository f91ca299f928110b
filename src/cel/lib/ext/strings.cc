// cel/lib/ext/strings.cc: the strings extension. Entry point: StringsLibrary() in ext.h.
//
// cel-go ext/strings.go semantics: indexes count code points, searches and splits follow Go's
// strings package (Index, Replace, SplitN, TrimSpace), and error texts are cel-go's. Results
// that are pieces of the receiver (charAt, substring, split, trim) are views into it, not
// copies; new strings are built once and copied into the evaluation arena.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "base/utf8.h"
#include "cel/common/strconv.h"
#include "cel/common/time.h"
#include "cel/lib/ext/ext.h"

namespace celgate::cel {
namespace {

using T = Type;

// Upper bound for strings this library builds (see ext.h).
constexpr size_t kMaxResultBytes = size_t{32} << 20;

std::string OutOfRange(int64_t i) { return "index out of range: " + std::to_string(i); }

Value TooLarge(CallContext& c) {
  return c.Error("string result exceeds " + std::to_string(kMaxResultBytes) + " bytes");
}

size_t CodePoints(std::string_view s) { return utf8::CountCodePoints(s); }

// Byte length of the (valid) UTF-8 sequence starting at s[pos].
size_t SeqLen(std::string_view s, size_t pos) {
  size_t p = pos;
  char32_t cp;
  utf8::DecodeAt(s, &p, &cp);
  return p - pos;
}

// Byte offset of the code point before byte offset `end` (> 0).
size_t PrevStart(std::string_view s, size_t end) {
  size_t p = end - 1;
  while (p > 0 && (static_cast<unsigned char>(s[p]) & 0xC0) == 0x80) --p;
  return p;
}

// ---- Indexing ------------------------------------------------------------------------------

Value CharAt(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  int64_t i = a[1].int_value();
  if (i < 0) return c.Error(OutOfRange(i));
  size_t off = utf8::ByteOffsetOfCodePoint(s, static_cast<size_t>(i));
  if (off == utf8::kNpos) return c.Error(OutOfRange(i));
  if (off == s.size()) return Value::String("");
  return Value::String(s.substr(off, SeqLen(s, off)));
}

// First occurrence of `sub` starting at code point `off`; -1 when absent.
// REQUIRES: sub non-empty, 0 <= off < CodePoints(s).
int64_t IndexFrom(std::string_view s, std::string_view sub, int64_t off) {
  size_t start = utf8::ByteOffsetOfCodePoint(s, static_cast<size_t>(off));
  size_t pos = s.find(sub, start);
  if (pos == std::string_view::npos) return -1;
  // UTF-8 is self-synchronising: a match of valid UTF-8 starts on a code point boundary.
  return off + static_cast<int64_t>(CodePoints(s.substr(start, pos - start)));
}

// Last occurrence of `sub` starting at or before code point `off`; -1 when absent.
// REQUIRES: sub non-empty, 0 <= off < CodePoints(s).
int64_t LastIndexFrom(std::string_view s, std::string_view sub, int64_t off) {
  size_t start = utf8::ByteOffsetOfCodePoint(s, static_cast<size_t>(off));
  size_t pos = s.rfind(sub, start);
  if (pos == std::string_view::npos) return -1;
  return static_cast<int64_t>(CodePoints(s.substr(0, pos)));
}

Value IndexOf(CallContext&, const Value* a) {
  std::string_view s = a[0].string_value(), sub = a[1].string_value();
  if (sub.empty()) return Value::Int(0);
  // Conformance (cel-spec 0.25): a receiver shorter than the search string gives -1, also
  // for the empty receiver (older cel-go releases reported "index out of range: 0").
  if (CodePoints(s) < CodePoints(sub)) return Value::Int(-1);
  return Value::Int(IndexFrom(s, sub, 0));
}

Value IndexOfOffset(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value(), sub = a[1].string_value();
  int64_t off = a[2].int_value();
  if (sub.empty()) return Value::Int(off);  // no range check, as cel-go
  if (off < 0 || static_cast<uint64_t>(off) >= CodePoints(s)) return c.Error(OutOfRange(off));
  return Value::Int(IndexFrom(s, sub, off));
}

Value LastIndexOf(CallContext&, const Value* a) {
  std::string_view s = a[0].string_value(), sub = a[1].string_value();
  int64_t n = static_cast<int64_t>(CodePoints(s));
  if (sub.empty()) return Value::Int(n);
  if (static_cast<size_t>(n) < CodePoints(sub)) return Value::Int(-1);
  return Value::Int(LastIndexFrom(s, sub, n - 1));
}

Value LastIndexOfOffset(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value(), sub = a[1].string_value();
  int64_t off = a[2].int_value();
  if (sub.empty()) return Value::Int(off);
  if (off < 0 || static_cast<uint64_t>(off) >= CodePoints(s)) return c.Error(OutOfRange(off));
  return Value::Int(LastIndexFrom(s, sub, off));
}

Value Substring(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  int64_t start = a[1].int_value();
  if (start < 0) return c.Error(OutOfRange(start));
  size_t off = utf8::ByteOffsetOfCodePoint(s, static_cast<size_t>(start));
  if (off == utf8::kNpos) return c.Error(OutOfRange(start));
  return Value::String(s.substr(off));
}

Value SubstringRange(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  int64_t start = a[1].int_value(), end = a[2].int_value();
  if (start > end) {
    return c.Error("invalid substring range. start: " + std::to_string(start) +
                   ", end: " + std::to_string(end));
  }
  if (start < 0) return c.Error(OutOfRange(start));
  size_t b = utf8::ByteOffsetOfCodePoint(s, static_cast<size_t>(start));
  if (b == utf8::kNpos) return c.Error(OutOfRange(start));
  if (end < 0) return c.Error(OutOfRange(end));
  size_t e = utf8::ByteOffsetOfCodePoint(s, static_cast<size_t>(end));
  if (e == utf8::kNpos) return c.Error(OutOfRange(end));
  return Value::String(s.substr(b, e - b));
}

// ---- Case, trim, reverse -------------------------------------------------------------------

Value LowerAscii(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  if (std::none_of(s.begin(), s.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    return a[0];
  }
  return MakeString(*c.arena, utf8::AsciiToLower(s));
}

Value UpperAscii(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  if (std::none_of(s.begin(), s.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; })) {
    return a[0];
  }
  return MakeString(*c.arena, utf8::AsciiToUpper(s));
}

// Go's unicode.IsSpace: Latin-1 spaces plus the Unicode White_Space property.
bool IsSpace(char32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

Value Trim(CallContext&, const Value* a) {
  std::string_view s = a[0].string_value();
  size_t b = 0;
  while (b < s.size()) {
    size_t p = b;
    char32_t r;
    utf8::DecodeAt(s, &p, &r);
    if (!IsSpace(r)) break;
    b = p;
  }
  size_t e = s.size();
  while (e > b) {
    size_t p = PrevStart(s, e);
    size_t q = p;
    char32_t r;
    utf8::DecodeAt(s, &q, &r);
    if (!IsSpace(r)) break;
    e = p;
  }
  return Value::String(s.substr(b, e - b));
}

Value Reverse(CallContext& c, const Value* a) {
  std::string_view s = a[0].string_value();
  if (s.size() < 2) return a[0];
  char* out = static_cast<char*>(c.arena->Allocate(s.size(), 1));
  size_t w = s.size();
  for (size_t p = 0; p < s.size();) {
    size_t n = SeqLen(s, p);
    w -= n;
    std::copy(s.data() + p, s.data() + p + n, out + w);
    p += n;
  }
  return Value::String(std::string_view(out, s.size()));
}

// ---- Replace, split, join ------------------------------------------------------------------

// Go's strings.Replace(s, old, repl, n).
Value ReplaceImpl(CallContext& c, const Value& recv, std::string_view old, std::string_view repl,
                  int64_t n) {
  std::string_view s = recv.string_value();
  if (old == repl || n == 0) return recv;
  // Number of matches (an empty `old` matches before every code point and at the end).
  uint64_t m = 0;
  if (old.empty()) {
    m = CodePoints(s) + 1;
  } else {
    for (size_t p = s.find(old); p != std::string_view::npos; p = s.find(old, p + old.size())) {
      ++m;
    }
  }
  if (m == 0) return recv;
  if (n < 0 || m < static_cast<uint64_t>(n)) n = static_cast<int64_t>(m);
  uint64_t size = s.size() + static_cast<uint64_t>(n) * repl.size();
  if (size > static_cast<uint64_t>(n) * old.size()) size -= static_cast<uint64_t>(n) * old.size();
  if (size > kMaxResultBytes) return TooLarge(c);
  std::string out;
  out.reserve(size);
  size_t start = 0;
  for (int64_t i = 0; i < n; ++i) {
    size_t j = start;
    if (old.empty()) {
      if (i > 0) j += SeqLen(s, start);
    } else {
      j = s.find(old, start);
    }
    out.append(s.substr(start, j - start));
    out.append(repl);
    start = j + old.size();
  }
  out.append(s.substr(std::min(start, s.size())));
  return MakeString(*c.arena, out);
}

Value Replace(CallContext& c, const Value* a) {
  return ReplaceImpl(c, a[0], a[1].string_value(), a[2].string_value(), -1);
}
Value ReplaceN(CallContext& c, const Value* a) {
  return ReplaceImpl(c, a[0], a[1].string_value(), a[2].string_value(), a[3].int_value());
}

// Go's strings.SplitN(s, sep, n); the parts are views into s.
Value SplitImpl(CallContext& c, std::string_view s, std::string_view sep, int64_t n) {
  std::vector<Value> parts;
  if (n == 0) return MakeList(*c.arena, nullptr, 0);
  if (sep.empty()) {
    int64_t l = static_cast<int64_t>(CodePoints(s));
    if (n < 0 || n > l) n = l;
    size_t p = 0;
    for (int64_t i = 0; i + 1 < n; ++i) {
      size_t len = SeqLen(s, p);
      parts.push_back(Value::String(s.substr(p, len)));
      p += len;
    }
    if (n > 0) parts.push_back(Value::String(s.substr(p)));
    return MakeList(*c.arena, parts.data(), parts.size());
  }
  size_t p = 0;
  while (n < 0 || static_cast<int64_t>(parts.size()) + 1 < n) {
    size_t m = s.find(sep, p);
    if (m == std::string_view::npos) break;
    parts.push_back(Value::String(s.substr(p, m - p)));
    p = m + sep.size();
  }
  parts.push_back(Value::String(s.substr(p)));
  return MakeList(*c.arena, parts.data(), parts.size());
}

Value Split(CallContext& c, const Value* a) {
  return SplitImpl(c, a[0].string_value(), a[1].string_value(), -1);
}
Value SplitN(CallContext& c, const Value* a) {
  return SplitImpl(c, a[0].string_value(), a[1].string_value(), a[2].int_value());
}

Value JoinImpl(CallContext& c, const ListValue& l, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < l.size(); ++i) {
    Value e = l.Get(i, *c.arena);
    if (e.kind() != ValueKind::kString) {
      return c.Error("join: invalid input: " + DebugString(e, *c.arena));
    }
    if (i) out.append(sep);
    out.append(e.string_value());
    if (out.size() > kMaxResultBytes) return TooLarge(c);
  }
  // Kubernetes charges by the size of the result (spec 5.3); static twin: JoinEstimate.
  c.extra_cost = cost::OfSize(CodePoints(out), 0.2);
  return MakeString(*c.arena, out);
}
Value Join(CallContext& c, const Value* a) { return JoinImpl(c, a[0].list(), ""); }
Value JoinSep(CallContext& c, const Value* a) {
  return JoinImpl(c, a[0].list(), a[1].string_value());
}

// ---- Quote ---------------------------------------------------------------------------------

void AppendQuoteEscaped(std::string* out, std::string_view s) {
  for (size_t p = 0; p < s.size();) {
    char32_t r;
    utf8::DecodeAt(s, &p, &r);  // invalid bytes come back as U+FFFD
    switch (r) {
      case '\a': *out += "\\a"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\v': *out += "\\v"; break;
      case '\\': *out += "\\\\"; break;
      case '"': *out += "\\\""; break;
      default: utf8::Append(out, r);
    }
  }
}

Value Quote(CallContext& c, const Value* a) {
  std::string out = "\"";
  AppendQuoteEscaped(&out, a[0].string_value());
  out += '"';
  return MakeString(*c.arena, out);
}

// ---- format --------------------------------------------------------------------------------
//
// Two implementations, as in cel-go: version 1 (strings library versions 1 to 3, what
// Kubernetes runs) and version 2 (strings library version 4 and later, the conformance
// suite's behaviour). They share the clause parser.

std::string TypeNameOf(const Value& v) {
  if (v.kind() == ValueKind::kOpaque) return std::string(v.opaque().type().name);
  return std::string(KindName(v.kind()));
}

// printf into a std::string (C locale formatting of numbers, as Go's fmt).
template <typename... Args>
std::string Printf(const char* fmt, Args... args) {
  int n = std::snprintf(nullptr, 0, fmt, args...);
  if (n <= 0) return "";
  std::string s(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(s.data(), s.size(), fmt, args...);
  s.resize(static_cast<size_t>(n));
  return s;
}

// Go's fmt %x / %X / %o / %b of an integer: sign, then magnitude digits.
std::string IntInBase(bool negative, uint64_t mag, int base, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  do {
    out.push_back(digits[mag % static_cast<uint64_t>(base)]);
    mag /= static_cast<uint64_t>(base);
  } while (mag != 0);
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}
std::string SignedInBase(int64_t v, int base, bool upper) {
  uint64_t mag = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  return IntInBase(v < 0, mag, base, upper);
}

// Go's %q of a string: double-quoted with Go escapes; printable characters stay as they are.
bool GoIsPrint(char32_t r) {
  if (r < 0x20 || r == 0x7F) return false;
  if (r >= 0x80 && r <= 0xA0) return false;
  if (r == 0xAD) return false;
  if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
      (r >= 0x205F && r <= 0x206F) || r == 0x3000 || r == 0xFEFF ||
      (r >= 0xFFF9 && r <= 0xFFFB) || (r >= 0xD800 && r <= 0xDFFF) || r == 0x1680) {
    return false;
  }
  return true;
}
std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (size_t p = 0; p < s.size();) {
    size_t start = p;
    char32_t r;
    bool ok = utf8::DecodeAt(s, &p, &r);
    if (!ok) {
      out += Printf("\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(s[start])));
      continue;
    }
    switch (r) {
      case '\a': out += "\\a"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\v': out += "\\v"; continue;
      case '\\': out += "\\\\"; continue;
      case '"': out += "\\\""; continue;
      default: break;
    }
    if (GoIsPrint(r)) {
      utf8::Append(&out, r);
    } else if (r < 0x80) {
      out += Printf("\\x%02x", static_cast<unsigned>(r));
    } else if (r < 0x10000) {
      out += Printf("\\u%04x", static_cast<unsigned>(r));
    } else {
      out += Printf("\\U%08x", static_cast<unsigned>(r));
    }
  }
  out += '"';
  return out;
}

// en_US digit grouping of the integer part of a plain decimal number ("-1234.5" ->
// "-1,234.5"), what golang.org/x/text/message prints for %f.
std::string GroupThousands(const std::string& num) {
  size_t b = (num.empty() || num[0] != '-') ? 0 : 1;
  size_t e = num.find('.');
  if (e == std::string::npos) e = num.size();
  std::string out = num.substr(0, b);
  for (size_t i = b; i < e; ++i) {
    out.push_back(num[i]);
    size_t left = e - i - 1;
    if (left > 0 && left % 3 == 0) out.push_back(',');
  }
  out += num.substr(e);
  return out;
}

// x/text's scientific rendering for en_US: "2.718280 × 10⁰⁰" (narrow no-break spaces, U+00D7,
// superscript exponent of at least two digits). (verify against the bundled x/text release)
std::string LocaleScientific(double d, int precision) {
  std::string s = Printf("%.*e", precision, d);
  size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string out = s.substr(0, e);
  out += "\u202F\u00D7\u202F10";
  static const char* const kSup[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  size_t p = e + 1;
  if (p < s.size() && (s[p] == '-' || s[p] == '+')) {
    if (s[p] == '-') out += "⁻";
    ++p;
  }
  for (; p < s.size(); ++p) out += kSup[s[p] - '0'];
  return out;
}

// Strings that %f and %e accept in version 1 in place of non-finite doubles.
bool NonFiniteText(const Value& v, double* d) {
  if (v.kind() != ValueKind::kString) return false;
  std::string_view s = v.string_value();
  if (s == "NaN") {
    *d = std::nan("");
  } else if (s == "Infinity") {
    *d = HUGE_VAL;
  } else if (s == "-Infinity") {
    *d = -HUGE_VAL;
  } else {
    return false;
  }
  return true;
}

enum class Clause { kString, kDecimal, kFixed, kScientific, kBinary, kHex, kHexUpper, kOctal };

class Formatter {
 public:
  Formatter(Arena& arena, bool v2) : arena_(arena), v2_(v2) {}

  // Formats `v` for `clause` into *out; false with *err on a type mismatch.
  bool Format(Clause clause, int precision, const Value& v, std::string* out, std::string* err) {
    switch (clause) {
      case Clause::kString: return v2_ ? StringV2(v, out, err, 0) : StringV1(v, out, err, 0);
      case Clause::kDecimal: return Decimal(v, out, err);
      case Clause::kFixed: return Fixed(v, precision, out, err);
      case Clause::kScientific: return Scientific(v, precision, out, err);
      case Clause::kBinary: return Binary(v, out, err);
      case Clause::kHex: return Hex(v, false, out, err);
      case Clause::kHexUpper: return Hex(v, true, out, err);
      case Clause::kOctal: return Octal(v, out, err);
    }
    return false;
  }

 private:
  static constexpr int kMaxDepth = 100;

  bool Fail(std::string* err, const char* v1, const char* v2, const Value& v) {
    *err = std::string(v2_ ? v2 : v1) + ", was given " + TypeNameOf(v);
    return false;
  }
  bool StringFail(std::string* err, const Value& v) {
    return Fail(err,
                "string clause can only be used on strings, bools, bytes, ints, doubles, maps, "
                "lists, types, durations, and timestamps",
                "string clause can only be used on strings, bools, bytes, ints, doubles, maps, "
                "lists, types, durations, and timestamps",
                v);
  }
  static bool TooDeep(std::string* err) {
    *err = "value nested too deeply to format";
    return false;
  }

  // Version 1 `%s` of a top-level value: what string() gives, lists and maps as literals.
  bool StringV1(const Value& v, std::string* out, std::string* err, int depth) {
    switch (v.kind()) {
      case ValueKind::kList: return ListV1(v, out, err, depth);
      case ValueKind::kMap: return MapV1(v, out, err, depth);
      case ValueKind::kNull: *out += "null"; return true;
      default: return ScalarString(v, out, err);
    }
  }
  // string(v) for scalars, as cel-go's ConvertToType(StringType).
  bool ScalarString(const Value& v, std::string* out, std::string* err) {
    switch (v.kind()) {
      case ValueKind::kBool: *out += v.bool_value() ? "true" : "false"; return true;
      case ValueKind::kInt: *out += std::to_string(v.int_value()); return true;
      case ValueKind::kUint: *out += std::to_string(v.uint_value()); return true;
      case ValueKind::kDouble: *out += FormatDouble(v.double_value()); return true;
      case ValueKind::kString: *out += v.string_value(); return true;
      case ValueKind::kBytes:
        if (!utf8::IsValid(v.bytes_value())) {
          *err = "invalid UTF-8 in bytes, cannot convert to string";
          return false;
        }
        *out += v.bytes_value();
        return true;
      case ValueKind::kTimestamp: *out += FormatTimestamp(v.timestamp_value()); return true;
      case ValueKind::kDuration: *out += FormatDuration(v.duration_value()); return true;
      case ValueKind::kType: *out += v.type_value().name; return true;
      default: return StringFail(err, v);
    }
  }
  // Version 1: an element inside a list or map, as a CEL literal.
  bool ElementV1(const Value& v, std::string* out, std::string* err, int depth) {
    if (depth > kMaxDepth) return TooDeep(err);
    switch (v.kind()) {
      case ValueKind::kInt: *out += std::to_string(v.int_value()); return true;
      case ValueKind::kUint: *out += std::to_string(v.uint_value()); return true;
      case ValueKind::kString: *out += GoQuote(v.string_value()); return true;
      case ValueKind::kBytes: {
        std::string s;
        if (!ScalarString(v, &s, err)) return false;
        *out += "b" + GoQuote(s);
        return true;
      }
      case ValueKind::kBool:
      case ValueKind::kType: return ScalarString(v, out, err);
      case ValueKind::kNull: *out += "null"; return true;
      case ValueKind::kTimestamp:
        *out += "timestamp(" + GoQuote(FormatTimestamp(v.timestamp_value())) + ")";
        return true;
      case ValueKind::kDuration:
        *out += "duration(" + GoQuote(FormatDuration(v.duration_value())) + ")";
        return true;
      case ValueKind::kList: return ListV1(v, out, err, depth + 1);
      case ValueKind::kMap: return MapV1(v, out, err, depth + 1);
      case ValueKind::kDouble: {
        double d = v.double_value();
        std::string s = std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "+Inf" : "-Inf")
                                                              : Printf("%.6f", d);
        *out += std::isfinite(d) ? s : GoQuote(s);
        return true;
      }
      default:
        *err = "no formatting function for " + TypeNameOf(v);
        return false;
    }
  }
  bool ListV1(const Value& v, std::string* out, std::string* err, int depth) {
    if (depth > kMaxDepth) return TooDeep(err);
    const ListValue& l = v.list();
    *out += '[';
    for (size_t i = 0; i < l.size(); ++i) {
      if (i) *out += ", ";
      if (!ElementV1(l.Get(i, arena_), out, err, depth + 1)) return false;
    }
    *out += ']';
    return true;
  }
  bool MapV1(const Value& v, std::string* out, std::string* err, int depth) {
    if (depth > kMaxDepth) return TooDeep(err);
    const MapValue& m = v.map();
    std::vector<std::pair<std::string, std::string>> entries;
    for (size_t i = 0; i < m.size(); ++i) {
      Value k = m.KeyAt(i, arena_);
      std::string ks, vs;
      switch (k.kind()) {
        case ValueKind::kString: ks = GoQuote(k.string_value()); break;
        case ValueKind::kBool: ks = k.bool_value() ? "true" : "false"; break;
        case ValueKind::kInt: ks = std::to_string(k.int_value()); break;
        case ValueKind::kUint: ks = std::to_string(k.uint_value()); break;
        default:
          *err = "no formatting function for map key of type " + TypeNameOf(k);
          return false;
      }
      if (!ElementV1(m.ValueAt(i, arena_), &vs, err, depth + 1)) return false;
      entries.emplace_back(std::move(ks), std::move(vs));
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
    *out += '{';
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i) *out += ", ";
      *out += entries[i].first + ":" + entries[i].second;
    }
    *out += '}';
    return true;
  }

  // Version 2 `%s`: one rendering at every depth, no quoting.
  bool StringV2(const Value& v, std::string* out, std::string* err, int depth) {
    if (depth > kMaxDepth) return TooDeep(err);
    switch (v.kind()) {
      case ValueKind::kBool: *out += v.bool_value() ? "true" : "false"; return true;
      case ValueKind::kInt: *out += std::to_string(v.int_value()); return true;
      case ValueKind::kUint: *out += std::to_string(v.uint_value()); return true;
      case ValueKind::kDouble: *out += DoubleV2(v.double_value()); return true;
      case ValueKind::kString: *out += v.string_value(); return true;
      case ValueKind::kBytes: *out += v.bytes_value(); return true;
      case ValueKind::kDuration: *out += FormatDuration(v.duration_value()); return true;
      case ValueKind::kTimestamp: *out += FormatTimestamp(v.timestamp_value()); return true;
      case ValueKind::kNull: *out += "null"; return true;
      case ValueKind::kType: *out += v.type_value().name; return true;
      case ValueKind::kList: {
        const ListValue& l = v.list();
        *out += '[';
        for (size_t i = 0; i < l.size(); ++i) {
          if (i) *out += ", ";
          if (!StringV2(l.Get(i, arena_), out, err, depth + 1)) return false;
        }
        *out += ']';
        return true;
      }
      case ValueKind::kMap: {
        const MapValue& m = v.map();
        std::vector<std::pair<std::string, std::string>> entries;
        for (size_t i = 0; i < m.size(); ++i) {
          std::string ks, vs;
          if (!StringV2(m.KeyAt(i, arena_), &ks, err, depth + 1)) return false;
          if (!StringV2(m.ValueAt(i, arena_), &vs, err, depth + 1)) return false;
          entries.emplace_back(std::move(ks), std::move(vs));
        }
        std::stable_sort(entries.begin(), entries.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        *out += '{';
        for (size_t i = 0; i < entries.size(); ++i) {
          if (i) *out += ", ";
          *out += entries[i].first + ": " + entries[i].second;
        }
        *out += '}';
        return true;
      }
      default: return StringFail(err, v);
    }
  }
  static std::string DoubleV2(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return FormatDoubleFixed(d);
  }

  bool Decimal(const Value& v, std::string* out, std::string* err) {
    switch (v.kind()) {
      case ValueKind::kInt: *out += std::to_string(v.int_value()); return true;
      case ValueKind::kUint: *out += std::to_string(v.uint_value()); return true;
      case ValueKind::kDouble:
        if (v2_) {
          *out += DoubleV2(v.double_value());
          return true;
        }
        break;
      default: break;
    }
    return Fail(err, "decimal clause can only be used on integers",
                "decimal clause can only be used on ints, uints, and doubles", v);
  }

  // %f / %e operand as a double; false when the clause does not accept the value.
  bool NumericOperand(const Value& v, double* d) {
    if (v.kind() == ValueKind::kDouble) {
      *d = v.double_value();
      return true;
    }
    if (v2_) {
      // cel-go's version 2 hands ints to Go's %f, which prints "%!f(int64=...)"; we format
      // the number instead.
      if (v.kind() == ValueKind::kInt) {
        *d = static_cast<double>(v.int_value());
        return true;
      }
      if (v.kind() == ValueKind::kUint) {
        *d = static_cast<double>(v.uint_value());
        return true;
      }
      return false;
    }
    return NonFiniteText(v, d);
  }

  bool Fixed(const Value& v, int precision, std::string* out, std::string* err) {
    double d;
    if (!NumericOperand(v, &d)) {
      return Fail(err, "fixed-point clause can only be used on doubles",
                  "fixed-point clause can only be used on ints, uints, and doubles", v);
    }
    if (v2_) {
      if (!std::isfinite(d)) {
        *out += DoubleV2(d);
      } else {
        *out += Printf("%.*f", precision, d);
      }
      return true;
    }
    if (std::isnan(d)) {
      *out += "NaN";
    } else if (std::isinf(d)) {
      *out += d > 0 ? "∞" : "-∞";
    } else {
      *out += GroupThousands(Printf("%.*f", precision, d));
    }
    return true;
  }

  bool Scientific(const Value& v, int precision, std::string* out, std::string* err) {
    double d;
    if (!NumericOperand(v, &d)) {
      return Fail(err, "scientific clause can only be used on doubles",
                  "scientific clause can only be used on ints, uints, and doubles", v);
    }
    if (v2_) {
      if (!std::isfinite(d)) {
        *out += DoubleV2(d);
      } else {
        *out += Printf("%.*e", precision, d);
      }
      return true;
    }
    if (std::isnan(d)) {
      *out += "NaN";
    } else if (std::isinf(d)) {
      *out += d > 0 ? "∞" : "-∞";
    } else {
      *out += LocaleScientific(d, precision);
    }
    return true;
  }

  bool Binary(const Value& v, std::string* out, std::string* err) {
    switch (v.kind()) {
      case ValueKind::kInt: *out += SignedInBase(v.int_value(), 2, false); return true;
      case ValueKind::kUint: *out += IntInBase(false, v.uint_value(), 2, false); return true;
      case ValueKind::kBool: *out += v.bool_value() ? "1" : "0"; return true;
      default:
        return Fail(err, "only integers and bools can be formatted as binary",
                    "only ints, uints, and bools can be formatted as binary", v);
    }
  }

  bool Hex(const Value& v, bool upper, std::string* out, std::string* err) {
    switch (v.kind()) {
      case ValueKind::kInt: *out += SignedInBase(v.int_value(), 16, upper); return true;
      case ValueKind::kUint: *out += IntInBase(false, v.uint_value(), 16, upper); return true;
      case ValueKind::kString:
      case ValueKind::kBytes: {
        std::string_view s = v.kind() == ValueKind::kString ? v.string_value() : v.bytes_value();
        const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        for (unsigned char ch : s) {
          out->push_back(digits[ch >> 4]);
          out->push_back(digits[ch & 15]);
        }
        return true;
      }
      default:
        return Fail(err, "only integers, byte buffers, and strings can be formatted as hex",
                    "only ints, uints, bytes, and strings can be formatted as hex", v);
    }
  }

  bool Octal(const Value& v, std::string* out, std::string* err) {
    switch (v.kind()) {
      case ValueKind::kInt: *out += SignedInBase(v.int_value(), 8, false); return true;
      case ValueKind::kUint: *out += IntInBase(false, v.uint_value(), 8, false); return true;
      default:
        return Fail(err, "octal clause can only be used on integers",
                    "octal clause can only be used on ints and uints", v);
    }
  }

  Arena& arena_;
  bool v2_;
};

// Largest precision accepted by %.Nf / %.Ne (cel-go has none; see kMaxResultBytes).
constexpr int kMaxPrecision = 1000;

// cel-go's format-string interpreter: `%%`, then `%[.N]c` clauses consuming arguments in order.
Value FormatImpl(CallContext& c, const Value* a, bool v2) {
  std::string_view f = a[0].string_value();
  const ListValue& args = a[1].list();
  Formatter fmt(*c.arena, v2);
  std::string out;
  size_t arg_index = 0;
  for (size_t i = 0; i < f.size();) {
    if (f[i] != '%') {
      out.push_back(f[i++]);
      continue;
    }
    if (i + 1 < f.size() && f[i + 1] == '%') {
      out.push_back('%');
      i += 2;
      continue;
    }
    if (arg_index >= args.size()) {
      return c.Error("index " + std::to_string(arg_index) + " out of range");
    }
    if (i + 1 >= f.size()) return c.Error("unexpected end of string");
    size_t p = i + 1;
    int precision = 6;
    if (f[p] == '.') {
      ++p;
      size_t digits_start = p;
      while (p < f.size() && f[p] >= '0' && f[p] <= '9') ++p;
      if (p >= f.size()) {
        return c.Error(
            "could not parse formatting clause: error while parsing precision: could not find "
            "end of precision specifier");
      }
      std::string_view digits = f.substr(digits_start, p - digits_start);
      if (digits.empty()) {
        return c.Error(
            "could not parse formatting clause: error while parsing precision: error while "
            "converting precision to integer: strconv.Atoi: parsing \"\": invalid syntax");
      }
      int64_t value = 0;
      for (char d : digits) {
        value = value * 10 + (d - '0');
        if (value > kMaxPrecision) {
          return c.Error("could not parse formatting clause: precision exceeds " +
                         std::to_string(kMaxPrecision));
        }
      }
      precision = static_cast<int>(value);
    }
    size_t clause_start = p;
    char32_t r;
    utf8::DecodeAt(f, &p, &r);
    Clause clause;
    switch (r) {
      case 's': clause = Clause::kString; break;
      case 'd': clause = Clause::kDecimal; break;
      case 'f': clause = Clause::kFixed; break;
      case 'e': clause = Clause::kScientific; break;
      case 'b': clause = Clause::kBinary; break;
      case 'x': clause = Clause::kHex; break;
      case 'X': clause = Clause::kHexUpper; break;
      case 'o': clause = Clause::kOctal; break;
      default:
        return c.Error("could not parse formatting clause: unrecognized formatting clause \"" +
                       std::string(f.substr(clause_start, p - clause_start)) + "\"");
    }
    std::string err;
    if (!fmt.Format(clause, precision, args.Get(arg_index, *c.arena), &out, &err)) {
      return c.Error("error during formatting: " + err);
    }
    if (out.size() > kMaxResultBytes) return TooLarge(c);
    ++arg_index;
    i = p;
  }
  return MakeString(*c.arena, out);
}
Value FormatV1(CallContext& c, const Value* a) { return FormatImpl(c, a, false); }
Value FormatV2(CallContext& c, const Value* a) { return FormatImpl(c, a, true); }

// ---- Costs (Kubernetes strict cost, spec 5.3) ----------------------------------------------

// Each formula serves as the runtime cost and, over the argument size ranges, as the static
// estimate (cel/common/function.h CostSizes). Kubernetes counts code points for most of them.
uint64_t CodePointSize(const Value& v) {
  return v.kind() == ValueKind::kString ? CodePoints(v.string_value()) : CostSize(v);
}
// lowerAscii, upperAscii, substring, trim: ceil(size(receiver) * 0.1).
uint64_t TraverseCost(const CostSizes& size) { return cost::OfSize(size[0], 0.1); }
// replace, split: ceil(size(receiver) * 2 * 0.1).
uint64_t TraverseTwiceCost(const CostSizes& size) { return cost::OfSize(size[0], 0.2); }
// indexOf, lastIndexOf: floor(bytes(receiver) * 0.1).
uint64_t SearchCost(const CostSizes& size) { return cost::FloorOfSize(size[0], 0.1); }

// The result of lowerAscii / upperAscii is as long as the receiver (kKeepsMin); that of
// substring / trim at most as long.
template <SizeFormula F, bool kKeepsMin>
CallEstimate NoLongerEstimate(const EstimateInput& in) {
  CallEstimate out = SizeCost<F, &CodePointSize>::Estimate(in);
  out.result_size = SizeRange{kKeepsMin ? in.size(0).min : 0, in.size(0).max};
  return out;
}
// split: at most one part per code point plus one.
CallEstimate SplitEstimate(const EstimateInput& in) {
  CallEstimate out = SizeCost<&TraverseTwiceCost, &CodePointSize>::Estimate(in);
  out.result_size = SizeRange{0, cost::SatAdd(in.size(0).max, 1)};
  return out;
}

// join: ceil(size(result) * 2 * 0.1), charged in the call through extra_cost once the result
// is known. Statically the result is at most every element plus a separator after each.
uint64_t ResultSizedCost(const Value*) { return 0; }
CallEstimate JoinEstimate(const EstimateInput& in) {
  const SizeRange n = in.size(0);
  uint64_t elem_max = in.max_string_size;
  if (!in.args.empty() && in.args[0].type.kind() == TypeKind::kList) {
    elem_max = in.SizeOfType(in.args[0].type.param(0)).max;
  }
  const uint64_t sep_max = in.args.size() > 1 ? in.size(1).max : 0;
  const uint64_t result_max = cost::SatMul(n.max, cost::SatAdd(elem_max, sep_max));
  return {{0, cost::OfSize(result_max, 0.2)}, SizeRange{0, result_max}};
}

}  // namespace

Library StringsLibrary(int version) {
  Library lib("cel.lib.ext.strings");
  const T S = T::String();
  const T I = T::Int();
  lib.Member("charAt").Raw("string_char_at_int", {S, I}, S, &CharAt);
  lib.Member("indexOf")
      .Raw("string_index_of_string", {S, S}, I, &IndexOf).CostBySize<&SearchCost>()
      .Raw("string_index_of_string_int", {S, S, I}, I, &IndexOfOffset)
      .CostBySize<&SearchCost>();
  lib.Member("lastIndexOf")
      .Raw("string_last_index_of_string", {S, S}, I, &LastIndexOf)
      .CostBySize<&SearchCost>()
      .Raw("string_last_index_of_string_int", {S, S, I}, I, &LastIndexOfOffset)
      .CostBySize<&SearchCost>();
  constexpr RuntimeCostFn kTraverse = &SizeCost<&TraverseCost, &CodePointSize>::Runtime;
  constexpr RuntimeCostFn kTraverseTwice =
      &SizeCost<&TraverseTwiceCost, &CodePointSize>::Runtime;
  constexpr EstimateFn kSameSize = &NoLongerEstimate<&TraverseCost, true>;
  constexpr EstimateFn kNoLonger = &NoLongerEstimate<&TraverseCost, false>;
  constexpr EstimateFn kTraverseTwiceEstimate =
      &SizeCost<&TraverseTwiceCost, &CodePointSize>::Estimate;
  lib.Member("lowerAscii")
      .Raw("string_lower_ascii", {S}, S, &LowerAscii)
      .Cost(kTraverse, kSameSize);
  lib.Member("upperAscii")
      .Raw("string_upper_ascii", {S}, S, &UpperAscii)
      .Cost(kTraverse, kSameSize);
  lib.Member("replace")
      .Raw("string_replace_string_string", {S, S, S}, S, &Replace)
      .Cost(kTraverseTwice, kTraverseTwiceEstimate)
      .Raw("string_replace_string_string_int", {S, S, S, I}, S, &ReplaceN)
      .Cost(kTraverseTwice, kTraverseTwiceEstimate);
  lib.Member("split")
      .Raw("string_split_string", {S, S}, T::List(S), &Split)
      .Cost(kTraverseTwice, &SplitEstimate)
      .Raw("string_split_string_int", {S, S, I}, T::List(S), &SplitN)
      .Cost(kTraverseTwice, &SplitEstimate);
  lib.Member("substring")
      .Raw("string_substring_int", {S, I}, S, &Substring)
      .Cost(kTraverse, kNoLonger)
      .Raw("string_substring_int_int", {S, I, I}, S, &SubstringRange)
      .Cost(kTraverse, kNoLonger);
  lib.Member("trim").Raw("string_trim", {S}, S, &Trim).Cost(kTraverse, kNoLonger);
  lib.Member("join")
      .Raw("list_join", {T::List(S)}, S, &Join)
      .Cost(&ResultSizedCost, &JoinEstimate)
      .Raw("list_join_string", {T::List(S), S}, S, &JoinSep)
      .Cost(&ResultSizedCost, &JoinEstimate);
  if (version >= 1) {
    lib.Member("format").Raw("string_format", {S, T::List(T::Dyn())}, S,
                             version >= 4 ? &FormatV2 : &FormatV1);
    lib.Function("strings.quote").Raw("strings_quote", {S}, S, &Quote);
  }
  if (version >= 3) {
    lib.Member("reverse").Raw("string_reverse", {S}, S, &Reverse);
  }
  return lib;
}

}  // namespace celgate::cel

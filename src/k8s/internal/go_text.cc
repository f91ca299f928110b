// k8s/internal/go_text.cc: Go-compatible quoting and integer parsing (see go_text.h).
#include "k8s/internal/go_text.h"

#include <cstdio>

#include "base/utf8.h"

namespace celgate::k8s::internal {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void AppendHexByte(std::string* out, unsigned char b) {
  out->push_back('\\');
  out->push_back('x');
  out->push_back(kHex[b >> 4]);
  out->push_back(kHex[b & 0xf]);
}

}  // namespace

std::string GoQuote(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  size_t pos = 0;
  while (pos < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80) {
      ++pos;
      switch (c) {
        case '\a':
          out += "\\a";
          continue;
        case '\b':
          out += "\\b";
          continue;
        case '\f':
          out += "\\f";
          continue;
        case '\n':
          out += "\\n";
          continue;
        case '\r':
          out += "\\r";
          continue;
        case '\t':
          out += "\\t";
          continue;
        case '\v':
          out += "\\v";
          continue;
        case '\\':
          out += "\\\\";
          continue;
        case '"':
          out += "\\\"";
          continue;
        default:
          break;
      }
      if (c < 0x20 || c == 0x7f) {
        AppendHexByte(&out, c);
      } else {
        out.push_back(static_cast<char>(c));
      }
      continue;
    }
    size_t start = pos;
    char32_t cp = 0;
    if (!utf8::DecodeAt(s, &pos, &cp)) {
      AppendHexByte(&out, c);
      continue;
    }
    if (cp < 0xA0 || cp == 0xAD) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
      continue;
    }
    out.append(s.substr(start, pos - start));
  }
  out.push_back('"');
  return out;
}

std::optional<uint64_t> GoParseUint(std::string_view s, bool* range_error) {
  if (range_error != nullptr) {
    *range_error = false;
  }
  if (s.empty()) {
    return std::nullopt;
  }
  uint64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    if (!overflow && (__builtin_mul_overflow(v, uint64_t{10}, &v) ||
                      __builtin_add_overflow(v, static_cast<uint64_t>(c - '0'), &v))) {
      overflow = true;
    }
  }
  if (overflow) {
    if (range_error != nullptr) {
      *range_error = true;
    }
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> GoParseInt(std::string_view s, bool* range_error) {
  if (range_error != nullptr) {
    *range_error = false;
  }
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  bool range = false;
  std::optional<uint64_t> u = GoParseUint(s, &range);
  if (!u.has_value()) {
    if (range_error != nullptr) {
      *range_error = range;
    }
    return std::nullopt;
  }
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  if ((!neg && *u >= kLimit) || (neg && *u > kLimit)) {
    if (range_error != nullptr) {
      *range_error = true;
    }
    return std::nullopt;
  }
  if (neg) {
    return static_cast<int64_t>(0 - *u);
  }
  return static_cast<int64_t>(*u);
}

std::string GoNumError(std::string_view fn, std::string_view s, bool range_error) {
  std::string out = "strconv.";
  out += fn;
  out += ": parsing ";
  out += GoQuote(s);
  out += range_error ? ": value out of range" : ": invalid syntax";
  return out;
}

}  // namespace celgate::k8s::internal

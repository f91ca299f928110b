// base/utf8.cc: implementation of base/utf8.h (include that header, not this file).
//
// The decoder is a direct transcription of the RFC 3629 table of well-formed byte sequences:
// the lead byte fixes the length and the allowed range of the second byte (which is where
// overlongs, surrogates and values above U+10FFFF are excluded); later bytes are plain
// continuation bytes. Counting and indexing assume valid input and only look at whether a byte
// is a continuation byte, eight bytes at a time.
#include "base/utf8.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace celgate::utf8 {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

inline bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Number of continuation bytes (10xxxxxx) among the eight bytes of `w`. For a byte b,
// bit 7 of (b & ~(b << 1)) is set exactly when bit 7 is 1 and bit 6 is 0. The shift moves bit 7
// of a byte into the next byte's bit 0, which the mask discards.
inline int ContinuationBytesIn(uint64_t w) { return std::popcount(w & ~(w << 1) & kHighBits); }

// Decodes one sequence at s[pos]. Returns its length (1-4) and stores the code point, or
// returns 0 when the bytes at pos do not start a well-formed sequence.
// REQUIRES: pos < s.size().
inline int DecodeOne(std::string_view s, size_t pos, char32_t* cp) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + pos;
  const size_t avail = s.size() - pos;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  // Allowed range of the second byte, by lead byte.
  unsigned char lo = 0x80, hi = 0xBF;
  int len = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) {
      lo = 0xA0;  // below: overlong
    } else if (b0 == 0xED) {
      hi = 0x9F;  // above: surrogates
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) {
      lo = 0x90;  // below: overlong
    } else if (b0 == 0xF4) {
      hi = 0x8F;  // above: > U+10FFFF
    }
  } else {
    return 0;  // continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (avail < static_cast<size_t>(len) || p[1] < lo || p[1] > hi) {
    return 0;
  }
  for (int i = 2; i < len; ++i) {
    if (!IsContinuation(p[i])) {
      return 0;
    }
  }
  switch (len) {
    case 2:
      *cp = (char32_t(b0 & 0x1F) << 6) | (p[1] & 0x3F);
      break;
    case 3:
      *cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      break;
    default:
      *cp = (char32_t(b0 & 0x07) << 18) | (char32_t(p[1] & 0x3F) << 12) |
            (char32_t(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
      break;
  }
  return len;
}

}  // namespace

bool IsValid(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    // Skip ASCII eight bytes at a time.
    while (i + 8 <= n && (Load8(s.data() + i) & kHighBits) == 0) {
      i += 8;
    }
    if (i >= n) {
      break;
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const int len = DecodeOne(s, i, &cp);
    if (len == 0) {
      return false;
    }
    i += static_cast<size_t>(len);
  }
  return true;
}

size_t CountCodePoints(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t continuation = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    continuation += static_cast<size_t>(ContinuationBytesIn(Load8(p + i)));
  }
  for (; i < n; ++i) {
    continuation += IsContinuation(static_cast<unsigned char>(p[i])) ? 1 : 0;
  }
  return n - continuation;
}

size_t ByteOffsetOfCodePoint(std::string_view s, size_t cp_index) {
  const char* p = s.data();
  const size_t n = s.size();
  size_t remaining = cp_index;  // code points still to skip
  size_t i = 0;
  // Skip whole words while the target start lies beyond them. A word with `starts` sequence
  // starts can be skipped when starts <= remaining; the next start is then at or after i + 8.
  while (i + 8 <= n) {
    const uint64_t w = Load8(p + i);
    const size_t starts = 8 - static_cast<size_t>(ContinuationBytesIn(w));
    if (starts > remaining) {
      break;
    }
    remaining -= starts;
    i += 8;
  }
  for (; i < n; ++i) {
    if (IsContinuation(static_cast<unsigned char>(p[i]))) {
      continue;
    }
    if (remaining == 0) {
      return i;
    }
    --remaining;
  }
  return remaining == 0 ? n : kNpos;
}

bool DecodeAt(std::string_view s, size_t* byte_pos, char32_t* out) {
  if (*byte_pos >= s.size()) {
    return false;
  }
  char32_t cp;
  const int len = DecodeOne(s, *byte_pos, &cp);
  if (len == 0) {
    *out = kReplacementChar;
    *byte_pos += 1;
    return false;
  }
  *out = cp;
  *byte_pos += static_cast<size_t>(len);
  return true;
}

void Append(std::string* dst, char32_t cp) {
  if (cp > kMaxCodePoint || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = kReplacementChar;
  }
  if (cp < 0x80) {
    dst->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char buf[2] = {static_cast<char>(0xC0 | (cp >> 6)),
                         static_cast<char>(0x80 | (cp & 0x3F))};
    dst->append(buf, 2);
  } else if (cp < 0x10000) {
    const char buf[3] = {static_cast<char>(0xE0 | (cp >> 12)),
                         static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                         static_cast<char>(0x80 | (cp & 0x3F))};
    dst->append(buf, 3);
  } else {
    const char buf[4] = {
        static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    dst->append(buf, 4);
  }
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  bool in_invalid_run = false;
  while (i < s.size()) {
    char32_t cp;
    const int len = DecodeOne(s, i, &cp);
    if (len == 0) {
      if (!in_invalid_run) {
        Append(&out, kReplacementChar);
        in_invalid_run = true;
      }
      ++i;
      continue;
    }
    in_invalid_run = false;
    out.append(s.data() + i, static_cast<size_t>(len));
    i += static_cast<size_t>(len);
  }
  return out;
}

std::string AsciiToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = AsciiToLower(c);
  }
  return out;
}

std::string AsciiToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = AsciiToUpper(c);
  }
  return out;
}

}  // namespace celgate::utf8

// base/utf8.h: UTF-8 validation, decoding and code-point indexing for CEL strings.
//
// Where this sits: below everything. The CEL standard library uses it for size(), indexing in
// the strings extension and string(bytes); the JSON and YAML readers use IsValid and
// ToValidUtf8. Pure functions over bytes; no allocation unless the result is a std::string.
//
// Rules follow Go's unicode/utf8 (RFC 3629): a valid sequence is the shortest encoding of a
// scalar value in [0, 0x10FFFF] that is not a surrogate (U+D800..U+DFFF). Overlong forms,
// surrogates, values above U+10FFFF, stray continuation bytes and truncated sequences are
// invalid. Like Go's decoder, an invalid position is consumed one byte at a time.
//
// Thread safety: every function is pure and may be called concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace celgate::utf8 {

// Returned by ByteOffsetOfCodePoint when the index is beyond the end of the string.
inline constexpr size_t kNpos = std::string_view::npos;

// U+FFFD, what Go substitutes for undecodable bytes.
inline constexpr char32_t kReplacementChar = 0xFFFD;

// Largest Unicode scalar value.
inline constexpr char32_t kMaxCodePoint = 0x10FFFF;

// True when `s` is entirely well-formed UTF-8 (see the rules above). The empty string is valid.
bool IsValid(std::string_view s);

// Number of code points in `s`. Runs a word-at-a-time count of non-continuation bytes, which is
// exact for valid UTF-8 (every CEL string value is valid by construction). For invalid input
// the result is the number of bytes that are not continuation bytes (10xxxxxx), which can
// differ from Go's utf8.RuneCountInString; validate first when that matters.
size_t CountCodePoints(std::string_view s);

// Byte offset at which code point number `cp_index` (0-based) starts. Returns s.size() when
// `cp_index` equals the number of code points (one past the end, handy for substring ends) and
// kNpos when it is larger. REQUIRES: `s` is valid UTF-8 (same counting rule as CountCodePoints).
size_t ByteOffsetOfCodePoint(std::string_view s, size_t cp_index);

// Decodes the code point starting at `*byte_pos`.
// - Valid sequence: stores it in `*out`, advances `*byte_pos` past it, returns true.
// - Invalid bytes: stores kReplacementChar, advances `*byte_pos` by exactly one byte (as Go's
//   utf8.DecodeRuneInString does), returns false.
// - `*byte_pos >= s.size()`: leaves both outputs unchanged and returns false.
// REQUIRES: byte_pos and out are non-null.
bool DecodeAt(std::string_view s, size_t* byte_pos, char32_t* out);

// Appends the UTF-8 encoding of `cp` to `*dst`. A surrogate or a value above kMaxCodePoint is
// encoded as kReplacementChar (Go's utf8.AppendRune does the same). REQUIRES: dst non-null.
void Append(std::string* dst, char32_t cp);

// Copy of `s` in which every maximal run of invalid bytes is replaced by one U+FFFD, as Go's
// strings.ToValidUTF8(s, "\uFFFD"). Valid input is returned unchanged.
std::string ToValidUtf8(std::string_view s);

// ASCII case mapping; bytes outside 'A'-'Z' / 'a'-'z' (including all non-ASCII bytes) are kept
// unchanged, so the result is valid UTF-8 whenever the input is. These are the semantics of
// CEL's lowerAscii()/upperAscii() in the strings extension.
constexpr char AsciiToLower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
constexpr char AsciiToUpper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }
std::string AsciiToLower(std::string_view s);
std::string AsciiToUpper(std::string_view s);

}  // namespace celgate::utf8

// base/utf8_test.cc: tests for base/utf8.h.
#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace celgate::utf8 {
namespace {

using namespace std::string_view_literals;

struct ValidityCase {
  std::string_view bytes;
  bool valid;
};

TEST(Utf8IsValid, FollowsRfc3629) {
  const ValidityCase cases[] = {
      {""sv, true},
      {"hello"sv, true},
      {"h\xC3\xA9llo"sv, true},       // é
      {"\xE2\x82\xAC"sv, true},       // €
      {"\xF0\x9F\x98\x80"sv, true},   // 😀
      {"\xEF\xBF\xBF"sv, true},       // U+FFFF
      {"\xF4\x8F\xBF\xBF"sv, true},   // U+10FFFF
      {"\xED\x9F\xBF"sv, true},       // U+D7FF, just below surrogates
      {"\xEE\x80\x80"sv, true},       // U+E000, just above surrogates
      {"\x00"sv, true},               // NUL is a valid code point
      {"\x80"sv, false},              // stray continuation
      {"\xC0\x80"sv, false},          // overlong NUL
      {"\xC1\xBF"sv, false},          // overlong
      {"\xE0\x80\xAF"sv, false},      // overlong '/'
      {"\xE0\x9F\xBF"sv, false},      // overlong (U+07FF in 3 bytes)
      {"\xF0\x8F\xBF\xBF"sv, false},  // overlong (U+FFFF in 4 bytes)
      {"\xED\xA0\x80"sv, false},      // U+D800 surrogate
      {"\xED\xBF\xBF"sv, false},      // U+DFFF surrogate
      {"\xF4\x90\x80\x80"sv, false},  // U+110000
      {"\xF5\x80\x80\x80"sv, false},  // lead byte past F4
      {"\xFF"sv, false},
      {"\xC3"sv, false},                     // truncated
      {"\xE2\x82"sv, false},                 // truncated
      {"\xF0\x9F\x98"sv, false},             // truncated
      {"\xE2\x28\xA1"sv, false},             // bad continuation
      {"abcdefghijklmnop\xC3\xA9"sv, true},  // past the 8-byte ASCII fast path
      {"abcdefghijklmnop\xC3"sv, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsValid(c.bytes), c.valid) << testing::PrintToString(std::string(c.bytes));
  }
}

TEST(Utf8CountCodePoints, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("hello"), 5u);
  EXPECT_EQ(CountCodePoints("h\xC3\xA9llo"), 5u);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(CountCodePoints("ta\xC2\xA9o\xC2\xA9\xCE\xB1T"), 7u);  // 'ta©o©αT'
  // Long mixed strings exercise the word-at-a-time loop and its tail.
  std::string s;
  size_t expected = 0;
  for (int i = 0; i < 100; ++i) {
    s += "a\xE2\x82\xAC\xF0\x9F\x98\x80z";
    expected += 4;
  }
  s += "xyz";
  expected += 3;
  EXPECT_EQ(CountCodePoints(s), expected);
}

TEST(Utf8ByteOffsetOfCodePoint, MapsIndicesToByteOffsets) {
  const std::string_view s = "ta\xC2\xA9o\xC2\xA9\xCE\xB1T";  // t a © o © α T
  const size_t expected[] = {0, 1, 2, 4, 5, 7, 9, 10};
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(ByteOffsetOfCodePoint(s, i), expected[i]) << i;
  }
  EXPECT_EQ(ByteOffsetOfCodePoint(s, 8), kNpos);
  EXPECT_EQ(ByteOffsetOfCodePoint("", 0), 0u);
  EXPECT_EQ(ByteOffsetOfCodePoint("", 1), kNpos);
}

TEST(Utf8ByteOffsetOfCodePoint, AgreesWithDecodingOnLongStrings) {
  std::string s;
  for (int i = 0; i < 50; ++i) {
    s += "abc\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
         "defghij";
  }
  size_t pos = 0;
  size_t index = 0;
  while (pos < s.size()) {
    ASSERT_EQ(ByteOffsetOfCodePoint(s, index), pos) << index;
    char32_t cp;
    ASSERT_TRUE(DecodeAt(s, &pos, &cp));
    ++index;
  }
  EXPECT_EQ(ByteOffsetOfCodePoint(s, index), s.size());
  EXPECT_EQ(ByteOffsetOfCodePoint(s, index + 1), kNpos);
  EXPECT_EQ(CountCodePoints(s), index);
}

TEST(Utf8DecodeAt, DecodesAndStepsOverInvalidBytesOneAtATime) {
  const std::string_view s = "A\xC3\xA9\xFF\xF0\x9F\x98\x80\xE2\x82";
  size_t pos = 0;
  char32_t cp = 0;
  EXPECT_TRUE(DecodeAt(s, &pos, &cp));
  EXPECT_EQ(cp, U'A');
  EXPECT_EQ(pos, 1u);
  EXPECT_TRUE(DecodeAt(s, &pos, &cp));
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(pos, 3u);
  EXPECT_FALSE(DecodeAt(s, &pos, &cp));
  EXPECT_EQ(cp, kReplacementChar);
  EXPECT_EQ(pos, 4u);
  EXPECT_TRUE(DecodeAt(s, &pos, &cp));
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(pos, 8u);
  EXPECT_FALSE(DecodeAt(s, &pos, &cp));  // truncated E2 82: one byte at a time
  EXPECT_EQ(pos, 9u);
  EXPECT_FALSE(DecodeAt(s, &pos, &cp));
  EXPECT_EQ(pos, 10u);
  cp = U'x';
  EXPECT_FALSE(DecodeAt(s, &pos, &cp));  // at the end: nothing changes
  EXPECT_EQ(pos, 10u);
  EXPECT_EQ(cp, U'x');
}

TEST(Utf8Append, EncodesAndReplacesNonScalarValues) {
  std::string s;
  Append(&s, U'A');
  Append(&s, 0xE9);
  Append(&s, 0x20AC);
  Append(&s, 0x1F600);
  Append(&s, 0x10FFFF);
  EXPECT_EQ(s, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  std::string bad;
  Append(&bad, 0xD800);
  Append(&bad, 0x110000);
  EXPECT_EQ(bad, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8ToValidUtf8, ReplacesEachRunOfInvalidBytesOnce) {
  EXPECT_EQ(ToValidUtf8("hello"), "hello");
  EXPECT_EQ(ToValidUtf8(""), "");
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("a\xFF\xFE\xC0\x80"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD");  // surrogate bytes form one run
  EXPECT_EQ(ToValidUtf8("x\xE2\x82"), "x\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("\xFF\xC3\xA9\xFF"), "\xEF\xBF\xBD\xC3\xA9\xEF\xBF\xBD");
  EXPECT_TRUE(IsValid(ToValidUtf8("\x80\x81 \xF5 \xF4\x90")));
}

TEST(Utf8Ascii, ChangesOnlyAsciiLetters) {
  EXPECT_EQ(AsciiToLower("Hello, WORLD \xC3\x89"), "hello, world \xC3\x89");
  EXPECT_EQ(AsciiToUpper("Hello, world \xC3\xA9"), "HELLO, WORLD \xC3\xA9");
  static_assert(AsciiToLower('Q') == 'q' && AsciiToUpper('q') == 'Q' && AsciiToLower('1') == '1');
}

}  // namespace
}  // namespace celgate::utf8

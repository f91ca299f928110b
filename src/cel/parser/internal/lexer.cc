// cel/parser/internal/lexer.cc: the CEL tokenizer and literal decoder. See lexer.h.
//
// One forward pass over the bytes. Code-point offsets are counted the way Source counts them
// (every byte that is not a UTF-8 continuation byte starts a code point), so issue positions and
// node positions agree with Source::LocationOf even on malformed UTF-8.
#include "cel/parser/internal/lexer.h"

#include <cstddef>
#include <utility>

namespace celgate::cel::parser_internal {
namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsIdentStart(char c) { return IsLetter(c) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsEscIdentChar(char c) {
  return IsIdentChar(c) || c == '.' || c == '-' || c == '/' || c == ' ';
}
bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }
bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

uint32_t HexValue(char c) {
  if (IsDigit(c)) {
    return static_cast<uint32_t>(c - '0');
  }
  if (c >= 'a' && c <= 'f') {
    return static_cast<uint32_t>(c - 'a' + 10);
  }
  return static_cast<uint32_t>(c - 'A' + 10);
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Length of a well-formed UTF-8 sequence at text[i], or 0 when malformed.
size_t ValidUtf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned b0 = byte(0);
  const auto cont = [&](size_t k, unsigned lo, unsigned hi) {
    const unsigned b = byte(k);
    return i + k < text.size() && b >= lo && b <= hi;
  };
  if (b0 < 0x80) {
    return 1;
  }
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return cont(1, 0x80, 0xBF) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return cont(1, lo, hi) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  return 0;
}

// Byte length of the "character" at text[i] as Source counts code points: the lead byte plus
// any continuation bytes after it.
size_t CharLength(std::string_view text, size_t i) {
  size_t j = i + 1;
  while (j < text.size() && IsContinuation(text[j])) {
    ++j;
  }
  return j - i;
}

std::string EscapeForDisplay(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Result of scanning one quoted literal body.
struct StringScan {
  enum class Status { kOk, kFail, kBadEscape };
  Status status = Status::kOk;
  size_t end = 0;           // kOk / kBadEscape: one past the closing quote(s)
  size_t fail_pos = kNpos;  // kFail / kBadEscape: first character that broke the literal
  bool triple = false;
  bool bad_code_point = false;  // a \u / \U escape named a surrogate or a value > U+10FFFF
  std::string value;
};

class Lexer {
 public:
  Lexer(std::string_view text, std::vector<Issue>* issues) : text_(text), issues_(issues) {}

  LexResult Run() {
    const size_t n = text_.size();
    while (pos_ < n && !result_.aborted) {
      const char c = text_[pos_];
      if (IsWhitespace(c)) {
        AdvanceTo(pos_ + 1);
        continue;
      }
      if (c == '/' && pos_ + 1 < n && text_[pos_ + 1] == '/') {
        size_t j = pos_ + 2;
        while (j < n && text_[j] != '\n') {
          ++j;
        }
        AdvanceTo(j);
        continue;
      }
      LexToken();
    }
    Token eof;
    eof.kind = TokenKind::kEof;
    eof.offset = cp_;
    eof.begin = eof.end = static_cast<uint32_t>(n);
    result_.tokens.push_back(std::move(eof));
    return std::move(result_);
  }

 private:
  void AdvanceTo(size_t pos) {
    for (; pos_ < pos; ++pos_) {
      if (!IsContinuation(text_[pos_])) {
        ++cp_;
      }
    }
  }

  void Emit(TokenKind kind, size_t end, std::string value = {}, bool invalid = false) {
    Token t;
    t.kind = kind;
    t.offset = cp_;
    t.begin = static_cast<uint32_t>(pos_);
    t.end = static_cast<uint32_t>(end);
    t.value = std::move(value);
    t.invalid = invalid;
    result_.tokens.push_back(std::move(t));
    AdvanceTo(end);
  }

  // Reports a syntax error at the current token start, honouring the error limit.
  void SyntaxError(std::string message) {
    if (result_.syntax_errors >= kMaxSyntaxErrors) {
      issues_->push_back(
          Issue{Severity::kError, cp_,
                "Syntax error: More than " + std::to_string(kMaxSyntaxErrors) + " syntax errors"});
      result_.aborted = true;
      return;
    }
    ++result_.syntax_errors;
    issues_->push_back(Issue{Severity::kError, cp_, "Syntax error: " + std::move(message)});
  }

  // ANTLR's lexer error: the text from the token start through the character that could not be
  // matched, which is skipped too.
  void RecognitionError(size_t fail_pos) {
    const size_t end =
        fail_pos < text_.size() ? fail_pos + CharLength(text_, fail_pos) : text_.size();
    SyntaxError("token recognition error at: '" + EscapeForDisplay(text_.substr(pos_, end - pos_)) +
                "'");
    AdvanceTo(end);
  }

  void LexToken() {
    const size_t n = text_.size();
    const char c = text_[pos_];
    const char next = pos_ + 1 < n ? text_[pos_ + 1] : '\0';
    if (IsDigit(c) || (c == '.' && IsDigit(next))) {
      LexNumber();
      return;
    }
    if (c == '\'' || c == '"') {
      LexQuoted(0, /*raw=*/false, /*bytes=*/false);
      return;
    }
    if (IsIdentStart(c)) {
      // String prefixes: r/R, b/B, b/B followed by r/R.
      const char next2 = pos_ + 2 < n ? text_[pos_ + 2] : '\0';
      const auto is_quote = [](char q) { return q == '\'' || q == '"'; };
      if ((c == 'r' || c == 'R') && is_quote(next)) {
        LexQuoted(1, /*raw=*/true, /*bytes=*/false);
        return;
      }
      if ((c == 'b' || c == 'B') && is_quote(next)) {
        LexQuoted(1, /*raw=*/false, /*bytes=*/true);
        return;
      }
      if ((c == 'b' || c == 'B') && (next == 'r' || next == 'R') && is_quote(next2)) {
        LexQuoted(2, /*raw=*/true, /*bytes=*/true);
        return;
      }
      LexIdentifier(pos_);
      return;
    }
    switch (c) {
      case '=':
        if (next == '=') {
          Emit(TokenKind::kEq, pos_ + 2);
        } else {
          RecognitionError(pos_ + 1);
        }
        return;
      case '!':
        Emit(next == '=' ? TokenKind::kNe : TokenKind::kBang, pos_ + (next == '=' ? 2 : 1));
        return;
      case '<':
        Emit(next == '=' ? TokenKind::kLe : TokenKind::kLt, pos_ + (next == '=' ? 2 : 1));
        return;
      case '>':
        Emit(next == '=' ? TokenKind::kGe : TokenKind::kGt, pos_ + (next == '=' ? 2 : 1));
        return;
      case '&':
        if (next == '&') {
          Emit(TokenKind::kAnd, pos_ + 2);
        } else {
          RecognitionError(pos_ + 1);
        }
        return;
      case '|':
        if (next == '|') {
          Emit(TokenKind::kOr, pos_ + 2);
        } else {
          RecognitionError(pos_ + 1);
        }
        return;
      case '[':
        Emit(TokenKind::kLBracket, pos_ + 1);
        return;
      case ']':
        Emit(TokenKind::kRBracket, pos_ + 1);
        return;
      case '{':
        Emit(TokenKind::kLBrace, pos_ + 1);
        return;
      case '}':
        Emit(TokenKind::kRBrace, pos_ + 1);
        return;
      case '(':
        Emit(TokenKind::kLParen, pos_ + 1);
        return;
      case ')':
        Emit(TokenKind::kRParen, pos_ + 1);
        return;
      case '.':
        Emit(TokenKind::kDot, pos_ + 1);
        return;
      case ',':
        Emit(TokenKind::kComma, pos_ + 1);
        return;
      case '-':
        Emit(TokenKind::kMinus, pos_ + 1);
        return;
      case '?':
        Emit(TokenKind::kQuestion, pos_ + 1);
        return;
      case ':':
        Emit(TokenKind::kColon, pos_ + 1);
        return;
      case '+':
        Emit(TokenKind::kPlus, pos_ + 1);
        return;
      case '*':
        Emit(TokenKind::kStar, pos_ + 1);
        return;
      case '/':
        Emit(TokenKind::kSlash, pos_ + 1);
        return;
      case '%':
        Emit(TokenKind::kPercent, pos_ + 1);
        return;
      case '`': {
        size_t j = pos_ + 1;
        while (j < n && IsEscIdentChar(text_[j])) {
          ++j;
        }
        if (j > pos_ + 1 && j < n && text_[j] == '`') {
          Emit(TokenKind::kEscIdent, j + 1, std::string(text_.substr(pos_ + 1, j - pos_ - 1)));
        } else {
          RecognitionError(j);
        }
        return;
      }
      default:
        RecognitionError(pos_);
        return;
    }
  }

  void LexIdentifier(size_t start) {
    size_t j = start + 1;
    while (j < text_.size() && IsIdentChar(text_[j])) {
      ++j;
    }
    const std::string_view word = text_.substr(start, j - start);
    TokenKind kind = TokenKind::kIdent;
    if (word == "true") {
      kind = TokenKind::kTrue;
    } else if (word == "false") {
      kind = TokenKind::kFalse;
    } else if (word == "null") {
      kind = TokenKind::kNull;
    } else if (word == "in") {
      kind = TokenKind::kIn;
    }
    Emit(kind, j);
  }

  // Longest match of NUM_FLOAT | NUM_INT | NUM_UINT at pos_, falling back as ANTLR does.
  void LexNumber() {
    const size_t n = text_.size();
    const auto at = [&](size_t i) { return i < n ? text_[i] : '\0'; };
    // Exponent: (e|E) (+|-)? DIGIT+ ; returns its end or kNpos.
    const auto exponent_end = [&](size_t i) -> size_t {
      if (at(i) != 'e' && at(i) != 'E') {
        return kNpos;
      }
      size_t j = i + 1;
      if (at(j) == '+' || at(j) == '-') {
        ++j;
      }
      if (!IsDigit(at(j))) {
        return kNpos;
      }
      while (IsDigit(at(j))) {
        ++j;
      }
      return j;
    };
    size_t i = pos_;
    if (at(i) == '.') {  // '.' DIGIT+ EXPONENT?
      ++i;
      while (IsDigit(at(i))) {
        ++i;
      }
      const size_t e = exponent_end(i);
      Emit(TokenKind::kDouble, e == kNpos ? i : e);
      return;
    }
    if (at(i) == '0' && at(i + 1) == 'x' && IsHex(at(i + 2))) {
      i += 2;
      while (IsHex(at(i))) {
        ++i;
      }
      if (at(i) == 'u' || at(i) == 'U') {
        Emit(TokenKind::kUint, i + 1);
      } else {
        Emit(TokenKind::kInt, i);
      }
      return;
    }
    while (IsDigit(at(i))) {
      ++i;
    }
    if (at(i) == '.' && IsDigit(at(i + 1))) {
      size_t j = i + 1;
      while (IsDigit(at(j))) {
        ++j;
      }
      const size_t e = exponent_end(j);
      Emit(TokenKind::kDouble, e == kNpos ? j : e);
      return;
    }
    if (const size_t e = exponent_end(i); e != kNpos) {
      Emit(TokenKind::kDouble, e);
      return;
    }
    if (at(i) == 'u' || at(i) == 'U') {
      Emit(TokenKind::kUint, i + 1);
      return;
    }
    Emit(TokenKind::kInt, i);
  }

  // Lexes a string or bytes literal whose prefix (r, b, br, ...) has `prefix_len` bytes.
  void LexQuoted(size_t prefix_len, bool raw, bool bytes) {
    const size_t quote_pos = pos_ + prefix_len;
    StringScan scan = ScanQuoted(quote_pos, raw, bytes);
    const TokenKind kind = bytes ? TokenKind::kBytes : TokenKind::kString;
    switch (scan.status) {
      case StringScan::Status::kOk:
        if (scan.bad_code_point) {
          // Not a lexical error in cel-go: the token is well formed, decoding rejects it.
          issues_->push_back(Issue{Severity::kError, cp_, "invalid unicode code point"});
          Emit(kind, scan.end, {}, /*invalid=*/true);
        } else {
          Emit(kind, scan.end, std::move(scan.value));
        }
        return;
      case StringScan::Status::kBadEscape: {
        // Report as ANTLR would, but resynchronise at the closing quote rather than inside the
        // literal: fewer cascading errors, same first message.
        const size_t fail_end = scan.fail_pos + CharLength(text_, scan.fail_pos);
        SyntaxError("token recognition error at: '" +
                    EscapeForDisplay(text_.substr(pos_, fail_end - pos_)) + "'");
        Emit(kind, scan.end, {}, /*invalid=*/true);
        return;
      }
      case StringScan::Status::kFail:
        break;
    }
    // Fall back to the longest prefix that was a complete token, as ANTLR's lexer does.
    if (scan.triple) {
      // `'''...` without its end: `''` (with any prefix) is an empty literal.
      Emit(kind, quote_pos + 2, {});
      return;
    }
    if (prefix_len > 0) {
      LexIdentifier(pos_);  // the prefix letters; the quote is lexed again on its own
      return;
    }
    RecognitionError(scan.fail_pos);
  }

  StringScan ScanQuoted(size_t q, bool raw, bool bytes) {
    const size_t n = text_.size();
    StringScan scan;
    const char quote = text_[q];
    scan.triple = q + 2 < n && text_[q + 1] == quote && text_[q + 2] == quote;
    size_t i = scan.triple ? q + 3 : q + 1;
    size_t first_bad = kNpos;
    std::string& out = scan.value;
    while (true) {
      if (i >= n) {
        scan.status = StringScan::Status::kFail;
        scan.fail_pos = first_bad != kNpos ? first_bad : n;
        return scan;
      }
      const char c = text_[i];
      if (scan.triple) {
        if (c == quote && i + 2 < n && text_[i + 1] == quote && text_[i + 2] == quote) {
          scan.end = i + 3;
          break;
        }
      } else {
        if (c == quote) {
          scan.end = i + 1;
          break;
        }
        if (c == '\n' || c == '\r') {
          scan.status = StringScan::Status::kFail;
          scan.fail_pos = first_bad != kNpos ? first_bad : i;
          return scan;
        }
      }
      if (c == '\\' && !raw) {
        const size_t bad = DecodeEscape(&i, bytes, &scan);
        if (bad != kNpos) {
          if (first_bad == kNpos) {
            first_bad = bad;
          }
          i = bad > i ? bad : i + 1;
        }
        continue;
      }
      if (c == '\r') {  // newline normalisation: \r\n and \r become \n
        out.push_back('\n');
        i += (i + 1 < n && text_[i + 1] == '\n') ? 2 : 1;
        continue;
      }
      const size_t len = ValidUtf8Length(text_, i);
      if (len == 0) {
        AppendUtf8(0xFFFD, &out);  // as cel-go's rune-based input does
        ++i;
      } else {
        out.append(text_.substr(i, len));
        i += len;
      }
    }
    scan.status = first_bad == kNpos ? StringScan::Status::kOk : StringScan::Status::kBadEscape;
    scan.fail_pos = first_bad;
    return scan;
  }

  // Decodes the escape sequence at text_[*i] == '\\'. On success advances *i past it, appends
  // the decoded value and returns kNpos; otherwise returns the position of the first character
  // that does not fit the escape grammar (text_.size() at end of input).
  size_t DecodeEscape(size_t* i, bool bytes, StringScan* scan) {
    const size_t n = text_.size();
    const size_t s = *i;
    if (s + 1 >= n) {
      return n;
    }
    const char e = text_[s + 1];
    std::string& out = scan->value;
    char simple = 0;
    switch (e) {
      case 'a':
        simple = '\a';
        break;
      case 'b':
        simple = '\b';
        break;
      case 'f':
        simple = '\f';
        break;
      case 'n':
        simple = '\n';
        break;
      case 'r':
        simple = '\r';
        break;
      case 't':
        simple = '\t';
        break;
      case 'v':
        simple = '\v';
        break;
      case '\\':
      case '\'':
      case '"':
      case '`':
      case '?':
        simple = e;
        break;
      default:
        break;
    }
    if (simple != 0) {
      out.push_back(simple);
      *i = s + 2;
      return kNpos;
    }
    if (e == 'x' || e == 'X' || e == 'u' || e == 'U') {
      const size_t digits = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
      uint32_t v = 0;
      for (size_t k = 0; k < digits; ++k) {
        const size_t p = s + 2 + k;
        if (p >= n) {
          return n;
        }
        if (!IsHex(text_[p])) {
          return p;
        }
        v = (v << 4) | HexValue(text_[p]);
      }
      *i = s + 2 + digits;
      if (digits == 2) {
        if (bytes) {
          out.push_back(static_cast<char>(v));
        } else {
          AppendUtf8(v, &out);
        }
      } else if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) {
        scan->bad_code_point = true;
      } else {
        AppendUtf8(v, &out);
      }
      return kNpos;
    }
    if (e >= '0' && e <= '3') {
      uint32_t v = static_cast<uint32_t>(e - '0');
      for (size_t k = 0; k < 2; ++k) {
        const size_t p = s + 2 + k;
        if (p >= n) {
          return n;
        }
        if (text_[p] < '0' || text_[p] > '7') {
          return p;
        }
        v = v * 8 + static_cast<uint32_t>(text_[p] - '0');
      }
      *i = s + 4;
      if (bytes) {
        out.push_back(static_cast<char>(v));
      } else {
        AppendUtf8(v, &out);
      }
      return kNpos;
    }
    return s + 1;
  }

  std::string_view text_;
  std::vector<Issue>* issues_;
  size_t pos_ = 0;
  int32_t cp_ = 0;
  LexResult result_;
};

}  // namespace

LexResult Lex(std::string_view text, std::vector<Issue>* issues) {
  return Lexer(text, issues).Run();
}

std::string TokenDisplay(std::string_view source_text, const Token& token) {
  if (token.kind == TokenKind::kEof) {
    return "'<EOF>'";
  }
  return "'" + EscapeForDisplay(source_text.substr(token.begin, token.end - token.begin)) + "'";
}

}  // namespace celgate::cel::parser_internal

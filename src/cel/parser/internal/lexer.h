// cel/parser/internal/lexer.h: CEL tokens. Private to cel/parser; include cel/parser/parser.h.
//
// Pipeline stage: source text -> token vector, consumed by the parser in parser.cc. The token
// set and the longest-match rules follow cel-go's CEL.g4 lexer (including its fall-back to the
// longest accepted prefix: `1.` lexes as `1` `.`, `0x` as `0` `x`, `r'abc` as `r` then a
// broken string). String and bytes literals are decoded here, escapes included.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cel/common/source.h"

namespace celgate::cel::parser_internal {

enum class TokenKind : uint8_t {
  kEof,
  kIdent,     // [_a-zA-Z][_a-zA-Z0-9]*, reserved words included (the parser rejects them)
  kEscIdent,  // `...` (letters, digits, _ . - / space); value holds the name without backticks
  kInt,       // decimal or 0x hex digits; text excludes any sign
  kUint,      // as kInt with a u/U suffix; text includes the suffix
  kDouble,
  kString,  // value holds the decoded UTF-8 text
  kBytes,   // value holds the decoded bytes
  kTrue,
  kFalse,
  kNull,
  kIn,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kDot,
  kComma,
  kMinus,
  kBang,
  kQuestion,
  kColon,
  kPlus,
  kStar,
  kSlash,
  kPercent,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  int32_t offset = 0;  // code-point offset of the first character (Source's counting)
  uint32_t begin = 0;  // byte range [begin, end) in the source text
  uint32_t end = 0;
  std::string value;  // kString, kBytes, kEscIdent: decoded value
  // kString / kBytes whose body was malformed; the issue was already reported, the parser uses
  // the token as an (empty) literal without reporting more.
  bool invalid = false;
};

struct LexResult {
  std::vector<Token> tokens;  // always ends with one kEof token
  // Set when the syntax-error limit was hit: the token list stops early and the caller should
  // not report further syntax errors.
  bool aborted = false;
  int syntax_errors = 0;  // lexical issues reported as "Syntax error: ..."
};

// Number of syntax errors (lexical and grammatical together) after which cel-go gives up with
// "More than 100 syntax errors".
inline constexpr int kMaxSyntaxErrors = 100;

// Tokenizes `text`, appending lexical issues ("Syntax error: token recognition error at: '...'",
// "invalid unicode code point") to `issues`. Linear time.
LexResult Lex(std::string_view text, std::vector<Issue>* issues);

// ANTLR-style display of a token for messages: 'text' with \n, \r, \t escaped, or <EOF>.
std::string TokenDisplay(std::string_view source_text, const Token& token);

}  // namespace celgate::cel::parser_internal

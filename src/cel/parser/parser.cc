// cel/parser/parser.cc: recursive-descent CEL parser and macro expander. See parser.h.
//
// Entry point: Parse(). Tokens come from internal/lexer.h. One function per grammar level of
// cel-go's CEL.g4 (expr, conditionalOr, conditionalAnd, relation, calc, unary, member, primary);
// left-associative levels are loops, so only parenthesised / bracketed nesting and `?:` recurse,
// and every such path goes through ParseExpr, which counts depth. Operator and member chains also
// count towards the depth because each link deepens the AST.
//
// Error recovery imitates ANTLR's default strategy closely enough to produce the same first
// message: single-token deletion ("extraneous input"), single-token insertion at closers
// ("missing ')' at ..."), otherwise "mismatched input"; after a syntax error further syntax errors
// are suppressed until a token is matched again.
#include "cel/parser/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

#include "cel/common/operators.h"
#include "cel/parser/internal/lexer.h"

namespace celgate::cel {
namespace {

using parser_internal::Token;
using parser_internal::TokenKind;

constexpr int32_t kMaxRecursionDepthCap = 1000;
constexpr size_t kMaxMacroCallText = 1024;
constexpr std::string_view kExpressionStart =
    "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, "
    "STRING, BYTES, IDENTIFIER}";
constexpr std::string_view kUnusedIterVar = "#unused";
// The accumulator name older macros used; an iteration variable may not shadow either name.
constexpr std::string_view kLegacyAccumulatorName = "__result__";
constexpr std::string_view kMapInsert = "cel.@mapInsert";

bool IsReserved(std::string_view name) {
  static constexpr std::string_view kReserved[] = {
      "as",        "break", "const",  "continue", "else", "false", "for",
      "function",  "if",    "import", "in",       "let",  "loop",  "package",
      "namespace", "null",  "return", "true",     "var",  "void",  "while"};
  for (std::string_view r : kReserved) {
    if (r == name) {
      return true;
    }
  }
  return false;
}

bool CanStartUnary(TokenKind k) {
  switch (k) {
    case TokenKind::kLBracket:
    case TokenKind::kLBrace:
    case TokenKind::kLParen:
    case TokenKind::kDot:
    case TokenKind::kMinus:
    case TokenKind::kBang:
    case TokenKind::kTrue:
    case TokenKind::kFalse:
    case TokenKind::kNull:
    case TokenKind::kDouble:
    case TokenKind::kInt:
    case TokenKind::kUint:
    case TokenKind::kString:
    case TokenKind::kBytes:
    case TokenKind::kIdent:
      return true;
    default:
      return false;
  }
}

// Tokens that may follow a closing token; a missing closer in front of one of them is reported
// as "missing X at Y" (ANTLR's single-token insertion).
bool CanFollowCloser(TokenKind k) {
  switch (k) {
    case TokenKind::kEof:
    case TokenKind::kRParen:
    case TokenKind::kRBracket:
    case TokenKind::kRBrace:
    case TokenKind::kComma:
    case TokenKind::kColon:
    case TokenKind::kQuestion:
    case TokenKind::kDot:
    case TokenKind::kLBracket:
    case TokenKind::kEq:
    case TokenKind::kNe:
    case TokenKind::kLt:
    case TokenKind::kLe:
    case TokenKind::kGt:
    case TokenKind::kGe:
    case TokenKind::kIn:
    case TokenKind::kAnd:
    case TokenKind::kOr:
    case TokenKind::kPlus:
    case TokenKind::kMinus:
    case TokenKind::kStar:
    case TokenKind::kSlash:
    case TokenKind::kPercent:
      return true;
    default:
      return false;
  }
}

std::string_view RelationFunction(TokenKind k) {
  switch (k) {
    case TokenKind::kLt:
      return op::kLess;
    case TokenKind::kLe:
      return op::kLessEquals;
    case TokenKind::kGt:
      return op::kGreater;
    case TokenKind::kGe:
      return op::kGreaterEquals;
    case TokenKind::kEq:
      return op::kEquals;
    case TokenKind::kNe:
      return op::kNotEquals;
    case TokenKind::kIn:
      return op::kIn;
    default:
      return {};
  }
}

std::string_view AdditiveFunction(TokenKind k) {
  switch (k) {
    case TokenKind::kPlus:
      return op::kAdd;
    case TokenKind::kMinus:
      return op::kSubtract;
    default:
      return {};
  }
}

std::string_view MultiplicativeFunction(TokenKind k) {
  switch (k) {
    case TokenKind::kStar:
      return op::kMultiply;
    case TokenKind::kSlash:
      return op::kDivide;
    case TokenKind::kPercent:
      return op::kModulo;
    default:
      return {};
  }
}

bool ParseUnsigned(std::string_view digits, int base, uint64_t* out) {
  if (digits.empty()) {
    return false;
  }
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out, base);
  return ec == std::errc() && ptr == digits.data() + digits.size();
}

// Go's ParseFloat semantics: overflow is an error, underflow quietly gives zero.
bool ParseDoubleLiteral(std::string_view text, bool negative, double* out) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    *out = negative ? -v : v;
    return true;
  }
  if (ec != std::errc::result_out_of_range) {
    return false;
  }
  // Out of range: find the decimal magnitude to tell overflow from underflow.
  int64_t position = 0;  // power of ten of the digit being read, relative to the decimal point
  int64_t first_nonzero = std::numeric_limits<int64_t>::min();
  size_t i = 0;
  size_t int_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    ++int_digits;
    ++i;
  }
  for (size_t k = 0; k < int_digits; ++k) {
    if (text[k] != '0' && first_nonzero == std::numeric_limits<int64_t>::min()) {
      first_nonzero = static_cast<int64_t>(int_digits - k);
    }
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    position = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      --position;
      if (text[i] != '0' && first_nonzero == std::numeric_limits<int64_t>::min()) {
        first_nonzero = position + 1;
      }
      ++i;
    }
  }
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      exponent = std::min<int64_t>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
      ++i;
    }
    if (exp_negative) {
      exponent = -exponent;
    }
  }
  if (first_nonzero == std::numeric_limits<int64_t>::min() || first_nonzero + exponent <= 0) {
    *out = negative ? -0.0 : 0.0;
    return true;
  }
  return false;
}

class ParserImpl {
 public:
  ParserImpl(const Source& source, const ParserOptions& options)
      : source_(source), text_(source.text()), options_(options) {
    max_depth_ = std::clamp(options.max_recursion_depth, 1, kMaxRecursionDepthCap);
  }

  ParseResult Run() {
    if (source_.size() > options_.max_expression_code_points) {
      Error(-1,
            "expression code point size exceeds limit: size: " + std::to_string(source_.size()) +
                ", limit " + std::to_string(options_.max_expression_code_points));
      result_.expr.root = ErrorExpr(0);
      return Finish();
    }
    parser_internal::LexResult lexed = parser_internal::Lex(text_, &result_.issues);
    tokens_ = std::move(lexed.tokens);
    syntax_errors_ = lexed.syntax_errors;
    if (lexed.aborted) {
      aborted_ = true;
      result_.expr.root = ErrorExpr(0);
      return Finish();
    }
    ExprPtr root = ParseExpr();
    if (!aborted_ && !At(TokenKind::kEof)) {
      const Token& cur = Cur();
      const bool extraneous = Peek(1).kind == TokenKind::kEof;
      SyntaxError(cur.offset, std::string(extraneous ? "extraneous" : "mismatched") + " input " +
                                  Display(cur) + " expecting <EOF>");
    }
    result_.expr.root = std::move(root);
    return Finish();
  }

 private:
  // Depth accounting for one grammar function: every Enter() adds one level until the scope
  // ends. Enter() returns false once the limit is exceeded (parsing is then aborted).
  class DepthScope {
   public:
    explicit DepthScope(ParserImpl* parser) : parser_(parser) {}
    ~DepthScope() { parser_->depth_ -= count_; }
    DepthScope(const DepthScope&) = delete;
    DepthScope& operator=(const DepthScope&) = delete;

    bool Enter(int32_t offset) {
      ++count_;
      ++parser_->depth_;
      if (parser_->depth_ > parser_->max_depth_ && !parser_->aborted_) {
        parser_->Error(
            offset, "expression recursion limit exceeded: " + std::to_string(parser_->max_depth_));
        parser_->aborted_ = true;
      }
      return !parser_->aborted_;
    }

   private:
    ParserImpl* parser_;
    int32_t count_ = 0;
  };

  ParseResult Finish() {
    result_.expr.next_id = next_id_;
    std::stable_sort(result_.issues.begin(), result_.issues.end(),
                     [](const Issue& a, const Issue& b) { return a.offset < b.offset; });
    return std::move(result_);
  }

  // ---- Tokens ----

  const Token& Cur() const { return tokens_[pos_]; }
  const Token& Peek(size_t k) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  bool At(TokenKind k) const { return Cur().kind == k; }
  std::string_view TokenText(const Token& t) const {
    return std::string_view(text_).substr(t.begin, t.end - t.begin);
  }
  std::string Display(const Token& t) const { return parser_internal::TokenDisplay(text_, t); }

  // Consumes the current token as a successful match: ends error-recovery mode.
  void Advance() {
    if (pos_ + 1 < tokens_.size()) {
      ++pos_;
    }
    recovering_ = false;
  }
  // Drops the current token during error recovery.
  void Skip() {
    if (pos_ + 1 < tokens_.size()) {
      ++pos_;
    }
  }
  bool Accept(TokenKind k) {
    if (!At(k)) {
      return false;
    }
    Advance();
    return true;
  }

  // Matches a required token; on failure reports (at most) one syntax error. Returns whether the
  // token was matched, possibly after deleting one extraneous token. A missing closer is reported
  // as "missing" when the current token could follow it, as ANTLR's single-token insertion does;
  // a missing ':' when the current token could start the expression after it.
  bool Expect(TokenKind k, std::string_view expected) { return Accept(k) || Recover(k, expected); }

  [[gnu::noinline]] bool Recover(TokenKind k, std::string_view expected) {
    if (aborted_) {
      return false;
    }
    const Token& cur = Cur();
    if (cur.kind != TokenKind::kEof && Peek(1).kind == k) {
      SyntaxError(cur.offset,
                  "extraneous input " + Display(cur) + " expecting " + std::string(expected));
      Skip();
      Advance();
      return true;
    }
    const bool insertable =
        k == TokenKind::kColon ? CanStartUnary(cur.kind) : CanFollowCloser(cur.kind);
    if (insertable) {
      SyntaxError(cur.offset, "missing " + std::string(expected) + " at " + Display(cur));
    } else {
      SyntaxError(cur.offset,
                  "mismatched input " + Display(cur) + " expecting " + std::string(expected));
    }
    return false;
  }

  // ---- Issues ----

  void Error(int32_t offset, std::string message) {
    result_.issues.push_back(Issue{Severity::kError, offset, std::move(message)});
  }

  void SyntaxError(int32_t offset, std::string message) {
    if (recovering_ || aborted_) {
      return;
    }
    recovering_ = true;
    if (syntax_errors_ >= parser_internal::kMaxSyntaxErrors) {
      Error(offset, "Syntax error: More than " + std::to_string(parser_internal::kMaxSyntaxErrors) +
                        " syntax errors");
      aborted_ = true;
      return;
    }
    ++syntax_errors_;
    Error(offset, "Syntax error: " + std::move(message));
  }

  // ---- Node construction ----

  ExprId NextId(int32_t offset) {
    const ExprId id = next_id_++;
    result_.expr.positions[id] = offset;
    return id;
  }

  int32_t PositionOf(ExprId id) const {
    auto it = result_.expr.positions.find(id);
    return it == result_.expr.positions.end() ? -1 : it->second;
  }

  static ExprPtr NewNode(ExprKind kind, ExprId id) {
    auto e = std::make_unique<Expr>();
    e->id = id;
    e->kind = kind;
    return e;
  }

  ExprPtr ErrorExpr(int32_t offset) { return NewNode(ExprKind::kUnspecified, NextId(offset)); }

  ExprPtr NewIdent(ExprId id, std::string name) {
    ExprPtr e = NewNode(ExprKind::kIdent, id);
    e->name = std::move(name);
    return e;
  }

  ExprPtr NewSelect(ExprId id, ExprPtr operand, std::string field) {
    ExprPtr e = NewNode(ExprKind::kSelect, id);
    e->operand = std::move(operand);
    e->name = std::move(field);
    return e;
  }

  ExprPtr NewCall(ExprId id, std::string_view function, std::vector<ExprPtr> args,
                  ExprPtr target = nullptr) {
    ExprPtr e = NewNode(ExprKind::kCall, id);
    e->name = std::string(function);
    e->target = std::move(target);
    e->args = std::move(args);
    return e;
  }

  static std::vector<ExprPtr> Args(ExprPtr a) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    return v;
  }
  static std::vector<ExprPtr> Args(ExprPtr a, ExprPtr b) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    v.push_back(std::move(b));
    return v;
  }
  static std::vector<ExprPtr> Args(ExprPtr a, ExprPtr b, ExprPtr c) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    v.push_back(std::move(b));
    v.push_back(std::move(c));
    return v;
  }

  ExprPtr NewConstant(ExprId id, Constant c) {
    ExprPtr e = NewNode(ExprKind::kConstant, id);
    e->constant = std::move(c);
    return e;
  }

  // ---- Grammar ----

  // expr: conditionalOr ('?' conditionalOr ':' expr)?
  ExprPtr ParseExpr() {
    DepthScope scope(this);
    if (!scope.Enter(Cur().offset)) {
      return ErrorExpr(Cur().offset);
    }
    ExprPtr cond = ParseLogical(/*is_or=*/true);
    if (aborted_ || !At(TokenKind::kQuestion)) {
      return cond;
    }
    const ExprId id = NextId(Cur().offset);
    Advance();
    ExprPtr if_true = ParseLogical(/*is_or=*/true);
    ExprPtr if_false;
    if (Expect(TokenKind::kColon, "':'")) {
      if_false = ParseExpr();
    } else {
      if_false = ErrorExpr(Cur().offset);
    }
    return NewCall(id, op::kConditional,
                   Args(std::move(cond), std::move(if_true), std::move(if_false)));
  }

  // conditionalOr / conditionalAnd; the terms become a balanced tree as in cel-go.
  ExprPtr ParseLogical(bool is_or) {
    ExprPtr first = is_or ? ParseLogical(false) : ParseBinary(0);
    if (!At(is_or ? TokenKind::kOr : TokenKind::kAnd)) {
      return first;
    }
    return ParseLogicalChain(is_or, std::move(first));
  }

  // Out of line, like the other chain loops: the frames on the recursive path stay small.
  [[gnu::noinline]] ExprPtr ParseLogicalChain(bool is_or, ExprPtr first) {
    const TokenKind op_kind = is_or ? TokenKind::kOr : TokenKind::kAnd;
    std::vector<ExprPtr> terms;
    std::vector<ExprId> ops;
    terms.push_back(std::move(first));
    while (!aborted_ && At(op_kind)) {
      const int32_t op_offset = Cur().offset;
      Advance();
      ExprPtr next = is_or ? ParseLogical(false) : ParseBinary(0);
      ops.push_back(NextId(op_offset));
      terms.push_back(std::move(next));
    }
    if (ops.empty()) {  // aborted before the first operator
      return std::move(terms[0]);
    }
    const std::string_view function = is_or ? op::kLogicalOr : op::kLogicalAnd;
    return BalancedTree(function, &terms, ops, 0, ops.size() - 1);
  }

  // Recursion depth is log2(number of terms).
  ExprPtr BalancedTree(std::string_view function, std::vector<ExprPtr>* terms,
                       const std::vector<ExprId>& ops, size_t lo, size_t hi) {
    const size_t mid = (lo + hi + 1) / 2;
    ExprPtr left =
        mid == lo ? std::move((*terms)[mid]) : BalancedTree(function, terms, ops, lo, mid - 1);
    ExprPtr right =
        mid == hi ? std::move((*terms)[mid + 1]) : BalancedTree(function, terms, ops, mid + 1, hi);
    return NewCall(ops[mid], function, Args(std::move(left), std::move(right)));
  }

  // The left-associative binary levels: 0 = relation (< <= > >= == != in), 1 = additive
  // (+ -), 2 = multiplicative (* / %).
  static std::string_view BinaryFunction(int level, TokenKind k) {
    switch (level) {
      case 0:
        return RelationFunction(k);
      case 1:
        return AdditiveFunction(k);
      default:
        return MultiplicativeFunction(k);
    }
  }

  ExprPtr ParseBinaryOperand(int level) {
    return level < 2 ? ParseBinary(level + 1) : ParseUnary();
  }

  ExprPtr ParseBinary(int level) {
    ExprPtr lhs = ParseBinaryOperand(level);
    if (aborted_ || BinaryFunction(level, Cur().kind).empty()) {
      return lhs;
    }
    return ParseBinaryChain(level, std::move(lhs));
  }

  [[gnu::noinline]] ExprPtr ParseBinaryChain(int level, ExprPtr lhs) {
    DepthScope scope(this);
    while (!aborted_) {
      const std::string_view function = BinaryFunction(level, Cur().kind);
      if (function.empty() || !scope.Enter(Cur().offset)) {
        break;
      }
      const ExprId id = NextId(Cur().offset);
      Advance();
      ExprPtr rhs = ParseBinaryOperand(level);
      lhs = NewCall(id, function, Args(std::move(lhs), std::move(rhs)));
    }
    return lhs;
  }

  // unary: member | '!'+ member | '-'+ member. A single '-' before a number literal belongs to
  // the literal (ANTLR prefers the literal alternative); pairs of '!' or '-' cancel out.
  ExprPtr ParseUnary() {
    if (aborted_) {
      return ErrorExpr(Cur().offset);
    }
    if (!CanStartUnary(Cur().kind) && !At(TokenKind::kEof) && CanStartUnary(Peek(1).kind)) {
      SkipExtraneous(kExpressionStart);
    }
    if (At(TokenKind::kBang) || At(TokenKind::kMinus)) {
      const TokenKind kind = Cur().kind;
      const int32_t first_offset = Cur().offset;
      size_t count = 0;
      while (Peek(count).kind == kind && pos_ + count + 1 < tokens_.size()) {
        ++count;
      }
      if (kind == TokenKind::kMinus && count == 1 &&
          (Peek(1).kind == TokenKind::kInt || Peek(1).kind == TokenKind::kDouble)) {
        return ParseMember();
      }
      for (size_t i = 0; i < count; ++i) {
        Advance();
      }
      if (count % 2 == 0) {
        return ParseMember();
      }
      const ExprId id = NextId(first_offset);
      ExprPtr operand = ParseMember();
      return NewCall(id, kind == TokenKind::kBang ? op::kLogicalNot : op::kNegate,
                     Args(std::move(operand)));
    }
    return ParseMember();
  }

  // member: primary ('.' IDENT | '.' IDENT '(' args ')' | '.?' IDENT | '[' '?'? expr ']')*
  ExprPtr ParseMember() {
    const size_t start_token = pos_;
    ExprPtr e = ParsePrimary();
    if (aborted_ || (!At(TokenKind::kDot) && !At(TokenKind::kLBracket))) {
      return e;
    }
    return ParseMemberChain(std::move(e), start_token);
  }

  [[gnu::noinline]] ExprPtr ParseMemberChain(ExprPtr e, size_t start_token) {
    DepthScope scope(this);
    while (!aborted_) {
      if (At(TokenKind::kDot)) {
        if (!scope.Enter(Cur().offset)) {
          break;
        }
        e = ParseDotSuffix(std::move(e), start_token);
      } else if (At(TokenKind::kLBracket)) {
        if (!scope.Enter(Cur().offset)) {
          break;
        }
        e = ParseIndexSuffix(std::move(e));
      } else {
        break;
      }
    }
    return e;
  }

  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseDotSuffix(ExprPtr operand, size_t start_token) {
    const int32_t dot_offset = Cur().offset;
    Advance();
    const bool optional = Accept(TokenKind::kQuestion);
    if (!At(TokenKind::kIdent) && !At(TokenKind::kEscIdent)) {
      SyntaxError(Cur().offset, "mismatched input " + Display(Cur()) + " expecting IDENTIFIER");
      return ErrorExpr(dot_offset);
    }
    const Token& id_token = Cur();
    const bool escaped = id_token.kind == TokenKind::kEscIdent;
    std::string name = escaped ? id_token.value : std::string(TokenText(id_token));
    const int32_t id_offset = id_token.offset;
    Advance();
    if (optional) {
      if (!options_.enable_optional_syntax) {
        Error(dot_offset, "unsupported syntax '.?'");
        return ErrorExpr(dot_offset);
      }
      Constant c;
      c.kind = ConstantKind::kString;
      c.string_value = std::move(name);
      ExprPtr field = NewConstant(NextId(id_offset), std::move(c));
      return NewCall(NextId(dot_offset), op::kOptSelect,
                     Args(std::move(operand), std::move(field)));
    }
    if (!escaped && At(TokenKind::kLParen)) {
      const ExprId id = NextId(Cur().offset);
      Advance();
      std::vector<ExprPtr> args = ParseCallArgs();
      return ReceiverCallOrMacro(id, std::move(name), std::move(operand), std::move(args),
                                 start_token);
    }
    return NewSelect(NextId(dot_offset), std::move(operand), std::move(name));
  }

  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseIndexSuffix(ExprPtr operand) {
    const int32_t open_offset = Cur().offset;
    Advance();
    const bool optional = Accept(TokenKind::kQuestion);
    const ExprId id = NextId(open_offset);
    ExprPtr index = ParseExpr();
    Expect(TokenKind::kRBracket, "']'");
    if (optional && !options_.enable_optional_syntax) {
      Error(open_offset, "unsupported syntax '[?'");
      return ErrorExpr(open_offset);
    }
    return NewCall(id, optional ? op::kOptIndex : op::kIndex,
                   Args(std::move(operand), std::move(index)));
  }

  // Call arguments after '(' through ')': expr (',' expr)* — no trailing comma.
  std::vector<ExprPtr> ParseCallArgs() {
    std::vector<ExprPtr> args;
    if (!At(TokenKind::kRParen)) {
      args.push_back(ParseExpr());
      while (!aborted_ && Accept(TokenKind::kComma)) {
        args.push_back(ParseExpr());
      }
    }
    Expect(TokenKind::kRParen, "')'");
    return args;
  }

  ExprPtr ParsePrimary() {
    if (aborted_) {
      return ErrorExpr(Cur().offset);
    }
    const Token& t = Cur();
    switch (t.kind) {
      case TokenKind::kMinus:
        if (Peek(1).kind == TokenKind::kInt || Peek(1).kind == TokenKind::kDouble) {
          return ParseLiteral();
        }
        break;
      case TokenKind::kInt:
      case TokenKind::kUint:
      case TokenKind::kDouble:
      case TokenKind::kString:
      case TokenKind::kBytes:
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kNull:
        return ParseLiteral();
      case TokenKind::kDot:
      case TokenKind::kIdent:
        return ParseIdentCallOrMessage();
      case TokenKind::kLParen: {
        Advance();
        ExprPtr e = ParseExpr();
        Expect(TokenKind::kRParen, "')'");
        return e;
      }
      case TokenKind::kLBracket:
        return ParseList();
      case TokenKind::kLBrace:
        return ParseMap();
      default:
        break;
    }
    ReportMismatch(kExpressionStart);
    return ErrorExpr(t.offset);
  }

  [[gnu::noinline]] void ReportMismatch(std::string_view expected) {
    SyntaxError(Cur().offset,
                "mismatched input " + Display(Cur()) + " expecting " + std::string(expected));
  }

  [[gnu::noinline]] void SkipExtraneous(std::string_view expected) {
    SyntaxError(Cur().offset,
                "extraneous input " + Display(Cur()) + " expecting " + std::string(expected));
    Skip();
  }

  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseLiteral() {
    const int32_t offset = Cur().offset;
    const bool negative = Accept(TokenKind::kMinus);
    const Token& t = Cur();
    const std::string_view text = TokenText(t);
    Constant c;
    switch (t.kind) {
      case TokenKind::kInt: {
        const bool hex = text.size() > 2 && text[0] == '0' && text[1] == 'x';
        uint64_t u = 0;
        const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
        if (!ParseUnsigned(hex ? text.substr(2) : text, hex ? 16 : 10, &u) || u > limit) {
          Advance();
          Error(offset, "invalid int literal");
          return ErrorExpr(offset);
        }
        c.kind = ConstantKind::kInt;
        c.int_value = negative ? static_cast<int64_t>(0 - u) : static_cast<int64_t>(u);
        break;
      }
      case TokenKind::kUint: {
        std::string_view digits = text.substr(0, text.size() - 1);
        const bool hex = digits.size() > 2 && digits[0] == '0' && digits[1] == 'x';
        uint64_t u = 0;
        if (!ParseUnsigned(hex ? digits.substr(2) : digits, hex ? 16 : 10, &u)) {
          Advance();
          Error(offset, "invalid uint literal");
          return ErrorExpr(offset);
        }
        c.kind = ConstantKind::kUint;
        c.uint_value = u;
        break;
      }
      case TokenKind::kDouble: {
        double d = 0;
        if (!ParseDoubleLiteral(text, negative, &d)) {
          Advance();
          Error(offset, "invalid double literal");
          return ErrorExpr(offset);
        }
        c.kind = ConstantKind::kDouble;
        c.double_value = d;
        break;
      }
      case TokenKind::kString:
        c.kind = ConstantKind::kString;
        c.string_value = t.value;
        break;
      case TokenKind::kBytes:
        c.kind = ConstantKind::kBytes;
        c.string_value = t.value;
        break;
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        c.kind = ConstantKind::kBool;
        c.bool_value = t.kind == TokenKind::kTrue;
        break;
      default:  // kNull
        c.kind = ConstantKind::kNull;
        break;
    }
    Advance();
    return NewConstant(NextId(offset), std::move(c));
  }

  // ['.'] IDENT ['(' args ')'] or a message construction ['.'] IDENT ('.' IDENT)* '{' ... '}'.
  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseIdentCallOrMessage() {
    const size_t start_token = pos_;
    const int32_t start_offset = Cur().offset;
    const bool leading_dot = At(TokenKind::kDot);
    // Message construction needs a dotted name directly followed by '{'.
    {
      size_t k = leading_dot ? 1 : 0;
      if (Peek(k).kind == TokenKind::kIdent) {
        size_t j = k + 1;
        while (Peek(j).kind == TokenKind::kDot && Peek(j + 1).kind == TokenKind::kIdent) {
          j += 2;
        }
        if (Peek(j).kind == TokenKind::kLBrace) {
          return ParseMessage(leading_dot);
        }
      }
    }
    if (leading_dot) {
      Advance();
      if (!At(TokenKind::kIdent)) {
        SyntaxError(Cur().offset, "mismatched input " + Display(Cur()) + " expecting IDENTIFIER");
        return ErrorExpr(Cur().offset);
      }
    }
    std::string name(TokenText(Cur()));
    const int32_t id_offset = Cur().offset;
    Advance();
    const bool reserved = IsReserved(name);
    if (leading_dot) {
      name.insert(0, ".");
    }
    if (At(TokenKind::kLParen)) {
      const ExprId id = reserved ? 0 : NextId(Cur().offset);
      Advance();
      std::vector<ExprPtr> args = ParseCallArgs();
      if (reserved) {
        Error(start_offset, "reserved identifier: " + name.substr(leading_dot ? 1 : 0));
        return ErrorExpr(start_offset);
      }
      return GlobalCallOrMacro(id, std::move(name), std::move(args), start_token);
    }
    if (reserved) {
      Error(start_offset, "reserved identifier: " + name.substr(leading_dot ? 1 : 0));
      return ErrorExpr(start_offset);
    }
    return NewIdent(NextId(id_offset), std::move(name));
  }

  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseMessage(bool leading_dot) {
    std::string name = leading_dot ? "." : "";
    if (leading_dot) {
      Advance();
    }
    name += TokenText(Cur());
    Advance();
    while (At(TokenKind::kDot)) {
      Advance();
      name += ".";
      name += TokenText(Cur());
      Advance();
    }
    const ExprId id = NextId(Cur().offset);  // '{'
    Advance();
    ExprPtr e = NewNode(ExprKind::kStruct, id);
    e->name = std::move(name);
    if (At(TokenKind::kComma) && Peek(1).kind == TokenKind::kRBrace) {
      Advance();
    } else {
      while (!aborted_ && !At(TokenKind::kRBrace)) {
        bool optional = false;
        const int32_t question_offset = Cur().offset;
        if (At(TokenKind::kQuestion)) {
          optional = true;
          Advance();
        }
        if (!At(TokenKind::kIdent) && !At(TokenKind::kEscIdent)) {
          SyntaxError(Cur().offset, "mismatched input " + Display(Cur()) + " expecting " +
                                        (optional ? "{IDENTIFIER, ESC_IDENTIFIER}"
                                                  : "{'}', '?', IDENTIFIER, ESC_IDENTIFIER}"));
          break;
        }
        std::string field = At(TokenKind::kEscIdent) ? Cur().value : std::string(TokenText(Cur()));
        Advance();
        const int32_t colon_offset = Cur().offset;
        if (!Expect(TokenKind::kColon, "':'")) {
          break;
        }
        const ExprId entry_id = NextId(colon_offset);
        ExprPtr value = ParseExpr();
        if (optional && !options_.enable_optional_syntax) {
          Error(question_offset, "unsupported syntax '?'");
        } else {
          Entry entry;
          entry.id = entry_id;
          entry.field = std::move(field);
          entry.value = std::move(value);
          entry.optional = optional;
          e->entries.push_back(std::move(entry));
        }
        if (!At(TokenKind::kComma)) {
          break;
        }
        Advance();
      }
    }
    Expect(TokenKind::kRBrace, "'}'");
    return e;
  }

  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseList() {
    const ExprId id = NextId(Cur().offset);
    Advance();
    ExprPtr e = NewNode(ExprKind::kList, id);
    if (At(TokenKind::kComma) && Peek(1).kind == TokenKind::kRBracket) {
      Advance();
    } else {
      while (!aborted_ && !At(TokenKind::kRBracket)) {
        const int32_t question_offset = Cur().offset;
        const bool optional = Accept(TokenKind::kQuestion);
        ExprPtr element = ParseExpr();
        if (optional) {
          if (options_.enable_optional_syntax) {
            e->optional_indices.push_back(static_cast<int32_t>(e->args.size()));
          } else {
            Error(question_offset, "unsupported syntax '?'");
          }
        }
        e->args.push_back(std::move(element));
        if (!At(TokenKind::kComma)) {
          break;
        }
        Advance();
      }
    }
    Expect(TokenKind::kRBracket, "']'");
    return e;
  }

  // Out of line: keeps the recursive path's frames small (see ParseExpr).
  [[gnu::noinline]] ExprPtr ParseMap() {
    const ExprId id = NextId(Cur().offset);
    const int32_t brace_offset = Cur().offset;
    Advance();
    ExprPtr e = NewNode(ExprKind::kMap, id);
    if (At(TokenKind::kComma) && Peek(1).kind == TokenKind::kRBrace) {
      Advance();
    } else {
      while (!aborted_ && !At(TokenKind::kRBrace)) {
        // cel-go numbers the entry (at its ':') before the key.
        const ExprId entry_id = NextId(brace_offset);
        const int32_t question_offset = Cur().offset;
        const bool optional = Accept(TokenKind::kQuestion);
        ExprPtr key = ParseExpr();
        const int32_t colon_offset = Cur().offset;
        if (!Expect(TokenKind::kColon, "':'")) {
          break;
        }
        result_.expr.positions[entry_id] = colon_offset;
        ExprPtr value = ParseExpr();
        if (optional && !options_.enable_optional_syntax) {
          Error(question_offset, "unsupported syntax '?'");
        } else {
          Entry entry;
          entry.id = entry_id;
          entry.key = std::move(key);
          entry.value = std::move(value);
          entry.optional = optional;
          e->entries.push_back(std::move(entry));
        }
        if (!At(TokenKind::kComma)) {
          break;
        }
        Advance();
      }
    }
    Expect(TokenKind::kRBrace, "'}'");
    return e;
  }

  // ---- Macros ----

  struct MacroCall {
    ExprId id;           // id of the call node (removed once expanded)
    int32_t offset;      // position of the call's '('; given to every expansion node
    size_t start_token;  // first token of the call text
  };

  // Identifies which macro, if any, a call shape names.
  MacroKind FindMacro(std::string_view fn, size_t argc, const Expr* target, bool* is_has) const {
    enum class Feature : uint8_t { kStandard, kBind, kTwoVar, kOptional };
    struct Shape {
      std::string_view name;
      size_t argc;
      MacroKind kind;
      Feature feature;
    };
    using F = Feature;
    static constexpr Shape kReceiverMacros[] = {
        {"all", 2, MacroKind::kAll, F::kStandard},
        {"exists", 2, MacroKind::kExists, F::kStandard},
        {"exists_one", 2, MacroKind::kExistsOne, F::kStandard},
        {"existsOne", 2, MacroKind::kExistsOne, F::kStandard},
        {"map", 2, MacroKind::kMap, F::kStandard},
        {"map", 3, MacroKind::kMapFilter, F::kStandard},
        {"filter", 2, MacroKind::kFilter, F::kStandard},
        {"bind", 3, MacroKind::kBind, F::kBind},
        {"all", 3, MacroKind::kAll2, F::kTwoVar},
        {"exists", 3, MacroKind::kExists2, F::kTwoVar},
        {"existsOne", 3, MacroKind::kExistsOne2, F::kTwoVar},
        {"exists_one", 3, MacroKind::kExistsOne2, F::kTwoVar},
        {"transformList", 3, MacroKind::kTransformList, F::kTwoVar},
        {"transformList", 4, MacroKind::kTransformListFilter, F::kTwoVar},
        {"transformMap", 3, MacroKind::kTransformMap, F::kTwoVar},
        {"transformMap", 4, MacroKind::kTransformMapFilter, F::kTwoVar},
        {"transformMapEntry", 3, MacroKind::kTransformMapEntry, F::kTwoVar},
        {"transformMapEntry", 4, MacroKind::kTransformMapEntryFilter, F::kTwoVar},
        {"optMap", 2, MacroKind::kOptMap, F::kOptional},
        {"optFlatMap", 2, MacroKind::kOptFlatMap, F::kOptional},
    };
    auto enabled = [this](Feature f) {
      switch (f) {
        case Feature::kStandard: return true;
        case Feature::kBind: return options_.enable_bind_macro;
        case Feature::kTwoVar: return options_.enable_two_variable_comprehensions;
        case Feature::kOptional: return options_.enable_optional_macros;
      }
      return false;
    };
    *is_has = false;
    if (!options_.enable_macros) {
      return MacroKind::kNone;
    }
    if (target == nullptr) {
      *is_has = fn == "has" && argc == 1;
      return MacroKind::kNone;
    }
    for (const Shape& shape : kReceiverMacros) {
      if (shape.name != fn || shape.argc != argc) {
        continue;
      }
      if (!enabled(shape.feature)) {
        return MacroKind::kNone;
      }
      if (shape.kind == MacroKind::kBind &&
          (target->kind != ExprKind::kIdent || target->name != "cel")) {
        return MacroKind::kNone;  // only cel.bind; x.bind(...) is an ordinary call
      }
      return shape.kind;
    }
    return MacroKind::kNone;
  }

  static bool HasErrorNode(const Expr* target, const std::vector<ExprPtr>& args) {
    if (target != nullptr && target->kind == ExprKind::kUnspecified) {
      return true;
    }
    for (const ExprPtr& a : args) {
      if (a->kind == ExprKind::kUnspecified) {
        return true;
      }
    }
    return false;
  }

  [[gnu::noinline]] ExprPtr GlobalCallOrMacro(ExprId id, std::string fn, std::vector<ExprPtr> args,
                                              size_t start_token) {
    bool is_has = false;
    FindMacro(fn, args.size(), nullptr, &is_has);
    if (is_has && !HasErrorNode(nullptr, args)) {
      const MacroCall call{id, PositionOf(id), start_token};
      const Expr& arg = *args[0];
      if (arg.kind != ExprKind::kSelect) {
        return MacroError(call, arg, "invalid argument to has() macro");
      }
      ExprPtr e = NewSelect(NextId(call.offset), std::move(args[0]->operand), arg.name);
      e->test_only = true;
      return FinishMacro(call, std::move(e));
    }
    return NewCall(id, fn, std::move(args));
  }

  [[gnu::noinline]] ExprPtr ReceiverCallOrMacro(ExprId id, std::string fn, ExprPtr target,
                                                std::vector<ExprPtr> args, size_t start_token) {
    if (IsBlockMacro(fn, args.size(), *target) && !HasErrorNode(target.get(), args)) {
      return ExpandBlockMacro(MacroCall{id, PositionOf(id), start_token}, fn, std::move(args));
    }
    bool is_has = false;
    const MacroKind kind = FindMacro(fn, args.size(), target.get(), &is_has);
    if (kind == MacroKind::kNone || HasErrorNode(target.get(), args)) {
      return NewCall(id, fn, std::move(args), std::move(target));
    }
    const MacroCall call{id, PositionOf(id), start_token};
    switch (kind) {
      case MacroKind::kAll:
      case MacroKind::kExists:
      case MacroKind::kExistsOne:
        return ExpandQuantifier(call, kind, std::move(target), std::move(args));
      case MacroKind::kMap:
      case MacroKind::kMapFilter:
        return ExpandMap(call, kind, std::move(target), std::move(args));
      case MacroKind::kFilter:
        return ExpandFilter(call, std::move(target), std::move(args));
      case MacroKind::kBind:
        return ExpandBind(call, std::move(args));
      case MacroKind::kOptMap:
      case MacroKind::kOptFlatMap:
        return ExpandOptMap(call, kind, std::move(target), std::move(args));
      default:
        return ExpandTwoVar(call, kind, std::move(target), std::move(args));
    }
  }

  // cel.block / cel.index / cel.iterVar / cel.accuVar (ParserOptions::enable_block_macros).
  bool IsBlockMacro(std::string_view fn, size_t argc, const Expr& target) const {
    if (!options_.enable_macros || !options_.enable_block_macros ||
        target.kind != ExprKind::kIdent || target.name != "cel") {
      return false;
    }
    return ((fn == "block" || fn == "iterVar" || fn == "accuVar") && argc == 2) ||
           (fn == "index" && argc == 1);
  }

  static bool IsNonNegativeInt(const Expr& e) {
    return e.kind == ExprKind::kConstant && e.constant.kind == ConstantKind::kInt &&
           e.constant.int_value >= 0;
  }

  ExprPtr ExpandBlockMacro(const MacroCall& call, std::string_view fn, std::vector<ExprPtr> args) {
    if (fn == "block") {
      if (args[0]->kind != ExprKind::kList) {
        return MacroError(call, *args[0], "cel.block requires the first arg to be a list literal");
      }
      return FinishMacro(call, MCall(call, op::kBlock, std::move(args)));
    }
    if (fn == "index") {
      if (!IsNonNegativeInt(*args[0])) {
        return MacroError(call, *args[0],
                          "cel.index requires a single non-negative int constant arg");
      }
      return FinishMacro(call, MIdent(call, std::string(op::kBlockIndexPrefix) +
                                                std::to_string(args[0]->constant.int_value)));
    }
    const bool iter = fn == "iterVar";
    for (const ExprPtr& a : args) {
      if (!IsNonNegativeInt(*a)) {
        return MacroError(call, *a,
                          std::string(iter ? "cel.iterVar" : "cel.accuVar") +
                              " requires two non-negative int constant args");
      }
    }
    return FinishMacro(call, MIdent(call, std::string(iter ? "@it:" : "@ac:") +
                                              std::to_string(args[0]->constant.int_value) + ":" +
                                              std::to_string(args[1]->constant.int_value)));
  }

  ExprPtr MacroError(const MacroCall& call, const Expr& culprit, std::string message) {
    const int32_t offset = PositionOf(culprit.id);
    result_.expr.positions.erase(call.id);
    Error(offset, std::move(message));
    return ErrorExpr(offset);
  }

  // Drops the call's id and records the call text for the expansion root.
  ExprPtr FinishMacro(const MacroCall& call, ExprPtr expansion) {
    result_.expr.positions.erase(call.id);
    const size_t begin = tokens_[call.start_token].begin;
    const size_t end = pos_ > 0 ? tokens_[pos_ - 1].end : begin;
    if (end > begin) {
      size_t len = end - begin;
      std::string text;
      if (len > kMaxMacroCallText) {
        len = kMaxMacroCallText;
        while (len > 0 && (static_cast<unsigned char>(text_[begin + len]) & 0xC0) == 0x80) {
          --len;
        }
        text = text_.substr(begin, len) + "...";
      } else {
        text = text_.substr(begin, len);
      }
      result_.expr.macro_calls[expansion->id] = std::move(text);
    }
    return expansion;
  }

  // Helpers for expansion nodes: each takes already-built children, then numbers the new node,
  // so ids follow cel-go's order as long as callers build children in cel-go's order.
  ExprPtr MBool(const MacroCall& call, bool v) {
    Constant c;
    c.kind = ConstantKind::kBool;
    c.bool_value = v;
    return NewConstant(NextId(call.offset), std::move(c));
  }
  ExprPtr MInt(const MacroCall& call, int64_t v) {
    Constant c;
    c.kind = ConstantKind::kInt;
    c.int_value = v;
    return NewConstant(NextId(call.offset), std::move(c));
  }
  ExprPtr MIdent(const MacroCall& call, std::string_view name) {
    return NewIdent(NextId(call.offset), std::string(name));
  }
  ExprPtr MAccu(const MacroCall& call) { return MIdent(call, op::kAccumulatorName); }
  ExprPtr MCall(const MacroCall& call, std::string_view fn, std::vector<ExprPtr> args,
                ExprPtr target = nullptr) {
    return NewCall(NextId(call.offset), fn, std::move(args), std::move(target));
  }
  ExprPtr MList(const MacroCall& call, ExprPtr element = nullptr) {
    ExprPtr e = NewNode(ExprKind::kList, NextId(call.offset));
    if (element != nullptr) {
      e->args.push_back(std::move(element));
    }
    return e;
  }
  ExprPtr MMap(const MacroCall& call) { return NewNode(ExprKind::kMap, NextId(call.offset)); }
  struct FoldParts {
    std::string iter_var;
    std::string iter_var2;
    ExprPtr range;
    std::string accu_var;
    ExprPtr init;
    ExprPtr condition;
    ExprPtr step;
    ExprPtr result;
  };
  ExprPtr MFold(const MacroCall& call, MacroKind kind, FoldParts parts) {
    ExprPtr e = NewNode(ExprKind::kComprehension, NextId(call.offset));
    auto c = std::make_unique<Comprehension>();
    c->iter_var = std::move(parts.iter_var);
    c->iter_var2 = std::move(parts.iter_var2);
    c->iter_range = std::move(parts.range);
    c->accu_var = std::move(parts.accu_var);
    c->accu_init = std::move(parts.init);
    c->loop_condition = std::move(parts.condition);
    c->loop_step = std::move(parts.step);
    c->result = std::move(parts.result);
    c->macro = kind;
    e->comprehension = std::move(c);
    return e;
  }

  // Validates an iteration variable: returns an empty string and sets *name, or the issue text.
  static std::string IterVar(const Expr& arg, std::string_view not_ident_message,
                             std::string* name) {
    if (arg.kind != ExprKind::kIdent) {
      return std::string(not_ident_message);
    }
    if (arg.name == op::kAccumulatorName || arg.name == kLegacyAccumulatorName) {
      return "iteration variable overwrites accumulator variable";
    }
    *name = arg.name;
    return {};
  }

  ExprPtr ExpandQuantifier(const MacroCall& call, MacroKind kind, ExprPtr target,
                           std::vector<ExprPtr> args) {
    FoldParts f;
    if (std::string err = IterVar(*args[0], "argument must be a simple name", &f.iter_var);
        !err.empty()) {
      return MacroError(call, *args[0], std::move(err));
    }
    f.range = std::move(target);
    f.accu_var = std::string(op::kAccumulatorName);
    if (kind == MacroKind::kAll) {
      f.init = MBool(call, true);
      ExprPtr accu = MAccu(call);
      f.condition = MCall(call, op::kNotStrictlyFalse, Args(std::move(accu)));
      ExprPtr accu2 = MAccu(call);
      f.step = MCall(call, op::kLogicalAnd, Args(std::move(accu2), std::move(args[1])));
      f.result = MAccu(call);
    } else if (kind == MacroKind::kExists) {
      f.init = MBool(call, false);
      ExprPtr accu = MAccu(call);
      ExprPtr negated = MCall(call, op::kLogicalNot, Args(std::move(accu)));
      f.condition = MCall(call, op::kNotStrictlyFalse, Args(std::move(negated)));
      ExprPtr accu2 = MAccu(call);
      f.step = MCall(call, op::kLogicalOr, Args(std::move(accu2), std::move(args[1])));
      f.result = MAccu(call);
    } else {
      f.init = MInt(call, 0);
      f.condition = MBool(call, true);
      f.step = ExistsOneStep(call, std::move(args[1]));
      f.result = ExistsOneResult(call);
    }
    return FinishMacro(call, MFold(call, kind, std::move(f)));
  }

  // _?_:_(p, _+_(@result, 1), @result)
  ExprPtr ExistsOneStep(const MacroCall& call, ExprPtr predicate) {
    ExprPtr accu = MAccu(call);
    ExprPtr one = MInt(call, 1);
    ExprPtr add = MCall(call, op::kAdd, Args(std::move(accu), std::move(one)));
    ExprPtr accu2 = MAccu(call);
    return MCall(call, op::kConditional,
                 Args(std::move(predicate), std::move(add), std::move(accu2)));
  }

  // _==_(@result, 1)
  ExprPtr ExistsOneResult(const MacroCall& call) {
    ExprPtr accu = MAccu(call);
    ExprPtr one = MInt(call, 1);
    return MCall(call, op::kEquals, Args(std::move(accu), std::move(one)));
  }

  // filter ? step : @result
  ExprPtr Filtered(const MacroCall& call, ExprPtr filter, ExprPtr step) {
    ExprPtr accu = MAccu(call);
    return MCall(call, op::kConditional, Args(std::move(filter), std::move(step), std::move(accu)));
  }

  ExprPtr ExpandMap(const MacroCall& call, MacroKind kind, ExprPtr target,
                    std::vector<ExprPtr> args) {
    FoldParts f;
    if (std::string err = IterVar(*args[0], "argument is not an identifier", &f.iter_var);
        !err.empty()) {
      return MacroError(call, *args[0], std::move(err));
    }
    ExprPtr filter = kind == MacroKind::kMapFilter ? std::move(args[1]) : nullptr;
    ExprPtr transform = std::move(args.back());
    f.range = std::move(target);
    f.accu_var = std::string(op::kAccumulatorName);
    f.init = MList(call);
    f.condition = MBool(call, true);
    ExprPtr accu = MAccu(call);
    ExprPtr list = MList(call, std::move(transform));
    f.step = MCall(call, op::kAdd, Args(std::move(accu), std::move(list)));
    if (filter != nullptr) {
      f.step = Filtered(call, std::move(filter), std::move(f.step));
    }
    f.result = MAccu(call);
    return FinishMacro(call, MFold(call, kind, std::move(f)));
  }

  ExprPtr ExpandFilter(const MacroCall& call, ExprPtr target, std::vector<ExprPtr> args) {
    FoldParts f;
    if (std::string err = IterVar(*args[0], "argument is not an identifier", &f.iter_var);
        !err.empty()) {
      return MacroError(call, *args[0], std::move(err));
    }
    f.range = std::move(target);
    f.accu_var = std::string(op::kAccumulatorName);
    f.init = MList(call);
    f.condition = MBool(call, true);
    ExprPtr accu = MAccu(call);
    ExprPtr list = MList(call, std::move(args[0]));  // the iteration variable itself
    ExprPtr add = MCall(call, op::kAdd, Args(std::move(accu), std::move(list)));
    f.step = Filtered(call, std::move(args[1]), std::move(add));
    f.result = MAccu(call);
    return FinishMacro(call, MFold(call, MacroKind::kFilter, std::move(f)));
  }

  // cel.bind(v, init, body): a comprehension over [] whose accumulator v holds init.
  ExprPtr ExpandBind(const MacroCall& call, std::vector<ExprPtr> args) {
    if (args[0]->kind != ExprKind::kIdent) {
      return MacroError(call, *args[0], "cel.bind() variable names must be simple identifiers");
    }
    FoldParts f;
    f.iter_var = std::string(kUnusedIterVar);
    f.accu_var = args[0]->name;
    f.range = MList(call);
    f.init = std::move(args[1]);
    f.condition = MBool(call, false);
    f.step = MIdent(call, f.accu_var);
    f.result = std::move(args[2]);
    return FinishMacro(call, MFold(call, MacroKind::kBind, std::move(f)));
  }

  // opt.optMap(v, e):     opt.hasValue() ? optional.of(<bind v = opt.value() in e>)
  //                                      : optional.none()
  // opt.optFlatMap(v, e): opt.hasValue() ? <bind v = opt.value() in e> : optional.none()
  ExprPtr ExpandOptMap(const MacroCall& call, MacroKind kind, ExprPtr target,
                       std::vector<ExprPtr> args) {
    if (args[0]->kind != ExprKind::kIdent) {
      return MacroError(call, *args[0],
                        kind == MacroKind::kOptMap
                            ? "optMap() variable name must be a simple identifier"
                            : "optFlatMap() variable name must be a simple identifier");
    }
    const std::string var = args[0]->name;
    ExprPtr has_value = MCall(call, "hasValue", {}, std::move(target));
    FoldParts f;
    f.iter_var = std::string(kUnusedIterVar);
    f.accu_var = var;
    f.range = MList(call);
    ExprPtr target_copy = CloneWithNewIds(*has_value->target);
    f.init = MCall(call, "value", {}, std::move(target_copy));
    f.condition = MBool(call, false);
    f.step = MIdent(call, var);
    f.result = std::move(args[1]);
    ExprPtr fold = MFold(call, kind, std::move(f));
    ExprPtr present = kind == MacroKind::kOptMap ? MCall(call, "optional.of", Args(std::move(fold)))
                                                 : std::move(fold);
    ExprPtr none = MCall(call, "optional.none", {});
    ExprPtr e = MCall(call, op::kConditional,
                      Args(std::move(has_value), std::move(present), std::move(none)));
    return FinishMacro(call, std::move(e));
  }

  ExprPtr ExpandTwoVar(const MacroCall& call, MacroKind kind, ExprPtr target,
                       std::vector<ExprPtr> args) {
    FoldParts f;
    for (int i = 0; i < 2; ++i) {
      std::string* name = i == 0 ? &f.iter_var : &f.iter_var2;
      if (std::string err = IterVar(*args[i], "argument must be a simple name", name);
          !err.empty()) {
        return MacroError(call, *args[i], std::move(err));
      }
    }
    if (f.iter_var == f.iter_var2) {
      return MacroError(call, *args[0], "duplicate variable name: " + f.iter_var);
    }
    f.range = std::move(target);
    f.accu_var = std::string(op::kAccumulatorName);
    const bool filtered = args.size() == 4;
    ExprPtr filter = filtered ? std::move(args[2]) : nullptr;
    ExprPtr last = std::move(args.back());
    switch (kind) {
      case MacroKind::kAll2: {
        f.init = MBool(call, true);
        ExprPtr accu = MAccu(call);
        f.condition = MCall(call, op::kNotStrictlyFalse, Args(std::move(accu)));
        ExprPtr accu2 = MAccu(call);
        f.step = MCall(call, op::kLogicalAnd, Args(std::move(accu2), std::move(last)));
        f.result = MAccu(call);
        break;
      }
      case MacroKind::kExists2: {
        f.init = MBool(call, false);
        ExprPtr accu = MAccu(call);
        ExprPtr negated = MCall(call, op::kLogicalNot, Args(std::move(accu)));
        f.condition = MCall(call, op::kNotStrictlyFalse, Args(std::move(negated)));
        ExprPtr accu2 = MAccu(call);
        f.step = MCall(call, op::kLogicalOr, Args(std::move(accu2), std::move(last)));
        f.result = MAccu(call);
        break;
      }
      case MacroKind::kExistsOne2:
        f.init = MInt(call, 0);
        f.condition = MBool(call, true);
        f.step = ExistsOneStep(call, std::move(last));
        f.result = ExistsOneResult(call);
        break;
      case MacroKind::kTransformList:
      case MacroKind::kTransformListFilter: {
        ExprPtr accu = MAccu(call);
        ExprPtr list = MList(call, std::move(last));
        f.step = MCall(call, op::kAdd, Args(std::move(accu), std::move(list)));
        if (filter != nullptr) {
          f.step = Filtered(call, std::move(filter), std::move(f.step));
        }
        f.init = MList(call);
        f.condition = MBool(call, true);
        f.result = MAccu(call);
        break;
      }
      case MacroKind::kTransformMap:
      case MacroKind::kTransformMapFilter: {
        ExprPtr accu = MAccu(call);
        ExprPtr key = MIdent(call, f.iter_var);
        f.step = MCall(call, kMapInsert, Args(std::move(accu), std::move(key), std::move(last)));
        if (filter != nullptr) {
          f.step = Filtered(call, std::move(filter), std::move(f.step));
        }
        f.init = MMap(call);
        f.condition = MBool(call, true);
        f.result = MAccu(call);
        break;
      }
      default: {  // kTransformMapEntry, kTransformMapEntryFilter
        ExprPtr accu = MAccu(call);
        f.step = MCall(call, kMapInsert, Args(std::move(accu), std::move(last)));
        if (filter != nullptr) {
          f.step = Filtered(call, std::move(filter), std::move(f.step));
        }
        f.init = MMap(call);
        f.condition = MBool(call, true);
        f.result = MAccu(call);
        break;
      }
    }
    return FinishMacro(call, MFold(call, kind, std::move(f)));
  }

  // Deep copy with fresh ids (positions copied), so a macro can use its target twice and ids
  // stay unique. Recursion depth is bounded by the parser's depth limit.
  ExprPtr CloneWithNewIds(const Expr& e) {
    ExprPtr c = CloneExpr(e);
    Renumber(c.get());
    return c;
  }
  void Renumber(Expr* e) {
    e->id = NextId(PositionOfOr(e->id));
    if (e->operand) {
      Renumber(e->operand.get());
    }
    if (e->target) {
      Renumber(e->target.get());
    }
    for (ExprPtr& a : e->args) {
      Renumber(a.get());
    }
    for (Entry& en : e->entries) {
      en.id = NextId(PositionOfOr(en.id));
      if (en.key) {
        Renumber(en.key.get());
      }
      if (en.value) {
        Renumber(en.value.get());
      }
    }
    if (e->comprehension) {
      Comprehension& c = *e->comprehension;
      for (ExprPtr* p : {&c.iter_range, &c.accu_init, &c.loop_condition, &c.loop_step, &c.result}) {
        if (*p) {
          Renumber(p->get());
        }
      }
    }
  }
  int32_t PositionOfOr(ExprId id) const {
    const int32_t p = PositionOf(id);
    return p < 0 ? 0 : p;
  }

  const Source& source_;
  const std::string& text_;
  const ParserOptions& options_;
  int32_t max_depth_ = 250;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int32_t depth_ = 0;
  bool recovering_ = false;  // ANTLR's error-recovery mode: syntax errors are suppressed
  bool aborted_ = false;     // a fatal limit was hit; unwind without consuming input
  int syntax_errors_ = 0;
  ExprId next_id_ = 1;
  ParseResult result_;
};

}  // namespace

ParseResult Parse(const Source& source, const ParserOptions& options) {
  return ParserImpl(source, options).Run();
}

}  // namespace celgate::cel

// json/json.cc: JSON DOM construction (Builder), the RapidJSON-backed parser and writers.
//
// Pipeline: text --copied once into the Document's arena--> simdjson stage 1 (SIMD UTF-8 check
// and structural index) --FastParse (our stage 2: grammar check and arena nodes in one pass over
// the index; strings without escapes stay views into the copy)--> Document. Whenever stage 1
// rejects the text or stage 2 meets something it leaves to the reference parser (any syntax
// error, too deep, repeated keys, lone surrogates, "-0", a zero or out-of-range double), the
// text is parsed again by the reference path, text --RapidJSON iterative SAX reader-->
// ParseHandler --> Builder, which decides acceptance and words the error. Serialize/Writer walk
// a Value with an explicit stack and feed a rapidjson::Writer.
// Users include json/json.h; RapidJSON and simdjson never leave this file.
#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/arena.h"
#include "base/check.h"

namespace celgate::json {

using internal::Member;
using internal::Node;

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return "bool";
    case Type::kInt:
      return "int";
    case Type::kDouble:
      return "double";
    case Type::kString:
      return "string";
    case Type::kArray:
      return "array";
    case Type::kObject:
      return "object";
  }
  return "unknown";
}

namespace {

std::string_view KeyOf(const Node& key) { return std::string_view(key.s, key.size); }

// Total order used by object indexes: length first (cheap reject), then bytes.
bool KeyLess(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return a.size() < b.size();
  }
  return !a.empty() && std::memcmp(a.data(), b.data(), a.size()) < 0;
}

bool KeyEq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && internal::SameBytes(a.data(), b.data(), a.size());
}

Node MakeNode(Type type, Position pos) {
  Node n;
  std::memset(&n, 0, sizeof(n));
  n.type = type;
  n.line = pos.line;
  n.column = pos.column;
  return n;
}

}  // namespace

namespace internal {

const Node* FindIndexed(const Node* obj, std::string_view key) {
  const Member* members = obj->members;
  const uint32_t n = obj->size;
  const uint32_t* index = reinterpret_cast<const uint32_t*>(members + n);
  const uint32_t* it = std::lower_bound(index, index + n, key, [&](uint32_t i, std::string_view k) {
    return KeyLess(KeyOf(members[i].key), k);
  });
  if (it != index + n && KeyEq(KeyOf(members[*it].key), key)) {
    return &members[*it].value;
  }
  return nullptr;
}

}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Document

Document::Document() = default;
Document::~Document() = default;
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;

size_t Document::memory_bytes() const { return arena_ ? arena_->allocated_bytes() : 0; }

// ---------------------------------------------------------------------------------------------
// Builder

Builder::Builder() : Builder(4096) {}
Builder::Builder(size_t initial_arena_bytes) : arena_bytes_(initial_arena_bytes) {
  stack_.reserve(64);
  frames_.reserve(16);
  opens_.reserve(16);
}

Arena& Builder::arena() {
  if (!arena_) {
    arena_ = std::make_unique<Arena>(arena_bytes_);
  }
  return *arena_;
}
Builder::~Builder() = default;

void Builder::Push(const Node& n) { stack_.push_back(n); }

void Builder::Null(Position pos) { Push(MakeNode(Type::kNull, pos)); }

void Builder::Bool(bool b, Position pos) {
  Node n = MakeNode(Type::kBool, pos);
  n.b = b;
  Push(n);
}

void Builder::Int(int64_t i, Position pos) {
  Node n = MakeNode(Type::kInt, pos);
  n.i = i;
  Push(n);
}

void Builder::Double(double d, Position pos) {
  Node n = MakeNode(Type::kDouble, pos);
  n.d = d;
  Push(n);
}

void Builder::String(std::string_view s, Position pos) {
  // Strings longer than 4 GiB cannot be stored; every producer bounds its input far below.
  CG_CHECK(s.size() <= std::numeric_limits<uint32_t>::max());
  Node n = MakeNode(Type::kString, pos);
  n.s = arena().CopyString(s).data();
  n.size = static_cast<uint32_t>(s.size());
  Push(n);
}

void Builder::Key(std::string_view key, Position pos) {
  CG_DCHECK(!opens_.empty() && opens_.back().type == Type::kObject &&
            (stack_.size() - frames_.back()) % 2 == 0);
  String(key, pos);
}

void Builder::StartArray(Position pos) {
  frames_.push_back(stack_.size());
  opens_.push_back(MakeNode(Type::kArray, pos));
}

void Builder::StartObject(Position pos) {
  frames_.push_back(stack_.size());
  opens_.push_back(MakeNode(Type::kObject, pos));
}

void Builder::EndArray() {
  CG_DCHECK(!opens_.empty() && opens_.back().type == Type::kArray);
  if (opens_.empty()) {
    return;
  }
  const size_t start = frames_.back();
  const size_t count = stack_.size() - start;
  CG_CHECK(count <= std::numeric_limits<uint32_t>::max());
  Node n = opens_.back();
  n.type = Type::kArray;
  n.size = static_cast<uint32_t>(count);
  if (count > 0) {
    Node* elems = arena().NewArray<Node>(count);
    std::memcpy(static_cast<void*>(elems), stack_.data() + start, count * sizeof(Node));
    n.elems = elems;
  } else {
    n.elems = nullptr;
  }
  frames_.pop_back();
  opens_.pop_back();
  stack_.resize(start);
  Push(n);
}

void Builder::EndObject() {
  CG_DCHECK(!opens_.empty() && opens_.back().type == Type::kObject);
  if (opens_.empty()) {
    return;
  }
  const size_t start = frames_.back();
  if ((stack_.size() - start) % 2 != 0) {  // key without value: misuse; stay memory-safe
    CG_DCHECK(false);
    Null();
  }
  const size_t pairs = (stack_.size() - start) / 2;
  CG_CHECK(pairs <= std::numeric_limits<uint32_t>::max());
  Member* members = nullptr;
  uint32_t count = 0;
  DedupeAndIndex(start, static_cast<uint32_t>(pairs), &members, &count);
  Node n = opens_.back();
  n.type = Type::kObject;
  n.size = count;
  n.members = members;
  frames_.pop_back();
  opens_.pop_back();
  stack_.resize(start);
  Push(n);
}

// Copies the `pairs` key/value pairs at stack_[start..] into one arena block, removing repeated
// keys (first place, last value) and appending a sorted index for large objects.
void Builder::DedupeAndIndex(size_t start, uint32_t pairs, Member** out_members,
                             uint32_t* out_count) {
  const Node* nodes = stack_.data() + start;
  auto key = [&](uint32_t i) { return KeyOf(nodes[2 * i]); };

  // value_from[i] = index of the pair whose value member i takes; kDropped for removed pairs.
  constexpr uint32_t kDropped = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> value_from;  // empty unless there are duplicates
  auto note_duplicate = [&](uint32_t first, uint32_t later) {
    if (value_from.empty()) {
      value_from.resize(pairs);
      std::iota(value_from.begin(), value_from.end(), 0u);
    }
    value_from[later] = kDropped;
    value_from[first] = later;  // visited in increasing `later`, so the last one wins
    if (!duplicate_) {
      const Node& a = nodes[2 * first];
      const Node& b = nodes[2 * later];
      duplicate_ = Duplicate{std::string(key(later)), Position{a.line, a.column},
                             Position{b.line, b.column}};
    }
  };

  if (pairs <= internal::kIndexedObjectMin) {
    for (uint32_t i = 1; i < pairs; ++i) {
      for (uint32_t j = 0; j < i; ++j) {
        if ((value_from.empty() || value_from[j] != kDropped) && KeyEq(key(j), key(i))) {
          note_duplicate(j, i);
          break;
        }
      }
    }
  } else {
    scratch_.resize(pairs);
    std::iota(scratch_.begin(), scratch_.end(), 0u);
    std::stable_sort(scratch_.begin(), scratch_.end(),
                     [&](uint32_t a, uint32_t b) { return KeyLess(key(a), key(b)); });
    for (uint32_t g = 0; g < pairs;) {
      uint32_t e = g + 1;
      while (e < pairs && KeyEq(key(scratch_[g]), key(scratch_[e]))) {
        note_duplicate(scratch_[g], scratch_[e]);  // stable: scratch_[g] is the first
        ++e;
      }
      g = e;
    }
  }

  uint32_t count = pairs;
  if (!value_from.empty()) {
    count = static_cast<uint32_t>(
        std::count_if(value_from.begin(), value_from.end(), [](uint32_t v) { return v != kDropped; }));
  }
  *out_count = count;
  if (count == 0) {
    *out_members = nullptr;
    return;
  }
  const bool indexed = count > internal::kIndexedObjectMin;
  const size_t bytes = count * sizeof(Member) + (indexed ? count * sizeof(uint32_t) : 0);
  Member* members = static_cast<Member*>(arena().Allocate(bytes, alignof(Member)));
  if (value_from.empty()) {
    std::memcpy(static_cast<void*>(members), nodes, pairs * sizeof(Member));
  } else {
    uint32_t out = 0;
    for (uint32_t i = 0; i < pairs; ++i) {
      if (value_from[i] == kDropped) {
        continue;
      }
      members[out].key = nodes[2 * i];
      members[out].value = nodes[2 * value_from[i] + 1];
      ++out;
    }
  }
  if (indexed) {
    uint32_t* index = reinterpret_cast<uint32_t*>(members + count);
    std::iota(index, index + count, 0u);
    std::sort(index, index + count, [&](uint32_t a, uint32_t b) {
      return KeyLess(KeyOf(members[a].key), KeyOf(members[b].key));
    });
  }
  *out_members = members;
}

void Builder::Value(json::Value v) {
  // Emits `x`; returns true when it opened a container whose children must follow.
  auto emit = [this](json::Value x) {
    const Position pos = x.position();
    switch (x.type()) {
      case Type::kNull:
        Null(pos);
        return false;
      case Type::kBool:
        Bool(x.as_bool(), pos);
        return false;
      case Type::kInt:
        Int(x.as_int(), pos);
        return false;
      case Type::kDouble:
        Double(x.as_double(), pos);
        return false;
      case Type::kString:
        String(x.as_string(), pos);
        return false;
      case Type::kArray:
        StartArray(pos);
        return true;
      case Type::kObject:
        StartObject(pos);
        return true;
    }
    return false;
  };
  struct Frame {
    json::Value container;
    size_t next;
  };
  std::vector<Frame> todo;
  if (emit(v)) {
    todo.push_back({v, 0});
  }
  while (!todo.empty()) {
    Frame& f = todo.back();
    const json::Value c = f.container;
    if (f.next >= c.size()) {
      c.is_array() ? EndArray() : EndObject();
      todo.pop_back();
      continue;
    }
    const size_t i = f.next++;
    json::Value child;
    if (c.is_object()) {
      Key(c.key_at(i), c.key_position_at(i));
      child = c.value_at(i);
    } else {
      child = c.at(i);
    }
    if (emit(child)) {
      todo.push_back({child, 0});  // may invalidate `f`; not used again this round
    }
  }
}

Document Builder::Finish() {
  CG_DCHECK(opens_.empty() && stack_.size() == 1);
  // Release-mode recovery from misuse: close what is open, default to null.
  while (!opens_.empty()) {
    opens_.back().type == Type::kArray ? EndArray() : EndObject();
  }
  if (stack_.empty()) {
    Null();
  }
  Document doc;
  doc.root_ = arena().New<Node>(stack_.back());
  doc.arena_ = std::move(arena_);  // the next Document gets a new arena on first use
  stack_.clear();
  frames_.clear();
  duplicate_.reset();
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Parse

namespace {

// RapidJSON decodes a lone low-surrogate escape (\uDC00-\uDFFF) into the 3-byte (invalid)
// UTF-8 form ED B0..BF xx, and simdjson lets it through the same way. Go decodes it as U+FFFD;
// so do we. Validated UTF-8 can hold such bytes only from an escape, so this is rare. The
// replacement has the same length, so `s[0, n)` is fixed in place.
void ReplaceLoneLowSurrogatesInPlace(char* s, size_t n) {
  const void* hit = std::memchr(s, 0xED, n);
  if (hit == nullptr) return;
  for (size_t i = static_cast<const char*>(hit) - s; i + 2 < n; ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) {
      s[i] = '\xEF';
      s[i + 1] = '\xBF';
      s[i + 2] = '\xBD';
      i += 2;
    }
  }
}

// The same for read-only text: `s` unchanged unless an 0xED byte is present, else a fixed copy
// held in `*buffer`.
std::string_view ReplaceLoneLowSurrogates(std::string_view s, std::string* buffer) {
  if (std::memchr(s.data(), 0xED, s.size()) == nullptr) return s;
  buffer->assign(s);
  ReplaceLoneLowSurrogatesInPlace(buffer->data(), buffer->size());
  return *buffer;
}

// RapidJSON SAX consumer: forwards events to a Builder, counts depth, and stops the reader
// (returns false) on the first violation of our own rules.
// For number text that is out of double range: true when its magnitude is below 1 (underflow)
// rather than huge (overflow). `text` has JSON number syntax.
bool IsBelowOne(std::string_view text) {
  size_t i = (!text.empty() && text[0] == '-') ? 1 : 0;
  int64_t magnitude = 0;  // decimal exponent of the leading significant digit
  bool found = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {  // integer part
    if (found || text[i] != '0') {
      magnitude += found ? 1 : 0;
      found = true;
    }
    ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    int64_t zeros = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (!found) {
        if (text[i] != '0') {
          found = true;
          magnitude = -(zeros + 1);
        }
        ++zeros;
      }
      ++i;
    }
  }
  if (!found) {
    return true;  // zero
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    const bool neg = i < text.size() && text[i] == '-';
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      ++i;
    }
    int64_t exp = 0;
    for (; i < text.size(); ++i) {
      exp = std::min<int64_t>(exp * 10 + (text[i] - '0'), int64_t{1} << 40);  // saturate
    }
    magnitude += neg ? -exp : exp;
  }
  return magnitude < 0;
}

// The input stream of the reference parser: the text, as RapidJSON reads it, except that the
// integer part of a number stops after kMaxIntegerDigits digits. RapidJSON 1.1 rejects a number
// whose integer part alone exceeds DBL_MAX ("Number too big"), even when its exponent brings it
// back into range (575 digits then e-849 is about 1e-275, and valid JSON); simdjson and Go read
// such a number. The digits held back are still consumed (Tell() counts them, so error offsets
// are those of the text), and ParseHandler::RawNumber converts the whole token from the text.
// Strings are tracked so that digits inside them are never touched.
class LongNumberStream {
 public:
  using Ch = char;
  static constexpr size_t kMaxIntegerDigits = 300;  // 1e300 < DBL_MAX / 10: no false alarm

  explicit LongNumberStream(std::string_view text) : text_(text) {}

  Ch Peek() {
    SkipHeldBackDigits();
    return p_ < text_.size() ? text_[p_] : '\0';
  }
  Ch Take() {
    SkipHeldBackDigits();
    if (p_ >= text_.size()) return '\0';
    const char c = text_[p_++];
    Advance(c);
    return c;
  }
  size_t Tell() const { return p_; }

  // The number token that ended last, when digits of it were held back (else empty); cleared
  // by the call.
  std::string_view TakeShortenedNumber() {
    if (!shortened_) return {};
    shortened_ = false;
    return text_.substr(number_start_, p_ - number_start_);
  }

  // Unused (not an in-situ parse).
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }

 private:
  enum class State { kOutside, kString, kEscape, kInteger, kRestOfNumber };

  void SkipHeldBackDigits() {
    while (state_ == State::kInteger && integer_digits_ >= kMaxIntegerDigits &&
           p_ < text_.size() && text_[p_] >= '0' && text_[p_] <= '9') {
      ++p_;
      shortened_ = true;
    }
  }
  // Lexical state after consuming `c`.
  void Advance(char c) {
    const bool digit = c >= '0' && c <= '9';
    switch (state_) {
      case State::kString:
        if (c == '\\') state_ = State::kEscape;
        if (c == '"') state_ = State::kOutside;
        return;
      case State::kEscape:
        state_ = State::kString;
        return;
      case State::kInteger:
        if (digit) {
          ++integer_digits_;
          return;
        }
        state_ = (c == '.' || c == 'e' || c == 'E') ? State::kRestOfNumber : State::kOutside;
        break;
      case State::kRestOfNumber:
        if (digit || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') return;
        state_ = State::kOutside;
        break;
      case State::kOutside:
        break;
    }
    if (state_ != State::kOutside) return;
    if (c == '"') {
      state_ = State::kString;
    } else if (c == '-' || digit) {
      state_ = State::kInteger;
      number_start_ = p_ - 1;
      integer_digits_ = digit ? 1 : 0;
      shortened_ = false;
    }
  }

  std::string_view text_;
  size_t p_ = 0;
  State state_ = State::kOutside;
  size_t number_start_ = 0;
  size_t integer_digits_ = 0;
  bool shortened_ = false;
};

class ParseHandler {
 public:
  enum class Stop { kNone, kDepth, kDuplicate, kNumber };

  ParseHandler(Builder& builder, const ParseOptions& options, LongNumberStream& stream)
      : b_(builder), stream_(stream), max_depth_(options.max_depth),
        allow_dups_(options.allow_duplicate_keys) {}

  bool Null() {
    b_.Null();
    return true;
  }
  bool Bool(bool v) {
    b_.Bool(v);
    return true;
  }
  // With kParseNumbersAsStringsFlag every number arrives here as its (syntax-checked) text.
  // We convert it ourselves: RapidJSON 1.1's full-precision strtod reads out of bounds on long
  // mantissas, and std::from_chars is correctly rounded.
  bool RawNumber(const char* s, rapidjson::SizeType len, bool) {
    // RapidJSON saw the number without the integer digits the stream held back.
    if (const std::string_view whole = stream_.TakeShortenedNumber(); !whole.empty()) {
      s = whole.data();
      len = static_cast<rapidjson::SizeType>(whole.size());
    }
    const char* end = s + len;
    const bool integer_literal = std::find_if(s, end, [](char c) {
                                   return c == '.' || c == 'e' || c == 'E';
                                 }) == end;
    if (integer_literal) {
      int64_t i = 0;
      const auto [ptr, ec] = std::from_chars(s, end, i);
      if (ec == std::errc() && ptr == end) {
        b_.Int(i);
        return true;
      }
      // Out of int64 range: a double, as Kubernetes does.
    }
    double d = 0;
    const auto [ptr, ec] = std::from_chars(s, end, d);
    if (ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      stop_ = Stop::kNumber;
      return false;
    }
    if (ec == std::errc::result_out_of_range || !std::isfinite(d)) {
      // Overflow fails (Go: "cannot unmarshal number"); underflow rounds to zero (as Go).
      if (!IsBelowOne(std::string_view(s, len))) {
        stop_ = Stop::kNumber;
        return false;
      }
      d = (*s == '-') ? -0.0 : 0.0;
    }
    b_.Double(d);
    return true;
  }
  // Unused with kParseNumbersAsStringsFlag; kept for the handler concept.
  bool Int(int v) { return Int64(v); }
  bool Uint(unsigned v) { return Int64(v); }
  bool Int64(int64_t v) {
    b_.Int(v);
    return true;
  }
  bool Uint64(uint64_t v) {
    b_.Double(static_cast<double>(v));
    return true;
  }
  bool Double(double v) {
    b_.Double(v);
    return true;
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    b_.String(FixLoneSurrogates(std::string_view(s, len)));
    return true;
  }
  bool Key(const char* s, rapidjson::SizeType len, bool) {
    b_.Key(FixLoneSurrogates(std::string_view(s, len)));
    return true;
  }
  bool StartObject() {
    if (++depth_ > max_depth_) {
      stop_ = Stop::kDepth;
      return false;
    }
    b_.StartObject();
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    --depth_;
    b_.EndObject();
    if (!allow_dups_ && b_.first_duplicate()) {
      stop_ = Stop::kDuplicate;
      return false;
    }
    return true;
  }
  bool StartArray() {
    if (++depth_ > max_depth_) {
      stop_ = Stop::kDepth;
      return false;
    }
    b_.StartArray();
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    b_.EndArray();
    return true;
  }

  Stop stop() const { return stop_; }

 private:
  std::string_view FixLoneSurrogates(std::string_view s) {
    return ReplaceLoneLowSurrogates(s, &fixed_);
  }

  Builder& b_;
  LongNumberStream& stream_;
  size_t depth_ = 0;
  size_t max_depth_;
  bool allow_dups_;
  Stop stop_ = Stop::kNone;
  std::string fixed_;
};

// 1-based line and byte column of `offset` in `text`.
Position PositionAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return Position{line, static_cast<uint32_t>(offset - line_start + 1)};
}

Status ErrorAt(std::string_view text, size_t offset, std::string_view what) {
  const Position p = PositionAt(text, offset);
  return InvalidArgumentError("line " + std::to_string(p.line) + " column " +
                              std::to_string(p.column) + ": " + std::string(what));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The fast path: simdjson's stage 1, our own stage 2

namespace {

// Texts up to this size reuse a per-thread stage-1 parser (its index buffer grows to the
// largest text seen); larger ones get a parser of their own, freed after the parse.
constexpr size_t kReusedParserMaxBytes = 1 << 20;
// A per-thread node stack that grew past this many nodes is freed after the parse.
constexpr size_t kKeptScratchNodes = 1 << 16;

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

}  // namespace

// Stage 2 over simdjson's stage-1 output. Stage 1 (SIMD, dispatched at run time to the CPU's
// best kernel) validates UTF-8, rejects control characters in strings and unclosed strings,
// and lists the offset of every structural character ({ } [ ] : ,) and of the first byte of
// every scalar (a string's opening quote, a number, true/false/null), outside strings. Then
// idx[n] == idx[n + 1] == text length (simdjson's sentinels). This walk checks the grammar
// and builds the Document's nodes in the same pass: no tape in between (simdjson's own
// stage 2 writes one, and a second walk read it back: 40% of the parse).
//
// The text is copied once into the Document's arena (with simdjson's padding after it):
// stage 1 reads that copy, and every string without escapes is a view into it, so strings
// are not copied one by one. Strings with escapes are decoded (Unescape) into arena space of
// their own. Children of open containers wait on a node stack; a closing
// bracket moves them into one arena array (objects with more than kIndexedObjectMin members
// get their sorted index there too).
//
// What it leaves to the reference parser (Run returns false; the text is then parsed by
// RapidJSON, which accepts it or words the error): any syntax error, nesting deeper than
// the caller's limit, repeated keys, lone surrogate escapes, "-0", and numbers that are
// zero, out of a double's range, or that std::from_chars does not take whole.
struct internal::FastParse {
  struct Frame {
    size_t start;  // node stack index of the container's first child
    bool object;
  };

  struct Scratch {
    std::unique_ptr<simdjson::internal::dom_parser_implementation> stage1;
    size_t capacity = 0;
    std::vector<Node> nodes;
    std::vector<Frame> frames;
  };

  static std::optional<Document> Parse(std::string_view text, const ParseOptions& options) {
    thread_local Scratch reused;
    std::optional<Scratch> own;
    Scratch* scratch = &reused;
    if (text.size() > kReusedParserMaxBytes) scratch = &own.emplace();
    if (!scratch->stage1 || scratch->capacity < text.size()) {
      const size_t capacity = std::max<size_t>(text.size(), 4096);
      if (!scratch->stage1) {
        // The depth is simdjson's stage-2 business; stage 1 ignores it.
        if (simdjson::get_active_implementation()->create_dom_parser_implementation(
                capacity, 1, scratch->stage1) != simdjson::SUCCESS) {
          scratch->stage1.reset();
          return std::nullopt;
        }
      } else if (scratch->stage1->set_capacity(capacity) != simdjson::SUCCESS) {
        scratch->stage1.reset();
        scratch->capacity = 0;
        return std::nullopt;
      }
      scratch->capacity = capacity;
    }
    // The first arena block holds the text copy and, for typical Kubernetes JSON (about one
    // structural character per 8 bytes, 24 bytes per node), all the nodes.
    const size_t len = text.size();
    auto arena = std::make_unique<Arena>(len * 4 + simdjson::SIMDJSON_PADDING + 1024);
    char* buf = static_cast<char*>(arena->Allocate(len + simdjson::SIMDJSON_PADDING, 64));
    std::memcpy(buf, text.data(), len);
    std::memset(buf + len, 0, simdjson::SIMDJSON_PADDING);
    simdjson::internal::dom_parser_implementation& s1 = *scratch->stage1;
    if (s1.stage1(reinterpret_cast<const uint8_t*>(buf), len, simdjson::stage1_mode::regular) !=
        simdjson::SUCCESS) {
      return std::nullopt;
    }
    FastParse fast(*arena, buf, s1, options, *scratch);
    Node* root = arena->New<Node>();
    const bool ok = fast.Run(root);
    if (scratch->nodes.size() > kKeptScratchNodes) {
      scratch->nodes = std::vector<Node>();
      scratch->frames = std::vector<Frame>();
    }
    if (!ok) return std::nullopt;
    Document doc;
    doc.arena_ = std::move(arena);
    doc.root_ = root;
    return doc;
  }

 private:
  FastParse(Arena& arena, char* buf, const simdjson::internal::dom_parser_implementation& s1,
            const ParseOptions& options, Scratch& scratch)
      : arena_(arena), buf_(buf), idx_(s1.structural_indexes.get()),
        n_(s1.n_structural_indexes), max_depth_(options.max_depth), scratch_(scratch) {
    if (scratch_.nodes.size() < 256) scratch_.nodes.resize(256);
    base_ = scratch_.nodes.data();
    end_ = base_ + scratch_.nodes.size();
  }

  // Fills `*root`; false leaves the text to the reference parser. Each value is written
  // straight into its slot: `*root`, or the top of the node stack. The stack's top and end
  // live in locals (members would be reloaded after every node store), and the per-token
  // helpers are inlined into this one loop.
  bool Run(Node* root) {
    const char* const buf = buf_;
    const uint32_t* const idx = idx_;
    Node* top = base_;
    Node* end = end_;
    uint32_t i = 0;    // the structural being read
    size_t depth = 0;  // open containers; the innermost is frame == &scratch_.frames[depth - 1]
    Frame* frame = nullptr;
    Node* out = root;  // where the next value goes
    for (;;) {
      // The value at idx[i]: a scalar into *out, or a container opened.
      switch (buf[idx[i]]) {
        case '{':
        case '[': {
          if (depth >= max_depth_) return false;  // an empty container counts too
          const bool object = buf[idx[i]] == '{';
          if (buf[idx[i + 1]] == (object ? '}' : ']')) {  // empty
            *out = Blank(object ? Type::kObject : Type::kArray, 0);
            i += 2;
            break;
          }
          if (depth > 0) ++top;  // *out (the stack top) keeps the container's own node
          if (depth == scratch_.frames.size()) scratch_.frames.resize(depth * 2 + 16);
          frame = &scratch_.frames[depth++];
          *frame = Frame{static_cast<size_t>(top - base_), object};
          ++i;
          if (object && !Key(&i, &top, &end)) return false;
          if (top == end) Grow(&top, &end);
          out = top;
          continue;  // the first child
        }
        case '"':
          if (!String(i, out)) return false;
          ++i;
          break;
        case 't':
          if (!Atom(i, "true", 4)) return false;
          *out = Blank(Type::kBool, 0);
          out->b = true;
          ++i;
          break;
        case 'f':
          if (!Atom(i, "false", 5)) return false;
          *out = Blank(Type::kBool, 0);
          ++i;
          break;
        case 'n':
          if (!Atom(i, "null", 4)) return false;
          *out = Blank(Type::kNull, 0);
          ++i;
          break;
        default:
          if (!Number(i, out)) return false;
          ++i;
          break;
      }
      // *out is complete: keep it, then close every container that ends here.
      for (;;) {
        if (depth == 0) return i == n_;  // nothing but white space after the root
        ++top;
        const char c = buf[idx[i]];
        if (c == ',') {
          ++i;
          if (frame->object && !Key(&i, &top, &end)) return false;
          if (top == end) Grow(&top, &end);
          out = top;
          break;  // the next child
        }
        if (c != (frame->object ? '}' : ']')) return false;
        ++i;
        Node* const first = base_ + frame->start;
        const size_t count = static_cast<size_t>(top - first);
        top = first;
        --depth;
        out = depth > 0 ? --top : root;  // the slot reserved when the container opened
        if (!Close(frame->object, first, count, out)) return false;
        frame = depth > 0 ? &scratch_.frames[depth - 1] : nullptr;
      }
    }
  }

  // A member's key and its colon at idx[*i]: the key node goes on the stack.
  [[gnu::always_inline]] bool Key(uint32_t* i, Node** top, Node** end) {
    if (buf_[idx_[*i]] != '"') return false;
    if (*top == *end) Grow(top, end);
    Node* const key = *top;
    if (!String(*i, key)) return false;
    if (buf_[idx_[*i + 1]] != ':') return false;
    *i += 2;
    ++*top;
    return true;
  }

  // A complete container: moves its `count` children from `first` on into the arena and
  // writes its node to `*out`.
  bool Close(bool object, const Node* first, size_t count, Node* out) {
    if (object) {
      const size_t members = count / 2;
      if (members > std::numeric_limits<uint32_t>::max()) return false;
      const bool indexed = members > kIndexedObjectMin;
      if (!indexed && members > 1 && HasRepeatedKey(first, members)) return false;
      Member* m = static_cast<Member*>(arena_.Allocate(
          members * sizeof(Member) + (indexed ? members * sizeof(uint32_t) : 0), alignof(Member)));
      CopyNodes(reinterpret_cast<Node*>(m), first, count);
      *out = Blank(Type::kObject, static_cast<uint32_t>(members));
      out->members = m;
      return !indexed || IndexHasNoRepeats(out);
    }
    if (count > std::numeric_limits<uint32_t>::max()) return false;
    Node* elems = static_cast<Node*>(arena_.Allocate(count * sizeof(Node), alignof(Node)));
    CopyNodes(elems, first, count);
    *out = Blank(Type::kArray, static_cast<uint32_t>(count));
    out->elems = elems;
    return true;
  }

  // Most containers have a few children: a plain loop beats a call to memcpy (whose size
  // dispatch showed as 2% of a webhook request's CPU).
  [[gnu::always_inline]] static void CopyNodes(Node* to, const Node* from, size_t n) {
    if (n > 32) {
      std::memcpy(static_cast<void*>(to), from, n * sizeof(Node));
      return;
    }
    for (size_t k = 0; k < n; ++k) to[k] = from[k];
  }

  // Doubles the node stack (the nodes move; frames hold indexes).
  [[gnu::noinline]] void Grow(Node** top, Node** end) {
    const size_t used = static_cast<size_t>(*top - base_);
    scratch_.nodes.resize(scratch_.nodes.size() * 2);
    base_ = scratch_.nodes.data();
    *top = base_ + used;
    *end = base_ + scratch_.nodes.size();
  }

  // Whether only JSON white space lies between `end` (just past a scalar) and the next
  // structural. Stage 1 marks only the first byte of a run of scalar bytes, so this is what
  // rejects `truex`, `01` and `1"a"`.
  [[gnu::always_inline]] bool EndsAt(uint32_t end, uint32_t i) const {
    const uint32_t next = idx_[i + 1];
    if (end == next) return true;  // compact JSON
    while (end < next && IsJsonSpace(buf_[end])) ++end;
    return end == next;
  }

  [[gnu::always_inline]] bool Atom(uint32_t i, const char* word, uint32_t n) const {
    const uint32_t at = idx_[i];
    return std::memcmp(buf_ + at, word, n) == 0 && EndsAt(at + n, i);  // padding: n in range
  }

  // The string whose opening quote is idx[i]. Unlike after a scalar, stage 1 marks whatever
  // follows a closing quote (`"a"x`, `"a""b"`: both tested), so a string needs no EndsAt.
  [[gnu::always_inline]] bool String(uint32_t i, Node* out) {
    char* const start = buf_ + idx_[i] + 1;
    const char* q = FindQuoteOrBackslash(start);
    if (*q == '"') [[likely]] {  // no escapes: a view into the text copy
      *out = Blank(Type::kString, static_cast<uint32_t>(q - start));
      out->s = start;
      return true;
    }
    return EscapedString(i, out);
  }

  // The same for a string with an escape: decoded into arena space of its own, up to the
  // closing quote (stage 1 has checked there is one). The next structural lies after that
  // quote, so it bounds the escaped length.
  [[gnu::noinline]] bool EscapedString(uint32_t i, Node* out) {
    const char* const start = buf_ + idx_[i] + 1;
    const size_t bound = static_cast<size_t>(buf_ + idx_[i + 1] - start);
    char* const dst = static_cast<char*>(arena_.Allocate(bound + 16, 1));
    const char* const end = Unescape(start, dst);
    if (end == nullptr) return false;
    *out = Blank(Type::kString, static_cast<uint32_t>(end - dst));
    out->s = dst;
    return true;
  }

  // Decodes the string whose bytes start at `src` (past the opening quote) into `dst`, up to
  // the closing quote; returns the end of the output. nullptr leaves the text to the reference
  // parser: an unknown escape, a bad \u, or a lone surrogate (the reference parser rejects a
  // lone high one and turns a lone low one into U+FFFD, as Go does). Copies 16 bytes at a
  // time: `dst` has 16 bytes to spare, and reads past the quote stay within the padded text.
  // (simdjson's own parse_string, with 64-byte steps, took twice as long on kubectl's
  // last-applied-configuration annotation, where an escape comes every few bytes.)
  static char* Unescape(const char* src, char* dst) {
    for (;;) {
#if defined(__SSE2__)
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), v);
      const int mask = _mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
      if (mask == 0) {
        src += 16;
        dst += 16;
        continue;
      }
      const int k = __builtin_ctz(static_cast<unsigned>(mask));
      src += k;
      dst += k;
#else
      while (*src != '"' && *src != '\\') *dst++ = *src++;
#endif
      if (*src == '"') return dst;
      switch (src[1]) {  // after a backslash
        case '"':
        case '\\':
        case '/':
          *dst++ = src[1];
          break;
        case 'b':
          *dst++ = '\b';
          break;
        case 'f':
          *dst++ = '\f';
          break;
        case 'n':
          *dst++ = '\n';
          break;
        case 'r':
          *dst++ = '\r';
          break;
        case 't':
          *dst++ = '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(src + 2, &cp)) return nullptr;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate: its low half must follow
            uint32_t low;
            if (src[6] != '\\' || src[7] != 'u' || !Hex4(src + 8, &low) || low < 0xDC00 ||
                low > 0xDFFF) {
              return nullptr;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            src += 6;
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return nullptr;
          }
          dst = AppendUtf8(dst, cp);
          src += 6;
          continue;
        }
        default:
          return nullptr;
      }
      src += 2;
    }
  }

  // Four hex digits at `p` (the reads stay within the padded text).
  static bool Hex4(const char* p, uint32_t* out) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const auto c = static_cast<unsigned char>(p[k]);
      uint32_t d;
      if (static_cast<uint32_t>(c) - '0' < 10u) {
        d = c - '0';
      } else if ((c | 0x20u) - 'a' < 6u) {
        d = (c | 0x20u) - 'a' + 10;
      } else {
        return false;
      }
      v = v << 4 | d;
    }
    *out = v;
    return true;
  }

  static char* AppendUtf8(char* dst, uint32_t cp) {
    if (cp < 0x80) {
      *dst++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *dst++ = static_cast<char>(0xC0 | (cp >> 6));
      *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *dst++ = static_cast<char>(0xE0 | (cp >> 12));
      *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *dst++ = static_cast<char>(0xF0 | (cp >> 18));
      *dst++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *dst++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *dst++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
    return dst;
  }

  // The first '"' or '\' at or after `p`. The caller knows one lies before the padding.
  static const char* FindQuoteOrBackslash(const char* p) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (;; p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const int mask = _mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
      if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    }
#else
    while (*p != '"' && *p != '\\') ++p;
    return p;
#endif
  }

  // The number that starts at idx[i], with RFC 8259's grammar: an integer literal that fits
  // int64 becomes kInt, every other number kDouble.
  bool Number(uint32_t i, Node* out) const {
    const char* const s = buf_ + idx_[i];
    const char* p = s;
    const bool negative = *p == '-';
    if (negative) ++p;
    const char* const digits = p;
    uint64_t v = 0;
    if (*p == '0') {
      ++p;
    } else if (IsDigit(*p)) {
      do {
        v = v * 10 + static_cast<uint64_t>(*p - '0');  // wraps past 19 digits; unused then
        ++p;
      } while (IsDigit(*p));
    } else {
      return false;
    }
    const size_t int_digits = static_cast<size_t>(p - digits);
    bool integer = true;
    if (*p == '.') {
      ++p;
      if (!IsDigit(*p)) return false;
      while (IsDigit(*p)) ++p;
      integer = false;
    }
    if (*p == 'e' || *p == 'E') {
      ++p;
      if (*p == '+' || *p == '-') ++p;
      if (!IsDigit(*p)) return false;
      while (IsDigit(*p)) ++p;
      integer = false;
    }
    if (!EndsAt(static_cast<uint32_t>(p - buf_), i)) return false;
    // 19 digits always fit a uint64; int64 takes up to 2^63 - 1, or 2^63 when negative.
    if (integer && int_digits <= 19) {
      const uint64_t limit = uint64_t{std::numeric_limits<int64_t>::max()} + (negative ? 1 : 0);
      if (v <= limit) {
        if (negative && v == 0) return false;  // "-0": the reference parser decides
        *out = Blank(Type::kInt, 0);
        out->i = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
        return true;
      }
    }
    // Correctly rounded (libstdc++ uses fast_float). Zero goes to the reference parser:
    // RapidJSON rejects a zero with an exponent above 308 (0e309).
    double d;
    const std::from_chars_result r = std::from_chars(s, p, d);
    if (r.ec != std::errc() || r.ptr != p || !std::isfinite(d) || d == 0) return false;
    *out = Blank(Type::kDouble, 0);
    out->d = d;
    return true;
  }

  // A node with no position and a zero payload.
  static Node Blank(Type type, uint32_t size) {
    Node n;
    n.type = type;
    n.reserved0 = 0;
    n.reserved1 = 0;
    n.size = size;
    n.line = 0;
    n.column = 0;
    n.i = 0;
    return n;
  }

  // One of 64 bits chosen by the key's length and first and last bytes: equal keys have
  // the same bit, so an object whose keys have all different bits has no repeated key.
  static uint64_t KeyBit(const Node& key) {
    const auto* s = reinterpret_cast<const unsigned char*>(key.s);
    const uint32_t n = key.size;
    const uint32_t mix = n == 0 ? 0 : n + 5 * uint32_t{s[0]} + 3 * uint32_t{s[n - 1]};
    return uint64_t{1} << (mix & 63);
  }

  // For an object of up to kIndexedObjectMin members (key, value, key, ...  from `first`):
  // whether a key repeats. Keys with different KeyBits differ, so only a key whose bit is
  // already set is compared with the keys before it.
  static bool HasRepeatedKey(const Node* first, size_t members) {
    if (members <= 4) {  // most objects: compare pairs (sizes first) without hashing
      for (size_t k = 1; k < members; ++k) {
        if (RepeatsEarlierKey(first, first + 2 * k)) return true;
      }
      return false;
    }
    uint64_t seen = 0;
    for (size_t k = 0; k < members; ++k) {
      const Node* key = first + 2 * k;
      const uint64_t bit = KeyBit(*key);
      if ((seen & bit) != 0 && RepeatsEarlierKey(first, key)) return true;
      seen |= bit;
    }
    return false;
  }

  // Whether `*key` equals a key of the open object whose children start at `first`.
  static bool RepeatsEarlierKey(const Node* first, const Node* key) {
    const std::string_view k = KeyOf(*key);
    for (const Node* n = first; n < key; n += 2) {
      if (KeyEq(KeyOf(*n), k)) return true;
    }
    return false;
  }

  // For an object of more than kIndexedObjectMin members: builds its sorted index (for Find)
  // and checks that no key repeats.
  static bool IndexHasNoRepeats(const Node* obj) {
    const uint32_t n = obj->size;
    const Member* members = obj->members;
    auto key = [&](uint32_t k) { return KeyOf(members[k].key); };
    uint32_t* index = reinterpret_cast<uint32_t*>(const_cast<Member*>(members) + n);
    std::iota(index, index + n, 0u);
    std::sort(index, index + n, [&](uint32_t a, uint32_t b) { return KeyLess(key(a), key(b)); });
    for (uint32_t k = 1; k < n; ++k) {
      if (KeyEq(key(index[k - 1]), key(index[k]))) return false;
    }
    return true;
  }

  Arena& arena_;
  char* const buf_;              // the padded text copy in the arena
  const uint32_t* const idx_;    // stage 1's structural offsets
  const uint32_t n_;             // their number (idx_[n_] is the text length)
  const size_t max_depth_;
  Scratch& scratch_;
  Node* base_;                   // scratch_.nodes: children of the open containers
  Node* end_;
};

namespace {

// The fast path: the Document, or nullopt when the reference parser must decide.
std::optional<Document> ParseFast(std::string_view text, const ParseOptions& options) {
  return internal::FastParse::Parse(text, options);
}

}  // namespace

namespace {
StatusOr<Document> ParseReference(std::string_view text, const ParseOptions& options);

Status TooLong(std::string_view text, const ParseOptions& options) {
  return ResourceExhaustedError("JSON input of " + std::to_string(text.size()) +
                                " bytes exceeds the limit of " +
                                std::to_string(options.max_bytes));
}
}  // namespace

StatusOr<Document> Parse(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) return TooLong(text, options);
  // simdjson rejects every raw NUL byte, so NUL checks are only needed on the reference path.
  if (std::optional<Document> fast = ParseFast(text, options)) {
    return std::move(*fast);
  }
  return ParseReference(text, options);
}

namespace internal {

StatusOr<Document> ParseReferenceForTest(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) return TooLong(text, options);
  return ParseReference(text, options);
}

std::optional<Document> ParseFastForTest(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) return std::nullopt;
  return ParseFast(text, options);
}

}  // namespace internal

namespace {

// The reference path: RapidJSON's iterative SAX reader into a Builder. Decides acceptance and
// words every error.
StatusOr<Document> ParseReference(std::string_view text, const ParseOptions& options) {
  // RapidJSON treats NUL as end of input; a raw NUL byte is never valid JSON anyway.
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    return ErrorAt(text, static_cast<const char*>(nul) - text.data(),
                   "NUL byte is not allowed in JSON text");
  }
  Builder builder;
  LongNumberStream stream(text);
  ParseHandler handler(builder, options, stream);
  rapidjson::Reader reader;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, handler);
  if (result.IsError()) {
    switch (handler.stop()) {
      case ParseHandler::Stop::kDepth:
        return ErrorAt(text, result.Offset(),
                       "nesting deeper than " + std::to_string(options.max_depth) + " levels");
      case ParseHandler::Stop::kDuplicate:
        return ErrorAt(text, result.Offset(),
                       "duplicate key " + Quote(builder.first_duplicate()->key) +
                           " in the object ending here");
      case ParseHandler::Stop::kNumber:
        return ErrorAt(text, result.Offset(), "number out of the range of a double");
      case ParseHandler::Stop::kNone:
        break;
    }
    return ErrorAt(text, result.Offset(), rapidjson::GetParseError_En(result.Code()));
  }
  return builder.Finish();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Writing

namespace {

template <typename W>
void WriteDouble(W& w, double d) {
  if (std::isfinite(d)) {
    w.Double(d);
  } else {
    w.Null();  // JSON has no NaN/Inf
  }
}

template <typename W>
void WriteScalar(W& w, Value v) {
  switch (v.type()) {
    case Type::kNull:
      w.Null();
      break;
    case Type::kBool:
      w.Bool(v.as_bool());
      break;
    case Type::kInt:
      w.Int64(v.as_int());
      break;
    case Type::kDouble:
      WriteDouble(w, v.as_double());
      break;
    case Type::kString: {
      const std::string_view s = v.as_string();
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      break;
    }
    case Type::kArray:
    case Type::kObject:
      break;
  }
}

// Writes `root` with an explicit stack (no recursion over input depth).
template <typename W>
void WriteValue(W& w, Value root) {
  if (!root.valid()) {
    w.Null();
    return;
  }
  struct Frame {
    Value container;
    size_t next;
  };
  std::vector<Frame> todo;
  auto open = [&](Value v) {
    if (v.is_array()) {
      w.StartArray();
      todo.push_back({v, 0});
    } else if (v.is_object()) {
      w.StartObject();
      todo.push_back({v, 0});
    } else {
      WriteScalar(w, v);
    }
  };
  open(root);
  while (!todo.empty()) {
    Frame& f = todo.back();
    const Value c = f.container;
    if (f.next >= c.size()) {
      c.is_array() ? w.EndArray() : w.EndObject();
      todo.pop_back();
      continue;
    }
    const size_t i = f.next++;
    if (c.is_object()) {
      const std::string_view k = c.key_at(i);
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      open(c.value_at(i));
    } else {
      open(c.at(i));
    }
  }
}

}  // namespace

std::string Serialize(Value v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  WriteValue(w, v);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string SerializePretty(Value v, int indent) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', static_cast<unsigned>(std::max(indent, 0)));
  WriteValue(w, v);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string Quote(std::string_view s) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(buf.GetString(), buf.GetSize());
}

struct Writer::Impl {
  Impl() : writer(buffer) {}
  void Reset() {
    buffer.Clear();
    writer.Reset(buffer);
  }
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer;
};

Writer::Writer() : impl_(std::make_unique<Impl>()) {}
Writer::~Writer() = default;

void Writer::StartObject() { impl_->writer.StartObject(); }
void Writer::EndObject() { impl_->writer.EndObject(); }
void Writer::StartArray() { impl_->writer.StartArray(); }
void Writer::EndArray() { impl_->writer.EndArray(); }
void Writer::Key(std::string_view key) {
  impl_->writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}
void Writer::String(std::string_view s) {
  impl_->writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}
void Writer::Int(int64_t i) { impl_->writer.Int64(i); }
void Writer::Uint(uint64_t u) { impl_->writer.Uint64(u); }
void Writer::Double(double d) { WriteDouble(impl_->writer, d); }
void Writer::Bool(bool b) { impl_->writer.Bool(b); }
void Writer::Null() { impl_->writer.Null(); }
void Writer::Raw(std::string_view json) {
  impl_->writer.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}
void Writer::Value(json::Value v) { WriteValue(impl_->writer, v); }

std::string_view Writer::str() const {
  return std::string_view(impl_->buffer.GetString(), impl_->buffer.GetSize());
}

std::string Writer::Take() {
  std::string out(str());
  impl_->Reset();
  return out;
}

}  // namespace celgate::json

// json/json.cc: JSON DOM construction (Builder), the RapidJSON-backed parser and writers.
//
// Pipeline: text --simdjson (tape + string buffer)--> FastParse (one linear walk over the tape)
// --arena node arrays--> Document (objects with repeated keys: --TapeToBuilder, also a linear
// tape walk--> Builder). Whenever simdjson rejects the text (or the walk meets something it
// leaves to the reference parser: too deep, duplicate keys when those are errors, a zero
// double), the text is parsed again by the reference path, text --RapidJSON
// iterative SAX reader--> ParseHandler --> Builder, which decides acceptance and words the
// error. Serialize/Writer walk a Value with an explicit stack and feed a rapidjson::Writer.
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
// The simdjson fast path

namespace {

// simdjson's DOM tape, as simdjson's doc/tape.md documents it and as the two walks below read
// it: one 64-bit word per JSON value, in document order, the type character in the top byte
// and a 56-bit payload below it.
//   'r'          the first and the last word; the first one's payload is the last one's index.
//   '"'          payload: offset in the string buffer of a 32-bit length, the bytes, a NUL.
//   'l' 'u' 'd'  int64, uint64 (only above INT64_MAX), double: the value is the next word.
//   't' 'f' 'n'  true, false, null.
//   '{' '['      low 32 bits: index of the word after the matching '}' / ']'; bits 32-55:
//                number of members / elements, saturated at 0xFFFFFF.
//   '}' ']'      low 32 bits: index of the matching '{' / '['.
// An object's words are: key string, value, key string, value, ...
// The string buffer is written in the same (document) order as the tape.
namespace tape {

constexpr uint64_t kPayloadMask = (uint64_t{1} << 56) - 1;
constexpr uint32_t kCountSaturated = 0xFFFFFF;

inline char Kind(uint64_t word) { return static_cast<char>(word >> 56); }
// '{' / '[': the index just past the container.
inline size_t After(uint64_t word) { return static_cast<uint32_t>(word); }
// '{' / '[': the member / element count, possibly saturated.
inline uint32_t Count(uint64_t word) {
  return static_cast<uint32_t>(word >> 32) & kCountSaturated;
}
// '"': where the string's length prefix sits in the string buffer.
inline size_t StringOffset(uint64_t word) { return word & kPayloadMask; }
inline uint32_t StringLength(const uint8_t* strings, uint64_t word) {
  uint32_t n;
  std::memcpy(&n, strings + StringOffset(word), sizeof(n));
  return n;
}
inline std::string_view String(const uint8_t* strings, uint64_t word) {
  return std::string_view(
      reinterpret_cast<const char*>(strings + StringOffset(word) + sizeof(uint32_t)),
      StringLength(strings, word));
}
// 'l' / 'u' / 'd' at index i: the value word.
template <typename T>
T NumberAt(const uint64_t* t, size_t i) {
  static_assert(sizeof(T) == sizeof(uint64_t));
  T v;
  std::memcpy(&v, &t[i + 1], sizeof(v));
  return v;
}

// Index of the word after the value that starts at `i`.
inline size_t Skip(const uint64_t* t, size_t i) {
  switch (Kind(t[i])) {
    case '{':
    case '[':
      return After(t[i]);
    case 'l':
    case 'u':
    case 'd':
      return i + 2;
    default:
      return i + 1;
  }
}

// Members (object) or elements (array) of the container opening at `i`, counted one by one:
// for counts the tape saturates.
inline size_t CountChildren(const uint64_t* t, size_t i) {
  const size_t close = After(t[i]) - 1;
  size_t words = 0;  // keys and values for objects
  for (size_t j = i + 1; j < close; j = Skip(t, j)) ++words;
  return Kind(t[i]) == '{' ? words / 2 : words;
}

}  // namespace tape

// Replays the tape as Builder events, for documents with repeated keys (the Builder merges
// them: first place, last value). One linear pass with no recursion. Returns false to leave
// the text to the reference parser.
bool TapeToBuilder(const uint64_t* t, const uint8_t* strings, const ParseOptions& options,
                   bool fix_surrogates, Builder& b) {
  std::string fixed;
  auto text_of = [&](uint64_t word) {
    const std::string_view s = tape::String(strings, word);
    return fix_surrogates ? ReplaceLoneLowSurrogates(s, &fixed) : s;
  };
  std::vector<bool> open_is_object;  // per open container
  bool expect_key = false;           // the next word is a member's key
  const size_t last = t[0] & tape::kPayloadMask;
  for (size_t i = 1; i < last;) {
    const uint64_t w = t[i];
    const char kind = tape::Kind(w);
    if (expect_key && kind == '"') {
      b.Key(text_of(w));
      expect_key = false;
      ++i;
      continue;
    }
    switch (kind) {
      case '{':
      case '[':
        if (open_is_object.size() >= options.max_depth) return false;
        open_is_object.push_back(kind == '{');
        kind == '{' ? b.StartObject() : b.StartArray();
        expect_key = kind == '{';
        ++i;
        continue;
      case '}':
        b.EndObject();
        open_is_object.pop_back();
        if (!options.allow_duplicate_keys && b.first_duplicate()) return false;
        ++i;
        break;
      case ']':
        b.EndArray();
        open_is_object.pop_back();
        ++i;
        break;
      case '"':
        b.String(text_of(w));
        ++i;
        break;
      case 'l':
        b.Int(tape::NumberAt<int64_t>(t, i));
        i += 2;
        break;
      case 'u':
        // Above INT64_MAX: a double, as Kubernetes does (correctly rounded, as from_chars).
        b.Double(static_cast<double>(tape::NumberAt<uint64_t>(t, i)));
        i += 2;
        break;
      case 'd': {
        const double d = tape::NumberAt<double>(t, i);
        if (!std::isfinite(d) || d == 0) return false;  // as FastParse
        b.Double(d);
        i += 2;
        break;
      }
      case 't':
      case 'f':
        b.Bool(kind == 't');
        ++i;
        break;
      case 'n':
        b.Null();
        ++i;
        break;
      default:
        return false;
    }
    // A value ended; inside an object a key comes next.
    expect_key = !open_is_object.empty() && open_is_object.back();
  }
  return open_is_object.empty();
}

}  // namespace

// Builds the Document's nodes in one linear pass over the tape. A container's size is known
// when it opens, so its node array is allocated once in the arena and filled in place; a
// stack of open containers replaces recursion. Strings are copied from simdjson's string
// buffer into one arena region in a few large chunks (the buffer is in tape order, so the
// copied prefix grows as the walk goes) instead of one arena copy per string. The first
// object with a repeated key stops the walk (kDuplicate); the Builder replay handles it.
struct internal::FastParse {
  enum Result { kOk, kDuplicate, kRefuse };

  // A container that is open but not the innermost one (the innermost lives in registers).
  struct Frame {
    Node* container;  // size and member/element array already set
    uint32_t next;    // the child being filled
    uint64_t seen;    // KeyBit of every key so far (small objects)
  };

  // `frames`: room for `frame_count` open containers (deeper input is refused).
  // `string_bytes`: an upper bound of the used part of `strings` (and within its allocation).
  // Counts >= `saturated_from` are recounted from the tape (tests lower it to cover that path).
  FastParse(Arena& arena, const uint64_t* tape, const uint8_t* strings, size_t string_bytes,
            const ParseOptions& options, bool fix_surrogates, uint32_t saturated_from,
            Frame* frames, size_t frame_count)
      : arena_(arena), tape_(tape), strings_(strings), string_bytes_(string_bytes),
        max_depth_(std::min(options.max_depth, frame_count)), fix_(fix_surrogates),
        saturated_from_(saturated_from), frames_(frames) {}

  static Document Make(std::unique_ptr<Arena> arena, const Node* root) {
    Document doc;
    doc.arena_ = std::move(arena);
    doc.root_ = root;
    return doc;
  }

  // Fills `*root` from the value at tape index 1.
  Result Run(Node* root) { return fix_ ? Walk<true>(root) : Walk<false>(root); }

 private:
  // Run, with the lone-surrogate fix compiled in or out of the per-string path.
  template <bool kFix>
  Result Walk(Node* root) {
    copy_ = static_cast<char*>(arena_.Allocate(string_bytes_, 1));
    const uint64_t* const t = tape_;
    size_t i = 1;
    size_t depth = 0;  // open containers
    // The innermost open container (when depth > 0): its node and the child being filled.
    Node* cur = nullptr;
    uint32_t next = 0;
    uint64_t seen = 0;  // KeyBit of the keys so far when `cur` is a small object
    Node* out = root;
    for (;;) {
      // Fill *out from the value at t[i] and move i past it; a container with children is
      // opened and the loop goes on with its first child.
      const uint64_t w = t[i];
      switch (tape::Kind(w)) {
        case '"':
          if (!StringNode<kFix>(w, out)) return kRefuse;
          ++i;
          break;
        case 'l':
          Put(out, Blank(Type::kInt, 0)).i = tape::NumberAt<int64_t>(t, i);
          i += 2;
          break;
        case 'u': {
          // Above INT64_MAX: a double, as Kubernetes does (correctly rounded, as from_chars).
          Put(out, Blank(Type::kDouble, 0)).d = static_cast<double>(tape::NumberAt<uint64_t>(t, i));
          i += 2;
          break;
        }
        case 'd': {
          // Zero goes to the reference parser: RapidJSON rejects a zero with an exponent above
          // 308 (0e309), which simdjson reads as 0.
          const double d = tape::NumberAt<double>(t, i);
          if (!std::isfinite(d) || d == 0) return kRefuse;
          Put(out, Blank(Type::kDouble, 0)).d = d;
          i += 2;
          break;
        }
        case 't':
        case 'f':
          Put(out, Blank(Type::kBool, 0)).b = tape::Kind(w) == 't';
          ++i;
          break;
        case 'n':
          Put(out, Blank(Type::kNull, 0));
          ++i;
          break;
        case '{':
        case '[': {
          if (depth >= max_depth_) return kRefuse;
          const bool object = tape::Kind(w) == '{';
          size_t n = tape::Count(w);
          if (n >= saturated_from_) n = tape::CountChildren(t, i);
          if (n > std::numeric_limits<uint32_t>::max()) return kRefuse;
          const Type type = object ? Type::kObject : Type::kArray;
          if (n == 0) {
            Put(out, Blank(type, 0));
            i = tape::After(w);
            break;
          }
          if (depth > 0) frames_[depth - 1] = Frame{cur, next, seen};
          ++depth;
          cur = out;
          next = 0;
          seen = 0;
          if (object) {
            const bool indexed = n > internal::kIndexedObjectMin;
            Member* members = static_cast<Member*>(arena_.Allocate(
                n * sizeof(Member) + (indexed ? n * sizeof(uint32_t) : 0), alignof(Member)));
            Put(out, Blank(type, static_cast<uint32_t>(n))).members = members;
            if (!StringNode<kFix>(t[i + 1], &members[0].key)) return kRefuse;
            seen = KeyBit(members[0].key);
            out = &members[0].value;
            i += 2;
          } else {
            Node* elems = arena_.NewArray<Node>(n);
            Put(out, Blank(type, static_cast<uint32_t>(n))).elems = elems;
            out = elems;
            i += 1;
          }
          continue;
        }
        default:
          return kRefuse;
      }
      // A value is complete: go to the next child, closing every container it completes.
      for (;;) {
        if (depth == 0) {
          CG_DCHECK(tape::Kind(t[i]) == 'r');
          return kOk;
        }
        if (++next < cur->size) {
          if (cur->type == Type::kObject) {
            Member* m = const_cast<Member*>(cur->members) + next;
            if (!StringNode<kFix>(t[i], &m->key)) return kRefuse;
            if (cur->size <= internal::kIndexedObjectMin) {  // small: check the key now
              const uint64_t bit = KeyBit(m->key);
              if ((seen & bit) != 0 && RepeatsEarlierKey(cur->members, next)) return kDuplicate;
              seen |= bit;
            }
            out = &m->value;
            ++i;
          } else {
            out = const_cast<Node*>(cur->elems) + next;
          }
          break;
        }
        CG_DCHECK(tape::Kind(t[i]) == (cur->type == Type::kObject ? '}' : ']'));
        ++i;  // the closing word
        if (cur->type == Type::kObject && cur->size > internal::kIndexedObjectMin &&
            !IndexHasNoRepeats(cur)) {
          return kDuplicate;
        }
        if (--depth > 0) {
          cur = frames_[depth - 1].container;
          next = frames_[depth - 1].next;
          seen = frames_[depth - 1].seen;
        }
      }
    }
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
  // Stores `n` at `out` (typed stores, unlike a memset, cannot alias the walk's own state)
  // and returns it so the caller can set the payload.
  static Node& Put(Node* out, const Node& n) {
    *out = n;
    return *out;
  }

  // One of 64 bits chosen by the key's length and first and last bytes: equal keys have
  // the same bit, so an object whose keys have all different bits has no repeated key.
  static uint64_t KeyBit(const Node& key) {
    const auto* s = reinterpret_cast<const unsigned char*>(key.s);
    const uint32_t n = key.size;
    const uint32_t mix = n == 0 ? 0 : n + 5 * uint32_t{s[0]} + 3 * uint32_t{s[n - 1]};
    return uint64_t{1} << (mix & 63);
  }

  // Whether key `k` equals one of the keys before it.
  static bool RepeatsEarlierKey(const Member* members, uint32_t k) {
    const std::string_view key = KeyOf(members[k].key);
    for (uint32_t j = 0; j < k; ++j) {
      if (KeyEq(KeyOf(members[j].key), key)) return true;
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

  // Points `*out` at the string's copy, extending the copied prefix of the string buffer when
  // the string lies beyond it. False when the string is beyond the bound (not expected).
  template <bool kFix>
  bool StringNode(uint64_t w, Node* out) {
    const size_t offset = tape::StringOffset(w) + sizeof(uint32_t);
    const uint32_t len = tape::StringLength(strings_, w);
    const size_t end = offset + len;
    if (end > copied_) {
      if (end > string_bytes_) return false;
      const size_t upto = std::min(string_bytes_, std::max(end, copied_ + kCopyChunk));
      std::memcpy(copy_ + copied_, strings_ + copied_, upto - copied_);
      copied_ = upto;
    }
    char* s = copy_ + offset;
    Put(out, Blank(Type::kString, len)).s = s;
    if (kFix) ReplaceLoneLowSurrogatesInPlace(s, len);
    return true;
  }

  static constexpr size_t kCopyChunk = 4096;

  Arena& arena_;
  const uint64_t* const tape_;
  const uint8_t* const strings_;
  const size_t string_bytes_;
  const size_t max_depth_;  // the caller's limit, or the frame count when smaller
  const bool fix_;
  const uint32_t saturated_from_;
  Frame* const frames_;   // the open containers outside the innermost one
  char* copy_ = nullptr;  // arena copy of strings_[0, string_bytes_)
  size_t copied_ = 0;     // strings_[0, copied_) is in copy_
};

namespace {

// simdjson's own nesting limit for the fast path (deeper text goes to the reference parser).
constexpr size_t kSimdMaxDepth = 1024;
// Texts up to this size reuse a per-thread simdjson parser (its buffers grow to the largest
// text seen); larger ones get a parser of their own, freed after the parse.
constexpr size_t kReusedParserMaxBytes = 1 << 20;

// Whether this simdjson lets a lone low-surrogate escape through (as ED B0..BF xx). simdjson
// 3.0 rejects it, and the reference parser then handles the text; probed once, so the walk
// only looks for strings to fix with a simdjson that needs it.
bool SimdjsonKeepsLoneLowSurrogates() {
  static const bool keeps = [] {
    simdjson::dom::parser parser;
    const std::string_view probe = R"(["\udc00"])";
    return parser.parse(probe.data(), probe.size(), true).error() == simdjson::SUCCESS;
  }();
  return keeps;
}

// The fast path: the Document, or nullopt when the reference parser must decide.
std::optional<Document> ParseFast(std::string_view text, const ParseOptions& options,
                                  uint32_t saturated_from = tape::kCountSaturated) {
  thread_local simdjson::dom::parser reused(kReusedParserMaxBytes);
  std::optional<simdjson::dom::parser> own;
  simdjson::dom::parser* parser = &reused;
  if (text.size() > kReusedParserMaxBytes) {
    parser = &own.emplace(text.size());
  }
  if (parser->max_depth() != kSimdMaxDepth || parser->capacity() < text.size()) {
    if (parser->allocate(std::max(text.size(), parser->capacity()), kSimdMaxDepth) !=
        simdjson::SUCCESS) {
      return std::nullopt;
    }
  }
  if (parser->parse(text.data(), text.size(), true).error() != simdjson::SUCCESS) {
    return std::nullopt;
  }
  const uint64_t* t = parser->doc.tape.get();
  const uint8_t* strings = parser->doc.string_buf.get();
  const size_t words = (t[0] & tape::kPayloadMask) + 1;
  // Bound of the used string buffer: each string takes its 4-byte length, its bytes (no more
  // than its escaped form in the text) and a NUL; simdjson allocates 5/3 of the capacity
  // (>= text size) plus padding.
  const size_t string_bytes =
      std::min(text.size() + 3 * words, 5 * text.size() / 3 + simdjson::SIMDJSON_PADDING);
  // One block: a node (24 bytes) per word at most, object indexes, the strings. Capped at a
  // few times the text, so a hostile text (say 64 MiB of numbers) does not reserve its whole
  // worst case up front; such a Document grows the arena block by block instead.
  const size_t arena_bytes =
      std::min(words * 32 + string_bytes + 256, text.size() * 6 + 4096);
  const bool may_have_escapes =
      SimdjsonKeepsLoneLowSurrogates() && text.find("\\u") != std::string_view::npos;
  {
    thread_local std::vector<internal::FastParse::Frame> frames;
    if (frames.size() < kSimdMaxDepth + 1) frames.resize(kSimdMaxDepth + 1);
    auto arena = std::make_unique<Arena>(arena_bytes);
    internal::FastParse fast(*arena, t, strings, string_bytes, options, may_have_escapes,
                             saturated_from, frames.data(), frames.size());
    Node* top = arena->New<Node>();
    switch (fast.Run(top)) {
      case internal::FastParse::kOk:
        return internal::FastParse::Make(std::move(arena), top);
      case internal::FastParse::kRefuse:
        return std::nullopt;
      case internal::FastParse::kDuplicate:
        if (!options.allow_duplicate_keys) return std::nullopt;
        break;  // the Builder replay merges repeated keys
    }
  }
  Builder builder(arena_bytes);
  if (!TapeToBuilder(t, strings, options, may_have_escapes, builder)) {
    return std::nullopt;
  }
  return builder.Finish();
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

std::optional<Document> ParseFastForTest(std::string_view text, const ParseOptions& options,
                                         bool recount_containers) {
  if (text.size() > options.max_bytes) return std::nullopt;
  return ParseFast(text, options, recount_containers ? 0 : tape::kCountSaturated);
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

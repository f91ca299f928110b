// json/json.cc: JSON DOM construction (Builder), the RapidJSON-backed parser and writers.
//
// Pipeline: text --simdjson DOM (tape)--> FastParse --arena node arrays--> Document (objects
// with repeated keys: --TapeToBuilder events--> Builder). Whenever simdjson rejects the text (or
// the walk meets something it leaves to the reference parser: too deep, duplicate keys when
// those are errors), the text is parsed again by the reference path, text --RapidJSON
// iterative SAX reader--> ParseHandler --> Builder, which decides acceptance and words the
// error. Serialize/Writer walk a Value with an explicit stack and feed a rapidjson::Writer.
// Users include json/json.h; RapidJSON and simdjson never leave this file.
#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
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
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
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
// so do we. Validated UTF-8 can hold such bytes only from an escape, so this is rare: `s` is
// returned unchanged unless an 0xED byte is present, else a fixed copy held in `*buffer`.
std::string_view ReplaceLoneLowSurrogates(std::string_view s, std::string* buffer) {
  const void* hit = std::memchr(s.data(), 0xED, s.size());
  if (hit == nullptr) return s;
  buffer->assign(s);
  std::string& b = *buffer;
  for (size_t i = static_cast<const char*>(hit) - s.data(); i + 2 < b.size(); ++i) {
    if (static_cast<unsigned char>(b[i]) == 0xED && static_cast<unsigned char>(b[i + 1]) >= 0xA0) {
      b[i] = '\xEF';
      b[i + 1] = '\xBF';
      b[i + 2] = '\xBD';
      i += 2;
    }
  }
  return b;
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

class ParseHandler {
 public:
  enum class Stop { kNone, kDepth, kDuplicate, kNumber };

  ParseHandler(Builder& builder, const ParseOptions& options)
      : b_(builder), max_depth_(options.max_depth), allow_dups_(options.allow_duplicate_keys) {}

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

namespace {

// Feeds a simdjson DOM element to a Builder (recursive; simdjson bounds the depth to
// kSimdMaxDepth). Returns false to hand the text to the reference parser.
class TapeToBuilder {
 public:
  TapeToBuilder(Builder& b, const ParseOptions& options, bool fix_surrogates)
      : b_(b), options_(options), fix_surrogates_(fix_surrogates) {}

  bool Emit(simdjson::dom::element e) {
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT: {
        if (++depth_ > options_.max_depth) return false;
        b_.StartObject();
        simdjson::dom::object obj;
        if (e.get(obj) != simdjson::SUCCESS) return false;
        for (simdjson::dom::key_value_pair kv : obj) {
          b_.Key(Fix(kv.key));
          if (!Emit(kv.value)) return false;
        }
        b_.EndObject();
        --depth_;
        // Duplicate keys as errors: the reference parser reports the first one.
        return options_.allow_duplicate_keys || !b_.first_duplicate();
      }
      case simdjson::dom::element_type::ARRAY: {
        if (++depth_ > options_.max_depth) return false;
        b_.StartArray();
        simdjson::dom::array arr;
        if (e.get(arr) != simdjson::SUCCESS) return false;
        for (simdjson::dom::element x : arr) {
          if (!Emit(x)) return false;
        }
        b_.EndArray();
        --depth_;
        return true;
      }
      case simdjson::dom::element_type::INT64: {
        int64_t i = 0;
        if (e.get(i) != simdjson::SUCCESS) return false;
        b_.Int(i);
        return true;
      }
      case simdjson::dom::element_type::UINT64: {
        // Above INT64_MAX: a double, as Kubernetes does (correctly rounded, as from_chars).
        uint64_t u = 0;
        if (e.get(u) != simdjson::SUCCESS) return false;
        b_.Double(static_cast<double>(u));
        return true;
      }
      case simdjson::dom::element_type::DOUBLE: {
        double d = 0;
        if (e.get(d) != simdjson::SUCCESS || !std::isfinite(d) || d == 0) return false;  // as Fill
        b_.Double(d);
        return true;
      }
      case simdjson::dom::element_type::STRING: {
        std::string_view s;
        if (e.get(s) != simdjson::SUCCESS) return false;
        b_.String(Fix(s));
        return true;
      }
      case simdjson::dom::element_type::BOOL: {
        bool v = false;
        if (e.get(v) != simdjson::SUCCESS) return false;
        b_.Bool(v);
        return true;
      }
      case simdjson::dom::element_type::NULL_VALUE:
        b_.Null();
        return true;
    }
    return false;
  }

 private:
  // A lone low-surrogate escape becomes U+FFFD; only possible when the text has a \u escape.
  std::string_view Fix(std::string_view s) {
    return fix_surrogates_ ? ReplaceLoneLowSurrogates(s, &fixed_) : s;
  }

  Builder& b_;
  const ParseOptions& options_;
  const bool fix_surrogates_;
  size_t depth_ = 0;
  std::string fixed_;
};

}  // namespace

// Builds the Document's nodes straight from the simdjson DOM: every container's member count
// is known up front, so each node array is allocated once in the arena and filled in place (no
// Builder stack). Objects with a repeated key are left to the Builder walk (Fill returns
// kDuplicate), which keeps the first place and the last value.
struct internal::FastParse {
  enum Result { kOk, kDuplicate, kRefuse };

  FastParse(Arena& arena, const ParseOptions& options, bool fix_surrogates)
      : arena_(arena), options_(options), fix_(fix_surrogates) {}

  static Document Make(std::unique_ptr<Arena> arena, const Node* root) {
    Document doc;
    doc.arena_ = std::move(arena);
    doc.root_ = root;
    return doc;
  }

  Result Fill(simdjson::dom::element e, Node* out) {
    std::memset(static_cast<void*>(out), 0, sizeof(Node));
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT: {
        simdjson::dom::object obj;
        if (++depth_ > options_.max_depth || e.get(obj) != simdjson::SUCCESS) return kRefuse;
        size_t n = obj.size();
        if (n >= 0xFFFFFF) {  // simdjson saturates large counts
          n = 0;
          for (auto it = obj.begin(); it != obj.end(); ++it) ++n;
        }
        if (n > std::numeric_limits<uint32_t>::max()) return kRefuse;
        out->type = Type::kObject;
        out->size = static_cast<uint32_t>(n);
        out->members = nullptr;
        if (n == 0) {
          --depth_;
          return kOk;
        }
        const bool indexed = n > internal::kIndexedObjectMin;
        Member* members = static_cast<Member*>(arena_.Allocate(
            n * sizeof(Member) + (indexed ? n * sizeof(uint32_t) : 0), alignof(Member)));
        size_t i = 0;
        for (simdjson::dom::key_value_pair kv : obj) {
          StringNode(kv.key, &members[i].key);
          if (Result r = Fill(kv.value, &members[i].value); r != kOk) return r;
          ++i;
        }
        out->members = members;
        auto key = [&](size_t k) { return KeyOf(members[k].key); };
        if (!indexed) {
          for (size_t a = 1; a < n; ++a) {
            for (size_t b = 0; b < a; ++b) {
              if (KeyEq(key(a), key(b))) return kDuplicate;
            }
          }
        } else {
          uint32_t* index = reinterpret_cast<uint32_t*>(members + n);
          std::iota(index, index + n, 0u);
          std::sort(index, index + n,
                    [&](uint32_t a, uint32_t b) { return KeyLess(key(a), key(b)); });
          for (size_t k = 1; k < n; ++k) {
            if (KeyEq(key(index[k - 1]), key(index[k]))) return kDuplicate;
          }
        }
        --depth_;
        return kOk;
      }
      case simdjson::dom::element_type::ARRAY: {
        simdjson::dom::array arr;
        if (++depth_ > options_.max_depth || e.get(arr) != simdjson::SUCCESS) return kRefuse;
        size_t n = arr.size();
        if (n >= 0xFFFFFF) {
          n = 0;
          for (auto it = arr.begin(); it != arr.end(); ++it) ++n;
        }
        if (n > std::numeric_limits<uint32_t>::max()) return kRefuse;
        out->type = Type::kArray;
        out->size = static_cast<uint32_t>(n);
        out->elems = nullptr;
        if (n > 0) {
          Node* elems = arena_.NewArray<Node>(n);
          size_t i = 0;
          for (simdjson::dom::element x : arr) {
            if (Result r = Fill(x, &elems[i]); r != kOk) return r;
            ++i;
          }
          out->elems = elems;
        }
        --depth_;
        return kOk;
      }
      case simdjson::dom::element_type::INT64: {
        if (e.get(out->i) != simdjson::SUCCESS) return kRefuse;
        out->type = Type::kInt;
        return kOk;
      }
      case simdjson::dom::element_type::UINT64: {
        // Above INT64_MAX: a double, as Kubernetes does (correctly rounded, as from_chars).
        uint64_t u = 0;
        if (e.get(u) != simdjson::SUCCESS) return kRefuse;
        out->type = Type::kDouble;
        out->d = static_cast<double>(u);
        return kOk;
      }
      case simdjson::dom::element_type::DOUBLE: {
        // Zero goes to the reference parser: RapidJSON rejects a zero with an exponent above
        // 308 (0e309), which simdjson reads as 0.
        if (e.get(out->d) != simdjson::SUCCESS || !std::isfinite(out->d) || out->d == 0) {
          return kRefuse;
        }
        out->type = Type::kDouble;
        return kOk;
      }
      case simdjson::dom::element_type::STRING: {
        std::string_view s;
        if (e.get(s) != simdjson::SUCCESS) return kRefuse;
        StringNode(s, out);
        return kOk;
      }
      case simdjson::dom::element_type::BOOL: {
        if (e.get(out->b) != simdjson::SUCCESS) return kRefuse;
        out->type = Type::kBool;
        return kOk;
      }
      case simdjson::dom::element_type::NULL_VALUE:
        out->type = Type::kNull;
        return kOk;
    }
    return kRefuse;
  }

 private:
  void StringNode(std::string_view s, Node* out) {
    std::memset(static_cast<void*>(out), 0, sizeof(Node));
    if (fix_) s = ReplaceLoneLowSurrogates(s, &fixed_);
    out->type = Type::kString;
    out->size = static_cast<uint32_t>(s.size());
    out->s = arena_.CopyString(s).data();
  }

  Arena& arena_;
  const ParseOptions& options_;
  const bool fix_;
  size_t depth_ = 0;
  std::string fixed_;
};

namespace {

// simdjson's own nesting limit for the fast path (deeper text goes to the reference parser, so
// the recursive walk above stays shallow).
constexpr size_t kSimdMaxDepth = 1024;
// Texts up to this size reuse a per-thread simdjson parser (its buffers grow to the largest
// text seen); larger ones get a parser of their own, freed after the parse.
constexpr size_t kReusedParserMaxBytes = 1 << 20;

// The fast path: the Document, or nullopt when the reference parser must decide.
std::optional<Document> ParseFast(std::string_view text, const ParseOptions& options) {
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
  simdjson::dom::element root;
  if (parser->parse(text.data(), text.size(), true).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  const bool may_have_escapes = text.find("\\u") != std::string_view::npos;
  // Nodes take about 3-4x the text: size the first arena block to avoid regrowth.
  const size_t arena_bytes = text.size() * 4 + 256;
  {
    auto arena = std::make_unique<Arena>(arena_bytes);
    internal::FastParse fast(*arena, options, may_have_escapes);
    Node* top = arena->New<Node>();
    switch (fast.Fill(root, top)) {
      case internal::FastParse::kOk:
        return internal::FastParse::Make(std::move(arena), top);
      case internal::FastParse::kRefuse:
        return std::nullopt;
      case internal::FastParse::kDuplicate:
        if (!options.allow_duplicate_keys) return std::nullopt;
        break;  // the Builder walk merges repeated keys
    }
  }
  Builder builder(arena_bytes);
  TapeToBuilder walk(builder, options, may_have_escapes);
  if (!walk.Emit(root)) {
    return std::nullopt;
  }
  return builder.Finish();
}

}  // namespace

StatusOr<Document> Parse(std::string_view text, const ParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return ResourceExhaustedError("JSON input of " + std::to_string(text.size()) +
                                  " bytes exceeds the limit of " +
                                  std::to_string(options.max_bytes));
  }
  // simdjson rejects every raw NUL byte, so NUL checks are only needed on the reference path.
  if (std::optional<Document> fast = ParseFast(text, options)) {
    return std::move(*fast);
  }
  // RapidJSON treats NUL as end of input; a raw NUL byte is never valid JSON anyway.
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    return ErrorAt(text, static_cast<const char*>(nul) - text.data(),
                   "NUL byte is not allowed in JSON text");
  }
  Builder builder;
  ParseHandler handler(builder, options);
  rapidjson::MemoryStream stream(text.data(), text.size());
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

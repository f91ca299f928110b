// json/json.h: the JSON front door. Parse text into an immutable Document, read it through the
// trivially copyable json::Value view, build Documents from other producers (json::Builder),
// and write JSON (Serialize, SerializePretty, json::Writer, Quote).
//
// Where it sits: `json/` is the only home of RapidJSON (see STYLE.md section 1); nothing here
// exposes a RapidJSON type. The CEL evaluator reads admission requests through json::Value on
// the hot path, so the accessors are inline, allocation-free, and never fail: reading the wrong
// kind (as_int() of a string, at(7) of a 3-element array, Find on a non-object) returns a zero
// value or an invalid Value instead of crashing. `yaml/` produces Documents through Builder.
//
// Memory: a Document owns one Arena holding every node and string. A Value is one pointer into
// that arena: it must not outlive its Document (moving a Document keeps Values valid, because
// the arena itself does not move). Documents are immutable, so any number of threads may read
// one Document concurrently. Builder and Writer are single-threaded.
//
// Node layout: 24 bytes per value (type, size, line, column, 8-byte payload); an object member
// is a key node plus a value node (48 bytes). Objects with more than kIndexedObjectMin members
// carry a sorted index after their members so Find is O(log n) for them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace celgate {
class Arena;
}

namespace celgate::json {

enum class Type : uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

// "null", "bool", "int", "double", "string", "array", "object".
std::string_view TypeName(Type type);

// Where a value starts in its source text. 1-based; 0 means unknown. json::Parse leaves
// positions at 0; yaml::LoadAll fills them. Columns count bytes.
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
  bool known() const { return line != 0; }
};

namespace internal {
// Storage layout shared by the inline accessors below and json.cc. Not for use outside json/.
struct Member;
struct Node {
  Type type;
  uint8_t reserved0;
  uint16_t reserved1;
  uint32_t size;  // string bytes, array elements, or object members
  uint32_t line;
  uint32_t column;
  union {
    bool b;
    int64_t i;
    double d;
    const char* s;
    const Node* elems;      // array: `size` nodes
    const Member* members;  // object: `size` members, then (if indexed) `size` uint32 indexes
  };
};
struct Member {
  Node key;  // always kString
  Node value;
};
static_assert(sizeof(Node) == 24, "json nodes are meant to stay compact");
static_assert(sizeof(Member) == 48);

// Objects with more members than this carry a sorted index (binary search in Find).
inline constexpr uint32_t kIndexedObjectMin = 16;

struct FastParse;  // json.cc: builds Documents over simdjson's stage-1 index

// Find for indexed objects (out of line; REQUIRES obj->size > kIndexedObjectMin).
const Node* FindIndexed(const Node* obj, std::string_view key);

// Whether a[0, n) == b[0, n). Inline for keys up to 16 bytes (two overlapping 8- or 4-byte
// loads per side, never past either range), memcmp for longer ones. Object keys are short,
// and this runs once per candidate member in every lookup.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    uint64_t a0, b0;
    std::memcpy(&a0, a, 8);
    std::memcpy(&b0, b, 8);
    if (n > 16) return a0 == b0 && std::memcmp(a + 8, b + 8, n - 8) == 0;
    uint64_t a1, b1;
    std::memcpy(&a1, a + n - 8, 8);
    std::memcpy(&b1, b + n - 8, 8);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  if (n >= 4) {
    uint32_t a0, b0, a1, b1;
    std::memcpy(&a0, a, 4);
    std::memcpy(&b0, b, 4);
    std::memcpy(&a1, a + n - 4, 4);
    std::memcpy(&b1, b + n - 4, 4);
    return ((a0 ^ b0) | (a1 ^ b1)) == 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}
}  // namespace internal

class Document;
struct ParseOptions;
namespace internal {
// Test hooks for differential checks (json_test.cc, fuzz/json_fuzzer.cc); Parse is the API.
// The RapidJSON reference parser alone (Parse's answer for everything the fast path defers).
StatusOr<Document> ParseReferenceForTest(std::string_view text, const ParseOptions& options);
// The fast path alone (simdjson's stage 1, our stage 2): nullopt where Parse would ask the
// reference parser.
std::optional<Document> ParseFastForTest(std::string_view text, const ParseOptions& options);
}  // namespace internal

// A read-only view of one JSON value inside a Document. Trivially copyable (one pointer).
// A default-constructed Value, a missing key and an out-of-range index are invalid():
// every is_*() is false, size() is 0, as_*() return zero values, Find/at return invalid.
class Value {
 public:
  Value() = default;

  bool valid() const { return n_ != nullptr; }
  // REQUIRES: valid(). Returns kNull for an invalid Value.
  Type type() const { return n_ ? n_->type : Type::kNull; }
  bool is_null() const { return is(Type::kNull); }
  bool is_bool() const { return is(Type::kBool); }
  bool is_int() const { return is(Type::kInt); }
  bool is_double() const { return is(Type::kDouble); }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return is(Type::kString); }
  bool is_array() const { return is(Type::kArray); }
  bool is_object() const { return is(Type::kObject); }

  // Typed reads. Wrong kind (or invalid) returns false / 0 / 0.0 / "".
  bool as_bool() const { return is_bool() && n_->b; }
  int64_t as_int() const { return is_int() ? n_->i : 0; }
  // Also converts kInt (exactly when |value| <= 2^53).
  double as_double() const {
    return is_double() ? n_->d : is_int() ? static_cast<double>(n_->i) : 0.0;
  }
  // The view lives as long as the Document.
  std::string_view as_string() const {
    return is_string() ? std::string_view(n_->s, n_->size) : std::string_view();
  }

  // Array elements or object members; 0 for anything else.
  size_t size() const { return (is_array() || is_object()) ? n_->size : 0; }
  // Array element `i`, or invalid when not an array or i >= size().
  Value at(size_t i) const {
    return (is_array() && i < n_->size) ? Value(&n_->elems[i]) : Value();
  }
  // Object member key / value `i` in document order; ""/invalid when out of range.
  std::string_view key_at(size_t i) const {
    return (is_object() && i < n_->size)
               ? std::string_view(n_->members[i].key.s, n_->members[i].key.size)
               : std::string_view();
  }
  Value value_at(size_t i) const {
    return (is_object() && i < n_->size) ? Value(&n_->members[i].value) : Value();
  }
  // Position of the key of member `i` (YAML only; {} otherwise).
  Position key_position_at(size_t i) const {
    return (is_object() && i < n_->size)
               ? Position{n_->members[i].key.line, n_->members[i].key.column}
               : Position();
  }
  // Object member named `key`, or invalid. No allocation. Keys are unique within an object.
  // Always inlined: it is the evaluator's most frequent call, and small.
  [[gnu::always_inline]] Value Find(std::string_view key) const;

  Position position() const { return n_ ? Position{n_->line, n_->column} : Position(); }

  // Identity of the underlying node (same node => same Value); not deep equality.
  bool SameNodeAs(Value other) const { return n_ == other.n_; }

 private:
  friend class Builder;
  friend class Document;
  explicit Value(const internal::Node* n) : n_(n) {}
  bool is(Type t) const { return n_ != nullptr && n_->type == t; }
  const internal::Node* n_ = nullptr;
};

[[gnu::always_inline]] inline Value Value::Find(std::string_view key) const {
  if (!is_object()) {
    return Value();
  }
  const uint32_t n = n_->size;
  if (n > internal::kIndexedObjectMin) {
    return Value(internal::FindIndexed(n_, key));
  }
  const internal::Member* m = n_->members;
  for (uint32_t i = 0; i < n; ++i) {
    if (m[i].key.size == key.size() && internal::SameBytes(m[i].key.s, key.data(), key.size())) {
      return Value(&m[i].value);
    }
  }
  return Value();
}

// Owns every node and string of one parsed or built JSON value. Movable, not copyable (copying
// would have to deep-copy the arena; Values of the source would not point into the copy).
class Document {
 public:
  Document();  // empty: root() is invalid
  ~Document();
  Document(Document&&) noexcept;
  Document& operator=(Document&&) noexcept;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  Value root() const { return Value(root_); }
  // Bytes allocated from the arena (nodes + strings).
  size_t memory_bytes() const;

 private:
  friend class Builder;
  friend struct internal::FastParse;
  std::unique_ptr<Arena> arena_;
  const internal::Node* root_ = nullptr;
};

struct ParseOptions {
  // Maximum nesting of arrays/objects. Deeper input fails with kInvalidArgument. Parsing is
  // iterative, so this bounds memory and later tree walks, not the C++ stack.
  size_t max_depth = 512;
  // Inputs longer than this fail with kResourceExhausted before any parsing.
  size_t max_bytes = 64 << 20;
  // true: a repeated key replaces the earlier value (Go encoding/json: last wins); the object
  // keeps one member per key, at the place of the first occurrence. false: kInvalidArgument.
  bool allow_duplicate_keys = true;
};

// Parses one JSON value (RFC 8259). Numbers: an integer literal (no fraction, no exponent)
// that fits int64 becomes kInt; every other number becomes kDouble (as Kubernetes decodes
// JSON without a schema). Rejects NaN/Infinity, comments, invalid UTF-8, control characters
// in strings, trailing content, and lone high surrogates (\uD800 without a low half); a lone
// low surrogate escape becomes U+FFFD (as Go does). Errors are kInvalidArgument with message
// "line L column C: <what>" (column in bytes).
StatusOr<Document> Parse(std::string_view text, const ParseOptions& options = {});

// Builds a Document bottom-up from events, as a SAX consumer:
//   Builder b;
//   b.StartObject(); b.Key("a"); b.Int(1); b.Key("b"); b.StartArray(); b.Null();
//   b.EndArray(); b.EndObject();
//   Document d = b.Finish();
// Every value event may carry the value's source Position. Strings and keys are copied.
// Objects: a repeated key keeps its first place and takes the last value (see
// first_duplicate() to reject instead). Calling events out of order (a value where a key is
// expected, EndArray closing an object, Finish with open containers or no value) is a
// programming error (DCHECK); release builds produce an unspecified but memory-safe Document.
// A Builder can be reused after Finish().
class Builder {
 public:
  Builder();
  // The first arena block of the Document has `initial_arena_bytes` (later blocks grow).
  explicit Builder(size_t initial_arena_bytes);
  ~Builder();
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  void Null(Position pos = {});
  void Bool(bool b, Position pos = {});
  void Int(int64_t i, Position pos = {});
  void Double(double d, Position pos = {});  // NaN/Inf are stored; Serialize writes null
  void String(std::string_view s, Position pos = {});
  void StartArray(Position pos = {});
  void EndArray();
  void StartObject(Position pos = {});
  void Key(std::string_view key, Position pos = {});
  void EndObject();
  // Deep-copies `v` (from any Document) as the next value, positions included.
  void Value(json::Value v);

  // Number of containers currently open.
  size_t depth() const { return frames_.size(); }

  // The first repeated key seen by any EndObject since construction or the last Finish.
  struct Duplicate {
    std::string key;
    Position first;   // position of the earlier key
    Position second;  // position of the repeated key
  };
  const std::optional<Duplicate>& first_duplicate() const { return duplicate_; }

  // Returns the Document holding the single root value and resets the Builder.
  // REQUIRES: exactly one complete top-level value.
  Document Finish();

 private:
  void Push(const internal::Node& n);
  Arena& arena();  // created on first use after construction or Finish
  void DedupeAndIndex(size_t start, uint32_t count, internal::Member** out_members,
                      uint32_t* out_count);

  size_t arena_bytes_;            // first block size of each Document's arena
  std::unique_ptr<Arena> arena_;  // null until the first allocation of a Document
  std::vector<internal::Node> stack_;  // completed values (and keys) of open containers
  std::vector<size_t> frames_;         // stack_ index where each open container starts
  std::vector<internal::Node> opens_;  // the header node of each open container
  std::vector<uint32_t> scratch_;      // reused by EndObject
  std::optional<Duplicate> duplicate_;
};

// Compact JSON: keys in document order, ints as ints, doubles in the shortest form that reads
// back to the same double (always with a '.' or exponent, so they stay doubles), NaN/Inf as
// null. An invalid Value serializes as "null". Iterative: any depth is fine.
std::string Serialize(Value v);
// The same, pretty-printed with `indent` spaces per level.
std::string SerializePretty(Value v, int indent = 2);

// A JSON string literal for `s`, quotes included (control characters, '"' and '\' escaped;
// other bytes copied as is).
std::string Quote(std::string_view s);

// Streaming writer for building responses without a DOM. Compact output. Call events in a
// valid order (a Key before each object member value); misuse is a programming error.
// Double(NaN/Inf) writes null.
class Writer {
 public:
  Writer();
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void StartObject();
  void EndObject();
  void StartArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view s);
  void Int(int64_t i);
  void Uint(uint64_t u);
  void Double(double d);
  void Bool(bool b);
  void Null();
  // Inserts `json` verbatim as one value. REQUIRES: `json` is one valid JSON value.
  void Raw(std::string_view json);
  // Writes a whole json::Value (invalid writes null).
  void Value(json::Value v);

  // The output so far; valid until the next call.
  std::string_view str() const;
  // Moves the output out and resets the writer for a new value.
  std::string Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace celgate::json

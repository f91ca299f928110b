// yaml/yaml.cc: YAML stream → json::Documents. Entry point: yaml::LoadAll (include yaml/yaml.h).
//
// Stages, per document:
//   1. yaml-cpp's event parser feeds TreeRecorder, which records a compact tree (scalars with
//      their style/tag, collections, aliases as links to the anchored node) and computes each
//      node's expanded size bottom-up. Depth, node count, recursive aliases and alias bombs
//      are rejected here, before anything is expanded.
//   2. Converter walks the tree with an explicit stack, resolves scalars as go-yaml v2 does,
//      turns keys into strings, applies merge keys, rejects duplicate keys, and emits events
//      into a json::Builder.
// yaml-cpp throws; every exception is caught in LoadAll. TreeRecorder stops yaml-cpp early by
// throwing its own private Abort type, also caught there.
#include "yaml/yaml.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <istream>
#include <limits>
#include <optional>
#include <streambuf>
#include <string>
#include <unordered_map>
#include <utility>

#include "base/utf8.h"

namespace celgate::yaml {
namespace {

using json::Position;

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

std::string Quoted(std::string_view s) { return json::Quote(s); }

// yaml-cpp 0.7 decodes the double-quoted escapes `\N` (U+0085) and `\_` (U+00A0) into the
// single Latin-1 bytes 0x85 and 0xA0 instead of their UTF-8 encodings, so a scalar using them
// is not UTF-8 (found by fuzz/yaml_fuzzer: the document then serialized to JSON that our own
// parser rejects, and CEL would see a malformed string). LoadAll has already checked that the
// input text is UTF-8 and yaml-cpp encodes every other escape (\x, \u, \U, \L, \P) as UTF-8,
// so a byte that does not start a valid sequence in `value` can only come from those two
// escapes. Appends `value` to `out` with such bytes re-encoded; false (and `out` unspecified)
// if any other invalid byte shows up.
bool AppendWithLatin1EscapesFixed(std::string_view value, std::string* out) {
  out->reserve(out->size() + value.size() + 8);
  size_t pos = 0;
  while (pos < value.size()) {
    const size_t start = pos;
    char32_t cp = 0;
    if (utf8::DecodeAt(value, &pos, &cp)) {
      out->append(value.substr(start, pos - start));
      continue;
    }
    const unsigned char byte = static_cast<unsigned char>(value[start]);
    if (byte != 0x85 && byte != 0xA0) {
      return false;
    }
    utf8::Append(out, byte);  // U+0085 or U+00A0, two bytes in UTF-8
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Stage 1: the recorded tree.

struct YNode {
  enum class Kind : uint8_t { kNull, kScalar, kSeq, kMap, kAlias };
  enum class Style : uint8_t { kPlain, kNonPlain, kTagged };  // scalars only
  Kind kind = Kind::kNull;
  Style style = Style::kPlain;
  bool complete = false;
  uint32_t line = 0;
  uint32_t column = 0;
  uint32_t text_off = 0, text_len = 0;  // scalar value (pool)
  uint32_t tag_off = 0, tag_len = 0;    // explicit tag of a kTagged scalar (pool)
  uint32_t first_child = kNone;
  uint32_t last_child = kNone;
  uint32_t next_sibling = kNone;
  uint32_t child_count = 0;
  uint32_t target = kNone;  // alias: the anchored node
  uint64_t expanded = 1;    // JSON nodes this node becomes once aliases are expanded

  Position position() const { return Position{line, column}; }
};

struct Tree {
  std::vector<YNode> nodes;
  std::string pool;
  uint32_t root = kNone;

  std::string_view text(const YNode& n) const {
    return std::string_view(pool).substr(n.text_off, n.text_len);
  }
  std::string_view tag(const YNode& n) const {
    return std::string_view(pool).substr(n.tag_off, n.tag_len);
  }
  // Follows an alias to its anchored node.
  uint32_t Deref(uint32_t i) const {
    return nodes[i].kind == YNode::Kind::kAlias ? nodes[i].target : i;
  }
};

// Thrown by TreeRecorder to stop yaml-cpp; never leaves this file.
struct Abort {
  Status status;
};

Position PositionOf(const YAML::Mark& m) {
  return Position{static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
}

std::string At(Position p) {
  return "line " + std::to_string(p.line) + " column " + std::to_string(p.column);
}

class TreeRecorder : public YAML::EventHandler {
 public:
  TreeRecorder(const LoadOptions& options, uint64_t node_budget)
      : options_(options), budget_(node_budget) {}

  Tree& tree() { return tree_; }
  Position doc_start() const { return doc_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { doc_start_ = PositionOf(mark); }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Add(YNode::Kind::kNull, mark, anchor);
    Finish(static_cast<uint32_t>(tree_.nodes.size() - 1));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (anchor >= anchors_.size() || anchors_[anchor] == kNone) {
      Fail(PositionOf(mark), "alias refers to an unknown anchor");
    }
    const uint32_t target = anchors_[anchor];
    if (!tree_.nodes[target].complete) {
      Fail(PositionOf(mark), "recursive alias: the alias is inside the node it refers to");
    }
    const uint32_t i = Add(YNode::Kind::kAlias, mark, YAML::NullAnchor);
    tree_.nodes[i].target = target;
    tree_.nodes[i].expanded = tree_.nodes[target].expanded;
    Finish(i);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const uint32_t i = Add(YNode::Kind::kScalar, mark, anchor);
    YNode& n = tree_.nodes[i];
    n.text_off = static_cast<uint32_t>(tree_.pool.size());
    if (utf8::IsValid(value)) {
      tree_.pool += value;
    } else if (!AppendWithLatin1EscapesFixed(value, &tree_.pool)) {
      Fail(PositionOf(mark), "scalar is not valid UTF-8 after unescaping");
    }
    n.text_len = static_cast<uint32_t>(tree_.pool.size() - n.text_off);
    if (tag == "?") {
      n.style = YNode::Style::kPlain;
    } else if (tag == "!") {
      n.style = YNode::Style::kNonPlain;  // quoted or block scalar, or the `!` tag
    } else {
      n.style = YNode::Style::kTagged;
      n.tag_off = static_cast<uint32_t>(tree_.pool.size());
      n.tag_len = static_cast<uint32_t>(tag.size());
      tree_.pool += tag;
    }
    Finish(i);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(Add(YNode::Kind::kSeq, mark, anchor), mark);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(Add(YNode::Kind::kMap, mark, anchor), mark);
  }
  void OnMapEnd() override { Close(); }

 private:
  [[noreturn]] void Fail(Position p, std::string what) {
    throw Abort{InvalidArgumentError(At(p) + ": " + what)};
  }

  uint32_t Add(YNode::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (tree_.nodes.size() >= budget_) {
      throw Abort{ResourceExhaustedError(At(PositionOf(mark)) + ": more than " +
                                         std::to_string(options_.max_nodes) + " YAML nodes")};
    }
    const uint32_t i = static_cast<uint32_t>(tree_.nodes.size());
    YNode n;
    n.kind = kind;
    const Position p = PositionOf(mark);
    n.line = p.line;
    n.column = p.column;
    tree_.nodes.push_back(n);
    if (open_.empty()) {
      tree_.root = i;
    } else {
      YNode& parent = tree_.nodes[open_.back()];
      if (parent.last_child == kNone) {
        parent.first_child = i;
      } else {
        tree_.nodes[parent.last_child].next_sibling = i;
      }
      parent.last_child = i;
      ++parent.child_count;
    }
    if (anchor != YAML::NullAnchor) {
      if (anchor >= anchors_.size()) {
        anchors_.resize(anchor + 1, kNone);
      }
      anchors_[anchor] = i;
    }
    return i;
  }

  void Open(uint32_t i, const YAML::Mark& mark) {
    open_.push_back(i);
    if (open_.size() > options_.max_depth) {
      Fail(PositionOf(mark),
           "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
    }
  }

  void Close() {
    const uint32_t i = open_.back();
    open_.pop_back();
    YNode& n = tree_.nodes[i];
    uint64_t sum = 1;
    for (uint32_t c = n.first_child; c != kNone; c = tree_.nodes[c].next_sibling) {
      sum += tree_.nodes[c].expanded;
      sum = std::min<uint64_t>(sum, uint64_t{1} << 62);  // saturate
    }
    n.expanded = sum;
    Finish(i);
  }

  void Finish(uint32_t i) {
    YNode& n = tree_.nodes[i];
    n.complete = true;
    if (n.expanded > budget_) {
      throw Abort{ResourceExhaustedError(
          At(n.position()) + ": expanding aliases would produce more than " +
          std::to_string(options_.max_nodes) + " nodes")};
    }
  }

  const LoadOptions& options_;
  const uint64_t budget_;
  Tree tree_;
  std::vector<uint32_t> open_;
  std::vector<uint32_t> anchors_;  // anchor id → node
  Position doc_start_;
};

// ---------------------------------------------------------------------------------------------
// Stage 2a: scalar resolution (go-yaml v2 rules; see yaml.h).

struct Scalar {
  enum class Kind { kNull, kBool, kInt, kUint, kDouble, kString } kind = Kind::kString;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;  // kUint: integers in (INT64_MAX, UINT64_MAX]
  double d = 0;
};

bool IsDigitIn(char c, int base) {
  if (c >= '0' && c <= '9') {
    return c - '0' < base;
  }
  if (base == 16) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  return false;
}

// Go's strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64) on a string without underscores.
std::optional<Scalar> ParseGoInt(std::string_view s) {
  bool neg = false;
  bool had_sign = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    had_sign = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    const char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (p == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) {
    return std::nullopt;
  }
  unsigned __int128 v = 0;
  for (char c : s) {
    if (!IsDigitIn(c, base)) {
      return std::nullopt;
    }
    const int digit = (c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    v = v * base + digit;
    if (v > std::numeric_limits<uint64_t>::max()) {
      return std::nullopt;
    }
  }
  Scalar out;
  const unsigned __int128 kMaxPos = std::numeric_limits<int64_t>::max();
  if (neg) {
    if (v > kMaxPos + 1) {
      return std::nullopt;
    }
    out.kind = Scalar::Kind::kInt;
    out.i = static_cast<int64_t>(-static_cast<__int128>(v));
    return out;
  }
  if (v <= kMaxPos) {
    out.kind = Scalar::Kind::kInt;
    out.i = static_cast<int64_t>(v);
    return out;
  }
  if (had_sign) {  // ParseUint accepts no sign
    return std::nullopt;
  }
  out.kind = Scalar::Kind::kUint;
  out.u = static_cast<uint64_t>(v);
  return out;
}

// go-yaml's yamlStyleFloat: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsYamlStyleFloat(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      ++i;
    }
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) {
      return false;
    }
  } else {
    if (digits() == 0) {
      return false;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      ++i;
    }
    if (digits() == 0) {
      return false;
    }
  }
  return i == s.size();
}

// Decimal float text (already syntax-checked) → finite double, or nullopt on overflow.
std::optional<double> ParseFiniteDouble(std::string_view s) {
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);  // from_chars rejects '+'
  }
  double d = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) {
    // Overflow: Go returns ±Inf with an error (→ string). Underflow: Go returns 0, no error.
    const size_t e = s.find_first_of("eE");
    if (e != std::string_view::npos && s.size() > e + 1 && s[e + 1] == '-') {
      return 0.0;
    }
    return std::nullopt;
  }
  if (ec != std::errc() || !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

Scalar MakeString() { return Scalar{}; }

// Resolves a plain scalar. Infinity/NaN come back as kDouble with a non-finite value.
Scalar ResolvePlain(std::string_view s) {
  Scalar out;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    out.kind = Scalar::Kind::kNull;
    return out;
  }
  static constexpr std::string_view kTrue[] = {"y",  "Y",    "yes",  "Yes", "YES", "true",
                                               "True", "TRUE", "on", "On",  "ON"};
  static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                "False", "FALSE", "off", "Off", "OFF"};
  for (std::string_view t : kTrue) {
    if (s == t) {
      out.kind = Scalar::Kind::kBool;
      out.b = true;
      return out;
    }
  }
  for (std::string_view f : kFalse) {
    if (s == f) {
      out.kind = Scalar::Kind::kBool;
      out.b = false;
      return out;
    }
  }
  for (std::string_view nan : {".nan", ".NaN", ".NAN"}) {
    if (s == nan) {
      out.kind = Scalar::Kind::kDouble;
      out.d = std::numeric_limits<double>::quiet_NaN();
      return out;
    }
  }
  for (std::string_view inf : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
    if (s == inf) {
      out.kind = Scalar::Kind::kDouble;
      out.d = std::numeric_limits<double>::infinity();
      return out;
    }
  }
  for (std::string_view inf : {"-.inf", "-.Inf", "-.INF"}) {
    if (s == inf) {
      out.kind = Scalar::Kind::kDouble;
      out.d = -std::numeric_limits<double>::infinity();
      return out;
    }
  }
  const char c = s[0];
  if (c == '.') {
    // Go's ParseFloat on the raw text: .5, .5e3 (no underscores without a base prefix).
    if (IsYamlStyleFloat(s)) {
      if (std::optional<double> d = ParseFiniteDouble(s)) {
        out.kind = Scalar::Kind::kDouble;
        out.d = *d;
        return out;
      }
    }
    return MakeString();
  }
  if (!((c >= '0' && c <= '9') || c == '+' || c == '-')) {
    return MakeString();
  }
  std::string plain(s);
  plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
  if (std::optional<Scalar> i = ParseGoInt(plain)) {
    return *i;
  }
  if (IsYamlStyleFloat(plain)) {
    if (std::optional<double> d = ParseFiniteDouble(plain)) {
      out.kind = Scalar::Kind::kDouble;
      out.d = *d;
      return out;
    }
  }
  return MakeString();
}

// Go's strconv.FormatFloat(v, 'g', -1, 32) (how sigs.k8s.io/yaml turns float keys into strings).
std::string GoFormatFloat32(double v) {
  const float f = static_cast<float>(v);
  if (std::isnan(f)) {
    return ".nan";
  }
  if (std::isinf(f)) {
    return f > 0 ? ".inf" : "-.inf";
  }
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), f, std::chars_format::scientific);
  std::string_view sci(buf, res.ptr - buf);  // [-]d[.ddd]e±XX, shortest round-trip digits
  std::string out;
  if (!sci.empty() && sci[0] == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  const size_t e = sci.find('e');
  std::string digits;
  for (char ch : sci.substr(0, e)) {
    if (ch != '.') {
      digits += ch;
    }
  }
  int exp = 0;
  std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
  if (digits == "0") {
    return out + "0";
  }
  if (exp < -4 || exp >= 6) {  // %e form; Go prints at least two exponent digits, as to_chars
    out += sci;
    return out;
  }
  const int dp = exp + 1;  // digits before the decimal point
  const int nd = static_cast<int>(digits.size());
  if (dp <= 0) {
    out += "0." + std::string(-dp, '0') + digits;
  } else if (dp >= nd) {
    out += digits + std::string(dp - nd, '0');
  } else {
    out += digits.substr(0, dp) + "." + digits.substr(dp);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stage 2b: conversion to json.

class Converter {
 public:
  Converter(const Tree& tree, const LoadOptions& options, uint64_t* emitted)
      : t_(tree), options_(options), emitted_(emitted) {}

  StatusOr<json::Document> Run() {
    json::Builder b;
    struct Frame {
      uint32_t node;                      // dereferenced collection
      const std::vector<Entry>* entries;  // maps
      uint32_t next_child;                // sequences: next child node
      size_t next_entry;                  // maps
    };
    std::vector<Frame> stack;
    // Emits node `i` (a scalar fully, a collection's start); pushes collections.
    auto emit = [&](uint32_t i, Position pos) -> Status {
      CG_RETURN_IF_ERROR(Count(pos));
      const uint32_t d = t_.Deref(i);
      const YNode& n = t_.nodes[d];
      if (n.kind == YNode::Kind::kSeq || n.kind == YNode::Kind::kMap) {
        if (stack.size() >= options_.max_depth) {
          return Error(n.position(), "nesting deeper than " +
                                         std::to_string(options_.max_depth) +
                                         " levels after alias expansion");
        }
        if (n.kind == YNode::Kind::kSeq) {
          b.StartArray(n.position());
          stack.push_back({d, nullptr, n.first_child, 0});
        } else {
          CG_ASSIGN_OR_RETURN(const std::vector<Entry>* entries, Entries(d, 0));
          b.StartObject(n.position());
          stack.push_back({d, entries, kNone, 0});
        }
        return OkStatus();
      }
      return EmitScalar(b, n);
    };
    CG_RETURN_IF_ERROR(emit(t_.root, t_.nodes[t_.root].position()));
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.entries == nullptr) {  // sequence
        if (f.next_child == kNone) {
          b.EndArray();
          stack.pop_back();
          continue;
        }
        const uint32_t c = f.next_child;
        f.next_child = t_.nodes[c].next_sibling;
        CG_RETURN_IF_ERROR(emit(c, t_.nodes[c].position()));
      } else {
        if (f.next_entry >= f.entries->size()) {
          b.EndObject();
          stack.pop_back();
          continue;
        }
        const Entry& e = (*f.entries)[f.next_entry++];
        CG_RETURN_IF_ERROR(Count(e.key_pos));
        b.Key(e.key, e.key_pos);
        CG_RETURN_IF_ERROR(emit(e.value, e.key_pos));
      }
    }
    return b.Finish();
  }

 private:
  struct Entry {
    std::string key;
    Position key_pos;
    uint32_t value;  // node (may be an alias)
  };

  // Charges one output node (value or key) against max_nodes for the whole stream.
  Status Count(Position pos) {
    if (++*emitted_ > options_.max_nodes) {
      return ResourceExhaustedError(At(pos) + ": more than " +
                                    std::to_string(options_.max_nodes) + " nodes");
    }
    return OkStatus();
  }

  Status Error(Position p, std::string what) const {
    return InvalidArgumentError(At(p) + ": " + what);
  }

  Status EmitScalar(json::Builder& b, const YNode& n) {
    const Position pos = n.position();
    if (n.kind == YNode::Kind::kNull) {
      b.Null(pos);
      return OkStatus();
    }
    CG_ASSIGN_OR_RETURN(Scalar s, Resolve(n));
    switch (s.kind) {
      case Scalar::Kind::kNull:
        b.Null(pos);
        break;
      case Scalar::Kind::kBool:
        b.Bool(s.b, pos);
        break;
      case Scalar::Kind::kInt:
        b.Int(s.i, pos);
        break;
      case Scalar::Kind::kUint:
        b.Double(static_cast<double>(s.u), pos);  // beyond int64: JSON decodes it as a double
        break;
      case Scalar::Kind::kDouble:
        if (!std::isfinite(s.d)) {
          return Error(pos, Quoted(t_.text(n)) +
                                " is infinite or NaN, which JSON cannot represent");
        }
        // kubectl marshals float64 1000.0 as `1000`, which decodes as an integer.
        if (s.d == std::trunc(s.d) && s.d >= -9223372036854775808.0 &&
            s.d < 9223372036854775808.0) {
          b.Int(static_cast<int64_t>(s.d), pos);
        } else {
          b.Double(s.d, pos);
        }
        break;
      case Scalar::Kind::kString:
        b.String(t_.text(n), pos);
        break;
    }
    return OkStatus();
  }

  // Resolves a scalar node by style and tag.
  StatusOr<Scalar> Resolve(const YNode& n) const {
    if (n.kind == YNode::Kind::kNull) {
      Scalar s;
      s.kind = Scalar::Kind::kNull;
      return s;
    }
    const std::string_view text = t_.text(n);
    if (n.style == YNode::Style::kPlain) {
      return ResolvePlain(text);
    }
    if (n.style == YNode::Style::kNonPlain) {
      return MakeString();
    }
    std::string_view tag = t_.tag(n);
    if (tag.substr(0, kTagPrefix.size()) != kTagPrefix) {
      return MakeString();  // custom tags: the text, as go-yaml does for interface{} targets
    }
    tag.remove_prefix(kTagPrefix.size());
    if (tag == "str" || tag == "binary" || tag == "timestamp" || tag == "merge") {
      return MakeString();
    }
    Scalar s = ResolvePlain(text);
    const bool ok = (tag == "null" && s.kind == Scalar::Kind::kNull) ||
                    (tag == "bool" && s.kind == Scalar::Kind::kBool) ||
                    (tag == "int" &&
                     (s.kind == Scalar::Kind::kInt || s.kind == Scalar::Kind::kUint)) ||
                    (tag == "float" &&
                     (s.kind == Scalar::Kind::kDouble || s.kind == Scalar::Kind::kInt ||
                      s.kind == Scalar::Kind::kUint));
    if (!ok) {
      return Error(n.position(),
                   "cannot decode " + Quoted(text) + " as !!" + std::string(tag));
    }
    return s;
  }

  bool IsMergeKey(const YNode& k) const {
    if (k.kind != YNode::Kind::kScalar || t_.text(k) != "<<") {
      return false;
    }
    return k.style == YNode::Style::kPlain ||
           (k.style == YNode::Style::kTagged && t_.tag(k) == "tag:yaml.org,2002:merge");
  }

  StatusOr<std::string> KeyString(uint32_t key_node) const {
    const YNode& k = t_.nodes[t_.Deref(key_node)];
    const Position pos = t_.nodes[key_node].position();
    if (k.kind == YNode::Kind::kSeq || k.kind == YNode::Kind::kMap) {
      return Error(pos, "a mapping key must be a scalar, not a collection");
    }
    CG_ASSIGN_OR_RETURN(Scalar s, Resolve(k));
    switch (s.kind) {
      case Scalar::Kind::kNull:
        return Error(pos, "a null mapping key cannot be converted to JSON");
      case Scalar::Kind::kBool:
        return std::string(s.b ? "true" : "false");
      case Scalar::Kind::kInt:
        return std::to_string(s.i);
      case Scalar::Kind::kUint:
        return std::to_string(s.u);
      case Scalar::Kind::kDouble:
        return GoFormatFloat32(s.d);
      case Scalar::Kind::kString:
        return std::string(t_.text(k));
    }
    return std::string(t_.text(k));
  }

  // Effective members of mapping `m` (dereferenced) in output order, memoised. Merge sources
  // are acyclic (recursive aliases were rejected while recording), and `depth` bounds chains.
  StatusOr<const std::vector<Entry>*> Entries(uint32_t m, size_t depth) {
    if (auto it = cache_.find(m); it != cache_.end()) {
      return &it->second;
    }
    const YNode& map = t_.nodes[m];
    if (depth > options_.max_depth) {
      return Error(map.position(), "merge keys nested too deeply");
    }
    // First pass: explicit keys (duplicates are errors); remember merge slots.
    struct Slot {
      bool merge;
      Entry entry;     // !merge
      uint32_t value;  // merge: the `<<` value node
    };
    std::vector<Slot> slots;
    std::unordered_map<std::string, Position> explicit_keys;
    for (uint32_t k = map.first_child; k != kNone;) {
      const uint32_t v = t_.nodes[k].next_sibling;
      if (v == kNone) {
        break;  // yaml-cpp always pairs keys and values; stay safe anyway
      }
      if (IsMergeKey(t_.nodes[k])) {
        slots.push_back({true, {}, v});
      } else {
        CG_ASSIGN_OR_RETURN(std::string key, KeyString(k));
        const Position kp = t_.nodes[k].position();
        auto [it, inserted] = explicit_keys.emplace(key, kp);
        if (!inserted) {
          return Error(kp, "mapping key " + Quoted(key) + " already defined at line " +
                               std::to_string(it->second.line));
        }
        slots.push_back({false, Entry{std::move(key), kp, v}, kNone});
      }
      k = t_.nodes[v].next_sibling;
    }
    // Second pass: expand merges in place; explicit keys and earlier sources win.
    std::vector<Entry> out;
    std::unordered_map<std::string, bool> merged_keys;
    for (Slot& slot : slots) {
      if (!slot.merge) {
        out.push_back(std::move(slot.entry));
        continue;
      }
      std::vector<uint32_t> sources;
      const uint32_t mv = t_.Deref(slot.value);
      const YNode& mn = t_.nodes[mv];
      const Position merge_pos = t_.nodes[slot.value].position();
      if (mn.kind == YNode::Kind::kMap) {
        sources.push_back(mv);
      } else if (mn.kind == YNode::Kind::kSeq) {
        for (uint32_t c = mn.first_child; c != kNone; c = t_.nodes[c].next_sibling) {
          const uint32_t s = t_.Deref(c);
          if (t_.nodes[s].kind != YNode::Kind::kMap) {
            return Error(t_.nodes[c].position(),
                         "map merge requires map or sequence of maps as the value");
          }
          sources.push_back(s);
        }
      } else {
        return Error(merge_pos, "map merge requires map or sequence of maps as the value");
      }
      for (uint32_t s : sources) {
        CG_ASSIGN_OR_RETURN(const std::vector<Entry>* sub, Entries(s, depth + 1));
        for (const Entry& e : *sub) {
          if (explicit_keys.count(e.key) != 0 || !merged_keys.emplace(e.key, true).second) {
            continue;
          }
          out.push_back(e);
        }
      }
    }
    auto [it, _] = cache_.emplace(m, std::move(out));
    return &it->second;
  }

  const Tree& t_;
  const LoadOptions& options_;
  uint64_t* emitted_;
  std::unordered_map<uint32_t, std::vector<Entry>> cache_;  // node → effective members
};

// ---------------------------------------------------------------------------------------------
// Input checks and the yaml-cpp edge.

// A read-only streambuf over caller memory (yaml-cpp wants a std::istream).
class ViewStreamBuf : public std::streambuf {
 public:
  explicit ViewStreamBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());  // never written: get area only
    setg(p, p, p + s.size());
  }
};

// Offset of the first invalid UTF-8 sequence or disallowed control character, or npos.
size_t FindBadByte(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
        return i;
      }
      ++i;
      continue;
    }
    int len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > s.size()) {
      return i;
    }
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

Position PositionAtOffset(std::string_view text, size_t offset) {
  uint32_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return Position{line, static_cast<uint32_t>(offset - line_start + 1)};
}

Status InDocument(const Status& s, uint32_t index) {
  return Status(s.code(), "document " + std::to_string(index) + ", " + std::string(s.message()));
}

}  // namespace

StatusOr<std::vector<YamlDocument>> LoadAll(std::string_view text, const LoadOptions& options) {
  if (text.size() > options.max_bytes) {
    return ResourceExhaustedError("YAML input of " + std::to_string(text.size()) +
                                  " bytes exceeds the limit of " +
                                  std::to_string(options.max_bytes));
  }
  if (const size_t bad = FindBadByte(text); bad != std::string_view::npos) {
    return InvalidArgumentError(At(PositionAtOffset(text, bad)) +
                                ": invalid UTF-8 or a control character");
  }
  std::vector<YamlDocument> docs;
  uint64_t emitted = 0;
  uint32_t index = 0;
  ViewStreamBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    std::optional<Position> last_start;
    while (true) {
      const uint64_t budget = options.max_nodes - std::min<uint64_t>(emitted, options.max_nodes);
      TreeRecorder recorder(options, budget);
      if (!parser.HandleNextDocument(recorder)) {
        break;
      }
      // yaml-cpp 0.7 returns a (null) document without consuming a token when the stream has
      // a stray ',' at the top level ("{},a", ","), and then does so forever
      // (jbeder/yaml-cpp#1040, fixed upstream after 0.8 by #1319). Every real document consumes
      // at least one token, so two documents starting at the same place mean no progress.
      const Position start = recorder.doc_start();
      if (last_start && last_start->line == start.line && last_start->column == start.column) {
        return InDocument(InvalidArgumentError(At(start) + ": unexpected ','"), index - 1);
      }
      last_start = start;
      const Tree& tree = recorder.tree();
      const uint32_t this_index = index++;
      if (tree.root == kNone || tree.nodes[tree.root].kind == YNode::Kind::kNull) {
        continue;  // empty document (or just null)
      }
      Converter converter(tree, options, &emitted);
      StatusOr<json::Document> doc = converter.Run();
      if (!doc.ok()) {
        return InDocument(doc.status(), this_index);
      }
      docs.push_back(YamlDocument{std::move(doc).value(), this_index, recorder.doc_start().line});
    }
  } catch (const Abort& abort) {
    return InDocument(abort.status, index);
  } catch (const YAML::DeepRecursion& e) {
    return InDocument(InvalidArgumentError(At(PositionOf(e.mark)) + ": nesting too deep"), index);
  } catch (const YAML::Exception& e) {
    return InDocument(InvalidArgumentError(At(PositionOf(e.mark)) + ": " + e.msg), index);
  } catch (const std::exception& e) {
    return InDocument(InvalidArgumentError(std::string("YAML parser failed: ") + e.what()), index);
  } catch (...) {
    return InDocument(InternalError("YAML parser failed with an unknown exception"), index);
  }
  return docs;
}

}  // namespace celgate::yaml

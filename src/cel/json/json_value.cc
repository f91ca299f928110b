// cel/json/json_value.cc: lazy CEL views over json::Value and CEL -> JSON output.
#include "cel/json/json_value.h"

#include <cmath>

#include "cel/common/strconv.h"
#include "cel/common/time.h"

namespace celgate::cel {
namespace {

class JsonList final : public ListValue {
 public:
  explicit JsonList(json::Value v) : v_(v) {}
  size_t size() const override { return v_.size(); }
  Value Get(size_t i, Arena& arena) const override { return FromJson(v_.at(i), arena); }

 private:
  json::Value v_;
};

class JsonMap final : public MapValue {
 public:
  explicit JsonMap(json::Value v) : v_(v) {}
  size_t size() const override { return v_.size(); }
  bool Find(const Value& key, Arena& arena, Value* out) const override {
    if (key.kind() != ValueKind::kString) return false;  // JSON keys are strings
    return FindString(key.string_value(), arena, out);
  }
  bool FindString(std::string_view key, Arena& arena, Value* out) const override {
    json::Value f = v_.Find(key);
    if (!f.valid()) return false;
    *out = FromJson(f, arena);
    return true;
  }
  size_t FindPath(const std::string_view* keys, size_t n, Arena& arena,
                  Value* out) const override {
    json::Value v = v_;
    for (size_t i = 0; i < n; ++i) {
      if (!v.is_object()) {
        *out = FromJson(v, arena);
        return i;
      }
      json::Value next = v.Find(keys[i]);
      if (!next.valid()) {
        if (i > 0) *out = FromJson(v, arena);
        return i;
      }
      v = next;
    }
    *out = FromJson(v, arena);
    return n;
  }
  Value KeyAt(size_t i, Arena&) const override { return Value::String(v_.key_at(i)); }
  Value ValueAt(size_t i, Arena& arena) const override { return FromJson(v_.value_at(i), arena); }

 private:
  json::Value v_;
};

std::string Base64(std::string_view in) {
  static const char* kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

Status Write(const Value& v, Arena& arena, json::Writer& out, int depth) {
  if (depth > 256) return InvalidArgumentError("value nested too deeply to print");
  switch (v.kind()) {
    case ValueKind::kNull: out.Null(); return OkStatus();
    case ValueKind::kBool: out.Bool(v.bool_value()); return OkStatus();
    case ValueKind::kInt: out.Int(v.int_value()); return OkStatus();
    case ValueKind::kUint: out.Uint(v.uint_value()); return OkStatus();
    case ValueKind::kDouble: {
      double d = v.double_value();
      if (std::isnan(d)) {
        out.String("NaN");
      } else if (std::isinf(d)) {
        out.String(d > 0 ? "Infinity" : "-Infinity");
      } else {
        out.Double(d);
      }
      return OkStatus();
    }
    case ValueKind::kString: out.String(v.string_value()); return OkStatus();
    case ValueKind::kBytes: out.String(Base64(v.bytes_value())); return OkStatus();
    case ValueKind::kType: out.String(v.type_value().name); return OkStatus();
    case ValueKind::kTimestamp: out.String(FormatTimestamp(v.timestamp_value())); return OkStatus();
    case ValueKind::kDuration: out.String(FormatDuration(v.duration_value())); return OkStatus();
    case ValueKind::kOptional:
      if (!v.optional_has_value()) {
        out.Null();
        return OkStatus();
      }
      return Write(v.optional_value(), arena, out, depth + 1);
    case ValueKind::kOpaque: out.String(v.opaque().DebugString()); return OkStatus();
    case ValueKind::kError:
      return InvalidArgumentError(std::string(v.error().message));
    case ValueKind::kList: {
      out.StartArray();
      const ListValue& l = v.list();
      for (size_t i = 0; i < l.size(); ++i) {
        CG_RETURN_IF_ERROR(Write(l.Get(i, arena), arena, out, depth + 1));
      }
      out.EndArray();
      return OkStatus();
    }
    case ValueKind::kMap: {
      out.StartObject();
      const MapValue& m = v.map();
      for (size_t i = 0; i < m.size(); ++i) {
        Value k = m.KeyAt(i, arena);
        if (k.kind() == ValueKind::kString) {
          out.Key(k.string_value());
        } else {
          out.Key(DebugString(k, arena));
        }
        CG_RETURN_IF_ERROR(Write(m.ValueAt(i, arena), arena, out, depth + 1));
      }
      out.EndObject();
      return OkStatus();
    }
  }
  return OkStatus();
}

}  // namespace

Value FromJson(json::Value v, Arena& arena) {
  switch (v.type()) {
    case json::Type::kNull: return Value::Null();
    case json::Type::kBool: return Value::Bool(v.as_bool());
    case json::Type::kInt: return Value::Int(v.as_int());
    case json::Type::kDouble: return Value::Double(v.as_double());
    case json::Type::kString: return Value::String(v.as_string());
    case json::Type::kArray: return Value::List(arena.New<JsonList>(v));
    case json::Type::kObject: return Value::Map(arena.New<JsonMap>(v));
  }
  return Value::Null();
}

Status WriteJson(const Value& v, Arena& arena, json::Writer& out) {
  return Write(v, arena, out, 0);
}

StatusOr<std::string> ToJsonString(const Value& v, Arena& arena) {
  json::Writer w;
  CG_RETURN_IF_ERROR(WriteJson(v, arena, w));
  return w.Take();
}

}  // namespace celgate::cel

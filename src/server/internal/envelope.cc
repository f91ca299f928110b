// server/internal/envelope.cc: the AdmissionReview envelope scanner (envelope.h).
#include "server/internal/envelope.h"

#include <cstring>

namespace celgate::server::internal {
namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  void Ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) {
      ++i_;
    }
  }
  bool Peek(char c) {
    Ws();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool Eat(char c) {
    if (!Peek(c)) return false;
    ++i_;
    return true;
  }

  // A string at i_ (opening quote included); decoded into *out when out is non-null.
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    for (;;) {
      const char* start = s_.data() + i_;
      size_t left = s_.size() - i_;
      // Fast path: the run up to the next quote or backslash.
      const void* q = std::memchr(start, '"', left);
      if (q == nullptr) return false;
      size_t run = static_cast<const char*>(q) - start;
      const void* b = std::memchr(start, '\\', run);
      if (b == nullptr) {
        if (out) out->append(start, run);
        i_ += run + 1;
        return true;
      }
      size_t plain = static_cast<const char*>(b) - start;
      if (out) out->append(start, plain);
      i_ += plain + 1;
      if (i_ >= s_.size()) return false;
      char e = s_[i_++];
      char d = 0;
      switch (e) {
        case '"': d = '"'; break;
        case '\\': d = '\\'; break;
        case '/': d = '/'; break;
        case 'b': d = '\b'; break;
        case 'f': d = '\f'; break;
        case 'n': d = '\n'; break;
        case 'r': d = '\r'; break;
        case 't': d = '\t'; break;
        case 'u':
          if (i_ + 4 > s_.size()) return false;
          if (out) out->append("\\u").append(s_.substr(i_, 4));  // kept escaped (log text)
          i_ += 4;
          continue;
        default:
          return false;
      }
      if (out) out->push_back(d);
    }
  }

  // Skips any value.
  bool Skip() {
    Ws();
    if (i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '"') return String(nullptr);
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i_ < s_.size()) {
        char k = s_[i_];
        if (k == '"') {
          if (!String(nullptr)) return false;
          continue;
        }
        ++i_;
        if (k == '{' || k == '[') {
          ++depth;
        } else if (k == '}' || k == ']') {
          if (--depth == 0) return true;
        }
      }
      return false;
    }
    size_t start = i_;
    while (i_ < s_.size() && !std::strchr(",}] \t\r\n", s_[i_])) ++i_;
    return i_ > start;
  }

  // Iterates the members of the object at i_; `member(key)` consumes the value.
  template <class F>
  bool Object(F&& member) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    std::string key;
    for (;;) {
      key.clear();
      Ws();
      if (!String(&key) || !Eat(':')) return false;
      Ws();
      if (!member(key)) return false;
      if (Eat(',')) continue;
      return Eat('}');
    }
  }

  // A string value into *out; any other value is skipped (out left empty).
  bool StringOrSkip(std::string* out) {
    if (Peek('"')) return String(out);
    return Skip();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

bool ScanEnvelope(std::string_view body, Envelope* out, std::string* error) {
  Scanner sc(body);
  if (!sc.Peek('{')) {
    *error = "request body must be a JSON object (an AdmissionReview)";
    return false;
  }
  bool ok = sc.Object([&](const std::string& key) {
    if (key == "apiVersion") return sc.StringOrSkip(&out->api_version);
    if (key == "kind") return sc.StringOrSkip(&out->kind);
    if (key != "request") return sc.Skip();
    if (!sc.Peek('{')) return sc.Skip();
    out->has_request = true;
    return sc.Object([&](const std::string& k) {
      if (k == "uid") return sc.StringOrSkip(&out->uid);
      if (k == "operation") return sc.StringOrSkip(&out->operation);
      if (k == "namespace") return sc.StringOrSkip(&out->ns);
      if (k == "name") return sc.StringOrSkip(&out->name);
      if (k != "kind") return sc.Skip();
      if (!sc.Peek('{')) return sc.Skip();
      return sc.Object([&](const std::string& kk) {
        return kk == "kind" ? sc.StringOrSkip(&out->resource_kind) : sc.Skip();
      });
    });
  });
  if (!ok) {
    *error = "request body is not valid JSON";
    return false;
  }
  return true;
}

}  // namespace celgate::server::internal

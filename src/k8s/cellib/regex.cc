// k8s/cellib/regex.cc: the Kubernetes regex library (spec 3.2; upstream library/regex.go).
// Entry point: RegexLibrary() in cellib.h.
//
// find/findAll follow Go's regexp FindString / FindAllString, including empty matches: an
// empty match is reported unless it sits right where the previous match ended, and the search
// then advances by one UTF-8 character. A constant pattern is compiled once when the program
// is planned (Prepare); an invalid constant is a compile issue, a dynamic one an error value.
#include <re2/re2.h>

#include <vector>

#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;

// Go's regexp/syntax text for an RE2 error code (Go: "error parsing regexp: <code>: `<arg>`").
std::string_view GoErrorCode(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    default: return "";
  }
}

const RE2* Compile(std::string_view pattern, std::string* error) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(8 << 20);
  auto* re = new RE2(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    std::string_view code = GoErrorCode(re->error_code());
    if (code.empty()) {
      *error = "Illegal regex: error parsing regexp: " + re->error();
    } else {
      *error = "Illegal regex: error parsing regexp: " + std::string(code) + ": `" +
               re->error_arg() + "`";
    }
    delete re;
    return nullptr;
  }
  return re;
}
const void* Prepare(std::string_view pattern, std::string* error) { return Compile(pattern, error); }
void Destroy(const void* p) { delete static_cast<const RE2*>(p); }

// Length of the UTF-8 sequence starting at s[i] (1 for an invalid byte), as Go's
// utf8.DecodeRuneInString advances.
size_t RuneWidth(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Go regexp.FindAllString(s, n): n < 0 means no limit.
std::vector<std::string_view> FindAll(const RE2& re, std::string_view s, int64_t n) {
  std::vector<std::string_view> out;
  const re2::StringPiece text(s.data(), s.size());
  size_t pos = 0;
  ptrdiff_t prev_end = -1;
  while ((n < 0 || static_cast<int64_t>(out.size()) < n) && pos <= s.size()) {
    re2::StringPiece m;
    if (!re.Match(text, pos, s.size(), RE2::UNANCHORED, &m, 1)) break;
    size_t start = static_cast<size_t>(m.data() - s.data());
    size_t end = start + m.size();
    bool accept = true;
    if (end == pos) {  // empty match at the search position
      if (static_cast<ptrdiff_t>(start) == prev_end) accept = false;
      pos += pos < s.size() ? RuneWidth(s, pos) : 1;
    } else {
      pos = end;
    }
    prev_end = static_cast<ptrdiff_t>(end);
    if (accept) out.push_back(s.substr(start, end - start));
  }
  return out;
}

Value FindPrepared(CallContext& ctx, const Value* args, const void* p) {
  std::string_view s = args[0].string_value();
  re2::StringPiece m;
  if (!static_cast<const RE2*>(p)->Match(re2::StringPiece(s.data(), s.size()), 0, s.size(),
                                         RE2::UNANCHORED, &m, 1)) {
    return Value::String("");
  }
  // The match points into the receiver, which outlives the result.
  return Value::String(std::string_view(m.data(), m.size()));
}
Value FindAllPrepared(CallContext& ctx, const Value* args, const void* p) {
  int64_t n = args[2].kind() == cel::ValueKind::kInt ? args[2].int_value() : -1;
  std::vector<std::string_view> found = FindAll(*static_cast<const RE2*>(p), args[0].string_value(), n);
  Value* items = ctx.arena->NewArray<Value>(found.size());
  for (size_t i = 0; i < found.size(); ++i) items[i] = Value::String(found[i]);
  return Value::List(ctx.arena->New<cel::ArrayList>(items, found.size()));
}
Value FindAllPrepared1(CallContext& ctx, const Value* args, const void* p) {
  Value a[3] = {args[0], args[1], Value::Null()};
  return FindAllPrepared(ctx, a, p);
}

template <Value (*kPrepared)(CallContext&, const Value*, const void*)>
Value Dynamic(CallContext& ctx, const Value* args) {
  std::string error;
  const RE2* re = Compile(args[1].string_value(), &error);
  if (re == nullptr) return ctx.Error(error);
  Value v = kPrepared(ctx, args, re);
  delete re;
  return v;
}

// ceil((1 + size(s)) * 0.1) * ceil(size(regex) * 0.25).
uint64_t FindCost(const cel::CostSizes& size) {
  return cel::cost::SatMul(
      internal::CeilCost(cel::cost::SatAdd(1, size[0]), internal::kStringTraversalFactor),
      internal::CeilCost(size[1], internal::kRegexLengthFactor));
}

}  // namespace

cel::Library RegexLibrary() {
  cel::Library lib("kubernetes.regex");
  lib.Member("find")
      .Raw("string_find_string", {Type::String(), Type::String()}, Type::String(),
           &Dynamic<&FindPrepared>)
      .CostBySize<&FindCost, &internal::ActualSize>()
      .Prepare(1, &Prepare, &FindPrepared, &Destroy);
  lib.Member("findAll")
      .Raw("string_find_all_string", {Type::String(), Type::String()},
           Type::List(Type::String()), &Dynamic<&FindAllPrepared1>)
      .CostBySize<&FindCost, &internal::ActualSize>()
      .Prepare(1, &Prepare, &FindAllPrepared1, &Destroy)
      .Raw("string_find_all_string_int", {Type::String(), Type::String(), Type::Int()},
           Type::List(Type::String()), &Dynamic<&FindAllPrepared>)
      .CostBySize<&FindCost, &internal::ActualSize>()
      .Prepare(1, &Prepare, &FindAllPrepared, &Destroy);
  return lib;
}

}  // namespace celgate::k8s::cellib

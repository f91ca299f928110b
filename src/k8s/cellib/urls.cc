// k8s/cellib/urls.cc: the Kubernetes URL library (spec 3.3; upstream library/urls.go).
// Entry point: URLsLibrary() in cellib.h.
//
// A URLValue keeps only the validated text (in the arena); getters re-parse it with k8s::URL,
// because a k8s::URL owns std::strings and arena objects never run destructors.
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"
#include "k8s/url.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;

class URLValue final : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo() {
    static constexpr cel::TypeInfo kInfo{"kubernetes.URL"};
    return kInfo;
  }
  // REQUIRES: URL::Parse(text) succeeds; `text` lives in the arena.
  explicit URLValue(std::string_view text) : text_(text) {}
  URL Get() const {
    StatusOr<URL> u = URL::Parse(text_);
    return u.ok() ? *u : URL();
  }
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return Get() == static_cast<const URLValue&>(other).Get();
  }
  std::string DebugString() const override { return "url(" + internal::GoQuote(text_) + ")"; }

 private:
  std::string_view text_;
};
static_assert(std::is_trivially_destructible_v<URLValue>);

Value ParseURL(CallContext& ctx, cel::StringArg s) {
  StatusOr<URL> u = URL::Parse(s.value);
  if (!u.ok()) return ctx.Error(u.status().message());
  return Value::Opaque(ctx.arena->New<URLValue>(ctx.arena->CopyString(s.value)));
}
bool IsURL(cel::StringArg s) { return URL::Parse(s.value).ok(); }
cel::StringResult Scheme(const URLValue& u) { return {u.Get().scheme()}; }
cel::StringResult Host(const URLValue& u) { return {u.Get().host()}; }
cel::StringResult Hostname(const URLValue& u) { return {u.Get().hostname()}; }
cel::StringResult Port(const URLValue& u) { return {u.Get().port()}; }
cel::StringResult EscapedPath(const URLValue& u) { return {u.Get().escaped_path()}; }

Value Query(CallContext& ctx, const URLValue& u) {
  auto query = u.Get().Query();
  const size_t n = query.size();
  Value* keys = ctx.arena->NewArray<Value>(n);
  Value* values = ctx.arena->NewArray<Value>(n);
  for (size_t i = 0; i < n; ++i) {
    keys[i] = cel::MakeString(*ctx.arena, query[i].first);
    const auto& vs = query[i].second;
    Value* items = ctx.arena->NewArray<Value>(vs.size());
    for (size_t k = 0; k < vs.size(); ++k) items[k] = cel::MakeString(*ctx.arena, vs[k]);
    values[i] = Value::List(ctx.arena->New<cel::ArrayList>(items, vs.size()));
  }
  return Value::Map(ctx.arena->New<cel::ArrayMap>(keys, values, n));
}

}  // namespace

cel::Library URLsLibrary() {
  const Type url = Type::Opaque("kubernetes.URL");
  cel::Library lib("kubernetes.urls");
  lib.Function("url")
      .Raw("string_to_url", {Type::String()}, url, internal::WithContext<&ParseURL>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("isURL").Add<&IsURL>("is_url_string");  // upstream: default cost 1
  lib.Member("getScheme").Add<&Scheme>("url_get_scheme");
  lib.Member("getHost").Add<&Host>("url_get_host");
  lib.Member("getHostname").Add<&Hostname>("url_get_hostname");
  lib.Member("getPort").Add<&Port>("url_get_port");
  lib.Member("getEscapedPath").Add<&EscapedPath>("url_get_escaped_path");
  lib.Member("getQuery").Raw("url_get_query", {url},
                                     Type::Map(Type::String(), Type::List(Type::String())), internal::WithContext<&Query>);
  return lib;
}

}  // namespace celgate::k8s::cellib

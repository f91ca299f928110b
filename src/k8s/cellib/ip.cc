// k8s/cellib/ip.cc: the Kubernetes IP library (spec 3.6; upstream library/ip.go).
// Entry point: IPLibrary() in cellib.h. The net.IP value class lives in internal/common.h
// because cidr.cc produces it too (cidr.ip()).
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;
using internal::IPValue;

Value ParseIP(CallContext& ctx, cel::StringArg s) {
  StatusOr<IPAddress> ip = IPAddress::Parse(s.value);
  if (!ip.ok()) return ctx.Error(ip.status().message());
  return Value::Opaque(ctx.arena->New<IPValue>(*ip));
}
bool IsIP(cel::StringArg s) { return IPAddress::Parse(s.value).ok(); }
Value IsCanonical(CallContext& ctx, cel::StringArg s) {
  StatusOr<IPAddress> ip = IPAddress::Parse(s.value);
  if (!ip.ok()) return ctx.Error(ip.status().message());
  return Value::Bool(ip->ToString() == s.value);
}
int64_t Family(const IPValue& v) { return v.ip().family(); }
bool IsUnspecified(const IPValue& v) { return v.ip().IsUnspecified(); }
bool IsLoopback(const IPValue& v) { return v.ip().IsLoopback(); }
bool IsLinkLocalMulticast(const IPValue& v) { return v.ip().IsLinkLocalMulticast(); }
bool IsLinkLocalUnicast(const IPValue& v) { return v.ip().IsLinkLocalUnicast(); }
bool IsGlobalUnicast(const IPValue& v) { return v.ip().IsGlobalUnicast(); }
cel::StringResult ToString(const IPValue& v) { return {v.ip().ToString()}; }

// ip.isCanonical: ceil(size * 2 * 0.1) (spec 5.3).
uint64_t CanonicalCost(const cel::CostSizes& size) {
  return internal::CeilCost(size[0], 2 * internal::kStringTraversalFactor);
}

}  // namespace

cel::Library IPLibrary() {
  const Type ip = Type::Opaque("net.IP");
  cel::Library lib("net.ip");
  lib.TypeName(&IPValue::StaticTypeInfo(), Type::TypeOf(ip));
  lib.Function("ip")
      .Raw("string_to_ip", {Type::String()}, ip, internal::WithContext<&ParseIP>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("isIP").Add<&IsIP>("is_ip")
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("ip.isCanonical")
      .Raw("ip_is_canonical", {Type::String()}, Type::Bool(), internal::WithContext<&IsCanonical>)
      .CostBySize<&CanonicalCost, &internal::ActualSize>();
  lib.Member("family").Add<&Family>("ip_family");
  lib.Member("isUnspecified").Add<&IsUnspecified>("ip_is_unspecified");
  lib.Member("isLoopback").Add<&IsLoopback>("ip_is_loopback");
  lib.Member("isLinkLocalMulticast").Add<&IsLinkLocalMulticast>("ip_is_link_local_multicast");
  lib.Member("isLinkLocalUnicast").Add<&IsLinkLocalUnicast>("ip_is_link_local_unicast");
  lib.Member("isGlobalUnicast").Add<&IsGlobalUnicast>("ip_is_global_unicast");
  lib.Function("string").Add<&ToString>("ip_to_string");
  return lib;
}

}  // namespace celgate::k8s::cellib

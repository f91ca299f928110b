// k8s/cellib/cidr.cc: the Kubernetes CIDR library (spec 3.7; upstream library/cidr.go).
// Entry point: CIDRLibrary() in cellib.h.
//
// containsCIDR reproduces what upstream computes (see k8s::CIDR::ContainsCIDR): the other
// prefix's address is not masked, so "192.168.0.0/16" does not contain "192.168.10.0/24".
#include "k8s/cellib/cellib.h"
#include "k8s/cellib/internal/common.h"

namespace celgate::k8s::cellib {
namespace {

using cel::CallContext;
using cel::Type;
using cel::Value;
using internal::CIDRValue;
using internal::IPValue;

Value ParseCIDR(CallContext& ctx, cel::StringArg s) {
  StatusOr<CIDR> c = CIDR::Parse(s.value);
  if (!c.ok()) return ctx.Error(c.status().message());
  return Value::Opaque(ctx.arena->New<CIDRValue>(*c));
}
bool IsCIDR(cel::StringArg s) { return CIDR::Parse(s.value).ok(); }
bool ContainsIP(const CIDRValue& c, const IPValue& ip) { return c.cidr().ContainsIP(ip.ip()); }
Value ContainsIPString(CallContext& ctx, const CIDRValue& c, cel::StringArg s) {
  StatusOr<IPAddress> ip = IPAddress::Parse(s.value);
  if (!ip.ok()) return ctx.Error(ip.status().message());
  return Value::Bool(c.cidr().ContainsIP(*ip));
}
bool ContainsCIDR(const CIDRValue& c, const CIDRValue& other) {
  return c.cidr().ContainsCIDR(other.cidr());
}
Value ContainsCIDRString(CallContext& ctx, const CIDRValue& c, cel::StringArg s) {
  StatusOr<CIDR> other = CIDR::Parse(s.value);
  if (!other.ok()) return ctx.Error(other.status().message());
  return Value::Bool(c.cidr().ContainsCIDR(*other));
}
Value Ip(CallContext& ctx, const CIDRValue& c) {
  return Value::Opaque(ctx.arena->New<IPValue>(c.cidr().Ip()));
}
Value Masked(CallContext& ctx, const CIDRValue& c) {
  return Value::Opaque(ctx.arena->New<CIDRValue>(c.cidr().Masked()));
}
int64_t PrefixLength(const CIDRValue& c) { return c.cidr().PrefixLength(); }
cel::StringResult ToString(const CIDRValue& c) { return {c.cidr().ToString()}; }

// Upstream sizes a CIDR as 1 (it is not a Sizer): ceil(2 * 0.1) = 1 for the comparison, plus
// the parse of a string argument; containsCIDR adds ceil(0.1) + 1 for masking.
uint64_t ContainsIPCost(const cel::CostSizes&) {
  return internal::CeilCost(2, internal::kStringTraversalFactor);
}
uint64_t ContainsIPStringCost(const cel::CostSizes& size) {
  return cel::cost::SatAdd(ContainsIPCost(size), internal::SecondArgTraversal(size));
}
uint64_t ContainsCIDRCost(const cel::CostSizes&) {
  return internal::CeilCost(2, internal::kStringTraversalFactor) +
         internal::CeilCost(1, internal::kStringTraversalFactor) + 1;
}
uint64_t ContainsCIDRStringCost(const cel::CostSizes& size) {
  return cel::cost::SatAdd(ContainsCIDRCost(size), internal::SecondArgTraversal(size));
}

}  // namespace

cel::Library CIDRLibrary() {
  const Type cidr = Type::Opaque("net.CIDR");
  const Type ip = Type::Opaque("net.IP");
  cel::Library lib("net.cidr");
  lib.TypeName(&CIDRValue::StaticTypeInfo(), Type::TypeOf(cidr));
  lib.Function("cidr")
      .Raw("string_to_cidr", {Type::String()}, cidr, internal::WithContext<&ParseCIDR>)
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Function("isCIDR").Add<&IsCIDR>("is_cidr")
      .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>();
  lib.Member("containsIP")
      .Raw("cidr_contains_ip_string", {cidr, Type::String()}, Type::Bool(), internal::WithContext<&ContainsIPString>)
      .CostBySize<&ContainsIPStringCost, &internal::ActualSize>()
      .Add<&ContainsIP>("cidr_contains_ip_ip")
      .CostBySize<&ContainsIPCost, &internal::ActualSize>();
  lib.Member("containsCIDR")
      .Raw("cidr_contains_cidr_string", {cidr, Type::String()}, Type::Bool(), internal::WithContext<&ContainsCIDRString>)
      .CostBySize<&ContainsCIDRStringCost, &internal::ActualSize>()
      .Add<&ContainsCIDR>("cidr_contains_cidr")
      .CostBySize<&ContainsCIDRCost, &internal::ActualSize>();
  lib.Member("ip").Raw("cidr_ip", {cidr}, ip, internal::WithContext<&Ip>);
  lib.Member("masked").Raw("cidr_masked", {cidr}, cidr, internal::WithContext<&Masked>);
  lib.Member("prefixLength").Add<&PrefixLength>("cidr_prefix_length");
  lib.Function("string").Add<&ToString>("cidr_to_string");
  return lib;
}

}  // namespace celgate::k8s::cellib

// k8s/cellib/internal/common.h: helpers shared by the Kubernetes CEL library files in this
// folder (cost arithmetic, opaque-type boilerplate, the net.IP / net.CIDR value classes that
// both ip.cc and cidr.cc produce). Private to k8s/cellib; users include k8s/cellib/cellib.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "cel/common/function.h"
#include "cel/common/value.h"
#include "k8s/cidr.h"
#include "k8s/ip.h"

namespace celgate::k8s::cellib::internal {

// cel-go's cost factors (common.StringTraversalCostFactor, RegexStringLengthCostFactor): the
// shared constants of cel/common/cost_constants.h.
inline constexpr double kStringTraversalFactor = cel::cost::kStringTraversalFactor;
inline constexpr double kRegexLengthFactor = cel::cost::kRegexFactor;

// ceil(n * factor), as Kubernetes' CostEstimator computes it (saturating).
inline uint64_t CeilCost(uint64_t n, double factor) { return cel::cost::OfSize(n, factor); }
// cel-go's actualSize: size of a string (code points), bytes, list or map; 1 otherwise. The
// runtime measure of the size formulas below (cel::CostSizes).
uint64_t ActualSize(const cel::Value& v);
// Cost ceil(actualSize(args[0]) * 0.1): parsing functions (quantity, url, cidr, ...).
uint64_t FirstArgTraversal(const cel::CostSizes& size);
// Cost ceil(actualSize(args[1]) * 0.1): member functions whose argument is parsed.
uint64_t SecondArgTraversal(const cel::CostSizes& size);
// Declare these with the ActualSize measure:
//   .CostBySize<&internal::FirstArgTraversal, &internal::ActualSize>()

// Go's strconv.Quote for the ASCII/UTF-8 texts we print in DebugString.
std::string GoQuote(std::string_view s);


// net.IP: an address, stored inline (IPAddress is trivially copyable, so the arena may drop it).
class IPValue final : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo();
  explicit IPValue(const IPAddress& ip) : ip_(ip) {}
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return ip_ == static_cast<const IPValue&>(other).ip_;
  }
  std::string DebugString() const override { return "ip(" + GoQuote(ip_.ToString()) + ")"; }
  const IPAddress& ip() const { return ip_; }

 private:
  IPAddress ip_;
};

// net.CIDR: address as written plus prefix length, stored inline.
class CIDRValue final : public cel::OpaqueValue {
 public:
  static const cel::TypeInfo& StaticTypeInfo();
  explicit CIDRValue(const CIDR& cidr) : cidr_(cidr) {}
  const cel::TypeInfo& type() const override { return StaticTypeInfo(); }
  bool Equals(const cel::OpaqueValue& other) const override {
    return cidr_ == static_cast<const CIDRValue&>(other).cidr_;
  }
  std::string DebugString() const override { return "cidr(" + GoQuote(cidr_.ToString()) + ")"; }
  const CIDR& cidr() const { return cidr_; }

 private:
  CIDR cidr_;
};

static_assert(std::is_trivially_destructible_v<IPValue>);
static_assert(std::is_trivially_destructible_v<CIDRValue>);

}  // namespace celgate::k8s::cellib::internal

namespace celgate::k8s::cellib::internal {

// Typed adapter for implementations taking a leading CallContext& (cel::Library's own
// Add<F>() cannot tell that form apart from the plain one). Use with FunctionBuilder::Raw:
//   .Raw("id", {params...}, result, WithContext<&Fn>)
template <auto F>
struct ContextAdapter;
template <typename R, typename... Args, R (*F)(cel::CallContext&, Args...)>
struct ContextAdapter<F> {
  static cel::Value Call(cel::CallContext& ctx, const cel::Value* args) {
    return CallImpl(ctx, args, std::index_sequence_for<Args...>{});
  }
  template <size_t... I>
  static cel::Value CallImpl(cel::CallContext& ctx, const cel::Value* args,
                             std::index_sequence<I...>) {
    return cel::internal::ResultTraits<R>::Make(
        ctx, F(ctx, cel::internal::ArgTraits<Args>::Get(args[I])...));
  }
};
template <auto F>
inline constexpr cel::FunctionImpl WithContext = &ContextAdapter<F>::Call;

}  // namespace celgate::k8s::cellib::internal

// k8s/cidr.cc: netip.ParsePrefix behaviour and the CIDR predicates. Entry point: cidr.h.
#include "k8s/cidr.h"

#include "k8s/internal/go_text.h"

namespace celgate::k8s {
namespace {

constexpr char kWrap[] = "network address parse error during conversion from string: ";

Status PrefixError(std::string_view in, std::string_view msg) {
  return InvalidArgumentError(std::string(kWrap) + kWrap + "netip.ParsePrefix(" +
                              internal::GoQuote(in) + "): " + std::string(msg));
}

}  // namespace

StatusOr<CIDR> CIDR::Parse(std::string_view s) {
  size_t slash = s.rfind('/');
  if (slash == std::string_view::npos) {
    return PrefixError(s, "no '/'");
  }
  std::string zone;
  StatusOr<IPAddress> ip = IPAddress::ParseNetip(s.substr(0, slash), &zone);
  if (!ip.ok()) {
    return PrefixError(s, ip.status().message());
  }
  if (!ip->is_v4() && !zone.empty()) {
    return PrefixError(s, "IPv6 zones cannot be present in a prefix");
  }
  std::string_view bits_str = s.substr(slash + 1);
  std::string bad = "bad bits after slash: " + internal::GoQuote(bits_str);
  if (bits_str.size() > 1 && (bits_str[0] < '1' || bits_str[0] > '9')) {
    return PrefixError(s, bad);
  }
  bool range = false;
  std::optional<int64_t> bits = internal::GoParseInt(bits_str, &range);
  if (!bits.has_value()) {
    return PrefixError(s, bad);
  }
  int64_t max_bits = ip->is_v4() ? 32 : 128;
  if (*bits < 0 || *bits > max_bits) {
    return PrefixError(s, "prefix length out of range");
  }
  if (ip->Is4In6()) {
    return InvalidArgumentError(std::string(kWrap) + "IPv4-mapped IPv6 address " +
                                internal::GoQuote(s) + " is not allowed");
  }
  return CIDR(*ip, static_cast<int>(*bits));
}

CIDR CIDR::Masked() const {
  std::array<uint8_t, 16> b = addr_.bytes();
  int offset = addr_.is_v4() ? 12 : 0;
  int keep = bits_;
  for (int i = offset; i < 16; ++i) {
    int bit_base = (i - offset) * 8;
    if (keep >= bit_base + 8) {
      continue;
    }
    int n = keep - bit_base;  // bits of this byte to keep
    b[i] = n <= 0 ? 0 : static_cast<uint8_t>(b[i] & (0xff << (8 - n)));
  }
  IPAddress masked = IPAddress::FromV6(b);
  if (addr_.is_v4()) {
    masked = IPAddress::FromV4({b[12], b[13], b[14], b[15]});
  }
  return CIDR(masked, bits_);
}

bool CIDR::ContainsIP(const IPAddress& ip) const {
  if (ip.is_v4() != addr_.is_v4()) {
    return false;
  }
  return CIDR(ip, bits_).Masked().Ip() == Masked().Ip();
}

bool CIDR::ContainsCIDR(const CIDR& other) const {
  return Masked() == CIDR(other.addr_, bits_) && bits_ <= other.bits_;
}

std::string CIDR::ToString() const { return addr_.ToString() + "/" + std::to_string(bits_); }

}  // namespace celgate::k8s

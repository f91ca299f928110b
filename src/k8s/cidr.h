// k8s/cidr.h: IP prefixes ("10.0.0.0/8") with the parsing rules of the Kubernetes CEL CIDR
// library (library/cidr.go), on top of k8s/ip.h.
//
// Parsing is Go's netip.ParsePrefix plus one restriction (IPv4-mapped IPv6 addresses are
// rejected). Host bits may be set: the address is kept as written and Masked() clears them.
// Value type, trivially copyable, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "k8s/ip.h"

namespace celgate::k8s {

class CIDR {
 public:
  // Errors (kInvalidArgument) are the full text the CEL cidr() function reports, wrapped twice
  // as upstream does:
  //   network address parse error during conversion from string: network address parse error
  //   during conversion from string: netip.ParsePrefix("<s>"): <reason>
  // (one line; reasons: no '/', bad bits after slash: "<b>", prefix length out of range,
  // IPv6 zones cannot be present in a prefix, or a ParseAddr error) and, for mapped addresses,
  //   network address parse error during conversion from string: IPv4-mapped IPv6 address
  //   "<s>" is not allowed
  static StatusOr<CIDR> Parse(std::string_view text);

  // REQUIRES: 0 <= bits <= 32 (IPv4) or 128 (IPv6).
  CIDR(IPAddress addr, int bits) : addr_(addr), bits_(bits) {}

  // The address as written (host bits kept).
  const IPAddress& Ip() const { return addr_; }
  int PrefixLength() const { return bits_; }
  // Host bits cleared.
  CIDR Masked() const;

  // netip.Prefix.Contains: same family and equal in the first PrefixLength() bits.
  bool ContainsIP(const IPAddress& ip) const;
  // What the CEL library computes (cidr.go, verified against the upstream source):
  // Masked() == CIDR(other.Ip(), PrefixLength()) && PrefixLength() <= other.PrefixLength().
  // The second prefix is NOT masked, so "192.168.0.0/16" does not contain "192.168.10.0/24";
  // a family mismatch is false.
  bool ContainsCIDR(const CIDR& other) const;

  // "<Ip().ToString()>/<bits>".
  std::string ToString() const;

  // Same address (as written) and same prefix length.
  bool operator==(const CIDR& o) const { return addr_ == o.addr_ && bits_ == o.bits_; }
  bool operator!=(const CIDR& o) const { return !(*this == o); }

 private:
  IPAddress addr_;
  int bits_ = 0;
};

}  // namespace celgate::k8s

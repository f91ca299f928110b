// k8s/ip.h: IPv4/IPv6 addresses with the parsing rules of the Kubernetes CEL IP library.
//
// Where this sits: k8s/ (plain C++, no CEL). k8s/cellib/ip and cidr.h build on it.
//
// Parsing is Go's netip.ParseAddr plus the Kubernetes restrictions (library/ip.go): zones and
// IPv4-mapped IPv6 addresses are rejected; netip itself rejects IPv4 octets with leading zeros
// and brackets. Printing and the Is* predicates are those of netip.Addr.
//
// IPAddress is a small value type (17 bytes), trivially copyable and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace celgate::k8s {

class IPAddress {
 public:
  // Parses `text`. Errors (kInvalidArgument), exactly as the CEL ip() function reports them:
  //   IP Address "<s>" parse error during conversion from string: <netip.ParseAddr error>
  //   IP address "<s>" with zone value is not allowed
  //   IPv4-mapped IPv6 address "<s>" is not allowed
  // (<s> and the netip error are Go-quoted.)
  static StatusOr<IPAddress> Parse(std::string_view text);

  // Go's netip.ParseAddr alone: accepts zones and IPv4-mapped addresses. On success `*zone`
  // (optional) receives the zone. The error is the bare netip text
  // (`ParseAddr("x"): unable to parse IP`). Used by CIDR parsing.
  static StatusOr<IPAddress> ParseNetip(std::string_view text, std::string* zone = nullptr);

  static IPAddress FromV4(std::array<uint8_t, 4> bytes);
  static IPAddress FromV6(const std::array<uint8_t, 16>& bytes);

  // 4 or 6.
  int family() const { return is_v4_ ? 4 : 6; }
  bool is_v4() const { return is_v4_; }
  // IPv4: the address in bytes_[12..15] (bytes_[0..11] zero). IPv6: all 16 bytes.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // True for an IPv6 address of the form ::ffff:a.b.c.d (never true after Parse).
  bool Is4In6() const;

  // netip.Addr.String(): dotted quad, or lowercase RFC 5952 IPv6 ("::" for the first longest
  // run of two or more zero groups; ::ffff:a.b.c.d for IPv4-mapped).
  std::string ToString() const;

  bool IsUnspecified() const;         // 0.0.0.0 or ::
  bool IsLoopback() const;            // 127.0.0.0/8 or ::1
  bool IsMulticast() const;           // 224.0.0.0/4 or ff00::/8
  bool IsLinkLocalMulticast() const;  // 224.0.0.0/24 or ffx2::/16
  bool IsLinkLocalUnicast() const;    // 169.254.0.0/16 or fe80::/10
  bool IsGlobalUnicast() const;       // none of the above, nor 255.255.255.255

  bool operator==(const IPAddress& o) const { return is_v4_ == o.is_v4_ && bytes_ == o.bytes_; }
  bool operator!=(const IPAddress& o) const { return !(*this == o); }

 private:
  std::array<uint8_t, 16> bytes_{};
  bool is_v4_ = true;
};

}  // namespace celgate::k8s

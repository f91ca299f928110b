// k8s/ip.cc: a port of the behaviour of Go's netip.ParseAddr / Addr.String and the Kubernetes
// restrictions on top. Entry point: ip.h.
#include "k8s/ip.h"

#include <cstdio>

#include "k8s/internal/go_text.h"

namespace celgate::k8s {
namespace {

using internal::GoQuote;

Status AddrError(std::string_view in, std::string_view msg, std::string_view at = {},
                 bool has_at = false) {
  std::string s = "ParseAddr(" + GoQuote(in) + "): " + std::string(msg);
  if (has_at && !at.empty()) {
    s += " (at " + GoQuote(at) + ")";
  }
  return InvalidArgumentError(std::move(s));
}

// Parses the dotted quad in[off, end) into fields[0..3]; errors name the whole input `in`.
Status ParseV4Fields(std::string_view in, size_t off, size_t end, uint8_t* fields) {
  std::string_view s = in.substr(off, end - off);
  int val = 0;
  int pos = 0;
  int dig_len = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (dig_len == 1 && val == 0) {
        return AddrError(in, "IPv4 field has octet with leading zero");
      }
      val = val * 10 + (c - '0');
      ++dig_len;
      if (val > 255) {
        return AddrError(in, "IPv4 field has value >255");
      }
    } else if (c == '.') {
      if (i == 0 || i == s.size() - 1 || s[i - 1] == '.') {
        return AddrError(in, "IPv4 field must have at least one digit", s.substr(i), true);
      }
      if (pos == 3) {
        return AddrError(in, "IPv4 address too long");
      }
      fields[pos++] = static_cast<uint8_t>(val);
      val = 0;
      dig_len = 0;
    } else {
      return AddrError(in, "unexpected character", s.substr(i), true);
    }
  }
  if (pos < 3) {
    return AddrError(in, "IPv4 address too short");
  }
  fields[3] = static_cast<uint8_t>(val);
  return OkStatus();
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

StatusOr<IPAddress> ParseV6(std::string_view in, std::string* zone_out) {
  std::string_view s = in;
  std::string_view zone;
  size_t pct = s.find('%');
  if (pct != std::string_view::npos) {
    zone = s.substr(pct + 1);
    s = s.substr(0, pct);
    if (zone.empty()) {
      return AddrError(in, "zone must be a non-empty string");
    }
  }
  std::array<uint8_t, 16> ip{};
  int ellipsis = -1;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) {
      if (zone_out != nullptr) {
        *zone_out = std::string(zone);
      }
      return IPAddress::FromV6(ip);
    }
  }
  int i = 0;
  while (i < 16) {
    size_t off = 0;
    uint32_t acc = 0;
    for (; off < s.size(); ++off) {
      int h = HexVal(s[off]);
      if (h < 0) {
        break;
      }
      acc = (acc << 4) + static_cast<uint32_t>(h);
      if (off > 3) {
        return AddrError(in, "each colon-separated field must have at most 4 hex digits", s, true);
      }
      if (acc > 0xffff) {
        return AddrError(in, "IPv6 field has value >=2^16", s, true);
      }
    }
    if (off == 0) {
      return AddrError(in, "each colon-separated field must have at least one digit", s, true);
    }
    if (off < s.size() && s[off] == '.') {
      if (ellipsis < 0 && i != 12) {
        return AddrError(in, "embedded IPv4 address must replace the final 2 fields of the address",
                         s, true);
      }
      if (i + 4 > 16) {
        return AddrError(
            in, "too many hex fields to fit an embedded IPv4 at the end of the address", s, true);
      }
      size_t end = in.size();
      if (!zone.empty()) {
        end -= zone.size() + 1;
      }
      CG_RETURN_IF_ERROR(ParseV4Fields(in, end - s.size(), end, &ip[i]));
      s = {};
      i += 4;
      break;
    }
    ip[i] = static_cast<uint8_t>(acc >> 8);
    ip[i + 1] = static_cast<uint8_t>(acc);
    i += 2;
    s.remove_prefix(off);
    if (s.empty()) {
      break;
    }
    if (s[0] != ':') {
      return AddrError(in, "unexpected character, want colon", s, true);
    }
    if (s.size() == 1) {
      return AddrError(in, "colon must be followed by more characters", s, true);
    }
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) {
        return AddrError(in, "multiple :: in address", s, true);
      }
      ellipsis = i;
      s.remove_prefix(1);
      if (s.empty()) {
        break;
      }
    }
  }
  if (!s.empty()) {
    return AddrError(in, "trailing garbage after address", s, true);
  }
  if (i < 16) {
    if (ellipsis < 0) {
      return AddrError(in, "address string too short");
    }
    int n = 16 - i;
    for (int j = i - 1; j >= ellipsis; --j) {
      ip[j + n] = ip[j];
    }
    for (int j = ellipsis; j < ellipsis + n; ++j) {
      ip[j] = 0;
    }
  } else if (ellipsis >= 0) {
    return AddrError(in, "the :: must expand to at least one field of zeros", s, true);
  }
  if (zone_out != nullptr) {
    *zone_out = std::string(zone);
  }
  return IPAddress::FromV6(ip);
}

}  // namespace

IPAddress IPAddress::FromV4(std::array<uint8_t, 4> b) {
  IPAddress a;
  a.is_v4_ = true;
  for (int i = 0; i < 4; ++i) {
    a.bytes_[12 + i] = b[i];
  }
  return a;
}

IPAddress IPAddress::FromV6(const std::array<uint8_t, 16>& b) {
  IPAddress a;
  a.is_v4_ = false;
  a.bytes_ = b;
  return a;
}

StatusOr<IPAddress> IPAddress::ParseNetip(std::string_view s, std::string* zone) {
  if (zone != nullptr) {
    zone->clear();
  }
  for (char c : s) {
    if (c == '.') {
      std::array<uint8_t, 4> f{};
      CG_RETURN_IF_ERROR(ParseV4Fields(s, 0, s.size(), f.data()));
      return FromV4(f);
    }
    if (c == ':') {
      return ParseV6(s, zone);
    }
    if (c == '%') {
      return AddrError(s, "missing IPv6 address");
    }
  }
  return AddrError(s, "unable to parse IP");
}

StatusOr<IPAddress> IPAddress::Parse(std::string_view s) {
  std::string zone;
  StatusOr<IPAddress> a = ParseNetip(s, &zone);
  if (!a.ok()) {
    return InvalidArgumentError(
        "IP Address " + GoQuote(s) +
        " parse error during conversion from string: " + std::string(a.status().message()));
  }
  if (!zone.empty()) {
    return InvalidArgumentError("IP address " + GoQuote(s) + " with zone value is not allowed");
  }
  if (a->Is4In6()) {
    return InvalidArgumentError("IPv4-mapped IPv6 address " + GoQuote(s) + " is not allowed");
  }
  return a;
}

bool IPAddress::Is4In6() const {
  if (is_v4_) {
    return false;
  }
  for (int i = 0; i < 10; ++i) {
    if (bytes_[i] != 0) {
      return false;
    }
  }
  return bytes_[10] == 0xff && bytes_[11] == 0xff;
}

std::string IPAddress::ToString() const {
  char buf[64];
  if (is_v4_) {
    std::snprintf(buf, sizeof(buf), "%u.%u.%u.%u", bytes_[12], bytes_[13], bytes_[14], bytes_[15]);
    return buf;
  }
  if (Is4In6()) {
    std::snprintf(buf, sizeof(buf), "::ffff:%u.%u.%u.%u", bytes_[12], bytes_[13], bytes_[14],
                  bytes_[15]);
    return buf;
  }
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) {
    g[i] = static_cast<uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  }
  int zero_start = -1, zero_len = 0;
  for (int i = 0; i < 8; ++i) {
    int j = i;
    while (j < 8 && g[j] == 0) {
      ++j;
    }
    if (j - i >= 2 && j - i > zero_len) {
      zero_start = i;
      zero_len = j - i;
    }
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == zero_start) {
      out += "::";
      i += zero_len - 1;
      continue;
    }
    if (i > 0 && !(zero_start >= 0 && i == zero_start + zero_len)) {
      out.push_back(':');
    }
    std::snprintf(buf, sizeof(buf), "%x", g[i]);
    out += buf;
  }
  return out;
}

bool IPAddress::IsUnspecified() const {
  for (int i = 0; i < 16; ++i) {
    if (bytes_[i] != 0) {
      return false;
    }
  }
  return true;
}

bool IPAddress::IsLoopback() const {
  if (is_v4_) {
    return bytes_[12] == 127;
  }
  if (Is4In6()) {
    return bytes_[12] == 127;
  }
  for (int i = 0; i < 15; ++i) {
    if (bytes_[i] != 0) {
      return false;
    }
  }
  return bytes_[15] == 1;
}

bool IPAddress::IsMulticast() const {
  if (is_v4_ || Is4In6()) {
    return (bytes_[12] & 0xf0) == 0xe0;
  }
  return bytes_[0] == 0xff;
}

bool IPAddress::IsLinkLocalMulticast() const {
  if (is_v4_ || Is4In6()) {
    return bytes_[12] == 224 && bytes_[13] == 0 && bytes_[14] == 0;
  }
  return bytes_[0] == 0xff && (bytes_[1] & 0x0f) == 0x02;
}

bool IPAddress::IsLinkLocalUnicast() const {
  if (is_v4_ || Is4In6()) {
    return bytes_[12] == 169 && bytes_[13] == 254;
  }
  return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

bool IPAddress::IsGlobalUnicast() const {
  if (is_v4_ || Is4In6()) {
    bool unspecified = bytes_[12] == 0 && bytes_[13] == 0 && bytes_[14] == 0 && bytes_[15] == 0;
    bool broadcast =
        bytes_[12] == 255 && bytes_[13] == 255 && bytes_[14] == 255 && bytes_[15] == 255;
    if (unspecified || broadcast) {
      return false;
    }
    return !IsLoopback() && !IsMulticast() && !IsLinkLocalUnicast();
  }
  return !IsUnspecified() && !IsLoopback() && !IsMulticast() && !IsLinkLocalUnicast();
}

}  // namespace celgate::k8s

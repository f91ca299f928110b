// Tests for k8s/ip.h and k8s/cidr.h: Go netip parsing/printing plus the Kubernetes
// restrictions, with the exact error texts.
#include "k8s/ip.h"

#include <gtest/gtest.h>

#include "k8s/cidr.h"

namespace celgate::k8s {
namespace {

IPAddress IP(std::string_view s) {
  StatusOr<IPAddress> a = IPAddress::Parse(s);
  EXPECT_TRUE(a.ok()) << s << ": " << a.status().ToString();
  return a.ok() ? *a : IPAddress();
}

CIDR Net(std::string_view s) {
  StatusOr<CIDR> c = CIDR::Parse(s);
  EXPECT_TRUE(c.ok()) << s << ": " << c.status().ToString();
  return c.ok() ? *c : CIDR(IPAddress(), 0);
}

TEST(IPAddress, PrintsGoCanonicalForm) {
  struct Case {
    const char* in;
    const char* out;
    int family;
  } cases[] = {
      {"192.168.0.1", "192.168.0.1", 4},
      {"0.0.0.0", "0.0.0.0", 4},
      {"::", "::", 6},
      {"::1", "::1", 6},
      {"2001:DB8::1", "2001:db8::1", 6},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", 6},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", 6},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", 6},
      {"fe80::", "fe80::", 6},
      {"1:0:0:2:0:0:0:3", "1:0:0:2::3", 6},
      {"::1.2.3.4", "::102:304", 6},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", 6},
  };
  for (const Case& c : cases) {
    IPAddress a = IP(c.in);
    EXPECT_EQ(a.ToString(), c.out) << c.in;
    EXPECT_EQ(a.family(), c.family) << c.in;
  }
}

TEST(IPAddress, RejectsWithExactTexts) {
  struct Case {
    const char* in;
    const char* msg;
  } cases[] = {
      {"fe80::1%eth0", "IP address \"fe80::1%eth0\" with zone value is not allowed"},
      {"::ffff:1.2.3.4", "IPv4-mapped IPv6 address \"::ffff:1.2.3.4\" is not allowed"},
      {"010.0.0.1",
       "IP Address \"010.0.0.1\" parse error during conversion from string: "
       "ParseAddr(\"010.0.0.1\"): IPv4 field has octet with leading zero"},
      {"[::1]",
       "IP Address \"[::1]\" parse error during conversion from string: ParseAddr(\"[::1]\"): "
       "each colon-separated field must have at least one digit (at \"[::1]\")"},
      {"",
       "IP Address \"\" parse error during conversion from string: ParseAddr(\"\"): unable "
       "to parse IP"},
      {"foo",
       "IP Address \"foo\" parse error during conversion from string: "
       "ParseAddr(\"foo\"): unable to parse IP"},
      {"1.2.3",
       "IP Address \"1.2.3\" parse error during conversion from string: "
       "ParseAddr(\"1.2.3\"): IPv4 address too short"},
      {"1.2.3.4.5",
       "IP Address \"1.2.3.4.5\" parse error during conversion from string: "
       "ParseAddr(\"1.2.3.4.5\"): IPv4 address too long"},
      {"256.0.0.1",
       "IP Address \"256.0.0.1\" parse error during conversion from string: "
       "ParseAddr(\"256.0.0.1\"): IPv4 field has value >255"},
      {"1..2.3",
       "IP Address \"1..2.3\" parse error during conversion from string: "
       "ParseAddr(\"1..2.3\"): IPv4 field must have at least one digit (at \".2.3\")"},
      {"1.2.3.x",
       "IP Address \"1.2.3.x\" parse error during conversion from string: "
       "ParseAddr(\"1.2.3.x\"): unexpected character (at \"x\")"},
      {"1::2::3",
       "IP Address \"1::2::3\" parse error during conversion from string: "
       "ParseAddr(\"1::2::3\"): multiple :: in address (at \":3\")"},
      {"12345::",
       "IP Address \"12345::\" parse error during conversion from string: "
       "ParseAddr(\"12345::\"): each colon-separated field must have at most 4 hex "
       "digits (at \"12345::\")"},
      {"1:2:3:4:5:6:7",
       "IP Address \"1:2:3:4:5:6:7\" parse error during conversion from "
       "string: ParseAddr(\"1:2:3:4:5:6:7\"): address string too short"},
      {"1:2:3:4:5:6:7:8:9",
       "IP Address \"1:2:3:4:5:6:7:8:9\" parse error during conversion "
       "from string: ParseAddr(\"1:2:3:4:5:6:7:8:9\"): trailing garbage "
       "after address (at \"9\")"},
      {"::ffff:1:2", "IPv4-mapped IPv6 address \"::ffff:1:2\" is not allowed"},
      {"1:2:3:4::5:6:7:8",
       "IP Address \"1:2:3:4::5:6:7:8\" parse error during conversion from "
       "string: ParseAddr(\"1:2:3:4::5:6:7:8\"): the :: must expand to at "
       "least one field of zeros"},
      {"%eth0",
       "IP Address \"%eth0\" parse error during conversion from string: "
       "ParseAddr(\"%eth0\"): missing IPv6 address"},
      {"fe80::1%",
       "IP Address \"fe80::1%\" parse error during conversion from string: "
       "ParseAddr(\"fe80::1%\"): zone must be a non-empty string"},
      {"1:",
       "IP Address \"1:\" parse error during conversion from string: ParseAddr(\"1:\"): "
       "colon must be followed by more characters (at \":\")"},
      {"::1.02.3.4",
       "IP Address \"::1.02.3.4\" parse error during conversion from string: "
       "ParseAddr(\"::1.02.3.4\"): IPv4 field has octet with leading zero"},
  };
  for (const Case& c : cases) {
    StatusOr<IPAddress> a = IPAddress::Parse(c.in);
    ASSERT_FALSE(a.ok()) << c.in;
    EXPECT_EQ(a.status().message(), c.msg) << c.in;
  }
}

TEST(IPAddress, ClassifiesLikeNetip) {
  struct Case {
    const char* in;
    bool unspecified, loopback, ll_multicast, ll_unicast, global;
  } cases[] = {
      {"0.0.0.0", true, false, false, false, false},
      {"::", true, false, false, false, false},
      {"127.0.0.1", false, true, false, false, false},
      {"127.255.0.9", false, true, false, false, false},
      {"::1", false, true, false, false, false},
      {"224.0.0.1", false, false, true, false, false},
      {"224.0.1.1", false, false, false, false, false},
      {"ff02::1", false, false, true, false, false},
      {"ff12::1", false, false, true, false, false},
      {"ff05::1", false, false, false, false, false},
      {"169.254.169.254", false, false, false, true, false},
      {"fe80::1", false, false, false, true, false},
      {"febf::1", false, false, false, true, false},
      {"fec0::1", false, false, false, false, true},
      {"192.168.0.1", false, false, false, false, true},
      {"10.0.0.1", false, false, false, false, true},
      {"8.8.8.8", false, false, false, false, true},
      {"255.255.255.255", false, false, false, false, false},
      {"2001:db8::1", false, false, false, false, true},
      {"fd00::1", false, false, false, false, true},
  };
  for (const Case& c : cases) {
    IPAddress a = IP(c.in);
    EXPECT_EQ(a.IsUnspecified(), c.unspecified) << c.in;
    EXPECT_EQ(a.IsLoopback(), c.loopback) << c.in;
    EXPECT_EQ(a.IsLinkLocalMulticast(), c.ll_multicast) << c.in;
    EXPECT_EQ(a.IsLinkLocalUnicast(), c.ll_unicast) << c.in;
    EXPECT_EQ(a.IsGlobalUnicast(), c.global) << c.in;
  }
}

TEST(IPAddress, EqualityIsSameAddress) {
  EXPECT_EQ(IP("2001:db8::1"), IP("2001:0DB8:0:0::1"));
  EXPECT_NE(IP("0.0.0.0"), IP("::"));
  EXPECT_NE(IP("1.2.3.4"), IP("::102:304"));
}

TEST(CIDR, ParsesAndKeepsHostBits) {
  CIDR c = Net("192.168.0.1/24");
  EXPECT_EQ(c.ToString(), "192.168.0.1/24");
  EXPECT_EQ(c.Ip().ToString(), "192.168.0.1");
  EXPECT_EQ(c.PrefixLength(), 24);
  EXPECT_EQ(c.Masked().ToString(), "192.168.0.0/24");
  EXPECT_NE(c, c.Masked());
  EXPECT_EQ(Net("2001:db8::1/32").Masked().ToString(), "2001:db8::/32");
  EXPECT_EQ(Net("2001:DB8:1:2::/127").ToString(), "2001:db8:1:2::/127");
  EXPECT_EQ(Net("10.1.2.3/0").Masked().ToString(), "0.0.0.0/0");
  EXPECT_EQ(Net("10.1.2.3/32").Masked().ToString(), "10.1.2.3/32");
  EXPECT_EQ(Net("10.1.2.255/29").Masked().ToString(), "10.1.2.248/29");
}

TEST(CIDR, RejectsWithDoublyWrappedTexts) {
  const std::string w =
      "network address parse error during conversion from string: "
      "network address parse error during conversion from string: ";
  struct Case {
    const char* in;
    std::string msg;
  } cases[] = {
      {"192.168.0.0/33", w + "netip.ParsePrefix(\"192.168.0.0/33\"): prefix length out of range"},
      {"::/129", w + "netip.ParsePrefix(\"::/129\"): prefix length out of range"},
      {"192.168.0.0", w + "netip.ParsePrefix(\"192.168.0.0\"): no '/'"},
      {"192.168.0.0/024", w + "netip.ParsePrefix(\"192.168.0.0/024\"): bad bits after slash: "
                              "\"024\""},
      {"192.168.0.0/", w + "netip.ParsePrefix(\"192.168.0.0/\"): bad bits after slash: \"\""},
      {"192.168.0.0/+8", w + "netip.ParsePrefix(\"192.168.0.0/+8\"): bad bits after slash: "
                             "\"+8\""},
      {"fe80::1%eth0/64", w + "netip.ParsePrefix(\"fe80::1%eth0/64\"): IPv6 zones cannot be "
                              "present in a prefix"},
      {"010.0.0.0/8", w + "netip.ParsePrefix(\"010.0.0.0/8\"): ParseAddr(\"010.0.0.0\"): IPv4 "
                          "field has octet with leading zero"},
      {"::ffff:1.2.3.4/120",
       "network address parse error during conversion from string: IPv4-mapped IPv6 address "
       "\"::ffff:1.2.3.4/120\" is not allowed"},
  };
  for (const Case& c : cases) {
    StatusOr<CIDR> r = CIDR::Parse(c.in);
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().message(), c.msg) << c.in;
  }
}

TEST(CIDR, ContainsIPUsesTheMaskedPrefix) {
  EXPECT_TRUE(Net("192.168.0.0/24").ContainsIP(IP("192.168.0.1")));
  EXPECT_FALSE(Net("192.168.0.0/24").ContainsIP(IP("192.168.1.1")));
  EXPECT_TRUE(Net("192.168.0.1/24").ContainsIP(IP("192.168.0.200")));
  EXPECT_TRUE(Net("::/0").ContainsIP(IP("2001:db8::1")));
  EXPECT_FALSE(Net("::/0").ContainsIP(IP("1.2.3.4")));
  EXPECT_FALSE(Net("0.0.0.0/0").ContainsIP(IP("::1")));
  EXPECT_TRUE(Net("2001:db8::/32").ContainsIP(IP("2001:db8:ffff::1")));
}

TEST(CIDR, ContainsCIDRFollowsTheUpstreamComputation) {
  EXPECT_TRUE(Net("192.168.0.0/16").ContainsCIDR(Net("192.168.0.0/24")));
  EXPECT_TRUE(Net("192.168.0.0/16").ContainsCIDR(Net("192.168.0.0/16")));
  EXPECT_FALSE(Net("192.168.0.0/24").ContainsCIDR(Net("192.168.0.0/16")));
  // Upstream compares against the other prefix's address unmasked: documented true, actually
  // false.
  EXPECT_FALSE(Net("192.168.0.0/16").ContainsCIDR(Net("192.168.10.0/24")));
  EXPECT_FALSE(Net("192.168.0.0/16").ContainsCIDR(Net("192.168.0.1/24")));
  EXPECT_FALSE(Net("10.0.0.0/8").ContainsCIDR(Net("::/64")));
  EXPECT_TRUE(Net("2001:db8::/32").ContainsCIDR(Net("2001:db8::/48")));
}

}  // namespace
}  // namespace celgate::k8s

#include "core/ip_address.h"

#include <gtest/gtest.h>

namespace nta {
namespace {

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(parse_ip(text, a)) << text;
  return a;
}

TEST(IpAddress, FormatsIpv4DottedQuad) {
  for (const char* t : {"0.0.0.0", "1.2.3.4", "10.20.30.40", "192.168.100.255", "255.255.255.255"}) {
    EXPECT_EQ(to_string(ip(t)), t);
  }
}

TEST(IpAddress, FormatsIpv6Rfc5952) {
  EXPECT_EQ(to_string(ip("2001:0db8:0000:0000:0000:0000:0000:0001")), "2001:db8::1");
  EXPECT_EQ(to_string(ip("fe80::1:2")), "fe80::1:2");
  EXPECT_EQ(to_string(ip("::")), "::");
}

TEST(IpAddress, EmptyAddressFormatsAsNothing) { EXPECT_EQ(to_string(IpAddress{}), ""); }

TEST(IpAddress, RejectsNonAddresses) {
  IpAddress a;
  EXPECT_FALSE(parse_ip("256.1.1.1", a));
  EXPECT_FALSE(parse_ip("example.com", a));
  EXPECT_FALSE(parse_ip("", a));
}

TEST(IpAddress, V4AndV6WithSameBytesDiffer) {
  IpAddress v4 = ip("1.2.3.4");
  IpAddress v6;
  v6.bytes = v4.bytes;
  v6.family = IpFamily::kV6;
  EXPECT_NE(v4, v6);
  EXPECT_NE(hash_ip(v4), hash_ip(v6));
}

TEST(IpAddress, HashDependsOnSeed) {
  EXPECT_NE(hash_ip(ip("10.0.0.1"), 1), hash_ip(ip("10.0.0.1"), 2));
  EXPECT_EQ(hash_ip(ip("10.0.0.1"), 7), hash_ip(ip("10.0.0.1"), 7));
}

}  // namespace
}  // namespace nta

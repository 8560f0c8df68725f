#include "core/ip_address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

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

namespace nta {
namespace {

// The hand-written IPv6 formatter must agree with the C library's inet_ntop on every shape.
TEST(IpAddress, Ipv6TextMatchesInetNtop) {
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int n = 0; n < 200'000; ++n) {
    std::uint8_t bytes[16];
    for (int w = 0; w < 8; ++w) {
      // Mostly zero words, to exercise every run layout; the rest random or small.
      const auto kind = next() % 4;
      const auto v = static_cast<std::uint16_t>(kind < 2 ? 0 : (kind == 2 ? next() % 16 : next()));
      bytes[2 * w] = static_cast<std::uint8_t>(v >> 8);
      bytes[2 * w + 1] = static_cast<std::uint8_t>(v);
    }
    if (n % 50 == 0) {  // IPv4-mapped and IPv4-compatible shapes
      std::memset(bytes, 0, 10);
      bytes[10] = bytes[11] = (n % 100 == 0) ? 0xff : 0;
    }
    char expected[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, bytes, expected, sizeof expected), nullptr);
    EXPECT_EQ(to_string(IpAddress::v6(bytes)), expected);
  }
}

}  // namespace
}  // namespace nta

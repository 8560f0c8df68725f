#include "synth/frame_builder.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nta {
namespace {

// Checksums are recomputed here from the RFC definition, independently of the builder.
std::uint32_t ones_sum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2 == 1) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  return sum;
}
std::uint16_t folded(std::uint32_t sum) {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}
std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

IpAddress ip(const char* text) {
  IpAddress a;
  EXPECT_TRUE(parse_ip(text, a)) << text;
  return a;
}

// Sum over the transport segment plus the pseudo-header; a correct checksum makes it 0xffff.
std::uint16_t transport_sum(std::span<const std::uint8_t> frame, std::size_t l3, std::uint8_t proto) {
  const bool v6 = (frame[l3] >> 4) == 6;
  std::uint32_t sum = 0;
  std::size_t l4 = 0;
  std::size_t len = 0;
  if (v6) {
    sum = ones_sum(&frame[l3 + 8], 32);
    len = be16(&frame[l3 + 4]);
    l4 = l3 + 40;
  } else {
    sum = ones_sum(&frame[l3 + 12], 8);
    len = be16(&frame[l3 + 2]) - 20u;
    l4 = l3 + 20;
  }
  sum += proto;
  sum += static_cast<std::uint32_t>(len);
  return folded(ones_sum(&frame[l4], len, sum));
}

class FrameBuilderTest : public ::testing::Test {
 protected:
  std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(kMaxFrameSize);
  FrameBuilder builder_{buffer_};
  EthernetSpec eth_{.src = MacAddress{{0x02, 0, 0, 0, 0, 1}}, .dst = MacAddress{{0x02, 0, 0, 0, 0, 2}}};
};

TEST_F(FrameBuilderTest, Ipv4AndUdpChecksumsMatchAKnownVector) {
  // The header is the classic example (RFC 1071 style) whose checksum is 0xb861; tshark 4.0 reports
  // both this IP checksum and the UDP checksum 0x82d1 of this exact frame as good.
  const IpSpec spec{
      .src = ip("192.168.0.1"), .dst = ip("192.168.0.199"), .ttl = 64, .id = 0, .dont_fragment = true};
  const std::vector<std::uint8_t> payload(87, 'A');
  const std::size_t n = builder_.udp(eth_, spec, 40000, 9999, payload);
  ASSERT_EQ(n, 14u + 115u);
  const std::array<std::uint8_t, 20> expected{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                              0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), buffer_.begin() + 14));
  EXPECT_EQ(be16(&buffer_[14 + 20 + 6]), 0x82d1);
  EXPECT_EQ(be16(&buffer_[12]), 0x0800);
}

TEST_F(FrameBuilderTest, Ipv4HeaderSumsToAllOnes) {
  const IpSpec spec{.src = ip("10.1.2.3"), .dst = ip("93.184.216.34"), .ttl = 128, .id = 0xbeef};
  TcpSpec tcp{.src_port = 50000, .dst_port = 443, .seq = 1, .ack = 2, .flags = TcpSpec::kAck, .window = 500};
  builder_.tcp(eth_, spec, tcp, {});
  EXPECT_EQ(folded(ones_sum(&buffer_[14], 20)), 0xffff);
  EXPECT_EQ(be16(&buffer_[14 + 4]), 0xbeef);
  EXPECT_EQ(buffer_[14 + 8], 128);
  EXPECT_EQ(be16(&buffer_[14 + 6]), 0x4000);  // DF
}

TEST_F(FrameBuilderTest, TcpChecksumCoversPseudoHeaderOverIpv4AndIpv6) {
  struct Pair {
    const char* src;
    const char* dst;
  };
  for (const Pair& addrs :
       {Pair{"192.168.1.20", "142.250.185.100"}, Pair{"2001:db8:1::20", "2a00:1450:4001:831::2004"}}) {
    const IpSpec spec{.src = ip(addrs.src), .dst = ip(addrs.dst), .flow_label = 0x12345};
    for (std::size_t payload_size : {0u, 1u, 517u, 1428u}) {  // 1428: a full IPv6 segment with timestamps
      std::vector<std::uint8_t> payload(payload_size);
      for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7 + 3);
      TcpSpec tcp{.src_port = 51234,
                  .dst_port = 443,
                  .seq = 0xfffffff0,
                  .ack = 77,
                  .flags = TcpSpec::kAck | TcpSpec::kPsh,
                  .window = 502};
      tcp.options.timestamps = true;
      tcp.options.ts_val = 123456;
      tcp.options.ts_ecr = 654321;
      const std::size_t n = builder_.tcp(eth_, spec, tcp, payload);
      ASSERT_GT(n, 0u);
      EXPECT_EQ(transport_sum(builder_.frame(), 14, 6), 0xffff) << addrs.src << " payload " << payload_size;
    }
  }
}

TEST_F(FrameBuilderTest, SynCarriesLinuxStyleOptions) {
  const IpSpec spec{.src = ip("192.168.1.20"), .dst = ip("142.250.185.100")};
  TcpSpec tcp{.src_port = 40000, .dst_port = 443, .seq = 1000, .flags = TcpSpec::kSyn, .window = 64240};
  tcp.options = TcpOptions{.mss = 1460,
                           .window_scale = 7,
                           .sack_permitted = true,
                           .timestamps = true,
                           .ts_val = 0x01020304,
                           .ts_ecr = 0};
  const std::size_t n = builder_.tcp(eth_, spec, tcp, {});
  EXPECT_EQ(n, 74u);  // the size of a Linux SYN on the wire
  const std::uint8_t* t = &buffer_[34];
  EXPECT_EQ(t[12] >> 4, 10);  // 40-byte header
  const std::array<std::uint8_t, 20> options{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 1, 2,
                                             3, 4, 0,    0,    0, 0, 1, 3,  3, 7};
  EXPECT_TRUE(std::equal(options.begin(), options.end(), t + 20));
  EXPECT_EQ(be32(t + 4), 1000u);
  EXPECT_EQ(be32(t + 8), 0u);
  EXPECT_EQ(transport_sum(builder_.frame(), 14, 6), 0xffff);
}

TEST_F(FrameBuilderTest, OptionsWithoutTimestampsStayWordAligned) {
  const IpSpec spec{.src = ip("192.168.1.20"), .dst = ip("13.107.42.14")};
  TcpSpec tcp{.src_port = 50000, .dst_port = 443, .flags = TcpSpec::kSyn, .window = 64240};
  tcp.options = TcpOptions{.mss = 1460, .window_scale = 8, .sack_permitted = true};
  EXPECT_EQ(builder_.tcp(eth_, spec, tcp, {}), 66u);  // Windows SYN: 12 bytes of options
  const std::array<std::uint8_t, 12> options{2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 8};
  EXPECT_TRUE(std::equal(options.begin(), options.end(), &buffer_[54]));
}

TEST_F(FrameBuilderTest, PadsShortFramesToTheEthernetMinimum) {
  const IpSpec spec{.src = ip("192.168.1.20"), .dst = ip("8.8.8.8")};
  std::fill(buffer_.begin(), buffer_.end(), std::uint8_t{0xee});
  TcpSpec tcp{.src_port = 50000, .dst_port = 443, .flags = TcpSpec::kAck, .window = 1};
  EXPECT_EQ(builder_.tcp(eth_, spec, tcp, {}), 60u);  // 54 bytes of headers + 6 of padding
  for (std::size_t i = 54; i < 60; ++i) EXPECT_EQ(buffer_[i], 0) << i;
  EXPECT_EQ(be16(&buffer_[16]), 40);  // IP total length excludes the padding
  EXPECT_EQ(builder_.ip_packet().size(), 40u);
}

TEST_F(FrameBuilderTest, InsertsAVlanTag) {
  EthernetSpec tagged = eth_;
  tagged.vlan = 20;
  tagged.priority = 5;
  const IpSpec spec{.src = ip("192.168.1.20"), .dst = ip("192.168.1.1")};
  const std::size_t n = builder_.udp(tagged, spec, 5353, 53, std::vector<std::uint8_t>(30, 1));
  EXPECT_EQ(n, 18u + 20u + 8u + 30u);
  EXPECT_EQ(be16(&buffer_[12]), 0x8100);
  EXPECT_EQ(be16(&buffer_[14]), 5 << 13 | 20);
  EXPECT_EQ(be16(&buffer_[16]), 0x0800);
  EXPECT_EQ(buffer_[18], 0x45);
  EXPECT_EQ(transport_sum(builder_.frame(), 18, 17), 0xffff);
}

TEST_F(FrameBuilderTest, UdpOverIpv6HasAValidChecksum) {
  const IpSpec spec{.src = ip("fe80::1"), .dst = ip("2001:db8::53"), .ttl = 255};
  const std::size_t n = builder_.udp(eth_, spec, 546, 547, std::vector<std::uint8_t>(33, 0x5a));
  EXPECT_EQ(n, 14u + 40u + 8u + 33u);
  EXPECT_EQ(be16(&buffer_[12]), 0x86dd);
  EXPECT_EQ(buffer_[14 + 6], 17);
  EXPECT_EQ(buffer_[14 + 7], 255);
  EXPECT_EQ(transport_sum(builder_.frame(), 14, 17), 0xffff);
}

TEST_F(FrameBuilderTest, IcmpEchoChecksums) {
  const std::vector<std::uint8_t> data(56, 0x10);
  builder_.icmp_echo(eth_, IpSpec{.src = ip("192.168.1.5"), .dst = ip("1.1.1.1")}, false, 0x1234, 7, data);
  EXPECT_EQ(buffer_[34], 8);                                  // echo request
  EXPECT_EQ(buffer_[23], 1);                                  // ICMP
  EXPECT_EQ(folded(ones_sum(&buffer_[34], 8 + 56)), 0xffff);  // no pseudo-header in ICMPv4

  builder_.icmp_echo(eth_, IpSpec{.src = ip("2606:4700:4700::1111"), .dst = ip("2001:db8:1::5")}, true, 1, 2,
                     data);
  EXPECT_EQ(buffer_[54], 129);  // ICMPv6 echo reply
  EXPECT_EQ(buffer_[20], 58);
  EXPECT_EQ(transport_sum(builder_.frame(), 14, 58), 0xffff);
}

TEST_F(FrameBuilderTest, IcmpErrorQuotesTheOffendingPacket) {
  const IpSpec probe{.src = ip("192.168.1.5"), .dst = ip("192.168.1.1"), .id = 99};
  builder_.udp(eth_, probe, 137, 137, std::vector<std::uint8_t>(50, 0x41));
  const std::vector<std::uint8_t> quoted(builder_.ip_packet().begin(), builder_.ip_packet().end());
  ASSERT_EQ(quoted.size(), 78u);
  const std::size_t n = builder_.icmp_error(eth_, IpSpec{.src = ip("192.168.1.1"), .dst = ip("192.168.1.5")},
                                            IcmpError::kPortUnreachable, quoted);
  EXPECT_EQ(n, 14u + 20u + 8u + 78u);
  EXPECT_EQ(buffer_[34], 3);
  EXPECT_EQ(buffer_[35], 3);
  EXPECT_TRUE(std::equal(quoted.begin(), quoted.end(), buffer_.begin() + 42));
  EXPECT_EQ(folded(ones_sum(&buffer_[34], 8 + 78)), 0xffff);
}

TEST_F(FrameBuilderTest, BuildsArpRequests) {
  const MacAddress mac{{0x00, 0x1b, 0x21, 1, 2, 3}};
  const std::size_t n = builder_.arp(EthernetSpec{.src = mac, .dst = kBroadcastMac}, ArpOp::kRequest, mac,
                                     ip("192.168.1.20"), MacAddress{}, ip("192.168.1.1"));
  EXPECT_EQ(n, 60u);
  EXPECT_EQ(be16(&buffer_[12]), 0x0806);
  EXPECT_EQ(be16(&buffer_[14]), 1);
  EXPECT_EQ(be16(&buffer_[16]), 0x0800);
  EXPECT_EQ(be16(&buffer_[20]), 1);
  EXPECT_EQ(buffer_[38], 192);
  EXPECT_EQ(buffer_[41], 1);
  EXPECT_TRUE(builder_.ip_packet().empty());
}

TEST_F(FrameBuilderTest, RefusesFramesThatDoNotFit) {
  const IpSpec spec{.src = ip("192.168.1.20"), .dst = ip("8.8.8.8")};
  EXPECT_EQ(builder_.udp(eth_, spec, 1, 2, std::vector<std::uint8_t>(1473)), 0u);  // 1501-byte IP packet
  EXPECT_EQ(builder_.udp(eth_, spec, 1, 2, std::vector<std::uint8_t>(1472)), 1514u);
  const IpSpec mixed{.src = ip("192.168.1.20"), .dst = ip("2001:db8::1")};
  EXPECT_EQ(builder_.udp(eth_, mixed, 1, 2, {}), 0u);
}

// ---- DNS ---------------------------------------------------------------------------------------

TEST(DnsWire, QueryMatchesTheWireFormat) {
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = write_dns_query(out, 0x1234, "www.example.com", DnsType::kA);
  const std::vector<std::uint8_t> expected{0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0,   0,
                                           0,    3,    'w',  'w',  'w', 7,   'e', 'x', 'a', 'm', 'p',
                                           'l',  'e',  3,    'c',  'o', 'm', 0,   0,   1,   0,   1};
  ASSERT_EQ(n, expected.size());
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), out.begin()));
}

TEST(DnsWire, RejectsInvalidNames) {
  std::array<std::uint8_t, 512> out{};
  EXPECT_EQ(write_dns_query(out, 1, "", DnsType::kA), 0u);
  EXPECT_EQ(write_dns_query(out, 1, "a..b", DnsType::kA), 0u);
  EXPECT_EQ(write_dns_query(out, 1, std::string(64, 'x') + ".com", DnsType::kA), 0u);
  EXPECT_EQ(write_dns_query(std::span<std::uint8_t>(out).first(20), 1, "www.example.com", DnsType::kA), 0u);
  EXPECT_GT(write_dns_query(out, 1, "example.com.", DnsType::kAaaa), 0u);
}

TEST(DnsWire, AnswerWithCnameUsesCompression) {
  std::array<std::uint8_t, 512> out{};
  const std::array<IpAddress, 2> addrs{ip("151.101.65.140"), ip("151.101.1.140")};
  const std::size_t n = write_dns_response(out, DnsResponse{.id = 7,
                                                            .name = "www.reddit.com",
                                                            .type = DnsType::kA,
                                                            .cname = "reddit.map.fastly.net",
                                                            .addresses = addrs,
                                                            .ttl = 300});
  ASSERT_GT(n, 0u);
  EXPECT_EQ(be16(&out[2]), 0x8180);
  EXPECT_EQ(be16(&out[4]), 1);
  EXPECT_EQ(be16(&out[6]), 3);                   // CNAME + 2 A
  const std::size_t question_end = 12 + 16 + 4;  // "www.reddit.com" is 16 bytes as labels
  const std::uint8_t* cname = &out[question_end];
  EXPECT_EQ(be16(cname), 0xc00c);  // owner: pointer to the question name
  EXPECT_EQ(be16(cname + 2), 5);
  EXPECT_EQ(be32(cname + 6), 300u);
  const std::uint16_t cname_len = be16(cname + 10);
  EXPECT_EQ(cname_len, 23);  // reddit.map.fastly.net as labels
  const std::uint8_t* a1 = cname + 12 + cname_len;
  EXPECT_EQ(be16(a1), 0xc000 | (question_end + 12));  // owner: pointer to the CNAME target
  EXPECT_EQ(be16(a1 + 2), 1);
  EXPECT_EQ(be16(a1 + 10), 4);
  EXPECT_EQ(a1[12], 151);
  EXPECT_EQ(n, question_end + 12 + cname_len + 2 * 16);
}

TEST(DnsWire, NxdomainCarriesTheZoneSoa) {
  std::array<std::uint8_t, 512> out{};
  const std::size_t n = write_dns_response(out, DnsResponse{.id = 9,
                                                            .name = "mail.nonexistent-company.org",
                                                            .type = DnsType::kA,
                                                            .rcode = DnsRcode::kNxDomain});
  ASSERT_GT(n, 0u);
  EXPECT_EQ(be16(&out[2]) & 0x000f, 3);
  EXPECT_EQ(be16(&out[6]), 0);
  EXPECT_EQ(be16(&out[8]), 1);
  const std::size_t soa = 12 + 30 + 4;
  EXPECT_EQ(be16(&out[soa]), 0xc000 | (12 + 5));  // owner: "nonexistent-company.org" in the question
  EXPECT_EQ(be16(&out[soa + 2]), 6);
  EXPECT_EQ(n, soa + 12 + be16(&out[soa + 10]));

  const std::size_t single = write_dns_response(
      out, DnsResponse{.id = 9, .name = "wpad.lan", .type = DnsType::kA, .rcode = DnsRcode::kNxDomain});
  ASSERT_GT(single, 0u);
  const std::size_t root_soa = 12 + 10 + 4;
  EXPECT_EQ(out[root_soa], 0);  // the root owns the SOA
  EXPECT_EQ(be16(&out[root_soa + 1]), 6);
  EXPECT_EQ(single, root_soa + 11 + be16(&out[root_soa + 9]));
}

TEST(DnsWire, AaaaAnswers) {
  std::array<std::uint8_t, 512> out{};
  const std::array<IpAddress, 1> addrs{ip("2a00:1450:4001:831::2004")};
  const std::size_t n = write_dns_response(
      out, DnsResponse{.id = 1, .name = "www.google.com", .type = DnsType::kAaaa, .addresses = addrs});
  const std::size_t answer = 12 + 16 + 4;
  ASSERT_EQ(n, answer + 12 + 16);
  EXPECT_EQ(be16(&out[answer + 2]), 28);
  EXPECT_EQ(be16(&out[answer + 10]), 16);
  EXPECT_EQ(out[answer + 12], 0x2a);
}

}  // namespace
}  // namespace nta

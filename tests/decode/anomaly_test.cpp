// Every anomaly: a frame that triggers exactly it (or, for the ones that come with the snapshot cut,
// exactly it plus snaplen_cut), and the stable names.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "frame_builder.h"

namespace nta::test {
namespace {

constexpr std::size_t kAll = static_cast<std::size_t>(-1);

struct Case {
  std::string label;
  Bytes frame;
  LinkType link = LinkType::kEthernet;
  std::size_t captured = kAll;  // bytes captured (the wire length is the frame's size)
  Names expected;               // the exact anomaly set, by name
};

Bytes tcp_frame() {
  return eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kAck, text("data")));
}

Bytes too_deep() {
  Bytes pkt = ipv4(17, kIpC, kIpD, udp(1, 2, {}));
  for (int i = 0; i < 5; ++i) pkt = ipv4(4, kIpA, kIpB, pkt);
  return eth(0x0800) + pkt;
}

Bytes many_dest_options() {
  Bytes chain = udp(1, 2, {});
  for (int i = 0; i < 17; ++i) chain = ipv6_opts(i == 0 ? 17 : 60) + chain;
  return eth(0x86dd) + ipv6(60, kIp6A, kIp6B, chain);
}

std::vector<Case> cases() {
  const Bytes arp_frame = eth(0x0806) + arp(1, kMacA, kIpA, Mac{}, kIpB) + zeros(18);
  return {
      {"snaplen cut in the padding", arp_frame, LinkType::kEthernet, 50, {"snaplen_cut"}},
      {"unknown link type", tcp_frame(), static_cast<LinkType>(147), kAll, {"unknown_link_type"}},
      {"ethernet 13 bytes", zeros(13), LinkType::kEthernet, kAll, {"ethernet_truncated"}},
      {"vlan tag cut", eth(0x8100) + be16(5), LinkType::kEthernet, kAll, {"vlan_truncated"}},
      {"four vlan tags",
       eth(0x88a8) + vlan_tag(1, 0x8100) + vlan_tag(2, 0x8100) + vlan_tag(3, 0x8100) + vlan_tag(4, 0x0800) +
           ipv4(17, kIpA, kIpB, udp(1, 2, {})),
       LinkType::kEthernet,
       kAll,
       {"vlan_too_deep"}},
      {"mpls stack never ends",
       eth(0x8847) + mpls(1, false) + mpls(2, false),
       LinkType::kEthernet,
       kAll,
       {"mpls_truncated"}},
      {"mpls nothing after the stack",
       eth(0x8847) + mpls(1, true),
       LinkType::kEthernet,
       kAll,
       {"mpls_truncated"}},
      {"sll 15 bytes", zeros(15), LinkType::kLinuxSll, kAll, {"sll_truncated"}},
      {"sll2 19 bytes", zeros(19), LinkType::kLinuxSll2, kAll, {"sll_truncated"}},
      {"null 3 bytes", zeros(3), LinkType::kNull, kAll, {"null_truncated"}},
      {"arp body cut",
       eth(0x0806) + arp(1, kMacA, kIpA, Mac{}, kIpB),
       LinkType::kEthernet,
       14 + 20,
       {"snaplen_cut", "arp_truncated"}},
      {"arp fixed part cut",
       eth(0x0806) + be16(1) + be16(0x0800),
       LinkType::kEthernet,
       kAll,
       {"arp_truncated"}},
      {"arp 8-byte hardware addresses",
       eth(0x0806) + be16(1) + be16(0x0800) + u8(8) + u8(4) + be16(1) + zeros(24),
       LinkType::kEthernet,
       kAll,
       {"arp_bad_sizes"}},
      {"ipv4 19 bytes", eth(0x0800) + zeros(19), LinkType::kEthernet, kAll, {"ipv4_truncated"}},
      {"ipv4 options cut by snaplen",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.options = u8(1) + u8(1) + u8(1) + u8(0)}),
       LinkType::kEthernet,
       14 + 22,
       {"snaplen_cut", "ipv4_truncated"}},
      {"ipv4 version 5",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.version = 5}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_bad_version"}},
      {"ipv4 ihl 4",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.ihl_words = 4}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_bad_ihl"}},
      {"ipv4 ihl past the frame",
       eth(0x0800) + ipv4(17, kIpA, kIpB, {}, {.ihl_words = 15}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_bad_ihl"}},
      {"ipv4 total length < ihl",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.total_len = 19}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_bad_total_length"}},
      {"ipv4 total length past the frame",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0), {.total_len = 1500}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_bad_total_length"}},
      {"ipv4 option length 1",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.options = u8(7) + u8(1) + u8(0) + u8(0)}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_options_malformed"}},
      {"ipv4 option past the header",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.options = u8(1) + u8(0x83) + u8(7) + u8(4)}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_options_malformed"}},
      {"ipv4 later fragment",
       eth(0x0800) + ipv4(6, kIpA, kIpB, zeros(8), {.frag = 0x2000 | 3}),
       LinkType::kEthernet,
       kAll,
       {"ipv4_fragment"}},
      {"ipv6 39 bytes", eth(0x86dd) + zeros(39), LinkType::kEthernet, kAll, {"ipv6_truncated"}},
      {"ipv6 version 4 on 0x86dd",
       eth(0x86dd) + ipv6(17, kIp6A, kIp6B, udp(1, 2, {}), -1, 64, 4),
       LinkType::kEthernet,
       kAll,
       {"ipv6_bad_version"}},
      {"ipv6 payload length past the frame",
       eth(0x86dd) + ipv6(17, kIp6A, kIp6B, udp(1, 2, {}), 100),
       LinkType::kEthernet,
       kAll,
       {"ipv6_bad_payload_length"}},
      {"ipv6 extension header longer than the payload",
       eth(0x86dd) + ipv6(60, kIp6A, kIp6B, u8(17) + u8(1) + zeros(6)) /* says 16, has 8 */,
       LinkType::kEthernet,
       kAll,
       {"ipv6_ext_truncated"}},
      {"ipv6 17 extension headers", many_dest_options(), LinkType::kEthernet, kAll, {"ipv6_ext_too_many"}},
      {"ipv6 later fragment",
       eth(0x86dd) + ipv6(44, kIp6A, kIp6B, ipv6_frag(6, 100, true, 1) + zeros(8)),
       LinkType::kEthernet,
       kAll,
       {"ipv6_fragment"}},
      {"tcp 10 bytes",
       eth(0x0800) + ipv4(6, kIpA, kIpB, zeros(10)),
       LinkType::kEthernet,
       kAll,
       {"tcp_truncated"}},
      {"tcp data offset 4",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0, {}, {.data_offset_words = 4})),
       LinkType::kEthernet,
       kAll,
       {"tcp_bad_data_offset"}},
      {"tcp data offset past the segment",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0, {}, {.data_offset_words = 15})),
       LinkType::kEthernet,
       kAll,
       {"tcp_bad_data_offset"}},
      {"tcp mss option of length 3",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0, {}, {.options = u8(2) + u8(3) + u8(5) + u8(0)})),
       LinkType::kEthernet,
       kAll,
       {"tcp_options_malformed"}},
      {"tcp option length 0",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0, {}, {.options = u8(1) + u8(30) + u8(0) + u8(0)})),
       LinkType::kEthernet,
       kAll,
       {"tcp_options_malformed"}},
      {"tcp option past the header",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0, {}, {.options = u8(1) + u8(1) + u8(8) + u8(10)})),
       LinkType::kEthernet,
       kAll,
       {"tcp_options_malformed"}},
      {"udp 5 bytes",
       eth(0x0800) + ipv4(17, kIpA, kIpB, zeros(5)),
       LinkType::kEthernet,
       kAll,
       {"udp_truncated"}},
      {"udp length 4",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("abc"), 4)),
       LinkType::kEthernet,
       kAll,
       {"udp_bad_length"}},
      {"udp length past the datagram",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("abc"), 100)),
       LinkType::kEthernet,
       kAll,
       {"udp_bad_length"}},
      {"icmp 4 bytes",
       eth(0x0800) + ipv4(1, kIpA, kIpB, u8(8) + u8(0) + be16(0)),
       LinkType::kEthernet,
       kAll,
       {"icmp_truncated"}},
      {"icmpv6 4 bytes",
       eth(0x86dd) + ipv6(58, kIp6A, kIp6B, u8(128) + u8(0) + be16(0)),
       LinkType::kEthernet,
       kAll,
       {"icmpv6_truncated"}},
      {"gre 2 bytes",
       eth(0x0800) + ipv4(47, kIpA, kIpB, be16(0)),
       LinkType::kEthernet,
       kAll,
       {"gre_truncated"}},
      {"gre key bit without a key",
       eth(0x0800) + ipv4(47, kIpA, kIpB, be16(0x2000) + be16(0x0800)),
       LinkType::kEthernet,
       kAll,
       {"gre_truncated"}},
      {"gre ppp payload",
       eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x880b, zeros(4))),
       LinkType::kEthernet,
       kAll,
       {"gre_unsupported"}},
      {"gre routing bit",
       eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x0800, zeros(24), {.extra_flags = 0x4000})),
       LinkType::kEthernet,
       kAll,
       {"gre_unsupported"}},
      {"vxlan 4 bytes",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 4789, zeros(4))),
       LinkType::kEthernet,
       kAll,
       {"vxlan_truncated"}},
      {"five nested tunnels", too_deep(), LinkType::kEthernet, kAll, {"tunnel_too_deep"}},
      {"tcp payload cut",
       tcp_frame(),
       LinkType::kEthernet,
       tcp_frame().size() - 1,
       {"snaplen_cut", "l4_truncated"}},
      {"tcp options cut",
       eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kSyn, {}, {.options = syn_options()})),
       LinkType::kEthernet,
       14 + 20 + 20 + 6,
       {"snaplen_cut", "l4_truncated"}},
      {"sctp 8 bytes",
       eth(0x0800) + ipv4(132, kIpA, kIpB, zeros(8)),
       LinkType::kEthernet,
       kAll,
       {"sctp_truncated"}},
      {"raw ip version 5",
       ipv4(17, kIpA, kIpB, udp(1, 2, {}), {.version = 5}),
       LinkType::kRaw,
       kAll,
       {"ip_version_unknown"}},
      {"raw ip empty", {}, LinkType::kRawAlt, kAll, {"ip_version_unknown"}},
      {"null family 7",
       le32(7) + ipv4(17, kIpA, kIpB, udp(1, 2, {})),
       LinkType::kNull,
       kAll,
       {"null_unknown_family"}},
  };
}

TEST(Anomaly, EachCaseTriggersExactlyItsAnomalies) {
  for (const Case& c : cases()) {
    const auto d = decode_bytes(c.frame, c.link, c.captured);
    EXPECT_EQ(anomaly_names(d->anomalies), c.expected) << c.label;
  }
}

TEST(Anomaly, EveryAnomalyHasACase) {
  std::set<std::string> seen;
  for (const Case& c : cases()) seen.insert(c.expected.begin(), c.expected.end());
  for (int i = 0; i < kAnomalyCount; ++i) {
    const std::string name(anomaly_name(static_cast<Anomaly>(i)));
    EXPECT_TRUE(seen.count(name) == 1) << name << " has no test case";
  }
}

TEST(Anomaly, NamesAreUniqueSnakeCase) {
  std::set<std::string_view> names;
  for (int i = 0; i < kAnomalyCount; ++i) {
    const std::string_view name = anomaly_name(static_cast<Anomaly>(i));
    ASSERT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char ch) {
      return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    })) << name;
    EXPECT_NE(name, "unknown_anomaly");
  }
  EXPECT_EQ(anomaly_name(Anomaly::kCount), "unknown_anomaly");
}

TEST(Anomaly, NamesAreStable) {
  // These strings are part of the output formats: changing one is a breaking change.
  EXPECT_EQ(anomaly_name(Anomaly::kSnaplenCut), "snaplen_cut");
  EXPECT_EQ(anomaly_name(Anomaly::kIpv4BadIhl), "ipv4_bad_ihl");
  EXPECT_EQ(anomaly_name(Anomaly::kIcmpv6Truncated), "icmpv6_truncated");
  EXPECT_EQ(anomaly_name(Anomaly::kL4Truncated), "l4_truncated");
  EXPECT_EQ(anomaly_name(Anomaly::kNullUnknownFamily), "null_unknown_family");
}

TEST(Anomaly, SetCountsAndBits) {
  AnomalySet s;
  EXPECT_FALSE(s.any());
  s.set(Anomaly::kTcpTruncated);
  s.set(Anomaly::kSnaplenCut);
  s.set(Anomaly::kTcpTruncated);
  EXPECT_EQ(s.count(), 2);
  EXPECT_TRUE(s.has(Anomaly::kSnaplenCut));
  EXPECT_FALSE(s.has(Anomaly::kUdpTruncated));
  EXPECT_EQ(s.bits(), (std::uint64_t{1} << static_cast<int>(Anomaly::kTcpTruncated)) | 1u);
}

TEST(Anomaly, DecodingKeepsWhatCameBeforeTheFault) {
  // A TCP header cut to 10 bytes: the IP layer is intact, the ports are not set.
  const auto d = decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, zeros(10)));
  EXPECT_EQ(d->net, NetLayer::kIpv4);
  EXPECT_EQ(d->src_ip, ip(kIpA));
  EXPECT_EQ(d->dst_ip, ip(kIpB));
  EXPECT_EQ(d->ip_proto, ipproto::kTcp);
  EXPECT_FALSE(d->has_ports);
  EXPECT_FALSE(d->has_l4);
  EXPECT_EQ(protocol_name(*d), "TCP");

  // Malformed TCP options: the header still counts.
  const auto o = decode_bytes(
      eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(7, 8, tcpflag::kSyn, {}, {.options = u8(2) + u8(3) + zeros(2)})));
  EXPECT_TRUE(o->has_ports);
  EXPECT_TRUE(o->has_l4);
  EXPECT_EQ(o->src_port, 7);
  EXPECT_EQ(o->tcp.flags, tcpflag::kSyn);
  EXPECT_FALSE(o->tcp.has_mss);

  // A bad data offset: ports and flags are read, the header is not used further.
  const auto b =
      decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(7, 8, tcpflag::kRst, {}, {.data_offset_words = 2})));
  EXPECT_TRUE(b->has_ports);
  EXPECT_FALSE(b->has_l4);
  EXPECT_EQ(b->tcp.flags, tcpflag::kRst);

  // A truncated IPv4 header: the Ethernet layer is intact, the name comes from the ethertype.
  const auto e = decode_bytes(eth(0x0800) + zeros(12));
  EXPECT_TRUE(e->has_mac);
  EXPECT_EQ(e->src_mac, kMacA);
  EXPECT_EQ(e->net, NetLayer::kNone);
  EXPECT_EQ(e->ethertype, 0x0800);
  EXPECT_EQ(protocol_name(*e), "IPv4");

  // A bad UDP length still gives the ports.
  const auto u = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(9, 10, text("abc"), 100)));
  EXPECT_TRUE(u->has_ports);
  EXPECT_EQ(u->dst_port, 10);
  EXPECT_EQ(payload_of(*u), text("abc"));

  // A cut IPv6 extension chain: the addresses stay, ip_proto is the header where decoding stopped.
  const auto x = decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, u8(17) + u8(3)));
  EXPECT_EQ(anomaly_names(x->anomalies), Names{"ipv6_ext_truncated"});
  EXPECT_EQ(x->src_ip, ip(kIp6A));
  EXPECT_EQ(x->ip_proto, ipproto::kHopByHop);
}

}  // namespace
}  // namespace nta::test

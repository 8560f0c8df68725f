// Truncation sweeps: every valid frame cut at every length from 0 to its size decodes without reading
// past the captured bytes (the copies are exact-size heap buffers, so the ASan build catches any
// over-read) and reports a truncation anomaly, never a "bad field" one. Plus random and mutated
// input, checking the view's invariants.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "frame_builder.h"

namespace nta::test {
namespace {

struct Sample {
  std::string label;
  Bytes frame;
  LinkType link = LinkType::kEthernet;
};

std::vector<Sample> samples() {
  const Bytes tcp_syn = tcp(40000, 443, tcpflag::kSyn, text("x"), {.options = syn_options()});
  const Bytes inner = ipv4(6, kIpC, kIpD, tcp_syn);
  const Bytes ip_opts = u8(0x94) + u8(4) + be16(0) + u8(1) + u8(1) + u8(1) + u8(0);
  return {
      {"eth ipv4(options) tcp(options)", eth(0x0800) + ipv4(6, kIpA, kIpB, tcp_syn, {.options = ip_opts})},
      {"eth ipv4 udp", eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 53, text("query")))},
      {"eth ipv4 icmp", eth(0x0800) + ipv4(1, kIpA, kIpB, icmp(8, 0, 1, 2, text("ping")))},
      {"eth ipv4 sctp", eth(0x0800) + ipv4(132, kIpA, kIpB, sctp(1, 2, zeros(4)))},
      {"eth ipv6 icmpv6", eth(0x86dd) + ipv6(58, kIp6A, kIp6B, icmp(128, 0, 1, 2, text("ping")))},
      {"eth ipv6 ext chain tcp",
       eth(0x86dd) + ipv6(0, kIp6A, kIp6B,
                          ipv6_opts(43) + ipv6_routing(44) + ipv6_frag(60, 0, true, 1) + ipv6_opts(51) +
                              ipv6_ah(6) + tcp_syn)},
      {"eth arp", eth(0x0806) + arp(1, kMacA, kIpA, Mac{}, kIpB)},
      {"eth qinq ipv4 udp",
       eth(0x88a8) + vlan_tag(1, 0x8100) + vlan_tag(2, 0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("v")))},
      {"eth mpls ipv4 tcp", eth(0x8847) + mpls(1, false) + mpls(2, true) + ipv4(6, kIpA, kIpB, tcp_syn)},
      {"eth mpls ipv6 udp", eth(0x8847) + mpls(1, true) + ipv6(17, kIp6A, kIp6B, udp(1, 2, text("v")))},
      {"eth ipv4 first fragment udp",
       eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, zeros(16), 4000), {.frag = 0x2000})},
      {"sll ipv4 udp", sll(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("v"))), LinkType::kLinuxSll},
      {"sll2 ipv6 tcp", sll2(0x86dd) + ipv6(6, kIp6A, kIp6B, tcp_syn), LinkType::kLinuxSll2},
      {"raw ipv4 tcp", ipv4(6, kIpA, kIpB, tcp_syn), LinkType::kRaw},
      {"raw ipv6 udp", ipv6(17, kIp6A, kIp6B, udp(1, 2, text("v"))), LinkType::kRawAlt},
      {"ipv4 link", ipv4(17, kIpA, kIpB, udp(1, 2, text("v"))), LinkType::kIpv4},
      {"ipv6 link", ipv6(17, kIp6A, kIp6B, udp(1, 2, text("v"))), LinkType::kIpv6},
      {"null le ipv4", le32(2) + ipv4(17, kIpA, kIpB, udp(1, 2, text("v"))), LinkType::kNull},
      {"loop ipv6", be32(24) + ipv6(6, kIp6A, kIp6B, tcp_syn), LinkType::kLoop},
      {"gre plain", eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x0800, inner))},
      {"gre key seq",
       eth(0x0800) +
           ipv4(47, kIpA, kIpB, gre(0x0800, inner, {.key = 1, .has_key = true, .seq = 2, .has_seq = true}))},
      {"gre ethernet",
       eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x6558, eth(0x8100) + vlan_tag(3, 0x0800) + inner))},
      {"vxlan", eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 4789, vxlan(7) + eth(0x0800) + inner))},
      {"ip in ip", eth(0x0800) + ipv4(4, kIpA, kIpB, inner)},
      {"ipv6 in ipv4", eth(0x0800) + ipv4(41, kIpA, kIpB, ipv6(17, kIp6A, kIp6B, udp(1, 2, text("v"))))},
  };
}

const std::set<std::string>& truncation_class() {
  static const std::set<std::string> names{
      "ethernet_truncated", "vlan_truncated", "mpls_truncated",    "sll_truncated",      "null_truncated",
      "arp_truncated",      "ipv4_truncated", "ipv6_truncated",    "ipv6_ext_truncated", "tcp_truncated",
      "udp_truncated",      "icmp_truncated", "icmpv6_truncated",  "gre_truncated",      "vxlan_truncated",
      "l4_truncated",       "sctp_truncated", "ip_version_unknown" /* an empty raw-IP frame */};
  return names;
}

TEST(Truncation, EveryCutIsATruncationAnomaly) {
  for (const Sample& s : samples()) {
    const auto whole = decode_bytes(s.frame, s.link);
    EXPECT_FALSE(whole->anomalies.any())
        << s.label << ": " << ::testing::PrintToString(anomaly_names(whole->anomalies));
    for (std::size_t len = 0; len < s.frame.size(); ++len) {
      const auto d = decode_bytes(s.frame, s.link, len);
      const Names names = anomaly_names(d->anomalies);
      SCOPED_TRACE(s.label + " cut at " + std::to_string(len) + ": " + ::testing::PrintToString(names));
      ASSERT_TRUE(d->anomalies.has(Anomaly::kSnaplenCut));
      int truncations = 0;
      for (const std::string& n : names) {
        if (n == "snaplen_cut") continue;
        ASSERT_TRUE(truncation_class().count(n) == 1) << "unexpected " << n;
        ++truncations;
      }
      EXPECT_GE(truncations, 1);
      EXPECT_LE(d->l4_payload.size(), d->l4_payload_len);
    }
  }
}

TEST(Truncation, EthernetIpv4TcpKeepsEachLayerDecodedBeforeTheCut) {
  const Bytes ip_opts = u8(1) + u8(1) + u8(1) + u8(0);  // 4 bytes of IPv4 options
  const Bytes frame =
      eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kSyn, text("payload"), {.options = syn_options()}),
                         {.options = ip_opts});
  constexpr std::size_t kIp = 14, kIpOpts = 34, kTcp = 38, kTcpOpts = 58, kPayload = 78;
  ASSERT_EQ(frame.size(), kPayload + 7);
  for (std::size_t len = 0; len < frame.size(); ++len) {
    const auto d = decode_bytes(frame, LinkType::kEthernet, len);
    const Names names = anomaly_names(d->anomalies);
    SCOPED_TRACE("cut at " + std::to_string(len));
    if (len < kIp) {
      EXPECT_EQ(names, (Names{"snaplen_cut", "ethernet_truncated"}));
      EXPECT_FALSE(d->has_mac);
    } else if (len < kTcp) {
      EXPECT_EQ(names, (Names{"snaplen_cut", "ipv4_truncated"}));
      EXPECT_TRUE(d->has_mac);
      EXPECT_EQ(d->net, len < kIpOpts ? NetLayer::kNone : NetLayer::kIpv4);
    } else if (len < kTcpOpts) {
      EXPECT_EQ(names, (Names{"snaplen_cut", "tcp_truncated"}));
      EXPECT_EQ(d->src_ip, ip(kIpA));
      EXPECT_FALSE(d->has_ports);
    } else {
      EXPECT_EQ(names, (Names{"snaplen_cut", "l4_truncated"}));
      EXPECT_TRUE(d->has_ports);
      EXPECT_EQ(d->tcp.flags, tcpflag::kSyn);
      EXPECT_EQ(d->has_l4, len >= kPayload);
      EXPECT_EQ(d->tcp.has_mss, len >= kTcpOpts + 4);
      EXPECT_EQ(d->l4_payload.size(), len >= kPayload ? len - kPayload : 0);
    }
  }
}

// The view's invariants on any input: spans inside the captured bytes, counts within their arrays,
// a non-empty protocol name.
void check_invariants(const Decoded& d) {
  const PacketView& v = d.view;
  if (!v.l4_payload.empty()) {
    ASSERT_GE(v.l4_payload.data(), d.bytes.get());
    ASSERT_LE(v.l4_payload.data() + v.l4_payload.size(), d.bytes.get() + d.size);
  }
  ASSERT_LE(v.l4_payload.size(), v.l4_payload_len);
  ASSERT_LE(v.vlan_count, v.vlan_ids.size());
  ASSERT_LE(v.tunnel_depth, 4);
  ASSERT_FALSE(protocol_name(v).empty());
  if (v.has_ports) {
    ASSERT_TRUE(v.net == NetLayer::kIpv4 || v.net == NetLayer::kIpv6);
  }
}

TEST(Truncation, RandomBytesOnEveryLinkType) {
  const LinkType links[] = {LinkType::kNull,   LinkType::kEthernet, LinkType::kRaw,
                            LinkType::kRawAlt, LinkType::kLoop,     LinkType::kLinuxSll,
                            LinkType::kIpv4,   LinkType::kIpv6,     LinkType::kLinuxSll2};
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    Bytes frame(rng() % 200);
    for (auto& b : frame) b = static_cast<std::uint8_t>(rng());
    // Make the first bytes plausible often enough to get past the link layer.
    if (frame.size() > 14 && (i & 1)) {
      frame[12] = 0x08;
      frame[13] = 0x00;
      frame[14] = static_cast<std::uint8_t>(0x40 | (frame[14] & 0x0f));
    }
    const auto d = decode_bytes(frame, links[static_cast<std::size_t>(i) % std::size(links)],
                                rng() % 4 == 0 ? frame.size() / 2 : frame.size());
    check_invariants(d);
  }
}

TEST(Truncation, MutatedValidFrames) {
  std::mt19937 rng(777);
  const auto all = samples();
  for (int i = 0; i < 30000; ++i) {
    const Sample& s = all[static_cast<std::size_t>(i) % all.size()];
    Bytes frame = s.frame;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) frame[rng() % frame.size()] = static_cast<std::uint8_t>(rng());
    const std::size_t cut = rng() % 3 == 0 ? rng() % (frame.size() + 1) : frame.size();
    const auto d = decode_bytes(frame, s.link, cut);
    check_invariants(d);
  }
}

}  // namespace
}  // namespace nta::test

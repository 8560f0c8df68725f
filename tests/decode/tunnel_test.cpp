// Tunnels: the inner packet is the analysed one; the outer addresses are kept in outer_*.
#include <gtest/gtest.h>

#include "frame_builder.h"

namespace nta::test {
namespace {

Bytes inner_tcp() {
  return ipv4(6, kIpC, kIpD, tcp(40000, 80, tcpflag::kSyn, {}, {.options = syn_options()}));
}

void expect_inner_tcp(const PacketView& v) {
  EXPECT_EQ(v.net, NetLayer::kIpv4);
  EXPECT_EQ(v.src_ip, ip(kIpC));
  EXPECT_EQ(v.dst_ip, ip(kIpD));
  EXPECT_EQ(v.ip_proto, ipproto::kTcp);
  EXPECT_TRUE(v.has_ports);
  EXPECT_EQ(v.src_port, 40000);
  EXPECT_EQ(v.dst_port, 80);
  EXPECT_EQ(v.tcp.mss, 1460);
  EXPECT_EQ(v.outer_src_ip, ip(kIpA));
  EXPECT_EQ(v.outer_dst_ip, ip(kIpB));
  EXPECT_EQ(protocol_name(v), "TCP");
}

TEST(Tunnel, PlainGre) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x0800, inner_tcp())));
  EXPECT_FALSE(d->anomalies.any()) << ::testing::PrintToString(anomaly_names(d->anomalies));
  EXPECT_EQ(d->tunnel, TunnelKind::kGre);
  EXPECT_EQ(d->tunnel_depth, 1);
  expect_inner_tcp(*d);
}

TEST(Tunnel, GreWithChecksumKeyAndSequence) {
  const Bytes g =
      gre(0x0800, inner_tcp(), {.checksum = true, .key = 42, .has_key = true, .seq = 7, .has_seq = true});
  ASSERT_EQ(g.size(), 16 + inner_tcp().size());
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB, g));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kGre);
  expect_inner_tcp(*d);
}

TEST(Tunnel, GreIpv6Payload) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB,
                                                 gre(0x86dd, ipv6(17, kIp6A, kIp6B, udp(1, 2, text("x"))),
                                                     {.key = 1, .has_key = true})));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kGre);
  EXPECT_EQ(d->net, NetLayer::kIpv6);
  EXPECT_EQ(d->src_ip, ip(kIp6A));
  EXPECT_EQ(d->outer_src_ip, ip(kIpA));
  EXPECT_EQ(d->dst_port, 2);
}

TEST(Tunnel, GreTransparentEthernet) {
  const Bytes inner = eth(0x8100, kMacD, kMacC) + vlan_tag(55, 0x0800) + inner_tcp();
  const auto d = decode_bytes(eth(0x8100) + vlan_tag(10, 0x0800) + ipv4(47, kIpA, kIpB, gre(0x6558, inner)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kGre);
  expect_inner_tcp(*d);
  // Layer 2 describes the innermost Ethernet header.
  EXPECT_EQ(d->src_mac, kMacC);
  EXPECT_EQ(d->dst_mac, kMacD);
  EXPECT_EQ(d->vlan_count, 1);
  EXPECT_EQ(d->vlan_ids[0], 55);
}

TEST(Tunnel, GreUnsupportedPayloadKeepsTheOuterPacket) {
  // Aruba's GRE protocol 0x8200 carries 802.11 frames.
  const Bytes wifi = be16(0x0801) + zeros(30);
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x8200, wifi)));
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"gre_unsupported"});
  EXPECT_EQ(d->tunnel, TunnelKind::kNone);
  EXPECT_EQ(d->net, NetLayer::kIpv4);
  EXPECT_EQ(d->src_ip, ip(kIpA));
  EXPECT_EQ(d->dst_ip, ip(kIpB));
  EXPECT_EQ(d->ip_proto, ipproto::kGre);
  EXPECT_FALSE(d->has_ports);
  EXPECT_EQ(payload_of(*d), wifi);
  EXPECT_EQ(protocol_name(*d), "GRE");
}

TEST(Tunnel, GreVersionOneIsUnsupported) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x880b, zeros(8), {.extra_flags = 1})));
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"gre_unsupported"});
  EXPECT_EQ(d->tunnel, TunnelKind::kNone);
  EXPECT_EQ(d->ip_proto, ipproto::kGre);
}

TEST(Tunnel, Vxlan) {
  const Bytes inner = eth(0x0800, kMacD, kMacC) + inner_tcp();
  const auto d = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(51234, 4789, vxlan(0x123456) + inner)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kVxlan);
  EXPECT_EQ(d->tunnel_depth, 1);
  EXPECT_EQ(d->vxlan_vni, 0x123456u);
  EXPECT_EQ(d->src_mac, kMacC);
  expect_inner_tcp(*d);
}

TEST(Tunnel, VxlanWithoutIFlagIsPlainUdp) {
  const Bytes body = vxlan(5, 0x00) + eth(0x0800) + inner_tcp();
  const auto d = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 4789, body)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kNone);
  EXPECT_EQ(d->ip_proto, ipproto::kUdp);
  EXPECT_EQ(d->dst_port, 4789);
  EXPECT_EQ(d->l4_payload.size(), body.size());
}

TEST(Tunnel, VxlanCarryingArp) {
  const auto d = decode_bytes(
      eth(0x0800) +
      ipv4(17, kIpA, kIpB, udp(1, 4789, vxlan(9) + eth(0x0806) + arp(1, kMacC, kIpC, Mac{}, kIpD))));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kVxlan);
  EXPECT_EQ(d->net, NetLayer::kArp);
  EXPECT_EQ(d->src_ip, ip(kIpC));
  EXPECT_FALSE(d->has_ports);  // the outer UDP ports do not leak into the inner ARP packet
  EXPECT_EQ(d->src_port, 0);
  EXPECT_EQ(d->ip_proto, 0);
  EXPECT_EQ(d->outer_dst_ip, ip(kIpB));
}

TEST(Tunnel, IpInIp) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(4, kIpA, kIpB, inner_tcp()));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kIpInIp);
  expect_inner_tcp(*d);
}

TEST(Tunnel, Ipv6InIpv4) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(41, kIpA, kIpB, ipv6(58, kIp6A, kIp6B, icmp(128, 0, 1, 2))));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kIpInIp);
  EXPECT_EQ(d->net, NetLayer::kIpv6);
  EXPECT_EQ(d->ethertype, 0x86dd);  // the analysed packet's network layer
  EXPECT_EQ(d->icmp.type, 128);
  EXPECT_EQ(d->outer_src_ip, ip(kIpA));
}

TEST(Tunnel, Ipv4InIpv6) {
  const auto d = decode_bytes(eth(0x86dd) + ipv6(4, kIp6A, kIp6B, inner_tcp()));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kIpInIp);
  EXPECT_EQ(d->src_ip, ip(kIpC));
  EXPECT_EQ(d->outer_src_ip, ip(kIp6A));
  EXPECT_EQ(d->outer_dst_ip, ip(kIp6B));
}

TEST(Tunnel, NestedTunnelsKeepTheOutermostAddresses) {
  // IPv4 -> GRE -> IPv4 (C->D) -> IP-in-IP -> TCP packet (C->D).
  const Bytes middle = ipv4(4, kIpD, kIpC, inner_tcp());
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x0800, middle)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kGre);
  EXPECT_EQ(d->tunnel_depth, 2);
  expect_inner_tcp(*d);
}

TEST(Tunnel, TooDeepStopsAtTheLimit) {
  // Five IP-in-IP layers around a TCP packet: four are followed, the fifth is not.
  Bytes pkt = inner_tcp();
  for (int i = 0; i < 5; ++i) pkt = ipv4(4, kIpA, kIpB, pkt);
  const auto d = decode_bytes(eth(0x0800) + pkt);
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"tunnel_too_deep"});
  EXPECT_EQ(d->tunnel, TunnelKind::kIpInIp);
  EXPECT_EQ(d->tunnel_depth, 4);
  EXPECT_EQ(d->net, NetLayer::kIpv4);
  EXPECT_EQ(d->ip_proto, ipproto::kIpInIp);  // the fifth-level packet, not followed
  EXPECT_FALSE(d->has_ports);
  EXPECT_EQ(d->l4_payload.size(), inner_tcp().size());
  EXPECT_EQ(protocol_name(*d), "IPv4");

  // Four layers are fine.
  Bytes ok = inner_tcp();
  for (int i = 0; i < 4; ++i) ok = ipv4(4, kIpA, kIpB, ok);
  const auto four = decode_bytes(eth(0x0800) + ok);
  EXPECT_FALSE(four->anomalies.any());
  EXPECT_EQ(four->tunnel_depth, 4);
  EXPECT_EQ(four->dst_port, 80);
}

TEST(Tunnel, BrokenInnerPacketKeepsTheOuterOne) {
  // GRE says IPv4 but carries 10 bytes: the analysed packet stays the outer GRE one.
  const auto d = decode_bytes(eth(0x0800) + ipv4(47, kIpA, kIpB, gre(0x0800, zeros(10))));
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"ipv4_truncated"});
  EXPECT_EQ(d->tunnel, TunnelKind::kNone);
  EXPECT_EQ(d->src_ip, ip(kIpA));
  EXPECT_EQ(d->ip_proto, ipproto::kGre);
  EXPECT_EQ(d->l4_payload.size(), 10u);
}

TEST(Tunnel, BrokenInnerEthernetKeepsTheOuterLayer2) {
  // GRE carrying Ethernet whose IPv4 header is cut: MACs, tags and ethertype stay the outer ones.
  const Bytes inner = eth(0x8100, kMacD, kMacC) + vlan_tag(55, 0x0800) + zeros(12);
  const auto d = decode_bytes(eth(0x8100) + vlan_tag(10, 0x0800) + ipv4(47, kIpA, kIpB, gre(0x6558, inner)));
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"ipv4_truncated"});
  EXPECT_EQ(d->tunnel, TunnelKind::kNone);
  EXPECT_EQ(d->src_mac, kMacA);
  EXPECT_EQ(d->dst_mac, kMacB);
  EXPECT_EQ(d->vlan_count, 1);
  EXPECT_EQ(d->vlan_ids[0], 10);
  EXPECT_EQ(d->ethertype, 0x0800);
  EXPECT_EQ(d->ip_proto, ipproto::kGre);
  EXPECT_EQ(d->l4_payload.size(), inner.size());

  // The same through VXLAN: the outer UDP datagram stays, without a VNI.
  const auto v = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 4789, vxlan(77) + zeros(10))));
  EXPECT_EQ(anomaly_names(v->anomalies), Names{"ethernet_truncated"});
  EXPECT_EQ(v->tunnel, TunnelKind::kNone);
  EXPECT_EQ(v->vxlan_vni, 0u);
  EXPECT_EQ(v->src_mac, kMacA);
  EXPECT_EQ(v->dst_port, 4789);
}

TEST(Tunnel, FragmentedTunnelIsNotFollowed) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(4, kIpA, kIpB, inner_tcp(), {.frag = 0x2000}));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tunnel, TunnelKind::kNone);
  EXPECT_TRUE(d->is_first_fragment);
  EXPECT_EQ(d->ip_proto, ipproto::kIpInIp);
}

}  // namespace
}  // namespace nta::test

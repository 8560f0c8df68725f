// Per-protocol decoding: each test writes a frame byte by byte and checks the decoded fields.
#include <gtest/gtest.h>

#include "frame_builder.h"

namespace nta::test {
namespace {

TEST(Decoder, EthernetIpv4TcpWithAllOptions) {
  // MSS, SACK permitted, timestamps, NOP, window scale, then NOP NOP + a SACK block (32 bytes).
  const Bytes opts =
      syn_options(0xa1b2c3d4, 0x0badf00d) + u8(1) + u8(1) + u8(5) + u8(10) + be32(5000) + be32(6000);
  const Bytes payload = text("hello");
  const Bytes frame =
      eth(0x0800) + ipv4(6, kIpA, kIpB,
                         tcp(51000, 443, tcpflag::kSyn | tcpflag::kAck, payload,
                             {.seq = 0x11223344, .ack = 0x55667788, .window = 29200, .options = opts}),
                         {.id = 0xbeef, .ttl = 63, .tos = 0x28});
  const auto d = decode_bytes(frame);
  const PacketView& v = *d;
  EXPECT_FALSE(v.anomalies.any()) << ::testing::PrintToString(anomaly_names(v.anomalies));
  EXPECT_EQ(v.ts.ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(v.wire_len, frame.size());
  EXPECT_EQ(v.cap_len, frame.size());
  EXPECT_TRUE(v.has_mac);
  EXPECT_EQ(v.src_mac, kMacA);
  EXPECT_EQ(v.dst_mac, kMacB);
  EXPECT_EQ(v.ethertype, 0x0800);
  EXPECT_EQ(v.net, NetLayer::kIpv4);
  EXPECT_EQ(v.src_ip, ip(kIpA));
  EXPECT_EQ(v.dst_ip, ip(kIpB));
  EXPECT_EQ(v.ip_proto, ipproto::kTcp);
  EXPECT_EQ(v.ttl, 63);
  EXPECT_EQ(v.tos, 0x28);
  EXPECT_EQ(v.ip_id, 0xbeef);
  EXPECT_EQ(v.ip_len, 20 + 52 + 5);
  EXPECT_FALSE(v.is_fragment);
  EXPECT_TRUE(v.has_ports);
  EXPECT_TRUE(v.has_l4);
  EXPECT_EQ(v.src_port, 51000);
  EXPECT_EQ(v.dst_port, 443);
  EXPECT_EQ(v.tcp.seq, 0x11223344u);
  EXPECT_EQ(v.tcp.ack, 0x55667788u);
  EXPECT_EQ(v.tcp.window, 29200);
  EXPECT_EQ(v.tcp.flags, tcpflag::kSyn | tcpflag::kAck);
  EXPECT_EQ(v.tcp.header_len, 52);
  EXPECT_TRUE(v.tcp.has_mss);
  EXPECT_EQ(v.tcp.mss, 1460);
  EXPECT_TRUE(v.tcp.has_window_scale);
  EXPECT_EQ(v.tcp.window_scale, 7);
  EXPECT_TRUE(v.tcp.sack_permitted);
  EXPECT_TRUE(v.tcp.has_sack);
  EXPECT_TRUE(v.tcp.has_timestamps);
  EXPECT_EQ(v.tcp.ts_val, 0xa1b2c3d4u);
  EXPECT_EQ(v.tcp.ts_ecr, 0x0badf00du);
  EXPECT_EQ(payload_of(v), payload);
  EXPECT_EQ(v.l4_payload_len, 5u);
  EXPECT_EQ(v.tunnel, TunnelKind::kNone);
  EXPECT_EQ(protocol_name(v), "TCP");
}

TEST(Decoder, TcpWithoutOptionsHasNoneSet) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kRst)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->tcp.header_len, 20);
  EXPECT_FALSE(d->tcp.has_mss);
  EXPECT_FALSE(d->tcp.has_window_scale);
  EXPECT_FALSE(d->tcp.sack_permitted);
  EXPECT_FALSE(d->tcp.has_timestamps);
  EXPECT_TRUE(d->l4_payload.empty());
}

TEST(Decoder, TcpTimestampsAfterTwoNops) {
  // The common layout after the handshake (a fast path in the decoder), and the same 12 bytes laid
  // out differently (the general option walk).
  const Bytes nop_nop_ts = u8(1) + u8(1) + u8(8) + u8(10) + be32(111) + be32(222);
  const auto d = decode_bytes(
      eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kAck, text("z"), {.options = nop_nop_ts})));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_TRUE(d->tcp.has_timestamps);
  EXPECT_EQ(d->tcp.ts_val, 111u);
  EXPECT_EQ(d->tcp.ts_ecr, 222u);
  EXPECT_FALSE(d->tcp.has_mss);
  EXPECT_EQ(payload_of(*d), text("z"));

  const Bytes ts_then_nops = u8(8) + u8(10) + be32(333) + be32(444) + u8(1) + u8(0);
  const auto e = decode_bytes(eth(0x0800) +
                              ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kAck, {}, {.options = ts_then_nops})));
  EXPECT_FALSE(e->anomalies.any());
  EXPECT_EQ(e->tcp.ts_val, 333u);
  EXPECT_EQ(e->tcp.ts_ecr, 444u);

  const Bytes mss_ws_nop = u8(2) + u8(4) + be16(536) + u8(3) + u8(3) + u8(2) + u8(1) + zeros(4);
  const auto f =
      decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kSyn, {}, {.options = mss_ws_nop})));
  EXPECT_FALSE(f->anomalies.any());
  EXPECT_FALSE(f->tcp.has_timestamps);
  EXPECT_EQ(f->tcp.mss, 536);
  EXPECT_EQ(f->tcp.window_scale, 2);
}

TEST(Decoder, Ipv4OptionsAreSkipped) {
  // Router alert (4 bytes) + NOP padding to 8 bytes of options.
  const Bytes opts = u8(0x94) + u8(4) + be16(0) + u8(1) + u8(1) + u8(1) + u8(0);
  const auto d =
      decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(5353, 5353, text("x")), {.options = opts}));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->src_port, 5353);
  EXPECT_EQ(payload_of(*d), text("x"));
}

TEST(Decoder, UdpDns) {
  const Bytes query =
      be16(0xabcd) + be16(0x0100) + be16(1) + zeros(6) + u8(3) + text("www") + u8(0) + be16(1) + be16(1);
  const auto d = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(40000, 53, query)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->ip_proto, ipproto::kUdp);
  EXPECT_TRUE(d->has_ports);
  EXPECT_TRUE(d->has_l4);
  EXPECT_EQ(d->src_port, 40000);
  EXPECT_EQ(d->dst_port, 53);
  EXPECT_EQ(payload_of(*d), query);
  EXPECT_EQ(d->l4_payload_len, query.size());
  EXPECT_EQ(protocol_name(*d), "UDP");
}

TEST(Decoder, UdpLengthShorterThanIpPayloadBoundsThePayload) {
  // UDP says 8 + 3 bytes; the IP datagram carries 2 more (allowed: trailing bytes are not payload).
  const auto d = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("abcde"), 11)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(payload_of(*d), text("abc"));
  EXPECT_EQ(d->l4_payload_len, 3u);
}

TEST(Decoder, IcmpEcho) {
  const auto req = decode_bytes(eth(0x0800) + ipv4(1, kIpA, kIpB, icmp(8, 0, 0x4242, 7, text("ping"))));
  EXPECT_FALSE(req->anomalies.any());
  EXPECT_EQ(req->ip_proto, ipproto::kIcmp);
  EXPECT_TRUE(req->has_l4);
  EXPECT_FALSE(req->has_ports);
  EXPECT_EQ(req->icmp.type, 8);
  EXPECT_EQ(req->icmp.code, 0);
  EXPECT_EQ(req->icmp.id, 0x4242);
  EXPECT_EQ(req->icmp.seq, 7);
  EXPECT_EQ(payload_of(*req), text("ping"));
  EXPECT_EQ(protocol_name(*req), "ICMP");

  const auto reply = decode_bytes(eth(0x0800) + ipv4(1, kIpB, kIpA, icmp(0, 0, 0x4242, 7)));
  EXPECT_EQ(reply->icmp.type, 0);
  EXPECT_EQ(reply->icmp.id, 0x4242);
  EXPECT_EQ(reply->icmp.seq, 7);
}

TEST(Decoder, IcmpNonEchoHasNoIdOrSeq) {
  // Destination unreachable, port unreachable; the "unused" word is non-zero to prove it is ignored.
  const auto d = decode_bytes(eth(0x0800) + ipv4(1, kIpA, kIpB, icmp(3, 3, 0x1111, 0x2222)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->icmp.type, 3);
  EXPECT_EQ(d->icmp.code, 3);
  EXPECT_EQ(d->icmp.id, 0);
  EXPECT_EQ(d->icmp.seq, 0);
}

TEST(Decoder, Icmpv6Echo) {
  const auto d =
      decode_bytes(eth(0x86dd) + ipv6(58, kIp6A, kIp6B, icmp(128, 0, 0x0101, 9, text("abc")), -1, 255));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->net, NetLayer::kIpv6);
  EXPECT_EQ(d->ethertype, 0x86dd);
  EXPECT_EQ(d->src_ip, ip(kIp6A));
  EXPECT_EQ(d->dst_ip, ip(kIp6B));
  EXPECT_EQ(d->ttl, 255);
  EXPECT_EQ(d->tos, 0xb8);
  EXPECT_EQ(d->ip_len, 40 + 11);
  EXPECT_EQ(d->ip_proto, ipproto::kIcmpv6);
  EXPECT_EQ(d->icmp.type, 128);
  EXPECT_EQ(d->icmp.id, 0x0101);
  EXPECT_EQ(d->icmp.seq, 9);
  EXPECT_EQ(payload_of(*d), text("abc"));
  EXPECT_EQ(protocol_name(*d), "ICMPv6");

  const auto reply = decode_bytes(eth(0x86dd) + ipv6(58, kIp6B, kIp6A, icmp(129, 0, 0x0101, 9)));
  EXPECT_EQ(reply->icmp.type, 129);
  EXPECT_EQ(reply->icmp.seq, 9);
}

TEST(Decoder, Ipv6Tcp) {
  const auto d =
      decode_bytes(eth(0x86dd) + ipv6(6, kIp6A, kIp6B, tcp(1234, 80, tcpflag::kAck, text("GET /"))));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->ip_proto, ipproto::kTcp);
  EXPECT_EQ(d->src_port, 1234);
  EXPECT_EQ(d->dst_port, 80);
  EXPECT_EQ(payload_of(*d), text("GET /"));
}

TEST(Decoder, SctpPorts) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(132, kIpA, kIpB, sctp(2905, 2906, zeros(16))));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->ip_proto, ipproto::kSctp);
  EXPECT_TRUE(d->has_ports);
  EXPECT_EQ(d->src_port, 2905);
  EXPECT_EQ(d->dst_port, 2906);
  EXPECT_EQ(d->l4_payload.size(), 16u);
  EXPECT_EQ(protocol_name(*d), "SCTP");
}

TEST(Decoder, OtherIpProtocolKeepsItsPayload) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(89, kIpA, kIpB, text("ospf-hello")));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->ip_proto, 89);
  EXPECT_FALSE(d->has_ports);
  EXPECT_FALSE(d->has_l4);
  EXPECT_EQ(payload_of(*d), text("ospf-hello"));
  EXPECT_EQ(protocol_name(*d), "OSPF");
}

TEST(Decoder, ArpRequestAndReply) {
  const auto req =
      decode_bytes(eth(0x0806, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) + arp(1, kMacA, kIpA, Mac{}, kIpB));
  EXPECT_FALSE(req->anomalies.any());
  EXPECT_EQ(req->net, NetLayer::kArp);
  EXPECT_EQ(req->ethertype, 0x0806);
  EXPECT_EQ(req->arp_op, 1);
  EXPECT_EQ(req->src_ip, ip(kIpA));
  EXPECT_EQ(req->dst_ip, ip(kIpB));
  EXPECT_EQ(req->arp_sender_mac, kMacA);
  EXPECT_EQ(req->arp_target_mac, Mac{});
  EXPECT_EQ(req->ip_proto, 0);
  EXPECT_FALSE(req->has_ports);
  EXPECT_EQ(protocol_name(*req), "ARP");

  // A reply in a minimum-size frame (18 bytes of padding after the 28-byte ARP body).
  const auto reply = decode_bytes(eth(0x0806, kMacA, kMacB) + arp(2, kMacB, kIpB, kMacA, kIpA) + zeros(18));
  EXPECT_FALSE(reply->anomalies.any());
  EXPECT_EQ(reply->arp_op, 2);
  EXPECT_EQ(reply->src_ip, ip(kIpB));
  EXPECT_EQ(reply->dst_ip, ip(kIpA));
  EXPECT_EQ(reply->arp_sender_mac, kMacB);
  EXPECT_EQ(reply->arp_target_mac, kMacA);
}

TEST(Decoder, Vlan8021q) {
  const auto d =
      decode_bytes(eth(0x8100) + vlan_tag(0x0123, 0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("v"))));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->vlan_count, 1);
  EXPECT_EQ(d->vlan_ids[0], 0x123);
  EXPECT_EQ(d->ethertype, 0x0800);
  EXPECT_EQ(d->net, NetLayer::kIpv4);
  EXPECT_EQ(d->dst_port, 2);
}

TEST(Decoder, VlanPriorityBitsAreNotPartOfTheId) {
  const auto d = decode_bytes(eth(0x8100) + vlan_tag(0xe00a, 0x86dd) + ipv6(59, kIp6A, kIp6B, {}));
  EXPECT_EQ(d->vlan_ids[0], 10);
  EXPECT_EQ(d->ip_proto, ipproto::kNoNext);
  EXPECT_EQ(protocol_name(*d), "IPv6-NoNxt");
}

TEST(Decoder, QinQ) {
  const auto d = decode_bytes(eth(0x88a8) + vlan_tag(100, 0x8100) + vlan_tag(200, 0x0800) +
                              ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kSyn)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->vlan_count, 2);
  EXPECT_EQ(d->vlan_ids[0], 100);
  EXPECT_EQ(d->vlan_ids[1], 200);
  EXPECT_EQ(d->ip_proto, ipproto::kTcp);
}

TEST(Decoder, ThreeVlanTagsAreKept) {
  const auto d = decode_bytes(eth(0x9100) + vlan_tag(1, 0x88a8) + vlan_tag(2, 0x8100) + vlan_tag(3, 0x0800) +
                              ipv4(17, kIpA, kIpB, udp(1, 2, {})));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->vlan_count, 3);
  EXPECT_EQ(d->vlan_ids[2], 3);
  EXPECT_EQ(d->dst_port, 2);
}

TEST(Decoder, Mpls) {
  const auto d = decode_bytes(eth(0x8847) + mpls(16, false) + mpls(17, false) + mpls(1000, true) +
                              ipv4(6, kIpA, kIpB, tcp(1, 179, tcpflag::kSyn)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->mpls_labels, 3);
  EXPECT_EQ(d->ethertype, 0x0800);
  EXPECT_EQ(d->net, NetLayer::kIpv4);
  EXPECT_EQ(d->dst_port, 179);
}

TEST(Decoder, MplsIpv6) {
  const auto d = decode_bytes(eth(0x8847) + mpls(20, true) + ipv6(17, kIp6A, kIp6B, udp(1, 2, {})));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->mpls_labels, 1);
  EXPECT_EQ(d->ethertype, 0x86dd);
  EXPECT_EQ(d->net, NetLayer::kIpv6);
}

TEST(Decoder, MplsPseudowireIsNotIp) {
  // Control word (first nibble 0) then an Ethernet frame: not followed, not an anomaly.
  const auto d = decode_bytes(eth(0x8847) + mpls(20, true) + be32(0) + eth(0x0800) + zeros(20));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->net, NetLayer::kOther);
  EXPECT_EQ(d->ethertype, 0x8847);
  EXPECT_EQ(protocol_name(*d), "MPLS");
}

TEST(Decoder, LinuxCookedV1) {
  const auto d =
      decode_bytes(sll(0x0800) + ipv4(17, kIpA, kIpB, udp(68, 67, zeros(10))), LinkType::kLinuxSll);
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_FALSE(d->has_mac);
  EXPECT_EQ(d->ethertype, 0x0800);
  EXPECT_EQ(d->src_ip, ip(kIpA));
  EXPECT_EQ(d->src_port, 68);
  EXPECT_EQ(d->dst_port, 67);
}

TEST(Decoder, LinuxCookedV2) {
  const auto d =
      decode_bytes(sll2(0x86dd) + ipv6(6, kIp6A, kIp6B, tcp(5, 6, tcpflag::kFin)), LinkType::kLinuxSll2);
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->net, NetLayer::kIpv6);
  EXPECT_EQ(d->src_port, 5);
  EXPECT_EQ(d->tcp.flags, tcpflag::kFin);
}

TEST(Decoder, LinuxCookedVlanAndArp) {
  const auto d =
      decode_bytes(sll(0x8100) + vlan_tag(7, 0x0806) + arp(1, kMacA, kIpA, Mac{}, kIpB), LinkType::kLinuxSll);
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->vlan_ids[0], 7);
  EXPECT_EQ(d->net, NetLayer::kArp);
}

TEST(Decoder, LinuxCookedSmallProtocolIsLlc) {
  // LINUX_SLL_P_802_2 (0x0004): an 802.2 LLC frame.
  const auto d = decode_bytes(sll(0x0004) + zeros(10), LinkType::kLinuxSll);
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->net, NetLayer::kOther);
  EXPECT_EQ(d->ethertype, 0);
  EXPECT_EQ(protocol_name(*d), "LLC");
}

TEST(Decoder, RawIpv4AndIpv6) {
  for (LinkType link : {LinkType::kRaw, LinkType::kRawAlt}) {
    const auto v4 = decode_bytes(ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kSyn)), link);
    EXPECT_FALSE(v4->anomalies.any());
    EXPECT_FALSE(v4->has_mac);
    EXPECT_EQ(v4->net, NetLayer::kIpv4);
    EXPECT_EQ(v4->ethertype, 0x0800);
    EXPECT_EQ(v4->dst_port, 2);

    const auto v6 = decode_bytes(ipv6(17, kIp6A, kIp6B, udp(3, 4, {})), link);
    EXPECT_FALSE(v6->anomalies.any());
    EXPECT_EQ(v6->net, NetLayer::kIpv6);
    EXPECT_EQ(v6->ethertype, 0x86dd);
    EXPECT_EQ(v6->dst_port, 4);
  }
}

TEST(Decoder, LinkTypeIpv4AndIpv6) {
  const auto v4 = decode_bytes(ipv4(17, kIpA, kIpB, udp(1, 2, {})), LinkType::kIpv4);
  EXPECT_FALSE(v4->anomalies.any());
  EXPECT_EQ(v4->net, NetLayer::kIpv4);
  const auto v6 = decode_bytes(ipv6(17, kIp6A, kIp6B, udp(1, 2, {})), LinkType::kIpv6);
  EXPECT_FALSE(v6->anomalies.any());
  EXPECT_EQ(v6->net, NetLayer::kIpv6);
  // LINKTYPE_IPV4 carrying an IPv6 packet is a bad IPv4 version, not a guess.
  const auto wrong = decode_bytes(ipv6(17, kIp6A, kIp6B, udp(1, 2, {})), LinkType::kIpv4);
  EXPECT_EQ(anomaly_names(wrong->anomalies), Names{"ipv4_bad_version"});
  EXPECT_EQ(wrong->net, NetLayer::kNone);
}

TEST(Decoder, BsdLoopbackBothByteOrders) {
  const Bytes v4 = ipv4(17, kIpA, kIpB, udp(1, 2, {}));
  const Bytes v6 = ipv6(17, kIp6A, kIp6B, udp(1, 2, {}));
  // DLT_NULL: host order of the capturer (little- or big-endian), every AF_INET6 value.
  for (const Bytes& af : {le32(2), be32(2)}) {
    const auto d = decode_bytes(af + v4, LinkType::kNull);
    EXPECT_FALSE(d->anomalies.any());
    EXPECT_EQ(d->net, NetLayer::kIpv4);
    EXPECT_EQ(d->ethertype, 0x0800);
  }
  for (std::uint32_t af6 : {10u, 24u, 28u, 30u}) {
    for (const Bytes& af : {le32(af6), be32(af6)}) {
      const auto d = decode_bytes(af + v6, LinkType::kNull);
      EXPECT_FALSE(d->anomalies.any()) << af6;
      EXPECT_EQ(d->net, NetLayer::kIpv6) << af6;
    }
  }
  // DLT_LOOP: network order only.
  const auto loop4 = decode_bytes(be32(2) + v4, LinkType::kLoop);
  EXPECT_EQ(loop4->net, NetLayer::kIpv4);
  const auto loop6 = decode_bytes(be32(24) + v6, LinkType::kLoop);
  EXPECT_EQ(loop6->net, NetLayer::kIpv6);
  const auto loop_le = decode_bytes(le32(2) + v4, LinkType::kLoop);
  EXPECT_EQ(anomaly_names(loop_le->anomalies), Names{"null_unknown_family"});
  EXPECT_EQ(loop_le->net, NetLayer::kNone);
}

TEST(Decoder, Ipv4FirstFragmentIsDecodedToTransport) {
  // MF set, offset 0: the UDP header is here; its length covers the whole datagram (not this fragment).
  const auto d = decode_bytes(
      eth(0x0800) + ipv4(17, kIpA, kIpB, udp(53, 3333, zeros(32), 8 + 2000), {.frag = 0x2000, .id = 77}));
  EXPECT_FALSE(d->anomalies.any()) << ::testing::PrintToString(anomaly_names(d->anomalies));
  EXPECT_TRUE(d->is_fragment);
  EXPECT_TRUE(d->is_first_fragment);
  EXPECT_EQ(d->ip_id, 77);
  EXPECT_TRUE(d->has_ports);
  EXPECT_EQ(d->src_port, 53);
  EXPECT_EQ(d->l4_payload.size(), 32u);
  EXPECT_EQ(d->l4_payload_len, 32u);
}

TEST(Decoder, Ipv4LaterFragmentHasNoTransport) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(17, kIpA, kIpB, zeros(40), {.frag = 185, .id = 77}));
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"ipv4_fragment"});
  EXPECT_TRUE(d->is_fragment);
  EXPECT_FALSE(d->is_first_fragment);
  EXPECT_EQ(d->net, NetLayer::kIpv4);
  EXPECT_EQ(d->src_ip, ip(kIpA));
  EXPECT_EQ(d->ip_proto, ipproto::kUdp);
  EXPECT_FALSE(d->has_ports);
  EXPECT_FALSE(d->has_l4);
  EXPECT_EQ(protocol_name(*d), "UDP");
}

TEST(Decoder, Ipv4DontFragmentIsNotAFragment) {
  const auto d = decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, 0), {.frag = 0x4000}));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_TRUE(d->dont_fragment);
  EXPECT_FALSE(d->is_fragment);
}

TEST(Decoder, EthernetPaddingIsNotPayload) {
  // 20 + 8 + 2 = 30 bytes of IP in a 60-byte frame: 16 bytes of padding follow.
  const Bytes frame = eth(0x0800) + ipv4(17, kIpA, kIpB, udp(1, 2, text("hi"))) + Bytes(16, 0xee);
  ASSERT_EQ(frame.size(), 60u);
  const auto d = decode_bytes(frame);
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(payload_of(*d), text("hi"));
  // The same with TCP, whose payload length comes only from the IP total length.
  const auto t =
      decode_bytes(eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kAck, text("ab"))) + zeros(4));
  EXPECT_FALSE(t->anomalies.any());
  EXPECT_EQ(payload_of(*t), text("ab"));
  EXPECT_EQ(t->l4_payload_len, 2u);
  // And IPv6: the payload length bounds the transport.
  const auto v6 = decode_bytes(eth(0x86dd) + ipv6(6, kIp6A, kIp6B, tcp(1, 2, tcpflag::kAck)) + zeros(6));
  EXPECT_FALSE(v6->anomalies.any());
  EXPECT_TRUE(v6->l4_payload.empty());
}

TEST(Decoder, Ipv6ExtensionHeaderChain) {
  // hop-by-hop -> routing -> fragment (first) -> destination options -> AH -> TCP.
  const Bytes chain = ipv6_opts(43) + ipv6_routing(44) + ipv6_frag(60, 0, true, 0xcafe0102) +
                      ipv6_opts(51, 2) + ipv6_ah(6) +
                      tcp(22, 50000, tcpflag::kPsh | tcpflag::kAck, text("SSH-2.0"));
  const auto d = decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, chain));
  EXPECT_FALSE(d->anomalies.any()) << ::testing::PrintToString(anomaly_names(d->anomalies));
  EXPECT_EQ(d->ip_proto, ipproto::kTcp);
  EXPECT_TRUE(d->is_fragment);
  EXPECT_TRUE(d->is_first_fragment);
  EXPECT_EQ(d->ip_id, 0x0102);
  EXPECT_EQ(d->src_port, 22);
  EXPECT_EQ(d->dst_port, 50000);
  EXPECT_EQ(payload_of(*d), text("SSH-2.0"));
  EXPECT_EQ(d->ip_len, 40 + chain.size());
}

TEST(Decoder, Ipv6LaterFragment) {
  const auto d =
      decode_bytes(eth(0x86dd) + ipv6(44, kIp6A, kIp6B, ipv6_frag(17, 181, false, 0x99) + zeros(24)));
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"ipv6_fragment"});
  EXPECT_TRUE(d->is_fragment);
  EXPECT_FALSE(d->is_first_fragment);
  EXPECT_EQ(d->ip_id, 0x99);
  EXPECT_EQ(d->ip_proto, ipproto::kUdp);
  EXPECT_FALSE(d->has_ports);
  EXPECT_EQ(protocol_name(*d), "UDP");
}

TEST(Decoder, Ipv6FirstFragment) {
  const auto d = decode_bytes(
      eth(0x86dd) + ipv6(44, kIp6A, kIp6B, ipv6_frag(17, 0, true, 0x10203) + udp(53, 1000, zeros(24), 3000)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_TRUE(d->is_fragment);
  EXPECT_TRUE(d->is_first_fragment);
  EXPECT_EQ(d->ip_id, 0x0203);
  EXPECT_EQ(d->dst_port, 1000);
}

TEST(Decoder, Ipv6AtomicFragmentIsNotAFragment) {
  const auto d =
      decode_bytes(eth(0x86dd) + ipv6(44, kIp6A, kIp6B, ipv6_frag(17, 0, false, 5) + udp(1, 2, {})));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_FALSE(d->is_fragment);
  EXPECT_EQ(d->dst_port, 2);
}

TEST(Decoder, Ipv6StopsAtEsp) {
  const auto d = decode_bytes(eth(0x86dd) + ipv6(60, kIp6A, kIp6B, ipv6_opts(50) + be32(0x100) + zeros(28)));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->ip_proto, ipproto::kEsp);
  EXPECT_FALSE(d->has_ports);
  EXPECT_EQ(d->l4_payload.size(), 32u);
  EXPECT_EQ(protocol_name(*d), "ESP");
}

TEST(Decoder, Ipv6Jumbogram) {
  // Payload length 0 with a hop-by-hop header whose Jumbo Payload option gives the length (> 65535).
  const Bytes data(70000, 0x5a);
  const auto jumbo_hbh = [](std::uint32_t len) { return u8(17) + u8(0) + u8(0xc2) + u8(4) + be32(len); };
  const Bytes payload = jumbo_hbh(8 + 8 + 70000) + udp(1, 2, data, 0);
  const auto d = decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, payload, 0));
  // UDP length 0 is how a jumbo UDP datagram says "see the IP length" (RFC 2675); nta flags it.
  EXPECT_EQ(anomaly_names(d->anomalies), Names{"udp_bad_length"});
  EXPECT_EQ(d->ip_proto, ipproto::kUdp);
  EXPECT_EQ(d->ip_len, 40);
  EXPECT_EQ(d->src_port, 1);
  EXPECT_EQ(d->l4_payload.size(), 70000u);

  // Padding after the jumbogram is not payload.
  const auto padded = decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, payload + zeros(10), 0));
  EXPECT_EQ(padded->l4_payload.size(), 70000u);

  // A jumbo length that does not need a jumbogram, one past the frame, and none at all are bad.
  const Bytes small = jumbo_hbh(8 + 8 + 3) + udp(1, 2, text("abc"));
  EXPECT_EQ(anomaly_names(decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, small, 0))->anomalies),
            Names{"ipv6_bad_payload_length"});
  const Bytes over = jumbo_hbh(8 + 8 + 70001) + udp(1, 2, data, 0);
  EXPECT_EQ(anomaly_names(decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, over, 0))->anomalies),
            (Names{"ipv6_bad_payload_length", "udp_bad_length"}));
  const Bytes none = ipv6_opts(17) + udp(1, 2, text("abc"));
  EXPECT_EQ(anomaly_names(decode_bytes(eth(0x86dd) + ipv6(0, kIp6A, kIp6B, none, 0))->anomalies),
            Names{"ipv6_bad_payload_length"});
}

TEST(Decoder, Ieee8023LengthFrameIsLlc) {
  // Length 38, then LLC DSAP/SSAP 0x42 (spanning tree) ...
  const auto d = decode_bytes(eth(38, {0x01, 0x80, 0xc2, 0, 0, 0}) + u8(0x42) + u8(0x42) + u8(3) + zeros(35));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->net, NetLayer::kOther);
  EXPECT_EQ(d->ethertype, 0);
  EXPECT_TRUE(d->has_mac);
  EXPECT_EQ(protocol_name(*d), "LLC");
}

TEST(Decoder, NonIpEthertypeIsOther) {
  const auto d = decode_bytes(eth(0x88cc, {0x01, 0x80, 0xc2, 0, 0, 0x0e}) + zeros(30));
  EXPECT_FALSE(d->anomalies.any());
  EXPECT_EQ(d->net, NetLayer::kOther);
  EXPECT_EQ(d->ethertype, 0x88cc);
  EXPECT_EQ(d->ip_proto, 0);
  EXPECT_EQ(protocol_name(*d), "LLDP");
}

TEST(Decoder, SnaplenCutPayloadKeepsHeaders) {
  const Bytes frame = eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 443, tcpflag::kAck, zeros(1000)));
  const auto d = decode_bytes(frame, LinkType::kEthernet, 96);
  EXPECT_EQ(anomaly_names(d->anomalies), (Names{"snaplen_cut", "l4_truncated"}));
  EXPECT_EQ(d->wire_len, frame.size());
  EXPECT_EQ(d->cap_len, 96u);
  EXPECT_EQ(d->ip_len, 1040);
  EXPECT_TRUE(d->has_l4);
  EXPECT_EQ(d->l4_payload.size(), 96u - 54u);
  EXPECT_EQ(d->l4_payload_len, 1000u);
}

TEST(Decoder, ReusedViewIsReset) {
  PacketView v;
  const Bytes tcp_frame =
      eth(0x0800) + ipv4(6, kIpA, kIpB, tcp(1, 2, tcpflag::kSyn, {}, {.options = syn_options()}));
  const Bytes arp_frame = eth(0x0806) + arp(1, kMacA, kIpC, Mac{}, kIpD);
  RawPacket p;
  p.data = tcp_frame;
  p.wire_len = static_cast<std::uint32_t>(tcp_frame.size());
  decode(p, v);
  ASSERT_TRUE(v.tcp.has_mss);
  p.data = arp_frame;
  p.wire_len = static_cast<std::uint32_t>(arp_frame.size());
  decode(p, v);
  EXPECT_EQ(v.net, NetLayer::kArp);
  EXPECT_FALSE(v.has_ports);
  EXPECT_FALSE(v.tcp.has_mss);
  EXPECT_EQ(v.ip_proto, 0);
  EXPECT_EQ(v.src_ip, ip(kIpC));
}

}  // namespace
}  // namespace nta::test

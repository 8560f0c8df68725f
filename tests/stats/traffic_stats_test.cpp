#include "stats/traffic_stats.h"

#include <gtest/gtest.h>

#include "stats_test_packets.h"

namespace nta {
namespace {

using test::ip_packet;
using test::kEpoch;
using test::kSecond;
using test::tcp_packet;
using test::udp_packet;

TEST(TrafficStats, CountsTotalsProtocolsAndTimes) {
  TrafficStats s;
  s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 443, tcpflag::kSyn, 60, kEpoch + 2 * kSecond));
  s.add(tcp_packet("10.0.0.2", 443, "10.0.0.1", 40000, tcpflag::kSyn | tcpflag::kAck, 60, kEpoch));
  s.add(udp_packet("10.0.0.1", 5353, "10.0.0.3", 53, 100, kEpoch + kSecond));
  PacketView arp;
  arp.ts = Timestamp{kEpoch};
  arp.wire_len = 42;
  arp.net = NetLayer::kArp;
  parse_ip("10.0.0.1", arp.src_ip);
  parse_ip("10.0.0.254", arp.dst_ip);
  s.add(arp);

  EXPECT_EQ(s.packets(), 4u);
  EXPECT_EQ(s.bytes(), 262u);
  EXPECT_EQ(s.first_seen().ns, kEpoch);
  EXPECT_EQ(s.last_seen().ns, kEpoch + 2 * kSecond);
  EXPECT_DOUBLE_EQ(s.duration_seconds(), 2.0);
  const auto p = s.protocols();
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p[0].name, "TCP");
  EXPECT_EQ(p[0].packets, 2u);
  EXPECT_EQ(p[0].bytes, 120u);
  EXPECT_EQ(p[1].name, "ARP");  // ties by packets: by name
  EXPECT_EQ(p[2].name, "UDP");
  EXPECT_EQ(p[2].bytes, 100u);
}

TEST(TrafficStats, TalkersCountSentAndReceivedOfIpPacketsOnly) {
  TrafficStats s;
  s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 80, tcpflag::kAck, 100));
  s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 80, tcpflag::kAck, 100));
  s.add(tcp_packet("10.0.0.2", 80, "10.0.0.1", 40000, tcpflag::kAck, 1500));
  s.add(udp_packet("10.0.0.3", 1000, "10.0.0.1", 53, 70));
  PacketView arp;
  arp.net = NetLayer::kArp;
  arp.wire_len = 42;
  parse_ip("10.0.0.9", arp.src_ip);
  parse_ip("10.0.0.1", arp.dst_ip);
  s.add(arp);

  EXPECT_EQ(s.talkers().size(), 3u);  // the ARP sender is no talker
  const auto by_bytes = s.top_talkers_by_bytes(10);
  ASSERT_EQ(by_bytes.size(), 3u);
  EXPECT_EQ(to_string(by_bytes[0].key), "10.0.0.1");
  EXPECT_EQ(by_bytes[0].counters.sent_packets, 2u);
  EXPECT_EQ(by_bytes[0].counters.sent_bytes, 200u);
  EXPECT_EQ(by_bytes[0].counters.received_packets, 2u);
  EXPECT_EQ(by_bytes[0].counters.received_bytes, 1570u);
  EXPECT_EQ(by_bytes[0].counters.bytes(), 1770u);
  EXPECT_EQ(to_string(by_bytes[1].key), "10.0.0.2");
  EXPECT_EQ(by_bytes[1].counters.bytes(), 1700u);
  EXPECT_EQ(to_string(by_bytes[2].key), "10.0.0.3");

  const auto by_packets = s.top_talkers_by_packets(2);
  ASSERT_EQ(by_packets.size(), 2u);
  EXPECT_EQ(to_string(by_packets[0].key), "10.0.0.1");
  EXPECT_EQ(by_packets[0].counters.packets(), 4u);
  EXPECT_EQ(to_string(by_packets[1].key), "10.0.0.2");
  EXPECT_EQ(by_packets[1].counters.packets(), 3u);
}

TEST(TrafficStats, TalkersPastTheCapGoToOther) {
  TrafficStats s(TrafficStatsLimits{.max_talkers = 2, .max_conversations = 1});
  s.add(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 100));
  s.add(udp_packet("10.0.0.3", 1, "10.0.0.4", 2, 50));
  s.add(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 100));
  EXPECT_EQ(s.talkers().size(), 2u);
  EXPECT_EQ(s.talkers().other().sent_packets, 1u);
  EXPECT_EQ(s.talkers().other().received_bytes, 50u);
  EXPECT_EQ(s.conversations().size(), 1u);
  EXPECT_EQ(s.conversations().other().packets(), 1u);
  EXPECT_EQ(s.conversations().other().bytes(), 50u);
  EXPECT_EQ(s.top_conversations_by_bytes(5).at(0).counters.packets(), 2u);
}

TEST(TrafficStats, ConversationsMergeBothDirectionsWithTheLowerAddressAsA) {
  TrafficStats s;
  s.add(tcp_packet("10.0.0.9", 40000, "10.0.0.2", 22, tcpflag::kAck, 100));
  s.add(tcp_packet("10.0.0.2", 22, "10.0.0.9", 40000, tcpflag::kAck, 1000));
  s.add(tcp_packet("10.0.0.2", 22, "10.0.0.9", 40000, tcpflag::kAck, 1000));
  s.add(udp_packet("2001:db8::1", 5000, "10.0.0.9", 53, 80));  // mixed families: a pair all the same
  s.add(udp_packet("10.0.0.9", 53, "2001:db8::1", 5000, 90));

  ASSERT_EQ(s.conversations().size(), 2u);
  const auto top = s.top_conversations_by_bytes(10);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(to_string(top[0].key.a), "10.0.0.2");
  EXPECT_EQ(to_string(top[0].key.b), "10.0.0.9");
  EXPECT_EQ(top[0].counters.a_to_b_packets, 2u);
  EXPECT_EQ(top[0].counters.a_to_b_bytes, 2000u);
  EXPECT_EQ(top[0].counters.b_to_a_packets, 1u);
  EXPECT_EQ(top[0].counters.b_to_a_bytes, 100u);
  // A is the lower address in IpAddress order (bytes, then family), whichever direction came first.
  EXPECT_EQ(to_string(top[1].key.a), "10.0.0.9");
  EXPECT_EQ(to_string(top[1].key.b), "2001:db8::1");
  EXPECT_EQ(top[1].counters.a_to_b_bytes, 90u);
  EXPECT_EQ(top[1].counters.b_to_a_bytes, 80u);
}

TEST(TrafficStats, DestinationPortsPerTransport) {
  TrafficStats s;
  for (int i = 0; i < 3; ++i) s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 443, tcpflag::kAck, 100));
  s.add(udp_packet("10.0.0.1", 40000, "10.0.0.2", 443, 200));
  s.add(udp_packet("10.0.0.1", 40000, "10.0.0.3", 53, 70));
  s.add(udp_packet("10.0.0.3", 53, "10.0.0.1", 40000, 120));
  PacketView frag = ip_packet("10.0.0.1", "10.0.0.2", ipproto::kUdp, 1500);  // later fragment: no ports
  s.add(frag);
  PacketView icmp = ip_packet("10.0.0.1", "10.0.0.2", ipproto::kIcmp, 98);
  s.add(icmp);

  EXPECT_EQ(s.packets_with_ports(), 6u);
  EXPECT_EQ(s.bytes_with_ports(), 690u);
  EXPECT_EQ(s.distinct_destination_ports(), 4u);
  EXPECT_EQ(s.destination_port(Transport::kTcp, 443).packets, 3u);
  EXPECT_EQ(s.destination_port(Transport::kUdp, 443).packets, 1u);
  EXPECT_EQ(s.destination_port(Transport::kUdp, 443).bytes, 200u);
  const auto top = s.top_destination_ports(2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].transport, Transport::kTcp);
  EXPECT_EQ(top[0].port, 443);
  EXPECT_EQ(top[0].packets, 3u);
  EXPECT_EQ(top[1].transport, Transport::kUdp);  // 1 packet each: more bytes first
  EXPECT_EQ(top[1].port, 443);
}

TEST(TrafficStats, ServicesByDestinationPortElseSourcePort) {
  TrafficStats s;
  s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 443, tcpflag::kAck, 100));
  s.add(tcp_packet("10.0.0.2", 443, "10.0.0.1", 40000, tcpflag::kAck, 1500));  // reply: source port
  s.add(udp_packet("10.0.0.1", 40000, "10.0.0.2", 443, 1200));                 // QUIC
  s.add(udp_packet("10.0.0.1", 40000, "10.0.0.3", 53, 70));
  s.add(udp_packet("10.0.0.1", 40000, "10.0.0.3", 40001, 60));  // nothing well known

  const auto services = s.port_services();
  ASSERT_EQ(services.size(), 3u);
  EXPECT_EQ(services[0].service, "ssl");
  EXPECT_EQ(services[0].packets, 2u);
  EXPECT_EQ(services[0].bytes, 1600u);
  EXPECT_EQ(services[1].service, "dns");
  EXPECT_EQ(services[2].service, "quic");
  EXPECT_EQ(s.unknown_port_service().packets, 1u);
  EXPECT_EQ(s.unknown_port_service().bytes, 60u);
}

TEST(TrafficStats, PacketSizeBucketBoundaries) {
  TrafficStats s;
  for (std::uint32_t len :
       {0u, 63u, 64u, 127u, 128u, 255u, 256u, 511u, 512u, 1023u, 1024u, 1517u, 1518u, 9000u}) {
    s.add(ip_packet("10.0.0.1", "10.0.0.2", ipproto::kUdp, len));
  }
  const auto b = s.packet_sizes();
  ASSERT_EQ(b.size(), 7u);
  for (const SizeBucket& k : b) EXPECT_EQ(k.packets, 2u) << k.low;
  EXPECT_EQ(b[0].low, 0u);
  EXPECT_EQ(*b[0].high, 63u);
  EXPECT_EQ(b[0].bytes, 63u);
  EXPECT_EQ(b[1].low, 64u);
  EXPECT_EQ(b[1].bytes, 64u + 127u);
  EXPECT_EQ(b[5].low, 1024u);
  EXPECT_EQ(*b[5].high, 1517u);
  EXPECT_EQ(b[5].bytes, 1024u + 1517u);
  EXPECT_EQ(b[6].low, 1518u);
  EXPECT_FALSE(b[6].high.has_value());
  EXPECT_EQ(b[6].bytes, 1518u + 9000u);
}

TEST(TrafficStats, TcpFlagsTellSynFromSynAck) {
  TrafficStats s;
  s.add(tcp_packet("10.0.0.1", 1, "10.0.0.2", 80, tcpflag::kSyn));
  s.add(tcp_packet("10.0.0.1", 2, "10.0.0.2", 80, tcpflag::kSyn | tcpflag::kEce | tcpflag::kCwr));
  s.add(tcp_packet("10.0.0.2", 80, "10.0.0.1", 1, tcpflag::kSyn | tcpflag::kAck));
  s.add(tcp_packet("10.0.0.1", 1, "10.0.0.2", 80, tcpflag::kAck));
  s.add(tcp_packet("10.0.0.1", 1, "10.0.0.2", 80, tcpflag::kPsh | tcpflag::kAck | tcpflag::kUrg));
  s.add(tcp_packet("10.0.0.1", 1, "10.0.0.2", 80, tcpflag::kFin | tcpflag::kAck));
  s.add(tcp_packet("10.0.0.2", 80, "10.0.0.1", 1, tcpflag::kRst));
  PacketView cut = ip_packet("10.0.0.1", "10.0.0.2", ipproto::kTcp, 40);  // header not read
  cut.tcp.flags = tcpflag::kSyn;
  s.add(cut);
  s.add(udp_packet("10.0.0.1", 1, "10.0.0.2", 53));

  const TcpFlagCounts& f = s.tcp_flags();
  EXPECT_EQ(f.tcp_packets, 7u);
  EXPECT_EQ(f.syn, 2u);
  EXPECT_EQ(f.syn_ack, 1u);
  EXPECT_EQ(f.ack, 4u);  // SYN-ACK included
  EXPECT_EQ(f.fin, 1u);
  EXPECT_EQ(f.rst, 1u);
  EXPECT_EQ(f.psh, 1u);
  EXPECT_EQ(f.urg, 1u);
  EXPECT_EQ(f.ece, 1u);
  EXPECT_EQ(f.cwr, 1u);
}

TEST(TrafficStats, FlowStatesAndContentServicesOnlyWhenFed) {
  TrafficStats s;
  EXPECT_TRUE(s.flow_states().empty());
  EXPECT_TRUE(s.flow_services().empty());
  s.add_flow_state("SF");
  s.add_flow_state("S0");
  s.add_flow_state("SF");
  s.add_flow_state("REJ");
  s.add_flow_service("ssl", 10, 5000);
  s.add_flow_service("dns", 2, 200);
  s.add_flow_service("ssl", 4, 1000);
  EXPECT_EQ(s.flows(), 4u);
  const auto states = s.flow_states();
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(states[0].state, "SF");
  EXPECT_EQ(states[0].flows, 2u);
  EXPECT_EQ(states[1].state, "REJ");  // ties: by name
  EXPECT_EQ(states[2].state, "S0");
  const auto services = s.flow_services();
  ASSERT_EQ(services.size(), 2u);
  EXPECT_EQ(services[0].service, "ssl");
  EXPECT_EQ(services[0].flows, 2u);
  EXPECT_EQ(services[0].packets, 14u);
  EXPECT_EQ(services[0].bytes, 6000u);
}

TEST(TrafficStats, CountsEachAnomalyAndAnomalousPackets) {
  TrafficStats s;
  PacketView v = tcp_packet("10.0.0.1", 1, "10.0.0.2", 2, tcpflag::kAck);
  v.anomalies.set(Anomaly::kTcpOptionsMalformed);
  v.anomalies.set(Anomaly::kSnaplenCut);
  s.add(v);
  PacketView w;
  w.wire_len = 10;
  w.anomalies.set(Anomaly::kEthernetTruncated);
  s.add(w);
  s.add(tcp_packet("10.0.0.1", 1, "10.0.0.2", 2, tcpflag::kAck));
  EXPECT_EQ(s.packets_with_anomalies(), 2u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kTcpOptionsMalformed), 1u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kSnaplenCut), 1u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kEthernetTruncated), 1u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kUdpTruncated), 0u);
  EXPECT_EQ(s.protocols().at(0).name, "TCP");
}

TEST(TrafficStats, ThroughputFollowsPacketTime) {
  TrafficStats s;
  s.add(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 100, kEpoch + kSecond / 2));
  s.add(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 100, kEpoch + 3 * kSecond + 1));
  ASSERT_EQ(s.throughput().size(), 4u);
  EXPECT_EQ(s.throughput()[0].packets, 1u);
  EXPECT_EQ(s.throughput()[3].bytes, 100u);
}

}  // namespace
}  // namespace nta

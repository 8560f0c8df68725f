#include "stats/packet_summary.h"

#include <gtest/gtest.h>

namespace nta {
namespace {

PacketView packet(const char* src, const char* dst, std::uint8_t proto, std::uint32_t len, std::int64_t ns) {
  PacketView v;
  v.ts = Timestamp{ns};
  v.wire_len = len;
  v.net = NetLayer::kIpv4;
  parse_ip(src, v.src_ip);
  parse_ip(dst, v.dst_ip);
  v.ip_proto = proto;
  v.has_ports = proto == ipproto::kTcp || proto == ipproto::kUdp;
  return v;
}

TEST(PacketSummary, TotalsDurationAndProtocolMix) {
  PacketSummary s;
  s.add(packet("10.0.0.1", "10.0.0.2", ipproto::kTcp, 100, 1'000'000'000));
  s.add(packet("10.0.0.2", "10.0.0.1", ipproto::kTcp, 1500, 1'500'000'000));
  s.add(packet("10.0.0.1", "8.8.8.8", ipproto::kUdp, 80, 3'000'000'000));
  PacketView arp;
  arp.ts = Timestamp{2'000'000'000};
  arp.wire_len = 60;
  arp.net = NetLayer::kArp;
  parse_ip("10.0.0.1", arp.src_ip);
  parse_ip("10.0.0.254", arp.dst_ip);
  s.add(arp);

  EXPECT_EQ(s.packets(), 4u);
  EXPECT_EQ(s.bytes(), 1740u);
  EXPECT_DOUBLE_EQ(s.duration_seconds(), 2.0);
  const auto protocols = s.protocols();
  ASSERT_EQ(protocols.size(), 3u);
  EXPECT_EQ(protocols[0].name, "TCP");
  EXPECT_EQ(protocols[0].packets, 2u);
  EXPECT_EQ(protocols[0].bytes, 1600u);
  const auto top = s.sources().top_by_packets(1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(to_string(top[0].address), "10.0.0.1");
  EXPECT_EQ(top[0].packets, 3u);
}

TEST(PacketSummary, CountsEachAnomalyAndAnomalousPackets) {
  PacketSummary s;
  PacketView v = packet("10.0.0.1", "10.0.0.2", ipproto::kTcp, 60, 0);
  v.anomalies.set(Anomaly::kTcpTruncated);
  v.anomalies.set(Anomaly::kSnaplenCut);
  s.add(v);
  s.add(packet("10.0.0.1", "10.0.0.2", ipproto::kTcp, 60, 1));
  EXPECT_EQ(s.packets_with_anomalies(), 1u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kTcpTruncated), 1u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kSnaplenCut), 1u);
  EXPECT_EQ(s.anomaly_count(Anomaly::kUdpTruncated), 0u);
}

TEST(PacketSummary, OutOfOrderTimestampsKeepTrueSpan) {
  PacketSummary s;
  s.add(packet("10.0.0.1", "10.0.0.2", ipproto::kUdp, 60, 5'000'000'000));
  s.add(packet("10.0.0.1", "10.0.0.2", ipproto::kUdp, 60, 1'000'000'000));
  EXPECT_EQ(s.first_seen().ns, 1'000'000'000);
  EXPECT_EQ(s.last_seen().ns, 5'000'000'000);
}

}  // namespace
}  // namespace nta

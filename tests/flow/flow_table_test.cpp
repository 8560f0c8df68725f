#include "flow/flow_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "flow_test_util.h"

namespace nta {
namespace {

using namespace nta::test;
using namespace nta::test::flag;
using std::chrono::seconds;

// ---- keys and directions ---------------------------------------------------------------------

TEST(FlowTable, UdpBothWaysIsOneFlow) {
  FlowTable table;
  std::vector<FlowRecord> out;
  const FlowUpdate q = table.update(udp_packet("10.0.0.5", 53000, "10.0.0.53", 53, 40, kT0), out);
  const FlowUpdate a = table.update(udp_packet("10.0.0.53", 53, "10.0.0.5", 53000, 120, kT0 + 1000), out);
  ASSERT_NE(q.flow, nullptr);
  EXPECT_TRUE(q.created);
  EXPECT_TRUE(q.from_originator);
  EXPECT_EQ(a.flow, q.flow);
  EXPECT_FALSE(a.created);
  EXPECT_FALSE(a.from_originator);
  EXPECT_EQ(table.size(), 1u);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  const FlowRecord& r = out[0];
  EXPECT_EQ(r.key.orig_addr, ip("10.0.0.5"));
  EXPECT_EQ(r.key.orig_port, 53000);
  EXPECT_EQ(r.key.resp_port, 53);
  EXPECT_EQ(r.orig.packets, 1u);
  EXPECT_EQ(r.resp.packets, 1u);
  EXPECT_EQ(r.orig.payload_bytes, 40u);
  EXPECT_EQ(r.resp.payload_bytes, 120u);
  EXPECT_EQ(r.orig.ip_bytes, 20u + 8u + 40u);
  EXPECT_EQ(r.resp.ip_bytes, 20u + 8u + 120u);
  EXPECT_EQ(r.conn_state, ConnState::kSf);
  EXPECT_EQ(r.history_view(), "Dd");
  EXPECT_EQ(r.duration_ns(), 1000);
  EXPECT_EQ(r.end_reason, FlowEndReason::kEndOfInput);
  EXPECT_EQ(r.flags >> 5, 0);  // the table's own bits are cleared in emitted records
}

TEST(FlowTable, UdpOneWayIsS0) {
  FlowTable table;
  std::vector<FlowRecord> out;
  table.update(udp_packet("10.0.0.5", 5000, "10.0.0.6", 514, 100, kT0), out);
  table.update(udp_packet("10.0.0.5", 5000, "10.0.0.6", 514, 100, kT0 + 1), out);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].conn_state, ConnState::kS0);
  EXPECT_EQ(out[0].history_view(), "D");
  EXPECT_EQ(out[0].orig.packets, 2u);
}

TEST(FlowTable, IcmpEchoRequestAndReplyAreOneFlow) {
  FlowTable table;
  std::vector<FlowRecord> out;
  table.update(icmp_packet("10.0.0.1", "10.0.0.2", 8, 0, 4242, 56, kT0), out);
  const FlowUpdate reply = table.update(icmp_packet("10.0.0.2", "10.0.0.1", 0, 0, 4242, 56, kT0 + 10), out);
  table.update(icmp_packet("10.0.0.1", "10.0.0.2", 8, 0, 4242, 56, kT0 + 20), out);
  EXPECT_FALSE(reply.from_originator);
  EXPECT_FALSE(reply.created);
  EXPECT_EQ(table.size(), 1u);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key.orig_port, 8);  // type of the originator's message
  EXPECT_EQ(out[0].key.resp_port, 0);  // its counterpart (echo reply)
  EXPECT_EQ(out[0].key.icmp_id, 4242);
  EXPECT_EQ(out[0].orig.packets, 2u);
  EXPECT_EQ(out[0].resp.packets, 1u);
  EXPECT_EQ(out[0].orig.payload_bytes, 112u);
  EXPECT_EQ(out[0].conn_state, ConnState::kOth);
  EXPECT_EQ(out[0].history_view(), "");
}

TEST(FlowTable, IcmpEchoIdentifiersSeparateFlowsUnlessDisabled) {
  for (const bool split : {true, false}) {
    FlowTable table(FlowConfig{.split_icmp_echo_by_id = split});
    std::vector<FlowRecord> out;
    table.update(icmp_packet("10.0.0.1", "10.0.0.2", 8, 0, 1, 56, kT0), out);
    table.update(icmp_packet("10.0.0.1", "10.0.0.2", 8, 0, 2, 56, kT0 + 1), out);
    table.update(icmp_packet("10.0.0.2", "10.0.0.1", 0, 0, 2, 56, kT0 + 2), out);
    EXPECT_EQ(table.size(), split ? 2u : 1u);
  }
}

TEST(FlowTable, Icmpv6EchoAndNeighbourDiscoveryPairUp) {
  FlowTable table;
  std::vector<FlowRecord> out;
  table.update(icmp_packet("2001:db8::1", "2001:db8::2", 128, 0, 9, 16, kT0, true), out);
  table.update(icmp_packet("2001:db8::2", "2001:db8::1", 129, 0, 9, 16, kT0 + 1, true), out);
  table.update(icmp_packet("fe80::1", "fe80::2", 135, 0, 0, 24, kT0 + 2, true), out);
  table.update(icmp_packet("fe80::2", "fe80::1", 136, 0, 0, 24, kT0 + 3, true), out);
  EXPECT_EQ(table.size(), 2u);
  // A one-way message (destination unreachable) is its own flow, ports = type and code.
  table.update(icmp_packet("2001:db8::9", "2001:db8::1", 1, 4, 0, 48, kT0 + 4, true), out);
  table.flush(out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].orig.packets + out[1].resp.packets, 2u);
  EXPECT_EQ(out[2].key.orig_port, 1);
  EXPECT_EQ(out[2].key.resp_port, 4);
  EXPECT_TRUE(out[2].icmp_one_way());
}

TEST(FlowTable, Ipv6TcpFlow) {
  FlowTable table;
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "2001:db8:1::10", 50123, "2001:db8:2::20", 443);
  c.client(S);
  c.server(SA);
  c.client(A);
  c.client(PA, 517);
  c.server(PA, 1400);
  c.client(FA);
  c.server(FA);
  c.client(A);
  table.flush(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].key.orig_addr, ip("2001:db8:1::10"));
  EXPECT_EQ(out[0].key.orig_addr.family, IpFamily::kV6);
  EXPECT_EQ(out[0].conn_state, ConnState::kSf);
  EXPECT_EQ(out[0].orig.payload_bytes, 517u);
  EXPECT_EQ(out[0].resp.payload_bytes, 1400u);
  EXPECT_EQ(out[0].orig.ip_bytes, 5u * 60u + 517u);
}

TEST(FlowTable, Ipv4AndIpv6WithTheSameBytesAreDifferentFlows) {
  FlowTable table;
  std::vector<FlowRecord> out;
  table.update(udp_packet("1.2.3.4", 1, "5.6.7.8", 2, 0, kT0), out);
  table.update(udp_packet("102:304::", 1, "506:708::", 2, 0, kT0), out);
  EXPECT_EQ(table.size(), 2u);
}

TEST(FlowTable, VlanIdsSeparateFlows) {
  FlowTable table;
  std::vector<FlowRecord> out;
  PacketView a = udp_packet("10.0.0.1", 1000, "10.0.0.2", 2000, 10, kT0);
  a.vlan_count = 2;
  a.vlan_ids = {10, 77, 0};
  PacketView b = a;
  b.vlan_ids = {20, 77, 0};
  PacketView untagged = a;
  untagged.vlan_count = 0;
  untagged.vlan_ids = {};
  PacketView a_reply = udp_packet("10.0.0.2", 2000, "10.0.0.1", 1000, 10, kT0 + 1);
  a_reply.vlan_count = 1;
  a_reply.vlan_ids = {10, 0, 0};  // only the outer id is part of the key
  const FlowUpdate ua = table.update(a, out);
  const FlowUpdate ub = table.update(b, out);
  table.update(untagged, out);
  const FlowUpdate ur = table.update(a_reply, out);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_NE(ua.flow, ub.flow);
  EXPECT_EQ(ur.flow, ua.flow);
  EXPECT_EQ(ua.flow->key.vlan, 10);
}

TEST(FlowTable, NonIpPacketsMakeNoFlowsAndAreCounted) {
  FlowTable table;
  std::vector<FlowRecord> out;
  PacketView arp;
  arp.net = NetLayer::kArp;
  arp.ethertype = ethertype::kArp;
  arp.src_ip = ip("10.0.0.1");
  arp.dst_ip = ip("10.0.0.2");
  PacketView other;
  other.net = NetLayer::kOther;
  PacketView broken;  // an IPv4 header the decoder could not read: no addresses
  broken.net = NetLayer::kIpv4;
  for (const PacketView* p : {&arp, &other, &broken}) {
    const FlowUpdate u = table.update(*p, out);
    EXPECT_EQ(u.flow, nullptr);
  }
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.counters().packets_not_in_flows, 3u);
  EXPECT_EQ(table.counters().packets, 3u);
}

TEST(FlowTable, LaterFragmentsJoinTheirFirstFragmentsFlow) {
  FlowTable table;
  std::vector<FlowRecord> out;
  PacketView first = udp_packet("10.0.0.1", 4000, "10.0.0.2", 2049, 1472, kT0);
  first.is_fragment = first.is_first_fragment = true;
  first.ip_id = 0x1234;
  PacketView second = ip_packet("10.0.0.1", "10.0.0.2", ipproto::kUdp, kT0 + 1, 0, 1480);
  second.is_fragment = true;
  second.ip_id = 0x1234;
  PacketView stray = second;  // a fragment of a datagram whose first fragment was not seen
  stray.ip_id = 0x9999;
  const FlowUpdate u1 = table.update(first, out);
  const FlowUpdate u2 = table.update(second, out);
  EXPECT_EQ(u2.flow, u1.flow);
  EXPECT_TRUE(u2.from_originator);
  const FlowUpdate u3 = table.update(stray, out);
  EXPECT_NE(u3.flow, u1.flow);
  EXPECT_TRUE(u3.created);
  EXPECT_EQ(table.counters().fragments_joined, 1u);
  EXPECT_EQ(table.counters().fragments_unjoined, 1u);
  table.flush(out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].orig.packets, 2u);
  EXPECT_EQ(out[0].orig.payload_bytes, 1472u + 1480u);
  EXPECT_EQ(out[0].orig.ip_bytes, 1500u + 1500u);
  EXPECT_EQ(out[1].key.orig_port, 0);
  EXPECT_EQ(out[1].key.resp_port, 0);
  EXPECT_EQ(out[1].orig.payload_bytes, 1480u);
}

// ---- timeouts --------------------------------------------------------------------------------

// Distinct timeouts per class so that each test shows which one applied.
FlowConfig distinct_timeouts() {
  return FlowConfig{.tcp_attempt_timeout = seconds(11),
                    .tcp_established_timeout = seconds(22),
                    .tcp_closed_timeout = seconds(3),
                    .udp_timeout = seconds(44),
                    .icmp_timeout = seconds(55),
                    .other_timeout = seconds(66),
                    .active_timeout = seconds(0)};
}

// Expires at deadline - 1 ns (nothing) and at the deadline (exactly one record), returning it.
FlowRecord expect_deadline(FlowTable& table, std::int64_t deadline_ns) {
  std::vector<FlowRecord> out;
  EXPECT_EQ(table.expire(Timestamp{deadline_ns - 1}, out), 0u);
  EXPECT_EQ(table.expire(Timestamp{deadline_ns}, out), 1u);
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? FlowRecord{} : out[0];
}

TEST(FlowTable, SynOnlyFlowExpiresAfterTheAttemptTimeout) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  table.update(tcp_packet("10.0.0.1", 1, "10.0.0.2", 80, S, 1, 0, 0, kT0), out);
  const FlowRecord r = expect_deadline(table, kT0 + 11 * kSecond);
  EXPECT_EQ(r.end_reason, FlowEndReason::kTimeout);
  EXPECT_EQ(r.conn_state, ConnState::kS0);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.counters().flows_timed_out, 1u);
}

TEST(FlowTable, LoneSynAckUsesTheAttemptTimeout) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  table.update(tcp_packet("10.0.0.2", 80, "10.0.0.1", 1, SA, 1, 2, 0, kT0), out);  // backscatter
  const FlowRecord r = expect_deadline(table, kT0 + 11 * kSecond);
  EXPECT_EQ(r.history_view(), "^h");
  EXPECT_EQ(r.conn_state, ConnState::kOth);
}

TEST(FlowTable, EstablishedFlowExpiresAfterTheEstablishedTimeoutFromItsLastPacket) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 1234, "10.0.0.2", 80);
  c.client(S);
  c.server(SA);
  c.client(A);
  c.advance(5 * kSecond);
  c.client(PA, 10);  // activity refreshes the deadline
  const FlowRecord r = expect_deadline(table, c.now() + 22 * kSecond);
  EXPECT_EQ(r.conn_state, ConnState::kS1);
  EXPECT_EQ(r.end_reason, FlowEndReason::kTimeout);
}

TEST(FlowTable, ClosedFlowLingersForTheClosedTimeoutThenEndsAsClosed) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 1234, "10.0.0.2", 80);
  c.client(S);
  c.server(SA);
  c.client(A);
  c.client(FA);
  c.server(FA);
  c.client(A);  // the last ACK arrives during the linger and joins the flow
  EXPECT_EQ(table.size(), 1u);
  const FlowRecord r = expect_deadline(table, c.now() + 3 * kSecond);
  EXPECT_EQ(r.end_reason, FlowEndReason::kClosed);
  EXPECT_EQ(r.conn_state, ConnState::kSf);
  EXPECT_EQ(r.orig.packets, 4u);
  EXPECT_EQ(table.counters().flows_closed, 1u);
}

TEST(FlowTable, ResetFlowUsesTheClosedTimeout) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 1234, "10.0.0.2", 80);
  c.client(S);
  c.server(RA);
  const FlowRecord r = expect_deadline(table, c.now() + 3 * kSecond);
  EXPECT_EQ(r.conn_state, ConnState::kRej);
  EXPECT_EQ(r.end_reason, FlowEndReason::kClosed);
}

TEST(FlowTable, ExpiryIsExactWhenLaterPacketsDoNotMoveTheFlowInItsList) {
  // Packets 10 ms apart stay within one list-move bucket (1/8 of the timeout): the flow keeps its
  // list position, and expiry still follows its last packet exactly.
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  std::int64_t t = kT0;
  for (int i = 0; i < 20; ++i, t += 10'000'000)
    table.update(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 5, t), out);
  const std::int64_t last = t - 10'000'000;
  EXPECT_EQ(expect_deadline(table, last + 44 * kSecond).orig.packets, 20u);
}

TEST(FlowTable, UdpIcmpAndOtherTimeouts) {
  {
    FlowTable table(distinct_timeouts());
    std::vector<FlowRecord> out;
    table.update(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 0, kT0), out);
    EXPECT_EQ(expect_deadline(table, kT0 + 44 * kSecond).key.ip_proto, ipproto::kUdp);
  }
  {
    FlowTable table(distinct_timeouts());
    std::vector<FlowRecord> out;
    table.update(icmp_packet("10.0.0.1", "10.0.0.2", 8, 0, 1, 0, kT0), out);
    EXPECT_EQ(expect_deadline(table, kT0 + 55 * kSecond).key.ip_proto, ipproto::kIcmp);
  }
  {
    FlowTable table(distinct_timeouts());
    std::vector<FlowRecord> out;
    table.update(ip_packet("10.0.0.1", "10.0.0.2", ipproto::kEsp, kT0, 0, 100), out);
    const FlowRecord r = expect_deadline(table, kT0 + 66 * kSecond);
    EXPECT_EQ(r.key.ip_proto, ipproto::kEsp);
    EXPECT_EQ(r.orig.payload_bytes, 100u);
    EXPECT_EQ(r.conn_state, ConnState::kOth);
  }
}

TEST(FlowTable, ExpireEmitsInDeadlineOrderAcrossStates) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  table.update(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 0, kT0), out);                      // due +44 s
  table.update(tcp_packet("10.0.0.1", 7, "10.0.0.2", 80, S, 1, 0, 0, kT0 + kSecond), out);  // due +12 s
  table.update(icmp_packet("10.0.0.1", "10.0.0.2", 8, 0, 1, 0, kT0 + 2 * kSecond), out);    // due +57 s
  EXPECT_EQ(table.expire(Timestamp{kT0 + 100 * kSecond}, out), 3u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].key.ip_proto, ipproto::kTcp);
  EXPECT_EQ(out[1].key.ip_proto, ipproto::kUdp);
  EXPECT_EQ(out[2].key.ip_proto, ipproto::kIcmp);
}

TEST(FlowTable, ExpireTouchesOnlyDueFlows) {
  FlowTable table(distinct_timeouts());
  std::vector<FlowRecord> out;
  for (std::uint16_t i = 0; i < 1000; ++i)
    table.update(udp_packet("10.0.0.1", i, "10.0.0.2", 53, 0, kT0 + i), out);
  // Nothing is due: every call returns at once without emitting.
  for (int s = 0; s < 43; ++s) EXPECT_EQ(table.expire(Timestamp{kT0 + s * kSecond}, out), 0u);
  EXPECT_EQ(table.expire(Timestamp{kT0 + 44 * kSecond + 499}, out), 500u);
  EXPECT_EQ(table.size(), 500u);
  // Emitted oldest first.
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].key.orig_port, i);
}

TEST(FlowTable, NewSynOnAClosedFlowStartsANewFlow) {
  FlowTable table;
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 1234, "10.0.0.2", 80);
  c.client(S);
  c.server(SA);
  c.client(A);
  c.client(FA);
  c.server(FA);
  c.client(A);
  TcpConversation again(table, out, "10.0.0.1", 1234, "10.0.0.2", 80, c.now() + kSecond, 900000, 7);
  const FlowUpdate u = again.client(S);
  EXPECT_TRUE(u.created);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].end_reason, FlowEndReason::kClosed);
  EXPECT_EQ(out[0].conn_state, ConnState::kSf);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_NE(u.flow->uid_view(), out[0].uid_view());
}

// ---- interim records -------------------------------------------------------------------------

TEST(FlowTable, LongFlowEmitsInterimRecordsAndKeepsGoing) {
  FlowTable table(FlowConfig{.active_timeout = seconds(10)});
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 1234, "10.0.0.2", 80);
  c.client(S);
  c.server(SA);
  c.client(A);
  // 35 seconds of data, one segment per second.
  for (int i = 0; i < 35; ++i) {
    c.advance(kSecond - TcpConversation::kStep);
    c.client(PA, 100);
  }
  ASSERT_EQ(out.size(), 3u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].end_reason, FlowEndReason::kInterim);
    EXPECT_TRUE(out[i].is_interim());
    EXPECT_EQ(out[i].interim_count, i + 1);
    EXPECT_EQ(out[i].uid_view(), out[0].uid_view());
    EXPECT_EQ(out[i].conn_state, ConnState::kS1);
    EXPECT_GE(out[i].last_ts.ns - out[i].first_ts.ns,
              static_cast<std::int64_t>(i + 1) * 10 * kSecond - kSecond);
  }
  // Interim records are cumulative snapshots.
  EXPECT_LT(out[0].orig.payload_bytes, out[1].orig.payload_bytes);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.counters().interim_records, 3u);
  c.client(FA);
  c.server(FA);
  table.flush(out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[3].end_reason, FlowEndReason::kEndOfInput);
  EXPECT_EQ(out[3].interim_count, 3u);
  EXPECT_EQ(out[3].orig.payload_bytes, 3500u);
  EXPECT_EQ(out[3].conn_state, ConnState::kSf);
  EXPECT_EQ(out[3].uid_view(), out[0].uid_view());
}

TEST(FlowTable, NoInterimRecordsWhenTheActiveTimeoutIsZero) {
  FlowTable table(FlowConfig{.udp_timeout = std::chrono::hours(10), .active_timeout = seconds(0)});
  std::vector<FlowRecord> out;
  for (int i = 0; i < 100; ++i)
    table.update(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 1, kT0 + i * 60 * kSecond), out);
  EXPECT_TRUE(out.empty());
}

// ---- cap and eviction ------------------------------------------------------------------------

TEST(FlowTable, FullTableEvictsTheLeastRecentlySeenFlow) {
  FlowTable table(FlowConfig{.max_flows = 3});
  std::vector<FlowRecord> out;
  auto udp = [&](std::uint16_t port, std::int64_t t) {
    return table.update(udp_packet("10.0.0.1", port, "10.0.0.2", 53, 10, kT0 + t * kSecond), out);
  };
  udp(1, 1);  // A
  udp(2, 2);  // B
  // C is a TCP flow: eviction looks across every state's list.
  table.update(tcp_packet("10.0.0.1", 3, "10.0.0.2", 80, S, 1, 0, 0, kT0 + 3 * kSecond), out);
  udp(1, 4);  // A seen again: B is now the least recently seen
  EXPECT_TRUE(out.empty());
  const FlowUpdate d = udp(4, 5);
  EXPECT_TRUE(d.created);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].end_reason, FlowEndReason::kEvicted);
  EXPECT_EQ(out[0].key.orig_port, 2);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.counters().flows_evicted, 1u);
  udp(5, 6);  // evicts C (TCP, seen at 3 s)
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].key.orig_port, 3);
  EXPECT_EQ(out[1].key.ip_proto, ipproto::kTcp);
  EXPECT_EQ(table.counters().flows_evicted, 2u);
  EXPECT_EQ(table.counters().flows_created, 5u);
}

TEST(FlowTable, FullTableEndsDueFlowsBeforeEvicting) {
  FlowTable table(FlowConfig{.max_flows = 2, .tcp_closed_timeout = seconds(5)});
  std::vector<FlowRecord> out;
  TcpConversation c(table, out, "10.0.0.1", 1, "10.0.0.2", 80);
  c.client(S);
  c.server(RA);  // rejected: closed, due 5 s later
  table.update(udp_packet("10.0.0.1", 2, "10.0.0.2", 53, 10, kT0 + kSecond), out);
  table.update(udp_packet("10.0.0.1", 3, "10.0.0.2", 53, 10, kT0 + 10 * kSecond), out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].end_reason, FlowEndReason::kClosed);
  EXPECT_EQ(table.counters().flows_evicted, 0u);
}

TEST(FlowTable, RandomSourceSynFloodStaysWithinTheCap) {
  constexpr std::size_t kCap = 5000;
  FlowTable table(FlowConfig{.max_flows = kCap});
  std::vector<FlowRecord> out;
  Rng rng(7);
  std::size_t memory_when_full = 0;
  std::size_t emitted = 0;
  for (int i = 0; i < 200'000; ++i) {
    char src[16];
    const std::uint32_t a = rng();
    std::snprintf(src, sizeof src, "%u.%u.%u.%u", (a >> 24) & 0xff, (a >> 16) & 0xff, (a >> 8) & 0xff,
                  a & 0xff);
    table.update(
        tcp_packet(src, static_cast<std::uint16_t>(rng()), "192.0.2.80", 80, S, rng(), 0, 0, kT0 + i * 1000),
        out);
    ASSERT_LE(table.size(), kCap);
    if (i == static_cast<int>(kCap)) memory_when_full = table.memory_bytes();
    for (const FlowRecord& r : out) {
      EXPECT_EQ(r.conn_state, ConnState::kS0);
      EXPECT_EQ(r.history_view(), "S");
      EXPECT_EQ(r.end_reason, FlowEndReason::kEvicted);
    }
    emitted += out.size();
    out.clear();
  }
  EXPECT_EQ(table.size(), kCap);
  EXPECT_EQ(table.memory_bytes(), memory_when_full);
  EXPECT_LT(table.memory_bytes(), kCap * 400 + (std::size_t{2} << 20));
  EXPECT_EQ(table.counters().flows_created, 200'000u);
  EXPECT_EQ(table.counters().flows_evicted, 200'000u - kCap);
  EXPECT_EQ(emitted, 200'000u - kCap);
  table.flush(out);
  EXPECT_EQ(out.size(), kCap);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(),
                          [](const FlowRecord& r) { return r.conn_state == ConnState::kS0; }));
}

// ---- determinism and output order ------------------------------------------------------------

std::vector<PacketView> mixed_traffic(std::uint32_t seed) {
  Rng rng(seed);
  std::vector<PacketView> packets;
  const char* hosts[] = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "192.0.2.9", "198.51.100.4"};
  std::int64_t t = kT0;
  for (int i = 0; i < 5000; ++i) {
    t += static_cast<std::int64_t>(rng() % 200'000'000);
    const char* a = hosts[rng() % 5];
    const char* b = hosts[rng() % 5];
    const auto pa = static_cast<std::uint16_t>(1000 + rng() % 20);
    const auto pb = static_cast<std::uint16_t>(rng() % 2 == 0 ? 80 : 53);
    switch (rng() % 4) {
      case 0:
        packets.push_back(udp_packet(a, pa, b, pb, rng() % 500, t));
        break;
      case 1:
        packets.push_back(
            icmp_packet(a, b, rng() % 2 == 0 ? 8 : 0, 0, static_cast<std::uint16_t>(rng() % 3), 56, t));
        break;
      default: {
        static constexpr std::uint8_t kFlags[] = {S, SA, A, PA, FA, RA};
        packets.push_back(tcp_packet(a, pa, b, pb, kFlags[rng() % 6], rng() % 5000, rng(), rng() % 1400, t));
      }
    }
  }
  return packets;
}

std::vector<std::string> run_capture(const std::vector<PacketView>& packets, std::uint64_t hash_seed) {
  FlowTable table(FlowConfig{.max_flows = 300,
                             .tcp_established_timeout = seconds(20),
                             .udp_timeout = seconds(15),
                             .active_timeout = seconds(60),
                             .hash_seed = hash_seed});
  std::vector<FlowRecord> out;
  std::int64_t last_second = 0;
  for (const PacketView& p : packets) {
    if (p.ts.seconds() != last_second) {
      table.expire(p.ts, out);
      last_second = p.ts.seconds();
    }
    table.update(p, out);
  }
  table.flush(out);
  std::vector<std::string> text;
  for (const FlowRecord& r : out) text.push_back(describe(r));
  return text;
}

TEST(FlowTable, SameInputGivesIdenticalRecordsWhateverTheHashSeed) {
  const std::vector<PacketView> packets = mixed_traffic(99);
  const std::vector<std::string> a = run_capture(packets, 1);
  const std::vector<std::string> b = run_capture(packets, 0x9e3779b97f4a7c15ULL);
  const std::vector<std::string> c = run_capture(packets, 0);  // the per-process random seed
  ASSERT_GT(a.size(), 300u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  std::set<std::string> uids;
  for (const std::string& line : a) {
    const std::size_t at = line.find(" C");
    ASSERT_NE(at, std::string::npos);
    uids.insert(line.substr(at + 1, 18));
  }
  // Interim records repeat their flow's uid; every other record has its own.
  EXPECT_GT(uids.size(), a.size() / 2);
}

TEST(FlowTable, UidIsDeterministicAndShapedLikeZeeks) {
  FlowKey k;
  k.orig_addr = ip("10.0.0.1");
  k.resp_addr = ip("10.0.0.2");
  k.orig_port = 1234;
  k.resp_port = 80;
  k.ip_proto = ipproto::kTcp;
  const auto u1 = make_flow_uid(k, Timestamp{kT0});
  const auto u2 = make_flow_uid(k, Timestamp{kT0});
  const auto u3 = make_flow_uid(k, Timestamp{kT0 + 1});
  const auto u4 = make_flow_uid(k.reversed(), Timestamp{kT0});
  EXPECT_EQ(u1, u2);
  EXPECT_NE(u1, u3);
  EXPECT_NE(u1, u4);
  EXPECT_EQ(u1[0], 'C');
  for (std::size_t i = 1; i < u1.size(); ++i)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(u1[i]))) << i;
}

TEST(FlowTable, FlushEmitsInFirstSeenOrder) {
  FlowTable table;
  std::vector<FlowRecord> out;
  for (std::uint16_t i = 0; i < 2000; ++i) {
    table.update(udp_packet("10.0.0.1", static_cast<std::uint16_t>(60000 - i), "10.0.0.2", 53, 1, kT0 + i),
                 out);
  }
  // Later packets on early flows do not change the order.
  table.update(udp_packet("10.0.0.2", 53, "10.0.0.1", 59000, 1, kT0 + 5000), out);
  EXPECT_EQ(table.flush(out), 2000u);
  ASSERT_EQ(out.size(), 2000u);
  for (std::size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i].key.orig_port, 60000 - i);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.counters().flows_flushed, 2000u);
}

// ---- the application-layer hooks -------------------------------------------------------------

TEST(FlowTable, AppSlotAndServiceAreCarriedIntoEmittedRecords) {
  FlowTable table;
  std::vector<FlowRecord> out;
  const FlowUpdate u = table.update(udp_packet("10.0.0.1", 5353, "224.0.0.251", 5353, 10, kT0), out);
  ASSERT_NE(u.flow, nullptr);
  EXPECT_EQ(u.flow->app_slot, 0u);
  EXPECT_EQ(u.flow->service, 0u);
  u.flow->app_slot = 17;
  u.flow->service = 5;
  table.update(udp_packet("10.0.0.1", 5353, "224.0.0.251", 5353, 10, kT0 + 1), out);
  std::vector<std::uint32_t> slots;
  table.flush([&](const FlowRecord& r) { slots.push_back(r.app_slot * 100 + r.service); });
  ASSERT_EQ(slots.size(), 1u);
  EXPECT_EQ(slots[0], 1705u);
}

TEST(FlowTable, FindLooksUpEitherOrientation) {
  FlowTable table;
  std::vector<FlowRecord> out;
  table.update(udp_packet("10.0.0.1", 1, "10.0.0.2", 2, 10, kT0), out);
  FlowKey k;
  k.orig_addr = ip("10.0.0.1");
  k.resp_addr = ip("10.0.0.2");
  k.orig_port = 1;
  k.resp_port = 2;
  k.ip_proto = ipproto::kUdp;
  ASSERT_NE(table.find(k), nullptr);
  EXPECT_EQ(table.find(k.reversed()), table.find(k));
  k.resp_port = 3;
  EXPECT_EQ(table.find(k), nullptr);
}

TEST(FlowTable, GrowsThroughManyFlowsAndStaysConsistent) {
  FlowTable table;
  std::vector<FlowRecord> out;
  Rng rng(3);
  // 100k flows created, half of them seen again in the reverse direction, some ended by FIN/RST.
  for (std::uint32_t i = 0; i < 100'000; ++i) {
    char src[16];
    std::snprintf(src, sizeof src, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    table.update(udp_packet(src, 1000, "192.0.2.1", 53, 1, kT0 + i), out);
  }
  EXPECT_EQ(table.size(), 100'000u);
  for (std::uint32_t i = 0; i < 100'000; i += 2) {
    char src[16];
    std::snprintf(src, sizeof src, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    const FlowUpdate u = table.update(udp_packet("192.0.2.1", 53, src, 1000, 1, kT0 + 200'000 + i), out);
    ASSERT_FALSE(u.created) << i;
    ASSERT_FALSE(u.from_originator);
  }
  // Half expire (not seen again), half remain; then the rest.
  EXPECT_EQ(table.expire(Timestamp{kT0 + 60 * kSecond + 150'000}, out), 50'000u);
  EXPECT_EQ(table.size(), 50'000u);
  for (const FlowRecord& r : out) EXPECT_EQ(r.resp.packets, 0u);
  out.clear();
  // Re-insert into the freed slots, then everything can still be found and flushed.
  for (std::uint32_t i = 1; i < 100'000; i += 2) {
    char src[16];
    std::snprintf(src, sizeof src, "10.%u.%u.%u", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
    ASSERT_TRUE(table.update(udp_packet(src, 1000, "192.0.2.1", 53, 1, kT0 + 61 * kSecond), out).created);
  }
  EXPECT_EQ(table.size(), 100'000u);
  EXPECT_EQ(table.flush(out), 100'000u);
  (void)rng;
}

TEST(FlowTable, RecordFitsFourCacheLines) {
  EXPECT_EQ(sizeof(FlowRecord), 256u);
  EXPECT_EQ(alignof(FlowRecord), 64u);
}

TEST(FlowTable, AMillionFlowsFitIn512MiB) {
  FlowTable table(FlowConfig{.max_flows = 2'000'000});
  std::vector<FlowRecord> out;
  PacketView p = udp_packet("10.0.0.0", 1000, "192.0.2.1", 53, 30, kT0);
  for (std::uint32_t i = 0; i < 1'000'000; ++i) {
    p.src_ip.bytes[1] = static_cast<std::uint8_t>(i >> 16);
    p.src_ip.bytes[2] = static_cast<std::uint8_t>(i >> 8);
    p.src_ip.bytes[3] = static_cast<std::uint8_t>(i);
    p.ts = Timestamp{kT0 + i};
    ASSERT_TRUE(table.update(p, out).created);
  }
  EXPECT_EQ(table.size(), 1'000'000u);
  EXPECT_TRUE(out.empty());
  EXPECT_LE(table.memory_bytes(), std::size_t{512} << 20);
  EXPECT_LE(table.memory_bytes() / table.size(), 400u);
  RecordProperty("bytes_per_flow", static_cast<int>(table.memory_bytes() / table.size()));
}

}  // namespace
}  // namespace nta

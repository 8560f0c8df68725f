#include "features/feature_extractor.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include "features/feature_schema.h"
#include "flow/flow_table.h"
#include "flow/flow_test_util.h"

namespace nta {
namespace {

using namespace nta::test;
using namespace nta::test::flag;

constexpr std::int64_t kMs = 1'000'000;

double at(const std::array<double, kFeatureCount>& row, Feature f) { return row[index_of(f)]; }

// Drives packets through a flow table, a shape per flow and host windows the way the pipeline's
// feature stage does, and extracts the row of every final record.
struct Harness {
  FlowTable table;
  HostWindows hosts;
  std::vector<FlowShape> shapes;  // by creation order (the test's stand-in for app_slot)
  std::vector<FlowRecord> done;
  std::vector<std::array<double, kFeatureCount>> rows;
  std::int64_t clock = 0;

  void packet(const PacketView& p) {
    std::vector<FlowRecord> emitted;
    const FlowUpdate u = table.update(p, emitted);
    for (const FlowRecord& r : emitted) finish(r);
    if (u.flow == nullptr) return;
    clock = std::max(clock, p.ts.ns);
    if (u.created) {
      shapes.emplace_back();
      u.flow->app_slot = static_cast<std::uint32_t>(shapes.size());
      hosts.on_start(p.ts, u.flow->key.orig_addr, u.flow->key.resp_addr, port_key(*u.flow), flow_has_ports(*u.flow));
    }
    shapes[u.flow->app_slot - 1].add(p, u.from_originator);
  }
  void flush() {
    std::vector<FlowRecord> emitted;
    table.flush(emitted);
    for (const FlowRecord& r : emitted) finish(r);
  }
  void finish(const FlowRecord& r) {
    const Timestamp now{std::max(clock, r.last_ts.ns)};
    hosts.on_end(now, r.key.orig_addr, flow_outcome(r));
    std::array<double, kFeatureCount> row{};
    extract_features(r, shapes[r.app_slot - 1], hosts.snapshot(r.key.orig_addr, now), row);
    done.push_back(r);
    rows.push_back(row);
  }
};

void expect_all_finite(const std::array<double, kFeatureCount>& row) {
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    EXPECT_TRUE(std::isfinite(row[i])) << kFeatureSchema[i].name << " = " << row[i];
  }
}

TEST(FeatureExtractor, ExactValuesForAConstructedTcpConnection) {
  Harness h;
  const char* c = "10.0.0.1";
  const char* s = "10.0.0.2";
  h.packet(tcp_packet(c, 40000, s, 80, S, 1000, 0, 0, kT0, 29200));
  h.packet(tcp_packet(s, 80, c, 40000, SA, 5000, 1001, 0, kT0 + 1 * kMs, 65535));
  h.packet(tcp_packet(c, 40000, s, 80, A, 1001, 5001, 0, kT0 + 2 * kMs, 502));
  h.packet(tcp_packet(c, 40000, s, 80, PA, 1001, 5001, 100, kT0 + 3 * kMs, 502));
  h.packet(tcp_packet(s, 80, c, 40000, PA, 5001, 1101, 1000, kT0 + 13 * kMs, 501));
  h.packet(tcp_packet(c, 40000, s, 80, FA, 1101, 6001, 0, kT0 + 14 * kMs, 502));
  h.packet(tcp_packet(s, 80, c, 40000, FA, 6001, 1102, 0, kT0 + 15 * kMs, 501));
  h.packet(tcp_packet(c, 40000, s, 80, A, 1102, 6002, 0, kT0 + 16 * kMs, 502));
  h.flush();
  ASSERT_EQ(h.rows.size(), 1u);
  const FlowRecord& r = h.done[0];
  ASSERT_EQ(r.conn_state, ConnState::kSf);
  ASSERT_EQ(r.orig.payload_bytes, 100u);
  ASSERT_EQ(r.resp.payload_bytes, 1000u);
  const auto& row = h.rows[0];
  expect_all_finite(row);

  EXPECT_DOUBLE_EQ(at(row, Feature::kDuration), std::log1p(16'000.0));  // 16 ms in microseconds
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigPkts), std::log1p(5.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespPkts), std::log1p(3.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigBytes), std::log1p(300.0));   // 4 x 40 + 140
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespBytes), std::log1p(1120.0));  // 40 + 1040 + 40
  EXPECT_DOUBLE_EQ(at(row, Feature::kBytesPerPkt), 1420.0 / 8);
  EXPECT_DOUBLE_EQ(at(row, Feature::kPktRate), std::log1p(8 / 0.016));
  EXPECT_DOUBLE_EQ(at(row, Feature::kByteRate), std::log1p(1420 / 0.016));

  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigLenMin), 40);
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigLenMax), 140);
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigLenMean), 60);
  EXPECT_NEAR(at(row, Feature::kOrigLenStd), 40, 1e-12);
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespLenMin), 40);
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespLenMax), 1040);
  EXPECT_NEAR(at(row, Feature::kRespLenMean), 1120.0 / 3, 1e-12);
  EXPECT_NEAR(at(row, Feature::kRespLenStd), std::sqrt(222222.0 + 2.0 / 9), 1e-9);

  // Originator at 0, 2, 3, 14, 16 ms: gaps 2, 1, 11, 2 ms.
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigIatMin), std::log1p(1000.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigIatMax), std::log1p(11000.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigIatMean), std::log1p(4000.0));
  EXPECT_NEAR(at(row, Feature::kOrigIatStd), std::log1p(std::sqrt(16.5) * 1000), 1e-12);
  // Responder at 1, 13, 15 ms: gaps 12, 2 ms.
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespIatMin), std::log1p(2000.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespIatMax), std::log1p(12000.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespIatMean), std::log1p(7000.0));
  EXPECT_NEAR(at(row, Feature::kRespIatStd), std::log1p(5000.0), 1e-12);

  EXPECT_DOUBLE_EQ(at(row, Feature::kSyn), std::log1p(2.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kFin), std::log1p(2.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kRst), 0);
  EXPECT_DOUBLE_EQ(at(row, Feature::kPsh), std::log1p(2.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kAck), std::log1p(7.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kUrg), 0);
  EXPECT_DOUBLE_EQ(at(row, Feature::kOrigInitWin), 29200);
  EXPECT_DOUBLE_EQ(at(row, Feature::kRespInitWin), 65535);
  EXPECT_DOUBLE_EQ(at(row, Feature::kConnState), 0);     // SF
  EXPECT_DOUBLE_EQ(at(row, Feature::kProtoClass), 0);    // TCP
  EXPECT_DOUBLE_EQ(at(row, Feature::kDstPortClass), 1);  // 80: well-known
  EXPECT_DOUBLE_EQ(at(row, Feature::kPayloadShare), 1100.0 / 1420);

  EXPECT_DOUBLE_EQ(at(row, Feature::kSrcDstHosts), std::log1p(1.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kSrcDstPorts), std::log1p(1.0));
  EXPECT_DOUBLE_EQ(at(row, Feature::kSrcConnRate), std::log1p(1.0 / 60));
  EXPECT_DOUBLE_EQ(at(row, Feature::kSrcFailedShare), 0);
  EXPECT_DOUBLE_EQ(at(row, Feature::kSrcSynOnlyShare), 0);
  EXPECT_DOUBLE_EQ(at(row, Feature::kSrcBytesRatio), std::log1p(300.0) - std::log1p(1120.0));

  // Natural values undo the scaling.
  EXPECT_NEAR(natural_value(index_of(Feature::kDuration), at(row, Feature::kDuration)), 0.016, 1e-15);
  EXPECT_NEAR(natural_value(index_of(Feature::kOrigPkts), at(row, Feature::kOrigPkts)), 5.0, 1e-12);
  EXPECT_EQ(natural_value(index_of(Feature::kConnState), 7.0), 7.0);
}

TEST(FeatureExtractor, ScannerHostWindowAcrossFlows) {
  Harness h;
  // One host sends SYNs to 5 ports of 2 hosts; 3 answer with RST, 2 stay silent.
  for (int i = 0; i < 5; ++i) {
    const char* dst = i < 3 ? "10.0.0.2" : "10.0.0.3";
    const auto port = static_cast<std::uint16_t>(20 + i);
    h.packet(tcp_packet("10.0.0.1", 50000, dst, port, S, 7, 0, 0, kT0 + i * kMs));
    if (i < 3) h.packet(tcp_packet(dst, port, "10.0.0.1", 50000, RA, 0, 8, 0, kT0 + i * kMs + 100'000));
  }
  h.flush();  // emits in first-seen order
  ASSERT_EQ(h.rows.size(), 5u);
  const auto& last = h.rows[4];
  expect_all_finite(last);
  EXPECT_EQ(h.done[4].conn_state, ConnState::kS0);
  EXPECT_DOUBLE_EQ(at(last, Feature::kSrcDstHosts), std::log1p(2.0));
  EXPECT_DOUBLE_EQ(at(last, Feature::kSrcDstPorts), std::log1p(5.0));
  EXPECT_DOUBLE_EQ(at(last, Feature::kSrcConnRate), std::log1p(5.0 / 60));
  EXPECT_DOUBLE_EQ(at(last, Feature::kSrcFailedShare), 1.0);       // 3 REJ + 2 S0
  EXPECT_DOUBLE_EQ(at(last, Feature::kSrcSynOnlyShare), 2.0 / 5);  // the unanswered two
  EXPECT_DOUBLE_EQ(at(last, Feature::kConnState), 12);             // S0
  EXPECT_DOUBLE_EQ(at(h.rows[0], Feature::kConnState), 11);        // REJ
  // The first record sees only its own end, but all five starts.
  EXPECT_DOUBLE_EQ(at(h.rows[0], Feature::kSrcFailedShare), 1.0);
  EXPECT_DOUBLE_EQ(at(h.rows[0], Feature::kSrcDstPorts), std::log1p(5.0));
}

TEST(FeatureExtractor, DegenerateFlowsGiveFiniteDocumentedDefaults) {
  Harness h;
  h.packet(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 443, S, 1, 0, 0, kT0));                // a lone SYN
  h.packet(udp_packet("10.0.0.1", 5353, "224.0.0.251", 5353, 0, kT0 + 1));                  // empty UDP
  h.packet(icmp_packet("10.0.0.1", "10.0.0.9", 3, 1, 0, 0, kT0 + 2));                        // one-way ICMP
  h.packet(udp_packet("10.0.0.4", 60000, "10.0.0.5", 60001, 10, kT0 + 3));                  // two packets, same time
  h.packet(udp_packet("10.0.0.4", 60000, "10.0.0.5", 60001, 10, kT0 + 3));
  h.flush();
  ASSERT_EQ(h.rows.size(), 4u);
  for (const auto& row : h.rows) expect_all_finite(row);

  const auto& syn = h.rows[0];
  EXPECT_EQ(at(syn, Feature::kDuration), 0);
  EXPECT_DOUBLE_EQ(at(syn, Feature::kPktRate), std::log1p(1000.0));  // 1 packet over the 1 ms floor
  EXPECT_EQ(at(syn, Feature::kRespPkts), 0);
  EXPECT_EQ(at(syn, Feature::kRespLenMin), 0);
  EXPECT_EQ(at(syn, Feature::kRespLenMean), 0);
  EXPECT_EQ(at(syn, Feature::kOrigIatMin), 0);
  EXPECT_EQ(at(syn, Feature::kOrigIatStd), 0);
  EXPECT_EQ(at(syn, Feature::kRespInitWin), 0);
  EXPECT_EQ(at(syn, Feature::kPayloadShare), 0);
  EXPECT_EQ(at(syn, Feature::kSrcSynOnlyShare), 1);
  EXPECT_DOUBLE_EQ(at(syn, Feature::kSrcBytesRatio), std::log1p(40.0));

  const auto& icmp = h.rows[2];
  EXPECT_EQ(at(icmp, Feature::kProtoClass), 2);
  EXPECT_EQ(at(icmp, Feature::kDstPortClass), 0);
  EXPECT_EQ(at(icmp, Feature::kOrigInitWin), 0);
  EXPECT_EQ(at(icmp, Feature::kConnState), 6);  // OTH

  const auto& same_time = h.rows[3];
  EXPECT_EQ(at(same_time, Feature::kOrigIatMin), 0);
  EXPECT_EQ(at(same_time, Feature::kOrigIatMax), 0);
  EXPECT_EQ(at(same_time, Feature::kDstPortClass), 3);  // 60001: dynamic

  // A record with nothing in it, and one with counters at their limits.
  std::array<double, kFeatureCount> row{};
  row.fill(std::numeric_limits<double>::quiet_NaN());
  extract_features(FlowRecord{}, FlowShape{}, HostWindowSnapshot{}, row);
  expect_all_finite(row);
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    // An empty record is an OTH flow of IP protocol 0 ("other"); everything else is 0.
    const double expected = i == index_of(Feature::kConnState) ? 6 : i == index_of(Feature::kProtoClass) ? 3 : 0;
    EXPECT_EQ(row[i], expected) << kFeatureSchema[i].name;
  }
  FlowRecord big;
  big.key.ip_proto = ipproto::kTcp;
  big.orig.packets = big.orig.ip_bytes = big.orig.payload_bytes = ~std::uint64_t{0} / 2;
  big.resp = big.orig;
  big.last_ts = Timestamp{std::numeric_limits<std::int64_t>::max() / 2};  // ~146 years of duration
  big.first_ts = Timestamp{-(std::numeric_limits<std::int64_t>::max() / 2)};
  HostWindowSnapshot hw;
  hw.bytes_out = ~std::uint64_t{0};
  hw.ends = 1;
  hw.failed = 5;  // inconsistent on purpose: shares stay within [0, 1]
  hw.window_seconds = 60;
  extract_features(big, FlowShape{}, hw, row);
  expect_all_finite(row);
  EXPECT_EQ(at(row, Feature::kSrcFailedShare), 1);
}

TEST(FeatureExtractor, ConnStateCodesRunFromCompletedToBareAttempt) {
  std::set<std::uint8_t> codes;
  for (ConnState s : {ConnState::kS0, ConnState::kS1, ConnState::kSf, ConnState::kRej, ConnState::kS2, ConnState::kS3,
                      ConnState::kRsto, ConnState::kRstr, ConnState::kRstos0, ConnState::kRstrh, ConnState::kSh,
                      ConnState::kShr, ConnState::kOth}) {
    codes.insert(conn_state_code(s));
  }
  EXPECT_EQ(codes.size(), 13u);
  EXPECT_EQ(*codes.rbegin(), 12);
  EXPECT_EQ(conn_state_code(ConnState::kSf), 0);
  EXPECT_EQ(conn_state_code(ConnState::kS0), 12);
  EXPECT_TRUE(is_failed_state(ConnState::kS0));
  EXPECT_TRUE(is_failed_state(ConnState::kRej));
  EXPECT_TRUE(is_failed_state(ConnState::kRstos0));
  EXPECT_TRUE(is_failed_state(ConnState::kRsto));
  EXPECT_FALSE(is_failed_state(ConnState::kSf));
  EXPECT_FALSE(is_failed_state(ConnState::kS1));
  EXPECT_FALSE(is_failed_state(ConnState::kOth));
}

TEST(FeatureSchema, NamesAreUniqueAndScalesInvert) {
  std::set<std::string_view> names;
  for (const FeatureInfo& f : kFeatureSchema) {
    EXPECT_FALSE(f.name.empty());
    EXPECT_FALSE(f.unit.empty());
    EXPECT_FALSE(f.definition.empty());
    names.insert(f.name);
  }
  EXPECT_EQ(names.size(), kFeatureCount);
  EXPECT_EQ(kFeatureSchemaId, "nta-flow-features/1");
  EXPECT_EQ(feature_names().size(), kFeatureCount);
  EXPECT_EQ(find_feature("src_dst_ports"), index_of(Feature::kSrcDstPorts));
  EXPECT_EQ(find_feature("nope"), std::nullopt);
  for (std::size_t i = 0; i < kFeatureCount; ++i) {
    EXPECT_NEAR(natural_value(i, row_value(i, 123.25)), 123.25, 1e-9) << kFeatureSchema[i].name;
  }
  EXPECT_EQ(kFeatureSchema[index_of(Feature::kOrigIatStd)].name, "orig_iat_std");
  EXPECT_EQ(kFeatureSchema[index_of(Feature::kSrcBytesRatio)].name, "src_bytes_ratio");
}

}  // namespace
}  // namespace nta

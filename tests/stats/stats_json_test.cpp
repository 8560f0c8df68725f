// `nta stats --json`: the document parses, and its values are the statistics'.
#include "output/stats_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stats_test_packets.h"

namespace nta {
namespace {

using nlohmann::json;
using test::ip_packet;
using test::kEpoch;
using test::kSecond;
using test::tcp_packet;
using test::udp_packet;

TrafficStats sample_stats() {
  TrafficStats s;
  s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 443, tcpflag::kSyn, 60, kEpoch + kSecond / 4));
  s.add(tcp_packet("10.0.0.2", 443, "10.0.0.1", 40000, tcpflag::kSyn | tcpflag::kAck, 60,
                   kEpoch + kSecond / 2));
  s.add(tcp_packet("10.0.0.1", 40000, "10.0.0.2", 443, tcpflag::kAck, 1514, kEpoch + 2 * kSecond));
  s.add(udp_packet("10.0.0.1", 5000, "10.0.0.3", 53, 80, kEpoch + 2 * kSecond));
  PacketView bad = ip_packet("10.0.0.3", "10.0.0.1", ipproto::kUdp, 30, kEpoch + 2 * kSecond);
  bad.anomalies.set(Anomaly::kUdpTruncated);
  s.add(bad);
  return s;
}

json parse(const TrafficStats& s, StatsContext ctx = {}) {
  const std::string text = stats_json(s, ctx);
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  return json::parse(text);
}

TEST(StatsJson, RoundTripsTotalsAndSections) {
  const TrafficStats s = sample_stats();
  StatsContext ctx;
  ctx.inputs.push_back({"a.pcap", "Ethernet"});
  ctx.top = 5;
  const json j = parse(s, ctx);

  EXPECT_EQ(j["version"], kStatsJsonVersion);
  EXPECT_EQ(j["inputs"][0]["file"], "a.pcap");
  EXPECT_EQ(j["inputs"][0]["link_type"], "Ethernet");
  EXPECT_TRUE(j["filter"].is_null());
  EXPECT_EQ(j["top"], 5);
  EXPECT_EQ(j["interrupted"], false);
  EXPECT_TRUE(j["input_error"].is_null());

  const json& t = j["totals"];
  EXPECT_EQ(t["packets"], 5);
  EXPECT_EQ(t["bytes"], 60 + 60 + 1514 + 80 + 30);
  EXPECT_EQ(t["first"], "2024-02-19T14:30:00.250000Z");
  EXPECT_EQ(t["last"], "2024-02-19T14:30:02.000000Z");
  EXPECT_EQ(t["first_ns"], kEpoch + kSecond / 4);
  EXPECT_DOUBLE_EQ(t["duration_seconds"].get<double>(), 1.75);

  ASSERT_EQ(j["protocols"].size(), 2u);
  EXPECT_EQ(j["protocols"][0]["protocol"], "TCP");
  EXPECT_EQ(j["protocols"][0]["packets"], 3);
  EXPECT_EQ(j["protocols"][1]["protocol"], "UDP");
  EXPECT_EQ(j["protocols"][1]["bytes"], 110);

  const json& talkers = j["talkers"];
  EXPECT_EQ(talkers["distinct"], 3);
  EXPECT_EQ(talkers["top_by_bytes"][0]["address"], "10.0.0.1");
  EXPECT_EQ(talkers["top_by_bytes"][0]["sent_packets"], 3);
  EXPECT_EQ(talkers["top_by_bytes"][0]["sent_bytes"], 60 + 1514 + 80);
  EXPECT_EQ(talkers["top_by_bytes"][0]["received_bytes"], 60 + 30);
  EXPECT_EQ(talkers["top_by_packets"][0]["packets"], 5);
  EXPECT_EQ(talkers["past_cap"]["sent_packets"], 0);

  const json& ports = j["ports"];
  EXPECT_EQ(ports["packets_with_ports"], 4);  // the truncated UDP packet has no ports
  EXPECT_EQ(ports["bytes_with_ports"], 60 + 60 + 1514 + 80);
  EXPECT_EQ(ports["distinct"], 3);
  EXPECT_EQ(ports["top_destination"][0]["port"], 443);
  EXPECT_EQ(ports["top_destination"][0]["transport"], "tcp");
  EXPECT_EQ(ports["top_destination"][0]["service"], "ssl");
  EXPECT_EQ(ports["top_destination"][0]["packets"], 2);
  bool saw_ephemeral = false;
  for (const json& p : ports["top_destination"]) {
    if (p["port"] == 40000) {
      saw_ephemeral = true;
      EXPECT_TRUE(p["service"].is_null());
    }
  }
  EXPECT_TRUE(saw_ephemeral);

  EXPECT_EQ(j["services"]["by_port"][0]["service"], "ssl");
  EXPECT_EQ(j["services"]["by_port"][0]["packets"], 3);
  EXPECT_EQ(j["services"]["by_port"][1]["service"], "dns");
  EXPECT_EQ(j["services"]["no_port_service"]["packets"], 0);
  EXPECT_TRUE(j["services"]["by_content"].is_null());

  const json& conv = j["conversations"];
  EXPECT_EQ(conv["distinct"], 2);
  EXPECT_EQ(conv["top_by_bytes"][0]["a"], "10.0.0.1");
  EXPECT_EQ(conv["top_by_bytes"][0]["b"], "10.0.0.2");
  EXPECT_EQ(conv["top_by_bytes"][0]["a_to_b_packets"], 2);
  EXPECT_EQ(conv["top_by_bytes"][0]["b_to_a_packets"], 1);
  EXPECT_EQ(conv["top_by_bytes"][0]["bytes"], 60 + 60 + 1514);

  const json& tp = j["throughput"];
  EXPECT_EQ(tp["bucket_seconds"], 1);
  EXPECT_EQ(tp["start"], "2024-02-19T14:30:00.000000Z");
  EXPECT_EQ(tp["start_ns"], kEpoch);
  EXPECT_EQ(tp["buckets"], 3);
  EXPECT_EQ(tp["packets"], json::array({2, 0, 3}));
  EXPECT_EQ(tp["bytes"], json::array({120, 0, 1514 + 80 + 30}));
  EXPECT_DOUBLE_EQ(tp["packets_per_second"]["max"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(tp["bits_per_second"]["min"].get<double>(), 0.0);
  EXPECT_EQ(tp["busiest"][0]["index"], 2);
  EXPECT_EQ(tp["busiest"][0]["start"], "2024-02-19T14:30:02.000000Z");

  const json& sizes = j["packet_sizes"];
  ASSERT_EQ(sizes.size(), 7u);
  EXPECT_EQ(sizes[0]["min"], 0);
  EXPECT_EQ(sizes[0]["max"], 63);
  EXPECT_EQ(sizes[0]["packets"], 3);  // 60, 60, 30
  EXPECT_EQ(sizes[1]["packets"], 1);  // 80
  EXPECT_EQ(sizes[6]["min"], 1518);
  EXPECT_TRUE(sizes[6]["max"].is_null());
  EXPECT_EQ(sizes[5]["packets"], 1);  // 1514

  const json& f = j["tcp_flags"];
  EXPECT_EQ(f["tcp_packets"], 3);
  EXPECT_EQ(f["syn"], 1);
  EXPECT_EQ(f["syn_ack"], 1);
  EXPECT_EQ(f["ack"], 2);
  EXPECT_EQ(f["rst"], 0);

  EXPECT_TRUE(j["flow_states"].is_null());
  EXPECT_EQ(j["anomalies"]["packets"], 1);
  EXPECT_EQ(j["anomalies"]["counts"]["udp_truncated"], 1);
  EXPECT_EQ(j["anomalies"]["counts"]["tcp_truncated"], 0);
  EXPECT_EQ(j["anomalies"]["counts"].size(), static_cast<std::size_t>(kAnomalyCount));
}

TEST(StatsJson, FieldOrderAndNamesAreStable) {
  const auto j = nlohmann::ordered_json::parse(stats_json(sample_stats(), StatsContext{}));
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  const std::vector<std::string> expected = {
      "version",    "inputs",       "filter",    "top",         "interrupted", "input_error",
      "totals",     "protocols",    "talkers",   "ports",       "services",    "conversations",
      "throughput", "packet_sizes", "tcp_flags", "flow_states", "anomalies"};
  EXPECT_EQ(keys, expected);
}

TEST(StatsJson, FlowSectionsOnceFed) {
  TrafficStats s = sample_stats();
  s.add_flow_state("SF");
  s.add_flow_state("SF");
  s.add_flow_state("S0");
  s.add_flow_service("ssl", 3, 1634);
  StatsContext ctx;
  ctx.filter = "tcp or udp";
  ctx.interrupted = true;
  ctx.input_error = "'x.pcap': truncated";
  const json j = parse(s, ctx);
  EXPECT_EQ(j["filter"], "tcp or udp");
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["input_error"], "'x.pcap': truncated");
  EXPECT_EQ(j["flow_states"]["flows"], 3);
  EXPECT_EQ(j["flow_states"]["states"]["SF"], 2);
  EXPECT_EQ(j["flow_states"]["states"]["S0"], 1);
  EXPECT_EQ(j["services"]["by_content"][0]["service"], "ssl");
  EXPECT_EQ(j["services"]["by_content"][0]["flows"], 1);
  EXPECT_EQ(j["services"]["by_content"][0]["bytes"], 1634);
}

TEST(StatsJson, EmptyStatsAreValid) {
  const json j = parse(TrafficStats{});
  EXPECT_EQ(j["totals"]["packets"], 0);
  EXPECT_TRUE(j["totals"]["first"].is_null());
  EXPECT_EQ(j["throughput"]["buckets"], 0);
  EXPECT_TRUE(j["throughput"]["start"].is_null());
  EXPECT_TRUE(j["throughput"]["packets"].empty());
  EXPECT_TRUE(j["protocols"].empty());
}

}  // namespace
}  // namespace nta

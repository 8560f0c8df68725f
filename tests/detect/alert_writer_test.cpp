// The alert JSON lines, the scores document and the terminal tables.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "output/alert_printer.h"
#include "output/alert_writer.h"

namespace nta {
namespace {

Alert sample_alert() {
  Alert a;
  a.ts.ns = 1'708'353'045'123'456'789;  // 2024-02-19T14:30:45.123456Z
  a.detector = DetectorId::kDnsTunnel;
  a.severity = Severity::kHigh;
  a.summary = "tunnel \"quoted\" \\ back\tslash \x01";
  a.mitre = "T1071.004";
  parse_ip("192.168.1.4", a.src);
  parse_ip("2001:db8::1", a.dest);
  a.first_seen.ns = a.ts.ns - 5'000'000'000;
  a.last_seen = a.ts;
  a.add("queries", std::uint64_t{25});
  a.add("rate", 1.5);
  a.add("domain", std::string("t.example"));
  a.add("ports", std::vector<std::int64_t>{22, 23});
  a.add("targets", std::vector<std::string>{"10.0.0.1", "10.0.0.2"});
  return a;
}

TEST(AlertJson, AssetContextOfEitherEnd) {
  Alert a = sample_alert();
  AssetInfo dest;
  dest.hostname = "files.lan";
  dest.os = "Linux 5.0 - 5.4 (96%)";
  dest.open_services = {"21/tcp ftp vsftpd 3.0.5", "22/tcp ssh"};
  dest.exposure = 1.2;
  a.dest_asset = dest;
  a.src_asset = AssetInfo{};  // known, but nothing to say
  const std::string line = alert_json(a);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["dest_asset"]["hostname"], "files.lan");
  EXPECT_EQ(j["dest_asset"]["os"], "Linux 5.0 - 5.4 (96%)");
  EXPECT_EQ(j["dest_asset"]["open_services"], nlohmann::json::array({"21/tcp ftp vsftpd 3.0.5", "22/tcp ssh"}));
  EXPECT_EQ(j["dest_asset"]["exposure"], 1.2);
  EXPECT_TRUE(j["src_asset"]["hostname"].is_null());
  EXPECT_TRUE(j["src_asset"]["os"].is_null());
  EXPECT_EQ(j["src_asset"]["open_services"], nlohmann::json::array());
  EXPECT_LT(line.find("\"src_asset\""), line.find("\"dest_asset\""));
  EXPECT_FALSE(nlohmann::json::parse(alert_json(sample_alert())).contains("dest_asset"));
}

TEST(AlertJson, HasTheDocumentedShapeAndEscapesStrings) {
  const std::string line = alert_json(sample_alert());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["timestamp"], "2024-02-19T14:30:45.123456Z");
  EXPECT_EQ(j["event_type"], "alert");
  EXPECT_EQ(j["src_ip"], "192.168.1.4");
  EXPECT_EQ(j["dest_ip"], "2001:db8::1");
  EXPECT_EQ(j["alert"]["id"], "dns_tunnel");
  EXPECT_EQ(j["alert"]["severity"], "high");
  EXPECT_EQ(j["alert"]["mitre"], "T1071.004");
  EXPECT_EQ(j["alert"]["summary"], "tunnel \"quoted\" \\ back\tslash \x01");
  EXPECT_EQ(j["first_seen"], "2024-02-19T14:30:40.123456Z");
  EXPECT_EQ(j["last_seen"], "2024-02-19T14:30:45.123456Z");
  EXPECT_EQ(j["evidence"]["queries"], 25);
  EXPECT_EQ(j["evidence"]["rate"], 1.5);
  EXPECT_EQ(j["evidence"]["domain"], "t.example");
  EXPECT_EQ(j["evidence"]["ports"], nlohmann::json::array({22, 23}));
  EXPECT_EQ(j["evidence"]["targets"][1], "10.0.0.2");
  EXPECT_FALSE(j.contains("community_id"));
  EXPECT_FALSE(j.contains("anomaly"));
  // Control characters are escaped, never written raw.
  for (const char c : line) EXPECT_GE(static_cast<unsigned char>(c), 0x20);
  // Keys come in the documented order.
  EXPECT_LT(line.find("\"timestamp\""), line.find("\"event_type\""));
  EXPECT_LT(line.find("\"alert\""), line.find("\"first_seen\""));
  EXPECT_LT(line.find("\"last_seen\""), line.find("\"evidence\""));
}

TEST(AlertJson, OneFlowAlertsCarryCommunityIdAndAnomaly) {
  Alert a = sample_alert();
  a.src = IpAddress{};
  a.community_id = "1:LQU9qZlK+B5F3KDmev6m5PMibrg=";
  a.anomaly = AlertAnomaly{0.71, true, {{"orig_bytes", 2e7, 0.5}}};
  const auto j = nlohmann::json::parse(alert_json(a));
  EXPECT_FALSE(j.contains("src_ip"));
  EXPECT_EQ(j["community_id"], "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
  EXPECT_DOUBLE_EQ(j["anomaly"]["score"].get<double>(), 0.71);
  EXPECT_EQ(j["anomaly"]["flagged"], true);
  EXPECT_EQ(j["anomaly"]["top_features"][0]["feature"], "orig_bytes");
}

TEST(AlertWriter, WritesOneLinePerAlert) {
  const std::string path = ::testing::TempDir() + "/alert_writer_test.jsonl";
  {
    AlertWriter w(path);
    w.write(sample_alert());
    w.write(sample_alert());
    EXPECT_EQ(w.rows(), 2u);
  }
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    EXPECT_EQ(nlohmann::json::parse(line)["event_type"], "alert");
    ++n;
  }
  EXPECT_EQ(n, 2);
  std::remove(path.c_str());
}

TEST(ThreatScoresJson, RanksHostsWithRolesAndReasons) {
  HostThreat h;
  h.label = "10.0.0.1";
  h.score = 45;
  h.attacker = true;
  h.alerts = 1;
  h.by_severity[2] = 1;
  h.reasons = {"high port_scan as attacker"};
  ScoresContext ctx;
  ctx.end.ns = 1'708'353'045'000'000'000;
  ctx.half_life_seconds = 3600;
  ctx.alerts.raised = 1;
  ctx.alerts.by_detector[0] = 1;
  ctx.evictions.assign(kDetectorCount, 0);
  const auto j = nlohmann::json::parse(threat_scores_json({h}, ctx));
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["hosts"][0]["rank"], 1);
  EXPECT_EQ(j["hosts"][0]["host"], "10.0.0.1");
  EXPECT_EQ(j["hosts"][0]["roles"], nlohmann::json::array({"attacker"}));
  EXPECT_EQ(j["hosts"][0]["alerts"]["high"], 1);
  EXPECT_TRUE(j["hosts"][0]["max_anomaly_score"].is_null());
  EXPECT_EQ(j["alerts_by_detector"]["port_scan"], 1);
  EXPECT_EQ(j["state_evictions"]["beaconing"], 0);
}

TEST(AlertTable, CapsRowsCountsTheRestAndEscapesCells) {
  std::vector<Alert> alerts;
  for (int i = 0; i < 5; ++i) {
    Alert a = sample_alert();
    a.severity = i == 3 ? Severity::kCritical : Severity::kLow;
    a.summary = i == 3 ? "the critical one" : "a low one \x1b[31m";
    alerts.push_back(a);
  }
  AlertTableContext ctx;
  ctx.max_alert_rows = 2;
  ctx.counters.raised = 5;
  ctx.alerts_path = "out.jsonl";
  const std::string path = ::testing::TempDir() + "/alert_table_test.txt";
  {
    BufferedWriter out(path);
    print_alerts(out, alerts, {}, ctx);
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  EXPECT_NE(text.find("Alerts (5 raised)"), std::string::npos) << text;
  const std::size_t critical = text.find("the critical one");
  ASSERT_NE(critical, std::string::npos);
  EXPECT_LT(critical, text.find("a low one"));  // the most severe first
  EXPECT_NE(text.find("... and 3 more alerts in out.jsonl"), std::string::npos) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos);  // the escape sequence is shown, not sent
  EXPECT_NE(text.find("\\x1b[31m"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace nta

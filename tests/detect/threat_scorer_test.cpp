// Threat scores: monotonic in severity and count, decaying with age, roles, anomalies, assets.
#include <gtest/gtest.h>

#include "detect/threat_scorer.h"
#include "ml/anomaly_verdict.h"

namespace nta {
namespace {

constexpr std::int64_t kSec = 1'000'000'000;
constexpr std::int64_t kEnd = 1'700'000'000 * kSec;

Alert alert(DetectorId d, Severity s, const char* src, const char* dst, std::int64_t age_s) {
  Alert a;
  a.detector = d;
  a.severity = s;
  if (src != nullptr) parse_ip(src, a.src);
  if (dst != nullptr) parse_ip(dst, a.dest);
  a.ts.ns = a.first_seen.ns = a.last_seen.ns = kEnd - age_s * kSec;
  return a;
}

double score_of(const std::vector<HostThreat>& hosts, const char* label) {
  for (const HostThreat& h : hosts) {
    if (h.label == label) return h.score;
  }
  return -1;
}

const ThreatScorer& scorer() {
  static const ThreatScorer s{GlobalRules{}};
  return s;
}

TEST(ThreatScorer, HigherSeverityScoresHigher) {
  double last = 0;
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    const auto hosts = scorer().score({alert(DetectorId::kPortScan, s, "10.0.0.1", "10.0.0.2", 0)}, Timestamp{kEnd});
    const double v = score_of(hosts, "10.0.0.1");
    EXPECT_GT(v, last) << severity_name(s);
    EXPECT_LE(v, 100);
    last = v;
  }
}

TEST(ThreatScorer, MoreAlertsScoreHigherWithDiminishingReturns) {
  std::vector<Alert> alerts;
  std::vector<double> scores;
  for (int n = 1; n <= 6; ++n) {
    alerts.push_back(alert(DetectorId::kPortScan, Severity::kMedium, "10.0.0.1", "10.0.0.2", 0));
    scores.push_back(score_of(scorer().score(alerts, Timestamp{kEnd}), "10.0.0.1"));
  }
  for (std::size_t i = 1; i < scores.size(); ++i) {
    EXPECT_GT(scores[i], scores[i - 1]);
    if (i >= 2) {
      EXPECT_LT(scores[i] - scores[i - 1], scores[i - 1] - scores[i - 2] + 1e-9);
    }
  }
  EXPECT_LT(scores.back(), 100);
}

TEST(ThreatScorer, OlderAlertsWeighLessHalvingPerHalfLife) {
  const auto now = score_of(scorer().score({alert(DetectorId::kSynFlood, Severity::kHigh, "10.0.0.1", nullptr, 0)},
                                           Timestamp{kEnd}),
                            "10.0.0.1");
  const auto hour = score_of(scorer().score({alert(DetectorId::kSynFlood, Severity::kHigh, "10.0.0.1", nullptr, 3600)},
                                            Timestamp{kEnd}),
                             "10.0.0.1");
  const auto day = score_of(scorer().score({alert(DetectorId::kSynFlood, Severity::kHigh, "10.0.0.1", nullptr, 86400)},
                                           Timestamp{kEnd}),
                            "10.0.0.1");
  EXPECT_NEAR(now, 45.0, 0.05);
  EXPECT_NEAR(hour, 22.5, 0.05);  // one half-life (3600 s by default)
  EXPECT_LT(day, 0.1);
}

TEST(ThreatScorer, AttackersOutscoreTheirVictimsAndBothAreListed) {
  const auto hosts =
      scorer().score({alert(DetectorId::kBruteForce, Severity::kHigh, "203.0.113.5", "192.168.1.9", 0)}, Timestamp{kEnd});
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts[0].label, "203.0.113.5");
  EXPECT_TRUE(hosts[0].attacker);
  EXPECT_EQ(hosts[1].label, "192.168.1.9");
  EXPECT_TRUE(hosts[1].victim);
  EXPECT_GT(hosts[0].score, hosts[1].score);
  ASSERT_FALSE(hosts[0].reasons.empty());
  EXPECT_EQ(hosts[0].reasons[0].rfind("high brute_force as attacker", 0), 0u) << hosts[0].reasons[0];
  // Peers of tunnels and beacons are listed as peers.
  const auto tunnel =
      scorer().score({alert(DetectorId::kDnsTunnel, Severity::kHigh, "192.168.1.4", "192.168.1.1", 0)}, Timestamp{kEnd});
  EXPECT_TRUE(tunnel[1].peer);
  EXPECT_EQ(tunnel[1].roles(), "peer");
}

TEST(ThreatScorer, FlaggedFlowsAddToTheOriginatorsScore) {
  ThreatScorer s{GlobalRules{}};
  FlowRecord r;
  parse_ip("10.9.9.9", r.key.orig_addr);
  parse_ip("10.9.9.10", r.key.resp_addr);
  AnomalyVerdict v;
  v.score = 0.75;
  v.flagged = true;
  for (int i = 0; i < 15; ++i) s.add_verdict(r, v);
  AnomalyVerdict calm;
  calm.score = 0.4;
  s.add_verdict(r, calm);  // not flagged: ignored
  const auto hosts = s.score({}, Timestamp{kEnd});
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].label, "10.9.9.9");
  EXPECT_EQ(hosts[0].flagged_flows, 15u);
  EXPECT_GT(hosts[0].score, 0);
  EXPECT_LE(hosts[0].score, 30);
  EXPECT_NE(hosts[0].reasons[0].find("15 flows flagged by the Isolation Forest"), std::string::npos);
}

class Inventory : public AssetContext {
 public:
  std::optional<AssetInfo> find_asset(const IpAddress& a) const override {
    if (to_string(a) == "192.168.1.9") return AssetInfo{1.5, "db01", "(database server)", "", "", {}};
    return std::nullopt;
  }
};

TEST(ThreatScorer, AssetExposureWeighsTheScore) {
  Inventory inventory;
  ThreatScorer with{GlobalRules{}, &inventory};
  const std::vector<Alert> alerts{alert(DetectorId::kPortScan, Severity::kMedium, "10.0.0.1", "192.168.1.9", 0)};
  const double plain = score_of(scorer().score(alerts, Timestamp{kEnd}), "192.168.1.9");
  const auto hosts = with.score(alerts, Timestamp{kEnd});
  EXPECT_NEAR(score_of(hosts, "192.168.1.9"), plain * 1.5, 0.11);
  EXPECT_NEAR(score_of(hosts, "10.0.0.1"), score_of(scorer().score(alerts, Timestamp{kEnd}), "10.0.0.1"), 1e-9);
  for (const HostThreat& h : hosts) {
    if (h.label == "192.168.1.9") {
      EXPECT_EQ(h.reasons.back(), "asset exposure x1.50: db01 (database server)");
    }
  }
}

TEST(ThreatScorer, SpoofedFloodsScoreOnlyTheVictimAndArpAttackersByMac) {
  Alert flood = alert(DetectorId::kSynFlood, Severity::kCritical, nullptr, "10.10.10.10", 0);
  Alert arp = alert(DetectorId::kArpSpoof, Severity::kHigh, nullptr, "10.0.0.1", 0);
  arp.src_mac = "02:00:00:00:00:42";
  const auto hosts = scorer().score({flood, arp}, Timestamp{kEnd});
  ASSERT_EQ(hosts.size(), 3u);
  EXPECT_EQ(hosts[0].label, "02:00:00:00:00:42");
  EXPECT_GT(score_of(hosts, "10.10.10.10"), 0);
}

}  // namespace
}  // namespace nta

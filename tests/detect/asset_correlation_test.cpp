// The correlation findings (unexpected_service, unknown_host, risky_service) and the asset
// context on alerts, against a fake inventory: each finding on the right host and port and not
// otherwise, once per key, and nothing without an inventory.
#include <gtest/gtest.h>

#include <map>
#include <tuple>

#include "detect_harness.h"

namespace nta {
namespace {

using namespace nta::test;

constexpr std::uint8_t kS = 0x02;
constexpr std::uint8_t kSA = 0x12;
constexpr std::uint8_t kRA = 0x14;
constexpr std::uint8_t kA = 0x10;

const Ip4 kServer = v4(10, 0, 0, 1);   // known, scanned: 23 open (telnet), 80 open, 8080 closed, 9090 filtered
const Ip4 kClient = v4(10, 0, 0, 2);   // known, nothing open
const Ip4 kStranger = v4(10, 0, 0, 77);  // in the scanned network, never found up
const Ip4 kOutside = v4(8, 8, 4, 4);   // outside every scanned network

// The inventory above; counts the questions to show verdicts are kept.
class FakeInventory : public AssetContext {
 public:
  std::optional<AssetInfo> find_asset(const IpAddress& a) const override {
    ++asset_calls;
    if (to_string(a) != text_of(kServer)) return std::nullopt;
    AssetInfo info;
    info.exposure = 1.5;
    info.hostname = "srv1";
    info.name = "srv1";
    info.os = "Linux 5.4 (98%)";
    info.open_services = {"23/tcp telnet", "80/tcp http"};
    return info;
  }
  bool known_host(const IpAddress& a) const override {
    ++host_calls;
    return to_string(a) == text_of(kServer) || to_string(a) == text_of(kClient);
  }
  bool in_scanned_network(const IpAddress& a) const override {
    return a.family == IpFamily::kV4 && a.bytes[0] == 10 && a.bytes[1] == 0 && a.bytes[2] == 0;
  }
  AssetPortState port_state(const IpAddress& a, std::uint8_t proto, std::uint16_t port) const override {
    ++port_calls;
    if (to_string(a) != text_of(kServer)) return AssetPortState::kUnknown;
    if (proto == 6 && (port == 23 || port == 80)) return AssetPortState::kOpen;
    if (proto == 6 && port == 8080) return AssetPortState::kClosed;
    if (proto == 6 && port == 9090) return AssetPortState::kFiltered;
    if (proto == 17 && port == 161) return AssetPortState::kClosedFiltered;
    if (proto == 17 && port == 5353) return AssetPortState::kOther;
    return AssetPortState::kUnknown;
  }
  std::optional<RiskyServiceMatch> find_risky_service(const IpAddress& a, std::uint8_t proto,
                                                      std::uint16_t port) const override {
    ++risky_calls;
    if (to_string(a) == text_of(kServer) && proto == 6 && port == 23) {
      return RiskyServiceMatch{"telnet", "cleartext remote login", "telnet Linux telnetd"};
    }
    return std::nullopt;
  }
  mutable int asset_calls = 0;
  mutable int host_calls = 0;
  mutable int port_calls = 0;
  mutable int risky_calls = 0;
};

// One TCP connection attempt from client:sport to server:port, answered with `answer` flags
// (0: not answered), then (when answered SYN-ACK) the client's ACK.
void connect(Harness& h, const Ip4& client, std::uint16_t sport, const Ip4& server, std::uint16_t port,
             std::uint8_t answer, std::int64_t t) {
  h.send(tcp_frame(client, sport, server, port, kS), t);
  if (answer == 0) return;
  h.send(tcp_frame(server, port, client, sport, answer, {}, 5000, 1001), t + kMs);
  if (answer == kSA) h.send(tcp_frame(client, sport, server, port, kA, {}, 1001, 5001), t + 2 * kMs);
}

TEST(UnexpectedService, FiresWhenAPortScannedClosedOrFilteredAnswers) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  connect(h, kClient, 40000, kServer, 8080, kSA, kStart);
  connect(h, kClient, 40001, kServer, 9090, kSA, kStart + kSec);
  connect(h, kClient, 40002, kServer, 80, kSA, kStart + 2 * kSec);    // open in the scan
  connect(h, kClient, 40003, kServer, 7777, kSA, kStart + 3 * kSec);  // never scanned
  const auto alerts = h.alerts(DetectorId::kUnexpectedService);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kServer));
  EXPECT_TRUE(alerts[0].dest.empty());
  EXPECT_EQ(evidence_text(alerts[0], "client"), text_of(kClient));
  EXPECT_EQ(evidence_int(alerts[0], "port"), 8080);
  EXPECT_EQ(evidence_text(alerts[0], "scan_state"), "closed");
  EXPECT_EQ(evidence_text(alerts[0], "protocol"), "tcp");
  EXPECT_EQ(evidence_text(alerts[0], "flow_uid").size(), 17u);  // "C" + 16 base62 digits
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  EXPECT_EQ(alerts[0].mitre, "T1205");
  EXPECT_EQ(evidence_int(alerts[1], "port"), 9090);
  EXPECT_EQ(evidence_text(alerts[1], "scan_state"), "filtered");
}

TEST(UnexpectedService, RefusedConnectionsAndUnansweredSynsAreNoService) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  connect(h, kClient, 40000, kServer, 8080, kRA, kStart);  // closed, as scanned
  connect(h, kClient, 40001, kServer, 9090, 0, kStart + kSec);
  EXPECT_EQ(h.count(DetectorId::kUnexpectedService), 0u);
}

TEST(UnexpectedService, UdpRepliesCountAndOpenFilteredSaysNothing) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  h.send(udp_frame(kClient, 50000, kServer, 161, zeros(20)), kStart);
  h.send(udp_frame(kServer, 161, kClient, 50000, zeros(40)), kStart + kMs);
  h.send(udp_frame(kClient, 50001, kServer, 5353, zeros(20)), kStart + kSec);
  h.send(udp_frame(kServer, 5353, kClient, 50001, zeros(40)), kStart + kSec + kMs);
  const auto alerts = h.alerts(DetectorId::kUnexpectedService);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(evidence_int(alerts[0], "port"), 161);
  EXPECT_EQ(evidence_text(alerts[0], "protocol"), "udp");
  EXPECT_EQ(evidence_text(alerts[0], "scan_state"), "closed|filtered");
}

TEST(UnexpectedService, OncePerServiceAndTheInventoryIsAskedOnce) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  for (int i = 0; i < 20; ++i) {
    connect(h, i % 2 == 0 ? kClient : v4(10, 0, 0, 3), static_cast<std::uint16_t>(41000 + i), kServer, 8080, kSA,
            kStart + i * kSec);
  }
  EXPECT_EQ(h.count(DetectorId::kUnexpectedService), 1u);
  EXPECT_EQ(inv.port_calls, 1);
  // After the throttle period the same service is reported again.
  connect(h, kClient, 42000, kServer, 8080, kSA, kStart + 400 * kSec);
  EXPECT_EQ(h.count(DetectorId::kUnexpectedService), 2u);
}

TEST(UnknownHost, FiresForAnActiveAddressInAScannedNetworkNoScanFoundUp) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  connect(h, kStranger, 40000, kServer, 80, kSA, kStart);
  for (int i = 1; i < 10; ++i) connect(h, kStranger, static_cast<std::uint16_t>(40000 + i), kServer, 80, kSA, kStart + i * kSec);
  connect(h, kClient, 40100, kServer, 80, kSA, kStart + 20 * kSec);   // known hosts
  connect(h, kOutside, 40200, kServer, 80, kSA, kStart + 21 * kSec);  // not in a scanned network
  const auto alerts = h.alerts(DetectorId::kUnknownHost);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kStranger));
  EXPECT_TRUE(alerts[0].dest.empty());
  EXPECT_EQ(evidence_text(alerts[0], "activity"), "originated");
  EXPECT_EQ(evidence_text(alerts[0], "peer"), text_of(kServer));
  EXPECT_EQ(evidence_int(alerts[0], "port"), 80);
  EXPECT_EQ(alerts[0].severity, Severity::kLow);
  EXPECT_EQ(alerts[0].mitre, "T1200");
}

TEST(UnknownHost, AnsweringCountsAndSpoofedOrRefusedSourcesDoNot) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  // An unknown host answers a known client: active as a responder.
  connect(h, kClient, 40000, v4(10, 0, 0, 88), 22, kSA, kStart);
  // SYNs from an address nobody answers, and one only refused: no proof the address is in use.
  connect(h, v4(10, 0, 0, 99), 40001, kServer, 80, 0, kStart + kSec);
  connect(h, v4(10, 0, 0, 98), 40002, kServer, 81, kRA, kStart + 2 * kSec);
  const auto alerts = h.alerts(DetectorId::kUnknownHost);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), "10.0.0.88");
  EXPECT_EQ(evidence_text(alerts[0], "activity"), "answered");
  EXPECT_EQ(evidence_text(alerts[0], "peer"), text_of(kClient));
}

TEST(RiskyService, FiresOnAConnectionAttemptToARiskyServiceOncePerService) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  connect(h, kClient, 40000, kServer, 23, kSA, kStart);
  connect(h, kStranger, 40001, kServer, 23, 0, kStart + kSec);  // a second client: same service, no new alert
  connect(h, kClient, 40002, kServer, 80, kSA, kStart + 2 * kSec);  // open but not risky
  const auto alerts = h.alerts(DetectorId::kRiskyService);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(to_string(a.src), text_of(kClient));
  EXPECT_EQ(to_string(a.dest), text_of(kServer));
  EXPECT_EQ(evidence_int(a, "port"), 23);
  EXPECT_EQ(evidence_text(a, "risk"), "telnet");
  EXPECT_EQ(evidence_text(a, "service"), "telnet Linux telnetd");
  EXPECT_EQ(a.mitre, "T1021");
  EXPECT_EQ(inv.risky_calls, 2);  // (server, 23) once, (server, 80) once
}

TEST(AssetContext, RaisedAlertsCarryWhatTheInventoryKnowsOfTheirHosts) {
  FakeInventory inv;
  Harness h(RulesConfig{}, &inv);
  connect(h, kClient, 40000, kServer, 23, kSA, kStart);
  const auto alerts = h.alerts(DetectorId::kRiskyService);
  ASSERT_EQ(alerts.size(), 1u);
  ASSERT_TRUE(alerts[0].dest_asset.has_value());
  EXPECT_EQ(alerts[0].dest_asset->hostname, "srv1");
  EXPECT_EQ(alerts[0].dest_asset->os, "Linux 5.4 (98%)");
  EXPECT_EQ(alerts[0].dest_asset->open_services, (std::vector<std::string>{"23/tcp telnet", "80/tcp http"}));
  EXPECT_FALSE(alerts[0].src_asset.has_value());  // the fake knows nothing more of the client
  // The scores weigh the server by its exposure.
  int seen = 0;
  for (const HostThreat& t : h.engine.scores()) {
    if (t.label != text_of(kServer)) continue;
    ++seen;
    EXPECT_DOUBLE_EQ(t.exposure, 1.5);
  }
  EXPECT_EQ(seen, 1);
}

TEST(AssetCorrelation, NothingWithoutAnInventoryOrWithTheFindingsOff) {
  FakeInventory inv;
  Harness plain;
  RulesConfig off = rules_from("[unexpected_service]\nenabled = false\n[unknown_host]\nenabled = false\n"
                               "[risky_service]\nenabled = false\n");
  Harness disabled(off, &inv);
  for (Harness* h : {&plain, &disabled}) {
    connect(*h, kClient, 40000, kServer, 8080, kSA, kStart);
    connect(*h, kStranger, 40001, kServer, 23, kSA, kStart + kSec);
    for (DetectorId id : {DetectorId::kUnexpectedService, DetectorId::kUnknownHost, DetectorId::kRiskyService}) {
      EXPECT_EQ(h->count(id), 0u) << detector_name(id);
    }
  }
  EXPECT_EQ(inv.port_calls + inv.risky_calls + inv.host_calls, 0);
}

TEST(AssetCorrelation, SeverityComesFromTheRules) {
  FakeInventory inv;
  Harness h(rules_from("[risky_service]\nseverity = critical\n"), &inv);
  connect(h, kClient, 40000, kServer, 23, kSA, kStart);
  const auto alerts = h.alerts(DetectorId::kRiskyService);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kCritical);
}

TEST(AssetCorrelation, DetectorNamesAreStable) {
  EXPECT_EQ(detector_name(DetectorId::kUnexpectedService), "unexpected_service");
  EXPECT_EQ(detector_name(DetectorId::kUnknownHost), "unknown_host");
  EXPECT_EQ(detector_name(DetectorId::kRiskyService), "risky_service");
  EXPECT_EQ(find_detector("risky_service"), DetectorId::kRiskyService);
  EXPECT_EQ(dest_role(DetectorId::kRiskyService), DestRole::kVictim);
}

}  // namespace
}  // namespace nta

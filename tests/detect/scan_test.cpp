// port_scan, horizontal_scan and ping_sweep on constructed traffic.
#include <gtest/gtest.h>

#include "detect_harness.h"

namespace nta {
namespace {

using namespace nta::test;

constexpr std::uint8_t kS = 0x02;
constexpr std::uint8_t kSA = 0x12;
constexpr std::uint8_t kRA = 0x14;
constexpr std::uint8_t kA = 0x10;
constexpr std::uint8_t kF = 0x01;
constexpr std::uint8_t kPA = 0x18;

const Ip4 kScanner = v4(10, 0, 0, 5);
const Ip4 kTarget = v4(10, 0, 0, 9);

// SYN probes from kScanner to ports [first, last] of kTarget, 1 ms apart from `t`; closed ports
// answer RST-ACK, `open` ports SYN-ACK. Returns the time after the last probe.
std::int64_t syn_scan(Harness& h, std::uint16_t first, std::uint16_t last, std::int64_t t, bool all_open = false) {
  for (unsigned port = first; port <= last; ++port) {
    const auto p = static_cast<std::uint16_t>(port);
    h.send(tcp_frame(kScanner, 40000, kTarget, p, kS), t);
    h.send(tcp_frame(kTarget, p, kScanner, 40000, all_open ? kSA : kRA, {}, 5000, 1001), t + 100'000);
    t += kMs;
  }
  return t;
}

TEST(PortScan, FiresOnSynScanOfManyClosedPortsNamingScannerAndTarget) {
  Harness h;
  syn_scan(h, 1, 30, kStart);
  const auto alerts = h.alerts(DetectorId::kPortScan);
  ASSERT_EQ(alerts.size(), 1u);
  const Alert& a = alerts[0];
  EXPECT_EQ(to_string(a.src), text_of(kScanner));
  EXPECT_EQ(to_string(a.dest), text_of(kTarget));
  EXPECT_EQ(a.severity, Severity::kMedium);
  EXPECT_EQ(a.mitre, "T1046");
  EXPECT_EQ(evidence_int(a, "ports_unanswered"), 15);  // raised when the 15th closed port was probed
  EXPECT_EQ(evidence_text(a, "port_range"), "1-15");
  EXPECT_EQ(h.count(DetectorId::kHorizontalScan), 0u);
  EXPECT_EQ(h.count(DetectorId::kSynFlood), 0u);
}

TEST(PortScan, SilentBelowThreshold) {
  Harness h;
  syn_scan(h, 1, 14, kStart);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
}

TEST(PortScan, OpenPortsAnsweredWithSynAckDoNotCount) {
  // Like FTP passive data connections: many ports of one server, every one open.
  Harness h;
  syn_scan(h, 20000, 20060, kStart, true);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
}

TEST(PortScan, ThresholdFromRules) {
  Harness h(rules_from("[port_scan]\nmin_ports = 40\n"));
  syn_scan(h, 1, 39, kStart);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
  syn_scan(h, 40, 41, kStart + kSec);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 1u);
}

TEST(PortScan, FinNullXmasProbesOfThreePortsAreHighSeverity) {
  Harness h;
  h.send(tcp_frame(kScanner, 41000, kTarget, 3390, kF), kStart);
  h.send(tcp_frame(kScanner, 41001, kTarget, 3391, 0x00), kStart + kMs);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
  h.send(tcp_frame(kScanner, 41002, kTarget, 3392, 0x29), kStart + 2 * kMs);  // FIN+PSH+URG
  const auto alerts = h.alerts(DetectorId::kPortScan);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(evidence_int(alerts[0], "stealth_probes"), 3);
}

TEST(PortScan, UdpProbesRefusedByIcmpPortUnreachableCount) {
  Harness h;
  std::int64_t t = kStart;
  for (std::uint16_t port = 100; port < 120; ++port) {
    h.send(udp_frame(kScanner, 50000, kTarget, port, zeros(8)), t);
    h.send(icmp_frame(kTarget, kScanner, 3, 3, 0, 0, zeros(36)), t + 50'000);
    t += 2 * kMs;
  }
  const auto alerts = h.alerts(DetectorId::kPortScan);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(evidence_int(alerts[0], "udp_probes"), 15);
  // The port unreachables are errors answering the scanner: no ICMP flood of the scanner.
  EXPECT_EQ(h.count(DetectorId::kIcmpFlood), 0u);
}

TEST(PortScan, UdpAnsweredFromServicePortsIsNotAProbe) {
  // Replies from port 53 to ephemeral ports (answers to queries sent before the capture began).
  Harness h;
  for (std::uint16_t port = 40000; port < 40050; ++port) {
    h.send(udp_frame(kTarget, 53, kScanner, port, zeros(40)), kStart + port * kMs);
  }
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
}

TEST(PortScan, RepeatsAreThrottledAndEscalationsAndNewPeriodsRaiseAgain) {
  Harness h;
  std::int64_t t = syn_scan(h, 1, 60, kStart);
  ASSERT_EQ(h.count(DetectorId::kPortScan), 1u);  // medium at 15 ports, nothing more up to 60
  t = syn_scan(h, 61, 300, t);
  auto alerts = h.alerts(DetectorId::kPortScan);
  ASSERT_EQ(alerts.size(), 2u);  // severity rose to high at 100 unanswered ports
  EXPECT_EQ(alerts[1].severity, Severity::kHigh);
  EXPECT_EQ(alerts[1].repeats, 0u);
  // A new window (60 s) inside the throttle period (300 s): the kept alert is refreshed.
  syn_scan(h, 1, 120, kStart + 100 * kSec);
  alerts = h.alerts(DetectorId::kPortScan);
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[1].repeats, 1u);
  EXPECT_GE(alerts[1].last_seen.ns, kStart + 100 * kSec);
  // After the throttle period the scan is reported again.
  syn_scan(h, 1, 120, kStart + 400 * kSec);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 4u);  // medium, then high again in the new period
  EXPECT_EQ(h.engine.alert_counters().raised, 4u);
}

// ---- horizontal_scan ------------------------------------------------------------------------

std::int64_t sweep_port(Harness& h, const Ip4& src, std::uint16_t port, int hosts, std::int64_t t, bool answer,
                        std::uint16_t sport = 45000) {
  for (int i = 1; i <= hosts; ++i) {
    const Ip4 dst = v4(10, 20, 0, static_cast<std::uint8_t>(i));
    h.send(tcp_frame(src, sport, dst, port, kS), t);
    if (answer) h.send(tcp_frame(dst, port, src, sport, kSA, {}, 5000, 1001), t + 200'000);
    t += 5 * kMs;
  }
  return t;
}

TEST(HorizontalScan, FiresOnOnePortAcrossManySilentHosts) {
  Harness h;
  sweep_port(h, kScanner, 22, 25, kStart, false);
  const auto alerts = h.alerts(DetectorId::kHorizontalScan);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kScanner));
  EXPECT_TRUE(alerts[0].dest.empty());
  EXPECT_EQ(evidence_int(alerts[0], "port"), 22);
  EXPECT_EQ(evidence_int(alerts[0], "hosts_unanswered"), 20);
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  EXPECT_EQ(h.count(DetectorId::kPingSweep), 0u);  // SYN sweeps are horizontal scans
}

TEST(HorizontalScan, SilentBelowThresholdAndWhenHostsAnswer) {
  Harness few;
  sweep_port(few, kScanner, 22, 19, kStart, false);
  EXPECT_EQ(few.count(DetectorId::kHorizontalScan), 0u);
  Harness browsing;  // a browser reaching 40 web servers, every one answering
  sweep_port(browsing, kScanner, 443, 40, kStart, true);
  EXPECT_EQ(browsing.count(DetectorId::kHorizontalScan), 0u);
}

TEST(HorizontalScan, PeerToPeerLikeSpreadIsLowSeverity) {
  Harness h;
  std::int64_t t = kStart;
  // The source talks UDP to peers on 40 different ports ...
  for (int i = 0; i < 40; ++i) {
    h.send(udp_frame(kScanner, 6346, v4(77, 1, 1, static_cast<std::uint8_t>(i)), static_cast<std::uint16_t>(20000 + i),
                     zeros(20)),
           t);
    t += kMs;
  }
  // ... and to 25 silent hosts on its default port.
  for (int i = 0; i < 25; ++i) {
    h.send(udp_frame(kScanner, 6346, v4(88, 1, 1, static_cast<std::uint8_t>(i)), 6346, zeros(20)), t);
    t += kMs;
  }
  const auto alerts = h.alerts(DetectorId::kHorizontalScan);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kLow);
}

// ---- ping_sweep -----------------------------------------------------------------------------

TEST(PingSweep, IcmpEchoToManyHosts) {
  Harness h;
  for (int i = 1; i <= 25; ++i) {
    h.send(icmp_frame(kScanner, v4(10, 30, 0, static_cast<std::uint8_t>(i)), 8, 0, 77, 1), kStart + i * 10 * kMs);
  }
  const auto alerts = h.alerts(DetectorId::kPingSweep);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kScanner));
  EXPECT_EQ(alerts[0].mitre, "T1018");
  EXPECT_EQ(evidence_int(alerts[0], "icmp_probes"), 20);
}

TEST(PingSweep, SilentBelowThreshold) {
  Harness h;
  for (int i = 1; i <= 19; ++i) {
    h.send(icmp_frame(kScanner, v4(10, 30, 0, static_cast<std::uint8_t>(i)), 8, 0, 77, 1), kStart + i * 10 * kMs);
  }
  EXPECT_EQ(h.count(DetectorId::kPingSweep), 0u);
}

TEST(PingSweep, UnansweredArpRequestsCountAnsweredOnesDoNot) {
  Harness scan;
  for (int i = 1; i <= 25; ++i) {
    scan.send(arp_frame(1, mac(5), kScanner, Mac{}, v4(10, 0, 0, static_cast<std::uint8_t>(100 + i))),
              kStart + i * kMs);
  }
  const auto alerts = scan.alerts(DetectorId::kPingSweep);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kScanner));
  EXPECT_EQ(evidence_int(alerts[0], "arp_probes"), 20);

  Harness gateway;  // a gateway refreshing its neighbours: every request answered
  for (int i = 1; i <= 40; ++i) {
    const Ip4 n = v4(10, 0, 0, static_cast<std::uint8_t>(100 + i));
    gateway.send(arp_frame(1, mac(1), v4(10, 0, 0, 1), Mac{}, n), kStart + i * kMs);
    gateway.send(arp_frame(2, mac(static_cast<std::uint8_t>(100 + i)), n, mac(1), v4(10, 0, 0, 1)),
                 kStart + i * kMs + 100'000);
  }
  EXPECT_EQ(gateway.count(DetectorId::kPingSweep), 0u);
}

TEST(PingSweep, TcpAckProbesAnsweredByRstCountConversationsMidStreamDoNot) {
  Harness sweep;
  for (int i = 1; i <= 25; ++i) {
    const Ip4 dst = v4(10, 40, 0, static_cast<std::uint8_t>(i));
    sweep.send(tcp_frame(kScanner, 50000, dst, 80, kA, {}, 1, 1), kStart + i * kMs);
    sweep.send(tcp_frame(dst, 80, kScanner, 50000, 0x04, {}, 1, 0), kStart + i * kMs + 100'000);
  }
  ASSERT_EQ(sweep.count(DetectorId::kPingSweep), 1u);

  Harness midstream;  // capture started while 30 downloads were running
  for (int i = 1; i <= 30; ++i) {
    const Ip4 dst = v4(10, 40, 0, static_cast<std::uint8_t>(i));
    midstream.send(tcp_frame(kScanner, 50000, dst, 443, kA, {}, 1, 1), kStart + i * kMs);
    midstream.send(tcp_frame(dst, 443, kScanner, 50000, kPA, zeros(100), 1, 1), kStart + i * kMs + 100'000);
  }
  EXPECT_EQ(midstream.count(DetectorId::kPingSweep), 0u);
}

TEST(Detectors, DisabledDetectorStaysSilent) {
  Harness h(rules_from("[port_scan]\nenabled = false\n"));
  syn_scan(h, 1, 200, kStart);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
}

}  // namespace
}  // namespace nta

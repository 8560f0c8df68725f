// brute_force, dns_tunnel, arp_spoof, exfiltration and beaconing on constructed traffic.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "detect_harness.h"
#include "ml/anomaly_verdict.h"

namespace nta {
namespace {

using namespace nta::test;

constexpr std::uint8_t kS = 0x02;
constexpr std::uint8_t kSA = 0x12;
constexpr std::uint8_t kA = 0x10;
constexpr std::uint8_t kPA = 0x18;
constexpr std::uint8_t kFA = 0x11;

const Ip4 kClient = v4(192, 168, 1, 5);
const Ip4 kServer = v4(192, 168, 1, 20);

// One TCP connection: handshake, `exchanges` request/reply pairs, FIN both ways, over `seconds`.
void connection(Harness& h, const Ip4& c, std::uint16_t cport, const Ip4& s, std::uint16_t sport, std::int64_t t,
                double seconds, int exchanges = 3, const Bytes& server_says = text("hello\r\n")) {
  std::uint32_t cs = 1000;
  std::uint32_t ss = 9000;
  const auto step = static_cast<std::int64_t>(seconds * 1e9) / (exchanges * 2 + 4);
  h.send(tcp_frame(c, cport, s, sport, kS, {}, cs, 0), t);
  h.send(tcp_frame(s, sport, c, cport, kSA, {}, ss, cs + 1), t += step);
  ++cs;
  ++ss;
  h.send(tcp_frame(c, cport, s, sport, kA, {}, cs, ss), t += step);
  for (int i = 0; i < exchanges; ++i) {
    h.send(tcp_frame(s, sport, c, cport, kPA, server_says, ss, cs), t += step);
    ss += static_cast<std::uint32_t>(server_says.size());
    h.send(tcp_frame(c, cport, s, sport, kPA, zeros(40), cs, ss), t += step);
    cs += 40;
  }
  h.send(tcp_frame(c, cport, s, sport, kFA, {}, cs, ss), t += step);
  h.send(tcp_frame(s, sport, c, cport, kFA, {}, ss, cs + 1), t += step);
  h.send(tcp_frame(c, cport, s, sport, kA, {}, cs + 1, ss + 1), t += step);
}

// ---- brute_force ----------------------------------------------------------------------------

TEST(BruteForce, ManyShortSshConnections) {
  Harness h;
  for (int i = 0; i < 12; ++i) {
    connection(h, kClient, static_cast<std::uint16_t>(50000 + i), kServer, 22, kStart + i * 5 * kSec, 3.0);
  }
  h.finish();
  const auto alerts = h.alerts(DetectorId::kBruteForce);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kClient));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kServer));
  EXPECT_EQ(alerts[0].mitre, "T1110");
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  EXPECT_EQ(evidence_int(alerts[0], "short_connections"), 10);
  EXPECT_EQ(evidence_text(alerts[0], "service"), "SSH");
}

TEST(BruteForce, FewOrLongConnectionsAreSilent) {
  Harness few;
  for (int i = 0; i < 9; ++i) {
    connection(few, kClient, static_cast<std::uint16_t>(50000 + i), kServer, 22, kStart + i * 5 * kSec, 3.0);
  }
  few.finish();
  EXPECT_EQ(few.count(DetectorId::kBruteForce), 0u);
  Harness admin;  // twelve interactive sessions of two minutes each
  for (int i = 0; i < 12; ++i) {
    connection(admin, kClient, static_cast<std::uint16_t>(50000 + i), kServer, 22, kStart + i * 150 * kSec, 120.0);
  }
  admin.finish();
  EXPECT_EQ(admin.count(DetectorId::kBruteForce), 0u);
  Harness web;  // many short connections to a port that is no login service
  for (int i = 0; i < 30; ++i) {
    connection(web, kClient, static_cast<std::uint16_t>(50000 + i), kServer, 443, kStart + i * kSec, 0.5);
  }
  web.finish();
  EXPECT_EQ(web.count(DetectorId::kBruteForce), 0u);
}

TEST(BruteForce, FtpFailedLoginRepliesAreHighSeverity) {
  Harness h;
  connection(h, kClient, 50123, kServer, 21, kStart, 20.0, 6, text("530 Login incorrect.\r\n"));
  const auto alerts = h.alerts(DetectorId::kBruteForce);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(evidence_int(alerts[0], "failed_logins"), 5);
  EXPECT_EQ(evidence_text(alerts[0], "service"), "FTP");
}

TEST(BruteForce, FailedLoginReplyRecognition) {
  const auto b = [](std::string_view s) { return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()); };
  EXPECT_TRUE(is_failed_login_reply(21, b("530 Login incorrect.\r\n")));
  EXPECT_FALSE(is_failed_login_reply(21, b("230 Login successful.\r\n")));
  EXPECT_TRUE(is_failed_login_reply(587, b("535 5.7.8 Authentication credentials invalid\r\n")));
  EXPECT_TRUE(is_failed_login_reply(110, b("-ERR [AUTH] Authentication failed.\r\n")));
  EXPECT_TRUE(is_failed_login_reply(143, b("a1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n")));
  EXPECT_FALSE(is_failed_login_reply(143, b("a1 OK LOGIN completed\r\n")));
  EXPECT_TRUE(is_failed_login_reply(23, b("\r\nLogin incorrect\r\nlogin: ")));
  EXPECT_FALSE(is_failed_login_reply(22, b("530 whatever")));
}

// ---- dns_tunnel -----------------------------------------------------------------------------

const Ip4 kResolver = v4(192, 168, 1, 1);

std::string random_label(std::mt19937& rng, std::size_t n) {
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += kBase32[rng() % 32];
  return s;
}

void query(Harness& h, std::string_view name, std::uint16_t qtype, std::int64_t t, std::uint16_t sport) {
  h.send(udp_frame(kClient, sport, kResolver, 53, dns_query(name, qtype)), t);
}

TEST(DnsTunnel, LongRandomLabelsUnderOneDomain) {
  Harness h;
  std::mt19937 rng(3);
  for (int i = 0; i < 25; ++i) {
    query(h, random_label(rng, 50) + "." + random_label(rng, 30) + ".t.example", 16, kStart + i * 200 * kMs,
          static_cast<std::uint16_t>(40000 + i));
  }
  const auto alerts = h.alerts(DetectorId::kDnsTunnel);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kClient));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kResolver));
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(alerts[0].mitre, "T1071.004");
  EXPECT_EQ(evidence_text(alerts[0], "domain"), "t.example");
  EXPECT_EQ(evidence_int(alerts[0], "suspicious_queries"), 20);
}

TEST(DnsTunnel, NullQueriesEvenWithShortNames) {
  Harness h;
  std::mt19937 rng(4);
  for (int i = 0; i < 20; ++i) {
    query(h, random_label(rng, 8) + ".pirate.sea", 10, kStart + i * 100 * kMs, static_cast<std::uint16_t>(40000 + i));
  }
  EXPECT_EQ(h.count(DetectorId::kDnsTunnel), 1u);
}

TEST(DnsTunnel, OrdinaryLookupsAndReverseLookupsAreSilent) {
  Harness h;
  const char* names[] = {"www.example.com", "mail.google.com", "r3---sn-4g5e6nsz.googlevideo.com",
                         "d1234abcd5678.cloudfront.net", "login.microsoftonline.com", "api.github.com"};
  int i = 0;
  for (int round = 0; round < 10; ++round) {
    for (const char* n : names) {
      ++i;
      query(h, n, 1, kStart + i * 50 * kMs, static_cast<std::uint16_t>(40000 + i));
    }
  }
  std::mt19937 rng(6);
  for (int k = 0; k < 40; ++k) {  // PTR lookups of IPv6 addresses: 72-character names
    std::string ptr;
    for (int n = 0; n < 32; ++n) ptr += std::string(1, "0123456789abcdef"[rng() % 16]) + ".";
    ++i;
    query(h, ptr + "ip6.arpa", 12, kStart + i * 50 * kMs, static_cast<std::uint16_t>(40000 + i));
  }
  EXPECT_EQ(h.count(DetectorId::kDnsTunnel), 0u);
}

TEST(DnsTunnel, ManyDistinctNamesUnderOneDomainIsMedium) {
  Harness h;
  std::mt19937 rng(8);
  for (int i = 0; i < 210; ++i) {
    // Low-entropy, moderate labels: the names are unusual only by their number.
    query(h, "data" + std::to_string(100000 + i) + "x.slow.example", 1, kStart + i * kSec,
          static_cast<std::uint16_t>(40000 + i));
  }
  const auto alerts = h.alerts(DetectorId::kDnsTunnel);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  EXPECT_EQ(evidence_text(alerts[0], "domain"), "slow.example");
}

TEST(DnsTunnel, NameShape) {
  const DnsNameShape s = dns_name_shape("abc.defghij.example.co.uk", 0);
  EXPECT_EQ(s.domain, "example.co.uk");
  EXPECT_EQ(s.longest_label, 7u);
  EXPECT_EQ(s.length, 25u);
  EXPECT_EQ(dns_name_shape("a.b.example.com").domain, "example.com");
  EXPECT_EQ(dns_name_shape("localhost").domain, "localhost");
  EXPECT_NEAR(dns_name_shape("abcdabcd", 0).longest_label_entropy, 2.0, 1e-9);
  EXPECT_EQ(dns_name_shape("abcdabcd", 9).longest_label_entropy, 0.0);  // not measured: too short
}

// ---- arp_spoof ------------------------------------------------------------------------------

const Ip4 kGateway = v4(10, 0, 0, 1);
const Ip4 kHost = v4(10, 0, 0, 5);
const Ip4 kEvil = v4(10, 0, 0, 66);

TEST(ArpSpoof, AddressClaimedByASecondMacNamesTheAttacker) {
  Harness h;
  h.send(arp_frame(1, mac(1), kGateway, Mac{}, kHost), kStart);               // gateway asks
  h.send(arp_frame(2, mac(5), kHost, mac(1), kGateway), kStart + kMs);        // host answers
  h.send(arp_frame(1, mac(66), kEvil, Mac{}, kGateway), kStart + kSec);        // the attacker's own request
  h.send(arp_frame(2, mac(1), kGateway, mac(66), kEvil), kStart + kSec + kMs);
  EXPECT_EQ(h.count(DetectorId::kArpSpoof), 0u);
  h.send(arp_frame(2, mac(66), kGateway, mac(5), kHost), kStart + 2 * kSec);  // "the gateway is at mac 66"
  const auto alerts = h.alerts(DetectorId::kArpSpoof);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kHigh);
  EXPECT_EQ(alerts[0].mitre, "T1557.002");
  EXPECT_EQ(alerts[0].src_mac, "02:00:00:00:00:42");
  EXPECT_EQ(to_string(alerts[0].src), text_of(kEvil));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kGateway));
  EXPECT_EQ(evidence_text(alerts[0], "previous_mac"), "02:00:00:00:00:01");
  EXPECT_EQ(evidence_text(alerts[0], "poisoned_host"), text_of(kHost));
}

TEST(ArpSpoof, RefreshesAndMovedAddressesAreSilent) {
  Harness h;
  for (int i = 0; i < 5; ++i) {
    h.send(arp_frame(1, mac(1), kGateway, Mac{}, kHost), kStart + i * 60 * kSec);
    h.send(arp_frame(2, mac(5), kHost, mac(1), kGateway), kStart + i * 60 * kSec + kMs);
  }
  // Two hours later kHost's address belongs to another machine (a new DHCP lease).
  h.send(arp_frame(2, mac(9), kHost, mac(1), kGateway), kStart + 2 * 3600 * kSec);
  EXPECT_EQ(h.count(DetectorId::kArpSpoof), 0u);
}

TEST(ArpSpoof, UnsolicitedRepliesFromOneStation) {
  Harness h;
  for (int i = 0; i < 10; ++i) h.send(arp_frame(2, mac(66), kGateway, mac(5), kHost), kStart + i * 2 * kSec);
  const auto alerts = h.alerts(DetectorId::kArpSpoof);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].severity, Severity::kMedium);
  EXPECT_EQ(evidence_int(alerts[0], "unsolicited_replies"), 10);
  EXPECT_EQ(alerts[0].src_mac, "02:00:00:00:00:42");
}

// ---- exfiltration ---------------------------------------------------------------------------

FlowRecord upload(const char* in, const char* out, std::uint64_t sent, std::uint64_t received, std::int64_t t0,
                  double seconds) {
  FlowRecord r;
  parse_ip(in, r.key.orig_addr);
  parse_ip(out, r.key.resp_addr);
  r.key.orig_port = 50000;
  r.key.resp_port = 443;
  r.key.ip_proto = 6;
  r.first_ts.ns = t0;
  r.last_ts.ns = t0 + static_cast<std::int64_t>(seconds * 1e9);
  r.orig.payload_bytes = sent;
  r.resp.payload_bytes = received;
  r.orig.syn = 1;
  r.end_reason = FlowEndReason::kClosed;
  const char cid[] = "1:abcdefghijklmnopqrstuvwxyz0=";
  std::memcpy(r.community_id.data(), cid, sizeof cid - 1);
  return r;
}

TEST(Exfiltration, LargeUploadToAnOutsideAddress) {
  DetectionEngine e{RulesConfig{}};
  AnomalyVerdict v;
  v.score = 0.73;
  v.flagged = true;
  v.top[0] = {"orig_bytes", 2e7, 0.6};
  v.top_count = 1;
  e.on_flow_end(upload("192.168.1.9", "198.51.100.4", 20'000'000, 3'000, kStart, 6), &v);
  ASSERT_EQ(e.alerts().size(), 1u);
  const Alert& a = e.alerts()[0];
  EXPECT_EQ(a.detector, DetectorId::kExfiltration);
  EXPECT_EQ(to_string(a.src), "192.168.1.9");
  EXPECT_EQ(to_string(a.dest), "198.51.100.4");
  EXPECT_EQ(a.mitre, "T1048");
  EXPECT_EQ(a.community_id, "1:abcdefghijklmnopqrstuvwxyz0=");
  ASSERT_TRUE(a.anomaly.has_value());
  EXPECT_DOUBLE_EQ(a.anomaly->score, 0.73);
  ASSERT_EQ(a.anomaly->top.size(), 1u);
  EXPECT_EQ(a.anomaly->top[0].name, "orig_bytes");
}

TEST(Exfiltration, SmallDownloadsAndInternalCopiesAreSilent) {
  DetectionEngine e{RulesConfig{}};
  e.on_flow_end(upload("192.168.1.9", "198.51.100.4", 2'000'000, 1'000, kStart, 6), nullptr);      // small
  e.on_flow_end(upload("192.168.1.9", "198.51.100.5", 20'000'000, 30'000'000, kStart, 6), nullptr);  // two-way
  e.on_flow_end(upload("192.168.1.9", "10.1.1.1", 50'000'000, 1'000, kStart, 6), nullptr);           // inside
  EXPECT_TRUE(e.alerts().empty());
}

TEST(Exfiltration, ManyFlowsAddUp) {
  DetectionEngine e{RulesConfig{}};
  for (int i = 0; i < 9; ++i) e.on_flow_end(upload("192.168.1.9", "198.51.100.4", 1'200'000, 500, kStart + i * kSec, 1), nullptr);
  ASSERT_EQ(e.alerts().size(), 1u);
  EXPECT_EQ(evidence_int(e.alerts()[0], "flows"), 9);
  EXPECT_TRUE(e.alerts()[0].community_id.empty());  // many flows: none named
}

TEST(Exfiltration, InsideNetworksFromRules) {
  DetectionEngine e{rules_from("[global]\ninside_networks = 198.51.100.0/24\n")};
  // 192.168.1.9 is outside now, 198.51.100.4 inside: the "upload" comes from outside.
  e.on_flow_end(upload("192.168.1.9", "198.51.100.4", 20'000'000, 3'000, kStart, 6), nullptr);
  EXPECT_TRUE(e.alerts().empty());
  e.on_flow_end(upload("198.51.100.4", "192.168.1.9", 20'000'000, 3'000, kStart, 6), nullptr);
  EXPECT_EQ(e.alerts().size(), 1u);
}

// ---- beaconing ------------------------------------------------------------------------------

const Ip4 kC2 = v4(198, 51, 100, 7);

TEST(BeaconingDetect, RegularAnsweredConnections) {
  Harness h;
  std::mt19937 rng(11);
  for (int i = 0; i < 12; ++i) {
    const std::int64_t jitter = static_cast<std::int64_t>(rng() % 2000) * kMs - kSec;  // +-1 s on 30 s
    connection(h, kClient, static_cast<std::uint16_t>(52000 + i), kC2, 443, kStart + i * 30 * kSec + jitter, 0.4, 1);
  }
  const auto alerts = h.alerts(DetectorId::kBeaconing);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kClient));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kC2));
  EXPECT_EQ(alerts[0].mitre, "T1071");
  EXPECT_EQ(evidence_int(alerts[0], "contacts"), 9);
  EXPECT_EQ(evidence_int(alerts[0], "intervals"), 8);
}

TEST(BeaconingDetect, IrregularOrUnansweredContactsAreSilent) {
  Harness irregular;
  std::mt19937 rng(12);
  std::int64_t t = kStart;
  for (int i = 0; i < 20; ++i) {
    connection(irregular, kClient, static_cast<std::uint16_t>(52000 + i), kC2, 443, t, 0.4, 1);
    t += static_cast<std::int64_t>(3 + rng() % 120) * kSec;
  }
  EXPECT_EQ(irregular.count(DetectorId::kBeaconing), 0u);
  Harness dead_peer;  // a peer retried every 60 s that never answers
  for (int i = 0; i < 20; ++i) {
    dead_peer.send(udp_frame(kClient, 6346, kC2, 6346, zeros(30)), kStart + i * 60 * kSec);
  }
  EXPECT_EQ(dead_peer.count(DetectorId::kBeaconing), 0u);
  Harness ntp;  // periodic by design
  for (int i = 0; i < 20; ++i) {
    ntp.send(udp_frame(kClient, 123, kC2, 123, zeros(48)), kStart + i * 64 * kSec);
    ntp.send(udp_frame(kC2, 123, kClient, 123, zeros(48)), kStart + i * 64 * kSec + 20 * kMs);
  }
  EXPECT_EQ(ntp.count(DetectorId::kBeaconing), 0u);
}

TEST(BeaconingDetect, RegularBurstsInsideOneLongFlow) {
  Harness h;
  h.send(udp_frame(kClient, 40000, kC2, 443, zeros(1200)), kStart);
  h.send(udp_frame(kC2, 443, kClient, 40000, zeros(1200)), kStart + 80 * kMs);
  for (int i = 1; i <= 12; ++i) {
    const std::int64_t t = kStart + i * 15 * kSec + (i % 3) * 100 * kMs;
    h.send(udp_frame(kClient, 40000, kC2, 443, zeros(60)), t);
    h.send(udp_frame(kC2, 443, kClient, 40000, zeros(60)), t + 90 * kMs);
  }
  const auto alerts = h.alerts(DetectorId::kBeaconing);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(evidence_int(alerts[0], "flows"), 1);
}

}  // namespace
}  // namespace nta

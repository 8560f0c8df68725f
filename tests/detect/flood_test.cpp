// syn_flood, udp_flood and icmp_flood on constructed traffic.
#include <gtest/gtest.h>

#include <random>

#include "detect_harness.h"

namespace nta {
namespace {

using namespace nta::test;

constexpr std::uint8_t kS = 0x02;
constexpr std::uint8_t kSA = 0x12;
constexpr std::uint8_t kA = 0x10;

const Ip4 kAttacker = v4(10, 0, 0, 66);
const Ip4 kVictim = v4(10, 0, 0, 80);

TEST(SynFlood, OneSourceManySynsNoHandshakesNamesSourceAndVictim) {
  Harness h;
  for (int i = 0; i < 300; ++i) {
    h.send(tcp_frame(kAttacker, static_cast<std::uint16_t>(1024 + i), kVictim, 80, kS), kStart + i * kMs);
  }
  const auto alerts = h.alerts(DetectorId::kSynFlood);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kAttacker));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kVictim));
  EXPECT_EQ(alerts[0].mitre, "T1499.001");
  EXPECT_EQ(evidence_int(alerts[0], "syns"), 100);
  EXPECT_EQ(evidence_int(alerts[0], "port"), 80);
  EXPECT_EQ(h.count(DetectorId::kPortScan), 0u);
}

TEST(SynFlood, SpoofedSourcesNameOnlyTheVictim) {
  Harness h;
  std::mt19937 rng(5);
  for (int i = 0; i < 2000; ++i) {
    const Ip4 src = v4(static_cast<std::uint8_t>(1 + rng() % 200), static_cast<std::uint8_t>(rng()),
                       static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(1 + rng() % 250));
    h.send(tcp_frame(src, static_cast<std::uint16_t>(1024 + rng() % 60000), kVictim, 443, kS), kStart + i * kMs / 4);
  }
  const auto alerts = h.alerts(DetectorId::kSynFlood);
  ASSERT_GE(alerts.size(), 1u);
  EXPECT_TRUE(alerts[0].src.empty());
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kVictim));
  EXPECT_GT(evidence_int(alerts[0], "distinct_sources"), 90);
  EXPECT_EQ(evidence_text(alerts[0], "spoofed"), "likely");
}

TEST(SynFlood, BusyServerCompletingHandshakesIsNoFlood) {
  Harness h;
  for (int i = 0; i < 600; ++i) {
    const Ip4 client = v4(10, 1, static_cast<std::uint8_t>(i / 250), static_cast<std::uint8_t>(1 + i % 250));
    const auto port = static_cast<std::uint16_t>(30000 + i);
    const std::int64_t t = kStart + i * kMs;
    h.send(tcp_frame(client, port, kVictim, 443, kS, {}, 100, 0), t);
    h.send(tcp_frame(kVictim, 443, client, port, kSA, {}, 900, 101), t + 100'000);
    h.send(tcp_frame(client, port, kVictim, 443, kA, {}, 101, 901), t + 200'000);
  }
  EXPECT_EQ(h.count(DetectorId::kSynFlood), 0u);
}

TEST(SynFlood, BelowRateIsSilent) {
  Harness h;
  for (int i = 0; i < 99; ++i) {
    h.send(tcp_frame(kAttacker, static_cast<std::uint16_t>(1024 + i), kVictim, 80, kS), kStart + i * kMs);
  }
  EXPECT_EQ(h.count(DetectorId::kSynFlood), 0u);
}

TEST(SynFlood, FloodDuringAPortScanOfTheSameVictimStillNamesTheFlooder) {
  Harness h;
  const Ip4 scanner = v4(10, 0, 0, 7);
  for (int i = 0; i < 600; ++i) {
    h.send(tcp_frame(scanner, 40000, kVictim, static_cast<std::uint16_t>(1 + i), kS), kStart + i * kMs);
    h.send(tcp_frame(kAttacker, static_cast<std::uint16_t>(2000 + i), kVictim, 80, kS), kStart + i * kMs + 1);
    h.send(tcp_frame(kAttacker, static_cast<std::uint16_t>(3000 + i), kVictim, 80, kS), kStart + i * kMs + 2);
  }
  const auto alerts = h.alerts(DetectorId::kSynFlood);
  ASSERT_GE(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kAttacker));
  EXPECT_EQ(h.alerts(DetectorId::kPortScan).at(0).src, IpAddress::v4(scanner.data()));
}

// ---- udp_flood ------------------------------------------------------------------------------

TEST(UdpFlood, OneWayPacketsAtHighRate) {
  Harness h;
  for (int i = 0; i < 3000; ++i) h.send(udp_frame(kAttacker, 5555, kVictim, 42000, zeros(200)), kStart + i * 300'000);
  const auto alerts = h.alerts(DetectorId::kUdpFlood);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(to_string(alerts[0].src), text_of(kAttacker));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kVictim));
  EXPECT_EQ(alerts[0].mitre, "T1498.001");
  EXPECT_EQ(evidence_int(alerts[0], "packets"), 1000);
}

TEST(UdpFlood, AnsweredStreamIsNoFlood) {
  // A busy bidirectional stream (a QUIC download): the receiver answers.
  Harness h;
  for (int i = 0; i < 3000; ++i) {
    h.send(udp_frame(kAttacker, 443, kVictim, 51000, zeros(1200)), kStart + i * 300'000);
    if (i % 3 == 0) h.send(udp_frame(kVictim, 51000, kAttacker, 443, zeros(40)), kStart + i * 300'000 + 1000);
  }
  EXPECT_EQ(h.count(DetectorId::kUdpFlood), 0u);
}

TEST(UdpFlood, BusyResolverAnsweringEveryQueryIsNoFlood) {
  Harness h;
  for (int i = 0; i < 4000; ++i) {
    const Ip4 client = v4(10, 2, static_cast<std::uint8_t>(i / 250), static_cast<std::uint8_t>(1 + i % 250));
    const auto port = static_cast<std::uint16_t>(20000 + i);
    h.send(udp_frame(client, port, kVictim, 53, dns_query("www.example.com", 1)), kStart + i * 250'000);
    h.send(udp_frame(kVictim, 53, client, port, zeros(80)), kStart + i * 250'000 + 100'000);
  }
  EXPECT_EQ(h.count(DetectorId::kUdpFlood), 0u);
}

TEST(UdpFlood, ReflectionFromManyAmplifiers) {
  Harness h;
  for (int i = 0; i < 300; ++i) {
    const Ip4 resolver = v4(100, 64, static_cast<std::uint8_t>(i % 30), 53);
    h.send(udp_frame(resolver, 53, kVictim, static_cast<std::uint16_t>(10000 + i), zeros(1400)), kStart + i * 10 * kMs);
  }
  const auto alerts = h.alerts(DetectorId::kUdpFlood);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].mitre, "T1498.002");
  EXPECT_TRUE(alerts[0].src.empty());
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kVictim));
  EXPECT_EQ(evidence_int(alerts[0], "reflection_port"), 53);
  EXPECT_GE(evidence_int(alerts[0], "amplifiers"), 10);
}

TEST(UdpFlood, SilentBelowRate) {
  Harness h;
  for (int i = 0; i < 1500; ++i) h.send(udp_frame(kAttacker, 5555, kVictim, 42000, zeros(200)), kStart + i * 2 * kMs);
  EXPECT_EQ(h.count(DetectorId::kUdpFlood), 0u);  // 500/s, under the 1000/s default
}

// ---- icmp_flood -----------------------------------------------------------------------------

TEST(IcmpFlood, EchoRequestsAtHighRateEvenWhenAnswered) {
  Harness h;
  for (int i = 0; i < 1000; ++i) {
    h.send(icmp_frame(kAttacker, kVictim, 8, 0, 99, static_cast<std::uint16_t>(i), zeros(64)), kStart + i * kMs);
    h.send(icmp_frame(kVictim, kAttacker, 0, 0, 99, static_cast<std::uint16_t>(i), zeros(64)), kStart + i * kMs + 10);
  }
  const auto alerts = h.alerts(DetectorId::kIcmpFlood);
  ASSERT_EQ(alerts.size(), 1u);  // the replies do not make the attacker a victim
  EXPECT_EQ(to_string(alerts[0].src), text_of(kAttacker));
  EXPECT_EQ(to_string(alerts[0].dest), text_of(kVictim));
  EXPECT_EQ(evidence_int(alerts[0], "echo_requests"), 500);
  EXPECT_EQ(evidence_int(alerts[0], "first_icmp_type"), 8);  // the victim's first window, too
}

TEST(IcmpFlood, ErrorsAndSlowPingsAreNoFlood) {
  Harness h;
  for (int i = 0; i < 2000; ++i) h.send(icmp_frame(kVictim, kAttacker, 3, 3, 0, 0, zeros(36)), kStart + i * kMs);
  for (int i = 0; i < 600; ++i) h.send(icmp_frame(kAttacker, kVictim, 8, 0, 1, static_cast<std::uint16_t>(i)), kStart + i * 10 * kMs);
  EXPECT_EQ(h.count(DetectorId::kIcmpFlood), 0u);
}

}  // namespace
}  // namespace nta

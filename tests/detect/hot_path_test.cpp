// The per-packet path allocates nothing once the detectors' tables are warm: replaying the same
// traffic a second time (every key already known) must not call operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "detect_harness.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

// NOLINTBEGIN: replacing the global allocation functions is how the test counts allocations.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
// NOLINTEND

namespace nta {
namespace {

using namespace nta::test;

// Decoded frames of ordinary traffic (no alert): web connections, DNS lookups, pings, ARP.
std::vector<Decoded> ordinary_traffic(std::int64_t t0) {
  std::vector<Decoded> out;
  std::int64_t t = t0;
  auto add = [&](const Bytes& frame) {
    Decoded d = decode_bytes(frame);
    d.view.ts = Timestamp{t};
    t += kMs;
    out.push_back(std::move(d));
  };
  for (int c = 0; c < 20; ++c) {
    const Ip4 client = v4(192, 168, 1, static_cast<std::uint8_t>(10 + c));
    const Ip4 server = v4(93, 184, 216, static_cast<std::uint8_t>(c % 5));
    const auto port = static_cast<std::uint16_t>(50000 + c);
    add(tcp_frame(client, port, server, 443, 0x02, {}, 100, 0));
    add(tcp_frame(server, 443, client, port, 0x12, {}, 900, 101));
    add(tcp_frame(client, port, server, 443, 0x10, {}, 101, 901));
    for (std::uint32_t k = 0; k < 5; ++k) {
      add(tcp_frame(client, port, server, 443, 0x18, zeros(300), 101 + 300 * k, 901));
      add(tcp_frame(server, 443, client, port, 0x18, zeros(1400), 901 + 1400 * k, 401 + 300 * k));
    }
    add(udp_frame(client, static_cast<std::uint16_t>(40000 + c), v4(192, 168, 1, 1), 53, dns_query("www.example.com", 1)));
    add(udp_frame(v4(192, 168, 1, 1), 53, client, static_cast<std::uint16_t>(40000 + c), zeros(60)));
    add(icmp_frame(client, server, 8, 0, 5, 1));
    add(icmp_frame(server, client, 0, 0, 5, 1));
    add(arp_frame(1, mac(static_cast<std::uint8_t>(10 + c)), client, Mac{}, v4(192, 168, 1, 1)));
    add(arp_frame(2, mac(1), v4(192, 168, 1, 1), mac(static_cast<std::uint8_t>(10 + c)), client));
  }
  return out;
}

TEST(DetectionHotPath, NoAllocationPerPacketOnceWarm) {
  DetectionEngine engine{RulesConfig{}};
  FlowTable table(Harness::flow_config());
  auto emit = [&](const FlowRecord& r) { engine.on_flow_end(r, nullptr); };
  const std::vector<Decoded> first = ordinary_traffic(kStart);
  g_allocations = 0;
  g_counting = true;
  for (const Decoded& d : first) engine.on_packet(d.view, table.update(d.view, emit));
  g_counting = false;
  ASSERT_GT(g_allocations.load(), 0u);  // the counter works: warming up allocates the tables
  // The same hosts and services again, as new flows, a second later.
  const std::vector<Decoded> second = ordinary_traffic(kStart + 2 * kSec);
  table.expire(Timestamp{kStart + 2 * kSec}, emit);
  g_allocations = 0;
  g_counting = true;
  for (const Decoded& d : second) engine.on_packet(d.view, table.update(d.view, emit));
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0u);
  EXPECT_TRUE(engine.alerts().empty());
}

// An inventory that knows every LAN host and every port open, and counts the questions.
class QuietInventory : public AssetContext {
 public:
  std::optional<AssetInfo> find_asset(const IpAddress&) const override { return std::nullopt; }
  bool known_host(const IpAddress&) const override {
    ++questions;
    return true;
  }
  bool in_scanned_network(const IpAddress&) const override {
    ++questions;
    return true;
  }
  AssetPortState port_state(const IpAddress&, std::uint8_t, std::uint16_t) const override {
    ++questions;
    return AssetPortState::kOpen;
  }
  std::optional<RiskyServiceMatch> find_risky_service(const IpAddress&, std::uint8_t, std::uint16_t) const override {
    ++questions;
    return std::nullopt;
  }
  mutable std::uint64_t questions = 0;
};

TEST(DetectionHotPath, WithAnInventoryNoAllocationAndNoQuestionOnceWarm) {
  QuietInventory inventory;
  DetectionEngine engine{RulesConfig{}, &inventory};
  FlowTable table(Harness::flow_config());
  auto emit = [&](const FlowRecord& r) { engine.on_flow_end(r, nullptr); };
  for (const Decoded& d : ordinary_traffic(kStart)) engine.on_packet(d.view, table.update(d.view, emit));
  ASSERT_GT(inventory.questions, 0u);  // the findings ran
  const std::vector<Decoded> second = ordinary_traffic(kStart + 2 * kSec);
  table.expire(Timestamp{kStart + 2 * kSec}, emit);
  inventory.questions = 0;
  g_allocations = 0;
  g_counting = true;
  for (const Decoded& d : second) engine.on_packet(d.view, table.update(d.view, emit));
  g_counting = false;
  EXPECT_EQ(g_allocations.load(), 0u);
  EXPECT_EQ(inventory.questions, 0u);  // verdicts are kept per host and service
  EXPECT_TRUE(engine.alerts().empty());
}

}  // namespace
}  // namespace nta

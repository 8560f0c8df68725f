#include "stats/host_counter_table.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace nta {
namespace {

IpAddress v4(std::uint32_t n) {
  const std::uint8_t b[4] = {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                             static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  return IpAddress::v4(b);
}

TEST(HostCounterTable, CountsLikeAMapThroughGrowth) {
  HostCounterTable table;
  std::map<std::uint32_t, std::pair<std::uint64_t, std::uint64_t>> reference;
  std::mt19937 rng(42);
  for (int i = 0; i < 200'000; ++i) {
    const auto host = static_cast<std::uint32_t>(rng() % 5000);
    const auto bytes = static_cast<std::uint32_t>(60 + rng() % 1400);
    table.add(v4(host), bytes);
    reference[host].first += 1;
    reference[host].second += bytes;
  }
  EXPECT_EQ(table.size(), reference.size());
  const auto top = table.top_by_packets(reference.size());
  ASSERT_EQ(top.size(), reference.size());
  for (const HostCount& h : top) {
    const std::uint32_t n = (std::uint32_t{h.address.bytes[0]} << 24) | (std::uint32_t{h.address.bytes[1]} << 16) |
                            (std::uint32_t{h.address.bytes[2]} << 8) | h.address.bytes[3];
    EXPECT_EQ(h.packets, reference[n].first);
    EXPECT_EQ(h.bytes, reference[n].second);
  }
  for (std::size_t i = 1; i < top.size(); ++i) EXPECT_GE(top[i - 1].packets, top[i].packets);
}

TEST(HostCounterTable, CapCountsTheRestAsOther) {
  HostCounterTable table(100);
  for (std::uint32_t i = 0; i < 1000; ++i) table.add(v4(i), 10);
  EXPECT_EQ(table.size(), 100u);
  EXPECT_EQ(table.other().packets, 900u);
  EXPECT_EQ(table.other().bytes, 9000u);
}

TEST(HostCounterTable, TopByBytesOrdersByBytes) {
  HostCounterTable table;
  table.add(v4(1), 10);
  table.add(v4(1), 10);
  table.add(v4(2), 1500);
  const auto by_bytes = table.top_by_bytes(1);
  ASSERT_EQ(by_bytes.size(), 1u);
  EXPECT_EQ(by_bytes[0].address, v4(2));
  EXPECT_EQ(table.top_by_packets(1)[0].address, v4(1));
}

TEST(HostCounterTable, IgnoresEmptyAddresses) {
  HostCounterTable table;
  table.add(IpAddress{}, 100);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace nta

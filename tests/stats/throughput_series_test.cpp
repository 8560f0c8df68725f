#include "stats/throughput_series.h"

#include <gtest/gtest.h>

#include "stats_test_packets.h"

namespace nta {
namespace {

using test::kEpoch;
using test::kSecond;

Timestamp at(double seconds) {
  return Timestamp{kEpoch + static_cast<std::int64_t>(seconds * static_cast<double>(kSecond))};
}

TEST(ThroughputSeries, OneSecondBucketsWithAGapKeepEmptySeconds) {
  ThroughputSeries s;
  s.add(at(0.1), 100);
  s.add(at(0.9), 50);
  s.add(at(3.0), 1000);  // exactly on a bucket edge: bucket 3
  s.add(at(3.999), 10);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.bucket_seconds(), 1);
  EXPECT_EQ(s.bucket_start(0).ns, kEpoch);
  EXPECT_EQ(s.bucket_start(3).ns, kEpoch + 3 * kSecond);
  EXPECT_EQ(s[0].packets, 2u);
  EXPECT_EQ(s[0].bytes, 150u);
  EXPECT_EQ(s[1].packets, 0u);
  EXPECT_EQ(s[2].packets, 0u);
  EXPECT_EQ(s[3].packets, 2u);
  EXPECT_EQ(s[3].bytes, 1010u);
}

TEST(ThroughputSeries, EarlierPacketsExtendTheSeriesBackwards) {
  ThroughputSeries s(8);
  s.add(at(5.5), 10);
  s.add(at(2.5), 20);  // before the first bucket
  s.add(at(5.1), 30);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s.bucket_start(0).ns, kEpoch + 2 * kSecond);
  EXPECT_EQ(s[0].bytes, 20u);
  EXPECT_EQ(s[3].bytes, 40u);
}

TEST(ThroughputSeries, WidensBucketsWhenTheSpanPassesTheCap) {
  ThroughputSeries s(4);
  ASSERT_EQ(s.max_buckets(), 4u);
  // kEpoch is a multiple of 8 seconds, so the widened buckets start at kEpoch too.
  static_assert((kEpoch / kSecond) % 8 == 0);
  for (int i = 0; i < 4; ++i) s.add(at(i), 1);
  EXPECT_EQ(s.bucket_seconds(), 1);
  EXPECT_EQ(s.size(), 4u);
  s.add(at(4.5), 10);  // 5 one-second buckets do not fit in 4: 2-second buckets
  EXPECT_EQ(s.bucket_seconds(), 2);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].packets, 2u);
  EXPECT_EQ(s[1].packets, 2u);
  EXPECT_EQ(s[2].bytes, 10u);
  s.add(at(15.0), 100);  // seconds 0..15 in 2-second buckets need 8: 4-second buckets
  EXPECT_EQ(s.bucket_seconds(), 4);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].packets, 4u);
  EXPECT_EQ(s[1].packets, 1u);
  EXPECT_EQ(s[2].packets, 0u);
  EXPECT_EQ(s[3].bytes, 100u);
  EXPECT_EQ(s.bucket_start(3).ns, kEpoch + 12 * kSecond);
  std::uint64_t packets = 0;
  for (std::size_t i = 0; i < s.size(); ++i) packets += s[i].packets;
  EXPECT_EQ(packets, 6u);  // nothing lost in the merges
}

TEST(ThroughputSeries, ABogusFarTimestampWidensOnceWithoutLosingPackets) {
  ThroughputSeries s(1024);
  s.add(at(0), 1);
  s.add(Timestamp{0}, 1);  // 1970
  EXPECT_LE(s.size(), 1024u);
  EXPECT_GE(s.bucket_seconds() * 1024, kEpoch / kSecond);
  std::uint64_t packets = 0;
  for (std::size_t i = 0; i < s.size(); ++i) packets += s[i].packets;
  EXPECT_EQ(packets, 2u);
}

TEST(ThroughputSeries, RateSummaryCountsEmptyBucketsAndUsesNearestRankP95) {
  ThroughputSeries s;
  // 20 one-second buckets: packets 1..20 in bucket i (i = 0..19), bucket 10 left empty.
  for (int i = 0; i < 20; ++i) {
    if (i == 10) continue;
    for (int k = 0; k <= i; ++k) s.add(at(i + 0.5), 125);  // 125 bytes = 1000 bits
  }
  const RateSummary p = s.packets_per_second();
  EXPECT_DOUBLE_EQ(p.min, 0.0);
  EXPECT_DOUBLE_EQ(p.max, 20.0);
  EXPECT_DOUBLE_EQ(p.mean, (210.0 - 11.0) / 20.0);
  EXPECT_DOUBLE_EQ(p.p95, 19.0);  // rank ceil(0.95 * 20) = 19 of the sorted rates 0,1..10,12..20
  const RateSummary b = s.bits_per_second();
  EXPECT_DOUBLE_EQ(b.max, 20'000.0);
  const auto busiest = s.busiest(3);
  ASSERT_EQ(busiest.size(), 3u);
  EXPECT_EQ(busiest[0], 19u);
  EXPECT_EQ(busiest[1], 18u);
  EXPECT_EQ(busiest[2], 17u);
}

TEST(ThroughputSeries, WideBucketRatesAreDividedByTheWidth) {
  ThroughputSeries s(2);
  s.add(at(0.5), 100);
  s.add(at(1.5), 100);
  s.add(at(2.5), 100);  // 3 one-second buckets do not fit in 2: 2-second buckets
  ASSERT_EQ(s.bucket_seconds(), 2);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_DOUBLE_EQ(s.packets_per_second().max, 1.0);    // 2 packets in 2 s
  EXPECT_DOUBLE_EQ(s.packets_per_second().mean, 0.75);  // 3 packets in 4 s
  EXPECT_DOUBLE_EQ(s.bits_per_second().mean, 600.0);
}

TEST(ThroughputSeries, EmptySeries) {
  ThroughputSeries s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
  EXPECT_DOUBLE_EQ(s.packets_per_second().max, 0.0);
  EXPECT_TRUE(s.busiest(5).empty());
}

}  // namespace
}  // namespace nta

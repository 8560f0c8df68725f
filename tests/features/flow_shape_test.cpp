#include "features/flow_shape.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "flow/flow_test_util.h"

namespace nta {
namespace {

using test::kT0;

// Two-pass reference statistics (population standard deviation).
struct Reference {
  double min = 0, max = 0, mean = 0, std = 0;
};
Reference reference(const std::vector<double>& v) {
  Reference r;
  if (v.empty()) return r;
  r.min = r.max = v[0];
  double sum = 0;
  for (double x : v) {
    r.min = std::min(r.min, x);
    r.max = std::max(r.max, x);
    sum += x;
  }
  r.mean = sum / static_cast<double>(v.size());
  double sq = 0;
  for (double x : v) sq += (x - r.mean) * (x - r.mean);
  r.std = std::sqrt(sq / static_cast<double>(v.size()));
  return r;
}

PacketView packet_of(std::uint16_t ip_len, std::int64_t ts) {
  PacketView p;
  p.ip_len = ip_len;
  p.ts = Timestamp{ts};
  return p;
}

TEST(FlowShape, LengthAndGapStatisticsPerDirection) {
  FlowShape s;
  // originator: lengths 60, 1500, 40 at t0, t0+10ms, t0+40ms; responder: 52, 52 at t0+5ms, t0+6ms.
  s.add(packet_of(60, kT0), true);
  s.add(packet_of(52, kT0 + 5'000'000), false);
  s.add(packet_of(52, kT0 + 6'000'000), false);
  s.add(packet_of(1500, kT0 + 10'000'000), true);
  s.add(packet_of(40, kT0 + 40'000'000), true);

  EXPECT_EQ(s.orig.packets, 3u);
  EXPECT_EQ(s.orig.len_min, 40);
  EXPECT_EQ(s.orig.len_max, 1500);
  const Reference lens = reference({60, 1500, 40});
  EXPECT_DOUBLE_EQ(s.orig.len_mean(), lens.mean);
  EXPECT_NEAR(s.orig.len_std(), lens.std, 1e-9);
  EXPECT_EQ(s.orig.gaps(), 2u);
  EXPECT_EQ(s.orig.iat_min, 10'000'000);
  EXPECT_EQ(s.orig.iat_max, 30'000'000);
  EXPECT_DOUBLE_EQ(s.orig.iat_mean_ns(), 20'000'000.0);
  EXPECT_NEAR(s.orig.iat_std_ns(), 10'000'000.0, 1e-6);

  EXPECT_EQ(s.resp.packets, 2u);
  EXPECT_DOUBLE_EQ(s.resp.len_mean(), 52.0);
  EXPECT_DOUBLE_EQ(s.resp.len_std(), 0.0);
  EXPECT_EQ(s.resp.iat_min, 1'000'000);
  EXPECT_EQ(s.resp.iat_max, 1'000'000);
  EXPECT_DOUBLE_EQ(s.resp.iat_std_ns(), 0.0);  // one gap: no spread
}

TEST(FlowShape, EmptyAndSinglePacketDirectionsAreZero) {
  FlowShape s;
  EXPECT_EQ(s.orig.len_mean(), 0);
  EXPECT_EQ(s.orig.len_std(), 0);
  EXPECT_EQ(s.orig.iat_mean_ns(), 0);
  EXPECT_EQ(s.orig.iat_std_ns(), 0);
  s.add(packet_of(40, kT0), true);
  EXPECT_EQ(s.orig.packets, 1u);
  EXPECT_EQ(s.orig.len_mean(), 40);
  EXPECT_EQ(s.orig.len_std(), 0);
  EXPECT_EQ(s.orig.gaps(), 0u);
  EXPECT_EQ(s.orig.iat_mean_ns(), 0);
  EXPECT_EQ(s.resp.packets, 0u);
}

TEST(FlowShape, PacketStampedBeforeItsPredecessorCountsAsZeroGap) {
  DirectionShape d;
  d.add(100, kT0 + 1000);
  d.add(100, kT0);         // 1 us back in time
  d.add(100, kT0 + 3000);  // 2 us after the latest seen
  EXPECT_EQ(d.iat_min, 0);
  EXPECT_EQ(d.iat_max, 2000);
  EXPECT_EQ(d.iat_sum, 2000);
  EXPECT_EQ(d.last_ns, kT0 + 3000);
}

// Many packets with gaps near one second and jitter of microseconds: the shifted sums must keep the
// spread (a naive sum of squares of ~1e18 ns^2 would lose it entirely).
TEST(FlowShape, MatchesTwoPassStatisticsOnLongJitteryFlow) {
  std::mt19937_64 rng(7);
  DirectionShape d;
  std::vector<double> lens;
  std::vector<double> gaps;
  std::int64_t t = kT0;
  for (int i = 0; i < 100'000; ++i) {
    const auto len = static_cast<std::uint16_t>(40 + rng() % 1461);
    if (i > 0) {
      const std::int64_t gap = 1'000'000'000 + static_cast<std::int64_t>(rng() % 2001) - 1000;
      t += gap;
      gaps.push_back(static_cast<double>(gap));
    }
    lens.push_back(len);
    d.add(len, t);
  }
  const Reference rl = reference(lens);
  const Reference rg = reference(gaps);
  EXPECT_NEAR(d.len_mean(), rl.mean, 1e-9 * rl.mean);
  EXPECT_NEAR(d.len_std(), rl.std, 1e-9 * rl.std);
  EXPECT_NEAR(d.iat_mean_ns(), rg.mean, 1e-9 * rg.mean);
  EXPECT_NEAR(d.iat_std_ns(), rg.std, 1e-6 * rg.std);
  EXPECT_GT(d.iat_std_ns(), 500.0);  // ~577 ns for a uniform +-1000 ns jitter
  EXPECT_EQ(static_cast<double>(d.iat_min), rg.min);
  EXPECT_EQ(static_cast<double>(d.iat_max), rg.max);
}

TEST(FlowShape, IsSmallAndFlat) {
  static_assert(sizeof(FlowShape) <= 192, "one FlowShape per live flow");
  static_assert(std::is_trivially_copyable_v<FlowShape>);
}

}  // namespace
}  // namespace nta

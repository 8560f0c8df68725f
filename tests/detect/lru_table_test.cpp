// The bounded state tables and the distinct counters the detectors keep their state in.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "detect/detect_key.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"

namespace nta {
namespace {

using Table = LruTable<HostKey, std::uint64_t, WordKeyHash>;

HostKey key(std::uint32_t n) {
  IpAddress a;
  a.family = IpFamily::kV4;
  a.bytes[0] = static_cast<std::uint8_t>(n >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(n >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(n >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(n);
  return host_key(a);
}

TEST(LruTable, MatchesAMapUnderRandomUseWithinTheCap) {
  Table t(4096);
  std::map<std::uint32_t, std::uint64_t> oracle;
  std::mt19937 rng(1);
  for (int i = 0; i < 20000; ++i) {
    const auto k = static_cast<std::uint32_t>(rng() % 3000);
    bool created = false;
    std::uint64_t& v = t.upsert(key(k), created);
    EXPECT_EQ(created, oracle.count(k) == 0);
    v += k;
    oracle[k] += k;
  }
  EXPECT_EQ(t.size(), oracle.size());
  EXPECT_EQ(t.evictions(), 0u);
  for (const auto& [k, v] : oracle) {
    const std::uint64_t* found = t.find(key(k));
    ASSERT_NE(found, nullptr) << k;
    EXPECT_EQ(*found, v);
  }
  EXPECT_EQ(t.find(key(5000)), nullptr);
}

TEST(LruTable, EvictsAtTheCapCountsEvictionsAndGivesUsedKeysASecondChance) {
  Table t(100);
  bool created = false;
  for (std::uint32_t k = 0; k < 100; ++k) t.upsert(key(k), created) = k;
  t.upsert(key(100), created) = 100;  // full: the hand clears every mark and takes the oldest
  EXPECT_EQ(t.evictions(), 1u);
  EXPECT_EQ(t.find(key(0)), nullptr);
  // Keys 10..19 are used again; the next 49 new keys take the slots of keys not used since.
  for (std::uint32_t k = 10; k < 20; ++k) ASSERT_NE(t.find(key(k)), nullptr);
  for (std::uint32_t k = 101; k < 150; ++k) {
    t.upsert(key(k), created) = k;
    EXPECT_TRUE(created);
  }
  EXPECT_EQ(t.size(), 100u);
  EXPECT_EQ(t.evictions(), 50u);
  for (std::uint32_t k = 10; k < 20; ++k) EXPECT_NE(t.find(key(k)), nullptr) << k;
  for (std::uint32_t k = 1; k < 10; ++k) EXPECT_EQ(t.find(key(k)), nullptr) << k;
  for (std::uint32_t k = 20; k < 60; ++k) EXPECT_EQ(t.find(key(k)), nullptr) << k;
  for (std::uint32_t k = 60; k < 150; ++k) EXPECT_NE(t.find(key(k)), nullptr) << k;
  // A reused slot holds the new key's value, not the evicted one's.
  const std::uint64_t* v = t.find(key(101));
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(*v, 101u);
}

TEST(LruTable, StaysConsistentUnderHeavyEviction) {
  Table t(64);
  std::mt19937 rng(2);
  bool created = false;
  for (int i = 0; i < 100000; ++i) {
    const auto k = static_cast<std::uint32_t>(rng() % 500);
    std::uint64_t& v = t.upsert(key(k), created);
    if (created) v = k;
    ASSERT_EQ(v, k);  // the value always belongs to its key
  }
  EXPECT_EQ(t.size(), 64u);
  std::size_t found = 0;
  for (std::uint32_t k = 0; k < 500; ++k) {
    if (const std::uint64_t* v = t.find(key(k))) {
      EXPECT_EQ(*v, k);
      ++found;
    }
  }
  EXPECT_EQ(found, 64u);
}

TEST(DistinctCounter, ExactUpToItsExactSizeThenEstimated) {
  DistinctCounter<256, 24> c;
  for (std::uint64_t v = 0; v < 24; ++v) {
    EXPECT_TRUE(c.add(sketch_hash(v)));
    EXPECT_FALSE(c.add(sketch_hash(v)));
    EXPECT_EQ(c.estimate(), static_cast<double>(v + 1));
  }
  for (std::uint64_t v = 24; v < 200; ++v) c.add(sketch_hash(v));
  EXPECT_NEAR(c.estimate(), 200, 20);
}

TEST(DistinctSketch, EstimatesWithinAFewPerCent) {
  DistinctSketch<1024> s;
  for (std::uint64_t v = 0; v < 800; ++v) s.add(sketch_hash(v * 7919));
  EXPECT_NEAR(s.estimate(), 800, 40);
  DistinctSketch<64> tiny;
  for (std::uint64_t v = 0; v < 10000; ++v) tiny.add(sketch_hash(v));
  EXPECT_NEAR(tiny.estimate(), 64 * std::log(64.0), 1e-3);  // saturated
}

TEST(AnsweredCounter, CountsProbedValuesNeverAnswered) {
  AnsweredCounter<256, 24> c;
  for (std::uint64_t v = 0; v < 20; ++v) c.probe(sketch_hash(v));
  for (std::uint64_t v = 0; v < 5; ++v) c.answer(sketch_hash(v));
  c.answer(sketch_hash(999));  // an answer to something never probed changes nothing
  EXPECT_EQ(c.probed(), 20);
  EXPECT_EQ(c.unanswered(), 15);
  // Past the exact range the bitmaps estimate (256 bits: good to about 256 values).
  for (std::uint64_t v = 20; v < 200; ++v) c.probe(sketch_hash(v));
  for (std::uint64_t v = 20; v < 70; ++v) c.answer(sketch_hash(v));
  EXPECT_NEAR(c.probed(), 200, 25);
  EXPECT_NEAR(c.unanswered(), 145, 25);
}

}  // namespace
}  // namespace nta

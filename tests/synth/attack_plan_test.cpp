// The attack plan as a whole: ground truth against the packets, determinism, benign traffic left
// untouched, start times, sizes, wire correctness of every frame.
#include "synth/attack_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "attack_test_util.h"
#include "core/error.h"
#include "core/timestamp.h"

namespace nta {
namespace {

using test::AttackRun;
using test::config_for;
using test::Frame;
using test::generate;

std::string iso(Timestamp t) {
  char buffer[kMaxTimestampText];
  return std::string(buffer, format_iso8601_us(t, buffer));
}

std::vector<Frame> benign(const TrafficConfig& config) {
  TrafficGenerator g(config);
  std::vector<Frame> frames;
  RawPacket p;
  while (g.next(p)) frames.push_back(Frame{p.ts, {p.data.begin(), p.data.end()}});
  return frames;
}

TEST(AttackPlan, WithoutAttacksTheCaptureIsTheBenignOne) {
  const TrafficConfig config = config_for(30, 10, 1);
  const AttackRun run = generate(config, "");
  EXPECT_TRUE(run.frames == benign(config));
  EXPECT_EQ(run.truth, std::string(kTruthHeader) + "\n");
}

// Attacks have their own random stream and counters: taking their frames out of the capture
// leaves the benign capture of the same seed, frame for frame.
TEST(AttackPlan, AttacksOnlyAddFrames) {
  const TrafficConfig config = config_for(20, 12, 9);
  const AttackRun run = generate(config, "all");
  bool subsequence = false;
  const auto added = test::added_frames(run.frames, benign(config), &subsequence);
  EXPECT_TRUE(subsequence);
  std::uint64_t tallied = 0;
  for (const PlannedAttack& a : run.attacks) tallied += a.tally().packets;
  EXPECT_EQ(added.size(), tallied);
}

TEST(AttackPlan, SameSeedSameCaptureAndTruth) {
  const AttackRun a = generate(config_for(12, 10, 4), "all");
  const AttackRun b = generate(config_for(12, 10, 4), "all");
  const AttackRun c = generate(config_for(12, 10, 5), "all");
  EXPECT_TRUE(a.frames == b.frames);
  EXPECT_EQ(a.truth, b.truth);
  EXPECT_FALSE(a.frames == c.frames);
  EXPECT_NE(a.truth, c.truth);
}

// For each kind alone: the frames it added are exactly what its ground-truth line says: the first
// and last times, and every frame between the named attackers and victims.
TEST(AttackPlan, TruthLinesMatchTheAddedFrames) {
  const TrafficConfig config = config_for(15, 10, 5);
  const std::vector<Frame> plain = benign(config);
  for (const AttackKindInfo& info : attack_kinds()) {
    SCOPED_TRACE(std::string(info.id));
    const AttackRun run = generate(config, info.id);
    bool subsequence = false;
    const auto added = test::added_frames(run.frames, plain, &subsequence);
    ASSERT_TRUE(subsequence);
    ASSERT_FALSE(added.empty());
    ASSERT_EQ(run.attacks.size(), 1u);
    const PlannedAttack& attack = run.attacks[0];
    EXPECT_EQ(attack.tally().packets, added.size());

    const auto lines = test::split(run.truth, '\n');
    ASSERT_EQ(lines.size(), 3u);  // header, the attack, the empty tail
    EXPECT_EQ(lines[0], kTruthHeader);
    const auto fields = test::split(lines[1], ',');
    ASSERT_EQ(fields.size(), 6u);
    EXPECT_EQ(fields[0], info.id);
    EXPECT_EQ(fields[1], info.detector);
    EXPECT_EQ(fields[4], iso(added.front().ts));
    EXPECT_EQ(fields[5], iso(added.back().ts));

    std::set<IpAddress> named;
    if (info.kind == AttackKind::kSynFloodSpoofed) {
      EXPECT_EQ(fields[2], "spoofed");
    } else {
      for (const auto& a : test::split(fields[2], ';')) named.insert(test::ip(a.c_str()));
      EXPECT_FALSE(named.empty());
    }
    for (const auto& v : test::split(fields[3], ';')) named.insert(test::ip(v.c_str()));
    std::size_t from_attacker = 0;
    for (const Frame& f : added) {
      const PacketView v = f.view();
      ASSERT_TRUE(v.net == NetLayer::kIpv4 || v.net == NetLayer::kArp);
      ASSERT_TRUE(named.count(v.src_ip) == 1 || named.count(v.dst_ip) == 1)
          << test::text(v.src_ip) << " -> " << test::text(v.dst_ip);
      for (const IpAddress& a : attack.attackers) from_attacker += v.src_ip == a ? 1u : 0u;
    }
    if (info.kind == AttackKind::kArpSpoof) {
      // The forged replies carry the attacker's MAC, not its address.
      const auto hosts = run.generator->network().hosts();
      const auto it = std::find_if(hosts.begin(), hosts.end(),
                                   [&](const Host& h) { return h.ipv4 == attack.attackers.at(0); });
      ASSERT_NE(it, hosts.end());
      for (const Frame& f : added) {
        const PacketView v = f.view();
        EXPECT_EQ(v.arp_sender_mac, it->mac.bytes);
      }
    } else if (info.kind != AttackKind::kSynFloodSpoofed) {
      EXPECT_GT(from_attacker, 0u);
    }
  }
}

TEST(AttackPlan, AttacksSpreadOverTheRunAndFollowTheStartOption) {
  const TrafficConfig config = config_for(60, 10, 2);
  const AttackRun run = generate(config, "all");
  std::int64_t earliest = INT64_MAX;
  std::int64_t latest = 0;
  for (const PlannedAttack& a : run.attacks) {
    ASSERT_GT(a.tally().packets, 0u) << attack_info(a.kind).id;
    EXPECT_GE(a.tally().first_ns, config.start.ns);
    EXPECT_LT(a.tally().last_ns, config.start.ns + 60'000'000'000LL);
    earliest = std::min(earliest, a.tally().first_ns);
    latest = std::max(latest, a.tally().first_ns);
  }
  EXPECT_LT(earliest - config.start.ns, 5'000'000'000LL);
  EXPECT_GT(latest - earliest, 30'000'000'000LL);

  const AttackRun late = generate(config, "syn_flood,port_scan_syn", 30.0);
  ASSERT_EQ(late.attacks.size(), 2u);
  std::int64_t first = INT64_MAX;
  for (const PlannedAttack& a : late.attacks) first = std::min(first, a.tally().first_ns);
  EXPECT_EQ(first, config.start.ns + 30'000'000'000LL);
}

TEST(AttackPlan, RefusesASiteTooSmallOrAStartOutsideTheRun) {
  for (const auto& [hosts, start] : {std::pair<std::uint32_t, double>{1, 1.0}, {10, 20.0}, {10, -1.0}}) {
    TrafficGenerator g(config_for(20, hosts, 1));
    AttackOptions o;
    o.kinds = {AttackKind::kPortScanSyn};
    o.start_seconds = start;
    try {
      const AttackPlan plan(g, o);
      ADD_FAILURE() << hosts << " hosts, start " << start;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    }
  }
}

// The documented budget: a 60-second run with every attack stays well under 100 MB.
TEST(AttackPlan, SixtySecondsOfEveryAttackStayUnderBudget) {
  TrafficGenerator g(config_for(60, 10, 1));
  AttackOptions o;
  o.kinds = parse_attack_kinds("all");
  const AttackPlan plan(g, o);
  RawPacket p;
  while (g.next(p)) {
  }
  EXPECT_LT(g.stats().bytes, 60'000'000u);
  EXPECT_GT(g.stats().bytes, 20'000'000u);
}

std::uint16_t be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
std::uint32_t ones_sum(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2 == 1) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  return sum;
}
std::uint16_t folded(std::uint32_t sum) {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// Every frame of every attack: sizes, IPv4/TCP/UDP/ICMP checksums, and on connections that began
// with a SYN, sequence numbers that continue exactly and acknowledgements of nothing unsent.
TEST(AttackPlan, EveryAttackFrameIsWireCorrect) {
  const TrafficConfig config = config_for(20, 10, 7);
  const AttackRun run = generate(config, "all");
  const auto added = test::added_frames(run.frames, benign(config));
  using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint16_t, std::uint16_t>;
  std::map<Key, std::uint32_t> next_seq;
  std::uint64_t checked = 0;
  for (const Frame& f : added) {
    const auto& d = f.bytes;
    ASSERT_GE(d.size(), 60u);
    ASSERT_LE(d.size(), 1514u);
    const std::uint16_t type = be16(&d[12]);
    if (type == 0x0806) continue;
    ASSERT_EQ(type, 0x0800);
    const std::size_t l3 = 14;
    ASSERT_EQ(folded(ones_sum(&d[l3], 20)), 0xffff) << "IPv4 header checksum";
    const std::uint8_t proto = d[l3 + 9];
    const std::size_t l4 = l3 + 20;
    const std::size_t l4_len = be16(&d[l3 + 2]) - 20u;
    ASSERT_LE(l4 + l4_len, d.size());
    const std::uint32_t pseudo = ones_sum(&d[l3 + 12], 8) + proto + static_cast<std::uint32_t>(l4_len);
    if (proto == 6 || proto == 17) {
      ASSERT_EQ(folded(ones_sum(&d[l4], l4_len, pseudo)), 0xffff) << "proto " << int{proto};
    } else {
      ASSERT_EQ(proto, 1);
      ASSERT_EQ(folded(ones_sum(&d[l4], l4_len)), 0xffff) << "ICMP";
    }
    ++checked;
    if (proto != 6) continue;
    const std::uint8_t flags = d[l4 + 13];
    const std::size_t header = (d[l4 + 12] >> 4) * 4u;
    const auto payload = static_cast<std::uint32_t>(l4_len - header);
    const Key key{be32(&d[l3 + 12]), be32(&d[l3 + 16]), be16(&d[l4]), be16(&d[l4 + 2])};
    const Key back{std::get<1>(key), std::get<0>(key), std::get<3>(key), std::get<2>(key)};
    const std::uint32_t seq = be32(&d[l4 + 4]);
    const bool syn = (flags & 0x02) != 0;
    const bool rst = (flags & 0x04) != 0;
    if (syn) {
      next_seq[key] = seq + 1;
      continue;
    }
    const auto it = next_seq.find(key);
    if (it == next_seq.end() || rst) continue;  // raw probes, resets
    ASSERT_EQ(seq, it->second) << "sequence gap or overlap";
    it->second = seq + payload + ((flags & 0x01) != 0 ? 1u : 0u);
    const auto other = next_seq.find(back);
    if ((flags & 0x10) != 0 && other != next_seq.end()) {
      // Acknowledges no more than the other side sent.
      ASSERT_LE(static_cast<std::int32_t>(be32(&d[l4 + 8]) - other->second), 0);
    }
  }
  EXPECT_GT(checked, 10'000u);
}

}  // namespace
}  // namespace nta

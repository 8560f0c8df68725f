#include "synth/traffic_generator.h"

#include <gtest/gtest.h>

#include <array>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "core/error.h"

namespace nta {
namespace {

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

struct Packet {
  Timestamp ts;
  std::uint32_t wire_len;
  std::vector<std::uint8_t> bytes;
  friend bool operator==(const Packet&, const Packet&) = default;
};

std::vector<Packet> generate(const TrafficConfig& config) {
  TrafficGenerator generator(config);
  std::vector<Packet> packets;
  RawPacket p;
  while (generator.next(p)) packets.push_back(Packet{p.ts, p.wire_len, {p.data.begin(), p.data.end()}});
  return packets;
}

TrafficConfig small(std::uint64_t seed = 1) {
  TrafficConfig c;
  c.seconds = 120;
  c.hosts = 12;
  c.seed = seed;
  return c;
}

TEST(TrafficGenerator, SameSeedGivesIdenticalPackets) {
  const auto a = generate(small(7));
  const auto b = generate(small(7));
  ASSERT_GT(a.size(), 1000u);
  EXPECT_TRUE(a == b);
}

TEST(TrafficGenerator, DifferentSeedsGiveDifferentTraffic) {
  const auto a = generate(small(7));
  const auto b = generate(small(8));
  EXPECT_FALSE(a == b);
}

TEST(TrafficGenerator, PacketsComeInTimeOrderInsideTheSpan) {
  const TrafficConfig config = small();
  const auto packets = generate(config);
  ASSERT_FALSE(packets.empty());
  EXPECT_GE(packets.front().ts, config.start);
  for (std::size_t i = 1; i < packets.size(); ++i) ASSERT_LE(packets[i - 1].ts, packets[i].ts) << i;
  EXPECT_LT(packets.back().ts.ns, config.start.ns + 120'000'000'000LL);
}

TEST(TrafficGenerator, StartsAtTheDocumentedDefaultTime) {
  EXPECT_EQ(TrafficConfig{}.start.ns, 1'708'353'000'000'000'000LL);  // 2024-02-19 14:30:00 UTC
}

TEST(TrafficGenerator, HonoursThePacketLimit) {
  TrafficConfig config = small();
  config.seconds = 3600;
  config.max_packets = 2500;
  TrafficGenerator generator(config);
  RawPacket p;
  std::uint64_t n = 0;
  while (generator.next(p)) ++n;
  EXPECT_EQ(n, 2500u);
  EXPECT_EQ(generator.stats().packets, 2500u);
  EXPECT_FALSE(generator.next(p));
}

TEST(TrafficGenerator, StatsAddUp) {
  TrafficGenerator generator(small());
  RawPacket p;
  std::uint64_t bytes = 0;
  std::uint64_t packets = 0;
  Timestamp first;
  Timestamp last;
  while (generator.next(p)) {
    if (packets == 0) first = p.ts;
    last = p.ts;
    bytes += p.wire_len;
    ++packets;
  }
  EXPECT_EQ(generator.stats().packets, packets);
  EXPECT_EQ(generator.stats().bytes, bytes);
  EXPECT_EQ(generator.stats().first, first);
  EXPECT_EQ(generator.stats().last, last);
  EXPECT_GT(generator.stats().flows_started, 20u);
}

TEST(TrafficGenerator, RejectsOutOfRangeConfigurations) {
  for (std::uint32_t hosts : {0u, 60001u}) {
    TrafficConfig c;
    c.hosts = hosts;
    try {
      TrafficGenerator g(c);
      FAIL() << "hosts " << hosts;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    }
  }
  for (double seconds : {0.0, -1.0}) {
    TrafficConfig c;
    c.seconds = seconds;
    EXPECT_THROW(TrafficGenerator g(c), Error);
  }
}

// Walks every frame the way a decoder would and checks what a real stack guarantees: wire length
// equal to capture length, Ethernet minimum size, valid IPv4/TCP/UDP/ICMP checksums, and TCP
// sequence numbers that continue exactly where the previous segment of the direction ended.
TEST(TrafficGenerator, FramesAreWireCorrect) {
  TrafficConfig config = small(3);
  config.hosts = 40;
  config.seconds = 240;
  TrafficGenerator generator(config);
  RawPacket p;
  using Key =
      std::tuple<std::array<std::uint8_t, 16>, std::array<std::uint8_t, 16>, std::uint16_t, std::uint16_t>;
  std::map<Key, std::uint32_t> next_seq;
  std::set<std::uint16_t> ethertypes;
  std::set<std::uint8_t> protocols;
  std::uint64_t vlan_frames = 0;
  std::uint64_t tcp_segments = 0;
  while (generator.next(p)) {
    const auto& d = p.data;
    ASSERT_EQ(p.wire_len, d.size());
    ASSERT_GE(d.size(), 60u);
    ASSERT_LE(d.size(), 1518u);
    std::size_t l3 = 14;
    std::uint16_t type = be16(&d[12]);
    if (type == 0x8100) {
      ++vlan_frames;
      type = be16(&d[16]);
      l3 = 18;
    }
    ethertypes.insert(type);
    if (type != 0x0800 && type != 0x86dd) continue;
    const bool v6 = type == 0x86dd;
    std::uint8_t proto = 0;
    std::size_t l4 = 0;
    std::size_t l4_len = 0;
    std::uint32_t pseudo = 0;
    std::array<std::uint8_t, 16> src{};
    std::array<std::uint8_t, 16> dst{};
    if (v6) {
      proto = d[l3 + 6];
      l4 = l3 + 40;
      l4_len = be16(&d[l3 + 4]);
      pseudo = ones_sum(&d[l3 + 8], 32);
      std::copy_n(&d[l3 + 8], 16, src.begin());
      std::copy_n(&d[l3 + 24], 16, dst.begin());
    } else {
      ASSERT_EQ(folded(ones_sum(&d[l3], 20)), 0xffff) << "IPv4 header checksum";
      proto = d[l3 + 9];
      l4 = l3 + 20;
      l4_len = be16(&d[l3 + 2]) - 20u;
      pseudo = ones_sum(&d[l3 + 12], 8);
      std::copy_n(&d[l3 + 12], 4, src.begin());
      std::copy_n(&d[l3 + 16], 4, dst.begin());
    }
    ASSERT_LE(l4 + l4_len, d.size());
    protocols.insert(proto);
    const std::uint32_t with_pseudo = pseudo + proto + static_cast<std::uint32_t>(l4_len);
    if (proto == 6 || proto == 17 || proto == 58) {
      ASSERT_EQ(folded(ones_sum(&d[l4], l4_len, with_pseudo)), 0xffff) << "proto " << int{proto};
    } else if (proto == 1) {
      ASSERT_EQ(folded(ones_sum(&d[l4], l4_len)), 0xffff) << "ICMP";
    }
    if (proto != 6) continue;
    ++tcp_segments;
    const std::uint8_t flags = d[l4 + 13];
    const std::size_t header = (d[l4 + 12] >> 4) * 4u;
    const auto payload = static_cast<std::uint32_t>(l4_len - header);
    const std::uint32_t seq = be32(&d[l4 + 4]);
    const Key key{src, dst, be16(&d[l4]), be16(&d[l4 + 2])};
    const bool syn = (flags & 0x02) != 0;
    const bool rst = (flags & 0x04) != 0;
    if (!syn && !rst) {
      auto it = next_seq.find(key);
      ASSERT_NE(it, next_seq.end()) << "segment without a SYN";
      ASSERT_EQ(seq, it->second) << "sequence gap or overlap";
    }
    next_seq[key] = seq + payload + (syn ? 1u : 0u) + ((flags & 0x01) != 0 ? 1u : 0u);
  }
  EXPECT_GT(tcp_segments, 1000u);
  EXPECT_TRUE(ethertypes.count(0x0806) == 1) << "ARP";
  EXPECT_TRUE(ethertypes.count(0x86dd) == 1) << "IPv6";
  EXPECT_GT(vlan_frames, 0u);
  for (int proto : {1, 6, 17, 58}) EXPECT_EQ(protocols.count(static_cast<std::uint8_t>(proto)), 1u) << proto;
}

// A scenario that is not part of the benign mix joins the queue and keeps time order.
class TwoPings final : public Session {
 public:
  SessionStep step(SessionContext& ctx, std::int64_t now_ns) override {
    Host& h = ctx.network.hosts()[0];
    const IpSpec ip{.src = h.ipv4, .dst = ctx.network.gateway_ipv4()};
    const std::size_t n = ctx.frames.icmp_echo(EthernetSpec{.src = h.mac, .dst = ctx.network.gateway_mac()},
                                               ip, false, 0x4242, static_cast<std::uint16_t>(sent_), {});
    return {n, ++sent_ < 2 ? now_ns + 1'000'000'000 : kNever};
  }

 private:
  int sent_ = 0;
};

TEST(TrafficGenerator, AcceptsAddedSessions) {
  TrafficConfig config = small();
  TrafficGenerator generator(config);
  generator.add_session(std::make_unique<TwoPings>(), Timestamp{config.start.ns + 5'000'000'000LL});
  RawPacket p;
  int seen = 0;
  Timestamp previous;
  while (generator.next(p)) {
    ASSERT_LE(previous, p.ts);
    previous = p.ts;
    if (p.data.size() >= 42 && be16(&p.data[12]) == 0x0800 && p.data[23] == 1 &&
        be16(&p.data[38]) == 0x4242) {
      EXPECT_EQ(p.ts.ns, config.start.ns + (5 + seen) * 1'000'000'000LL);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace nta

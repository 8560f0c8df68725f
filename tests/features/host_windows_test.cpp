#include "features/host_windows.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "flow/flow_test_util.h"

namespace nta {
namespace {

using test::ip;
using test::kSecond;
using test::kT0;

constexpr std::uint32_t kTcp = 6u << 16;
constexpr std::uint32_t kUdp = 17u << 16;

Timestamp at(double seconds) { return Timestamp{kT0 + static_cast<std::int64_t>(seconds * 1e9)}; }

TEST(HostWindows, CountsDistinctDestinationsAndPorts) {
  HostWindows w;
  const IpAddress a = ip("10.0.0.1");
  w.on_start(at(0), a, ip("10.0.0.2"), kTcp | 80, true);
  w.on_start(at(1), a, ip("10.0.0.2"), kTcp | 443, true);
  w.on_start(at(2), a, ip("10.0.0.3"), kTcp | 80, true);
  w.on_start(at(3), a, ip("10.0.0.4"), kUdp | 80, true);  // UDP 80 is another port than TCP 80
  w.on_start(at(4), a, ip("10.0.0.5"), 0, false);         // ICMP: a destination, no port
  w.on_start(at(5), ip("10.9.9.9"), ip("10.0.0.6"), kTcp | 22, true);  // another host

  const HostWindowSnapshot s = w.snapshot(a, at(5));
  EXPECT_EQ(s.dst_hosts, 4u);
  EXPECT_EQ(s.dst_ports, 3u);
  EXPECT_EQ(s.starts, 5u);
  EXPECT_EQ(s.ends, 0u);
  EXPECT_DOUBLE_EQ(s.window_seconds, 60.0);
  EXPECT_EQ(w.hosts(), 2u);
}

TEST(HostWindows, ExpiresOnPacketTime) {
  HostWindows w;
  const IpAddress a = ip("10.0.0.1");
  w.on_start(at(0), a, ip("10.0.0.2"), kTcp | 80, true);
  w.on_start(at(30), a, ip("10.0.0.3"), kTcp | 81, true);
  w.on_end(at(31), a, FlowOutcome{true, true, 44, 0});

  HostWindowSnapshot s = w.snapshot(a, at(59.999));
  EXPECT_EQ(s.starts, 2u);
  EXPECT_EQ(s.dst_hosts, 2u);
  // The window is (now - 60 s, now]: an event exactly 60 s old has left it.
  s = w.snapshot(a, at(60));
  EXPECT_EQ(s.starts, 1u);
  EXPECT_EQ(s.dst_hosts, 1u);
  EXPECT_EQ(s.dst_ports, 1u);
  EXPECT_EQ(s.ends, 1u);
  s = w.snapshot(a, at(91));
  EXPECT_EQ(s.starts, 0u);
  EXPECT_EQ(s.ends, 0u);
  EXPECT_EQ(s.dst_hosts, 0u);
}

TEST(HostWindows, WindowLengthIsConfigurable) {
  HostWindows w(HostWindowConfig{.window_ns = 10 * kSecond});
  const IpAddress a = ip("10.0.0.1");
  w.on_start(at(0), a, ip("10.0.0.2"), kTcp | 80, true);
  EXPECT_EQ(w.snapshot(a, at(9.5)).starts, 1u);
  EXPECT_EQ(w.snapshot(a, at(10)).starts, 0u);
  EXPECT_DOUBLE_EQ(w.snapshot(a, at(10)).window_seconds, 10.0);
}

TEST(HostWindows, FailedAndSynOnlySharesAndBytes) {
  HostWindows w;
  const IpAddress a = ip("10.0.0.1");
  w.on_end(at(1), a, FlowOutcome{false, false, 1000, 50'000});
  w.on_end(at(2), a, FlowOutcome{true, true, 44, 0});
  w.on_end(at(3), a, FlowOutcome{true, false, 44, 40});
  w.on_end(at(4), a, FlowOutcome{false, false, 500, 700});
  const HostWindowSnapshot s = w.snapshot(a, at(4));
  EXPECT_EQ(s.ends, 4u);
  EXPECT_EQ(s.failed, 2u);
  EXPECT_EQ(s.syn_only, 1u);
  EXPECT_EQ(s.bytes_out, 1588u);
  EXPECT_EQ(s.bytes_in, 50'740u);
  EXPECT_EQ(s.starts, 0u);
}

TEST(HostWindows, UnknownHostHasEmptySnapshot) {
  HostWindows w;
  w.on_start(at(0), ip("10.0.0.1"), ip("10.0.0.2"), kTcp | 80, true);
  const HostWindowSnapshot s = w.snapshot(ip("10.0.0.2"), at(0));  // a responder, not an originator
  EXPECT_EQ(s.starts, 0u);
  EXPECT_EQ(s.dst_hosts, 0u);
  EXPECT_EQ(w.hosts(), 1u);
}

TEST(HostWindows, HostCapEvictsTheLeastRecentlySeen) {
  HostWindows w(HostWindowConfig{.max_hosts = 2});
  const IpAddress a = ip("10.0.0.1");
  const IpAddress b = ip("10.0.0.2");
  const IpAddress c = ip("10.0.0.3");
  w.on_start(at(0), a, ip("10.1.0.1"), kTcp | 80, true);
  w.on_start(at(1), b, ip("10.1.0.1"), kTcp | 80, true);
  w.on_end(at(2), a, FlowOutcome{});  // a is seen again: b is now the least recently seen
  w.on_start(at(3), c, ip("10.1.0.1"), kTcp | 80, true);
  EXPECT_EQ(w.hosts(), 2u);
  EXPECT_EQ(w.counters().hosts_evicted, 1u);
  EXPECT_EQ(w.snapshot(a, at(3)).starts, 1u);
  EXPECT_EQ(w.snapshot(b, at(3)).starts, 0u);  // evicted: history lost
  EXPECT_EQ(w.snapshot(c, at(3)).starts, 1u);
}

TEST(HostWindows, EventCapFoldsOldestIntoOverflowThatExpiresWithItsNewest) {
  HostWindows w(HostWindowConfig{.max_events = 4});
  const IpAddress a = ip("10.0.0.1");
  for (int i = 0; i < 10; ++i) {
    w.on_start(at(i), a, IpAddress::v4(std::array<std::uint8_t, 4>{10, 2, 0, static_cast<std::uint8_t>(i)}.data()),
               kTcp | static_cast<std::uint32_t>(1000 + i), true);
  }
  EXPECT_EQ(w.counters().events_folded, 6u);
  HostWindowSnapshot s = w.snapshot(a, at(9));
  EXPECT_EQ(s.starts, 10u);   // the count keeps every start
  EXPECT_EQ(s.dst_hosts, 4u); // distinct counts see the newest max_events starts only
  EXPECT_EQ(s.dst_ports, 4u);
  // The folded starts (t = 0..5) stay until the newest of them (t = 5) leaves the window.
  s = w.snapshot(a, at(64.5));
  EXPECT_EQ(s.starts, 10u);
  s = w.snapshot(a, at(65.5));
  EXPECT_EQ(s.starts, 4u);
  EXPECT_EQ(s.dst_hosts, 4u);
}

TEST(HostWindows, EndCapKeepsExactTotalsThroughOverflow) {
  HostWindows w(HostWindowConfig{.max_events = 3});
  const IpAddress a = ip("10.0.0.1");
  for (int i = 0; i < 9; ++i) w.on_end(at(i), a, FlowOutcome{i % 3 == 0, i % 3 == 0, 10, 1});
  const HostWindowSnapshot s = w.snapshot(a, at(9));
  EXPECT_EQ(s.ends, 9u);
  EXPECT_EQ(s.failed, 3u);
  EXPECT_EQ(s.syn_only, 3u);
  EXPECT_EQ(s.bytes_out, 90u);
  EXPECT_EQ(s.bytes_in, 9u);
}

// Against a plain model that keeps every event: while no cap is reached the snapshot must be exact,
// through index growth and many hosts.
TEST(HostWindows, MatchesPlainModelBelowTheCaps) {
  HostWindows w(HostWindowConfig{.window_ns = 20 * kSecond, .max_hosts = 4096, .max_events = 1024});
  struct Event {
    double t;
    std::uint32_t dst;
    std::uint32_t port;
    bool end;
    FlowOutcome o;
  };
  std::map<std::uint32_t, std::vector<Event>> model;
  test::Rng rng(3);
  auto addr = [](std::uint32_t v) {
    const std::array<std::uint8_t, 4> b{10, static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
                                        static_cast<std::uint8_t>(v)};
    return IpAddress::v4(b.data());
  };
  double t = 0;
  for (int i = 0; i < 20'000; ++i) {
    t += (rng() % 1000) / 1000.0 * 0.01;
    const std::uint32_t host = rng() % 1500;
    if (rng() % 3 == 0) {
      const FlowOutcome o{rng() % 2 == 0, rng() % 4 == 0, rng() % 5000, rng() % 5000};
      w.on_end(at(t), addr(host), o);
      model[host].push_back({t, 0, 0, true, o});
    } else {
      const std::uint32_t dst = 100000 + rng() % 50;
      const std::uint32_t port = rng() % 20;
      w.on_start(at(t), addr(host), addr(dst), kTcp | port, true);
      model[host].push_back({t, dst, port, false, {}});
    }
    if (i % 97 == 0) {
      const std::uint32_t q = rng() % 1500;
      const HostWindowSnapshot s = w.snapshot(addr(q), at(t));
      std::set<std::uint32_t> dsts, ports;
      std::uint64_t starts = 0, ends = 0, failed = 0, syn_only = 0, out = 0, in = 0;
      for (const Event& e : model[q]) {
        if (!(at(e.t).ns > at(t).ns - 20 * kSecond)) continue;
        if (e.end) {
          ++ends;
          failed += e.o.failed;
          syn_only += e.o.syn_only;
          out += e.o.bytes_out;
          in += e.o.bytes_in;
        } else {
          ++starts;
          dsts.insert(e.dst);
          ports.insert(e.port);
        }
      }
      ASSERT_EQ(s.starts, starts) << "host " << q << " at " << t;
      ASSERT_EQ(s.dst_hosts, dsts.size());
      ASSERT_EQ(s.dst_ports, ports.size());
      ASSERT_EQ(s.ends, ends);
      ASSERT_EQ(s.failed, failed);
      ASSERT_EQ(s.syn_only, syn_only);
      ASSERT_EQ(s.bytes_out, out);
      ASSERT_EQ(s.bytes_in, in);
    }
  }
  EXPECT_EQ(w.counters().hosts_evicted, 0u);
  EXPECT_EQ(w.counters().events_folded, 0u);
}

TEST(HostWindows, EventStorageOfABusyHostStaysAtTheCap) {
  HostWindows w(HostWindowConfig{.max_events = 8});
  const IpAddress a = ip("10.0.0.1");
  const std::size_t empty = w.memory_bytes();
  for (int i = 0; i < 10'000; ++i) {
    w.on_start(at(i * 1e-3), a, ip("10.0.0.2"), kTcp | 80, true);
    w.on_end(at(i * 1e-3), a, FlowOutcome{false, false, 1ull << 40, 1});  // bytes saturate, never wrap
  }
  const HostWindowSnapshot s = w.snapshot(a, at(10));
  EXPECT_EQ(s.starts, 10'000u);
  EXPECT_EQ(s.ends, 10'000u);
  EXPECT_EQ(s.bytes_out, 10'000ull * 0xffffffffu);
  // One host: its record, the index and 8 starts + 8 ends, whatever the number of events.
  EXPECT_LE(w.memory_bytes() - empty, 64 * sizeof(std::uint32_t) + 8 * 48 + 512);
}

TEST(HostWindows, MemoryStaysBoundedUnderAFloodOfHosts) {
  HostWindows w(HostWindowConfig{.max_hosts = 1000, .max_events = 8});
  for (std::uint32_t i = 0; i < 200'000; ++i) {
    const std::array<std::uint8_t, 4> b{10, static_cast<std::uint8_t>(i >> 16), static_cast<std::uint8_t>(i >> 8),
                                        static_cast<std::uint8_t>(i)};
    const IpAddress h = IpAddress::v4(b.data());
    for (int k = 0; k < 3; ++k) w.on_start(at(i * 1e-4), h, ip("10.200.0.1"), kTcp | 80, true);
  }
  EXPECT_EQ(w.hosts(), 1000u);
  EXPECT_EQ(w.counters().hosts_evicted, 199'000u);
  EXPECT_LT(w.memory_bytes(), std::size_t{1000} * 1024);
}

}  // namespace
}  // namespace nta

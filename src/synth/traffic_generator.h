#pragma once
// nta synth: realistic benign LAN traffic, deterministic under a seed. Sessions (DNS lookups, TCP
// connections, pings, ARP, ...) sit in a queue ordered by their next due time; next() asks the
// earliest for its packet, so a capture of any length streams out in time order with memory
// bounded by the sessions in flight, and no allocation per packet.
#include <cstdint>
#include <memory>
#include <vector>

#include "core/raw_packet.h"
#include "core/timestamp.h"
#include "synth/benign_sessions.h"
#include "synth/frame_builder.h"
#include "synth/network.h"
#include "synth/rng.h"
#include "synth/session.h"

namespace nta {

// 2024-02-19 14:30:00 UTC.
inline constexpr Timestamp kDefaultSynthStart{1'708'353'000LL * 1'000'000'000LL};

struct TrafficConfig {
  double seconds = 60.0;     // span of packet time to generate
  std::uint32_t hosts = 10;  // client hosts on the LAN (1..60000)
  std::uint64_t seed = 1;
  std::uint64_t max_packets = 0;  // stop after this many packets; 0 = no limit
  Timestamp start = kDefaultSynthStart;
  ActivityMix mix{};
};

struct TrafficStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;          // frame bytes (wire lengths)
  std::uint64_t flows_started = 0;  // 5-tuples opened (a DNS query, a SYN, a ping series, ...)
  Timestamp first;
  Timestamp last;
};

class TrafficGenerator {
 public:
  // Throws nta::Error (kUsage) for a configuration out of range.
  explicit TrafficGenerator(const TrafficConfig& config);
  TrafficGenerator(const TrafficGenerator&) = delete;
  TrafficGenerator& operator=(const TrafficGenerator&) = delete;
  ~TrafficGenerator();

  // The next frame in time order (Ethernet, wire_len == caplen); its bytes stay valid until the
  // next call. False once the time span or the packet budget is used up.
  bool next(RawPacket& packet);

  // Adds a session (an attack scenario, say) due at `at`; it competes for time like any other.
  void add_session(std::unique_ptr<Session> session, Timestamp at);

  [[nodiscard]] Network& network() noexcept { return network_; }
  [[nodiscard]] const TrafficStats& stats() const noexcept { return stats_; }
  [[nodiscard]] const TrafficConfig& config() const noexcept { return config_; }

 private:
  struct Entry {
    std::int64_t at_ns;
    std::uint64_t order;  // ties keep insertion order, whatever the heap implementation
    std::unique_ptr<Session> session;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const noexcept {
      return a.at_ns != b.at_ns ? a.at_ns > b.at_ns : a.order > b.order;
    }
  };

  void push(std::int64_t at_ns, std::unique_ptr<Session> session);

  TrafficConfig config_;
  Rng rng_;
  Network network_;
  std::vector<std::uint8_t> frame_;
  std::vector<std::uint8_t> payload_;
  std::vector<std::uint8_t> scratch_;
  std::vector<std::uint8_t> noise_;
  FrameBuilder builder_;
  SessionContext context_;
  std::vector<Entry> queue_;
  std::uint64_t order_ = 0;
  std::int64_t end_ns_ = 0;
  TrafficStats stats_;
};

}  // namespace nta

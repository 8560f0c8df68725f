#pragma once
// udp_flood: unanswered UDP to one host (T1498). Counts per victim and window the UDP packets
// and bytes arriving on flows the victim has not answered, taking them back when it answers (a
// flood is one-way; a download or a busy resolver's queries are not), their sources and ports,
// and apart from them the unsolicited responses from amplifying services' ports (reflection).
// Alerts on min_packets at min_rate (direct flood, T1498.001), or on reflection_min_sources
// amplifiers sending reflection_min_bytes (T1498.002).
#include <array>
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class UdpFloodDetector {
 public:
  UdpFloodDetector(const UdpFloodRules& rules, std::size_t max_tracked, AlertLog& log);

  // One unanswered UDP packet (or fragment) from src:sport to dst:dport of `bytes` IP bytes.
  void on_packet(const IpAddress& src, std::uint16_t sport, const IpAddress& dst, std::uint16_t dport,
                 std::uint32_t bytes, std::int64_t now_ns);

  // The victim answered a flow it had received `packets` (`bytes`) on: they were no flood.
  void on_answered(const IpAddress& victim, std::uint64_t packets, std::uint64_t bytes) noexcept;

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    Window window;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t reflected_packets = 0;
    std::uint64_t reflected_bytes = 0;
    DistinctCounter<1024, 4> sources;
    DistinctCounter<1024, 16> reflectors;
    DistinctSketch<256> ports;
    TopPorts top_port;
    TopSourcePorts top_pair;
    std::uint16_t reflection_port = 0;
    TopSources top;
    bool fired = false;
    Throttle throttle;
  };

  UdpFloodRules rules_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

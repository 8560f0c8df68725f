#pragma once
// icmp_flood: ICMP at a high rate to one host (T1498.001). Counts per victim and window the echo
// requests it receives and any other ICMP query or reply arriving on flows it has not answered
// (smurf-style replies); alerts on min_packets at min_rate. Error messages (unreachable, time
// exceeded, ...) are not counted: they answer the receiver's own traffic.
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class IcmpFloodDetector {
 public:
  IcmpFloodDetector(const IcmpFloodRules& rules, std::size_t max_tracked, AlertLog& log);

  void on_packet(const IpAddress& src, const IpAddress& dst, std::uint8_t type, bool echo_request,
                 std::uint32_t bytes, std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    Window window;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t echo_requests = 0;
    std::uint8_t first_type = 0;
    DistinctCounter<1024, 4> sources;
    TopSources top;
    TopSourcePorts top_pair;  // port 0: ICMP has none
    bool fired = false;
    Throttle throttle;
  };

  IcmpFloodRules rules_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

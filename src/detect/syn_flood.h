#pragma once
// syn_flood: many SYNs to one host with few handshakes completed (T1499.001, OS exhaustion flood).
// Counts per victim and window: SYNs (every SYN without ACK, retransmissions and reused ports
// included), handshakes completed (the originator's first ACK after a SYN-ACK), distinct sources
// and destination ports. Alerts on min_syns at min_rate with at most max_completed_share completed,
// aimed at few ports: at most max_ports distinct, or one port taking half the SYNs (SYNs spread
// over many ports are port_scan's; a scan and a flood at once still leave the flood's port on top). Names the source when one dominates;
// otherwise the sources are spoofed or distributed and only the victim is named.
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class SynFloodDetector {
 public:
  SynFloodDetector(const SynFloodRules& rules, std::size_t max_tracked, AlertLog& log);

  void on_syn(const IpAddress& src, const IpAddress& dst, std::uint16_t dport, std::int64_t now_ns);
  void on_handshake_completed(const IpAddress& dst) noexcept;

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    Window window;
    std::uint64_t syns = 0;
    std::uint64_t completed = 0;
    DistinctCounter<1024, 4> sources;
    DistinctSketch<256> ports;
    TopPorts top_port;
    TopSources top;
    TopSourcePorts top_pair;
    bool fired = false;
    Throttle throttle;
  };

  SynFloodRules rules_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

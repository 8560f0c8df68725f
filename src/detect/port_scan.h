#pragma once
// port_scan: one source probing many ports of one host (vertical scan; T1046). Counts, per
// (source, target) pair and window, the distinct ports probed (SYN, connect, FIN/NULL/Xmas, UDP)
// and those that answered positively (SYN-ACK, a UDP reply); alerts when the unanswered or refused
// ports reach min_ports, or the FIN/NULL/Xmas-probed ports reach min_stealth_ports.
#include <array>
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"
#include "detect/probe.h"
#include "detect/rules_config.h"

namespace nta {

class PortScanDetector {
 public:
  PortScanDetector(const PortScanRules& rules, std::size_t max_tracked, AlertLog& log);

  void on_probe(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, std::uint16_t port, ProbeKind kind,
                std::int64_t now_ns);
  // The target answered the probe of `port` positively (the port is open).
  void on_positive_answer(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, std::uint16_t port);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }
  [[nodiscard]] std::size_t tracked() const noexcept { return table_.size(); }

 private:
  // Counters first: a probe of a pair seen before touches few cache lines.
  struct State {
    Window window;
    std::uint32_t probes = 0;
    std::uint32_t syn = 0;
    std::uint32_t udp = 0;
    std::uint32_t stealth_probes = 0;
    std::uint32_t distinct = 0;  // bits set in `ports` (for lo/hi)
    std::uint16_t lo = 0;
    std::uint16_t hi = 0;
    std::array<std::uint16_t, 8> sample{};
    std::uint8_t sample_count = 0;
    bool fired = false;
    Throttle throttle;
    AnsweredCounter<256, 24> ports;
    DistinctCounter<64, 8> stealth;
  };

  Alert make_alert(const IpAddress& src, const IpAddress& dst, const State& s, double unanswered, double stealth,
                   Severity sev, std::int64_t now_ns) const;

  PortScanRules rules_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<PairKey, State, WordKeyHash> table_;
};

}  // namespace nta

#pragma once
// horizontal_scan: one source probing one port across many hosts (T1046). Counts, per (source,
// protocol, port) and window, the distinct hosts probed with SYN, FIN/NULL/Xmas or UDP and those
// that answered positively; alerts when the unanswered or refused hosts reach min_hosts. A source
// whose probes of that protocol spread over spread_ports distinct ports or more in the window,
// with under two thirds of them on this port, behaves like a peer-to-peer client rather than a scanner:
// its sweeps are reported with severity low.
#include <array>
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/distinct_sketch.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class HorizontalScanDetector {
 public:
  HorizontalScanDetector(const HorizontalScanRules& rules, std::size_t max_tracked, AlertLog& log);

  void on_probe(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, std::uint16_t port,
                std::int64_t now_ns);
  void on_positive_answer(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, std::uint16_t port);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions() + spread_.evictions(); }

 private:
  struct State {
    Window window;
    std::uint32_t probes = 0;
    std::uint8_t sample_count = 0;
    bool spread = false;  // the source looked peer-to-peer-like in this window
    bool fired = false;
    Throttle throttle;
    AnsweredCounter<256, 24> hosts;
    std::array<IpAddress, 6> sample{};
  };

  struct Spread {
    Window window;
    std::uint32_t probes = 0;
    DistinctSketch<256> ports;
  };

  HorizontalScanRules rules_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
  LruTable<HostKey, Spread, WordKeyHash> spread_;
};

}  // namespace nta

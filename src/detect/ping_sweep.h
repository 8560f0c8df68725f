#pragma once
// ping_sweep: one source sending host-discovery probes to many hosts (T1018): ICMP/ICMPv6 echo,
// timestamp and address-mask requests, ARP requests, and TCP bare-ACK probes. Counts distinct
// targets per source and window; ARP requests that were answered and ACK probes answered by
// anything but a RST (a conversation seen mid-stream) do not count. TCP SYN and UDP sweeps of
// one port are horizontal_scan's (docs/detections.md says why).
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

class PingSweepDetector {
 public:
  PingSweepDetector(const PingSweepRules& rules, std::size_t max_tracked, AlertLog& log);

  void on_probe(const IpAddress& src, const IpAddress& dst, ProbeKind kind, std::int64_t now_ns);
  // `dst` answered `src` in a way that shows the probe was not a sweep probe (an ARP reply, a
  // non-RST reply to a bare ACK).
  void on_answer(const IpAddress& src, const IpAddress& dst);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    Window window;
    AnsweredCounter<256, 24> targets;
    std::uint32_t icmp = 0;
    std::uint32_t arp = 0;
    std::uint32_t ack = 0;
    std::array<IpAddress, 6> sample{};
    std::uint8_t sample_count = 0;
    bool fired = false;
    Throttle throttle;
  };

  PingSweepRules rules_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

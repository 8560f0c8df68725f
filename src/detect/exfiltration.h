#pragma once
// exfiltration: a large upload from an inside host to an outside address (T1048). Judged on flow
// records as they end (and on interim records of long flows): per (inside host, outside address)
// and window, the payload bytes the inside host sent and received. Alerts when it sent min_bytes,
// at least min_ratio times what it received. Inside = global inside_networks (RFC 1918,
// link-local, ULA by default). A single flow that qualifies alone gives its Community ID and
// anomaly verdict.
#include <cstdint>
#include <string>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"
#include "flow/flow_record.h"

namespace nta {

struct AnomalyVerdict;

class ExfiltrationDetector {
 public:
  ExfiltrationDetector(const ExfiltrationRules& rules, const NetworkSet& inside, std::size_t max_tracked,
                       AlertLog& log);

  void on_flow(const FlowRecord& r, const AnomalyVerdict* verdict);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    Window window;
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
    std::uint32_t flows = 0;
    std::int64_t first_ns = 0;
    bool fired = false;
    Throttle throttle;
  };

  void report(const IpAddress& inside, const IpAddress& outside, std::uint64_t sent, std::uint64_t received,
              std::uint32_t flows, std::int64_t first_ns, const FlowRecord& r, const AnomalyVerdict* verdict,
              bool one_flow, State& s);

  ExfiltrationRules rules_;
  NetworkSet inside_;
  std::int64_t window_ns_;
  AlertLog& log_;
  LruTable<PairKey, State, WordKeyHash> table_;
};

}  // namespace nta

#pragma once
// unknown_host (with --db): an address inside a network some scan targeted is active in traffic
// (it starts a flow or answers one) but no scan ever found it up: a device added since the scan,
// or one that hides from scans (T1200). One alert per host per throttle period. The inventory is
// asked once per address: the verdict is kept with the throttle.
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/asset_context.h"
#include "detect/detect_key.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class UnknownHostDetector {
 public:
  // `assets` must outlive the detector.
  UnknownHostDetector(const UnknownHostRules& rules, const AssetContext& assets, std::size_t max_tracked,
                      AlertLog& log);

  // `host` was active at `now_ns`: it originated a flow to `peer` (`answered` false) or answered
  // one from `peer` (`answered` true) on `proto`/`port` (the service port).
  void on_active(const IpAddress& host, const IpAddress& peer, bool answered, std::uint8_t proto, std::uint16_t port,
                 std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    bool judged = false;
    bool unknown = false;
    bool fired = false;
    Throttle throttle;
  };

  UnknownHostRules rules_;
  const AssetContext& assets_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

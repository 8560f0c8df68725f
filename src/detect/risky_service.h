#pragma once
// risky_service (with --db): a connection attempt (TCP SYN, first UDP packet) to a host and port
// where the latest scan found a service of the risky-services table open (telnet, SMBv1, end-of-
// life versions; docs/assets.md): remote-service use worth a look (T1021). One alert per (server,
// protocol, port) per throttle period. The inventory is asked once per service.
#include <cstdint>
#include <optional>

#include "detect/alert_log.h"
#include "detect/asset_context.h"
#include "detect/detect_key.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"

namespace nta {

class RiskyServiceDetector {
 public:
  // `assets` must outlive the detector.
  RiskyServiceDetector(const RiskyServiceRules& rules, const AssetContext& assets, std::size_t max_tracked,
                       AlertLog& log);

  // `client` tried to reach `server` on `proto`/`port` at `now_ns`.
  void on_attempt(const IpAddress& client, const IpAddress& server, std::uint8_t proto, std::uint16_t port,
                  std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    bool judged = false;
    bool risky = false;
    bool fired = false;
    std::uint32_t attempts = 0;
    Throttle throttle;
  };

  RiskyServiceRules rules_;
  const AssetContext& assets_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

#pragma once
// unexpected_service (with --db): a host answers (SYN-ACK, UDP reply) on a port its latest scan
// saw closed or filtered: a service started since the scan, or one that hides from scanners
// (a backdoor, port knocking; T1205). One alert per (responder, protocol, port) per throttle
// period. The inventory is asked once per service: the verdict is kept with the throttle.
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/asset_context.h"
#include "detect/detect_key.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"
#include "flow/flow_record.h"

namespace nta {

class UnexpectedServiceDetector {
 public:
  // `assets` must outlive the detector.
  UnexpectedServiceDetector(const UnexpectedServiceRules& rules, const AssetContext& assets, std::size_t max_tracked,
                            AlertLog& log);

  // The responder of `f` answered its originator positively at `now_ns`.
  void on_answer(const FlowRecord& f, std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  struct State {
    bool judged = false;
    AssetPortState state = AssetPortState::kUnknown;
    bool fired = false;
    Throttle throttle;
  };

  UnexpectedServiceRules rules_;
  const AssetContext& assets_;
  AlertLog& log_;
  LruTable<HostKey, State, WordKeyHash> table_;
};

}  // namespace nta

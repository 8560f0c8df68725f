#pragma once
// beaconing: regular contacts from one host to one destination (T1071, command and control).
// A contact is a new flow from the host to the destination's port that the destination answers
// (counted at its start, once the answer is seen), or, inside a long sparse flow that has been
// answered (the host sending under sparse_rate packets per second on average after ten seconds),
// a payload packet from the host after burst_gap_seconds of its silence. Unanswered contacts (a dead peer retried, a scan) are
// not beacons: a command-and-control server talks back. Per (host, destination, protocol, port)
// the intervals between contacts are summed (count, sum, sum of squares) since the last silence
// longer than max_interval_seconds (past 64 intervals the sums are halved, so recent ones weigh
// more); with min_intervals of them, a coefficient of variation at most
// max_cv and a mean between min_interval_seconds and max_interval_seconds, it alerts.
// Destination ports periodic by design (ignore_ports) and group addresses are not watched.
#include <cstdint>

#include "detect/alert_log.h"
#include "detect/detect_key.h"
#include "detect/detector_util.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"
#include "flow/flow_record.h"

namespace nta {

class BeaconingDetector {
 public:
  BeaconingDetector(const BeaconingRules& rules, std::size_t max_tracked, AlertLog& log);

  // Whether the destination port is watched at all (cheap; the engine asks before calling).
  [[nodiscard]] bool watches(std::uint16_t port) const noexcept { return !rules_.ignore_ports.contains(port); }
  // A sparse flow's packet counts when it is at least this many ns per packet on average.
  [[nodiscard]] std::int64_t sparse_ns_per_packet() const noexcept { return sparse_ns_per_packet_; }

  // The flow got its first reply: its start is a contact.
  void on_flow_answered(const FlowRecord& f);
  // A packet from the originator of a long sparse flow.
  void on_sparse_packet(const FlowRecord& f, bool has_payload, std::int64_t now_ns);

  [[nodiscard]] std::uint64_t evictions() const noexcept { return table_.evictions(); }

 private:
  static constexpr std::uint32_t kMaxSummed = 64;
  struct State {
    std::int64_t first_ns = 0;
    std::int64_t last_activity_ns = 0;
    std::int64_t last_contact_ns = 0;
    std::uint32_t contacts = 0;
    std::uint32_t flows = 0;
    std::uint32_t count = 0;  // intervals summed
    double sum = 0;           // of the intervals, seconds
    double sum_squares = 0;
    bool fired = false;
    Throttle throttle;
  };

  void contact(const FlowRecord& f, State& s, std::int64_t now_ns);

  BeaconingRules rules_;
  std::int64_t gap_ns_;
  std::int64_t sparse_ns_per_packet_;
  AlertLog& log_;
  LruTable<PairKey, State, WordKeyHash> table_;
};

}  // namespace nta

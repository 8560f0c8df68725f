#pragma once
// Threat scores: 0-100 per host from its alerts, the Isolation Forest's verdicts on its flows and
// its asset context, with the reasons. The formula is in docs/detections.md ("Threat scores"):
//
//   each alert a involving the host gives  t_a = min(0.95, w(severity) * r(role) * d(age) * b(repeats))
//     w: low 0.10, medium 0.25, high 0.45, critical 0.70
//     r: attacker 1.0, peer 0.8, victim 0.6
//     d: 0.5 ^ (age / half-life), age = end of input - the alert's last_seen (packet time)
//     b: 1 + 0.25 * log2(1 + repeats)
//   flagged flows give  t_f = 0.3 * clamp((max score - 0.5) / 0.3, 0, 1) * min(1, log2(1 + flagged) / 4)
//   score = min(100, 100 * (1 - (1 - t_f) * prod_a (1 - t_a)) * exposure)
//
// Each term only adds (a probabilistic OR), so a score grows with severity and count with
// diminishing returns, and decays as alerts age.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "detect/alert.h"
#include "detect/asset_context.h"
#include "detect/detect_key.h"
#include "detect/lru_table.h"
#include "detect/rules_config.h"
#include "flow/flow_record.h"

namespace nta {

struct AnomalyVerdict;

struct HostThreat {
  IpAddress address;  // empty for a station known only by its MAC (label says which)
  std::string label;  // the address as text, or the MAC
  double score = 0;
  bool attacker = false;
  bool victim = false;
  bool peer = false;
  std::uint32_t alerts = 0;
  std::array<std::uint32_t, 4> by_severity{};  // low, medium, high, critical
  std::uint64_t flagged_flows = 0;
  double max_anomaly = 0;
  double exposure = 1.0;
  std::vector<std::string> reasons;  // the largest contributions first

  [[nodiscard]] std::string roles() const;  // "attacker", "victim", "attacker, victim", ...
};

class ThreatScorer {
 public:
  ThreatScorer(const GlobalRules& rules, const AssetContext* assets = nullptr);

  // The verdict on one finished flow: flagged flows count for the originator.
  void add_verdict(const FlowRecord& r, const AnomalyVerdict& v);

  // Scores every host named by an alert or a flagged flow, highest first (ties by label).
  [[nodiscard]] std::vector<HostThreat> score(const std::vector<Alert>& alerts, Timestamp end) const;

  [[nodiscard]] std::uint64_t evictions() const noexcept { return anomalies_.evictions(); }

  // The weight of a severity, and the term one alert adds (exposed for the tests).
  static double severity_weight(Severity s) noexcept;
  [[nodiscard]] double alert_term(Severity s, double role_factor, double age_seconds, std::uint32_t repeats) const noexcept;

 private:
  struct Anomalies {
    IpAddress address;
    std::uint64_t flagged = 0;
    double max_score = 0;
  };

  double half_life_seconds_;
  const AssetContext* assets_;
  LruTable<HostKey, Anomalies, WordKeyHash> anomalies_;
};

}  // namespace nta

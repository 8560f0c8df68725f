#include "detect/alert.h"

#include <fmt/core.h>

#include <array>

#include "ml/anomaly_verdict.h"

namespace nta {
namespace {

constexpr std::array<std::string_view, kDetectorCount> kNames = {
    "port_scan",  "horizontal_scan", "ping_sweep", "syn_flood",    "udp_flood", "icmp_flood",
    "brute_force", "dns_tunnel",     "arp_spoof",  "exfiltration", "beaconing",
    "unexpected_service", "unknown_host", "risky_service"};

}  // namespace

std::string_view severity_name(Severity s) noexcept {
  switch (s) {
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "low";
}

std::string_view detector_name(DetectorId d) noexcept {
  return kNames[static_cast<std::size_t>(d)];
}

std::optional<DetectorId> find_detector(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<DetectorId>(i);
  }
  return std::nullopt;
}

DestRole dest_role(DetectorId d) noexcept {
  switch (d) {
    case DetectorId::kDnsTunnel:
    case DetectorId::kExfiltration:
    case DetectorId::kBeaconing: return DestRole::kPeer;
    default: return DestRole::kVictim;
  }
}

AlertAnomaly to_alert_anomaly(const AnomalyVerdict& v) {
  AlertAnomaly a;
  a.score = v.score;
  a.flagged = v.flagged;
  for (const FeatureContribution& f : v.top_features()) a.top.push_back({std::string(f.name), f.value, f.weight});
  return a;
}

const EvidenceValue* Alert::find_evidence(std::string_view key) const noexcept {
  for (const EvidenceItem& e : evidence) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string format_mac(const std::array<std::uint8_t, 6>& m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

}  // namespace nta

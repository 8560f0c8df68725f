#pragma once
// What a detector says: one alert, in the vocabulary of docs/detections.md and the alert file of
// docs/formats.md. Alerts are rare, so they are ordinary values with strings; nothing here runs
// per packet.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/ip_address.h"
#include "core/timestamp.h"
#include "detect/asset_context.h"

namespace nta {

struct AnomalyVerdict;

enum class Severity : std::uint8_t { kLow, kMedium, kHigh, kCritical };
[[nodiscard]] std::string_view severity_name(Severity s) noexcept;  // "low", ..., "critical"

// The detectors, in the order docs/detections.md lists them. The names are stable ids.
enum class DetectorId : std::uint8_t {
  kPortScan,
  kHorizontalScan,
  kPingSweep,
  kSynFlood,
  kUdpFlood,
  kIcmpFlood,
  kBruteForce,
  kDnsTunnel,
  kArpSpoof,
  kExfiltration,
  kBeaconing,
  // Correlation with the asset inventory (only with `nta analyze --db`):
  kUnexpectedService,
  kUnknownHost,
  kRiskyService,
};
inline constexpr std::size_t kDetectorCount = 14;
[[nodiscard]] std::string_view detector_name(DetectorId d) noexcept;  // "port_scan", ...
[[nodiscard]] std::optional<DetectorId> find_detector(std::string_view name) noexcept;

// What the alert's destination is to its source: a target of the attack, or the remote end of a
// suspect channel (tunnel resolver, beacon or exfiltration destination).
enum class DestRole : std::uint8_t { kVictim, kPeer };
[[nodiscard]] DestRole dest_role(DetectorId d) noexcept;

// One evidence value: a number, a text, or a list of either.
using EvidenceValue =
    std::variant<std::int64_t, double, std::string, std::vector<std::int64_t>, std::vector<std::string>>;
struct EvidenceItem {
  std::string key;
  EvidenceValue value;
};

// The Isolation Forest's word on the flow an alert concerns (copied from AnomalyVerdict).
struct AlertAnomaly {
  struct Feature {
    std::string name;
    double value = 0;
    double weight = 0;
  };
  double score = 0;
  bool flagged = false;
  std::vector<Feature> top;
};
[[nodiscard]] AlertAnomaly to_alert_anomaly(const AnomalyVerdict& v);

struct Alert {
  Timestamp ts;  // packet time the alert was raised at
  DetectorId detector = DetectorId::kPortScan;
  Severity severity = Severity::kMedium;
  std::string summary;     // one line, printable ASCII
  std::string_view mitre;  // ATT&CK technique id, e.g. "T1046"
  IpAddress src;           // the acting host; empty when there is none to name (spoofed sources)
  IpAddress dest;          // the target or peer; empty when there are many
  std::string src_mac;     // the acting station when it has no address to name (arp_spoof)
  Timestamp first_seen;    // first event the alert counts
  Timestamp last_seen;     // latest event (kept current while repeats are throttled)
  std::vector<EvidenceItem> evidence;
  std::string community_id;  // when the alert concerns one flow
  std::optional<AlertAnomaly> anomaly;
  // What the asset inventory knows about src and dest (set when the alert is raised with --db).
  std::optional<AssetInfo> src_asset;
  std::optional<AssetInfo> dest_asset;
  std::uint32_t repeats = 0;  // times the condition held again while throttled (in memory only)

  void add(std::string key, std::int64_t v) { evidence.push_back({std::move(key), v}); }
  void add(std::string key, std::uint64_t v) { evidence.push_back({std::move(key), static_cast<std::int64_t>(v)}); }
  void add(std::string key, std::uint32_t v) { evidence.push_back({std::move(key), std::int64_t{v}}); }
  void add(std::string key, double v) { evidence.push_back({std::move(key), v}); }
  void add(std::string key, std::string v) { evidence.push_back({std::move(key), std::move(v)}); }
  void add(std::string key, std::vector<std::int64_t> v) { evidence.push_back({std::move(key), std::move(v)}); }
  void add(std::string key, std::vector<std::string> v) { evidence.push_back({std::move(key), std::move(v)}); }
  [[nodiscard]] const EvidenceValue* find_evidence(std::string_view key) const noexcept;
};

// "aa:bb:cc:dd:ee:ff".
[[nodiscard]] std::string format_mac(const std::array<std::uint8_t, 6>& mac);

}  // namespace nta

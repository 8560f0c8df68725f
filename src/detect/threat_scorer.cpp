#include "detect/threat_scorer.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "ml/anomaly_verdict.h"

namespace nta {
namespace {

constexpr double kMaxTerm = 0.95;
constexpr double kAttacker = 1.0;
constexpr double kPeer = 0.8;
constexpr double kVictim = 0.6;
constexpr std::size_t kMaxAnomalyHosts = 65536;

std::string age_text(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400) return fmt::format("{:.1f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

struct Group {
  std::uint32_t count = 0;
  double keep = 1;  // product of (1 - term)
  double youngest = 1e300;
};

struct Acc {
  HostThreat host;
  double keep = 1;  // product of (1 - term) over everything
  // (detector, severity, role) -> group
  std::map<std::tuple<int, int, int>, Group> groups;
};

const char* role_name(int role) {
  return role == 0 ? "attacker" : role == 1 ? "peer" : "victim";
}

}  // namespace

std::string HostThreat::roles() const {
  std::string s;
  for (const auto& [on, name] : {std::pair{attacker, "attacker"}, std::pair{peer, "peer"}, std::pair{victim, "victim"}}) {
    if (!on) continue;
    if (!s.empty()) s += ", ";
    s += name;
  }
  return s.empty() ? "anomalous" : s;
}

ThreatScorer::ThreatScorer(const GlobalRules& rules, const AssetContext* assets)
    : half_life_seconds_(rules.score_half_life_seconds), assets_(assets), anomalies_(kMaxAnomalyHosts) {}

double ThreatScorer::severity_weight(Severity s) noexcept {
  switch (s) {
    case Severity::kLow: return 0.10;
    case Severity::kMedium: return 0.25;
    case Severity::kHigh: return 0.45;
    case Severity::kCritical: return 0.70;
  }
  return 0.10;
}

double ThreatScorer::alert_term(Severity s, double role_factor, double age_seconds, std::uint32_t repeats) const noexcept {
  const double decay = std::pow(0.5, (age_seconds > 0 ? age_seconds : 0) / half_life_seconds_);
  const double boost = 1 + 0.25 * std::log2(1.0 + repeats);
  return std::min(kMaxTerm, severity_weight(s) * role_factor * decay * boost);
}

void ThreatScorer::add_verdict(const FlowRecord& r, const AnomalyVerdict& v) {
  if (!v.flagged) return;
  bool created = false;
  Anomalies& a = anomalies_.upsert(host_key(r.key.orig_addr), created);
  a.address = r.key.orig_addr;
  ++a.flagged;
  a.max_score = std::max(a.max_score, v.score);
}

std::vector<HostThreat> ThreatScorer::score(const std::vector<Alert>& alerts, Timestamp end) const {
  std::map<std::string, Acc> hosts;
  auto entry = [&](const IpAddress& a, const std::string& label) -> Acc& {
    Acc& acc = hosts[label];
    if (acc.host.label.empty()) {
      acc.host.label = label;
      acc.host.address = a;
    }
    return acc;
  };
  auto add = [&](Acc& acc, const Alert& al, int role, double factor) {
    const double age = static_cast<double>(end.ns - al.last_seen.ns) / 1e9;
    const double t = alert_term(al.severity, factor, age, al.repeats);
    acc.keep *= 1 - t;
    Group& g = acc.groups[{static_cast<int>(al.detector), static_cast<int>(al.severity), role}];
    ++g.count;
    g.keep *= 1 - t;
    g.youngest = std::min(g.youngest, age);
    ++acc.host.alerts;
    ++acc.host.by_severity[static_cast<std::size_t>(al.severity)];
    if (role == 0) acc.host.attacker = true;
    if (role == 1) acc.host.peer = true;
    if (role == 2) acc.host.victim = true;
  };
  for (const Alert& al : alerts) {
    if (!al.src.empty()) {
      add(entry(al.src, to_string(al.src)), al, 0, kAttacker);
    } else if (!al.src_mac.empty()) {
      add(entry(IpAddress{}, al.src_mac), al, 0, kAttacker);
    }
    if (!al.dest.empty()) {
      const bool peer = dest_role(al.detector) == DestRole::kPeer;
      add(entry(al.dest, to_string(al.dest)), al, peer ? 1 : 2, peer ? kPeer : kVictim);
    }
  }
  std::map<std::string, double> anomaly_terms;
  anomalies_.for_each([&](const HostKey&, const Anomalies& a) {
    const double strength = std::clamp((a.max_score - 0.5) / 0.3, 0.0, 1.0);
    const double volume = std::min(1.0, std::log2(1.0 + static_cast<double>(a.flagged)) / 4);
    const double t = 0.3 * strength * volume;
    Acc& acc = entry(a.address, to_string(a.address));
    acc.host.flagged_flows = a.flagged;
    acc.host.max_anomaly = a.max_score;
    acc.keep *= 1 - t;
    anomaly_terms[acc.host.label] = t;
  });

  std::vector<HostThreat> out;
  out.reserve(hosts.size());
  for (auto& [label, acc] : hosts) {
    HostThreat h = std::move(acc.host);
    double exposure = 1.0;
    if (assets_ != nullptr && !h.address.empty()) {
      if (const std::optional<AssetInfo> info = assets_->find_asset(h.address)) {
        exposure = std::clamp(info->exposure, 0.25, 2.0);
        if (exposure != 1.0) {
          h.reasons.push_back(fmt::format("asset exposure x{:.2f}{}{}", exposure, info->name.empty() ? "" : ": ",
                                          info->name.empty() ? info->reason : info->name + " " + info->reason));
        }
      }
    }
    h.exposure = exposure;
    h.score = std::min(100.0, std::round(1000 * (1 - acc.keep) * exposure) / 10);
    // Reasons: the groups by their own points, largest first.
    std::vector<std::pair<double, std::string>> parts;
    for (const auto& [key, g] : acc.groups) {
      const auto [det, sev, role] = key;
      parts.emplace_back(
          100 * (1 - g.keep),
          fmt::format("{} {} as {}{}, latest {} before the end: +{:.1f}", severity_name(static_cast<Severity>(sev)),
                      detector_name(static_cast<DetectorId>(det)), role_name(role),
                      g.count > 1 ? fmt::format(" x{}", g.count) : std::string(), age_text(g.youngest),
                      100 * (1 - g.keep)));
    }
    if (h.flagged_flows > 0) {
      const double t = anomaly_terms[label];
      parts.emplace_back(100 * t, fmt::format("{} flows flagged by the Isolation Forest (max score {:.3f}): +{:.1f}",
                                              h.flagged_flows, h.max_anomaly, 100 * t));
    }
    std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> reasons;
    for (auto& p : parts) reasons.push_back(std::move(p.second));
    for (auto& r : h.reasons) reasons.push_back(std::move(r));  // exposure last
    h.reasons = std::move(reasons);
    out.push_back(std::move(h));
  }
  std::stable_sort(out.begin(), out.end(), [](const HostThreat& a, const HostThreat& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.label < b.label;
  });
  return out;
}

}  // namespace nta

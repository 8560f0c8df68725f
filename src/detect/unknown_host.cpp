#include "detect/unknown_host.h"

#include <fmt/core.h>

#include <algorithm>

#include "detect/detector_util.h"
#include "detect/network_set.h"

namespace nta {
namespace {

// Addresses no device owns: the unspecified address (DHCP clients before they have one).
bool unspecified(const IpAddress& a) noexcept {
  return std::all_of(a.bytes.begin(), a.bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

UnknownHostDetector::UnknownHostDetector(const UnknownHostRules& rules, const AssetContext& assets,
                                         std::size_t max_tracked, AlertLog& log)
    : rules_(rules), assets_(assets), log_(log), table_(max_tracked) {}

void UnknownHostDetector::on_active(const IpAddress& host, const IpAddress& peer, bool answered, std::uint8_t proto,
                                    std::uint16_t port, std::int64_t now_ns) {
  if (host.empty()) return;
  bool created = false;
  State& s = table_.upsert(host_key(host), created);
  if (!s.judged) {
    s.unknown = !is_group_address(host) && !unspecified(host) && assets_.in_scanned_network(host) &&
                !assets_.known_host(host);
    s.judged = true;
  }
  if (!s.unknown) return;
  const Severity sev = rules_.severity;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kUnknownHost;
    a.severity = sev;
    a.mitre = "T1200";
    a.src = host;
    a.first_seen.ns = now_ns;
    a.last_seen.ns = now_ns;
    a.summary = fmt::format("{} is active in traffic ({} {} on {}/{}) inside a scanned network, but no scan found it up",
                            to_string(host), answered ? "answered" : "contacted", to_string(peer), port,
                            proto_text(proto));
    a.add("activity", std::string(answered ? "answered" : "originated"));
    a.add("peer", to_string(peer));
    a.add("port", std::uint32_t{port});
    a.add("protocol", proto_text(proto));
    return a;
  });
}

}  // namespace nta

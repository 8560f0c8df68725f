#include "detect/risky_service.h"

#include <fmt/core.h>

#include "detect/detector_util.h"

namespace nta {

RiskyServiceDetector::RiskyServiceDetector(const RiskyServiceRules& rules, const AssetContext& assets,
                                           std::size_t max_tracked, AlertLog& log)
    : rules_(rules), assets_(assets), log_(log), table_(max_tracked) {}

void RiskyServiceDetector::on_attempt(const IpAddress& client, const IpAddress& server, std::uint8_t proto,
                                      std::uint16_t port, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(host_key(server, (std::uint64_t{proto} << 16) | port), created);
  std::optional<RiskyServiceMatch> match;
  if (!s.judged) {
    match = assets_.find_risky_service(server, proto, port);
    s.risky = match.has_value();
    s.judged = true;
  }
  if (!s.risky) return;
  ++s.attempts;
  const Severity sev = rules_.severity;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    // Asked again only when an alert is due (rare): the state keeps no strings.
    if (!match) match = assets_.find_risky_service(server, proto, port);
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kRiskyService;
    a.severity = sev;
    a.mitre = "T1021";
    a.src = client;
    a.dest = server;
    a.first_seen.ns = now_ns;
    a.last_seen.ns = now_ns;
    const std::string id = match ? match->id : std::string("risky");
    a.summary = fmt::format("{} connects to {} on {}/{}: {} ({})", to_string(client), to_string(server), port,
                            proto_text(proto), id, match ? match->reason : std::string());
    a.add("port", std::uint32_t{port});
    a.add("protocol", proto_text(proto));
    a.add("risk", id);
    if (match) {
      a.add("reason", match->reason);
      a.add("service", match->service);
    }
    a.add("attempts", s.attempts);
    return a;
  });
}

}  // namespace nta

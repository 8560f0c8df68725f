#include "detect/unexpected_service.h"

#include <fmt/core.h>

#include "detect/detector_util.h"

namespace nta {

UnexpectedServiceDetector::UnexpectedServiceDetector(const UnexpectedServiceRules& rules, const AssetContext& assets,
                                                     std::size_t max_tracked, AlertLog& log)
    : rules_(rules), assets_(assets), log_(log), table_(max_tracked) {}

void UnexpectedServiceDetector::on_answer(const FlowRecord& f, std::int64_t now_ns) {
  const IpAddress& server = f.key.resp_addr;
  const std::uint8_t proto = f.key.ip_proto;
  const std::uint16_t port = f.key.resp_port;
  bool created = false;
  State& s = table_.upsert(host_key(server, (std::uint64_t{proto} << 16) | port), created);
  if (!s.judged) {
    s.state = assets_.port_state(server, proto, port);
    s.judged = true;
  }
  if (s.state != AssetPortState::kClosed && s.state != AssetPortState::kFiltered &&
      s.state != AssetPortState::kClosedFiltered) {
    return;
  }
  const Severity sev = rules_.severity;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kUnexpectedService;
    a.severity = sev;
    a.mitre = "T1205";
    // The finding is about the responder: it is the acting host, scored alone; the client that
    // reached it is in the evidence (it may be no more than a user of the service).
    a.src = server;
    a.first_seen.ns = now_ns;
    a.last_seen.ns = now_ns;
    const std::string_view scanned = asset_port_state_name(s.state);
    a.summary = fmt::format("{} answered {} on {}/{}, a port its latest scan saw {}", to_string(server),
                            to_string(f.key.orig_addr), port, proto_text(proto), scanned);
    a.add("port", std::uint32_t{port});
    a.add("protocol", proto_text(proto));
    a.add("scan_state", std::string(scanned));
    a.add("client", to_string(f.key.orig_addr));
    // The flow's uid (set when the flow began, unlike its Community ID, which is computed when
    // the record is emitted) joins the alert to the flow records.
    a.add("flow_uid", std::string(f.uid_view().substr(0, f.uid_view().find('\0'))));
    return a;
  });
}

}  // namespace nta

#include "detect/exfiltration.h"

#include <fmt/core.h>

#include "detect/network_set.h"
#include "ml/anomaly_verdict.h"

namespace nta {

ExfiltrationDetector::ExfiltrationDetector(const ExfiltrationRules& rules, const NetworkSet& inside,
                                           std::size_t max_tracked, AlertLog& log)
    : rules_(rules), inside_(inside), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked) {}

void ExfiltrationDetector::on_flow(const FlowRecord& r, const AnomalyVerdict* verdict) {
  const bool orig_inside = inside_.contains(r.key.orig_addr);
  const bool resp_inside = inside_.contains(r.key.resp_addr);
  if (orig_inside == resp_inside) return;
  const IpAddress& in = orig_inside ? r.key.orig_addr : r.key.resp_addr;
  const IpAddress& out = orig_inside ? r.key.resp_addr : r.key.orig_addr;
  if (is_group_address(out)) return;
  const std::uint64_t sent = orig_inside ? r.orig.payload_bytes : r.resp.payload_bytes;
  const std::uint64_t received = orig_inside ? r.resp.payload_bytes : r.orig.payload_bytes;
  if (sent == 0) return;
  const auto qualifies = [&](std::uint64_t s, std::uint64_t rcv) {
    return s >= rules_.min_bytes && static_cast<double>(s) >= rules_.min_ratio * static_cast<double>(rcv);
  };

  bool created = false;
  State& s = table_.upsert(pair_key(in, out), created);
  if (r.is_interim()) {
    // An interim record counts alone (its flow's final record will be added to the totals).
    if (qualifies(sent, received)) report(in, out, sent, received, 1, r.first_ts.ns, r, verdict, true, s);
    return;
  }
  if (roll_window(s, r.last_ts.ns, window_ns_)) s.first_ns = r.first_ts.ns;
  s.sent += sent;
  s.received += received;
  ++s.flows;
  if (r.first_ts.ns < s.first_ns) s.first_ns = r.first_ts.ns;
  if (qualifies(sent, received)) {
    report(in, out, sent, received, 1, r.first_ts.ns, r, verdict, true, s);
  } else if (qualifies(s.sent, s.received)) {
    report(in, out, s.sent, s.received, s.flows, s.first_ns, r, nullptr, false, s);
  }
}

void ExfiltrationDetector::report(const IpAddress& inside, const IpAddress& outside, std::uint64_t sent,
                                  std::uint64_t received, std::uint32_t flows, std::int64_t first_ns,
                                  const FlowRecord& r, const AnomalyVerdict* verdict, bool one_flow, State& s) {
  const Severity sev = sent >= rules_.high_bytes ? Severity::kHigh : Severity::kMedium;
  const std::int64_t now = r.last_ts.ns;
  log_.report(s.throttle, s.fired, now, sev, [&] {
    Alert a;
    a.ts.ns = now;
    a.detector = DetectorId::kExfiltration;
    a.severity = sev;
    a.mitre = "T1048";
    a.src = inside;
    a.dest = outside;
    a.first_seen.ns = first_ns;
    a.last_seen.ns = now;
    const double seconds = static_cast<double>(now - first_ns) / 1e9;
    const double ratio = received == 0 ? static_cast<double>(sent) : static_cast<double>(sent) / static_cast<double>(received);
    a.summary = fmt::format("large upload from {} to {}: {} sent, {} received, in {} over {:.0f} s",
                            to_string(inside), to_string(outside), bytes_text(sent), bytes_text(received),
                            flows == 1 ? std::string("1 flow") : fmt::format("{} flows", flows), seconds);
    a.add("bytes_sent", sent);
    a.add("bytes_received", received);
    a.add("ratio", round_to(ratio, 1));
    a.add("flows", flows);
    a.add("duration_seconds", round_to(seconds, 3));
    if (seconds > 0) a.add("bits_per_second", round_to(static_cast<double>(sent) * 8 / seconds, 0));
    if (one_flow) {
      a.add("protocol", proto_text(r.key.ip_proto));
      a.add("port", std::uint32_t{r.key.resp_port});
      a.community_id = std::string(r.community_id_view());
      if (verdict != nullptr) a.anomaly = to_alert_anomaly(*verdict);
    }
    return a;
  });
}

}  // namespace nta

#include "detect/ping_sweep.h"

#include <fmt/core.h>

namespace nta {

PingSweepDetector::PingSweepDetector(const PingSweepRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked) {}

void PingSweepDetector::on_probe(const IpAddress& src, const IpAddress& dst, ProbeKind kind, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(host_key(src), created);
  roll_window(s, now_ns, window_ns_);
  if (kind == ProbeKind::kArp) ++s.arp;
  else if (kind == ProbeKind::kAck) ++s.ack;
  else ++s.icmp;
  if (!s.targets.probe(sketch_hash(dst))) return;  // a target seen before changes nothing
  if (s.sample_count < s.sample.size()) s.sample[s.sample_count++] = dst;
  const double hosts = s.targets.unanswered();
  if (hosts < rules_.min_hosts) return;
  const Severity sev = hosts >= rules_.high_hosts ? Severity::kHigh : Severity::kMedium;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kPingSweep;
    a.severity = sev;
    a.mitre = "T1018";
    a.src = src;
    a.first_seen.ns = s.window.start_ns;
    a.last_seen.ns = now_ns;
    std::string how;
    if (s.icmp != 0) how += "ICMP echo";
    if (s.arp != 0) how += how.empty() ? "ARP" : ", ARP";
    if (s.ack != 0) how += how.empty() ? "TCP ACK" : ", TCP ACK";
    const auto count = static_cast<std::uint64_t>(std::llround(hosts));
    a.summary = fmt::format("ping sweep from {}: {} hosts probed ({}) in {:.1f} s", to_string(src),
                            count_text(count), how, s.window.seconds(now_ns));
    a.add("hosts_probed", count);
    a.add("icmp_probes", s.icmp);
    a.add("arp_probes", s.arp);
    a.add("tcp_ack_probes", s.ack);
    std::vector<std::string> targets;
    for (std::size_t i = 0; i < s.sample_count; ++i) targets.push_back(to_string(s.sample[i]));
    a.add("targets_sample", std::move(targets));
    a.add("probes_per_second", round_to(s.window.rate(s.icmp + s.arp + s.ack, now_ns), 1));
    return a;
  });
}

void PingSweepDetector::on_answer(const IpAddress& src, const IpAddress& dst) {
  if (State* s = table_.find(host_key(src))) s->targets.answer(sketch_hash(dst));
}

}  // namespace nta

#include "detect/horizontal_scan.h"

#include <fmt/core.h>

namespace nta {
namespace {

HostKey scan_key(const IpAddress& src, std::uint8_t proto, std::uint16_t port) noexcept {
  return host_key(src, (std::uint64_t{proto} << 16) | port);
}

}  // namespace

HorizontalScanDetector::HorizontalScanDetector(const HorizontalScanRules& rules, std::size_t max_tracked,
                                               AlertLog& log)
    : rules_(rules), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked), spread_(max_tracked) {}

void HorizontalScanDetector::on_probe(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                      std::uint16_t port, std::int64_t now_ns) {
  bool created = false;
  Spread& sp = spread_.upsert(host_key(src, proto), created);
  if (sp.window.roll(now_ns, window_ns_) && !created) {
    sp = Spread{};
    sp.window.roll(now_ns, window_ns_);
  }
  ++sp.probes;
  sp.ports.add(sketch_hash(std::uint64_t{port}));
  State& s = table_.upsert(scan_key(src, proto, port), created);
  roll_window(s, now_ns, window_ns_);
  ++s.probes;
  if (!s.hosts.probe(sketch_hash(dst))) return;  // a host seen before changes nothing
  if (s.sample_count < s.sample.size()) s.sample[s.sample_count++] = dst;
  const double unanswered = s.hosts.unanswered();
  if (unanswered < rules_.min_hosts) return;
  const double spread_ports = sp.ports.estimate();
  // Sticky for the window, so one sweep does not flip between low and medium.
  s.spread = s.spread || (spread_ports >= rules_.spread_ports && 3 * s.probes < 2 * sp.probes);
  const bool spread = s.spread;
  const Severity sev = spread ? Severity::kLow : unanswered >= rules_.high_hosts ? Severity::kHigh : Severity::kMedium;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kHorizontalScan;
    a.severity = sev;
    a.mitre = "T1046";
    a.src = src;
    a.first_seen.ns = s.window.start_ns;
    a.last_seen.ns = now_ns;
    const auto hosts = static_cast<std::uint64_t>(std::llround(s.hosts.probed()));
    const auto open = static_cast<std::uint64_t>(std::llround(s.hosts.probed() - unanswered));
    a.summary = fmt::format("horizontal scan of {}/{} from {}: {} hosts probed, {} answered, in {:.1f} s",
                            proto_text(proto), port, to_string(src), count_text(hosts), count_text(open),
                            s.window.seconds(now_ns));
    a.add("protocol", proto_text(proto));
    a.add("port", std::uint32_t{port});
    a.add("hosts_probed", hosts);
    a.add("hosts_unanswered", static_cast<std::uint64_t>(std::llround(unanswered)));
    a.add("hosts_answered", open);
    a.add("probes", s.probes);
    std::vector<std::string> targets;
    for (std::size_t i = 0; i < s.sample_count; ++i) targets.push_back(to_string(s.sample[i]));
    a.add("targets_sample", std::move(targets));
    a.add("probes_per_second", round_to(s.window.rate(s.probes, now_ns), 1));
    a.add("source_ports_probed", static_cast<std::uint64_t>(std::llround(spread_ports)));
    a.add("port_share", round_to(sp.probes == 0 ? 0 : static_cast<double>(s.probes) / sp.probes, 3));
    if (spread) a.summary += " (the source spreads over many ports: peer-to-peer?)";
    return a;
  });
}

void HorizontalScanDetector::on_positive_answer(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                                std::uint16_t port) {
  if (State* s = table_.find(scan_key(src, proto, port))) s->hosts.answer(sketch_hash(dst));
}

}  // namespace nta

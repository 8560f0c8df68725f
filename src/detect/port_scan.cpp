#include "detect/port_scan.h"

#include <fmt/core.h>

#include "decode/packet_view.h"

namespace nta {
namespace {

std::uint64_t port_hash(std::uint8_t proto, std::uint16_t port) noexcept {
  return sketch_hash((std::uint64_t{proto} << 16) | port);
}

}  // namespace

PortScanDetector::PortScanDetector(const PortScanRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked) {}

void PortScanDetector::on_probe(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, std::uint16_t port,
                                ProbeKind kind, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(pair_key(src, dst), created);
  roll_window(s, now_ns, window_ns_);
  ++s.probes;
  if (kind == ProbeKind::kSyn) ++s.syn;
  if (kind == ProbeKind::kUdp) ++s.udp;
  const std::uint64_t h = port_hash(proto, port);
  if (kind == ProbeKind::kStealth) {
    ++s.stealth_probes;
    s.stealth.add(h);
  }
  if (s.ports.probe(h)) {
    if (s.distinct++ == 0 || port < s.lo) s.lo = port;
    if (s.distinct == 1 || port > s.hi) s.hi = port;
    if (s.sample_count < s.sample.size()) s.sample[s.sample_count++] = port;
  }
  if (s.distinct < rules_.min_stealth_ports && s.distinct < rules_.min_ports) return;  // too few to judge
  const double unanswered = s.ports.unanswered();
  const double stealth = s.stealth.estimate();
  const bool by_ports = unanswered >= rules_.min_ports;
  const bool by_stealth = stealth >= rules_.min_stealth_ports;
  if (!by_ports && !by_stealth) return;
  const Severity sev = (by_stealth || unanswered >= rules_.high_ports) ? Severity::kHigh : Severity::kMedium;
  log_.report(s.throttle, s.fired, now_ns, sev,
              [&] { return make_alert(src, dst, s, unanswered, stealth, sev, now_ns); });
}

void PortScanDetector::on_positive_answer(const IpAddress& src, const IpAddress& dst, std::uint8_t proto,
                                          std::uint16_t port) {
  if (State* s = table_.find(pair_key(src, dst))) s->ports.answer(port_hash(proto, port));
}

Alert PortScanDetector::make_alert(const IpAddress& src, const IpAddress& dst, const State& s, double unanswered,
                                   double stealth, Severity sev, std::int64_t now_ns) const {
  Alert a;
  a.ts.ns = now_ns;
  a.detector = DetectorId::kPortScan;
  a.severity = sev;
  a.mitre = "T1046";
  a.src = src;
  a.dest = dst;
  a.first_seen.ns = s.window.start_ns;
  a.last_seen.ns = now_ns;
  const auto ports = static_cast<std::uint64_t>(std::llround(s.ports.probed()));
  const auto open = static_cast<std::uint64_t>(std::llround(s.ports.probed() - unanswered));
  std::string how;
  if (s.syn != 0) how += "SYN";
  if (s.stealth_probes != 0) how += how.empty() ? "FIN/NULL/Xmas" : ", FIN/NULL/Xmas";
  if (s.udp != 0) how += how.empty() ? "UDP" : ", UDP";
  if (how.empty()) how = "TCP";
  a.summary = fmt::format("port scan of {} from {}: {} ports probed ({}), {} answered, in {:.1f} s", to_string(dst),
                          to_string(src), count_text(ports), how, count_text(open), s.window.seconds(now_ns));
  a.add("ports_probed", ports);
  a.add("ports_unanswered", static_cast<std::uint64_t>(std::llround(unanswered)));
  a.add("ports_open", open);
  a.add("stealth_ports", static_cast<std::uint64_t>(std::llround(stealth)));
  a.add("probes", s.probes);
  a.add("syn_probes", s.syn);
  a.add("stealth_probes", s.stealth_probes);
  a.add("udp_probes", s.udp);
  a.add("port_range", fmt::format("{}-{}", s.lo, s.hi));
  a.add("ports_sample", std::vector<std::int64_t>(s.sample.begin(), s.sample.begin() + s.sample_count));
  a.add("probes_per_second", round_to(s.window.rate(s.probes, now_ns), 1));
  return a;
}

}  // namespace nta

#include "detect/syn_flood.h"

#include <fmt/core.h>

namespace nta {

SynFloodDetector::SynFloodDetector(const SynFloodRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked) {}

void SynFloodDetector::on_syn(const IpAddress& src, const IpAddress& dst, std::uint16_t dport, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(host_key(dst), created);
  roll_window(s, now_ns, window_ns_);
  if (++s.syns < kTrackSendersFrom) return;
  s.sources.add(sketch_hash(src));
  s.ports.add(sketch_hash(std::uint64_t{dport}));
  s.top.add(src);
  s.top_port.add(dport);
  s.top_pair.add(SourcePort{src, dport});
  if (s.syns < rules_.min_syns) return;
  const double rate = s.window.rate(s.syns, now_ns);
  if (rate < rules_.min_rate) return;
  if (static_cast<double>(s.completed) > rules_.max_completed_share * static_cast<double>(s.syns)) return;
  const double ports = s.ports.estimate();
  std::uint16_t port = 0;
  const std::uint64_t on_port = s.top_port.top(port);
  if (ports > rules_.max_ports && 2 * on_port < s.syns) return;
  const Severity sev = rate >= rules_.critical_rate ? Severity::kCritical : Severity::kHigh;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kSynFlood;
    a.severity = sev;
    a.mitre = "T1499.001";
    a.dest = dst;
    a.first_seen.ns = s.window.start_ns;
    a.last_seen.ns = now_ns;
    const double sources = s.sources.estimate();
    a.src = flood_source(s.top_pair, port, on_port, s.syns, s.top, sources);
    const auto nsources = static_cast<std::uint64_t>(std::llround(sources));
    const double share = s.syns == 0 ? 0 : static_cast<double>(s.completed) / static_cast<double>(s.syns);
    const std::string from = !a.src.empty() ? fmt::format("from {}", to_string(a.src))
                                            : fmt::format("from {} sources (spoofed or distributed)", count_text(nsources));
    a.summary = fmt::format("SYN flood on {} port {}: {} SYNs in {:.2f} s {}, {:.1f}% completed", to_string(dst), port,
                            count_text(s.syns), s.window.seconds(now_ns), from, share * 100);
    a.add("syns", s.syns);
    a.add("syns_per_second", round_to(rate, 1));
    a.add("completed", s.completed);
    a.add("completed_share", round_to(share, 4));
    a.add("distinct_sources", nsources);
    a.add("spoofed", std::string(a.src.empty() ? "likely" : "no"));
    a.add("top_sources", describe(s.top));
    a.add("distinct_ports", static_cast<std::uint64_t>(std::llround(ports)));
    a.add("port", std::uint32_t{port});
    a.add("syns_to_port", on_port);
    return a;
  });
}

void SynFloodDetector::on_handshake_completed(const IpAddress& dst) noexcept {
  if (State* s = table_.find(host_key(dst))) ++s->completed;
}

}  // namespace nta

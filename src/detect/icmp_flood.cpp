#include "detect/icmp_flood.h"

#include <fmt/core.h>


namespace nta {

IcmpFloodDetector::IcmpFloodDetector(const IcmpFloodRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked) {}

void IcmpFloodDetector::on_packet(const IpAddress& src, const IpAddress& dst, std::uint8_t type, bool echo_request,
                                  std::uint32_t bytes, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(host_key(dst), created);
  if (roll_window(s, now_ns, window_ns_)) s.first_type = type;
  ++s.packets;
  s.bytes += bytes;
  if (echo_request) ++s.echo_requests;
  if (s.packets < kTrackSendersFrom) return;
  s.sources.add(sketch_hash(src));
  s.top.add(src);
  s.top_pair.add(SourcePort{src, 0});
  if (s.packets < rules_.min_packets) return;
  const double rate = s.window.rate(s.packets, now_ns);
  if (rate < rules_.min_rate) return;
  const Severity sev = rate >= rules_.critical_rate ? Severity::kCritical : Severity::kHigh;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kIcmpFlood;
    a.severity = sev;
    a.mitre = "T1498.001";
    a.dest = dst;
    a.first_seen.ns = s.window.start_ns;
    a.last_seen.ns = now_ns;
    const double sources = s.sources.estimate();
    a.src = flood_source(s.top_pair, 0, s.packets, s.packets, s.top, sources);
    const auto nsources = static_cast<std::uint64_t>(std::llround(sources));
    const std::string from = !a.src.empty() ? fmt::format("from {}", to_string(a.src))
                                            : fmt::format("from {} sources", count_text(nsources));
    const double seconds = s.window.seconds(now_ns) > 1 ? s.window.seconds(now_ns) : 1.0;
    a.summary = fmt::format("ICMP flood on {}: {} packets ({} echo requests) in {:.2f} s {}", to_string(dst),
                            count_text(s.packets), count_text(s.echo_requests), s.window.seconds(now_ns), from);
    a.add("packets", s.packets);
    a.add("bytes", s.bytes);
    a.add("echo_requests", s.echo_requests);
    a.add("packets_per_second", round_to(rate, 1));
    a.add("bits_per_second", round_to(static_cast<double>(s.bytes) * 8 / seconds, 0));
    a.add("distinct_sources", nsources);
    a.add("top_sources", describe(s.top));
    a.add("first_icmp_type", std::uint32_t{s.first_type});
    return a;
  });
}

}  // namespace nta

#include "detect/udp_flood.h"

#include <fmt/core.h>


namespace nta {

UdpFloodDetector::UdpFloodDetector(const UdpFloodRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules), window_ns_(to_ns(rules.window_seconds)), log_(log), table_(max_tracked) {}

void UdpFloodDetector::on_packet(const IpAddress& src, std::uint16_t sport, const IpAddress& dst, std::uint16_t dport,
                                 std::uint32_t bytes, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(host_key(dst), created);
  roll_window(s, now_ns, window_ns_);
  ++s.packets;
  s.bytes += bytes;
  const bool reflected = sport != 0 && rules_.reflection_ports.contains(sport);
  if (reflected) {
    ++s.reflected_packets;
    s.reflected_bytes += bytes;
    s.reflectors.add(sketch_hash(src));
    if (s.reflection_port == 0) s.reflection_port = sport;
  }
  if (s.packets < kTrackSendersFrom && !reflected) return;
  s.sources.add(sketch_hash(src));
  s.ports.add(sketch_hash(std::uint64_t{dport}));
  s.top.add(src);
  s.top_port.add(dport);
  s.top_pair.add(SourcePort{src, dport});
  const double rate = s.window.rate(s.packets, now_ns);
  const bool flood = s.packets >= rules_.min_packets && rate >= rules_.min_rate;
  const bool reflection = s.reflected_bytes >= rules_.reflection_min_bytes &&
                          s.reflectors.estimate() >= rules_.reflection_min_sources;
  if (!flood && !reflection) return;
  const Severity sev = rate >= rules_.critical_rate ? Severity::kCritical : Severity::kHigh;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kUdpFlood;
    a.severity = sev;
    // Reflection when most of the traffic comes from amplifiers' ports.
    const bool by_reflection = reflection && 2 * s.reflected_packets >= s.packets;
    a.mitre = by_reflection ? "T1498.002" : "T1498.001";
    a.dest = dst;
    a.first_seen.ns = s.window.start_ns;
    a.last_seen.ns = now_ns;
    const double sources = s.sources.estimate();
    std::uint16_t port = 0;
    const std::uint64_t on_port = s.top_port.top(port);
    a.src = flood_source(s.top_pair, port, on_port, s.packets, s.top, sources);
    const auto nsources = static_cast<std::uint64_t>(std::llround(sources));
    const std::string from = !a.src.empty() ? fmt::format("from {}", to_string(a.src))
                                            : fmt::format("from {} sources", count_text(nsources));
    const double seconds = s.window.seconds(now_ns) > 1 ? s.window.seconds(now_ns) : 1.0;
    if (by_reflection) {
      a.summary = fmt::format("UDP reflection flood on {}: {} unsolicited responses ({}) from {} amplifiers on port {}",
                              to_string(dst), count_text(s.reflected_packets), bytes_text(s.reflected_bytes),
                              count_text(static_cast<std::uint64_t>(std::llround(s.reflectors.estimate()))),
                              s.reflection_port);
    } else {
      a.summary = fmt::format("UDP flood on {}: {} unanswered packets ({}) in {:.2f} s {}", to_string(dst),
                              count_text(s.packets), bytes_text(s.bytes), s.window.seconds(now_ns), from);
    }
    a.add("packets", s.packets);
    a.add("bytes", s.bytes);
    a.add("packets_per_second", round_to(rate, 1));
    a.add("bits_per_second", round_to(static_cast<double>(s.bytes) * 8 / seconds, 0));
    a.add("distinct_sources", nsources);
    a.add("top_sources", describe(s.top));
    a.add("distinct_ports", static_cast<std::uint64_t>(std::llround(s.ports.estimate())));
    a.add("reflected_packets", s.reflected_packets);
    a.add("reflected_bytes", s.reflected_bytes);
    a.add("amplifiers", static_cast<std::uint64_t>(std::llround(s.reflectors.estimate())));
    if (s.reflection_port != 0) a.add("reflection_port", std::uint32_t{s.reflection_port});
    a.add("packets_to_port", on_port);
    a.add("port", std::uint32_t{port});
    return a;
  });
}

void UdpFloodDetector::on_answered(const IpAddress& victim, std::uint64_t packets, std::uint64_t bytes) noexcept {
  State* s = table_.find(host_key(victim));
  if (s == nullptr) return;
  s->packets -= packets < s->packets ? packets : s->packets;
  s->bytes -= bytes < s->bytes ? bytes : s->bytes;
}

}  // namespace nta

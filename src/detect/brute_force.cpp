#include "detect/brute_force.h"

#include <fmt/core.h>

#include <string_view>

namespace nta {
namespace {

bool starts_with(std::span<const std::uint8_t> p, std::string_view s) noexcept {
  if (p.size() < s.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (p[i] != static_cast<std::uint8_t>(s[i])) return false;
  }
  return true;
}

bool contains(std::span<const std::uint8_t> p, std::string_view s) noexcept {
  const std::size_t limit = p.size() < 256 ? p.size() : 256;
  if (limit < s.size()) return false;
  for (std::size_t i = 0; i + s.size() <= limit; ++i) {
    if (starts_with(p.subspan(i), s)) return true;
  }
  return false;
}

}  // namespace

bool is_failed_login_reply(std::uint16_t port, std::span<const std::uint8_t> p) noexcept {
  switch (port) {
    case 21: return starts_with(p, "530");
    case 25:
    case 465:
    case 587: return starts_with(p, "535");
    case 110: return starts_with(p, "-ERR");
    case 143: return contains(p, " NO ") && (contains(p, "AUTH") || contains(p, "LOGIN"));
    case 23: return contains(p, "Login incorrect") || contains(p, "Login failed");
    default: return false;
  }
}

std::string service_text(std::uint16_t port) {
  switch (port) {
    case 21: return "FTP";
    case 22: return "SSH";
    case 23: return "telnet";
    case 25: return "SMTP";
    case 110: return "POP3";
    case 143: return "IMAP";
    case 465:
    case 587: return "SMTP submission";
    case 993: return "IMAPS";
    case 995: return "POP3S";
    case 1433: return "MS SQL";
    case 3306: return "MySQL";
    case 3389: return "RDP";
    case 5432: return "PostgreSQL";
    case 5900: return "VNC";
    default: return fmt::format("tcp/{}", port);
  }
}

BruteForceDetector::BruteForceDetector(const BruteForceRules& rules, std::size_t max_tracked, AlertLog& log)
    : rules_(rules),
      window_ns_(to_ns(rules.window_seconds)),
      max_connection_ns_(to_ns(rules.max_connection_seconds)),
      log_(log),
      table_(max_tracked) {}

BruteForceDetector::State& BruteForceDetector::state(const IpAddress& client, const IpAddress& server,
                                                     std::uint16_t port, std::int64_t now_ns) {
  bool created = false;
  State& s = table_.upsert(pair_key(client, server, port), created);
  roll_window(s, now_ns, window_ns_);
  return s;
}

void BruteForceDetector::on_connection(const IpAddress& client, const IpAddress& server, std::uint16_t port,
                                       std::int64_t now_ns) {
  ++state(client, server, port, now_ns).attempts;
}

void BruteForceDetector::on_connection_end(const FlowRecord& r) {
  if (r.is_interim() || r.key.ip_proto != 6 || !watches(r.key.resp_port) || r.orig.syn == 0) return;
  if (r.duration_ns() > max_connection_ns_ || r.orig.payload_bytes > rules_.max_connection_bytes) return;
  // A flow ends after its packets; its window is judged at its last packet.
  State& s = state(r.key.orig_addr, r.key.resp_addr, r.key.resp_port, r.last_ts.ns);
  ++s.short_connections;
  s.short_duration_ns += r.duration_ns();
  evaluate(r.key.orig_addr, r.key.resp_addr, r.key.resp_port, s, r.last_ts.ns);
}

void BruteForceDetector::on_server_payload(const IpAddress& client, const IpAddress& server, std::uint16_t port,
                                           std::span<const std::uint8_t> payload, std::int64_t now_ns) {
  if (!is_failed_login_reply(port, payload)) return;
  State& s = state(client, server, port, now_ns);
  ++s.failed_logins;
  evaluate(client, server, port, s, now_ns);
}

void BruteForceDetector::evaluate(const IpAddress& client, const IpAddress& server, std::uint16_t port, State& s,
                                  std::int64_t now_ns) {
  const bool by_connections = s.short_connections >= rules_.min_connections;
  const bool by_failures = s.failed_logins >= rules_.min_failed_logins;
  if (!by_connections && !by_failures) return;
  const Severity sev = (by_failures || s.short_connections >= 3 * rules_.min_connections) ? Severity::kHigh
                                                                                          : Severity::kMedium;
  log_.report(s.throttle, s.fired, now_ns, sev, [&] {
    Alert a;
    a.ts.ns = now_ns;
    a.detector = DetectorId::kBruteForce;
    a.severity = sev;
    a.mitre = "T1110";
    a.src = client;
    a.dest = server;
    a.first_seen.ns = s.window.start_ns;
    a.last_seen.ns = now_ns;
    std::string what = fmt::format("{} short connections", count_text(s.short_connections));
    if (s.failed_logins != 0) what += fmt::format(", {} failed logins", count_text(s.failed_logins));
    a.summary = fmt::format("{} brute force on {}:{} from {}: {} in {:.0f} s", service_text(port), to_string(server),
                            port, to_string(client), what, s.window.seconds(now_ns));
    a.add("service", service_text(port));
    a.add("port", std::uint32_t{port});
    a.add("connections", s.attempts);
    a.add("short_connections", s.short_connections);
    a.add("failed_logins", s.failed_logins);
    if (s.short_connections != 0) {
      a.add("mean_connection_seconds",
            round_to(static_cast<double>(s.short_duration_ns) / 1e9 / s.short_connections, 3));
    }
    a.add("attempts_per_minute", round_to(s.window.rate(s.attempts, now_ns) * 60, 1));
    return a;
  });
}

}  // namespace nta

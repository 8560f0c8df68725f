#include "detect/rules_config.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "core/error.h"

namespace nta {

UdpFloodRules::UdpFloodRules() {
  std::string error;
  // chargen, DNS, portmap, NTP, NetBIOS, SNMP, CLDAP, SSDP, WS-Discovery, mDNS, memcached, and the
  // game/streaming services seen in reflection attacks.
  PortBitmap::parse("19, 53, 111, 123, 137, 161, 389, 1900, 3283, 3702, 5353, 5683, 10001, 11211, 27015, 37810",
                 reflection_ports, error);
}

BruteForceRules::BruteForceRules() {
  std::string error;
  // FTP, SSH, telnet, POP3, IMAP, SMTP submission, IMAPS, POP3S, MS SQL, MySQL, RDP, PostgreSQL, VNC.
  PortBitmap::parse("21, 22, 23, 110, 143, 465, 587, 993, 995, 1433, 3306, 3389, 5432, 5900", ports, error);
}

BeaconingRules::BeaconingRules() {
  std::string error;
  PortBitmap::parse("53, 67, 68, 123, 137, 138, 1900, 5353", ignore_ports, error);
}

namespace {

enum class Kind : std::uint8_t { kBool, kCount, kBytes, kNumber, kPorts, kNetworks, kSeverity };

constexpr std::string_view kSeverityNames[] = {"low", "medium", "high", "critical"};

struct Field {
  std::string_view name;
  Kind kind;
  void* target;
  double min;
  double max;
  std::string_view help;
};

struct Section {
  std::string_view name;
  std::string_view help;
  std::vector<Field> fields;
};

constexpr double kMaxCount = 4294967295.0;
constexpr double kMaxBytes = 1e18;
constexpr double kMaxSeconds = 31536000;  // a year

Field enabled(bool& b) {
  return {"enabled", Kind::kBool, &b, 0, 0, "false turns the detector off"};
}
Field severity(Severity& s) {
  return {"severity", Kind::kSeverity, &s, 0, 0, "severity of its alerts: low, medium, high or critical"};
}
Field window(double& w, std::string_view help = "length of the per-key counting window (packet time)") {
  return {"window_seconds", Kind::kNumber, &w, 0.001, kMaxSeconds, help};
}

std::vector<Section> sections(RulesConfig& r) {
  std::vector<Section> s;
  GlobalRules& g = r.global;
  s.push_back({"global", "Settings every detector shares.",
               {{"throttle_seconds", Kind::kNumber, &g.throttle_seconds, 0, kMaxSeconds,
                 "one alert per detector and key per this much packet time, unless its severity rises"},
                {"max_tracked", Kind::kCount, &g.max_tracked, 16, 16777216,
                 "state entries per detector table; past it the least recently seen key is evicted"},
                {"max_alerts", Kind::kCount, &g.max_alerts, 1, kMaxCount,
                 "alerts kept in memory for the terminal table and the scores (the alert file gets all)"},
                {"score_half_life_seconds", Kind::kNumber, &g.score_half_life_seconds, 1, kMaxSeconds,
                 "an alert's weight in a threat score halves with each this much packet time since"},
                {"inside_networks", Kind::kNetworks, &g.inside_networks, 0, 0,
                 "prefixes of the site's own addresses (exfiltration's inside)"}}});
  PortScanRules& ps = r.port_scan;
  s.push_back({"port_scan", "One source probing many ports of one host (T1046).",
               {enabled(ps.enabled), window(ps.window_seconds),
                {"min_ports", Kind::kCount, &ps.min_ports, 2, 65536,
                 "distinct ports of one host probed without a positive answer"},
                {"min_stealth_ports", Kind::kCount, &ps.min_stealth_ports, 1, 65536,
                 "distinct ports probed with FIN, NULL or Xmas packets"},
                {"high_ports", Kind::kCount, &ps.high_ports, 2, 65536, "from this many ports on: severity high"}}});
  HorizontalScanRules& hs = r.horizontal_scan;
  s.push_back({"horizontal_scan", "One source probing one port across many hosts (T1046).",
               {enabled(hs.enabled), window(hs.window_seconds),
                {"min_hosts", Kind::kCount, &hs.min_hosts, 2, kMaxCount,
                 "distinct hosts probed on one port without a positive answer"},
                {"high_hosts", Kind::kCount, &hs.high_hosts, 2, kMaxCount, "from this many hosts on: severity high"},
                {"spread_ports", Kind::kCount, &hs.spread_ports, 2, 65536,
                 "a source probing this many ports (this one under 2/3 of its probes) is peer-to-peer-like: severity low"}}});
  PingSweepRules& pw = r.ping_sweep;
  s.push_back({"ping_sweep", "One source sending host-discovery probes to many hosts (T1018).",
               {enabled(pw.enabled), window(pw.window_seconds),
                {"min_hosts", Kind::kCount, &pw.min_hosts, 2, kMaxCount,
                 "distinct hosts sent ICMP echo, ARP or TCP ACK probes"},
                {"high_hosts", Kind::kCount, &pw.high_hosts, 2, kMaxCount, "from this many hosts on: severity high"}}});
  SynFloodRules& sf = r.syn_flood;
  s.push_back({"syn_flood", "Many SYNs to one host, few handshakes completed (T1499.001).",
               {enabled(sf.enabled), window(sf.window_seconds),
                {"min_syns", Kind::kCount, &sf.min_syns, 1, kMaxCount, "SYNs to one host within the window"},
                {"min_rate", Kind::kNumber, &sf.min_rate, 0, 1e9,
                 "SYNs per second (counted over at least one second)"},
                {"max_completed_share", Kind::kNumber, &sf.max_completed_share, 0, 1,
                 "at most this share of the SYNs may complete a handshake"},
                {"max_ports", Kind::kCount, &sf.max_ports, 1, 65536,
                 "SYNs to more distinct ports are a port scan, unless one port takes half of them"},
                {"critical_rate", Kind::kNumber, &sf.critical_rate, 0, 1e9, "from this SYN rate on: severity critical"}}});
  UdpFloodRules& uf = r.udp_flood;
  s.push_back(
      {"udp_flood", "Unanswered UDP at a high rate to one host, or reflected from amplifiers (T1498.001, T1498.002).",
       {enabled(uf.enabled), window(uf.window_seconds),
        {"min_packets", Kind::kCount, &uf.min_packets, 1, kMaxCount, "unanswered UDP packets to one host in the window"},
        {"min_rate", Kind::kNumber, &uf.min_rate, 0, 1e9, "... per second (counted over at least one second)"},
        {"critical_rate", Kind::kNumber, &uf.critical_rate, 0, 1e9, "from this packet rate on: severity critical"},
        {"reflection_ports", Kind::kPorts, &uf.reflection_ports, 0, 0, "source ports of amplifying UDP services"},
        {"reflection_min_sources", Kind::kCount, &uf.reflection_min_sources, 1, kMaxCount,
         "distinct amplifiers sending unsolicited responses to one host"},
        {"reflection_min_bytes", Kind::kBytes, &uf.reflection_min_bytes, 1, kMaxBytes,
         "bytes of those responses within the window"}}});
  IcmpFloodRules& icf = r.icmp_flood;
  s.push_back({"icmp_flood", "ICMP at a high rate to one host (T1498.001).",
               {enabled(icf.enabled), window(icf.window_seconds),
                {"min_packets", Kind::kCount, &icf.min_packets, 1, kMaxCount,
                 "echo requests and unanswered ICMP to one host in the window"},
                {"min_rate", Kind::kNumber, &icf.min_rate, 0, 1e9, "... per second (counted over at least one second)"},
                {"critical_rate", Kind::kNumber, &icf.critical_rate, 0, 1e9, "from this rate on: severity critical"}}});
  BruteForceRules& bf = r.brute_force;
  s.push_back({"brute_force", "Many short connections or failed logins from one source to one service (T1110).",
               {enabled(bf.enabled), window(bf.window_seconds),
                {"min_connections", Kind::kCount, &bf.min_connections, 1, kMaxCount,
                 "short connections from one source to one service"},
                {"min_failed_logins", Kind::kCount, &bf.min_failed_logins, 1, kMaxCount,
                 "failed-login replies (FTP 530, SMTP 535, POP3 -ERR, IMAP NO, telnet 'Login incorrect')"},
                {"max_connection_seconds", Kind::kNumber, &bf.max_connection_seconds, 0, kMaxSeconds,
                 "a short connection lasts at most this long ..."},
                {"max_connection_bytes", Kind::kBytes, &bf.max_connection_bytes, 0, kMaxBytes,
                 "... and its client sends at most this many payload bytes"},
                {"ports", Kind::kPorts, &bf.ports, 0, 0, "the login services watched (TCP)"}}});
  DnsTunnelRules& dt = r.dns_tunnel;
  s.push_back({"dns_tunnel", "Data carried in DNS queries: long random names, NULL/TXT queries, many names (T1071.004).",
               {enabled(dt.enabled), window(dt.window_seconds),
                {"min_suspicious_queries", Kind::kCount, &dt.min_suspicious_queries, 1, kMaxCount,
                 "distinct suspicious names queried by one host"},
                {"long_label", Kind::kCount, &dt.long_label, 1, 255, "a label this long and random is suspicious"},
                {"min_label_entropy", Kind::kNumber, &dt.min_label_entropy, 0, 8,
                 "... random: at least this many bits per character"},
                {"long_name", Kind::kCount, &dt.long_name, 1, 1024, "a name this long is suspicious"},
                {"min_domain_subdomains", Kind::kCount, &dt.min_domain_subdomains, 1, kMaxCount,
                 "distinct names under one domain from one host (severity medium)"}}});
  ArpSpoofRules& as = r.arp_spoof;
  s.push_back({"arp_spoof", "An address claimed by a second MAC, or unsolicited ARP replies (T1557.002).",
               {enabled(as.enabled),
                {"binding_seconds", Kind::kNumber, &as.binding_seconds, 0.001, kMaxSeconds,
                 "an address-to-MAC binding seen this recently is current"},
                window(as.window_seconds, "window for counting unsolicited replies"),
                {"min_unsolicited_replies", Kind::kCount, &as.min_unsolicited_replies, 1, kMaxCount,
                 "replies without a matching request from one station (severity medium)"},
                {"request_wait_seconds", Kind::kNumber, &as.request_wait_seconds, 0, 3600,
                 "a reply this soon after a matching request answers it"}}});
  ExfiltrationRules& ex = r.exfiltration;
  s.push_back({"exfiltration", "A large upload from an inside host to an outside address (T1048).",
               {enabled(ex.enabled), window(ex.window_seconds),
                {"min_bytes", Kind::kBytes, &ex.min_bytes, 1, kMaxBytes,
                 "payload bytes sent from an inside host to one outside address"},
                {"min_ratio", Kind::kNumber, &ex.min_ratio, 0, 1e9, "bytes sent / bytes received at least"},
                {"high_bytes", Kind::kBytes, &ex.high_bytes, 1, kMaxBytes, "from this many bytes on: severity high"}}});
  BeaconingRules& bc = r.beaconing;
  s.push_back({"beaconing", "Regular contacts from one host to one destination (T1071).",
               {enabled(bc.enabled),
                {"min_intervals", Kind::kCount, &bc.min_intervals, 2, 32, "intervals between contacts before judging"},
                {"max_cv", Kind::kNumber, &bc.max_cv, 0, 10, "coefficient of variation of the intervals at most"},
                {"min_interval_seconds", Kind::kNumber, &bc.min_interval_seconds, 0, kMaxSeconds,
                 "mean interval at least"},
                {"max_interval_seconds", Kind::kNumber, &bc.max_interval_seconds, 0, kMaxSeconds,
                 "mean interval at most"},
                {"burst_gap_seconds", Kind::kNumber, &bc.burst_gap_seconds, 0.001, kMaxSeconds,
                 "silence after which a packet is a new contact"},
                {"sparse_rate", Kind::kNumber, &bc.sparse_rate, 0, 1e9,
                 "long flows whose host sends fewer packets/s than this are watched for bursts inside them"},
                {"ignore_ports", Kind::kPorts, &bc.ignore_ports, 0, 0, "destination ports periodic by design"}}});
  s.push_back({"unexpected_service",
               "With --db: a host answers on a port its latest scan saw closed or filtered (T1205).",
               {enabled(r.unexpected_service.enabled), severity(r.unexpected_service.severity)}});
  s.push_back({"unknown_host",
               "With --db: an address in a scanned network is active in traffic but no scan found it up (T1200).",
               {enabled(r.unknown_host.enabled), severity(r.unknown_host.severity)}});
  s.push_back({"risky_service",
               "With --db: a connection attempt to a service the inventory marks risky (telnet, SMBv1, ...; T1021).",
               {enabled(r.risky_service.enabled), severity(r.risky_service.severity)}});
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

template <class T>
std::string joined_names(const std::vector<T>& items) {
  std::string s;
  for (const T& i : items) {
    if (!s.empty()) s += ", ";
    s += i.name;
  }
  return s;
}

// Sets the field from the text; an empty string on success, else why not.
std::string set_value(const Field& f, std::string_view v) {
  switch (f.kind) {
    case Kind::kBool:
      if (v == "true" || v == "false") {
        *static_cast<bool*>(f.target) = v == "true";
        return {};
      }
      return "expected true or false";
    case Kind::kCount:
    case Kind::kBytes: {
      std::uint64_t n = 0;
      const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size()) return "expected a whole number";
      if (static_cast<double>(n) < f.min || static_cast<double>(n) > f.max) {
        return fmt::format("expected a whole number from {} to {}", f.min, f.max);
      }
      if (f.kind == Kind::kCount) {
        *static_cast<std::uint32_t*>(f.target) = static_cast<std::uint32_t>(n);
      } else {
        *static_cast<std::uint64_t*>(f.target) = n;
      }
      return {};
    }
    case Kind::kNumber: {
      double d = 0;
      const auto r = std::from_chars(v.data(), v.data() + v.size(), d);
      if (v.empty() || r.ec != std::errc{} || r.ptr != v.data() + v.size() || !std::isfinite(d)) {
        return "expected a number";
      }
      if (d < f.min || d > f.max) return fmt::format("expected a number from {} to {}", f.min, f.max);
      *static_cast<double*>(f.target) = d;
      return {};
    }
    case Kind::kPorts: {
      std::string error;
      if (!PortBitmap::parse(v, *static_cast<PortBitmap*>(f.target), error)) return error;
      return {};
    }
    case Kind::kNetworks: {
      std::string error;
      if (!NetworkSet::parse(v, *static_cast<NetworkSet*>(f.target), error)) return error;
      return {};
    }
    case Kind::kSeverity:
      for (std::size_t i = 0; i < std::size(kSeverityNames); ++i) {
        if (v == kSeverityNames[i]) {
          *static_cast<Severity*>(f.target) = static_cast<Severity>(i);
          return {};
        }
      }
      return "expected low, medium, high or critical";
  }
  return "unsupported value";
}

std::string value_text(const Field& f) {
  switch (f.kind) {
    case Kind::kBool: return *static_cast<const bool*>(f.target) ? "true" : "false";
    case Kind::kCount: return fmt::format("{}", *static_cast<const std::uint32_t*>(f.target));
    case Kind::kBytes: return fmt::format("{}", *static_cast<const std::uint64_t*>(f.target));
    case Kind::kNumber: return fmt::format("{}", *static_cast<const double*>(f.target));
    case Kind::kPorts: return static_cast<const PortBitmap*>(f.target)->to_string();
    case Kind::kNetworks: return static_cast<const NetworkSet*>(f.target)->to_string();
    case Kind::kSeverity: return std::string(severity_name(*static_cast<const Severity*>(f.target)));
  }
  return {};
}

}  // namespace

RulesConfig parse_rules(std::string_view text, std::string_view source) {
  RulesConfig rules;
  std::vector<Section> secs = sections(rules);
  Section* current = nullptr;
  std::set<std::string_view> seen_sections;
  std::set<std::string_view> seen_keys;
  std::size_t line_no = 0;
  auto fail = [&](const std::string& what) {
    throw Error(ErrorKind::kUsage, fmt::format("{}:{}: {}", source, line_no, what));
  };
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    if (line.front() == '[') {
      if (line.back() != ']') fail(fmt::format("a section header must look like [name], not '{}'", line));
      const std::string_view name = trim(line.substr(1, line.size() - 2));
      current = nullptr;
      for (Section& s : secs) {
        if (s.name == name) current = &s;
      }
      if (current == nullptr) fail(fmt::format("unknown section [{}] (known: {})", name, joined_names(secs)));
      if (!seen_sections.insert(current->name).second) fail(fmt::format("section [{}] appears twice", name));
      seen_keys.clear();
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) fail(fmt::format("expected 'key = value' or '[section]', not '{}'", line));
    const std::string_view key = trim(line.substr(0, eq));
    const std::string_view value = trim(line.substr(eq + 1));
    if (key.empty()) fail("a key is missing before '='");
    if (current == nullptr) fail(fmt::format("'{}' comes before any [section]", key));
    const Field* field = nullptr;
    for (const Field& f : current->fields) {
      if (f.name == key) field = &f;
    }
    if (field == nullptr) {
      fail(fmt::format("unknown key '{}' in [{}] (known: {})", key, current->name, joined_names(current->fields)));
    }
    if (!seen_keys.insert(field->name).second) fail(fmt::format("'{}' is set twice in [{}]", key, current->name));
    const std::string why = set_value(*field, value);
    if (!why.empty()) fail(fmt::format("bad value '{}' for {}: {}", value, key, why));
  }
  return rules;
}

RulesConfig load_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kIo, fmt::format("cannot read the rules file '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(ErrorKind::kIo, fmt::format("cannot read the rules file '{}'", path));
  return parse_rules(text.str(), path);
}

std::string rules_text(const RulesConfig& rules) {
  RulesConfig copy = rules;
  std::string out =
      "# nta detection rules (`nta analyze --rules FILE`); docs/detections.md explains each detector.\n"
      "# Every key is optional: a key left out keeps its default. Times are seconds of packet time.\n";
  for (const Section& s : sections(copy)) {
    out += fmt::format("\n[{}]\n# {}\n", s.name, s.help);
    for (const Field& f : s.fields) out += fmt::format("{} = {}  # {}\n", f.name, value_text(f), f.help);
  }
  return out;
}

std::string default_rules_text() {
  const RulesConfig defaults;
  return rules_text(defaults);
}

}  // namespace nta

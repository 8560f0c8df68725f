#pragma once
// The detection rules: every threshold of every detector, with the defaults docs/detections.md
// documents. Read from an INI-like file (`--rules FILE`):
//
//   # a comment              (also after a value: `min_ports = 20   # comment`)
//   [port_scan]              (a section per detector id, and [global])
//   enabled = false
//   min_ports = 20
//
// Strict: an unknown section or key, a value of the wrong type or out of range, a key set twice,
// or any other line is refused with nta::Error(kUsage) naming the file and line.
#include <cstdint>
#include <string>
#include <string_view>

#include "detect/alert.h"
#include "detect/network_set.h"
#include "detect/port_bitmap.h"

namespace nta {

struct GlobalRules {
  double throttle_seconds = 300;     // one alert per detector and key per this much packet time
  std::uint32_t max_tracked = 65536;  // state entries per detector table (least recently seen evicted)
  std::uint32_t max_alerts = 100000;  // alerts kept in memory for the tables and scores
  double score_half_life_seconds = 3600;
  NetworkSet inside_networks = NetworkSet::private_defaults();
};

struct PortScanRules {
  bool enabled = true;
  double window_seconds = 60;
  std::uint32_t min_ports = 15;         // distinct ports of one host probed without a positive answer
  std::uint32_t min_stealth_ports = 3;  // distinct ports probed with FIN, NULL or Xmas packets
  std::uint32_t high_ports = 100;       // from here on: severity high
};

struct HorizontalScanRules {
  bool enabled = true;
  double window_seconds = 60;
  std::uint32_t min_hosts = 20;  // distinct hosts probed on one port without a positive answer
  std::uint32_t high_hosts = 100;
  std::uint32_t spread_ports = 16;  // a source probing this many ports is peer-to-peer-like: severity low
};

struct PingSweepRules {
  bool enabled = true;
  double window_seconds = 60;
  std::uint32_t min_hosts = 20;  // distinct hosts sent ICMP echo/ARP/TCP ACK discovery probes
  std::uint32_t high_hosts = 100;
};

struct SynFloodRules {
  bool enabled = true;
  double window_seconds = 10;
  std::uint32_t min_syns = 100;
  double min_rate = 50;                // SYNs per second
  double max_completed_share = 0.2;    // handshakes completed / SYNs
  std::uint32_t max_ports = 16;        // more ports: a port scan, unless one port takes half the SYNs
  double critical_rate = 10000;
};

struct UdpFloodRules {
  bool enabled = true;
  double window_seconds = 10;
  std::uint32_t min_packets = 1000;  // unanswered UDP packets to one host
  double min_rate = 1000;            // ... per second
  double critical_rate = 50000;
  PortBitmap reflection_ports;  // source ports of amplifying services (set in the constructor)
  std::uint32_t reflection_min_sources = 10;
  std::uint64_t reflection_min_bytes = 200000;
  UdpFloodRules();
};

struct IcmpFloodRules {
  bool enabled = true;
  double window_seconds = 10;
  std::uint32_t min_packets = 500;
  double min_rate = 200;
  double critical_rate = 20000;
};

struct BruteForceRules {
  bool enabled = true;
  double window_seconds = 300;
  std::uint32_t min_connections = 10;       // short connections to one service
  std::uint32_t min_failed_logins = 5;      // failed-login replies seen (FTP, SMTP, POP3, IMAP, telnet)
  double max_connection_seconds = 30;       // a connection at most this long ...
  std::uint64_t max_connection_bytes = 20000;  // ... sending at most this much is "short"
  PortBitmap ports;  // services watched (set in the constructor)
  BruteForceRules();
};

struct DnsTunnelRules {
  bool enabled = true;
  double window_seconds = 300;
  std::uint32_t min_suspicious_queries = 20;  // distinct suspicious names from one host
  std::uint32_t long_label = 24;              // a label this long (and high in entropy) is suspicious
  double min_label_entropy = 3.0;             // bits per character of that label
  std::uint32_t long_name = 100;              // a name this long is suspicious
  std::uint32_t min_domain_subdomains = 200;  // distinct names under one domain from one host
};

struct ArpSpoofRules {
  bool enabled = true;
  double binding_seconds = 3600;  // an address-to-MAC binding seen this recently counts
  double window_seconds = 60;
  std::uint32_t min_unsolicited_replies = 10;  // replies nobody asked for, from one station
  double request_wait_seconds = 5;  // a reply this soon after a matching request was asked for
};

struct ExfiltrationRules {
  bool enabled = true;
  double window_seconds = 3600;
  std::uint64_t min_bytes = 10000000;   // payload from an inside host to one outside address
  double min_ratio = 5;                 // sent / received
  std::uint64_t high_bytes = 100000000;
};

struct BeaconingRules {
  bool enabled = true;
  std::uint32_t min_intervals = 8;     // intervals between contacts before judging
  double max_cv = 0.25;                // coefficient of variation of the intervals
  double min_interval_seconds = 2;
  double max_interval_seconds = 3600;
  double burst_gap_seconds = 2;        // silence that makes the next packet a new contact
  double sparse_rate = 2;              // a long flow whose host sends under this many packets/s is watched
  PortBitmap ignore_ports;  // periodic by design (DNS, DHCP, NTP, NetBIOS, SSDP, mDNS; constructor)
  BeaconingRules();
};

// The correlation findings: traffic against the asset inventory (`nta analyze --db`). Each raises
// at most one alert per key (responder and port; host; server and port) per throttle period.
struct UnexpectedServiceRules {
  bool enabled = true;
  Severity severity = Severity::kMedium;  // a port answering that the latest scan saw closed or filtered
};

struct UnknownHostRules {
  bool enabled = true;
  Severity severity = Severity::kLow;  // active in a scanned network, never found up by a scan
};

struct RiskyServiceRules {
  bool enabled = true;
  Severity severity = Severity::kMedium;  // a connection attempt to a service of the risky table
};

struct RulesConfig {
  GlobalRules global;
  PortScanRules port_scan;
  HorizontalScanRules horizontal_scan;
  PingSweepRules ping_sweep;
  SynFloodRules syn_flood;
  UdpFloodRules udp_flood;
  IcmpFloodRules icmp_flood;
  BruteForceRules brute_force;
  DnsTunnelRules dns_tunnel;
  ArpSpoofRules arp_spoof;
  ExfiltrationRules exfiltration;
  BeaconingRules beaconing;
  UnexpectedServiceRules unexpected_service;
  UnknownHostRules unknown_host;
  RiskyServiceRules risky_service;
};

// Parses rules text over the defaults; `source` names the file in error messages.
[[nodiscard]] RulesConfig parse_rules(std::string_view text, std::string_view source);
// Reads and parses a rules file: kIo when it cannot be read, kUsage when it is malformed.
[[nodiscard]] RulesConfig load_rules(const std::string& path);
// A complete rules file holding `rules` (the defaults for RulesConfig{}), with a comment per key.
[[nodiscard]] std::string rules_text(const RulesConfig& rules);
// rules_text(RulesConfig{}): what `nta analyze --rules-defaults` prints.
[[nodiscard]] std::string default_rules_text();

}  // namespace nta

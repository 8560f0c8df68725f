#pragma once
// A host as one scan saw it, in plain structs: what the nmap XML parser produces, what the asset
// inventory stores and loads back, what `diff` compares and what the snapshot answers from.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.h"
#include "scan/port_set.h"
#include "scan/port_state.h"

namespace nta {

struct ScriptResult {
  std::string id;      // NSE script name, e.g. "ssl-cert"
  std::string output;  // its text output (may span lines)
};

struct ServiceInfo {
  std::string name;       // nmap's service name: "ssh", "http", "microsoft-ds", ...
  std::string product;    // "OpenSSH"
  std::string version;    // "8.9p1"
  std::string extrainfo;  // "Ubuntu Linux; protocol 2.0"
  std::string tunnel;     // "ssl" when the service ran inside TLS
  std::string method;     // "probed" (version detection answered) or "table" (guess from the port)
  int confidence = 0;     // nmap's conf, 0..10
  std::vector<std::string> cpes;
};

struct ScannedPort {
  ScanProtocol protocol = ScanProtocol::kTcp;
  std::uint16_t port = 0;
  PortState state = PortState::kUnknown;
  std::string reason;  // "syn-ack", "reset", "no-response", ...
  int reason_ttl = -1;
  ServiceInfo service;
  std::vector<ScriptResult> scripts;
};

// nmap folds the many ports in one state into <extraports state= count=>; since nmap 7.9x each
// reason also lists the ports it covers (for one protocol).
struct ExtraPorts {
  PortState state = PortState::kUnknown;
  std::uint32_t count = 0;
  std::string reason;
  std::string protocol;  // "tcp", "udp", ... or empty when nmap did not say
  PortSet ports;         // empty when nmap did not list them
};

// What one scan probed for one protocol (<scaninfo>).
struct ScanCoverage {
  std::string scan_type;  // "syn", "connect", "udp", ...
  ScanProtocol protocol = ScanProtocol::kTcp;
  std::uint32_t port_count = 0;
  PortSet ports;
};

struct HostAddress {
  std::string address;
  std::string type;    // "ipv4", "ipv6", "mac"
  std::string vendor;  // MAC vendor (nmap's OUI table)
};

struct HostName {
  std::string name;
  std::string type;  // "user" (given as a target) or "PTR" (reverse DNS)
};

struct OsMatch {
  std::string name;  // "Linux 5.0 - 5.2"
  int accuracy = 0;  // percent
  // The first <osclass> of the match:
  std::string os_type;  // "general purpose", "router", "webcam", ...
  std::string vendor;
  std::string family;
  std::string generation;
  std::string cpe;
};

struct ScannedHost {
  IpAddress address;  // the first IPv4 address, else the first IPv6 one: the host's key
  HostState state = HostState::kUnknown;
  std::string reason;
  int reason_ttl = -1;
  std::int64_t started_at = 0;  // Unix seconds; 0 when nmap did not say
  std::int64_t ended_at = 0;
  std::string mac;
  std::string mac_vendor;
  std::vector<HostAddress> addresses;
  std::vector<HostName> hostnames;
  std::vector<ScannedPort> ports;  // sorted by (protocol, port)
  std::vector<ExtraPorts> extra_ports;
  std::vector<OsMatch> os_matches;  // best first
  std::vector<ScriptResult> scripts;  // host scripts
  std::vector<std::string> notes;     // what the import truncated or skipped

  // Set when loaded from the inventory:
  std::int64_t scan_id = 0;
  std::int64_t scan_started_at = 0;  // the scan's start, Unix seconds
  // The scan's <scaninfo>, shared by every host of that scan; null when unknown.
  std::shared_ptr<const std::vector<ScanCoverage>> coverage;

  [[nodiscard]] const ScannedPort* find_port(ScanProtocol protocol, std::uint16_t port) const noexcept;
  // The port's state as this scan saw it: a listed port's own state; else the <extraports> group
  // that lists it; else, when the scan probed it, the state all unlisted ports share (closed|
  // filtered when they were split between closed and filtered); else kUnknown. kUnknown for every
  // port of a host that was not up.
  [[nodiscard]] PortState port_state(ScanProtocol protocol, std::uint16_t port) const noexcept;
  [[nodiscard]] const OsMatch* best_os() const noexcept { return os_matches.empty() ? nullptr : &os_matches.front(); }
  [[nodiscard]] std::string_view first_hostname() const noexcept {
    return hostnames.empty() ? std::string_view{} : std::string_view{hostnames.front().name};
  }
  [[nodiscard]] std::size_t open_port_count() const noexcept;
};

}  // namespace nta

#pragma once
// Scans: vertical port scans of one LAN host (SYN, connect, FIN, Xmas, NULL, UDP over ports
// 1-1024), a horizontal scan of one port across the server subnet, and a ping sweep of it. The
// victims answer as their stacks do: SYN-ACK or RST/ACK, silence or RST/ACK for the stealth
// scans, ICMP port unreachable quoting the probe for closed UDP ports, echo replies from hosts
// that exist.
#include <cstdint>

#include "core/ip_address.h"
#include "synth/attack_session.h"
#include "synth/network.h"

namespace nta {

// The site's server subnet, 10.20.0.0/24, behind the gateway: the horizontal scan and the ping
// sweep probe all of its 254 addresses. Which exist, and their systems, hang on the seed only.
struct SubnetHost {
  bool live = false;
  HostOs os = HostOs::kLinux;
};
[[nodiscard]] SubnetHost server_subnet_host(std::uint64_t site_seed, std::uint8_t last_octet) noexcept;
[[nodiscard]] IpAddress server_subnet_address(std::uint8_t last_octet) noexcept;

// Whether a LAN host of this system listens on a TCP or UDP port of 1-1024 (the scan victims'
// services: Windows file sharing, Linux ssh/http/rpcbind, macOS ssh/kerberos/smb, ...).
[[nodiscard]] bool scan_victim_listens(HostOs os, bool udp, std::uint16_t port) noexcept;

// The six vertical scans (AttackKind kPortScan*): setup.attacker scans setup.victim.
AttackScenario make_port_scan(const AttackSetup& setup, Rng& rng);
AttackScenario make_horizontal_scan(const AttackSetup& setup, Rng& rng);
AttackScenario make_ping_sweep(const AttackSetup& setup, Rng& rng);

}  // namespace nta

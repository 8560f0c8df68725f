#include "synth/attack_kind.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "core/error.h"

namespace nta {
namespace {

using K = AttackKind;

// clang-format off
constexpr std::array<AttackKindInfo, 19> kKinds{{
    {K::kPortScanSyn, "port_scan_syn", "port_scan", "SYN (half-open) scan of ports 1-1024 of one LAN host"},
    {K::kPortScanConnect, "port_scan_connect", "port_scan", "connect() scan of ports 1-1024 of one LAN host"},
    {K::kPortScanFin, "port_scan_fin", "port_scan", "FIN scan of ports 1-1024 of one LAN host"},
    {K::kPortScanXmas, "port_scan_xmas", "port_scan", "Xmas (FIN+PSH+URG) scan of ports 1-1024 of one LAN host"},
    {K::kPortScanNull, "port_scan_null", "port_scan", "NULL (no flags) scan of ports 1-1024 of one LAN host"},
    {K::kPortScanUdp, "port_scan_udp", "port_scan", "UDP scan of ports 1-1024 of one LAN host"},
    {K::kHorizontalScan, "horizontal_scan", "horizontal_scan", "SYNs to one port across the 254 addresses of the server subnet"},
    {K::kPingSweep, "ping_sweep", "ping_sweep", "ICMP echo to the 254 addresses of the server subnet"},
    {K::kSynFlood, "syn_flood", "syn_flood", "SYN flood from one LAN host against another's web port"},
    {K::kSynFloodSpoofed, "syn_flood_spoofed", "syn_flood", "SYN flood from random spoofed sources against one LAN host"},
    {K::kUdpFlood, "udp_flood", "udp_flood", "UDP flood from one LAN host against another"},
    {K::kIcmpFlood, "icmp_flood", "icmp_flood", "ICMP echo flood from one LAN host against another"},
    {K::kBruteForceSsh, "brute_force_ssh", "brute_force", "SSH password guessing from an outside address"},
    {K::kBruteForceFtp, "brute_force_ftp", "brute_force", "FTP USER/PASS guessing from one LAN host against another"},
    {K::kBruteForceRdp, "brute_force_rdp", "brute_force", "RDP (NLA) logon guessing from an outside address"},
    {K::kDnsTunnel, "dns_tunnel", "dns_tunnel", "data in long base32 subdomains: TXT/NULL/CNAME queries via the resolver"},
    {K::kArpSpoof, "arp_spoof", "arp_spoof", "ARP replies claiming the gateway's address with the attacker's MAC"},
    {K::kExfiltration, "exfiltration", "exfiltration", "a large upload from a LAN host to an outside address over TLS"},
    {K::kBeaconing, "beaconing", "beaconing", "periodic small TLS callbacks from a LAN host to one outside address"},
}};
// clang-format on

std::string known_ids() {
  std::string ids;
  for (const AttackKindInfo& k : kKinds) ids += fmt::format("{}{}", ids.empty() ? "" : ", ", k.id);
  return ids;
}

}  // namespace

std::span<const AttackKindInfo> attack_kinds() noexcept {
  return kKinds;
}

const AttackKindInfo& attack_info(AttackKind kind) noexcept {
  return kKinds[static_cast<std::size_t>(kind)];
}

std::optional<AttackKind> find_attack_kind(std::string_view id) noexcept {
  for (const AttackKindInfo& k : kKinds) {
    if (k.id == id) return k.kind;
  }
  return std::nullopt;
}

std::vector<AttackKind> parse_attack_kinds(std::string_view list) {
  std::array<bool, kKinds.size()> chosen{};
  std::size_t at = 0;
  while (at <= list.size()) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    std::string_view id = list.substr(at, comma - at);
    while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
    while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
    at = comma + 1;
    if (id == "all") {
      chosen.fill(true);
      continue;
    }
    const auto kind = find_attack_kind(id);
    if (!kind) {
      throw Error(ErrorKind::kUsage,
                  id.empty() ? fmt::format("--attack: empty attack name in '{}'; the kinds are: all, {}",
                                           list, known_ids())
                             : fmt::format("--attack: unknown attack '{}'; the kinds are: all, {} "
                                           "(--attack help describes them)",
                                           id, known_ids()));
    }
    chosen[static_cast<std::size_t>(*kind)] = true;
  }
  std::vector<AttackKind> kinds;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i]) kinds.push_back(kKinds[i].kind);
  }
  return kinds;
}

std::string attack_kinds_help() {
  std::string text = fmt::format("{:<19} {:<16} {}\n", "attack", "detector", "what it adds");
  for (const AttackKindInfo& k : kKinds)
    text += fmt::format("{:<19} {:<16} {}\n", k.id, k.detector, k.summary);
  text += "all                 (every kind above)\n";
  return text;
}

}  // namespace nta

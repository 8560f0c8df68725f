#pragma once
// A read-only, in-memory copy of the asset inventory for correlating traffic: each host's latest
// observation, looked up by address in O(log n), and the networks the scans covered. Built once
// (AssetInventory::snapshot) and then shared freely: nothing in it changes.
#include <span>
#include <vector>

#include "core/ip_address.h"
#include "scan/scanned_host.h"
#include "scan/target_validation.h"

namespace nta {

class AssetSnapshot {
 public:
  AssetSnapshot() = default;
  // `ever_up[i]`: whether any scan found hosts[i] up. Hosts need not be sorted.
  AssetSnapshot(std::vector<ScannedHost> hosts, std::vector<bool> ever_up, std::vector<ScanTarget> networks);

  // The host's latest observation, or nullptr when no scan listed it.
  [[nodiscard]] const ScannedHost* find_host(const IpAddress& address) const noexcept;
  // Whether some scan listed the address (up or down).
  [[nodiscard]] bool was_scanned(const IpAddress& address) const noexcept { return find_host(address) != nullptr; }
  // Whether some scan found the address up (not necessarily the latest one).
  [[nodiscard]] bool ever_up(const IpAddress& address) const noexcept;
  // The port as the host's latest scan saw it; kUnknown for hosts or ports never scanned.
  [[nodiscard]] PortState port_state(const IpAddress& address, ScanProtocol protocol, std::uint16_t port) const noexcept;
  // Whether the address lies in a network (address, CIDR, range) some scan targeted; hostname
  // targets name no network.
  [[nodiscard]] bool in_scanned_network(const IpAddress& address) const noexcept;

  [[nodiscard]] std::span<const ScannedHost> hosts() const noexcept { return hosts_; }
  [[nodiscard]] std::span<const ScanTarget> networks() const noexcept { return networks_; }
  [[nodiscard]] bool empty() const noexcept { return hosts_.empty(); }

 private:
  [[nodiscard]] std::ptrdiff_t index_of(const IpAddress& address) const noexcept;

  std::vector<ScannedHost> hosts_;  // sorted by (family, address)
  std::vector<bool> ever_up_;       // parallel to hosts_
  std::vector<ScanTarget> networks_;
};

// The order of addresses in listings and in the snapshot: IPv4 before IPv6, then numerically.
[[nodiscard]] bool address_less(const IpAddress& a, const IpAddress& b) noexcept;

}  // namespace nta

#include "scan/asset_snapshot.h"

#include <algorithm>
#include <numeric>

namespace nta {

bool address_less(const IpAddress& a, const IpAddress& b) noexcept {
  if (a.family != b.family) return a.family < b.family;
  return a.bytes < b.bytes;
}

AssetSnapshot::AssetSnapshot(std::vector<ScannedHost> hosts, std::vector<bool> ever_up,
                             std::vector<ScanTarget> networks)
    : networks_(std::move(networks)) {
  ever_up.resize(hosts.size(), false);
  std::vector<std::size_t> order(hosts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return address_less(hosts[a].address, hosts[b].address); });
  hosts_.reserve(hosts.size());
  ever_up_.reserve(hosts.size());
  for (std::size_t i : order) {
    if (!hosts_.empty() && hosts_.back().address == hosts[i].address) continue;
    ever_up_.push_back(ever_up[i] || hosts[i].state == HostState::kUp);
    hosts_.push_back(std::move(hosts[i]));
  }
  std::erase_if(networks_, [](const ScanTarget& t) { return t.kind() == TargetKind::kHostname; });
}

std::ptrdiff_t AssetSnapshot::index_of(const IpAddress& address) const noexcept {
  auto it = std::lower_bound(hosts_.begin(), hosts_.end(), address,
                             [](const ScannedHost& h, const IpAddress& a) { return address_less(h.address, a); });
  if (it == hosts_.end() || it->address != address) return -1;
  return it - hosts_.begin();
}

const ScannedHost* AssetSnapshot::find_host(const IpAddress& address) const noexcept {
  const std::ptrdiff_t i = index_of(address);
  return i < 0 ? nullptr : &hosts_[static_cast<std::size_t>(i)];
}

bool AssetSnapshot::ever_up(const IpAddress& address) const noexcept {
  const std::ptrdiff_t i = index_of(address);
  return i >= 0 && ever_up_[static_cast<std::size_t>(i)];
}

PortState AssetSnapshot::port_state(const IpAddress& address, ScanProtocol protocol, std::uint16_t port) const noexcept {
  const ScannedHost* h = find_host(address);
  return h == nullptr ? PortState::kUnknown : h->port_state(protocol, port);
}

bool AssetSnapshot::in_scanned_network(const IpAddress& address) const noexcept {
  return std::any_of(networks_.begin(), networks_.end(), [&](const ScanTarget& t) { return t.contains(address); });
}

}  // namespace nta

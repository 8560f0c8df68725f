#include "scan/scanned_host.h"

#include <algorithm>

namespace nta {

const ScannedPort* ScannedHost::find_port(ScanProtocol protocol, std::uint16_t port) const noexcept {
  auto it = std::lower_bound(ports.begin(), ports.end(), std::pair{protocol, port},
                             [](const ScannedPort& p, const std::pair<ScanProtocol, std::uint16_t>& key) {
                               return std::pair{p.protocol, p.port} < key;
                             });
  return it != ports.end() && it->protocol == protocol && it->port == port ? &*it : nullptr;
}

PortState ScannedHost::port_state(ScanProtocol protocol, std::uint16_t port) const noexcept {
  if (state != HostState::kUp) return PortState::kUnknown;
  if (const ScannedPort* p = find_port(protocol, port)) return p->state;
  const std::string_view proto = to_string(protocol);
  for (const ExtraPorts& e : extra_ports) {
    if (e.protocol == proto && e.ports.contains(port)) return e.state;
  }
  const bool probed = coverage != nullptr && std::any_of(coverage->begin(), coverage->end(), [&](const ScanCoverage& c) {
    return c.protocol == protocol && c.ports.contains(port);
  });
  if (!probed) return PortState::kUnknown;
  // Probed but neither listed nor named by a group: the unlisted ports' shared state.
  PortState shared = PortState::kUnknown;
  bool mixed = false;
  for (const ExtraPorts& e : extra_ports) {
    if (!e.protocol.empty() && e.protocol != proto) continue;
    if (shared == PortState::kUnknown) {
      shared = e.state;
    } else if (shared != e.state) {
      mixed = true;
    }
  }
  if (!mixed) return shared;  // kUnknown when there was no group at all
  bool all_quiet = true;
  for (const ExtraPorts& e : extra_ports) {
    if ((e.protocol.empty() || e.protocol == proto) && !is_closed_or_filtered(e.state)) all_quiet = false;
  }
  return all_quiet ? PortState::kClosedFiltered : PortState::kUnknown;
}

std::size_t ScannedHost::open_port_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(ports.begin(), ports.end(), [](const ScannedPort& p) { return p.state == PortState::kOpen; }));
}

}  // namespace nta

#include "scan/host_diff.h"

#include <algorithm>
#include <utility>

namespace nta {
namespace {

bool same_service(const ServiceInfo& a, const ServiceInfo& b) noexcept {
  return a.name == b.name && a.product == b.product && a.version == b.version;
}

}  // namespace

std::string_view to_string(PortChangeKind kind) noexcept {
  switch (kind) {
    case PortChangeKind::kOpened: return "opened";
    case PortChangeKind::kClosed: return "closed";
    case PortChangeKind::kNotRescanned: return "not_rescanned";
    case PortChangeKind::kStateChanged: return "state_changed";
    case PortChangeKind::kServiceChanged: return "service_changed";
  }
  return "opened";
}

HostDiff diff_hosts(const ScannedHost& older, const ScannedHost& newer) {
  HostDiff diff;
  diff.state_changed = older.state != newer.state;
  const OsMatch* os_a = older.best_os();
  const OsMatch* os_b = newer.best_os();
  // A scan without OS detection says nothing about the OS: only two guesses that differ count.
  diff.os_changed = os_a != nullptr && os_b != nullptr && os_a->name != os_b->name;

  std::vector<std::pair<ScanProtocol, std::uint16_t>> keys;
  keys.reserve(older.ports.size() + newer.ports.size());
  for (const ScannedPort& p : older.ports) keys.emplace_back(p.protocol, p.port);
  for (const ScannedPort& p : newer.ports) keys.emplace_back(p.protocol, p.port);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());

  for (const auto& [protocol, port] : keys) {
    PortChange c;
    c.protocol = protocol;
    c.port = port;
    c.before = older.port_state(protocol, port);
    c.after = newer.port_state(protocol, port);
    if (const ScannedPort* p = older.find_port(protocol, port)) c.before_service = p->service;
    if (const ScannedPort* p = newer.find_port(protocol, port)) c.after_service = p->service;
    const bool was_open = c.before == PortState::kOpen;
    const bool is_open = c.after == PortState::kOpen;
    if (!was_open && is_open) {
      c.kind = PortChangeKind::kOpened;
    } else if (was_open && !is_open) {
      c.kind = c.after == PortState::kUnknown ? PortChangeKind::kNotRescanned : PortChangeKind::kClosed;
    } else if (was_open && is_open) {
      if (same_service(c.before_service, c.after_service)) continue;
      c.kind = PortChangeKind::kServiceChanged;
    } else if (c.before != c.after && c.before != PortState::kUnknown && c.after != PortState::kUnknown) {
      c.kind = PortChangeKind::kStateChanged;
    } else {
      continue;
    }
    diff.changes.push_back(std::move(c));
  }
  return diff;
}

}  // namespace nta

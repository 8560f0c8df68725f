#pragma once
// What changed for one host between two of its scans: ports that opened, closed, changed state
// or changed service/version, and host-level state and OS changes.
#include <cstdint>
#include <vector>

#include "scan/scanned_host.h"

namespace nta {

enum class PortChangeKind : std::uint8_t {
  kOpened,          // not open before (closed, filtered, not scanned, ...), open now
  kClosed,          // open before; closed or filtered now
  kNotRescanned,    // open before; the newer scan did not probe it (or the host was not up)
  kStateChanged,    // another change between two known, non-open states (closed -> filtered)
  kServiceChanged,  // open in both; the service name, product or version differs
};

struct PortChange {
  PortChangeKind kind = PortChangeKind::kOpened;
  ScanProtocol protocol = ScanProtocol::kTcp;
  std::uint16_t port = 0;
  PortState before = PortState::kUnknown;
  PortState after = PortState::kUnknown;
  ServiceInfo before_service;  // as listed (empty when the port was not listed)
  ServiceInfo after_service;
};

struct HostDiff {
  std::vector<PortChange> changes;  // sorted by (protocol, port)
  bool state_changed = false;       // up/down
  bool os_changed = false;          // both scans guessed an OS, and the best guesses differ
};

[[nodiscard]] HostDiff diff_hosts(const ScannedHost& older, const ScannedHost& newer);
[[nodiscard]] std::string_view to_string(PortChangeKind kind) noexcept;

}  // namespace nta

#pragma once
// The risky-services table: open services that are dangerous to expose whatever the traffic
// (cleartext logins, SMBv1, end-of-life or backdoored versions). `nta assets` marks them and the
// correlation raises `risky_service` when traffic reaches one. docs/assets.md lists the table.
#include <span>
#include <string_view>

#include "scan/scanned_host.h"

namespace nta {

struct RiskyService {
  std::string_view id;       // stable: "telnet", "smbv1", "old_openssh", ...
  std::string_view matches;  // what nmap must report (for the docs and --help)
  std::string_view reason;   // one line, shown in listings and alerts
};

[[nodiscard]] std::span<const RiskyService> risky_service_table() noexcept;

// The first table entry this port's service matches (whatever its state), or nullptr.
[[nodiscard]] const RiskyService* find_risky_service(const ScannedPort& port) noexcept;

}  // namespace nta

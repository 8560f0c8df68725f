#pragma once
// The small vocabularies of a scan: protocol (ScanProtocol, apart from the packet statistics'
// Transport: nmap also scans IP protocols), port state and host state, spelled as
// nmap spells them in its XML (so the database and the JSON use nmap's words).
#include <cstdint>
#include <optional>
#include <string_view>

namespace nta {

enum class ScanProtocol : std::uint8_t { kTcp, kUdp, kSctp, kIp };

// nmap's six port states, plus kUnknown: the port was not scanned (or the host was not up).
enum class PortState : std::uint8_t {
  kUnknown,
  kOpen,
  kClosed,
  kFiltered,
  kUnfiltered,
  kOpenFiltered,    // "open|filtered": no answer where an open port stays silent too (UDP)
  kClosedFiltered,  // "closed|filtered"
};

enum class HostState : std::uint8_t { kUnknown, kUp, kDown, kSkipped };

[[nodiscard]] std::string_view to_string(ScanProtocol t) noexcept;
[[nodiscard]] std::string_view to_string(PortState s) noexcept;
[[nodiscard]] std::string_view to_string(HostState s) noexcept;

[[nodiscard]] std::optional<ScanProtocol> parse_scan_protocol(std::string_view text) noexcept;
// Unrecognised words give kUnknown.
[[nodiscard]] PortState parse_port_state(std::string_view text) noexcept;
[[nodiscard]] HostState parse_host_state(std::string_view text) noexcept;

// Closed, filtered, or nmap could not tell which: nothing was answering there.
[[nodiscard]] constexpr bool is_closed_or_filtered(PortState s) noexcept {
  return s == PortState::kClosed || s == PortState::kFiltered || s == PortState::kClosedFiltered;
}

}  // namespace nta

#include "scan/port_state.h"

namespace nta {

std::string_view to_string(ScanProtocol t) noexcept {
  switch (t) {
    case ScanProtocol::kTcp: return "tcp";
    case ScanProtocol::kUdp: return "udp";
    case ScanProtocol::kSctp: return "sctp";
    case ScanProtocol::kIp: return "ip";
  }
  return "tcp";
}

std::string_view to_string(PortState s) noexcept {
  switch (s) {
    case PortState::kUnknown: return "unknown";
    case PortState::kOpen: return "open";
    case PortState::kClosed: return "closed";
    case PortState::kFiltered: return "filtered";
    case PortState::kUnfiltered: return "unfiltered";
    case PortState::kOpenFiltered: return "open|filtered";
    case PortState::kClosedFiltered: return "closed|filtered";
  }
  return "unknown";
}

std::string_view to_string(HostState s) noexcept {
  switch (s) {
    case HostState::kUnknown: return "unknown";
    case HostState::kUp: return "up";
    case HostState::kDown: return "down";
    case HostState::kSkipped: return "skipped";
  }
  return "unknown";
}

std::optional<ScanProtocol> parse_scan_protocol(std::string_view text) noexcept {
  if (text == "tcp") return ScanProtocol::kTcp;
  if (text == "udp") return ScanProtocol::kUdp;
  if (text == "sctp") return ScanProtocol::kSctp;
  if (text == "ip") return ScanProtocol::kIp;
  return std::nullopt;
}

PortState parse_port_state(std::string_view text) noexcept {
  if (text == "open") return PortState::kOpen;
  if (text == "closed") return PortState::kClosed;
  if (text == "filtered") return PortState::kFiltered;
  if (text == "unfiltered") return PortState::kUnfiltered;
  if (text == "open|filtered") return PortState::kOpenFiltered;
  if (text == "closed|filtered") return PortState::kClosedFiltered;
  return PortState::kUnknown;
}

HostState parse_host_state(std::string_view text) noexcept {
  if (text == "up") return HostState::kUp;
  if (text == "down") return HostState::kDown;
  if (text == "skipped") return HostState::kSkipped;
  return HostState::kUnknown;
}

}  // namespace nta

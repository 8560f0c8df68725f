#include "scan/port_state.h"

namespace nta {

std::string_view to_string(Transport t) noexcept {
  switch (t) {
    case Transport::kTcp: return "tcp";
    case Transport::kUdp: return "udp";
    case Transport::kSctp: return "sctp";
    case Transport::kIp: return "ip";
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

std::optional<Transport> parse_transport(std::string_view text) noexcept {
  if (text == "tcp") return Transport::kTcp;
  if (text == "udp") return Transport::kUdp;
  if (text == "sctp") return Transport::kSctp;
  if (text == "ip") return Transport::kIp;
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

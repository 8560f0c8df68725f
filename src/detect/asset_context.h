#pragma once
// The hook through which an asset inventory (issue 7, module scan) gives detection host context.
// Detection only asks; it never builds the inventory (pipeline/asset_context_adapter.h answers
// from an AssetSnapshot). Without one (nullptr, the default everywhere) every host weighs the
// same and the correlation findings (unexpected_service, unknown_host, risky_service) stay off.
//
// Every question is asked at most once per flow event (a flow's start, its first reply), when an
// alert is raised, or when scores are computed; never per packet.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"

namespace nta {

struct AssetInfo {
  // Multiplies the host's threat score: above 1 for exposed or critical assets (an internet-facing
  // server, a domain controller), below 1 for hosts that matter less. Clamped to 0.25..2.
  double exposure = 1.0;
  std::string name;    // how the inventory names the host (hostname, role)
  std::string reason;  // why this exposure, for the score's reasons
  // Context copied onto alerts (docs/formats.md, `src_asset` / `dest_asset`):
  std::string hostname;                    // first hostname the scan knew, may be empty
  std::string os;                          // best OS match ("Linux 5.0 - 5.4 (96%)"), may be empty
  std::vector<std::string> open_services;  // "22/tcp ssh OpenSSH 8.9p1", in port order
};

// How the host's latest scan saw a port (nmap's states, folded to what correlation needs).
enum class AssetPortState : std::uint8_t {
  kUnknown,         // not scanned (or the host was not up)
  kOpen,
  kClosed,
  kFiltered,
  kClosedFiltered,  // nmap could not tell closed from filtered
  kOther,           // open|filtered, unfiltered: no statement about a listener
};
[[nodiscard]] constexpr std::string_view asset_port_state_name(AssetPortState s) noexcept {
  switch (s) {
    case AssetPortState::kOpen: return "open";
    case AssetPortState::kClosed: return "closed";
    case AssetPortState::kFiltered: return "filtered";
    case AssetPortState::kClosedFiltered: return "closed|filtered";
    case AssetPortState::kOther: return "other";
    case AssetPortState::kUnknown: break;
  }
  return "unknown";
}

// A scanned service the inventory's risky-services table lists (docs/assets.md).
struct RiskyServiceMatch {
  std::string id;       // "telnet", "smbv1", "old_openssh", ...
  std::string reason;   // one line
  std::string service;  // what the scan saw: "telnet Linux telnetd"
};

class AssetContext {
 public:
  virtual ~AssetContext() = default;
  // What the inventory knows about `address`, or nothing (no scan found it up).
  [[nodiscard]] virtual std::optional<AssetInfo> find_asset(const IpAddress& address) const = 0;
  // The questions of the correlation findings. The defaults know nothing (no finding fires), so
  // a context that only weighs scores need not answer them.
  // Whether some scan ever found the address up.
  [[nodiscard]] virtual bool known_host(const IpAddress& /*address*/) const { return false; }
  // Whether the address lies in a network some scan targeted (so a scan should have seen it).
  [[nodiscard]] virtual bool in_scanned_network(const IpAddress& /*address*/) const { return false; }
  // The port (IP protocol number 6/17/132, port) as the host's latest scan saw it.
  [[nodiscard]] virtual AssetPortState port_state(const IpAddress& /*address*/, std::uint8_t /*ip_proto*/,
                                                  std::uint16_t /*port*/) const {
    return AssetPortState::kUnknown;
  }
  // The risky service the latest scan found open on that port, or nothing.
  [[nodiscard]] virtual std::optional<RiskyServiceMatch> find_risky_service(const IpAddress& /*address*/,
                                                                            std::uint8_t /*ip_proto*/,
                                                                            std::uint16_t /*port*/) const {
    return std::nullopt;
  }
};

}  // namespace nta

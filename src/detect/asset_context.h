#pragma once
// The hook through which an asset inventory (issue 7, module scan) will give detection host
// context. Detection only asks; it never builds the inventory. Without one (nullptr, the default
// everywhere) every host weighs the same.
#include <optional>
#include <string>

#include "core/ip_address.h"

namespace nta {

struct AssetInfo {
  // Multiplies the host's threat score: above 1 for exposed or critical assets (an internet-facing
  // server, a domain controller), below 1 for hosts that matter less. Clamped to 0.25..2.
  double exposure = 1.0;
  std::string name;    // how the inventory names the host (hostname, role)
  std::string reason;  // why this exposure, for the score's reasons
};

class AssetContext {
 public:
  virtual ~AssetContext() = default;
  // What the inventory knows about `address`, or nothing. Called when scores are computed (once
  // per host at the end of a run), never per packet.
  [[nodiscard]] virtual std::optional<AssetInfo> find_asset(const IpAddress& address) const = 0;
};

}  // namespace nta

#pragma once
// The detection's AssetContext answered from an asset inventory snapshot (module scan): what
// `nta analyze --db` gives the detectors and the threat scorer. The snapshot is immutable, so the
// adapter is too; each answer is a binary search over the scanned hosts.
//
// Exposure (the threat-score multiplier, docs/assets.md "Correlation with traffic"):
//   exposure = clamp(0.8 + 0.05 * min(open, 10) + 0.25 * min(risky, 2), 0.25, 2)
// where open counts the ports the host's latest scan found open and risky those of them the
// risky-services table lists: a host with no open service weighs 0.8, one with four 1.0, a
// telnet server with ten services 1.55.
//
// The header names no scan type (AssetSnapshot is only declared): callers need not see the scan
// module's vocabulary.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "detect/asset_context.h"

namespace nta {

class AssetSnapshot;

class SnapshotAssetContext final : public AssetContext {
 public:
  explicit SnapshotAssetContext(std::shared_ptr<const AssetSnapshot> snapshot) : snapshot_(std::move(snapshot)) {}

  [[nodiscard]] std::optional<AssetInfo> find_asset(const IpAddress& address) const override;
  [[nodiscard]] bool known_host(const IpAddress& address) const override;
  [[nodiscard]] bool in_scanned_network(const IpAddress& address) const override;
  [[nodiscard]] AssetPortState port_state(const IpAddress& address, std::uint8_t ip_proto,
                                          std::uint16_t port) const override;
  [[nodiscard]] std::optional<RiskyServiceMatch> find_risky_service(const IpAddress& address, std::uint8_t ip_proto,
                                                                    std::uint16_t port) const override;

  [[nodiscard]] const AssetSnapshot& snapshot() const noexcept { return *snapshot_; }
  [[nodiscard]] std::size_t host_count() const noexcept;

  // The exposure of a host with `open` open services, `risky` of them risky.
  [[nodiscard]] static double exposure(std::size_t open, std::size_t risky) noexcept;
  // Open services listed on an alert at most (the count is in the exposure reason).
  static constexpr std::size_t kMaxListedServices = 32;

 private:
  std::shared_ptr<const AssetSnapshot> snapshot_;
};

// The asset inventory of the nta database at `path`, read whole and read-only (the file is never
// created or changed). Throws nta::Error: kNotFound when the file is missing, kInput when it is
// not an nta database or has a newer schema, kUsage when it needs upgrading first.
[[nodiscard]] std::unique_ptr<SnapshotAssetContext> load_asset_context(const std::string& path);

}  // namespace nta

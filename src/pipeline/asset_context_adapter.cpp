#include "pipeline/asset_context_adapter.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "app/text_escape.h"
#include "scan/asset_inventory.h"
#include "scan/asset_snapshot.h"
#include "scan/risky_service.h"
#include "store/schema.h"

namespace nta {
namespace {

std::optional<ScanProtocol> transport_of(std::uint8_t ip_proto) noexcept {
  switch (ip_proto) {
    case 6: return ScanProtocol::kTcp;
    case 17: return ScanProtocol::kUdp;
    case 132: return ScanProtocol::kSctp;
    default: return std::nullopt;
  }
}

// "ssh OpenSSH 8.9p1": what the scan saw, from nmap's text (escaped: the XML is not trusted).
std::string service_text(const ScannedPort& p) {
  const ServiceInfo& s = p.service;
  std::string out = s.name.empty() ? std::string("unknown") : s.name;
  if (!s.product.empty()) out += " " + s.product;
  if (!s.version.empty()) out += " " + s.version;
  return escape_for_text(out);
}

}  // namespace

std::unique_ptr<SnapshotAssetContext> load_asset_context(const std::string& path) {
  Database db = open_store(path, OpenMode::kReadOnly);
  AssetInventory inventory(db);
  return std::make_unique<SnapshotAssetContext>(std::make_shared<const AssetSnapshot>(inventory.snapshot()));
}

std::size_t SnapshotAssetContext::host_count() const noexcept { return snapshot_->hosts().size(); }

bool SnapshotAssetContext::known_host(const IpAddress& address) const { return snapshot_->ever_up(address); }

bool SnapshotAssetContext::in_scanned_network(const IpAddress& address) const {
  return snapshot_->in_scanned_network(address);
}

double SnapshotAssetContext::exposure(std::size_t open, std::size_t risky) noexcept {
  const double e = 0.8 + 0.05 * static_cast<double>(std::min<std::size_t>(open, 10)) +
                   0.25 * static_cast<double>(std::min<std::size_t>(risky, 2));
  return std::clamp(std::round(e * 100) / 100, 0.25, 2.0);  // two decimals: it is printed and compared
}

std::optional<AssetInfo> SnapshotAssetContext::find_asset(const IpAddress& address) const {
  const ScannedHost* h = snapshot_->find_host(address);
  if (h == nullptr || h->state != HostState::kUp) return std::nullopt;
  AssetInfo info;
  info.hostname = escape_for_text(h->first_hostname());
  if (const OsMatch* os = h->best_os()) info.os = escape_for_text(fmt::format("{} ({}%)", os->name, os->accuracy));
  std::size_t open = 0;
  std::vector<std::string> risky_ids;
  for (const ScannedPort& p : h->ports) {
    if (p.state != PortState::kOpen) continue;
    ++open;
    if (info.open_services.size() < kMaxListedServices) {
      info.open_services.push_back(fmt::format("{}/{} {}", p.port, to_string(p.protocol), service_text(p)));
    }
    if (const RiskyService* r = nta::find_risky_service(p)) risky_ids.emplace_back(r->id);
  }
  info.exposure = exposure(open, risky_ids.size());
  info.name = info.hostname;
  std::string risky;
  for (const std::string& id : risky_ids) risky += (risky.empty() ? "" : ", ") + id;
  info.reason = fmt::format("({} open service{}{}{})", open, open == 1 ? "" : "s", risky.empty() ? "" : "; risky: ",
                            risky);
  return info;
}

AssetPortState SnapshotAssetContext::port_state(const IpAddress& address, std::uint8_t ip_proto,
                                                std::uint16_t port) const {
  const std::optional<ScanProtocol> t = transport_of(ip_proto);
  if (!t) return AssetPortState::kUnknown;
  switch (snapshot_->port_state(address, *t, port)) {
    case PortState::kUnknown: return AssetPortState::kUnknown;
    case PortState::kOpen: return AssetPortState::kOpen;
    case PortState::kClosed: return AssetPortState::kClosed;
    case PortState::kFiltered: return AssetPortState::kFiltered;
    case PortState::kClosedFiltered: return AssetPortState::kClosedFiltered;
    case PortState::kUnfiltered:
    case PortState::kOpenFiltered: return AssetPortState::kOther;
  }
  return AssetPortState::kUnknown;
}

std::optional<RiskyServiceMatch> SnapshotAssetContext::find_risky_service(const IpAddress& address,
                                                                          std::uint8_t ip_proto,
                                                                          std::uint16_t port) const {
  const std::optional<ScanProtocol> t = transport_of(ip_proto);
  if (!t) return std::nullopt;
  const ScannedHost* h = snapshot_->find_host(address);
  if (h == nullptr || h->state != HostState::kUp) return std::nullopt;
  const ScannedPort* p = h->find_port(*t, port);
  // Only a service the scan found open is there to reach; nmap names closed ports from its table.
  if (p == nullptr || p->state != PortState::kOpen) return std::nullopt;
  const RiskyService* r = nta::find_risky_service(*p);
  if (r == nullptr) return std::nullopt;
  return RiskyServiceMatch{std::string(r->id), std::string(r->reason), service_text(*p)};
}

}  // namespace nta

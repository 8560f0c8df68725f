#include "cli/asset_table.h"

#include <fmt/core.h>

#include "app/text_escape.h"
#include "output/text_table.h"
#include "scan/asset_json.h"
#include "scan/risky_service.h"

namespace nta::cli {
namespace {

// Escaped for the terminal, cut to `max` characters (an escape sequence is never split).
std::string cell(std::string_view text, std::size_t max = 48) {
  std::string out;
  const bool complete = append_escaped(
      out, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), max);
  if (!complete) out += "...";
  return out;
}

std::string os_cell(const ScannedHost& h) {
  const OsMatch* os = h.best_os();
  return os == nullptr ? "" : fmt::format("{} ({}%)", cell(os->name, 40), os->accuracy);
}

std::string service_cell(const ServiceInfo& s) {
  std::string text = s.product;
  if (!s.version.empty()) text += (text.empty() ? "" : " ") + s.version;
  if (!s.extrainfo.empty()) text += (text.empty() ? "(" : " (") + s.extrainfo + ")";
  return cell(text, 56);
}

std::string service_name(const ServiceInfo& s) {
  std::string name = cell(s.name, 24);
  if (s.tunnel == "ssl") name = "ssl/" + name;
  return name;
}

std::string observed(const ScannedHost& h) {
  const std::int64_t t = h.ended_at != 0 ? h.ended_at : h.scan_started_at;
  return fmt::format("{} (scan {})", t != 0 ? format_unix_time(t) : "-", h.scan_id);
}

}  // namespace

std::string render_assets(const std::vector<ScannedHost>& hosts) {
  std::string out;
  if (hosts.empty()) {
    out += "No hosts in the inventory.\n";
    return out;
  }
  TextTable table({{"ADDRESS", Align::kLeft},
                   {"STATE", Align::kLeft},
                   {"HOSTNAME", Align::kLeft},
                   {"MAC VENDOR", Align::kLeft},
                   {"OS", Align::kLeft},
                   {"OPEN", Align::kRight},
                   {"LAST SCAN", Align::kLeft}});
  TextTable ports({{"ADDRESS", Align::kLeft},
                   {"PORT", Align::kRight},
                   {"SERVICE", Align::kLeft},
                   {"VERSION", Align::kLeft},
                   {"RISK", Align::kLeft}});
  std::size_t up = 0;
  std::size_t open = 0;
  std::size_t risky = 0;
  for (const ScannedHost& h : hosts) {
    if (h.state == HostState::kUp) ++up;
    table.add_row({to_string(h.address), std::string(to_string(h.state)), cell(h.first_hostname(), 40),
                   cell(h.mac_vendor, 24), os_cell(h), fmt::format("{}", h.open_port_count()), observed(h)});
    for (const ScannedPort& p : h.ports) {
      if (p.state != PortState::kOpen) continue;
      ++open;
      const RiskyService* risk = find_risky_service(p);
      if (risk != nullptr) ++risky;
      ports.add_row({to_string(h.address), fmt::format("{}/{}", p.port, to_string(p.protocol)), service_name(p.service),
                     service_cell(p.service), risk != nullptr ? std::string(risk->id) : ""});
    }
  }
  out += fmt::format("Hosts: {} ({} up)\n", hosts.size(), up);
  table.render(out);
  if (!ports.empty()) {
    out += fmt::format("\nOpen ports: {}{}\n", open,
                       risky > 0 ? fmt::format(" ({} risky: see docs/assets.md)", risky) : std::string());
    ports.render(out);
  }
  return out;
}

std::string render_host_history(const HostHistory& history) {
  const ScannedHost& newer = history.newer;
  std::string out;
  const std::string address = to_string(newer.address);
  if (!history.older) {
    out += fmt::format("{}: scanned once, {}; nothing to compare yet.\n", address, observed(newer));
    return out;
  }
  const ScannedHost& older = *history.older;
  out += fmt::format("{}: {} -> {}; {} scans list it\n", address, observed(older), observed(newer),
                     history.observations);
  const HostDiff& d = history.diff;
  if (d.state_changed) out += fmt::format("  state: {} -> {}\n", to_string(older.state), to_string(newer.state));
  if (d.os_changed) {
    const OsMatch* a = older.best_os();
    const OsMatch* b = newer.best_os();
    out += fmt::format("  OS: {} -> {}\n", a != nullptr ? cell(a->name) : "-", b != nullptr ? cell(b->name) : "-");
  }
  if (d.changes.empty()) {
    out += d.state_changed || d.os_changed ? "  ports: no change\n" : "  no change\n";
    return out;
  }
  TextTable table({{"PORT", Align::kRight},
                   {"CHANGE", Align::kLeft},
                   {"BEFORE", Align::kLeft},
                   {"AFTER", Align::kLeft},
                   {"SERVICE BEFORE", Align::kLeft},
                   {"SERVICE AFTER", Align::kLeft}});
  auto service = [](const ServiceInfo& s) {
    std::string text = service_name(s);
    const std::string detail = service_cell(s);
    if (!detail.empty()) text += (text.empty() ? "" : " ") + detail;
    return text;
  };
  for (const PortChange& c : d.changes) {
    table.add_row({fmt::format("{}/{}", c.port, to_string(c.protocol)), std::string(to_string(c.kind)),
                   std::string(to_string(c.before)), std::string(to_string(c.after)), service(c.before_service),
                   service(c.after_service)});
  }
  table.render(out);
  return out;
}

}  // namespace nta::cli

#include "scan/asset_json.h"

#include <nlohmann/json.hpp>

#include "core/timestamp.h"
#include "scan/risky_service.h"

namespace nta {
namespace {

using Json = nlohmann::ordered_json;

void put(Json& j, const char* key, const std::string& value) {
  if (!value.empty()) j[key] = value;
}

void put_time(Json& j, const char* key, std::int64_t seconds) {
  if (seconds != 0) j[key] = format_unix_time(seconds);
}

std::int64_t observed_at(const ScannedHost& h) noexcept {
  if (h.ended_at != 0) return h.ended_at;
  return h.scan_started_at;
}

Json service_json(const ServiceInfo& s) {
  Json j = Json::object();
  put(j, "service", s.name);
  put(j, "product", s.product);
  put(j, "version", s.version);
  return j;
}

Json scripts_json(const std::vector<ScriptResult>& scripts) {
  Json a = Json::array();
  for (const ScriptResult& s : scripts) a.push_back({{"id", s.id}, {"output", s.output}});
  return a;
}

Json os_json(const OsMatch& m) {
  Json j;
  j["name"] = m.name;
  j["accuracy"] = m.accuracy;
  put(j, "type", m.os_type);
  put(j, "vendor", m.vendor);
  put(j, "family", m.family);
  put(j, "generation", m.generation);
  put(j, "cpe", m.cpe);
  return j;
}

Json port_json(const ScannedPort& p) {
  Json j;
  j["protocol"] = std::string(to_string(p.protocol));
  j["port"] = p.port;
  j["state"] = std::string(to_string(p.state));
  put(j, "reason", p.reason);
  const ServiceInfo& s = p.service;
  put(j, "service", s.name);
  put(j, "product", s.product);
  put(j, "version", s.version);
  put(j, "extrainfo", s.extrainfo);
  put(j, "tunnel", s.tunnel);
  put(j, "method", s.method);
  if (!s.method.empty()) j["confidence"] = s.confidence;
  if (!s.cpes.empty()) j["cpe"] = s.cpes;
  if (!p.scripts.empty()) j["scripts"] = scripts_json(p.scripts);
  if (p.state == PortState::kOpen) {
    if (const RiskyService* r = find_risky_service(p)) {
      j["risk"] = {{"id", std::string(r->id)}, {"reason", std::string(r->reason)}};
    }
  }
  return j;
}

Json host_json(const ScannedHost& h) {
  Json j;
  j["address"] = to_string(h.address);
  j["family"] = h.address.family == IpFamily::kV4 ? 4 : 6;
  j["state"] = std::string(to_string(h.state));
  put(j, "reason", h.reason);
  put(j, "mac", h.mac);
  put(j, "mac_vendor", h.mac_vendor);
  Json names = Json::array();
  for (const HostName& n : h.hostnames) names.push_back({{"name", n.name}, {"type", n.type}});
  j["hostnames"] = std::move(names);
  j["scan_id"] = h.scan_id;
  put_time(j, "scanned", observed_at(h));
  if (const OsMatch* os = h.best_os()) j["os"] = os_json(*os);
  if (h.os_matches.size() > 1) {
    Json all = Json::array();
    for (const OsMatch& m : h.os_matches) all.push_back(os_json(m));
    j["os_matches"] = std::move(all);
  }
  j["open_ports"] = h.open_port_count();
  Json ports = Json::array();
  for (const ScannedPort& p : h.ports) ports.push_back(port_json(p));
  j["ports"] = std::move(ports);
  Json extra = Json::array();
  for (const ExtraPorts& x : h.extra_ports) {
    Json e;
    e["state"] = std::string(to_string(x.state));
    e["count"] = x.count;
    put(e, "reason", x.reason);
    put(e, "protocol", x.protocol);
    extra.push_back(std::move(e));
  }
  if (!extra.empty()) j["extra_ports"] = std::move(extra);
  if (!h.scripts.empty()) j["scripts"] = scripts_json(h.scripts);
  if (!h.notes.empty()) j["notes"] = h.notes;
  return j;
}

Json observation_json(const ScannedHost& h) {
  Json j;
  j["scan_id"] = h.scan_id;
  put_time(j, "scanned", observed_at(h));
  j["state"] = std::string(to_string(h.state));
  if (const OsMatch* os = h.best_os()) j["os"] = os->name;
  j["open_ports"] = h.open_port_count();
  return j;
}

std::string finish(const Json& doc) {
  std::string out = doc.dump(2, ' ', false, Json::error_handler_t::replace);
  out += '\n';
  return out;
}

}  // namespace

std::string format_unix_time(std::int64_t seconds) {
  if (seconds == 0) return {};
  char buf[kMaxTimestampText + 1];
  char* end = format_iso8601_us(Timestamp{seconds * 1'000'000'000}, buf);
  // Drop ".000000" before the Z: scanners report whole seconds.
  std::string text(buf, end);
  const std::size_t dot = text.rfind('.');
  if (dot != std::string::npos) text = text.substr(0, dot) + "Z";
  return text;
}

std::string assets_to_json(const std::vector<ScannedHost>& hosts, const std::vector<ScanRecord>& scans,
                           const std::string& database, std::int64_t schema_version) {
  Json doc;
  doc["version"] = kAssetJsonVersion;
  doc["database"] = database;
  doc["schema_version"] = schema_version;
  Json scan_list = Json::array();
  for (const ScanRecord& s : scans) {
    Json j;
    j["id"] = s.id;
    j["scanner"] = s.scanner;
    put(j, "scanner_version", s.scanner_version);
    put(j, "args", s.args);
    put_time(j, "started", s.started_at);
    put_time(j, "finished", s.finished_at);
    put(j, "exit", s.exit_status);
    j["source"] = s.source;
    put_time(j, "imported", s.imported_at);
    j["hosts_up"] = s.hosts_up;
    j["hosts_down"] = s.hosts_down;
    if (!s.notes.empty()) {
      Json notes = Json::array();
      std::size_t pos = 0;
      while (pos < s.notes.size()) {
        std::size_t nl = s.notes.find('\n', pos);
        if (nl == std::string::npos) nl = s.notes.size();
        notes.push_back(s.notes.substr(pos, nl - pos));
        pos = nl + 1;
      }
      j["notes"] = std::move(notes);
    }
    scan_list.push_back(std::move(j));
  }
  doc["scans"] = std::move(scan_list);
  Json host_list = Json::array();
  for (const ScannedHost& h : hosts) host_list.push_back(host_json(h));
  doc["hosts"] = std::move(host_list);
  return finish(doc);
}

std::string host_history_to_json(const HostHistory& history) {
  Json doc;
  doc["version"] = kAssetJsonVersion;
  doc["address"] = to_string(history.newer.address);
  doc["observations"] = history.observations;
  if (history.older) doc["older"] = observation_json(*history.older);
  doc["newer"] = observation_json(history.newer);
  doc["state_changed"] = history.diff.state_changed;
  doc["os_changed"] = history.diff.os_changed;
  Json changes = Json::array();
  for (const PortChange& c : history.diff.changes) {
    Json j;
    j["change"] = std::string(to_string(c.kind));
    j["protocol"] = std::string(to_string(c.protocol));
    j["port"] = c.port;
    j["before"] = std::string(to_string(c.before));
    j["after"] = std::string(to_string(c.after));
    Json before = service_json(c.before_service);
    Json after = service_json(c.after_service);
    if (!before.empty()) j["before_service"] = std::move(before);
    if (!after.empty()) j["after_service"] = std::move(after);
    changes.push_back(std::move(j));
  }
  doc["changes"] = std::move(changes);
  return finish(doc);
}

}  // namespace nta

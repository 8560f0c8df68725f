#include "scan/asset_inventory.h"

#include <fmt/core.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <memory>
#include <unordered_map>

#include "core/error.h"
#include "store/statement.h"
#include "store/transaction.h"

namespace nta {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

std::optional<std::int64_t> ttl_or_null(int ttl) {
  return ttl < 0 ? std::nullopt : std::optional<std::int64_t>(ttl);
}
std::optional<std::int64_t> time_or_null(std::int64_t t) {
  return t == 0 ? std::nullopt : std::optional<std::int64_t>(t);
}

// Prepared once per import: one statement per table.
struct Inserter {
  explicit Inserter(Database& db)
      : find_host(db.prepare("SELECT h.id, s.started_at, s.id FROM hosts h "
                             "LEFT JOIN host_observations o ON o.id = h.latest_observation_id "
                             "LEFT JOIN scans s ON s.id = o.scan_id WHERE h.address = ?1")),
        insert_host(db.prepare("INSERT INTO hosts (address, family, first_scan_id) VALUES (?1, ?2, ?3)")),
        set_latest(db.prepare("UPDATE hosts SET latest_observation_id = ?2 WHERE id = ?1")),
        insert_observation(db.prepare(
            "INSERT INTO host_observations (scan_id, host_id, state, reason, reason_ttl, started_at, ended_at, mac, "
            "mac_vendor, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")),
        insert_address(db.prepare(
            "INSERT INTO host_addresses (observation_id, address, type, vendor) VALUES (?1, ?2, ?3, ?4)")),
        insert_name(db.prepare("INSERT INTO host_names (observation_id, name, type) VALUES (?1, ?2, ?3)")),
        insert_port(db.prepare(
            "INSERT INTO ports (observation_id, protocol, port, state, reason, reason_ttl, service, product, version, "
            "extrainfo, tunnel, method, confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")),
        insert_cpe(db.prepare("INSERT INTO port_cpes (port_id, cpe) VALUES (?1, ?2)")),
        insert_extra(db.prepare("INSERT INTO extra_ports (observation_id, state, count, reason, protocol, ports) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
        insert_os(db.prepare("INSERT INTO os_matches (observation_id, rank, name, accuracy, os_type, vendor, family, "
                             "generation, cpe) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")),
        insert_script(
            db.prepare("INSERT INTO scripts (observation_id, port_id, script_id, output) VALUES (?1, ?2, ?3, ?4)")) {}

  Statement find_host, insert_host, set_latest, insert_observation, insert_address, insert_name, insert_port,
      insert_cpe, insert_extra, insert_os, insert_script;
};

void insert_scripts(Inserter& ins, std::int64_t observation, std::optional<std::int64_t> port_id,
                    const std::vector<ScriptResult>& scripts) {
  for (const ScriptResult& s : scripts) {
    ins.insert_script.bind_int(1, observation).bind_int_or_null(2, port_id).bind_text(3, s.id).bind_text(4, s.output);
    ins.insert_script.run();
  }
}

// Loads the observations whose ids `ids` selects: a constant subquery, or "?1, ?2" filled by `bind`.
class ObservationLoader {
 public:
  ObservationLoader(Database& db, std::string ids, std::function<void(Statement&)> bind)
      : db_(db), ids_(std::move(ids)), bind_(std::move(bind)) {}

  std::vector<ScannedHost> load(bool with_scripts, std::vector<bool>* ever_up) {
    std::vector<ScannedHost> hosts;
    std::unordered_map<std::int64_t, std::size_t> by_observation;
    std::unordered_map<std::int64_t, std::vector<std::size_t>> by_scan;
    {
      Statement s = query(
          "SELECT o.id, h.address, o.state, o.reason, o.reason_ttl, o.started_at, o.ended_at, o.mac, o.mac_vendor, "
          "o.notes, o.scan_id, s.started_at, "
          "EXISTS (SELECT 1 FROM host_observations u WHERE u.host_id = o.host_id AND u.state = 'up') "
          "FROM host_observations o JOIN hosts h ON h.id = o.host_id JOIN scans s ON s.id = o.scan_id "
          "WHERE o.id IN ({})");
      while (s.step()) {
        ScannedHost h;
        const std::string address = s.column_text(1);
        if (!parse_ip(address.c_str(), h.address)) {
          throw Error(ErrorKind::kInput, fmt::format("database '{}': host address '{}' is not an IP address",
                                                     db_.path(), address.substr(0, 64)));
        }
        h.state = parse_host_state(s.column_text_view(2));
        h.reason = s.column_text(3);
        h.reason_ttl = static_cast<int>(s.column_int_or_null(4).value_or(-1));
        h.started_at = s.column_int(5);
        h.ended_at = s.column_int(6);
        h.mac = s.column_text(7);
        h.mac_vendor = s.column_text(8);
        h.notes = split_lines(s.column_text_view(9));
        h.scan_id = s.column_int(10);
        h.scan_started_at = s.column_int(11);
        if (ever_up != nullptr) ever_up->push_back(s.column_int(12) != 0);
        by_observation.emplace(s.column_int(0), hosts.size());
        by_scan[h.scan_id].push_back(hosts.size());
        hosts.push_back(std::move(h));
      }
    }
    if (hosts.empty()) return hosts;
    auto host_of = [&](std::int64_t observation) -> ScannedHost* {
      auto it = by_observation.find(observation);
      return it == by_observation.end() ? nullptr : &hosts[it->second];
    };
    {
      Statement s = query("SELECT observation_id, address, type, vendor FROM host_addresses WHERE observation_id IN ({}) "
                          "ORDER BY rowid");
      while (s.step()) {
        if (ScannedHost* h = host_of(s.column_int(0))) {
          h->addresses.push_back({s.column_text(1), s.column_text(2), s.column_text(3)});
        }
      }
    }
    {
      Statement s = query("SELECT observation_id, name, type FROM host_names WHERE observation_id IN ({}) ORDER BY rowid");
      while (s.step()) {
        if (ScannedHost* h = host_of(s.column_int(0))) h->hostnames.push_back({s.column_text(1), s.column_text(2)});
      }
    }
    std::unordered_map<std::int64_t, std::pair<std::size_t, std::size_t>> port_slot;
    {
      Statement s = query(
          "SELECT id, observation_id, protocol, port, state, reason, reason_ttl, service, product, version, extrainfo, "
          "tunnel, method, confidence FROM ports WHERE observation_id IN ({})");
      while (s.step()) {
        auto it = by_observation.find(s.column_int(1));
        const std::optional<ScanProtocol> proto = parse_scan_protocol(s.column_text_view(2));
        if (it == by_observation.end() || !proto) continue;
        ScannedPort p;
        p.protocol = *proto;
        p.port = static_cast<std::uint16_t>(std::clamp<std::int64_t>(s.column_int(3), 0, 65535));
        p.state = parse_port_state(s.column_text_view(4));
        p.reason = s.column_text(5);
        p.reason_ttl = static_cast<int>(s.column_int_or_null(6).value_or(-1));
        p.service.name = s.column_text(7);
        p.service.product = s.column_text(8);
        p.service.version = s.column_text(9);
        p.service.extrainfo = s.column_text(10);
        p.service.tunnel = s.column_text(11);
        p.service.method = s.column_text(12);
        p.service.confidence = static_cast<int>(s.column_int(13));
        std::vector<ScannedPort>& ports = hosts[it->second].ports;
        port_slot.emplace(s.column_int(0), std::pair{it->second, ports.size()});
        ports.push_back(std::move(p));
      }
    }
    {
      Statement s = query("SELECT c.port_id, c.cpe FROM port_cpes c JOIN ports p ON p.id = c.port_id "
                          "WHERE p.observation_id IN ({}) ORDER BY c.rowid");
      while (s.step()) {
        auto it = port_slot.find(s.column_int(0));
        if (it != port_slot.end()) hosts[it->second.first].ports[it->second.second].service.cpes.push_back(s.column_text(1));
      }
    }
    if (with_scripts) {
      Statement s = query("SELECT observation_id, port_id, script_id, output FROM scripts WHERE observation_id IN ({}) "
                          "ORDER BY rowid");
      while (s.step()) {
        ScriptResult r{s.column_text(2), s.column_text(3)};
        if (s.column_is_null(1)) {
          if (ScannedHost* h = host_of(s.column_int(0))) h->scripts.push_back(std::move(r));
        } else if (auto it = port_slot.find(s.column_int(1)); it != port_slot.end()) {
          hosts[it->second.first].ports[it->second.second].scripts.push_back(std::move(r));
        }
      }
    }
    {
      Statement s = query("SELECT observation_id, state, count, reason, protocol, ports FROM extra_ports "
                          "WHERE observation_id IN ({}) ORDER BY rowid");
      while (s.step()) {
        ScannedHost* h = host_of(s.column_int(0));
        if (h == nullptr) continue;
        ExtraPorts x;
        x.state = parse_port_state(s.column_text_view(1));
        x.count = static_cast<std::uint32_t>(std::clamp<std::int64_t>(s.column_int(2), 0, UINT32_MAX));
        x.reason = s.column_text(3);
        x.protocol = s.column_text(4);
        if (std::optional<PortSet> ports = PortSet::parse(s.column_text_view(5))) x.ports = std::move(*ports);
        h->extra_ports.push_back(std::move(x));
      }
    }
    {
      Statement s = query("SELECT observation_id, name, accuracy, os_type, vendor, family, generation, cpe "
                          "FROM os_matches WHERE observation_id IN ({}) ORDER BY observation_id, rank");
      while (s.step()) {
        if (ScannedHost* h = host_of(s.column_int(0))) {
          h->os_matches.push_back({s.column_text(1), static_cast<int>(s.column_int(2)), s.column_text(3),
                                   s.column_text(4), s.column_text(5), s.column_text(6), s.column_text(7)});
        }
      }
    }
    {
      std::unordered_map<std::int64_t, std::shared_ptr<std::vector<ScanCoverage>>> coverage;
      Statement s = query("SELECT scan_id, scan_type, protocol, port_count, ports FROM scan_coverage "
                          "WHERE scan_id IN (SELECT scan_id FROM host_observations WHERE id IN ({})) ORDER BY rowid");
      while (s.step()) {
        const std::optional<ScanProtocol> proto = parse_scan_protocol(s.column_text_view(2));
        if (!proto) continue;
        ScanCoverage c;
        c.scan_type = s.column_text(1);
        c.protocol = *proto;
        c.port_count = static_cast<std::uint32_t>(std::clamp<std::int64_t>(s.column_int(3), 0, UINT32_MAX));
        if (std::optional<PortSet> ports = PortSet::parse(s.column_text_view(4))) c.ports = std::move(*ports);
        auto& slot = coverage[s.column_int(0)];
        if (!slot) slot = std::make_shared<std::vector<ScanCoverage>>();
        slot->push_back(std::move(c));
      }
      for (auto& [scan_id, list] : coverage) {
        for (std::size_t i : by_scan[scan_id]) hosts[i].coverage = list;
      }
    }
    for (ScannedHost& h : hosts) {
      std::sort(h.ports.begin(), h.ports.end(), [](const ScannedPort& a, const ScannedPort& b) {
        return std::pair{a.protocol, a.port} < std::pair{b.protocol, b.port};
      });
    }
    return hosts;
  }

 private:
  Statement query(std::string_view sql) {
    Statement s = db_.prepare(fmt::format(fmt::runtime(sql), ids_));
    bind_(s);
    return s;
  }

  Database& db_;
  std::string ids_;
  std::function<void(Statement&)> bind_;
};

constexpr std::string_view kCurrentIds = "SELECT latest_observation_id FROM hosts";

}  // namespace

ImportResult AssetInventory::import_scan(const NmapScan& scan, const ImportSource& source) {
  ImportResult result;
  Transaction tx(db_);
  {
    Statement dup = db_.prepare("SELECT id FROM scans WHERE source_sha1 = ?1");
    dup.bind_text(1, source.sha1_hex);
    if (dup.step()) {
      result.scan_id = dup.column_int(0);
      result.duplicate = true;
      return result;  // the transaction rolls back: nothing was written
    }
  }
  const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
  const std::int64_t started = scan.started_at != 0 ? scan.started_at : now;
  std::vector<std::string> scan_notes = scan.notes;
  for (const std::string& t : scan.skipped_targets) scan_notes.push_back("target skipped by nmap: " + t);
  {
    Statement s = db_.prepare(
        "INSERT INTO scans (scanner, scanner_version, args, started_at, finished_at, elapsed, exit_status, source, "
        "source_sha1, imported_at, hosts_up, hosts_down, notes) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    s.bind_text(1, scan.scanner)
        .bind_text(2, scan.version)
        .bind_text(3, scan.args)
        .bind_int(4, started)
        .bind_int_or_null(5, time_or_null(scan.finished_at))
        .bind_double(6, scan.elapsed)
        .bind_text(7, scan.exit_status)
        .bind_text(8, source.path)
        .bind_text(9, source.sha1_hex)
        .bind_int(10, now)
        .bind_int(11, scan.hosts_up)
        .bind_int(12, scan.hosts_down)
        .bind_text(13, join_lines(scan_notes));
    s.run();
  }
  const std::int64_t scan_id = db_.last_insert_rowid();
  result.scan_id = scan_id;
  result.notes = scan_notes.size();
  {
    Statement s = db_.prepare(
        "INSERT INTO scan_coverage (scan_id, scan_type, protocol, port_count, ports) VALUES (?1, ?2, ?3, ?4, ?5)");
    for (const ScanCoverage& c : scan.coverage) {
      s.bind_int(1, scan_id)
          .bind_text(2, c.scan_type)
          .bind_text(3, to_string(c.protocol))
          .bind_int(4, c.port_count)
          .bind_text(5, c.ports.to_string());
      s.run();
    }
    Statement t = db_.prepare("INSERT INTO scan_targets (scan_id, target) VALUES (?1, ?2)");
    const std::vector<ScanTarget> targets = source.targets ? *source.targets : targets_from_nmap_args(scan.args);
    for (const ScanTarget& target : targets) {
      t.bind_int(1, scan_id).bind_text(2, target.text());
      t.run();
    }
  }

  Inserter ins(db_);
  for (const ScannedHost& h : scan.hosts) {
    const std::string address = to_string(h.address);
    std::int64_t host_id = 0;
    bool make_latest = true;
    ins.find_host.bind_text(1, address);
    if (ins.find_host.step()) {
      host_id = ins.find_host.column_int(0);
      if (!ins.find_host.column_is_null(1)) {
        // Newer = later start; the same start: the later import.
        const std::int64_t latest_start = ins.find_host.column_int(1);
        make_latest = started >= latest_start;
      }
      ins.find_host.reset();
    } else {
      ins.find_host.reset();
      ins.insert_host.bind_text(1, address)
          .bind_int(2, h.address.family == IpFamily::kV4 ? 4 : 6)
          .bind_int(3, scan_id);
      ins.insert_host.run();
      host_id = db_.last_insert_rowid();
      ++result.new_hosts;
    }
    ins.insert_observation.bind_int(1, scan_id)
        .bind_int(2, host_id)
        .bind_text(3, to_string(h.state))
        .bind_text(4, h.reason)
        .bind_int_or_null(5, ttl_or_null(h.reason_ttl))
        .bind_int_or_null(6, time_or_null(h.started_at))
        .bind_int_or_null(7, time_or_null(h.ended_at))
        .bind_text_or_null(8, h.mac)
        .bind_text_or_null(9, h.mac_vendor)
        .bind_text(10, join_lines(h.notes));
    ins.insert_observation.run();
    const std::int64_t observation = db_.last_insert_rowid();
    if (make_latest) {
      ins.set_latest.bind_int(1, host_id).bind_int(2, observation);
      ins.set_latest.run();
    }
    ++result.hosts;
    if (h.state == HostState::kUp) ++result.hosts_up;
    result.notes += h.notes.size();

    for (const HostAddress& a : h.addresses) {
      ins.insert_address.bind_int(1, observation).bind_text(2, a.address).bind_text(3, a.type).bind_text_or_null(4, a.vendor);
      ins.insert_address.run();
    }
    for (const HostName& n : h.hostnames) {
      ins.insert_name.bind_int(1, observation).bind_text(2, n.name).bind_text(3, n.type);
      ins.insert_name.run();
    }
    for (const ScannedPort& p : h.ports) {
      const ServiceInfo& s = p.service;
      ins.insert_port.bind_int(1, observation)
          .bind_text(2, to_string(p.protocol))
          .bind_int(3, p.port)
          .bind_text(4, to_string(p.state))
          .bind_text(5, p.reason)
          .bind_int_or_null(6, ttl_or_null(p.reason_ttl))
          .bind_text_or_null(7, s.name)
          .bind_text_or_null(8, s.product)
          .bind_text_or_null(9, s.version)
          .bind_text_or_null(10, s.extrainfo)
          .bind_text_or_null(11, s.tunnel)
          .bind_text_or_null(12, s.method)
          .bind_int(13, s.confidence);
      ins.insert_port.run();
      const std::int64_t port_id = db_.last_insert_rowid();
      if (p.state == PortState::kOpen) ++result.open_ports;
      for (const std::string& cpe : s.cpes) {
        ins.insert_cpe.bind_int(1, port_id).bind_text(2, cpe);
        ins.insert_cpe.run();
      }
      insert_scripts(ins, observation, port_id, p.scripts);
    }
    for (const ExtraPorts& x : h.extra_ports) {
      ins.insert_extra.bind_int(1, observation)
          .bind_text(2, to_string(x.state))
          .bind_int(3, x.count)
          .bind_text_or_null(4, x.reason)
          .bind_text_or_null(5, x.protocol)
          .bind_text_or_null(6, x.ports.to_string());
      ins.insert_extra.run();
    }
    std::int64_t rank = 0;
    for (const OsMatch& m : h.os_matches) {
      ins.insert_os.bind_int(1, observation)
          .bind_int(2, rank++)
          .bind_text(3, m.name)
          .bind_int(4, m.accuracy)
          .bind_text_or_null(5, m.os_type)
          .bind_text_or_null(6, m.vendor)
          .bind_text_or_null(7, m.family)
          .bind_text_or_null(8, m.generation)
          .bind_text_or_null(9, m.cpe);
      ins.insert_os.run();
    }
    insert_scripts(ins, observation, std::nullopt, h.scripts);
  }
  tx.commit();
  return result;
}

std::vector<ScannedHost> AssetInventory::current_hosts(bool with_scripts) {
  ObservationLoader loader(db_, std::string(kCurrentIds), [](Statement&) {});
  std::vector<ScannedHost> hosts = loader.load(with_scripts, nullptr);
  std::sort(hosts.begin(), hosts.end(),
            [](const ScannedHost& a, const ScannedHost& b) { return address_less(a.address, b.address); });
  return hosts;
}

std::vector<ScanRecord> AssetInventory::scans() {
  std::vector<ScanRecord> out;
  Statement s = db_.prepare(
      "SELECT id, scanner, scanner_version, args, started_at, finished_at, exit_status, source, imported_at, hosts_up, "
      "hosts_down, notes FROM scans ORDER BY started_at, id");
  while (s.step()) {
    out.push_back({s.column_int(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_int(4),
                   s.column_int(5), s.column_text(6), s.column_text(7), s.column_int(8), s.column_int(9),
                   s.column_int(10), s.column_text(11)});
  }
  return out;
}

std::int64_t AssetInventory::host_count() {
  Statement s = db_.prepare("SELECT count(*) FROM hosts");
  return s.step() ? s.column_int(0) : 0;
}

std::optional<HostHistory> AssetInventory::find_history(const IpAddress& address) {
  const std::string text = to_string(address);
  std::vector<std::int64_t> ids;
  std::int64_t total = 0;
  {
    Statement s = db_.prepare(
        "SELECT o.id, (SELECT count(*) FROM host_observations c WHERE c.host_id = h.id) "
        "FROM hosts h JOIN host_observations o ON o.host_id = h.id JOIN scans s ON s.id = o.scan_id "
        "WHERE h.address = ?1 ORDER BY s.started_at DESC, s.id DESC LIMIT 2");
    s.bind_text(1, text);
    while (s.step()) {
      ids.push_back(s.column_int(0));
      total = s.column_int(1);
    }
  }
  if (ids.empty()) return std::nullopt;
  ObservationLoader loader(db_, "?1, ?2", [&](Statement& s) {
    s.bind_int(1, ids[0]);
    s.bind_int(2, ids.size() > 1 ? ids[1] : ids[0]);
  });
  std::vector<ScannedHost> loaded = loader.load(true, nullptr);
  // Both rows come back in rowid order; put the newer (ids[0]) in front.
  std::sort(loaded.begin(), loaded.end(), [](const ScannedHost& a, const ScannedHost& b) {
    return std::pair{a.scan_started_at, a.scan_id} > std::pair{b.scan_started_at, b.scan_id};
  });
  if (loaded.empty()) return std::nullopt;
  HostHistory history;
  history.observations = total;
  history.newer = std::move(loaded[0]);
  if (loaded.size() > 1) {
    history.older = std::move(loaded[1]);
    history.diff = diff_hosts(*history.older, history.newer);
  }
  return history;
}

std::optional<IpAddress> AssetInventory::find_address_by_name(std::string_view name) {
  Statement s = db_.prepare(
      "SELECT h.address FROM hosts h JOIN host_names n ON n.observation_id = h.latest_observation_id "
      "WHERE n.name = ?1 COLLATE NOCASE ORDER BY h.id LIMIT 1");
  s.bind_text(1, name);
  if (!s.step()) return std::nullopt;
  IpAddress a;
  const std::string text = s.column_text(0);
  if (!parse_ip(text.c_str(), a)) return std::nullopt;
  return a;
}

AssetSnapshot AssetInventory::snapshot() {
  ObservationLoader loader(db_, std::string(kCurrentIds), [](Statement&) {});
  std::vector<bool> ever_up;
  std::vector<ScannedHost> hosts = loader.load(true, &ever_up);
  std::vector<ScanTarget> networks;
  Statement s = db_.prepare("SELECT DISTINCT target FROM scan_targets");
  while (s.step()) {
    if (std::optional<ScanTarget> t = ScanTarget::parse(s.column_text_view(0))) networks.push_back(*std::move(t));
  }
  return {std::move(hosts), std::move(ever_up), std::move(networks)};
}

}  // namespace nta
